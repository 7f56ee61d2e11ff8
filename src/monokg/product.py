"""Product pages: schema.org JSON-LD a shop can embed, projected from the graph under a policy.

The projection is lossy on purpose: schema.org can say less than the graph (a 5-10 g range is
no number), and the claims policy (data/policy/product-claims.yaml) keeps indications and
disease-related claims off a product page unless asked for. The JSON-LD is made by framing
the projected graph with pyld and the vendored schema.org context, served by a document loader
that never fetches anything.
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .config import Publication
from .errors import InputError, InputErrors
from .namespaces import MESH, MKG, OBO, QUDT, SCHEMA_PAGE
from .yamlio import Node, load_yaml

S = SCHEMA_PAGE
#: The context URL published documents name; the loader serves the vendored copy for it.
CONTEXT_URL = "https://schema.org"
CONTEXT_FILE = "schemaorgcontext.jsonld"
_SCHEMA_URL = re.compile(r"https?://schema\.org(/|/docs/jsonldcontext\.jsonld)?")

# BCP 47 (RFC 5646) syntax: language[-script][-region]*(-variant)*(-extension)[-privateuse],
# or a private-use tag; irregular grandfathered tags are not accepted.
_BCP47 = re.compile(
    r"(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"
    r"|x(?:-[a-z0-9]{1,8})+)", re.IGNORECASE)
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
#: Fields of a product file, each required.
PRODUCT_FIELDS = ("monograph", "name", "brand", "gtin", "size", "price", "currency",
                  "availability", "url", "language")


@dataclass(frozen=True)
class Product:
    """What a shop says about its product: identity, offer and page language."""

    slug: str
    file: Path
    monograph: str
    name: str
    brand: str
    gtin: str
    size: str
    price: str
    currency: str
    availability: str
    url: str
    language: str

    @property
    def text_language(self) -> str:
        """The language of the claim texts shown: 'nl' (the quote) or 'en' (the statement)."""
        return self.language.split("-", 1)[0].lower()


@dataclass(frozen=True)
class Policy:
    """The claims policy: which claim kinds and dose kinds reach a product page, and how."""

    kinds: dict[str, str]
    allowed: frozenset[str]
    with_flag: frozenset[str]
    disease_relations: frozenset[str]
    qualified_topics: frozenset[str]
    disease_qualifiers: frozenset[str]
    omit_with_curator_note: bool
    dose_kinds: dict[str, str]
    texts: dict[str, dict[str, str]]

    def topic(self, kind: str, relation: str, qualifiers: set[str]) -> str | None:
        """The topic of a claim; disease-related relations and qualifiers override its kind."""
        topic = self.kinds.get(kind)
        if relation in self.disease_relations:
            return "disease"
        if topic in self.qualified_topics and qualifiers & self.disease_qualifiers:
            return "disease"
        return topic

    def admits(self, topic: str | None, include_flagged: bool) -> bool:
        """Whether a claim of this topic may reach the page."""
        if topic in self.allowed:
            return True
        return include_flagged and topic in self.with_flag


def gtin_ok(gtin: str) -> bool:
    """A GTIN-8, -12, -13 or -14 whose last digit is the GS1 check digit of the others."""
    if not re.fullmatch(r"[0-9]{8}|[0-9]{12,14}", gtin):
        return False
    body = [int(c) for c in reversed(gtin[:-1])]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == int(gtin[-1])


def bcp47_ok(tag: str) -> bool:
    """A reasonable syntax check of a BCP 47 language tag (RFC 5646)."""
    return bool(_BCP47.fullmatch(tag))


def load_currencies(path: Path) -> frozenset[str]:
    """The ISO 4217 codes of data/iso4217.tsv."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return frozenset(row["code"] for row in csv.DictReader(lines, delimiter="\t"))


