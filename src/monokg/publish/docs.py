"""Readable documentation of the ontology: one self-contained HTML page per language.

Written by the build into ``build/`` as ``<dataset>.ontology.html`` (in English, the shared
language) and ``<dataset>.ontology.<tag>.html`` for every other language the ontology labels its
terms in, each linking to the others; flat files, like every other release file. The pages'
own captions come from the language files (``ontology_page``). Every class, property and named individual of the ontology
is listed with its label, definition, comment, super- and subclasses, domain and range, and a
table shows how a claim hangs together. Everything comes from the ontology graph; nothing is
fetched (no external CSS or scripts), every text is escaped, and the output is sorted, so two
builds write the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from monokg.assemble.release import Release, term_languages
from monokg.curate.language import FALLBACK, load_language
from monokg.model.curies import compact, project_converter
from monokg.model.namespaces import DEFAULT_BASE, MKG
from monokg.model.release_files import ReleaseFiles
from monokg.model.templates import environment
from monokg.rdf.files import ReleaseFolder


def page_names(ontology: Graph, dataset: str) -> dict[str, str]:
    """File name of the documentation page per language the ontology labels its terms in."""
    return ReleaseFiles(dataset, term_languages(ontology)).ontology_docs


def captions(lang: str) -> dict[str, str]:
    """The page's own captions in a language (its language file), else in English."""
    return {**load_language(FALLBACK).ontology_page, **load_language(lang).ontology_page}
KINDS = (("classes", OWL.Class), ("object_properties", OWL.ObjectProperty),
         ("datatype_properties", OWL.DatatypeProperty),
         ("annotation_properties", OWL.AnnotationProperty))

#: The path from a claim to the characters of its source: (from, property, to), as CURIEs.
CLAIM_PATH = (
    ("mkg:Claim", "rdf:type", "mkg:DosageClaim"),
    ("mkg:Claim", "mkg:subject", "mkg:ChemicalEntity"),
    ("mkg:Claim", "mkg:relation", "mkg:claimRelation"),
    ("mkg:Claim", "mkg:object", "mkg:HealthTopic"),
    ("mkg:Claim", "mkg:modality", "mkg:Modality"),
    ("mkg:Claim", "mkg:negated", "xsd:boolean"),
    ("mkg:Claim", "mkg:scopedByDose", "mkg:DosageClaim"),
    ("mkg:Claim", "mkg:population", "mkg:PopulationGroup"),
    ("mkg:Claim", "mkg:context", "mkg:HealthTopic"),
    ("mkg:Claim", "mkg:studySetting", "skos:Concept"),
    ("mkg:Claim", "mkg:location", "mkg:AnatomicalEntity"),
    ("mkg:Claim", "mkg:dose", "mkg:Dose"),
    ("mkg:Dose", "mkg:doseKind", "mkg:DoseKind"),
    ("mkg:Dose", "mkg:unitCode", "xsd:string"),
    ("mkg:Dose", "mkg:timing", "mkg:Timing"),
    ("mkg:Claim", "mkg:evidence", "ECO:0000000"),
    ("mkg:Claim", "mkg:textSpan", "mkg:TextSpan"),
    ("mkg:TextSpan", "oa:hasSelector", "oa:TextPositionSelector"),
    ("mkg:TextSpan", "oa:hasSelector", "oa:TextQuoteSelector"),
    ("mkg:TextSpan", "oa:hasSelector", "oa:FragmentSelector"),
    ("mkg:TextSpan", "oa:hasSource", "mkg:Monograph"),
    ("mkg:TextSpan", "dcterms:isPartOf", "mkg:Paragraph"),
    ("mkg:Claim", "prov:wasDerivedFrom", "mkg:Paragraph"),
    ("mkg:Paragraph", "mkg:section", "mkg:Section"),
    ("mkg:Section", "mkg:monograph", "mkg:Monograph"),
)

DIAGRAM = """\
 subject --relation--> object            (mkg:subject, mkg:relation, mkg:object)
    \\                   /
     +---- Claim ------+-- modality, negated, scopedByDose --> DosageClaim
             |  \\
             |   +-- population, context, studySetting, location, dose --> Dose
             |
         textSpan --> TextSpan --hasSelector--> position | quote | fragment
             |            |  \\
   wasDerivedFrom      isPartOf  hasSource --> Monograph
             \\            |                       ^
              +------> Paragraph --section--> Section --monograph--+
"""

def _text(graph: Graph, node: URIRef, prop: URIRef, lang: str) -> str | None:
    """The value of prop in lang, else in English, else any (first in sorted order)."""
    values = sorted((o for o in graph.objects(node, prop) if isinstance(o, Literal)), key=str)
    for wanted in (lang, "en", None):
        for value in values:
            if value.language == wanted:
                return str(value)
    return str(values[0]) if values else None


def _anchor(graph: Graph, node: URIRef) -> str:
    return compact(node, graph).replace(":", "-").replace("/", "-")


class _Ref(NamedTuple):
    """A term as the page names it: its anchor when documented on the page, label, CURIE."""

    anchor: str | None
    label: str
    curie: str


