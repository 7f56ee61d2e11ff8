"""Product pages: schema.org JSON-LD a shop can embed, projected from the graph under a policy.

The projection is lossy on purpose: schema.org can say less than the graph (a 5-10 g range is
no number), and the claims policy (data/policy/product-claims.yaml) keeps indications and
disease-related claims off a product page unless asked for. The JSON-LD is made by framing
the projected graph with pyld and the vendored schema.org context, served by a document loader
that never fetches anything.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from monokg.curate.language import bcp47_ok
from monokg.curate.schemaorg import SchemaVocabulary, load_schema_vocabulary
from monokg.curate.yamlio import Node, load_yaml
from monokg.model.config import Publication
from monokg.model.errors import InputError, InputErrors
from monokg.model.namespaces import MKG, SCHEMA_PAGE
from monokg.model.paths import ProjectPaths
from monokg.rdf.read import load_shapes

S = SCHEMA_PAGE
#: The context URL published documents name; the loader serves the vendored copy for it.
CONTEXT_URL = "https://schema.org"
CONTEXT_FILE = "schemaorgcontext.jsonld"

#: What no product field (one line of text each) can hold: C0 and C1 controls besides the
#: tab, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
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
    fallback_texts: str

    def words(self, tag: str) -> dict[str, str] | None:
        """The page words in the language of ``tag`` (nl-BE finds nl), or None."""
        found = lookup(self.texts, tag)
        return None if found is None else self.texts[found]

    def page_words(self, tag: str) -> dict[str, str]:
        """The words of an HTML page in ``tag``: its own, else the fallback language's."""
        return self.words(tag) or self.texts[self.fallback_texts]

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


def lookup(available: Iterable[str], tag: str) -> str | None:
    """The available language tag that serves ``tag`` (RFC 4647 lookup, case-insensitive):
    the tag itself, else ever shorter prefixes of it (nl-BE, then nl)."""
    by_lower = {a.lower(): a for a in available}
    wanted = tag.lower()
    while wanted:
        if wanted in by_lower:
            return by_lower[wanted]
        wanted = wanted.rsplit("-", 1)[0] if "-" in wanted else ""
        wanted = re.sub(r"-[a-z0-9]$", "", wanted)  # no singleton (an extension key) at the end
    return None


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
        elif not isinstance(value, str):
            written = node.written.get(field, "")
            err(field, f"{written!r} is read as a {type(value).__name__}, not as text",
                f'write it in quotes: {field}: "{written}"')
        elif (odd := _CONTROL.search(value.strip())) is not None:
            err(field, f"holds the invisible character U+{ord(odd.group()):04X} (a line "
                "separator or control character, often pasted along with the text)",
                f"retype '{field}:' as one line of plain text")
        else:
            values[field] = value.strip()
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
            hyphenated = tag.replace("_", "-")
            err("language", f"{tag!r} is not a BCP 47 language tag",
                f"write {hyphenated!r} (subtags are joined by '-')" if bcp47_ok(hyphenated)
                else "write a tag such as de, pt-BR, zh-Hant or sr-Latn-RS")
    if errors:
        raise InputErrors(errors) if len(errors) > 1 else errors[0]
    return Product(slug=slug, file=path, **values)


def load_policy(path: Path) -> Policy:
    """Read the claims policy file."""
    node = load_yaml(path)
    try:
        texts = {lang: {k: str(v) for k, v in table.items()}
                 for lang, table in node["texts"].items()}
        policy = Policy(
            kinds={str(k): str(v) for k, v in node["kinds"].items()},
            allowed=frozenset(node["allowed"]), with_flag=frozenset(node["with_flag"]),
            disease_relations=frozenset(node["disease_relations"]),
            qualified_topics=frozenset(node["qualified_is_disease"]["topics"]),
            disease_qualifiers=frozenset(node["qualified_is_disease"]["qualifiers"]),
            omit_with_curator_note=bool(node["omit_with_curator_note"]),
            dose_kinds={str(k): str(v) for k, v in node["dose_kinds"].items()},
            texts=texts, fallback_texts=str(node["fallback_texts"]))
        if policy.fallback_texts not in texts:
            raise KeyError("fallback_texts: a language of texts")
        return policy
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"the claims policy lacks or misshapes {exc}", path,
                         fix="keep the keys of the shipped data/policy/product-claims.yaml"
                         ) from exc


def load_context(schemaorg: Path) -> dict[str, Any]:
    """The vendored schema.org JSON-LD context document."""
    return json.loads((schemaorg / CONTEXT_FILE).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the graph -> schema.org graph


# ---------------------------------------------------------------- schema.org graph -> outputs


def load_product_shapes(folder: Path) -> Graph:
    """The shapes for product pages (kept apart from the knowledge graph's shapes)."""
    return load_shapes(folder)


@dataclass
class ProductKit:
    """Everything product pages are made and checked with, loaded once."""

    policy: Policy
    currencies: frozenset[str]
    availabilities: frozenset[str]
    context: dict[str, Any]
    vocabulary: SchemaVocabulary
    shapes: Graph
    mkg: str


def load_product_kit(paths: ProjectPaths, publication: Publication) -> ProductKit:
    """Policy, currency list, schema.org context and vocabulary, and the product-page shapes."""
    vocabulary = load_schema_vocabulary(paths.schemaorg)
    availability = S + "ItemAvailability"
    return ProductKit(
        policy=load_policy(paths.product_policy),
        currencies=load_currencies(paths.currencies),
        availabilities=frozenset(vocabulary.local(m) for m, ts in vocabulary.members.items()
                                 if availability in ts),
        context=load_context(paths.schemaorg),
        vocabulary=vocabulary,
        shapes=load_product_shapes(paths.product_shapes),
        mkg=str(publication.rebase_term(URIRef(str(MKG)))))