def load_product(path: Path, currencies: frozenset[str],
                 availabilities: frozenset[str]) -> Product:
    """Read and check a product file; every problem names the field, its line and a fix."""
    node = load_yaml(path)
    if not isinstance(node, Node):
        raise InputError("a product file must be a mapping of fields", path, 1,
                         fix=f"write the fields {', '.join(PRODUCT_FIELDS)} as 'field: value'")
    slug = path.name.removesuffix(".yaml")
    errors: list[InputError] = []

    def err(field: str, message: str, fix: str) -> None:
        errors.append(InputError(f"field {field!r}: {message}", path, node.line_of(field),
                                 fix=fix))

    values: dict[str, str] = {}
    for field in PRODUCT_FIELDS:
        value = node.get(field)
        if value is None or str(value).strip() == "":
            err(field, "missing", f"add '{field}: ...' (see data/products/ for an example)")
        elif isinstance(value, (dict, list)):
            err(field, "must be a single value", f"write '{field}: <text>'")
        else:
            values[field] = str(value).strip()
    unknown = sorted(set(node) - set(PRODUCT_FIELDS))
    for field in unknown:
        err(field, "unknown field", f"use only {', '.join(PRODUCT_FIELDS)}")
    if not _SLUG.fullmatch(slug):
        errors.append(InputError(f"file name {path.name!r} is no slug", path, fix=(
            "name the file in lowercase letters, digits and hyphens, e.g. l-glutamine-500g.yaml")))
    if "gtin" in values and not gtin_ok(values["gtin"]):
        err("gtin", f"{values['gtin']!r} is not a valid GTIN (8, 12, 13 or 14 digits, last one "
            "the check digit)", "copy the GTIN from the barcode; quote it so leading zeros stay")
    if "price" in values:
        try:
            price = Decimal(values["price"])
            valid = price.is_finite() and price >= 0 and re.fullmatch(
                r"[0-9]+(\.[0-9]+)?", values["price"]) is not None
        except InvalidOperation:
            valid = False
        if not valid:
            err("price", f"{values['price']!r} is not a price", "write digits with a decimal "
                "point and no currency sign, e.g. price: \"24.95\"")
    if "currency" in values and values["currency"] not in currencies:
        err("currency", f"{values['currency']!r} is not an ISO 4217 currency code",
            "use a three-letter code such as EUR, USD or GBP (list: data/iso4217.tsv)")
    if "availability" in values and values["availability"] not in availabilities:
        err("availability", f"{values['availability']!r} is not a schema.org ItemAvailability",
            f"use one of {', '.join(sorted(availabilities))}")
    if "url" in values and not re.fullmatch(r"https?://[^\s#<>\"]+", values["url"]):
        err("url", f"{values['url']!r} is not an absolute http(s) URL without a fragment",
            "give the product page's address, e.g. https://shop.example/p/name")
    if "language" in values:
        tag = values["language"]
        if not bcp47_ok(tag):
            err("language", f"{tag!r} is not a BCP 47 language tag",
                "write a tag such as nl, nl-NL, en or en-GB")
        elif tag.split("-", 1)[0].lower() not in ("nl", "en"):
            err("language", f"claim texts exist only in Dutch and English, not {tag!r}",
                "use a tag for Dutch (nl, nl-BE, ...) or English (en, en-GB, ...)")
    if errors:
        raise InputErrors(errors) if len(errors) > 1 else errors[0]
    return Product(slug=slug, file=path, **values)


def load_policy(path: Path) -> Policy:
    """Read the claims policy file."""
    node = load_yaml(path)
    try:
        texts = {lang: {k: str(v) for k, v in table.items()}
                 for lang, table in node["texts"].items()}
        return Policy(
            kinds={str(k): str(v) for k, v in node["kinds"].items()},
            allowed=frozenset(node["allowed"]), with_flag=frozenset(node["with_flag"]),
            disease_relations=frozenset(node["disease_relations"]),
            qualified_topics=frozenset(node["qualified_is_disease"]["topics"]),
            disease_qualifiers=frozenset(node["qualified_is_disease"]["qualifiers"]),
            omit_with_curator_note=bool(node["omit_with_curator_note"]),
            dose_kinds={str(k): str(v) for k, v in node["dose_kinds"].items()},
            texts=texts)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"the claims policy lacks or misshapes {exc}", path,
                         fix="keep the keys of the shipped data/policy/product-claims.yaml"
                         ) from exc


def load_context(schemaorg: Path) -> dict[str, Any]:
    """The vendored schema.org JSON-LD context document."""
    return json.loads((schemaorg / CONTEXT_FILE).read_text(encoding="utf-8"))


def offline_loader(context: dict[str, Any]):  # type: ignore[no-untyped-def]
    """A pyld document loader: the vendored context for schema.org URLs, refusal for all else."""
    from pyld import jsonld  # type: ignore[import-untyped]

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if _SCHEMA_URL.fullmatch(url):
            return {"contextUrl": None, "documentUrl": url, "document": context}
        raise jsonld.JsonLdError(
            f"refused to load {url}: only the schema.org context is available offline",
            "jsonld.LoadDocumentError", {"url": url}, code="loading document failed")
    return load


