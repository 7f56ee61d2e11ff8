"""Stage 2: load a monograph's curated claims and resolve each quote to an exact text span.

A curator writes a claim once, in YAML: what it says (subject, relation, object, qualifiers),
an English statement and the quote copied from the source. The quote is looked up in the clean
text of the claim's section (so PDF line breaks and split words do not matter) and mapped back
to code-point offsets of the raw source; prefix and suffix are taken from the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import URIRef

from monokg.curate.cues import check_language
from monokg.curate.language import FALLBACK, catalogued_error, load_language
from monokg.curate.sources import (
    Paragraph,
    Section,
    SectionSpec,
    Source,
    WordBreaks,
    load_source_meta,
    read_verified_text,
    segment,
)
from monokg.curate.vocabulary import Unit, Vocabulary
from monokg.curate.yamlio import Node, inside, load_yaml, text_field, text_list
from monokg.model.errors import InputError, InputErrors
from monokg.model.namespaces import MKG
from monokg.rdf import ntriples as nt

CONTEXT_CHARS = 32
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# qualifier key in YAML -> ontology property
QUALIFIERS = {"population": MKG.population, "context": MKG.context,
              "setting": MKG.studySetting, "location": MKG.location}
CLAIM_KEYS = {"id", "kind", "subject", "relation", "object", "statement", "quote", "modality",
              "negated", "note", "occurrence", "dose", "quantity", "scope", *QUALIFIERS}
QUANTITY_KEYS = {"value", "min", "max", "unit", "per_body_mass", "period", "duration",
                 "portions", "divided", "timing", "min_offset", "kind"}


@dataclass
class Span:
    """Where a quote stands in the source: paragraph, raw offsets and the raw context."""

    paragraph: Paragraph
    text: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass
class Quantity:
    """A stated number or dose: value or range, UCUM unit and, for a dose, how it is taken."""

    unit: str
    unit_info: Unit
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    is_dose: bool = False
    kind: URIRef | None = None
    per_body_mass: str | None = None
    period: str | None = None
    duration: str | None = None
    portions: int | None = None
    divided: bool = False
    timings: list[URIRef] = field(default_factory=list)
    min_offset: str | None = None


@dataclass
class Claim:
    """One curated claim, resolved against the source and the vocabulary."""

    id: str
    kind: URIRef
    subject: URIRef
    relation: URIRef
    object: URIRef | None
    statement: str
    quote: str
    span: Span
    section: Section
    modality: URIRef
    evidence: URIRef
    negated: bool = False
    note: str | None = None
    qualifiers: dict[URIRef, list[URIRef]] = field(default_factory=dict)
    quantity: Quantity | None = None
    #: ids of the dosage claims whose dose limits this one ("in de aangegeven dosering")
    scope: list[str] = field(default_factory=list)
    file: Path = Path()
    line: int = 0

    def linked_terms(self) -> list[tuple[URIRef, int]]:
        """Every external or local-concept IRI the claim links to, with the YAML line."""
        terms = [(self.subject, self.line)]
        if self.object is not None:
            terms.append((self.object, self.line))
        terms += [(v, self.line) for values in self.qualifiers.values() for v in values]
        return terms


@dataclass
class Monograph:
    """A monograph: its source, its sections and its resolved claims."""

    id: str
    title: str
    title_en: str
    about: URIRef
    evidence: URIRef
    source: Source
    claims: list[Claim]
    file: Path
    mapping_file: Path
    #: the languages the project labels its terms in (the ontology's), for generated labels
    label_languages: list[str] = field(default_factory=list)


def _require(node: Node, key: str, file: Path, what: str) -> Any:
    if key not in node or node[key] in (None, ""):
        raise InputError(f"{what} has no {key!r}", file, node.line,
                         fix=f"add '{key}:' to it")
    return node[key]


def _section_specs(node: Node, file: Path, english: bool) -> list[SectionSpec]:
    """The declared sections; in an English source a heading is its own English label."""
    raw = _require(node, "sections", file, "the monograph")
    if not isinstance(raw, list):
        raise InputError("'sections' must be a list", file, node.line_of("sections"),
                         fix="list each section as '- {id: ..., heading: ..., label_en: ...}'")
    specs = []
    for item in raw:
        if not isinstance(item, Node):
            raise InputError("a section must be a mapping", file, node.line_of("sections"),
                             fix="write '- {id: ..., heading: ..., label_en: ...}'")
        heading = text_field(item, "heading", file, "a section")
        specs.append(SectionSpec(text_field(item, "id", file, "a section"), heading,
                                 text_field(item, "label_en", file, "a section",
                                            heading if english else None), item.line))
    return specs


def load_monograph(folder: Path, vocabulary: Vocabulary, sources_dir: Path,
                   mappings_dir: Path) -> Monograph:
    """Read ``<folder>/monograph.yaml``, verify and segment its source, resolve every claim."""
    file = folder / "monograph.yaml"
    node = load_yaml(file)
    if not isinstance(node, Node):
        raise InputError("expected a mapping", file, 1, fix="see data/monographs/README.md")
    mono_id = text_field(node, "id", file, "the monograph")
    if mono_id != folder.name:
        raise InputError(f"id {mono_id!r} differs from the folder name {folder.name!r}", file,
                         node.line_of("id"), fix="make them equal")
    source_name = text_field(node, "source", file, "the monograph")
    meta_path = inside(sources_dir, f"{source_name}.yaml", file, node.line_of("source"))
    meta = load_source_meta(meta_path)
    text = read_verified_text(meta, meta_path)
    language = load_language(meta.language)
    check_language(language, vocabulary)
    english = meta.language.split("-")[0].lower() == FALLBACK
    source = segment(meta, text, _section_specs(node, file, english), file,
                     _word_breaks(node, file), language.abbreviations)
    about = vocabulary.expand(text_field(node, "about", file, "the monograph"), file,
                              node.line_of("about"), "about")
    evidence = vocabulary.expand(text_field(node, "evidence", file, "the monograph"), file,
                                 node.line_of("evidence"), "evidence")
    claims = load_claims(folder / "claims", source, vocabulary, about, evidence)
    title = text_field(node, "title", file, "the monograph")
    return Monograph(mono_id, title,
                     text_field(node, "title_en", file, "the monograph", title), about,
                     evidence, source, claims, file, mappings_dir / f"{mono_id}.sssom.tsv",
                     vocabulary.languages)


def _word_breaks(node: Node, file: Path) -> WordBreaks:
    """The monograph's ``words: {join: [...], keep: [...]}`` for hyphens at line ends."""
    words = WordBreaks(file)
    table = node.get("words")
    if table is None:
        return words
    if not isinstance(table, Node) or set(table) - {"join", "keep"}:
        raise InputError("'words' must be a mapping with 'join' and/or 'keep'", file,
                         node.line_of("words"), fix="words: {join: [stofwisseling], keep: "
                         "[DNA-bouwstoffen]}  (words split by a hyphen at a line end)")
    for key, target in (("join", words.join), ("keep", words.keep)):
        for word in text_list(table, key, file, "words"):
            target[word.lower()] = table.line_of(key)
    return words


