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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision
from rdflib import Graph, URIRef

from monokg.curate.claims import Monograph
from monokg.curate.language import FALLBACK, bcp47_ok, load_language
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
#: Fields of a product file every product needs.
PRODUCT_FIELDS = ("monograph", "name", "brand", "gtin", "size", "price", "currency",
                  "availability", "url", "language")
#: Fields a product file may give (image is required by Google's merchant listing, which the
#: rich-results data names, so it is checked there).
OPTIONAL_FIELDS = ("description", "image", "sku", "price_valid_until", "item_condition",
                   "shipping", "returns")
SHIPPING_FIELDS = ("country", "rate", "handling_days", "transit_days")
RETURNS_FIELDS = ("country", "days", "method", "fees")
#: CLDR territory codes that ISO 3166-1 does not assign (reserved, grouping, user-assigned or
#: unknown): Babel knows them, a return policy's country cannot be one.
_NOT_ISO_3166 = frozenset({"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "QO", "UN",
                           "XA", "XB", "XK", "ZZ"})


@dataclass(frozen=True)
class Shipping:
    """One shipping offer: destination country, rate in the offer's currency, and the handling
    and transit time in days (min, max)."""

    country: str
    rate: str
    handling_days: tuple[int, int]
    transit_days: tuple[int, int]


@dataclass(frozen=True)
class Returns:
    """A merchant return policy: country, days to return, method and fees (schema.org names)."""

    country: str
    days: int
    method: str
    fees: str


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
    description: str | None = None
    images: tuple[str, ...] = ()
    sku: str | None = None
    price_valid_until: str | None = None
    item_condition: str | None = None
    shipping: Shipping | None = None
    returns: Returns | None = None


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


@dataclass(frozen=True)
class Feature:
    """A Google rich result for products and the schema.org properties its documentation lists
    as required and recommended, per type (``a|b``: one of them)."""

    name: str
    source: str
    blocking: bool
    required: dict[str, tuple[str, ...]]
    recommended: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class RichResults:
    """data/policy/rich-results.yaml: the features, and the product-file field behind each
    property a product file can give."""

    features: tuple[Feature, ...]
    fields: dict[str, str]


def page_words(tag: str) -> dict[str, str] | None:
    """The words a product page needs in the language of ``tag``: its language file's dose
    phrases and product-page words (English for a word the file lacks), or None when no
    language file gives product-page words for it."""
    own = load_language(tag)
    if not own.product_page:
        return None
    english = load_language(FALLBACK)
    return {**english.dose, **english.product_page, **own.dose, **own.product_page}


def fallback_words() -> dict[str, str]:
    """The English words, for the HTML page of a language without any (said on stderr)."""
    english = load_language(FALLBACK)
    return {**english.dose, **english.product_page}


def locale_of(tag: str) -> Locale:
    """The CLDR locale of a BCP 47 tag (nl-BE, then nl), else English."""
    parts = tag.split("-")
    for n in range(len(parts), 0, -1):
        try:
            return Locale.parse("-".join(parts[:n]), sep="-")
        except (ValueError, UnknownLocaleError):
            continue
    return Locale.parse(FALLBACK)


def countries() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 country codes (from CLDR, as Babel ships it)."""
    return frozenset(str(code) for code in Locale.parse(FALLBACK).territories
                     if len(str(code)) == 2 and str(code).isalpha()
                     and code not in _NOT_ISO_3166)


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


_FRAGMENT_START = re.compile(r"[\W_]*[^\W\d_]")
_SENTENCE_CLOSE = re.compile(r"[.!?][\"'”’)\]]*$")


def is_sentence(text: str) -> bool:
    """Whether a text reads as a whole sentence: it starts with a capital letter or a digit
    (after any quote or bracket) and ends with a full stop, question or exclamation mark."""
    opening = _FRAGMENT_START.match(text)
    starts = (opening is not None and opening.group()[-1].isupper()) or text[:1].isdigit()
    return starts and _SENTENCE_CLOSE.search(text) is not None


def claim_sentences(monograph: Monograph) -> dict[str, str | None]:
    """Claim id -> the whole sentence(s) of the source its quote lies in, joined without the
    PDF's line breaks; None where those are no whole sentence (a list item, a heading)."""
    found: dict[str, str | None] = {}
    for claim in monograph.claims:
        paragraph = claim.span.paragraph
        texts = []
        for a, b in paragraph.sentences():
            start, end = paragraph.raw_span(a, b)
            if start < claim.span.end and claim.span.start < end:
                texts.append(paragraph.text[a:b])
        text = " ".join(texts)
        found[claim.id] = text if texts and is_sentence(text) else None
    return found


