"""Readable documentation of the ontology: one self-contained HTML page per language.

Written by the build into ``build/`` as ``<dataset>.ontology.html`` (in English, the shared
language) and ``<dataset>.ontology.<tag>.html`` for every other language the ontology labels its
terms in, each linking to the others; flat files, like every other release file. The pages'
own captions come from the language files (``ontology_page``).

The sections are the ones pyLODE and Widoco readers look for: a metadata block (IRI, version
IRI and version, licence, creators, publisher, date, download links to the ontology and the
shapes), a table of contents, the namespaces table (every prefix the page uses), a table of how
a claim hangs together, then every class (super- and subclasses, disjoint classes, the
properties it is the domain or range of, members), every property (characteristics, super-
and sub-properties, inverse, domain, range) and every named individual. Each term's anchor is
its CURIE with ``:`` and ``/`` as ``-`` (``mkg-Claim``), so links to it stay valid across
releases. Everything comes from the ontology graph and the publication settings; nothing is
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
from monokg.model.config import Publication
from monokg.model.curies import bindings_of, compact_node, project_converter
from monokg.model.namespaces import MKG
from monokg.model.release_files import ReleaseFiles
from monokg.model.templates import environment
from monokg.rdf.files import ReleaseFolder, media_type


def page_names(ontology: Graph, dataset: str) -> dict[str, str]:
    """File name of the documentation page per language the ontology labels its terms in."""
    return ReleaseFiles(dataset, term_languages(ontology)).ontology_docs


def captions(lang: str) -> dict[str, str]:
    """The page's own captions in a language (its language file), else in English."""
    return {**load_language(FALLBACK).ontology_page, **load_language(lang).ontology_page}


KINDS = (("classes", OWL.Class), ("object_properties", OWL.ObjectProperty),
         ("datatype_properties", OWL.DatatypeProperty),
         ("annotation_properties", OWL.AnnotationProperty))

#: What OWL says of a property's behaviour, shown as its characteristics.
CHARACTERISTICS = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                   OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
                   OWL.IrreflexiveProperty)

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


def _anchor(page: _Page, node: URIRef) -> str:
    return page.compact(node).replace(":", "-").replace("/", "-")


class _Ref(NamedTuple):
    """A term as the page names it: its anchor when documented on the page, label, CURIE."""

    anchor: str | None
    label: str
    curie: str


class _Term(NamedTuple):
    """One documented term; ``rows`` are (caption key, kind, values), kind one of "refs"
    (values are _Ref), "cues" (quoted words, with their language tag), "links" ((href or
    None, text) pairs) and "text"."""

    anchor: str
    label: str
    iri: str
    curie: str
    definition: str | None
    comment: str | None
    rows: Sequence[tuple[str, str, Sequence[object]]]


class _Page:
    """One language's page: terms are linked when they are documented on it; every prefix a
    CURIE on the page uses is remembered for the namespaces table."""

    def __init__(self, graph: Graph, lang: str, documented: set[URIRef]):
        self.graph, self.lang, self.documented = graph, lang, documented
        self.namespaces: dict[str, str] = {}
        # The graph's prefixes, read once: ``compact(node, graph)`` reads them on every call
        # (a few thousand per page), and the page does not change the graph.
        self.bindings = bindings_of(graph)

    def compact(self, node: URIRef) -> str:
        return compact_node(node, self.bindings)

    def label(self, node: URIRef) -> str:
        return _text(self.graph, node, RDFS.label, self.lang) or self.compact(node)

    def curie(self, node: URIRef) -> str:
        curie, iri = self.compact(node), str(node)
        if curie != iri:
            prefix, local = curie.split(":", 1)
            self.namespaces[prefix] = iri[:len(iri) - len(local)]
        return curie

    def ref(self, node: URIRef) -> _Ref:
        anchor = _anchor(self, node) if node in self.documented else None
        return _Ref(anchor, self.label(node), self.curie(node))

    def refs(self, nodes: Iterable[Node]) -> list[_Ref]:
        items = sorted({n for n in nodes if isinstance(n, URIRef)},
                       key=lambda n: (self.label(n).lower(), str(n)))
        return [self.ref(n) for n in items]

    def term(self, node: URIRef, rows: Sequence[tuple[str, str, Sequence[object]]]) -> _Term:
        g = self.graph
        return _Term(_anchor(self, node), self.label(node), str(node), self.curie(node),
                     _text(g, node, SKOS.definition, self.lang),
                     _text(g, node, RDFS.comment, self.lang), rows)

    def values(self, node: URIRef, prop: URIRef) -> list[tuple[str | None, str]]:
        """Every value of prop as (link, text): an IRI links to itself (named by its label
        where the ontology gives one), a literal is text."""
        out: list[tuple[str | None, str]] = []
        for value in sorted(self.graph.objects(node, prop), key=str):
            if isinstance(value, URIRef):
                label = _text(self.graph, value, RDFS.label, self.lang)
                out.append((str(value), label or str(value)))
            elif isinstance(value, Literal):
                out.append((None, str(value)))
        return out


def _sorted_terms(page: _Page, nodes: set[URIRef]) -> list[URIRef]:
    return sorted(nodes, key=lambda n: (page.label(n).lower(), str(n)))


def _class_rows(page: _Page, node: URIRef, individuals: set[URIRef]
                ) -> list[tuple[str, str, Sequence[object]]]:
    g = page.graph
    return [("super", "refs", page.refs(g.objects(node, RDFS.subClassOf))),
            ("sub", "refs", page.refs(g.subjects(RDFS.subClassOf, node))),
            ("equivalent", "refs", page.refs(set(g.objects(node, OWL.equivalentClass))
                                             | set(g.subjects(OWL.equivalentClass, node)))),
            ("disjoint", "refs", page.refs(set(g.objects(node, OWL.disjointWith))
                                           | set(g.subjects(OWL.disjointWith, node)))),
            ("in_domain_of", "refs", page.refs(g.subjects(RDFS.domain, node))),
            ("in_range_of", "refs", page.refs(g.subjects(RDFS.range, node))),
            ("members", "refs", page.refs(s for s in g.subjects(RDF.type, node)
                                          if s in individuals))]