def load_claims(folder: Path, source: Source, vocabulary: Vocabulary, about: URIRef,
                evidence: URIRef) -> list[Claim]:
    """All claims of a monograph's claim files, in file order; every error is collected."""
    claims: list[Claim] = []
    errors: list[InputError] = []
    language = load_language(source.meta.language)
    seen: dict[str, tuple[Path, int]] = {}
    for file in sorted(folder.glob("*.yaml")):
        try:
            node = load_yaml(file)
        except InputError as exc:
            errors.append(exc)
            continue
        if not isinstance(node, Node) or not isinstance(node.get("claims"), list):
            errors.append(InputError("expected 'section:' and a 'claims:' list", file, 1,
                                     fix="see data/monographs/README.md for the format"))
            continue
        try:
            section_id = text_field(node, "section", file, "the claims file")
        except InputError as exc:
            errors.append(exc)
            continue
        section = source.section(section_id)
        if section is None:
            errors.append(InputError(
                f"unknown section {section_id!r}", file, node.line_of("section"),
                fix=f"use one of {', '.join(s.id for s in source.sections)}"))
            continue
        for item in node["claims"]:
            try:
                claim = _claim(item, file, section, source, vocabulary, about, evidence,
                               language.sections.get(section.heading.casefold()))
            except InputError as exc:
                errors.append(exc)
                continue
            if claim.id in seen:
                first_file, first_line = seen[claim.id]
                errors.append(InputError(
                    f"duplicate claim id {claim.id!r} (first used at {first_file.name}:"
                    f"{first_line})", file, claim.line, fix="give each claim its own id"))
                continue
            seen[claim.id] = (file, claim.line)
            claims.append(claim)
    errors += check_scopes(claims)
    if errors:
        raise InputErrors(errors)
    return claims


