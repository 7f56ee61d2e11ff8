"""Stage 3: assemble the RDF graph of monographs, sections, paragraphs, claims, spans and terms.

Every node gets an IRI derived from what the curator controls (monograph id, section id,
paragraph number, claim id), never a blank node. Everything is minted under the default base;
the publication base replaces it at export.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .claims import Claim, Monograph, Quantity
from .errors import InputError, InputErrors
from .mappings import MappingSet, is_linked
from .namespaces import DEFAULT_BASE, MKG, OA, QUDT, SSSOM, prefixes
from .sources import Paragraph, Section
from .vocabulary import Vocabulary

RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")
LANGUAGES = "http://id.loc.gov/vocabulary/iso639-1/"
CHEBI_NS = prefixes()["CHEBI"]


def iri(path: str) -> URIRef:
    """An IRI minted under the default base."""
    return URIRef(DEFAULT_BASE + path)


def monograph_iri(mono: Monograph) -> URIRef:
    return iri(f"monograph/{mono.id}")


def section_iri(mono: Monograph, section: Section) -> URIRef:
    return iri(f"section/{mono.id}/{section.id}")


def paragraph_iri(mono: Monograph, paragraph: Paragraph) -> URIRef:
    return iri(f"paragraph/{mono.id}/{paragraph.section_id}-{paragraph.index}")


def claim_iri(mono: Monograph, claim: Claim) -> URIRef:
    return iri(f"claim/{mono.id}/{claim.id}")


def new_graph() -> Graph:
    """An empty graph with every project prefix bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes().items():
        graph.bind(prefix, namespace)
    return graph


