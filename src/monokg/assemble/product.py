"""Product pages made from the graph: schema.org graph, framed JSON-LD, snippet and page."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup
from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef

from monokg.assemble.release import Release
from monokg.curate.language import LANGUAGES_DIR
from monokg.curate.products import (
    CONTEXT_URL,
    Policy,
    Product,
    ProductKit,
    S,
    claim_sentences,
    fallback_words,
    load_product,
    load_product_kit,
    locale_of,
    lookup,
    page_words,
)
from monokg.model.config import Publication
from monokg.model.errors import InputError
from monokg.model.namespaces import DCTERMS, MESH, MKG, OBO, QUDT, RDF, RDFS, SKOS, XSD
from monokg.model.templates import environment
from monokg.rdf.graphs import ntriples_lines
from monokg.rdf.jsonld import offline_loader


@dataclass(frozen=True)
class _Claim:
    iri: URIRef
    kind: str
    relation: str
    text: Literal | None
    topic: str | None
    dose: URIRef | None
    #: the source's only text for it in the page language is no whole sentence
    fragment: bool = False


def _local(iri: object, namespace: str) -> str:
    return str(iri)[len(namespace):] if str(iri).startswith(namespace) else ""


def _literal(graph: Graph, node: URIRef, tag: str, *props: URIRef) -> Literal | None:
    """The first property's value in the language of ``tag`` (nl-BE finds nl), or None."""
    for prop in props:
        found = {v.language: v for v in graph.objects(node, prop)
                 if isinstance(v, Literal) and v.language}
        chosen = lookup(found, tag)
        if chosen is not None:
            return found[chosen]
    return None


def _text(graph: Graph, node: URIRef, tag: str, *props: URIRef) -> str | None:
    found = _literal(graph, node, tag, *props)
    return None if found is None else str(found)


def _claims(graph: Graph, ontology: Graph, mkg: Namespace, monograph: URIRef, lang: str,
            policy: Policy, sentences: dict[str, str | None]) -> list[_Claim]:
    """The monograph's claims with kind, topic and text in the page language, in IRI order.

    On a page in the source's language the text is the whole sentence(s) the quote lies in
    (``sentences``, by claim id); where those are no whole sentence, the curator's statement if
    it is in that language, else none (``fragment``). On a page in another language it is the
    statement in that language, or none."""
    source = graph.value(monograph, DCTERMS.language)
    source_lang = str(source).rsplit("/", 1)[-1] if source is not None else ""
    in_source = bool(source_lang) and lookup([source_lang], lang) is not None
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
        claim_id = claim.rsplit("/", 1)[-1]
        fragment = False
        if in_source and claim_id in sentences:
            sentence = sentences[claim_id]
            text = (Literal(sentence, lang=source_lang) if sentence is not None
                    else _literal(graph, claim, lang, mkg.statement))
            fragment = text is None
        else:
            text = _literal(graph, claim, lang, mkg.statement, RDFS.label)
        dose = graph.value(claim, mkg.dose)
        found.append(_Claim(claim, kind, relation, text, policy.topic(kind, relation, qualifiers),
                            dose if isinstance(dose, URIRef) else None, fragment))
    return found