def check_scopes(claims: list[Claim]) -> list[InputError]:
    """A claim's 'scope' must name dosage claims of the same monograph."""
    kinds = {c.id: c.kind for c in claims}
    errors = []
    for claim in claims:
        for target in claim.scope:
            if target not in kinds:
                errors.append(InputError(
                    f"claim {claim.id!r}: scope {target!r} is not a claim of this monograph",
                    claim.file, claim.line, fix="name the id of the dosage claim whose dose "
                    "the text refers to (as in 'at the stated dose')"))
            elif kinds[target] != MKG.DosageClaim:
                errors.append(InputError(
                    f"claim {claim.id!r}: scope {target!r} is not a Dosage claim", claim.file,
                    claim.line, fix="a scope names a claim of kind Dosage"))
    return errors


def _claim(item: Any, file: Path, section: Section, source: Source, vocabulary: Vocabulary,
           about: URIRef, evidence: URIRef, default_kind: str | None = None) -> Claim:
    """One claim; ``kind`` may be left out under a heading the source language's data maps
    to a claim kind ("Dosering", "Dosage": Dosage)."""
    if not isinstance(item, Node):
        raise InputError("a claim must be a mapping", file, None,
                         fix="start each claim with '- id: ...'")
    unknown = sorted(set(item) - CLAIM_KEYS)
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}", file,
                         item.line_of(unknown[0]), fix=f"use only {', '.join(sorted(CLAIM_KEYS))}")
    claim_id = text_field(item, "id", file, "the claim")
    if not _ID.fullmatch(claim_id):
        raise InputError(f"claim id {claim_id!r} must be lowercase words joined by hyphens",
                         file, item.line_of("id"), fix="e.g. indication-gastritis")
    what = f"claim {claim_id!r}"
    expand = lambda key: vocabulary.expand(
        text_field(item, key, file, what), file, item.line_of(key), f"{what}: {key}")
    quote = text_field(item, "quote", file, what, "")
    if not quote.strip():
        raise InputError(f"{what} has an empty quote", file, item.line_of("quote"),
                         fix="copy the words the claim is based on from the source text")
    occurrence = item.get("occurrence")
    if occurrence is not None and (type(occurrence) is not int or occurrence < 1):
        raise InputError(f"{what}: occurrence must be a whole number from 1", file,
                         item.line_of("occurrence"), fix="count matches from 1: occurrence: 2")
    span = find_span(quote, section, source.text, occurrence, file, item.line_of("quote"), what)
    qualifiers = {}
    for key, prop in QUALIFIERS.items():
        if key in item:
            qualifiers[prop] = [vocabulary.expand(v, file, item.line_of(key), f"{what}: {key}")
                                for v in text_list(item, key, file, what)]
    quantity = None
    if "dose" in item and "quantity" in item:
        raise InputError(f"{what} has both 'dose' and 'quantity'", file, item.line_of("dose"),
                         fix="a dose is a quantity: keep one")
    for key in ("dose", "quantity"):
        if key in item:
            quantity = _quantity(item[key], key == "dose", vocabulary, file,
                                 item.line_of(key), what)
    scope = text_list(item, "scope", file, what)
    if not all(_ID.fullmatch(s) for s in scope):
        raise InputError(f"{what}: 'scope' must be claim ids", file, item.line_of("scope"),
                         fix="e.g. scope: dose-commonly-used  or  scope: [id-1, id-2]")
    negated = item.get("negated", False)
    if not isinstance(negated, bool):
        raise InputError(f"{what}: 'negated' must be true or false", file,
                         item.line_of("negated"), fix="write negated: true")
    return Claim(
        id=claim_id,
        kind=vocabulary.term(vocabulary.claim_kinds,
                             text_field(item, "kind", file, what, default_kind),
                             file, item.line_of("kind"), "claim kind"),
        subject=expand("subject") if "subject" in item else about,
        relation=vocabulary.term(vocabulary.relations,
                                 text_field(item, "relation", file, what), file,
                                 item.line_of("relation"), "relation"),
        object=expand("object") if "object" in item else None,
        statement=text_field(item, "statement", file, what).strip(),
        quote=quote, span=span, section=section,
        modality=vocabulary.term(vocabulary.modalities,
                                 text_field(item, "modality", file, what), file,
                                 item.line_of("modality"), "modality"),
        evidence=evidence, negated=negated,
        note=text_field(item, "note", file, what).strip() if item.get("note") else None,
        qualifiers=qualifiers, quantity=quantity, scope=scope, file=file, line=item.line,
    )