# ---------------------------------------------------------------- the graph -> schema.org graph


@dataclass(frozen=True)
class _Claim:
    iri: URIRef
    kind: str
    relation: str
    text: str
    topic: str | None
    dose: URIRef | None


def _local(iri: object, namespace: str) -> str:
    return str(iri)[len(namespace):] if str(iri).startswith(namespace) else ""


def _text(graph: Graph, node: URIRef, lang: str, *props: URIRef) -> str | None:
    for prop in props:
        for value in graph.objects(node, prop):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
    return None


def _claims(graph: Graph, ontology: Graph, mkg: Namespace, monograph: URIRef, lang: str,
            policy: Policy) -> list[_Claim]:
    """The monograph's claims with kind, topic and page text, in IRI order."""
    kinds = {c for c in ontology.transitive_subjects(RDFS.subClassOf, mkg.Claim)
             if c != mkg.Claim}
    found = []
    for claim in sorted(set(graph.subjects(mkg.monograph, monograph)), key=str):
        classes = [c for c in graph.objects(claim, RDF.type) if c in kinds]
        if not classes or not isinstance(claim, URIRef):
            continue
        kind = _local(min(classes, key=str), str(mkg)).removesuffix("Claim")
        relation = _local(graph.value(claim, mkg.relation), str(mkg))
        qualifiers = {_local(p, str(mkg)) for p, _ in graph.predicate_objects(claim)}
        if policy.omit_with_curator_note and "curatorNote" in qualifiers:
            continue
        text = (_text(graph, claim, "nl", RDFS.label) if lang == "nl"
                else _text(graph, claim, "en", mkg.statement, RDFS.label))
        if text is None:
            continue
        dose = graph.value(claim, mkg.dose)
        found.append(_Claim(claim, kind, relation, text, policy.topic(kind, relation, qualifiers),
                            dose if isinstance(dose, URIRef) else None))
    return found


def _number(value: Decimal) -> Literal:
    """A JSON number: integer when whole, else a double (both survive a JSON-LD round trip)."""
    if value == value.to_integral_value():
        return Literal(int(value), datatype=XSD.integer)
    return Literal(float(value), datatype=XSD.double)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _dose_schedule(graph: Graph, ontology: Graph, mkg: Namespace, out: Graph, node: URIRef,
                   dose: URIRef, prop: str, lang: str, words: dict[str, str]) -> None:
    """A DoseSchedule: numbers where schema.org can hold them, exact text where it cannot."""
    def dec(p: URIRef) -> Decimal | None:
        v = graph.value(dose, p)
        return Decimal(str(v)) if v is not None else None
    value, low, high = dec(QUDT.numericValue), dec(QUDT.lowerBound), dec(QUDT.upperBound)
    out.add((node, RDF.type, S.MaximumDoseSchedule if prop == "maximumIntake"
             else S.RecommendedDoseSchedule))
    text = None
    if value is not None:
        out.add((node, S.doseValue, _number(value)))
    elif high is not None and low is None and prop == "maximumIntake":
        out.add((node, S.doseValue, _number(high)))
    elif low is not None and high is not None:
        text = f"{_fmt(low)}-{_fmt(high)}"
    elif high is not None:
        text = words["up_to"].format(value=_fmt(high))
    elif low is not None:
        text = words["at_least"].format(value=_fmt(low))
    if text is not None:
        qv = URIRef(f"{node}-value")
        out.add((node, S.doseValue, qv))
        out.add((qv, RDF.type, S.QualitativeValue))
        out.add((qv, S.name, Literal(text)))
    unit = str(graph.value(dose, mkg.unitCode) or "")
    per_mass = graph.value(dose, mkg.perBodyMass)
    if per_mass is not None:
        unit += " " + words["per_body_mass"].format(unit=per_mass)
    if unit:
        out.add((node, S.doseUnit, Literal(unit)))
    parts = []
    period = graph.value(dose, mkg.period)
    if period is not None:
        parts.append(words["per_day"] if str(period) == "P1D" else f"per {period}")
    if graph.value(dose, mkg.portions) is not None:
        parts.append(words["portions"].format(n=graph.value(dose, mkg.portions)))
    elif graph.value(dose, mkg.dividedDoses) == Literal(True):
        parts.append(words["divided"])
    for timing in sorted(graph.objects(dose, mkg.timing), key=str):
        label = _text(ontology, URIRef(str(timing)), lang, RDFS.label)
        if label:
            offset = graph.value(dose, mkg.minimumOffset)
            minutes = re.fullmatch(r"PT(\d+)M", str(offset)) if offset is not None else None
            parts.append(f"{label} ({words['offset'].format(minutes=minutes.group(1))})"
                         if minutes else label)
    if parts:
        out.add((node, S.frequency, Literal(", ".join(parts))))