def load_currencies(path: Path) -> frozenset[str]:
    """The ISO 4217 codes of data/iso4217.tsv."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return frozenset(row["code"] for row in csv.DictReader(lines, delimiter="\t"))


def load_product(path: Path, kit: ProductKit) -> Product:
    """Read and check a product file; every problem names the field, its line and a fix."""
    node = load_yaml(path)
    if not isinstance(node, Node):
        raise InputError("a product file must be a mapping of fields", path, 1,
                         fix=f"write the fields {', '.join(PRODUCT_FIELDS)} as 'field: value'")
    slug = path.name.removesuffix(".yaml")
    errors: list[InputError] = []

    def err(field: str, message: str, fix: str, where: Node = node) -> None:
        errors.append(InputError(f"field {field!r}: {message}", path,
                                 where.line_of(field.rsplit(".", 1)[-1]), fix=fix))

    def text(field: str, where: Node = node, name: str = "") -> str | None:
        value = where.get(field)
        name = name or field
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, (dict, list)):
            err(name, "must be a single value", f"write '{field}: <text>'", where)
        elif not isinstance(value, str):
            written = where.written.get(field, "")
            err(name, f"{written!r} is read as a {type(value).__name__}, not as text",
                f'write it in quotes: {field}: "{written}"', where)
        elif (odd := _CONTROL.search(value.strip())) is not None:
            err(name, f"holds the invisible character U+{ord(odd.group()):04X} (a line "
                "separator or control character, often pasted along with the text)",
                f"retype '{field}:' as one line of plain text", where)
        else:
            return value.strip()
        return None

    values: dict[str, str] = {}
    for field in PRODUCT_FIELDS:
        if node.get(field) is None or str(node.get(field)).strip() == "":
            err(field, "missing", f"add '{field}: ...' (see data/products/ for an example)")
        elif (found := text(field)) is not None:
            values[field] = found
    unknown = sorted(set(node) - set(PRODUCT_FIELDS) - set(OPTIONAL_FIELDS))
    for field in unknown:
        err(field, "unknown field",
            f"use only {', '.join(PRODUCT_FIELDS + OPTIONAL_FIELDS)}")
    if not _SLUG.fullmatch(slug):
        errors.append(InputError(f"file name {path.name!r} is no slug", path, fix=(
            "name the file in lowercase letters, digits and hyphens, e.g. l-glutamine-500g.yaml")))
    if "gtin" in values and not gtin_ok(values["gtin"]):
        err("gtin", f"{values['gtin']!r} is not a valid GTIN (8, 12, 13 or 14 digits, last one "
            "the check digit)", "copy the GTIN from the barcode; quote it so leading zeros stay")
    currency = values.get("currency")
    if currency is not None and currency not in kit.currencies:
        err("currency", f"{currency!r} is not an ISO 4217 currency code",
            "use a three-letter code such as EUR, USD or GBP (list: data/iso4217.tsv)")
        currency = None
    if "price" in values:
        _check_amount(values["price"], currency, "price", err)
    if "availability" in values and values["availability"] not in kit.availabilities:
        err("availability", f"{values['availability']!r} is not a schema.org ItemAvailability",
            f"use one of {', '.join(sorted(kit.availabilities))}")
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

    images = _images(node, err)
    optional: dict[str, Any] = {"images": images}
    for field in ("description", "sku"):
        optional[field] = text(field)
    until = node.get("price_valid_until")
    if until is not None:
        day = until if isinstance(until, date) else None
        if isinstance(until, str):
            try:
                day = date.fromisoformat(until.strip())
            except ValueError:
                day = None
        if day is None:
            err("price_valid_until", f"{until!r} is not a date",
                "write the last day the price holds as YYYY-MM-DD, e.g. 2027-12-31")
        elif day < date.fromisoformat(kit.today):
            err("price_valid_until", f"{day.isoformat()} is in the past (the release is dated "
                f"{kit.today})", "give a day after the release date (issued in monokg.toml), "
                "or leave the field out")
        else:
            optional["price_valid_until"] = day.isoformat()
    condition = text("item_condition")
    if condition is not None and condition not in kit.conditions:
        err("item_condition", f"{condition!r} is not a schema.org OfferItemCondition",
            f"use one of {', '.join(sorted(kit.conditions))}")
    optional["item_condition"] = condition
    optional["shipping"] = _shipping(node, currency, err)
    optional["returns"] = _returns(node, kit, err)
    given = set(values) | {k.removesuffix("s") if k == "images" else k
                           for k, v in optional.items() if v}
    for feature in kit.rich.features:
        for names in feature.required.values():
            for name in names:
                needed = kit.rich.fields.get(name)
                if needed is not None and needed not in given and needed not in PRODUCT_FIELDS:
                    err(needed, f"missing: Google's {feature.name} requires {name} "
                        f"({feature.source})", f"add '{needed}: ...' (see data/products/ for an "
                        "example)")
    if errors:
        raise InputErrors(errors) if len(errors) > 1 else errors[0]
    return Product(slug=slug, file=path, monograph=values["monograph"], name=values["name"],
                   brand=values["brand"], gtin=values["gtin"], size=values["size"],
                   price=values["price"], currency=values["currency"],
                   availability=values["availability"], url=values["url"],
                   language=values["language"], **optional)


_Err = Callable[..., None]


def _check_amount(amount: str, currency: str | None, field: str, err: _Err,
                  where: Node | None = None) -> None:
    """A price: digits with a decimal point, not negative, no more decimals than the currency
    has (2 for EUR, 0 for JPY: CLDR's currency data)."""
    extra = {} if where is None else {"where": where}
    if re.fullmatch(r"-\s*[0-9]+(\.[0-9]+)?", amount):
        err(field, f"{amount!r} is negative", f"write the amount the customer pays, e.g. "
            f'{field.rsplit(".", 1)[-1]}: "24.95" (0 for free)', **extra)
        return
    try:
        valid = Decimal(amount).is_finite() and re.fullmatch(r"[0-9]+(\.[0-9]+)?",
                                                             amount) is not None
    except InvalidOperation:
        valid = False
    if not valid:
        err(field, f"{amount!r} is not a price", "write digits with a decimal point and no "
            f'currency sign, e.g. {field.rsplit(".", 1)[-1]}: "24.95"', **extra)
        return
    if currency is not None:
        digits = get_currency_precision(currency)
        decimals = len(amount.partition(".")[2])
        if decimals > digits:
            err(field, f"{amount!r} has {decimals} decimals, {currency} has {digits}",
                f"round it to {digits} decimal(s)", **extra)


def _images(node: Node, err: _Err) -> tuple[str, ...]:
    """The product's image URLs: one or a list, each an absolute http(s) URL."""
    value = node.get("image")
    if value is None:
        return ()
    urls = value if isinstance(value, list) else [value]
    good = []
    for url in urls:
        url = str(url).strip()
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme in ("javascript", "data", "vbscript"):
            err("image", f"{url[:40]!r} is a {scheme}: URL, which a page must never load",
                "give the address of the picture on the web: image: "
                "\"https://shop.example/img/product.jpg\"")
        elif not re.fullmatch(r"https?://[^\s<>\"]+", url):
            err("image", f"{url[:60]!r} is not an absolute http(s) URL",
                "give the address of the picture on the web: image: "
                "\"https://shop.example/img/product.jpg\"")
        else:
            good.append(url)
    return tuple(good)


def _days(value: object) -> tuple[int, int] | None:
    """A number of days, or a [min, max] pair of them."""
    pair = value if isinstance(value, list) else [value, value]
    days = [d for d in pair if isinstance(d, int) and not isinstance(d, bool) and d >= 0]
    if len(pair) != 2 or len(days) != 2:
        return None
    low, high = days
    return (low, high) if low <= high else None


def _mapping(node: Node, key: str, keys: tuple[str, ...], err: _Err) -> Node | None:
    value = node.get(key)
    if value is None:
        return None
    if not isinstance(value, Node):
        err(key, "must be a mapping", f"write '{key}:' with the indented fields "
            f"{', '.join(keys)}")
        return None
    for field in sorted(set(value) - set(keys)):
        err(f"{key}.{field}", "unknown field", f"use only {', '.join(keys)}", value)
    for field in keys:
        if field not in value:
            err(f"{key}.{field}", "missing", f"add '{field}:' under '{key}:'", value)
    return value


def _country(value: object, field: str, where: Node, err: _Err) -> str | None:
    code = str(value).strip() if value is not None else ""
    if code not in countries():
        err(field, f"{code!r} is not an ISO 3166-1 country code",
            "write the two capital letters of the country, e.g. NL, BE, DE", where)
        return None
    return code


def _shipping(node: Node, currency: str | None, err: _Err) -> Shipping | None:
    given = _mapping(node, "shipping", SHIPPING_FIELDS, err)
    if given is None or any(f not in given for f in SHIPPING_FIELDS):
        return None
    country = _country(given["country"], "shipping.country", given, err)
    rate = str(given["rate"]).strip()
    _check_amount(rate, currency, "shipping.rate", err, given)
    handling, transit = _days(given["handling_days"]), _days(given["transit_days"])
    for field, days in (("handling_days", handling), ("transit_days", transit)):
        if days is None:
            err(f"shipping.{field}", f"{given[field]!r} is no number of days",
                f"write a whole number of days or [min, max], e.g. {field}: [1, 2]", given)
    if country is None or handling is None or transit is None:
        return None
    return Shipping(country, rate, handling, transit)


def _returns(node: Node, kit: ProductKit, err: _Err) -> Returns | None:
    given = _mapping(node, "returns", RETURNS_FIELDS, err)
    if given is None or any(f not in given for f in RETURNS_FIELDS):
        return None
    country = _country(given["country"], "returns.country", given, err)
    days = given["days"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        err("returns.days", f"{days!r} is no number of days",
            "write how many days the customer has to return it, e.g. days: 30", given)
    method, fees = str(given["method"]), str(given["fees"])
    for field, value, allowed, what in (
            ("returns.method", method, kit.return_methods, "ReturnMethodEnumeration"),
            ("returns.fees", fees, kit.return_fees, "ReturnFeesEnumeration")):
        if value not in allowed:
            err(field, f"{value!r} is not a schema.org {what}",
                f"use one of {', '.join(sorted(allowed))}", given)
    if (country is None or not isinstance(days, int) or days < 1
            or method not in kit.return_methods or fees not in kit.return_fees):
        return None
    return Returns(country, days, method, fees)


def load_policy(path: Path) -> Policy:
    """Read the claims policy file."""
    node = load_yaml(path)
    try:
        return Policy(
            kinds={str(k): str(v) for k, v in node["kinds"].items()},
            allowed=frozenset(node["allowed"]), with_flag=frozenset(node["with_flag"]),
            disease_relations=frozenset(node["disease_relations"]),
            qualified_topics=frozenset(node["qualified_is_disease"]["topics"]),
            disease_qualifiers=frozenset(node["qualified_is_disease"]["qualifiers"]),
            omit_with_curator_note=bool(node["omit_with_curator_note"]),
            dose_kinds={str(k): str(v) for k, v in node["dose_kinds"].items()})
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"the claims policy lacks or misshapes {exc}", path,
                         fix="keep the keys of the shipped data/policy/product-claims.yaml"
                         ) from exc


def load_rich_results(path: Path) -> RichResults:
    """Read data/policy/rich-results.yaml (Google's documented product properties)."""
    node = load_yaml(path)
    try:
        features = tuple(Feature(
            name=str(f["name"]), source=str(f["source"]), blocking=bool(f["blocking"]),
            required={str(t): tuple(str(p) for p in ps) for t, ps in f["required"].items()},
            recommended={str(t): tuple(str(p) for p in ps)
                         for t, ps in f["recommended"].items()})
            for f in node["features"])
        return RichResults(features, {str(k): str(v) for k, v in node["fields"].items()})
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"the rich-results file lacks or misshapes {exc}", path,
                         fix="keep the keys of the shipped data/policy/rich-results.yaml"
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
    conditions: frozenset[str]
    return_methods: frozenset[str]
    return_fees: frozenset[str]
    rich: RichResults
    #: the day a price must still hold: the release's issue date (deterministic builds)
    today: str
    context: dict[str, Any]
    vocabulary: SchemaVocabulary
    shapes: Graph
    mkg: str


def load_product_kit(paths: ProjectPaths, publication: Publication) -> ProductKit:
    """Policy, currency list, schema.org context and vocabulary, and the product-page shapes."""
    vocabulary = load_schema_vocabulary(paths.schemaorg)

    def members(enumeration: str) -> frozenset[str]:
        return frozenset(vocabulary.local(m) for m, ts in vocabulary.members.items()
                         if S + enumeration in ts)

    return ProductKit(
        policy=load_policy(paths.product_policy),
        currencies=load_currencies(paths.currencies),
        availabilities=members("ItemAvailability"),
        conditions=members("OfferItemCondition"),
        return_methods=members("ReturnMethodEnumeration"),
        return_fees=members("ReturnFeesEnumeration"),
        rich=load_rich_results(paths.rich_results),
        today=publication.issued,
        context=load_context(paths.schemaorg),
        vocabulary=vocabulary,
        shapes=load_product_shapes(paths.product_shapes),
        mkg=str(publication.rebase_term(URIRef(str(MKG)))))
