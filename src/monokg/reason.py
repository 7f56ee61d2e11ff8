"""Stage 4: reason over the ontology plus the data with HermiT (through owlready2).

The ontology types what claims link to by the role they play (a relation's domain and range),
and declares which kinds of thing can never be the same. HermiT then finds what no single shape
sees: a compound used as a condition, a claim used as a paragraph. HermiT says only
"inconsistent", so the finding is explained by a direct check of the same axioms.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .errors import Finding, NonConformance


def _label(graph: Graph, node: URIRef) -> str:
    qname = graph.namespace_manager.normalizeUri(node)
    return qname if not qname.startswith("<") else str(node)


def _supers(ontology: Graph, cls: URIRef) -> set[URIRef]:
    return {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}


def _asserted_and_implied_types(ontology: Graph, data: Graph) -> dict[URIRef, dict[URIRef, str]]:
    """node -> {class: why}, from rdf:type, domains and ranges, closed under subclasses."""
    domains = {p: set(ontology.objects(p, RDFS.domain)) for p in ontology.subjects(RDFS.domain)}
    ranges = {p: set(ontology.objects(p, RDFS.range)) for p in ontology.subjects(RDFS.range)}
    sub_props = {p: {q for q in ontology.transitive_objects(p, RDFS.subPropertyOf)}
                 for p in set(ontology.subjects(RDFS.subPropertyOf))}
    types: dict[URIRef, dict[URIRef, str]] = {}

    def note(node: object, cls: object, why: str) -> None:
        if isinstance(node, URIRef) and isinstance(cls, URIRef):
            for sup in _supers(ontology, cls):
                types.setdefault(node, {}).setdefault(sup, why)

    for s, p, o in data:
        if p == RDF.type:
            note(s, o, "stated")
            continue
        for prop in sub_props.get(p, {p}):
            for cls in domains.get(prop, ()):
                note(s, cls, f"subject of {_label(data, p)}")
            for cls in ranges.get(prop, ()):
                note(o, cls, f"object of {_label(data, p)}")
    return types


def explain_inconsistency(ontology: Graph, data: Graph) -> list[Finding]:
    """Individuals that belong to two classes the ontology declares disjoint, and why."""
    disjoint = {(a, b) for a, b in ontology.subject_objects(OWL.disjointWith)}
    findings = []
    for node, classes in sorted(_asserted_and_implied_types(ontology, data).items()):
        for a, b in sorted(disjoint):
            if a in classes and b in classes:
                findings.append(Finding(
                    focus=_label(data, node), path=None, shape="owl:disjointWith",
                    message=f"is both a {_label(ontology, a)} ({classes[a]}) and a "
                    f"{_label(ontology, b)} ({classes[b]}), which the ontology says nothing "
                    "can be at once: check the link that makes it so"))
    return findings


def _for_hermit(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def check_consistency(ontology: Graph, data: Graph) -> float:
    """Run HermiT on ontology + data; raise NonConformance naming what is involved.

    Returns the seconds HermiT took (for the build summary).
    """
    import time

    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner_hermit

    combined = Graph()
    for part in (ontology, data):
        combined += part
    world = World()
    world.get_ontology("https://w3id.org/monokg/reasoning-input/").load(
        fileobj=io.BytesIO(_for_hermit(combined)), format="ntriples")
    started = time.perf_counter()
    # HermiT prints progress on stderr; keep the curator's terminal for our own messages.
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    try:
        os.dup2(devnull, 2)
        sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    except OwlReadyInconsistentOntologyError:
        os.dup2(saved, 2)
        findings = explain_inconsistency(ontology, data) or [Finding(
            focus="the graph", path=None, message="HermiT found the ontology plus the data "
            "inconsistent, and no single pair of disjoint classes explains it; run HermiT on "
            "build/*.nt with the ontology in Protégé to see the explanation")]
        raise NonConformance("reasoning (HermiT)", findings) from None
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    unsatisfiable = [c for c in world.inconsistent_classes() if str(c.iri) != str(OWL.Nothing)]
    if unsatisfiable:
        raise NonConformance("reasoning (HermiT)", [
            Finding(focus=str(c.iri), path=None, message="this class can have no members: "
                    "its definition contradicts itself or a disjointness axiom")
            for c in _sorted(unsatisfiable)])
    return time.perf_counter() - started


def _sorted(classes: Iterable[object]) -> list:  # type: ignore[type-arg]
    return sorted(classes, key=lambda c: str(getattr(c, "iri", c)))