def _substance_codes(graph: Graph, substance: URIRef) -> list[tuple[str, str, URIRef]]:
    """(coding system, code, IRI) of the substance: ChEBI itself and the MeSH terms its mentions
    match exactly or closely."""
    codes = []
    chebi = str(OBO) + "CHEBI_"
    if str(substance).startswith(chebi):
        codes.append(("ChEBI", "CHEBI:" + str(substance)[len(chebi):], substance))
    mentions = {substance} | set(graph.subjects(SKOS.exactMatch, substance))
    for mention in mentions:
        for prop in (SKOS.exactMatch, SKOS.closeMatch):
            for term in graph.objects(mention, prop):
                if str(term).startswith(str(MESH)):
                    codes.append(("MeSH", str(term)[len(str(MESH)):], URIRef(str(term))))
    return sorted(set(codes))


def to_product_graph(graph: Graph, ontology: Graph, product: Product, policy: Policy,
                     publication: Publication, include_flagged: bool = False) -> Graph:
    """The schema.org graph a product page publishes (http://schema.org/ terms, no blank nodes).

    ``graph`` and ``ontology`` are as published (rebased under the publication base).
    """
    mkg = Namespace(str(publication.rebase_term(URIRef(str(MKG)))))
    lang = product.text_language
    words = policy.texts[lang]
    monograph = publication.iri(f"monograph/{product.monograph}")
    if (monograph, RDF.type, mkg.Monograph) not in graph:
        raise InputError(f"field 'monograph': no monograph {product.monograph!r} in the graph",
                         product.file, fix="name a folder of data/monographs/ and build first")
    out = Graph(bind_namespaces="none")
    out.bind("schema", str(S))
    page, item = URIRef(product.url), URIRef(product.url + "#product")
    offer, brand = URIRef(product.url + "#offer"), URIRef(product.url + "#brand")
    for t in (S.Product, S.DietarySupplement):
        out.add((item, RDF.type, t))
    out.add((item, S.name, Literal(product.name)))
    out.add((item, S.gtin, Literal(product.gtin)))
    out.add((item, S.size, Literal(product.size)))
    out.add((item, S.brand, brand))
    out.add((brand, RDF.type, S.Brand))
    out.add((brand, S.name, Literal(product.brand)))
    out.add((item, S.offers, offer))
    out.add((offer, RDF.type, S.Offer))
    out.add((offer, S.price, Literal(product.price)))
    out.add((offer, S.priceCurrency, Literal(product.currency)))
    out.add((offer, S.availability, S[product.availability]))
    out.add((offer, S.url, page))
    out.add((item, S.mainEntityOfPage, page))
    out.add((page, RDF.type, S.ItemPage))
    out.add((page, S.inLanguage, Literal(product.language)))
    out.add((page, S.name, Literal(product.name)))

    substance = graph.value(monograph, DCTERMS.subject)
    if isinstance(substance, URIRef):
        name = (_text(graph, substance, lang, RDFS.label, SKOS.altLabel)
                or _text(graph, substance, "en", RDFS.label))
        if name:
            out.add((item, S.activeIngredient, Literal(name)))
            out.add((item, S.nonProprietaryName, Literal(name)))
        for system, value, _ in _substance_codes(graph, substance):
            code = URIRef(f"{product.url}#code-{system.lower()}-{value.rsplit(':', 1)[-1]}")
            out.add((item, S.code, code))
            out.add((code, RDF.type, S.MedicalCode))
            out.add((code, S.codingSystem, Literal(system)))
            out.add((code, S.codeValue, Literal(value)))

    out.add((item, S.subjectOf, monograph))
    out.add((monograph, RDF.type, S.CreativeWork))
    title = graph.value(monograph, DCTERMS.title)
    if title is not None:
        out.add((monograph, S.name, Literal(str(title))))
    source_lang = graph.value(monograph, DCTERMS.language)
    if source_lang is not None:
        out.add((monograph, S.inLanguage, Literal(str(source_lang).rsplit("/", 1)[-1])))
    out.add((monograph, S.url, monograph))

    flagged = False
    safety: set[str] = set()
    for claim in _claims(graph, ontology, mkg, monograph, lang, policy):
        if not policy.admits(claim.topic, include_flagged):
            continue
        flagged |= claim.topic not in policy.allowed
        out.add((item, S.subjectOf, claim.iri))
        out.add((claim.iri, RDF.type, S.Claim))
        out.add((claim.iri, S.additionalType, mkg[f"{claim.kind}Claim"]))
        out.add((claim.iri, S.text, Literal(claim.text)))
        out.add((claim.iri, S.inLanguage, Literal(lang)))
        out.add((claim.iri, S.isBasedOn, monograph))
        out.add((claim.iri, S.url, claim.iri))
        if claim.topic in ("safety", "handling"):
            safety.add(claim.text)
        if claim.topic == "dose" and claim.dose is not None:
            dose_kind = _local(graph.value(claim.dose, mkg.doseKind), str(mkg))
            prop = policy.dose_kinds.get(dose_kind)
            if prop is not None:
                schedule = URIRef(f"{product.url}#dose-{claim.iri.rsplit('/', 1)[-1]}")
                out.add((item, S[prop], schedule))
                _dose_schedule(graph, ontology, mkg, out, schedule, claim.dose, prop, lang, words)
                out.add((schedule, S.description, Literal(claim.text)))
    # A quote that is part of a longer quote shown anyway (one adverse effect of a list) would
    # only repeat it.
    for text in safety:
        if not any(text != other and text in other for other in safety):
            out.add((item, S.safetyConsideration, Literal(text)))
    if flagged:
        out.add((item, S.description, Literal(words["disclaimer"])))
    return out