def _number(value: Decimal) -> Literal:
    """A JSON number: integer when whole, else a double (both survive a JSON-LD round trip)."""
    if value == value.to_integral_value():
        return Literal(int(value), datatype=XSD.integer)
    return Literal(float(value), datatype=XSD.double)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _dose_schedule(graph: Graph, ontology: Graph, mkg: Namespace, out: Graph, node: URIRef,
                   dose: URIRef, prop: str, lang: str, words: dict[str, str] | None) -> set[str]:
    """A DoseSchedule: numbers where schema.org can hold them, exact text where it cannot.
    Returns the schema.org properties left out for want of page words in the language."""
    left_out: set[str] = set()
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
    elif words is None:
        left_out.add("doseValue")
    elif high is not None:
        text = words["up_to"].format(n=_fmt(high))
    elif low is not None:
        text = words["at_least"].format(n=_fmt(low))
    if text is not None:
        qv = URIRef(f"{node}-value")
        out.add((node, S.doseValue, qv))
        out.add((qv, RDF.type, S.QualitativeValue))
        out.add((qv, S.name, Literal(text)))
    unit = str(graph.value(dose, mkg.unitCode) or "")
    per_mass = graph.value(dose, mkg.perBodyMass)
    if per_mass is not None and words is None:
        left_out.add("doseUnit")
    elif unit:
        if per_mass is not None and words is not None:
            unit += " " + words["per_body_mass"].format(unit=per_mass)
        out.add((node, S.doseUnit, Literal(unit)))
    if words is None:
        return left_out | ({"frequency"} if _has_frequency(graph, mkg, dose) else set())
    parts = []
    period = graph.value(dose, mkg.period)
    if period is not None:
        parts.append(words["per_day"] if str(period) == "P1D"
                     else words["per_period"].format(period=period))
    if graph.value(dose, mkg.portions) is not None:
        parts.append(words["portions"].format(n=graph.value(dose, mkg.portions)))
    elif graph.value(dose, mkg.dividedDoses) == Literal(True):
        parts.append(words["divided"])
    for timing in sorted(graph.objects(dose, mkg.timing), key=str):
        label = _text(ontology, URIRef(str(timing)), lang, RDFS.label)
        if not label:
            left_out.add("frequency")
        else:
            offset = graph.value(dose, mkg.minimumOffset)
            minutes = re.fullmatch(r"PT(\d+)M", str(offset)) if offset is not None else None
            parts.append(f"{label} ({words['offset'].format(minutes=minutes.group(1))})"
                         if minutes else label)
    if parts:
        out.add((node, S.frequency, Literal(", ".join(parts))))
    return left_out


def _has_frequency(graph: Graph, mkg: Namespace, dose: URIRef) -> bool:
    """Whether a dose says how often or when (what schema:frequency would put in words)."""
    return any(graph.value(dose, p) is not None
               for p in (mkg.period, mkg.portions, mkg.dividedDoses, mkg.timing))


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


def _offer(out: Graph, product: Product, offer: URIRef) -> None:
    """The offer as the product file gives it: price, availability, condition, how long the
    price holds, shipping and the return policy."""
    out.add((offer, RDF.type, S.Offer))
    out.add((offer, S.price, Literal(product.price)))
    out.add((offer, S.priceCurrency, Literal(product.currency)))
    out.add((offer, S.availability, S[product.availability]))
    out.add((offer, S.url, URIRef(product.url)))
    # The official context types priceValidUntil and merchantReturnDays as schema:Date, so
    # that is what any JSON-LD using it means, and what compacts to a plain value.
    if product.price_valid_until:
        out.add((offer, S.priceValidUntil, Literal(product.price_valid_until,
                                                   datatype=S.Date)))
    if product.item_condition:
        out.add((offer, S.itemCondition, S[product.item_condition]))
    ship = product.shipping
    if ship is not None:
        node = URIRef(product.url + "#shipping")
        out.add((offer, S.shippingDetails, node))
        out.add((node, RDF.type, S.OfferShippingDetails))
        rate, region = URIRef(product.url + "#shipping-rate"), URIRef(
            product.url + "#shipping-destination")
        out.add((node, S.shippingRate, rate))
        out.add((rate, RDF.type, S.MonetaryAmount))
        out.add((rate, S.value, _number(Decimal(ship.rate))))
        out.add((rate, S.currency, Literal(product.currency)))
        out.add((node, S.shippingDestination, region))
        out.add((region, RDF.type, S.DefinedRegion))
        out.add((region, S.addressCountry, Literal(ship.country)))
        time = URIRef(product.url + "#delivery-time")
        out.add((node, S.deliveryTime, time))
        out.add((time, RDF.type, S.ShippingDeliveryTime))
        for prop, (low, high) in (("handlingTime", ship.handling_days),
                                  ("transitTime", ship.transit_days)):
            days = URIRef(f"{product.url}#{prop}")
            out.add((time, S[prop], days))
            out.add((days, RDF.type, S.QuantitativeValue))
            out.add((days, S.minValue, _number(Decimal(low))))
            out.add((days, S.maxValue, _number(Decimal(high))))
            out.add((days, S.unitCode, Literal("DAY")))
    returns = product.returns
    if returns is not None:
        node = URIRef(product.url + "#return-policy")
        out.add((offer, S.hasMerchantReturnPolicy, node))
        out.add((node, RDF.type, S.MerchantReturnPolicy))
        out.add((node, S.applicableCountry, Literal(returns.country)))
        out.add((node, S.returnPolicyCategory, S.MerchantReturnFiniteReturnWindow))
        out.add((node, S.merchantReturnDays, Literal(str(returns.days), datatype=S.Date)))
        out.add((node, S.returnMethod, S[returns.method]))
        out.add((node, S.returnFees, S[returns.fees]))