def _n(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


def add_monograph(graph: Graph, mono: Monograph) -> None:
    """The monograph text with its checksum, then its sections and paragraphs."""
    meta, node = mono.source.meta, monograph_iri(mono)
    lang = meta.language
    graph.add((node, RDF.type, MKG.Monograph))
    graph.add((node, DCTERMS.title, Literal(mono.title, lang=lang)))
    graph.add((node, RDFS.label, Literal(mono.title, lang=lang)))
    if lang != "en":
        graph.add((node, RDFS.label, Literal(mono.title_en, lang="en")))
    graph.add((node, DCTERMS.language, URIRef(LANGUAGES + lang)))
    graph.add((node, DCTERMS.subject, mono.about))
    graph.add((node, DCTERMS.rights, Literal(meta.rights, lang="en")))
    graph.add((node, DCTERMS.format, Literal(meta.media_type)))
    graph.add((node, DCTERMS.identifier, Literal(meta.file.name)))
    graph.add((node, MKG.sha256, Literal(meta.sha256)))
    graph.add((node, DCAT.byteSize, _n(meta.byte_size)))
    graph.add((node, MKG.characterCount, _n(meta.characters)))
    for order, section in enumerate(mono.source.sections, start=1):
        add_section(graph, mono, section, order)


def add_section(graph: Graph, mono: Monograph, section: Section, order: int) -> None:
    node, lang = section_iri(mono, section), mono.source.meta.language
    graph.add((node, RDF.type, MKG.Section))
    graph.add((node, RDFS.label, Literal(section.heading, lang=lang)))
    if lang != "en":
        graph.add((node, RDFS.label, Literal(section.label_en, lang="en")))
    graph.add((node, MKG.heading, Literal(section.heading, lang=lang)))
    graph.add((node, MKG.order, _n(order)))
    graph.add((node, MKG.startOffset, _n(section.heading_start)))
    graph.add((node, MKG.endOffset, _n(section.end)))
    graph.add((node, DCTERMS.isPartOf, monograph_iri(mono)))
    graph.add((node, MKG.monograph, monograph_iri(mono)))
    for paragraph in section.paragraphs:
        add_paragraph(graph, mono, section, paragraph)


def add_paragraph(graph: Graph, mono: Monograph, section: Section, para: Paragraph) -> None:
    node, lang = paragraph_iri(mono, para), mono.source.meta.language
    graph.add((node, RDF.type, MKG.Paragraph))
    graph.add((node, RDFS.label, Literal(f"{section.label_en}, paragraph {para.index}",
                                         lang="en")))
    if lang != "en":
        graph.add((node, RDFS.label, Literal(f"{section.heading}, {para.index}", lang=lang)))
    graph.add((node, MKG.text, Literal(para.text, lang=lang)))
    graph.add((node, MKG.sourceText, Literal(mono.source.text[para.start:para.end])))
    graph.add((node, MKG.order, _n(para.index)))
    graph.add((node, MKG.startOffset, _n(para.start)))
    graph.add((node, MKG.endOffset, _n(para.end)))
    graph.add((node, MKG.listItem, Literal(para.list_item)))
    graph.add((node, DCTERMS.isPartOf, section_iri(mono, section)))
    graph.add((node, MKG.section, section_iri(mono, section)))
    graph.add((node, MKG.monograph, monograph_iri(mono)))


def add_claim(graph: Graph, mono: Monograph, claim: Claim, md5: str) -> None:
    """A claim node, its text span with three selectors, its quantity and its truthy triple."""
    node, lang = claim_iri(mono, claim), mono.source.meta.language
    graph.add((node, RDF.type, claim.kind))
    graph.add((node, RDFS.label, Literal(claim.statement, lang="en")))
    if lang != "en":
        graph.add((node, RDFS.label, Literal(claim.span.text, lang=lang)))
    graph.add((node, MKG.statement, Literal(claim.statement, lang="en")))
    graph.add((node, MKG.subject, claim.subject))
    graph.add((node, MKG.relation, claim.relation))
    graph.add((node, MKG.modality, claim.modality))
    graph.add((node, MKG.negated, Literal(claim.negated)))
    graph.add((node, MKG.evidence, claim.evidence))
    if claim.note:
        graph.add((node, MKG.curatorNote, Literal(claim.note, lang="en")))
    for target in claim.scope:
        graph.add((node, MKG.scopedByDose, iri(f"claim/{mono.id}/{target}")))
    for prop, values in claim.qualifiers.items():
        for value in values:
            graph.add((node, prop, value))
    obj = claim.object
    if claim.quantity is not None:
        q_node = add_quantity(graph, mono, claim, claim.quantity)
        graph.add((node, MKG.dose if claim.quantity.is_dose else MKG.quantity, q_node))
        if obj is None and claim.quantity.is_dose:
            obj = q_node
    if obj is not None:
        graph.add((node, MKG.object, obj))
        if not claim.negated:
            graph.add((claim.subject, claim.relation, obj))
    paragraph = paragraph_iri(mono, claim.span.paragraph)
    graph.add((node, PROV.wasDerivedFrom, paragraph))
    graph.add((node, MKG.section, section_iri(mono, claim.section)))
    graph.add((node, MKG.monograph, monograph_iri(mono)))
    add_span(graph, mono, claim, node, paragraph, md5)


def add_span(graph: Graph, mono: Monograph, claim: Claim, claim_node: URIRef,
             paragraph: URIRef, md5: str) -> None:
    """The span as a Web Annotation specific resource with position, quote and fragment."""
    span, source = claim.span, monograph_iri(mono)
    node = iri(f"span/{mono.id}/{claim.id}")
    position = iri(f"selector/{mono.id}/{claim.id}-position")
    quote = iri(f"selector/{mono.id}/{claim.id}-quote")
    fragment = iri(f"selector/{mono.id}/{claim.id}-fragment")
    graph.add((claim_node, MKG.textSpan, node))
    graph.add((node, RDF.type, MKG.TextSpan))
    graph.add((node, RDF.type, OA.SpecificResource))
    graph.add((node, RDFS.label, Literal(f"characters {span.start}-{span.end} of {mono.id}",
                                         lang="en")))
    graph.add((node, OA.hasSource, source))
    graph.add((node, DCTERMS.isPartOf, paragraph))
    graph.add((node, MKG.fragment, URIRef(f"{source}#char={span.start},{span.end}")))
    for selector in (position, quote, fragment):
        graph.add((node, OA.hasSelector, selector))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, _n(span.start)))
    graph.add((position, OA.end, _n(span.end)))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(span.exact)))
    graph.add((quote, OA.prefix, Literal(span.prefix)))
    graph.add((quote, OA.suffix, Literal(span.suffix)))
    graph.add((fragment, RDF.type, OA.FragmentSelector))
    graph.add((fragment, DCTERMS.conformsTo, RFC5147))
    graph.add((fragment, RDF.value, Literal(f"char={span.start},{span.end};md5={md5}")))


