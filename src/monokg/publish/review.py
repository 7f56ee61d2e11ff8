"""The reviewer's view: every claim of every monograph on one page, grouped by section, with
its quote, modality, linked terms and their labels, the curator's note and the evidence, so a
domain expert can review a monograph in one sitting (template ``review.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from monokg.assemble.release import Release
from monokg.curate.claims import Claim, Monograph
from monokg.curate.mappings import load_mapping_set
from monokg.curate.vocabulary import Vocabulary, load_vocabulary
from monokg.model.curies import project_converter
from monokg.model.templates import environment
from monokg.rdf.files import ReleaseFolder

TEMPLATE = "review.html"


@dataclass(frozen=True)
class Term:
    """A linked term as the reviewer sees it: its role in the claim, CURIE and label."""

    role: str
    curie: str
    label: str


@dataclass(frozen=True)
class Row:
    """One claim's row on the page."""

    claim: Claim
    kind: str
    relation: str
    modality: str
    evidence: Term
    terms: list[Term]


def _name(iri: URIRef) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _labels(mono: Monograph, vocabulary: Vocabulary) -> dict[URIRef, str]:
    """Each term's label as the mapping rows give it (the official name, or a local
    concept's English name)."""
    if not Path(mono.mapping_file).is_file():
        return {}
    rows = load_mapping_set(mono.mapping_file, vocabulary, mono.id).rows
    return {row.object: row.object_label for row in rows}


def _term(role: str, iri: URIRef, labels: dict[URIRef, str]) -> Term:
    return Term(role, project_converter().compact(str(iri)), labels.get(iri, ""))


def rows_of(mono: Monograph, vocabulary: Vocabulary) -> list[tuple[str, list[Row]]]:
    """(section label, its claims in text order) for every section with claims."""
    labels = _labels(mono, vocabulary)
    sections: dict[str, list[Row]] = {}
    for claim in sorted(mono.claims, key=lambda c: (c.span.start, c.span.end, c.id)):
        terms = [_term("subject", claim.subject, labels)]
        if claim.object is not None:
            terms.append(_term("object", claim.object, labels))
        terms += [_term(_name(prop), value, labels)
                  for prop, values in sorted(claim.qualifiers.items()) for value in values]
        heading = claim.section.label_en or claim.section.heading
        sections.setdefault(heading, []).append(Row(
            claim, _name(claim.kind).removesuffix("Claim"), _name(claim.relation),
            _name(claim.modality), _term("evidence", claim.evidence, labels), terms))
    order = {s.label_en or s.heading: n for n, s in enumerate(mono.source.sections)}
    return sorted(sections.items(), key=lambda item: order.get(item[0], len(order)))


def to_html(monographs: list[Monograph], vocabulary: Vocabulary) -> bytes:
    """The reviewer's page for every monograph."""
    books = [(mono, rows_of(mono, vocabulary)) for mono in sorted(monographs, key=lambda m: m.id)]
    return environment().get_template(TEMPLATE).render(
        books=books, claims=sum(len(m.claims) for m in monographs),
        notes=sum(1 for m in monographs for c in m.claims if c.note)).encode("utf-8")


def write_review(release: Release, out: ReleaseFolder) -> list[Path]:
    """Release writer: ``review.html``."""
    vocabulary = load_vocabulary(release.paths.ontology, release.paths.data / "units.tsv")
    return [out.write(out.root / release.files.review,
                      to_html(release.monographs, vocabulary))]