def to_product_graph(graph: Graph, ontology: Graph, product: Product, policy: Policy,
                     publication: Publication, sentences: dict[str, str | None],
                     include_flagged: bool = False) -> Graph:
    """The schema.org graph a product page publishes (http://schema.org/ terms, no blank nodes).

    ``graph`` and ``ontology`` are as published (rebased under the publication base);
    ``sentences`` maps claim ids to the whole source sentence(s) of their quotes (None: no
    whole sentence), from ``claim_sentences``.
    """
    mkg = Namespace(str(publication.rebase_term(URIRef(str(MKG)))))
    lang = product.language
    words = page_words(lang)
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
    _offer(out, product, offer)
    for image in product.images:
        out.add((item, S.image, URIRef(image)))
    if product.description:
        out.add((item, S.description, Literal(product.description)))
    if product.sku:
        out.add((item, S.sku, Literal(product.sku)))
    out.add((item, S.mainEntityOfPage, page))
    out.add((page, RDF.type, S.ItemPage))
    out.add((page, S.inLanguage, Literal(product.language)))
    out.add((page, S.name, Literal(product.name)))

    substance = graph.value(monograph, DCTERMS.subject)
    if isinstance(substance, URIRef):
        # A substance's standard name (ChEBI's) stands in any language, as an INN does.
        name = (_text(graph, substance, lang, RDFS.label, SKOS.altLabel)
                or min((str(v) for v in graph.objects(substance, RDFS.label)), default=None))
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
    # schema.org property -> how many values the page leaves out for want of a text, and of words
    no_text: Counter[str] = Counter()
    no_words: Counter[str] = Counter()
    fragments: Counter[str] = Counter()
    claims = _claims(graph, ontology, mkg, monograph, lang, policy, sentences)
    for claim in claims:
        if not policy.admits(claim.topic, include_flagged):
            continue
        dose_kind = (_local(graph.value(claim.dose, mkg.doseKind), str(mkg))
                     if claim.topic == "dose" and claim.dose is not None else "")
        prop = policy.dose_kinds.get(dose_kind)
        if claim.text is None:
            missing = fragments if claim.fragment else no_text
            missing["subjectOf"] += 1
            missing.update(["safetyConsideration"] if claim.topic in ("safety", "handling")
                           else [prop] if prop else [])
            continue
        if claim.topic not in policy.allowed and words is None:
            no_words["subjectOf"] += 1  # shown only under the disclaimer, which needs words
            continue
        flagged |= claim.topic not in policy.allowed
        text = str(claim.text)
        out.add((item, S.subjectOf, claim.iri))
        out.add((claim.iri, RDF.type, S.Claim))
        out.add((claim.iri, S.additionalType, mkg[f"{claim.kind}Claim"]))
        out.add((claim.iri, S.text, Literal(text)))
        out.add((claim.iri, S.inLanguage, Literal(claim.text.language)))
        out.add((claim.iri, S.isBasedOn, monograph))
        out.add((claim.iri, S.url, claim.iri))
        if claim.topic in ("safety", "handling"):
            safety.add(text)
        if prop is not None and claim.dose is not None:
            schedule = URIRef(f"{product.url}#dose-{claim.iri.rsplit('/', 1)[-1]}")
            out.add((item, S[prop], schedule))
            no_words.update(_dose_schedule(graph, ontology, mkg, out, schedule, claim.dose, prop,
                                           lang, words))
            out.add((schedule, S.description, Literal(text)))
    # A quote that is part of a longer quote shown anyway (one adverse effect of a list) would
    # only repeat it.
    for text in safety:
        if not any(text != other and text in other for other in safety):
            out.add((item, S.safetyConsideration, Literal(text)))
    if flagged and words is not None:
        out.add((item, S.description, Literal(words["disclaimer"])))
    has = sorted({str(v.language) for c in claims for p in (mkg.statement, RDFS.label)
                  for v in graph.objects(c.iri, p) if isinstance(v, Literal) and v.language})
    reasons = {name: f"{n} value(s): the graph has no text in {lang} for them (it has "
               f"{', '.join(has) or 'none'})" for name, n in no_text.items()}
    for name, n in fragments.items():
        reasons[name] = "; ".join(filter(None, (reasons.get(name), (
            f"{n} value(s): the source's text for them is only part of a sentence (a list "
            f"item or heading), and they have no statement in {lang}"))))
    for name, n in no_words.items():
        reasons[name] = "; ".join(filter(None, (reasons.get(name), (
            f"{n} value(s): no language file gives page words in {lang} "
            f"({LANGUAGES_DIR.name}/<tag>.yaml: product_page), or the ontology no label in "
            f"{lang}"))))
    for name, reason in sorted(reasons.items()):
        node = URIRef(f"{product.url}#left-out-{name}")
        out.add((page, mkg.leftOut, node))
        out.add((node, mkg.leftOutProperty, S[name]))
        out.add((node, mkg.reason, Literal(reason)))
    return out