def _fmt(number: Decimal) -> str:
    return format(number.normalize(), "f")


def quantity_labels(q: Quantity) -> tuple[str, str]:
    """Readable English and Dutch labels, e.g. '5-10 g per day' / '5-10 g per dag'."""
    if q.value is not None:
        en = nl = _fmt(q.value)
    elif q.low is not None and q.high is not None:
        en = nl = f"{_fmt(q.low)}-{_fmt(q.high)}"
    elif q.high is not None:
        en, nl = f"up to {_fmt(q.high)}", f"tot {_fmt(q.high)}"
    else:
        en, nl = f"at least {_fmt(q.low)}", f"ten minste {_fmt(q.low)}"  # type: ignore[arg-type]
    unit = q.unit_info
    mass = unit.dimension == "mass"
    en += f" {q.unit if mass else unit.label_en}"
    nl += f" {q.unit if mass else unit.label_nl}"
    if q.per_body_mass:
        en += f" per {q.per_body_mass} body weight"
        nl += f" per {q.per_body_mass} lichaamsgewicht"
    if q.period == "P1D":
        en, nl = en + " per day", nl + " per dag"
    elif q.period:
        en, nl = en + f" per {q.period}", nl + f" per {q.period}"
    return en, nl


def add_quantity(graph: Graph, mono: Monograph, claim: Claim, q: Quantity) -> URIRef:
    """A stated number or dose as its own node; returns its IRI."""
    node = iri(f"{'dose' if q.is_dose else 'quantity'}/{mono.id}/{claim.id}")
    graph.add((node, RDF.type, MKG.Dose if q.is_dose else MKG.Quantity))
    label_en, label_nl = quantity_labels(q)
    graph.add((node, RDFS.label, Literal(label_en, lang="en")))
    graph.add((node, RDFS.label, Literal(label_nl, lang="nl")))
    # The canonical xsd:decimal form always has a decimal point ("5.0"); Turtle writers emit
    # that form, so any other spelling would not survive a round trip.
    dec = lambda n: Literal(_fmt(n) if "." in _fmt(n) else _fmt(n) + ".0",  # noqa: E731
                            datatype=XSD.decimal)
    if q.value is not None:
        graph.add((node, QUDT.numericValue, dec(q.value)))
    if q.low is not None:
        graph.add((node, QUDT.lowerBound, dec(q.low)))
    if q.high is not None:
        graph.add((node, QUDT.upperBound, dec(q.high)))
    graph.add((node, MKG.unitCode, Literal(q.unit)))
    if q.per_body_mass:
        graph.add((node, MKG.perBodyMass, Literal(q.per_body_mass)))
    for prop, value in ((MKG.period, q.period), (MKG.duration, q.duration),
                        (MKG.minimumOffset, q.min_offset)):
        if value:
            graph.add((node, prop, Literal(value, datatype=XSD.duration)))
    if q.portions is not None:
        graph.add((node, MKG.portions, _n(q.portions)))
    if q.divided:
        graph.add((node, MKG.dividedDoses, Literal(True)))
    for timing in q.timings:
        graph.add((node, MKG.timing, timing))
    if q.kind is not None:
        graph.add((node, MKG.doseKind, q.kind))
    return node