class _Term(NamedTuple):
    """One documented term; ``rows`` are (caption key, kind, values), kind one of "refs"
    (values are _Ref), "cues" (quoted words, with their language tag) and "text"."""

    anchor: str
    label: str
    iri: str
    definition: str | None
    comment: str | None
    rows: Sequence[tuple[str, str, Sequence[object]]]


class _Page:
    """One language's page: terms are linked when they are documented on it."""

    def __init__(self, graph: Graph, lang: str, documented: set[URIRef]):
        self.graph, self.lang, self.documented = graph, lang, documented

    def label(self, node: URIRef) -> str:
        return _text(self.graph, node, RDFS.label, self.lang) or compact(node, self.graph)

    def ref(self, node: URIRef) -> _Ref:
        anchor = _anchor(self.graph, node) if node in self.documented else None
        return _Ref(anchor, self.label(node), compact(node, self.graph))

    def refs(self, nodes: Iterable[Node]) -> list[_Ref]:
        items = sorted((n for n in nodes if isinstance(n, URIRef)),
                       key=lambda n: self.label(n).lower())
        return [self.ref(n) for n in items]

    def term(self, node: URIRef, rows: Sequence[tuple[str, str, Sequence[object]]]) -> _Term:
        g = self.graph
        return _Term(_anchor(g, node), self.label(node), str(node),
                     _text(g, node, SKOS.definition, self.lang),
                     _text(g, node, RDFS.comment, self.lang), rows)


def _sorted_terms(page: _Page, nodes: set[URIRef]) -> list[URIRef]:
    return sorted(nodes, key=lambda n: (page.label(n).lower(), str(n)))


def to_ontology_html(ontology: Graph, lang: str, version: str = "",
                     dataset: str = "monokg") -> str:
    """The documentation page of the ontology in one of the languages it labels its terms in,
    from the template ``ontology.html``."""
    pages = page_names(ontology, dataset)
    g = ontology
    onto = next((s for s in g.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
    kinds = {name: {s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)}
             for name, cls in KINDS}
    declared = set().union(*kinds.values())
    individuals = {s for s, o in g.subject_objects(RDF.type)
                   if isinstance(s, URIRef) and o in kinds["classes"] and s not in declared}
    page = _Page(g, lang, declared | individuals)
    others = [(tag, name, load_language(tag).ontology_page.get("language", tag))
              for tag, name in pages.items() if tag != lang]
    expand = project_converter().expand

    def iri(curie: str) -> URIRef:
        return URIRef(expand(curie))

    documented = []
    for name, _ in KINDS:
        terms = []
        for node in _sorted_terms(page, kinds[name]):
            if name == "classes":
                rows = [("super", "refs", page.refs(g.objects(node, RDFS.subClassOf))),
                        ("sub", "refs", page.refs(g.subjects(RDFS.subClassOf, node))),
                        ("disjoint", "refs", page.refs(set(g.objects(node, OWL.disjointWith))
                                                       | set(g.subjects(OWL.disjointWith, node)))),
                        ("members", "refs", page.refs(s for s in g.subjects(RDF.type, node)
                                                      if s in individuals))]
            else:
                rows = [("superprop", "refs", page.refs(g.objects(node, RDFS.subPropertyOf))),
                        ("subprop", "refs", page.refs(g.subjects(RDFS.subPropertyOf, node))),
                        ("domain", "refs", page.refs(g.objects(node, RDFS.domain))),
                        ("range", "refs", page.refs(g.objects(node, RDFS.range)))]
            terms.append(page.term(node, rows))
        documented.append((name, terms))
    members = []
    for node in _sorted_terms(page, individuals):
        strength = g.value(node, MKG.strength)
        members.append(page.term(node, [
            ("type", "refs", page.refs(t for t in g.objects(node, RDF.type)
                                       if t in kinds["classes"])),
            ("strength", "text", [str(strength)] if strength is not None else []),
            ("cue", "cues", sorted((str(q), getattr(q, "language", None) or "")
                                   for q in g.objects(node, MKG.cue)))]))
    return environment().get_template("ontology.html").render(
        lang=lang, c=captions(lang), others=others,
        title=(_text(g, onto, DCTERMS.title, lang) if onto else None) or "monokg",
        iri=str(onto) if onto is not None else None,
        description=_text(g, onto, DCTERMS.description, lang) if onto is not None else None,
        version=version, diagram=DIAGRAM,
        sections=["claim", *(name for name, _ in KINDS), "individuals"],
        claim_path=[tuple(page.ref(iri(c)) for c in step) for step in CLAIM_PATH],
        kinds=documented, individuals=members)


def write_ontology_docs(release: Release, out: ReleaseFolder) -> list[Path]:
    """<dataset>.ontology.html in the shared language, <dataset>.ontology.<tag>.html in the
    ontology's other languages."""
    pub = release.publication
    ontology = pub.rebase(release.ontology) if pub.base != DEFAULT_BASE else release.ontology

    written = []
    for lang, name in release.files.ontology_docs.items():
        written.append(out.write(out.root / name, to_ontology_html(
            ontology, lang, pub.version, pub.dataset).encode("utf-8")))
    return written
