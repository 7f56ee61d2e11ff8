"""Stage 3: assemble the RDF graph of monographs, sections, paragraphs, claims, spans and terms.

Every node gets an IRI derived from what the curator controls (monograph id, section id,
paragraph number, claim id), never a blank node. Everything is minted under the default base;
the publication base replaces it at export.

The triples are written straight as sorted N-Triples lines (``to_lines``), spelled by
``ntriples`` exactly as rdflib spells them: making rdflib terms and filling its in-memory store
cost most of a build's assembly time and memory, and every later stage reads lines anyway.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS

from monokg.curate.claims import Claim, Monograph, Quantity
from monokg.curate.language import load_language
from monokg.curate.mappings import MappingSet
from monokg.curate.sources import Paragraph, Section
from monokg.model.namespaces import DEFAULT_BASE, MKG, OA, QUDT, SSSOM, prefixes
from monokg.rdf import ntriples as nt
from monokg.rdf.graphs import graph_of

RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")
LANGUAGES = "http://id.loc.gov/vocabulary/iso639-1/"
CHEBI_NS = prefixes()["CHEBI"]


def iri(path: str) -> URIRef:
    """An IRI minted under the default base."""
    return URIRef(DEFAULT_BASE + path)


def monograph_iri(mono: Monograph) -> URIRef:
    return iri(f"monograph/{mono.id}")


def claim_nodes(mono: Monograph, claim: Claim) -> list[URIRef]:
    """The IRIs minted for one claim alone (under the default base): the claim, its span and
    selectors, its dose or quantity, as ``claim_lines`` mints them."""
    local = f"{mono.id}/{claim.id}"
    return [iri(path) for path in (
        f"claim/{local}", f"span/{local}", f"selector/{local}-position",
        f"selector/{local}-quote", f"selector/{local}-fragment", f"dose/{local}",
        f"quantity/{local}")]


def _tok(term: str) -> str:
    return nt.iri(str(term))


# Predicate and class tokens, spelled once.
A = _tok(RDF.type)
LABEL = _tok(RDFS.label)
VALUE = _tok(RDF.value)
TITLE, LANGUAGE, SUBJECT = _tok(DCTERMS.title), _tok(DCTERMS.language), _tok(DCTERMS.subject)
RIGHTS, FORMAT, IDENTIFIER = _tok(DCTERMS.rights), _tok(DCTERMS.format), _tok(DCTERMS.identifier)
IS_PART_OF, CONFORMS_TO = _tok(DCTERMS.isPartOf), _tok(DCTERMS.conformsTo)
BYTE_SIZE = _tok(DCAT.byteSize)
DERIVED_FROM = _tok(PROV.wasDerivedFrom)
CONCEPT, PREF_LABEL, ALT_LABEL = _tok(SKOS.Concept), _tok(SKOS.prefLabel), _tok(SKOS.altLabel)
HAS_SOURCE, HAS_SELECTOR = _tok(OA.hasSource), _tok(OA.hasSelector)
OA_START, OA_END, EXACT = _tok(OA.start), _tok(OA.end), _tok(OA.exact)
PREFIX, SUFFIX = _tok(OA.prefix), _tok(OA.suffix)
SPECIFIC_RESOURCE = _tok(OA.SpecificResource)
POSITION_SELECTOR, QUOTE_SELECTOR = _tok(OA.TextPositionSelector), _tok(OA.TextQuoteSelector)
FRAGMENT_SELECTOR = _tok(OA.FragmentSelector)
NUMERIC_VALUE, LOWER_BOUND = _tok(QUDT.numericValue), _tok(QUDT.lowerBound)
UPPER_BOUND = _tok(QUDT.upperBound)
M = {name: _tok(MKG[name]) for name in (
    "Monograph", "Section", "Paragraph", "TextSpan", "Dose", "Quantity", "ChemicalEntity",
    "sha256", "characterCount", "heading", "order", "startOffset", "endOffset", "monograph",
    "section", "text", "sourceText", "listItem", "statement", "subject", "relation", "modality",
    "negated", "evidence", "curatorNote", "scopedByDose", "dose", "quantity", "object",
    "textSpan", "fragment", "unitCode", "perBodyMass", "period", "duration", "minimumOffset",
    "portions", "dividedDoses", "timing", "doseKind", "checkedIn")}
S = {name: _tok(SSSOM[name]) for name in (
    "Mapping", "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
    "mapping_justification", "confidence", "author_id", "comment", "predicate_modifier",
    "object_source_version")}
RFC5147_TOKEN = _tok(RFC5147)
CHEBI_PREFIX = "<" + CHEBI_NS
TRUE = nt.boolean(True)


def _n(value: int) -> str:
    return nt.integer(value, nt.XSD_NON_NEGATIVE_INTEGER)


def _mint(path: str) -> str:
    """The token of an IRI minted under the default base."""
    return nt.iri(DEFAULT_BASE + path)


class _Lines(list[str]):
    """N-Triples lines being collected; ``add`` takes three tokens."""

    def add(self, s: str, p: str, o: str) -> None:
        self.append(f"{s} {p} {o} .")


def monograph_lines(out: _Lines, mono: Monograph) -> None:
    """The monograph text with its checksum, then its sections and paragraphs."""
    meta, node = mono.source.meta, _mint(f"monograph/{mono.id}")
    lang = meta.language
    add = out.add
    add(node, A, M["Monograph"])
    add(node, TITLE, nt.lang_string(mono.title, lang))
    add(node, LABEL, nt.lang_string(mono.title, lang))
    if lang != "en":
        add(node, LABEL, nt.lang_string(mono.title_en, "en"))
    add(node, LANGUAGE, nt.iri(LANGUAGES + lang))
    add(node, SUBJECT, _tok(mono.about))
    add(node, RIGHTS, nt.lang_string(meta.rights, "en"))
    add(node, FORMAT, nt.string(meta.media_type))
    add(node, IDENTIFIER, nt.string(meta.file.name))
    add(node, M["sha256"], nt.string(meta.sha256))
    add(node, BYTE_SIZE, _n(meta.byte_size))
    add(node, M["characterCount"], _n(meta.characters))
    for order, section in enumerate(mono.source.sections, start=1):
        section_lines(out, mono, node, section, order)


def section_lines(out: _Lines, mono: Monograph, mono_node: str, section: Section,
                  order: int) -> None:
    node, lang = _mint(f"section/{mono.id}/{section.id}"), mono.source.meta.language
    add = out.add
    add(node, A, M["Section"])
    add(node, LABEL, nt.lang_string(section.heading, lang))
    if lang != "en":
        add(node, LABEL, nt.lang_string(section.label_en, "en"))
    add(node, M["heading"], nt.lang_string(section.heading, lang))
    add(node, M["order"], _n(order))
    add(node, M["startOffset"], _n(section.heading_start))
    add(node, M["endOffset"], _n(section.end))
    add(node, IS_PART_OF, mono_node)
    add(node, M["monograph"], mono_node)
    for paragraph in section.paragraphs:
        paragraph_lines(out, mono, mono_node, node, section, paragraph)


def paragraph_lines(out: _Lines, mono: Monograph, mono_node: str, section_node: str,
                    section: Section, para: Paragraph) -> None:
    node = _mint(f"paragraph/{mono.id}/{para.section_id}-{para.index}")
    lang = mono.source.meta.language
    add = out.add
    add(node, A, M["Paragraph"])
    add(node, LABEL, nt.lang_string(f"{section.label_en}, paragraph {para.index}", "en"))
    if lang != "en":
        add(node, LABEL, nt.lang_string(f"{section.heading}, {para.index}", lang))
    add(node, M["text"], nt.lang_string(para.text, lang))
    add(node, M["sourceText"], nt.string(mono.source.text[para.start:para.end]))
    add(node, M["order"], _n(para.index))
    add(node, M["startOffset"], _n(para.start))
    add(node, M["endOffset"], _n(para.end))
    add(node, M["listItem"], nt.boolean(para.list_item))
    add(node, IS_PART_OF, section_node)
    add(node, M["section"], section_node)
    add(node, M["monograph"], mono_node)


def claim_lines(out: _Lines, mono: Monograph, mono_node: str, claim: Claim, md5: str) -> None:
    """A claim node, its text span with three selectors, its quantity and its truthy triple."""
    node, lang = _mint(f"claim/{mono.id}/{claim.id}"), mono.source.meta.language
    add = out.add
    subject, relation = _tok(claim.subject), _tok(claim.relation)
    add(node, A, _tok(claim.kind))
    # The statement is the shared English paraphrase; the quote speaks the source's language,
    # English included, so every claim has a label in the words of its source.
    add(node, LABEL, nt.lang_string(claim.statement, "en"))
    add(node, LABEL, nt.lang_string(claim.span.text, lang))
    add(node, M["statement"], nt.lang_string(claim.statement, "en"))
    add(node, M["subject"], subject)
    add(node, M["relation"], relation)
    add(node, M["modality"], _tok(claim.modality))
    add(node, M["negated"], nt.boolean(claim.negated))
    add(node, M["evidence"], _tok(claim.evidence))
    if claim.note:
        add(node, M["curatorNote"], nt.lang_string(claim.note, "en"))
    for target in claim.scope:
        add(node, M["scopedByDose"], _mint(f"claim/{mono.id}/{target}"))
    for prop, values in claim.qualifiers.items():
        for value in values:
            add(node, _tok(prop), _tok(value))
    obj = None if claim.object is None else _tok(claim.object)
    if claim.quantity is not None:
        q_node = quantity_lines(out, mono, claim, claim.quantity)
        add(node, M["dose"] if claim.quantity.is_dose else M["quantity"], q_node)
        if obj is None and claim.quantity.is_dose:
            obj = q_node
    if obj is not None:
        add(node, M["object"], obj)
        if not claim.negated:
            add(subject, relation, obj)
    para = claim.span.paragraph
    paragraph = _mint(f"paragraph/{mono.id}/{para.section_id}-{para.index}")
    add(node, DERIVED_FROM, paragraph)
    add(node, M["section"], _mint(f"section/{mono.id}/{claim.section.id}"))
    add(node, M["monograph"], mono_node)
    span_lines(out, mono, mono_node, claim, node, paragraph, md5)


def span_lines(out: _Lines, mono: Monograph, source: str, claim: Claim, claim_node: str,
               paragraph: str, md5: str) -> None:
    """The span as a Web Annotation specific resource with position, quote and fragment."""
    span, add = claim.span, out.add
    node = _mint(f"span/{mono.id}/{claim.id}")
    position = _mint(f"selector/{mono.id}/{claim.id}-position")
    quote = _mint(f"selector/{mono.id}/{claim.id}-quote")
    fragment = _mint(f"selector/{mono.id}/{claim.id}-fragment")
    add(claim_node, M["textSpan"], node)
    add(node, A, M["TextSpan"])
    add(node, A, SPECIFIC_RESOURCE)
    add(node, LABEL, nt.lang_string(f"characters {span.start}-{span.end} of {mono.id}", "en"))
    add(node, HAS_SOURCE, source)
    add(node, IS_PART_OF, paragraph)
    add(node, M["fragment"], nt.iri(f"{source[1:-1]}#char={span.start},{span.end}"))
    for selector in (position, quote, fragment):
        add(node, HAS_SELECTOR, selector)
    add(position, A, POSITION_SELECTOR)
    add(position, OA_START, _n(span.start))
    add(position, OA_END, _n(span.end))
    add(quote, A, QUOTE_SELECTOR)
    add(quote, EXACT, nt.string(span.exact))
    add(quote, PREFIX, nt.string(span.prefix))
    add(quote, SUFFIX, nt.string(span.suffix))
    add(fragment, A, FRAGMENT_SELECTOR)
    add(fragment, CONFORMS_TO, RFC5147_TOKEN)
    add(fragment, VALUE, nt.string(f"char={span.start},{span.end};md5={md5}"))


def _fmt(number: Decimal) -> str:
    return format(number.normalize(), "f")


def quantity_labels(q: Quantity, languages: list[str]) -> dict[str, str]:
    """A readable label per language that has dose phrases, e.g. '5-10 g per day' (en),
    '5-10 g per dag' (nl); a unit without a label in a language is shown as its UCUM code."""
    labels = {}
    for tag in languages:
        phrases = load_language(tag).dose
        if not phrases:
            continue
        if q.value is not None:
            label = _fmt(q.value)
        elif q.low is not None and q.high is not None:
            label = f"{_fmt(q.low)}-{_fmt(q.high)}"
        elif q.high is not None:
            label = phrases["up_to"].format(n=_fmt(q.high))
        else:
            assert q.low is not None, "a quantity has a value, a bound or both"
            label = phrases["at_least"].format(n=_fmt(q.low))
        unit = q.unit_info
        label += " " + (q.unit if unit.dimension == "mass" else unit.labels.get(tag, q.unit))
        if q.per_body_mass:
            label += " " + phrases["per_body_mass"].format(unit=q.per_body_mass)
        if q.period == "P1D":
            label += " " + phrases["per_day"]
        elif q.period:
            label += " " + phrases["per_period"].format(period=q.period)
        labels[tag] = label
    return labels


def _decimal(number: Decimal) -> str:
    # The canonical xsd:decimal form always has a decimal point ("5.0"); Turtle writers emit
    # that form, so any other spelling would not survive a round trip.
    text = _fmt(number)
    return nt.typed(text if "." in text else text + ".0", nt.XSD_DECIMAL)


def quantity_lines(out: _Lines, mono: Monograph, claim: Claim, q: Quantity) -> str:
    """A stated number or dose as its own node; returns its token."""
    node = _mint(f"{'dose' if q.is_dose else 'quantity'}/{mono.id}/{claim.id}")
    add = out.add
    add(node, A, M["Dose"] if q.is_dose else M["Quantity"])
    # Every language the project labels its terms in, and the source's own language.
    languages = sorted({*mono.label_languages, mono.source.meta.language})
    for tag, label in quantity_labels(q, languages).items():
        add(node, LABEL, nt.lang_string(label, tag))
    if q.value is not None:
        add(node, NUMERIC_VALUE, _decimal(q.value))
    if q.low is not None:
        add(node, LOWER_BOUND, _decimal(q.low))
    if q.high is not None:
        add(node, UPPER_BOUND, _decimal(q.high))
    add(node, M["unitCode"], nt.string(q.unit))
    if q.per_body_mass:
        add(node, M["perBodyMass"], nt.string(q.per_body_mass))
    for prop, value in (("period", q.period), ("duration", q.duration),
                        ("minimumOffset", q.min_offset)):
        if value:
            add(node, M[prop], nt.typed(value, nt.XSD_DURATION))
    if q.portions is not None:
        add(node, M["portions"], _n(q.portions))
    if q.divided:
        add(node, M["dividedDoses"], TRUE)
    for timing in q.timings:
        add(node, M["timing"], _tok(timing))
    if q.kind is not None:
        add(node, M["doseKind"], _tok(q.kind))
    return node


def mapping_lines(out: _Lines, mono: Monograph, mono_node: str,
                  mapping_set: MappingSet) -> None:
    """Mention concepts, their mappings as SSSOM records, and labels on the mapped terms."""
    lang, add = mono.source.meta.language, out.add
    for row in mapping_set.rows:
        local = f"{row.subject_curie.split(':', 1)[1]}--{row.object_curie.replace(':', '-')}"
        record = _mint(f"mapping/{mono.id}/{local}{'--not' if row.negated else ''}")
        subject, predicate, obj = _tok(row.subject), _tok(row.predicate), _tok(row.object)
        add(record, A, S["Mapping"])
        add(record, S["subject_id"], subject)
        add(record, S["subject_label"], nt.lang_string(row.subject_label, lang))
        add(record, S["predicate_id"], predicate)
        add(record, S["object_id"], obj)
        add(record, S["object_label"], nt.lang_string(row.object_label, "en"))
        add(record, S["mapping_justification"], _tok(row.justification))
        add(record, S["confidence"], nt.typed(row.confidence, nt.XSD_DECIMAL))
        add(record, S["author_id"], _tok(row.author))
        add(record, M["checkedIn"], nt.string(row.checked_in))
        add(record, S["object_source_version"], nt.string(row.source_version))
        if row.comment:
            add(record, S["comment"], nt.lang_string(row.comment, "en"))
        if not row.object_curie.startswith(("concept:", "mention:")):
            # Every standard term the graph names carries its official label, so a SPARQL
            # user sees names, not numbers (rejected candidates included).
            add(obj, LABEL, nt.lang_string(row.object_label, "en"))
        if row.negated:
            add(record, S["predicate_modifier"], nt.string("Not"))
            continue
        add(subject, predicate, obj)
        if row.subject_curie.startswith("mention:"):
            add(subject, A, CONCEPT)
            add(subject, PREF_LABEL, nt.lang_string(row.subject_label, lang))
            add(subject, M["monograph"], mono_node)
        if row.predicate_curie == "skos:exactMatch" and row.subject_curie.startswith("mention:"):
            add(obj, ALT_LABEL, nt.lang_string(row.subject_label, lang))
            if obj.startswith(CHEBI_PREFIX):
                add(obj, A, M["ChemicalEntity"])


def to_lines(monographs: list[Monograph], mapping_sets: dict[str, MappingSet]) -> list[str]:
    """The data graph of these monographs (before rebasing) as sorted, unique N-Triples
    lines, spelled as ``export.ntriples_lines`` spells an rdflib graph's."""
    out = _Lines()
    for mono in monographs:
        mono_node = _mint(f"monograph/{mono.id}")
        monograph_lines(out, mono)
        # The verified text decodes the source bytes exactly, so its UTF-8 is those bytes.
        md5 = hashlib.md5(mono.source.text.encode("utf-8")).hexdigest()
        for claim in mono.claims:
            claim_lines(out, mono, mono_node, claim, md5)
        if mono.id in mapping_sets:
            mapping_lines(out, mono, mono_node, mapping_sets[mono.id])
    return sorted(set(out))


def to_graph(monographs: list[Monograph], mapping_sets: dict[str, MappingSet],
             extra: list[Graph]) -> Graph:
    """The whole data graph of a release (before rebasing) as an rdflib Graph: ``to_lines``
    read back, plus the extra graphs (for callers that still need a Graph)."""
    graph = graph_of(to_lines(monographs, mapping_sets))
    for part in extra:
        graph += part
    return graph