# ---------------------------------------------------------------- schema.org graph -> outputs


def to_jsonld(product_graph: Graph, context: dict[str, Any]) -> dict[str, Any]:
    """The product graph framed around the Product node and compacted with schema.org terms."""
    from pyld import jsonld  # type: ignore[import-untyped]

    loader = offline_loader(context)
    # Sorted lines: rdflib's own order varies between runs, and pyld keeps the order it reads.
    lines = product_graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    nquads = "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads",
                                        "useNativeTypes": True})
    frame = {"@context": CONTEXT_URL, "@type": "Product"}
    framed = jsonld.frame(expanded, frame, {"documentLoader": loader, "omitGraph": True,
                                            "embed": "@once"})
    return _spelled_out(framed)  # type: ignore[no-any-return]


def _spelled_out(value: Any) -> Any:
    """The framed document with '@id'/'@type' for the context's aliases 'id'/'type' and full
    schema.org IRIs for 'schema:' compact IRIs.

    Both spellings mean the same under the schema.org context, but validators and crawlers
    document and best understand '@type' and full enumeration IRIs such as
    http://schema.org/InStock.
    """
    if isinstance(value, list):
        return [_spelled_out(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        key = {"id": "@id", "type": "@type"}.get(key, key)
        if key == "@type" and isinstance(item, list) and "Product" in item:
            # Product first: tools that read one type of an array read the first.
            item = ["Product"] + sorted(t for t in item if t != "Product")
        if key == "@id" and isinstance(item, str) and item.startswith("schema:"):
            item = str(S) + item[len("schema:"):]
        out[key] = _spelled_out(item)
    return out


def to_text(document: dict[str, Any]) -> str:
    """The JSON-LD document as stable, readable JSON text."""
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def to_snippet(document: dict[str, Any]) -> str:
    """A <script type="application/ld+json"> element no string of the data can break out of.

    '<', '>' and '&' become JSON escapes, which every JSON(-LD) parser reads back unchanged, so
    neither '</script>' nor '<!--' can appear in the element's text.
    """
    text = to_text(document).rstrip("\n")
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def from_jsonld(document: Any, context: dict[str, Any]) -> Graph:
    """Read JSON-LD (a parsed document) into a graph, loading only the vendored context."""
    from pyld import jsonld  # type: ignore[import-untyped]

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads",
                                      "documentLoader": offline_loader(context)})
    graph = Graph()
    graph.parse(data=nquads, format="nt")  # the default graph only: JSON-LD pages name none
    return graph


def _values(graph: Graph, node: URIRef, prop: URIRef) -> list[str]:
    return sorted(str(v) for v in graph.objects(node, prop))