def _property_rows(page: _Page, node: URIRef) -> list[tuple[str, str, Sequence[object]]]:
    g = page.graph
    return [("characteristics", "refs", page.refs(t for t in g.objects(node, RDF.type)
                                                  if t in CHARACTERISTICS)),
            ("superprop", "refs", page.refs(g.objects(node, RDFS.subPropertyOf))),
            ("subprop", "refs", page.refs(g.subjects(RDFS.subPropertyOf, node))),
            ("equivalent", "refs", page.refs(set(g.objects(node, OWL.equivalentProperty))
                                             | set(g.subjects(OWL.equivalentProperty, node)))),
            ("inverse", "refs", page.refs(set(g.objects(node, OWL.inverseOf))
                                          | set(g.subjects(OWL.inverseOf, node)))),
            ("domain", "refs", page.refs(g.objects(node, RDFS.domain))),
            ("range", "refs", page.refs(g.objects(node, RDFS.range)))]


def _metadata(page: _Page, onto: URIRef | None, publication: Publication,
              files: ReleaseFiles) -> list[tuple[str, str, Sequence[object]]]:
    """The metadata block: what the ontology says of itself, the release's settings where it
    says nothing (version, licence, publisher, date), and the files to download."""
    said: dict[URIRef, list[tuple[str | None, str]]] = {}
    if onto is not None:
        said = {prop: page.values(onto, prop)
                for prop in (OWL.versionIRI, OWL.versionInfo, OWL.priorVersion, OWL.imports,
                             DCTERMS.license, DCTERMS.rights, DCTERMS.creator,
                             DCTERMS.contributor, DCTERMS.publisher, DCTERMS.created,
                             DCTERMS.issued, DCTERMS.modified)}

    def either(prop: URIRef, setting: list[tuple[str | None, str]]
               ) -> list[tuple[str | None, str]]:
        return said.get(prop) or setting

    def download(name: str) -> list[tuple[str | None, str]]:
        return [(name, f"{name} ({media_type(name)})")]

    return [("iri", "links", [(str(onto), str(onto))] if onto is not None else []),
            ("version_iri", "links", said.get(OWL.versionIRI, [])),
            ("version", "links", either(OWL.versionInfo, [(None, publication.version)])),
            ("prior_version", "links", said.get(OWL.priorVersion, [])),
            ("license", "links", either(DCTERMS.license,
                                        [(publication.license, publication.license)])),
            ("rights", "links", said.get(DCTERMS.rights, [])),
            ("imports", "links", said.get(OWL.imports, [])),
            ("creator", "links", said.get(DCTERMS.creator, [])),
            ("contributor", "links", said.get(DCTERMS.contributor, [])),
            ("publisher", "links", either(DCTERMS.publisher, [(None, publication.publisher)])),
            ("created", "links", said.get(DCTERMS.created, [])),
            ("issued", "links", either(DCTERMS.issued, [(None, publication.issued)])),
            ("modified", "links", said.get(DCTERMS.modified, [])),
            ("download_ontology", "links", download(files.ontology)),
            ("download_shapes", "links", download(files.shapes))]


def to_ontology_html(ontology: Graph, lang: str,
                     publication: Publication | None = None) -> str:
    """The documentation page of the ontology in one of the languages it labels its terms in,
    from the template ``ontology.html``; ``publication`` names the release's files and gives
    what the ontology does not say of itself (version, licence, publisher, date)."""
    pub = publication or Publication()
    pages = page_names(ontology, pub.dataset)
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
        documented.append((name, [
            page.term(node, _class_rows(page, node, individuals) if name == "classes"
                      else _property_rows(page, node))
            for node in _sorted_terms(page, kinds[name])]))
    members = []
    for node in _sorted_terms(page, individuals):
        strength = g.value(node, MKG.strength)
        members.append(page.term(node, [
            ("type", "refs", page.refs(t for t in g.objects(node, RDF.type)
                                       if t in kinds["classes"])),
            ("strength", "text", [str(strength)] if strength is not None else []),
            ("cue", "cues", sorted((str(q), getattr(q, "language", None) or "")
                                   for q in g.objects(node, MKG.cue)))]))
    claim_path = [tuple(page.ref(iri(c)) for c in step) for step in CLAIM_PATH]
    metadata = _metadata(page, onto, pub, ReleaseFiles(pub.dataset))
    sections = [*documented, ("individuals", members)]
    return environment().get_template("ontology.html").render(
        lang=lang, c=captions(lang), others=others,
        title=(_text(g, onto, DCTERMS.title, lang) if onto else None) or pub.dataset,
        description=_text(g, onto, DCTERMS.description, lang) if onto is not None else None,
        metadata=metadata, namespaces=sorted(page.namespaces.items()), diagram=DIAGRAM,
        claim_path=claim_path, sections=sections)


def write_ontology_docs(release: Release, out: ReleaseFolder) -> list[Path]:
    """<dataset>.ontology.html in the shared language, <dataset>.ontology.<tag>.html in the
    ontology's other languages: the ontology as released (rebased, with its version IRI), so
    the page documents the file it links to."""
    return [out.write(out.root / name, to_ontology_html(
                release.released_ontology, lang, release.publication).encode("utf-8"))
            for lang, name in release.files.ontology_docs.items()]