def left_out(product_graph: Graph, product: Product, mkg: str) -> list[tuple[str, str]]:
    """(schema.org property, why) for each field a product page leaves out."""
    page, m = URIRef(product.url), Namespace(mkg)
    return sorted((str(product_graph.value(node, m.leftOutProperty)).removeprefix(str(S)),
                   str(product_graph.value(node, m.reason)))
                  for node in product_graph.objects(page, m.leftOut))




def to_jsonld(product_graph: Graph, context: dict[str, Any]) -> dict[str, Any]:
    """The product graph framed around the Product node and compacted with schema.org terms."""

    # Sorted lines: rdflib's own order varies between runs, and pyld keeps the order it reads.
    nquads = "\n".join(ntriples_lines(product_graph)) + "\n"
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads",
                                        "useNativeTypes": True})
    loader = offline_loader(_context_for(context, _iris_of(expanded)))
    frame = {"@context": CONTEXT_URL, "@type": "Product"}
    framed = jsonld.frame(expanded, frame, {"documentLoader": loader, "omitGraph": True,
                                            "embed": "@once"})
    return _spelled_out(framed)


def _iris_of(value: Any, found: set[str] | None = None) -> set[str]:
    """Every IRI an expanded JSON-LD document names: properties, types, datatypes, nodes."""
    found = set() if found is None else found
    if isinstance(value, list):
        for item in value:
            _iris_of(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("@id", "@type"):
                found.update(item if isinstance(item, list) else [item])
            elif not key.startswith("@"):
                found.add(key)
            _iris_of(item, found)
    return found


def _context_for(context: dict[str, Any], iris: set[str]) -> dict[str, Any]:
    """The schema.org context cut to the terms that can take part in compacting ``iris``.

    pyld compacts each IRI by scanning every term of the context that names no IRI of the
    document (about 3,000 terms, twice per IRI: most of a cold build's product page). A term
    can only matter if it names one of the IRIs, can be a prefix (a plain IRI ending in a
    gen-delim), is a keyword or an alias of one, or would block the @vocab-relative name of one
    of the IRIs; the others are left out, and the result is the same document."""
    body = context["@context"]
    vocab = body.get("@vocab", "")
    plain = {term: d for term, d in body.items() if isinstance(d, str)}

    def expanded(value: str) -> str:
        prefix, colon, local = value.partition(":")
        if colon and prefix in plain and not local.startswith("//"):
            return plain[prefix] + local
        return value

    kept: dict[str, Any] = {}
    for term, definition in body.items():
        target = definition if isinstance(definition, str) else (definition or {}).get("@id", "")
        if (term.startswith("@") or target.startswith("@") or target.endswith(_GEN_DELIMS)
                or expanded(target) in iris or vocab + term in iris):
            kept[term] = definition
    return {**context, "@context": kept}


#: RFC 3987's gen-delims: a plain term whose IRI ends in one may serve as a prefix (JSON-LD 1.1).
_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")


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
    neither '</script>' nor '<!--' can appear in the element's text. So does every character
    beyond ASCII: the snippet reads the same in a shop's page of any encoding, and opened alone
    (a file without a charset is read as windows-1252).
    """
    text = json.dumps(document, ensure_ascii=True, indent=1, sort_keys=True)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def _values(graph: Graph, node: URIRef, prop: URIRef) -> list[str]:
    return sorted(str(v) for v in graph.objects(node, prop))


def _words(tag: str) -> tuple[dict[str, str], list[str]]:
    """The HTML page's words in ``tag``, else English, with a note saying so."""
    words = page_words(tag)
    if words is not None:
        return words, []
    return fallback_words(), [(
        f"no product-page words for {tag!r} in {LANGUAGES_DIR.name}/: the HTML page uses "
        f"English words (add {LANGUAGES_DIR.name}/{tag.split('-')[0].lower()}.yaml with "
        "'product_page:' to translate them)")]


def _number_text(value: object, locale: Any) -> str:
    """A dose amount as the page's language writes numbers (0,5 in Dutch)."""
    if isinstance(value, Literal) and value.datatype in (XSD.integer, XSD.double):
        return format_decimal(Decimal(str(value)).normalize(), locale=locale)
    return str(value)


def to_page(product: Product, product_graph: Graph, snippet: str, policy: Policy,
            mkg: str) -> tuple[str, list[str]]:
    """A complete example product page whose visible content matches its markup (template
    ``product.html``), in the page's language: prices, dates and numbers by CLDR (Babel), words
    from the language files. Returns the page and notes (words that fell back to English)."""
    g, item = product_graph, URIRef(product.url + "#product")
    w, notes = _words(product.language)
    locale = locale_of(product.language)
    codes = ", ".join(f"{g.value(c, S.codingSystem)} {g.value(c, S.codeValue)}"
                      for c in sorted(g.objects(item, S.code), key=str))
    doses = []
    for node in sorted(set(g.objects(item, S.recommendedIntake))
                       | set(g.objects(item, S.maximumIntake)), key=str):
        value = g.value(node, S.doseValue)
        amount = str(g.value(value, S.name)) if g.value(value, S.name) is not None \
            else _number_text(value, locale)
        line = " ".join(str(x) for x in (amount, g.value(node, S.doseUnit) or "",
                                         g.value(node, S.frequency) or "") if str(x))
        doses.append((line, str(g.value(node, S.description))))
    claims = sorted((c for c in g.objects(item, S.subjectOf) if (c, RDF.type, S.Claim) in g),
                    key=str)
    # Claims whose kind is outside the default policy are shown apart, under the disclaimer.
    flagged = [c for c in claims if policy.kinds.get(str(g.value(c, S.additionalType)).rsplit(
        "/", 1)[-1].removesuffix("Claim")) not in policy.allowed]
    # One link per sentence: several claims drawn from one sentence show it once.
    sentences: dict[str, str] = {}
    for claim in claims:
        sentences.setdefault(str(g.value(claim, S.text)), str(claim))
    offer = URIRef(product.url + "#offer")
    valid = g.value(offer, S.priceValidUntil)
    country_names = locale.territories
    shipping = returns = None
    if product.shipping is not None:
        ship = product.shipping
        rate = (w["free_shipping"] if Decimal(ship.rate) == 0 else
                format_currency(Decimal(ship.rate), product.currency, locale=locale))
        shipping = w["shipping"].format(
            country=country_names.get(ship.country, ship.country), rate=rate,
            min=ship.handling_days[0] + ship.transit_days[0],
            max=ship.handling_days[1] + ship.transit_days[1])
    if product.returns is not None:
        ret = product.returns
        returns = (w["returns"].format(days=ret.days,
                                       country=country_names.get(ret.country, ret.country))
                   + f", {w[ret.fees]}, {w[ret.method]}")
    descriptions = _values(g, item, S.description)
    page = environment().get_template("product.html").render(
        product=product, w=w,
        left_out=left_out(product_graph, product, mkg),
        # The one fragment not escaped here: to_snippet made it, JSON-escaped so that no text
        # of the data can end the script element.
        snippet=Markup(snippet),
        price=format_currency(Decimal(product.price), product.currency, locale=locale),
        availability=w[product.availability],
        in_stock=product.availability in ("InStock", "LimitedAvailability", "OnlineOnly",
                                          "InStoreOnly"),
        valid_until=(w["price_valid_until"].format(date=format_date(
            date.fromisoformat(str(valid)), format="long", locale=locale))
            if valid is not None else None),
        condition=w[product.item_condition] if product.item_condition else None,
        shipping=shipping, returns=returns,
        images=[(url, w["image"].format(name=product.name)) for url in product.images],
        ingredients=[(name, codes) for name in _values(g, item, S.activeIngredient)],
        description=product.description,
        disclaimers=[d for d in descriptions if d != product.description], doses=doses,
        safety=_values(g, item, S.safetyConsideration),
        indications=sorted({str(g.value(c, S.text)) for c in flagged}),
        works=[(str(work), str(g.value(work, S.name) or work))
               for work in sorted(set(g.objects(item, S.subjectOf)) - set(claims), key=str)],
        sentences=sorted((href, text) for text, href in sentences.items()))
    return page, notes


@dataclass
class ProductPage:
    """Everything made for one product: the graph meant, the JSON-LD, snippet and page."""

    product: Product
    graph: Graph
    document: dict[str, Any]
    snippet: str
    page: str
    #: (schema.org property, why) for each field left out, e.g. for want of a text in the
    #: page's language; also in the JSON-LD, as mkg:leftOut of the page.
    left_out: list[tuple[str, str]]
    #: what the HTML page had to do without (words in its language), for stderr
    notes: list[str]


def to_product_page(graph: Graph, ontology: Graph, product: Product, policy: Policy,
                    publication: Publication, context: dict[str, Any],
                    sentences: dict[str, str | None],
                    include_flagged: bool = False) -> ProductPage:
    """Project, frame, escape and lay out one product page."""
    meant = to_product_graph(graph, ontology, product, policy, publication, sentences,
                             include_flagged)
    document = to_jsonld(meant, context)
    snippet = to_snippet(document)
    mkg = str(publication.rebase_term(URIRef(str(MKG))))
    page, notes = to_page(product, meant, snippet, policy, mkg)
    return ProductPage(product, meant, document, snippet, page, left_out(meant, product, mkg),
                       notes)


@dataclass
class PublishedRelease(Release):
    """A release about to be published: with its product pages, which only a build needs
    (``monokg check`` skips them, and with them pyld, Jinja2 and Babel)."""

    @cached_property
    def product_kit(self) -> ProductKit:
        """Policy, currencies, schema.org context and vocabulary, product-page shapes."""
        return load_product_kit(self.paths, self.publication)

    @cached_property
    def product_pages(self) -> list[ProductPage]:
        """A page for every product file of the project (``data/products/*.yaml``)."""
        files = sorted(self.paths.products.glob("*.yaml"))
        if not files:
            return []
        kit = self.product_kit
        ontology = self.publication.rebase(self.ontology)
        graphs: dict[str, Graph] = {}
        pages = []
        sentences = {m.id: claim_sentences(m) for m in self.monographs}
        for file in files:
            product = load_product(file, kit)
            if product.monograph not in graphs:
                graphs[product.monograph] = self.publication.rebase(
                    self.monograph_graph(product.monograph))
            pages.append(to_product_page(graphs[product.monograph], ontology, product,
                                         kit.policy, self.publication, kit.context,
                                         sentences.get(product.monograph, {})))
        return pages


def to_published(release: Release) -> PublishedRelease:
    """The release, to be published with its product pages (made on first use)."""
    return PublishedRelease(**{f.name: getattr(release, f.name) for f in fields(release)})