def _number(value: Any, file: Path, line: int, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise InputError(f"{what}: {value!r} is not a number", file, line,
                         fix="write digits with a decimal point, e.g. 0.65") from exc
    if not number.is_finite() or number <= 0:
        raise InputError(f"{what}: {value!r} must be a positive number", file, line,
                         fix="amounts are positive")
    return number


def _duration(value: Any, file: Path, line: int, what: str) -> str:
    # Published as written, an xsd:duration: so it must be one (no weeks: P7D, not P1W).
    if not isinstance(value, str) or nt.lexical_error(value, nt.XSD_DURATION) is not None:
        raise InputError(f"{what}: {value!r} is not an xsd:duration", file, line,
                         fix="e.g. P1D for a day, P14D for 14 days, PT30M for 30 minutes")
    return value


def _quantity(node: Any, is_dose: bool, vocabulary: Vocabulary, file: Path, line: int,
              what: str) -> Quantity:
    label = f"{what}: {'dose' if is_dose else 'quantity'}"
    if not isinstance(node, Node):
        raise InputError(f"{label} must be a mapping", file, line,
                         fix="e.g. {min: 5, max: 10, unit: g, period: P1D}")
    unknown = sorted(set(node) - QUANTITY_KEYS)
    if unknown:
        raise InputError(f"{label}: unknown key(s) {', '.join(unknown)}", file,
                         node.line_of(unknown[0]), fix=f"use {', '.join(sorted(QUANTITY_KEYS))}")
    unit = text_field(node, "unit", file, label)
    if unit not in vocabulary.units:
        raise InputError(f"{label}: unknown unit {unit!r}", file, node.line_of("unit"),
                         fix=f"use a UCUM code from data/units.tsv: "
                         f"{', '.join(sorted(vocabulary.units))}")
    num = lambda key: _number(node[key], file, node.line_of(key), f"{label}.{key}") \
        if key in node else None
    quantity = Quantity(unit=unit, unit_info=vocabulary.units[unit], value=num("value"),
                        low=num("min"), high=num("max"),
                        is_dose=is_dose)
    if quantity.value is None and quantity.low is None and quantity.high is None:
        raise InputError(f"{label} has no value, min or max", file, line,
                         fix="give 'value', or 'min' and/or 'max'")
    if quantity.value is not None and (quantity.low or quantity.high):
        raise InputError(f"{label} has both a value and a range", file, line,
                         fix="give either 'value' or 'min'/'max'")
    if quantity.low is not None and quantity.high is not None and quantity.low > quantity.high:
        raise InputError(f"{label}: min {quantity.low} is above max {quantity.high}", file,
                         node.line_of("min"), fix="swap them")
    if "per_body_mass" in node:
        mass = text_field(node, "per_body_mass", file, label)
        if vocabulary.units.get(mass, None) is None or vocabulary.units[mass].dimension != "mass":
            raise InputError(f"{label}: per_body_mass {mass!r} is not a mass unit", file,
                             node.line_of("per_body_mass"), fix="e.g. per_body_mass: kg")
        quantity.per_body_mass = mass
    for key in ("period", "duration", "min_offset"):
        if key in node:
            setattr(quantity, key, _duration(node[key], file, node.line_of(key),
                                             f"{label}.{key}"))
    if "portions" in node:
        if type(node["portions"]) is not int:
            raise InputError(f"{label}.portions must be a whole number", file,
                             node.line_of("portions"), fix="e.g. portions: 3")
        quantity.portions = int(_number(node["portions"], file, node.line_of("portions"),
                                        f"{label}.portions"))
    quantity.divided = node.get("divided", False)
    if not isinstance(quantity.divided, bool):
        raise InputError(f"{label}.divided must be true or false", file,
                         node.line_of("divided"), fix="write divided: true")
    for name in text_list(node, "timing", file, label):
        quantity.timings.append(vocabulary.term(vocabulary.timings, name, file,
                                                node.line_of("timing"), "timing"))
    if is_dose:
        quantity.kind = vocabulary.term(vocabulary.dose_kinds,
                                        text_field(node, "kind", file, label), file,
                                        node.line_of("kind"), "dose kind")
    elif "kind" in node:
        raise InputError(f"{label}: 'kind' belongs to a dose", file, node.line_of("kind"),
                         fix="use 'dose:' instead of 'quantity:'")
    return quantity


_QUOTE_HYPHEN_BREAK = re.compile(r"(?<=\w-)[ \t]*\n\s*(?=\w)")
_SPACES = re.compile(r"\s+")


def normalise_quote(quote: str) -> str:
    """A quote as clean text: a hyphen before a line break kept and joined, spaces folded."""
    return _SPACES.sub(" ", _QUOTE_HYPHEN_BREAK.sub("", quote.strip()))


def _occurrences(needle: str, text: str) -> list[int]:
    """Start of every non-overlapping occurrence, left to right (as ``re.finditer`` finds a
    literal), without compiling a pattern per quote."""
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + len(needle))
    return found