def add_mappings(graph: Graph, mono: Monograph, mapping_set: MappingSet) -> None:
    """Mention concepts, their mappings as SSSOM records, and labels on the mapped terms."""
    lang = mono.source.meta.language
    for row in mapping_set.rows:
        local = f"{row.subject_curie.split(':', 1)[1]}--{row.object_curie.replace(':', '-')}"
        record = iri(f"mapping/{mono.id}/{local}{'--not' if row.negated else ''}")
        graph.add((record, RDF.type, SSSOM.Mapping))
        graph.add((record, SSSOM.subject_id, row.subject))
        graph.add((record, SSSOM.subject_label, Literal(row.subject_label, lang=lang)))
        graph.add((record, SSSOM.predicate_id, row.predicate))
        graph.add((record, SSSOM.object_id, row.object))
        graph.add((record, SSSOM.object_label, Literal(row.object_label, lang="en")))
        graph.add((record, SSSOM.mapping_justification, row.justification))
        graph.add((record, SSSOM.confidence, Literal(str(row.confidence), datatype=XSD.decimal)))
        graph.add((record, SSSOM.author_id, row.author))
        graph.add((record, MKG.checkedIn, Literal(row.checked_in)))
        if row.comment:
            graph.add((record, SSSOM.comment, Literal(row.comment, lang="en")))
        if not row.object_curie.startswith(("concept:", "mention:")):
            # Every standard term the graph names carries its official label, so a SPARQL
            # user sees names, not numbers (rejected candidates included).
            graph.add((row.object, RDFS.label, Literal(row.object_label, lang="en")))
        if row.negated:
            graph.add((record, SSSOM.predicate_modifier, Literal("Not")))
            continue
        graph.add((row.subject, row.predicate, row.object))
        if row.subject_curie.startswith("mention:"):
            graph.add((row.subject, RDF.type, SKOS.Concept))
            graph.add((row.subject, SKOS.prefLabel, Literal(row.subject_label, lang=lang)))
            graph.add((row.subject, MKG.monograph, monograph_iri(mono)))
        if row.predicate_curie == "skos:exactMatch" and row.subject_curie.startswith("mention:"):
            graph.add((row.object, SKOS.altLabel, Literal(row.subject_label, lang=lang)))
            if str(row.object).startswith(CHEBI_NS):
                graph.add((row.object, RDF.type, MKG.ChemicalEntity))


def check_links(mono: Monograph, mapping_set: MappingSet | None,
                vocabulary: Vocabulary) -> None:
    """Refuse a claim whose linked term is not the chosen term of any mapping row."""
    chosen = mapping_set.chosen() if mapping_set else {}
    errors = []
    for claim in mono.claims:
        for term, line in claim.linked_terms():
            if is_linked(term, vocabulary) and term not in chosen:
                errors.append(InputError(
                    f"claim {claim.id!r} links to {term}, which has no mapping row",
                    claim.file, line,
                    fix=f"add a skos:exactMatch row for the Dutch mention to "
                    f"{mono.mapping_file.name}, or link to a mapped term"))
    if errors:
        raise InputErrors(errors)


def to_graph(monographs: list[Monograph], mapping_sets: dict[str, MappingSet],
             extra: list[Graph]) -> Graph:
    """The whole data graph of a release (before rebasing)."""
    graph = new_graph()
    for mono in monographs:
        add_monograph(graph, mono)
        md5 = hashlib.md5(mono.source.meta.file.read_bytes()).hexdigest()  # noqa: S324 - RFC 5147
        for claim in mono.claims:
            add_claim(graph, mono, claim, md5)
        if mono.id in mapping_sets:
            add_mappings(graph, mono, mapping_sets[mono.id])
    for part in extra:
        graph += part
    return graph