def to_page(product: Product, product_graph: Graph, snippet: str, policy: Policy) -> str:
    """A complete example product page whose visible content matches its markup."""
    g, item = product_graph, URIRef(product.url + "#product")
    words = policy.texts[product.text_language]
    e = html.escape
    body = [f"<h1>{e(product.name)}</h1>",
            f'<p class="brand">{e(product.brand)} · {e(product.size)} · GTIN {e(product.gtin)}</p>',
            (f'<p class="price">{e(words["price"])}: <span>{e(product.currency)} '
             f"{e(product.price)}</span> · {e(words['in_stock'])}: {e(product.availability)}</p>")]
    for name in _values(g, item, S.activeIngredient):
        codes = ", ".join(f"{g.value(c, S.codingSystem)} {g.value(c, S.codeValue)}"
                          for c in sorted(g.objects(item, S.code), key=str))
        body.append(f'<p class="ingredient">{e(words["ingredient"])}: {e(name)} ({e(codes)})</p>')
    for description in _values(g, item, S.description):
        body.append(f'<p class="disclaimer"><strong>{e(description)}</strong></p>')
    schedules = sorted(set(g.objects(item, S.recommendedIntake))
                       | set(g.objects(item, S.maximumIntake)), key=str)
    if schedules:
        body.append(f"<h2>{e(words['dose'])}</h2><ul class=\"dose\">")
        for node in schedules:
            value = g.value(node, S.doseValue)
            amount = str(g.value(value, S.name) or value)
            line = " ".join(str(x) for x in (amount, g.value(node, S.doseUnit) or "",
                                             g.value(node, S.frequency) or "") if str(x))
            body.append(f"<li>{e(line)}: {e(str(g.value(node, S.description)))}</li>")
        body.append("</ul>")
    safety = _values(g, item, S.safetyConsideration)
    if safety:
        body.append(f"<h2>{e(words['safety'])}</h2><ul class=\"safety\">")
        body += [f"<li>{e(text)}</li>" for text in safety]
        body.append("</ul>")
    claims = sorted((c for c in g.objects(item, S.subjectOf) if (c, RDF.type, S.Claim) in g),
                    key=str)
    # Claims whose kind is outside the default policy are shown apart, under the disclaimer.
    flagged = [c for c in claims if policy.kinds.get(str(g.value(c, S.additionalType)).rsplit(
        "/", 1)[-1].removesuffix("Claim")) not in policy.allowed]
    if flagged:
        body.append(f"<h2>{e(words['indications'])}</h2><ul class=\"indications\">")
        body += [f"<li>{e(str(g.value(c, S.text)))}</li>" for c in flagged]
        body.append("</ul>")
    body.append(f"<h2>{e(words['sources'])}</h2><ul class=\"sources\">")
    for work in sorted(set(g.objects(item, S.subjectOf)) - set(claims), key=str):
        body.append(f'<li><a class="monograph" href="{e(str(work))}">{e(words["monograph"])}: '
                    f"{e(str(g.value(work, S.name) or work))}</a></li>")
    body += [f'<li><a class="claim" href="{e(str(c))}">{e(str(g.value(c, S.text)))}</a></li>'
             for c in claims]
    body.append("</ul>")
    return (f'<!DOCTYPE html>\n<html lang="{e(product.language)}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{e(product.name)}</title>\n'
            f'<link rel="canonical" href="{e(product.url)}">\n{snippet}</head>\n<body>\n'
            + "\n".join(body) + "\n</body>\n</html>\n")


@dataclass
class ProductPage:
    """Everything made for one product: the graph meant, the JSON-LD, snippet and page."""

    product: Product
    graph: Graph
    document: dict[str, Any]
    snippet: str
    page: str


def to_product_page(graph: Graph, ontology: Graph, product: Product, policy: Policy,
                    publication: Publication, context: dict[str, Any],
                    include_flagged: bool = False) -> ProductPage:
    """Project, frame, escape and lay out one product page."""
    meant = to_product_graph(graph, ontology, product, policy, publication, include_flagged)
    document = to_jsonld(meant, context)
    snippet = to_snippet(document)
    return ProductPage(product, meant, document, snippet,
                       to_page(product, meant, snippet, policy))


def write_product_page(page: ProductPage, data_dir: Path, html_dir: Path) -> list[Path]:
    """Write <slug>.jsonld and <slug>.snippet.html into ``data_dir``, <slug>.html into
    ``html_dir``."""
    slug = page.product.slug
    files = {data_dir / f"{slug}.jsonld": to_text(page.document),
             data_dir / f"{slug}.snippet.html": page.snippet,
             html_dir / f"{slug}.html": page.page}
    from .dataset import write_file

    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, text.encode("utf-8"))
    return list(files)