#: A word with a hyphen inside it, as a line-end split leaves it in the clean text.
_HYPHENATED = re.compile(r"\w+-\w+")


def _split_words(needle: str, section: Section) -> list[str]:
    """Hyphenated words of the section that the quote writes joined (``Muskel-kontraktion``
    in the text, ``Muskelkontraktion`` in the quote): the text kept a line-end hyphen the
    curator reads as a mere split."""
    quoted = {w.lower() for w in re.findall(r"\w+", needle)}
    return sorted({w for p in section.paragraphs for w in _HYPHENATED.findall(p.text)
                   if w.replace("-", "").lower() in quoted})


def find_span(quote: str, section: Section, raw: str, occurrence: Any, file: Path,
              line: int, what: str) -> Span:
    """Locate a quote in a section's clean text and map it to raw offsets."""
    needle = normalise_quote(quote)
    hits = [(p, at) for p in section.paragraphs for at in _occurrences(needle, p.text)]
    if not hits:
        split = _split_words(needle, section)
        if split:
            raise catalogued_error("quote_not_found_split", file, line, what=what,
                                   heading=section.heading, quote=needle,
                                   split=", ".join(split),
                                   joined=", ".join(w.replace("-", "") for w in split))
        raise catalogued_error("quote_not_found", file, line, what=what,
                               heading=section.heading, quote=needle)
    if occurrence is None and len(hits) > 1:
        where = ", ".join(f"paragraph {p.index}" for p, _ in hits)
        raise InputError(
            f"{what}: quote found {len(hits)} times in section {section.heading!r} ({where})",
            file, line, fix="quote more words, or add 'occurrence: N' (1 = first)")
    if occurrence is not None:
        if not isinstance(occurrence, int) or not 1 <= occurrence <= len(hits):
            raise InputError(f"{what}: occurrence {occurrence!r} is not between 1 and "
                             f"{len(hits)}", file, line, fix="count matches from 1")
        paragraph, at = hits[occurrence - 1]
    else:
        paragraph, at = hits[0]
    start, end = paragraph.raw_span(at, at + len(needle))
    return Span(paragraph, needle, start, end, raw[start:end], raw[max(0, start - CONTEXT_CHARS):start],
                raw[end:end + CONTEXT_CHARS])
