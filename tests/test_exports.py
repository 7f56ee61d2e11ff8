"""Exports: the same graph in every format, no blank nodes, and reproducible bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from .conftest import ROOT, release_files


@pytest.fixture(scope="module")
def turtle(built: Path) -> Graph:
    return Graph().parse(built / "build" / "monokg.ttl", format="turtle")


def test_ntriples_hold_the_same_graph(built: Path, turtle: Graph) -> None:
    nt = Graph().parse(built / "build" / "monokg.nt", format="nt")
    assert isomorphic(nt, turtle)


def test_jsonld_expands_to_exactly_the_turtle_graph(built: Path, turtle: Graph) -> None:
    document = json.loads((built / "build" / "monokg.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=nquads, format="nt"), turtle)


def test_the_context_file_is_the_context_of_the_document(built: Path) -> None:
    document = json.loads((built / "build" / "monokg.jsonld").read_text(encoding="utf-8"))
    context = json.loads((built / "build" / "monokg.context.jsonld").read_text(encoding="utf-8"))
    assert context["@context"] == document["@context"]


def test_no_blank_nodes_in_the_data(turtle: Graph) -> None:
    assert not [t for t in turtle if any(isinstance(x, BNode) for x in t)]


def test_the_committed_release_is_what_a_fresh_build_writes(built: Path) -> None:
    fresh, committed = release_files(built / "build"), release_files(ROOT / "build")
    # build/site/ is no part of the release (git-ignored, written by `monokg site`): the
    # README's first command leaves one there before the tests run.
    committed = {name: data for name, data in committed.items()
                 if not name.startswith("site/")}
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"build/ is stale, run `monokg build` and commit: {stale}"


def test_a_second_build_changes_no_byte(built: Path) -> None:
    from monokg.model.paths import ProjectPaths
    from monokg.pipeline import build

    before = release_files(built / "build")
    build(ProjectPaths(built))
    assert release_files(built / "build") == before


def _tricky_graph() -> Graph:
    """IRIs and literals that exercise every rule of rdflib's Turtle labels."""
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import RDF, RDFS, XSD

    ex, obo = Namespace("http://example.org/a/"), Namespace("http://purl.obolibrary.org/obo/")
    graph = Graph(bind_namespaces="none")
    graph.bind("ex", ex)
    graph.bind("obo", obo)
    graph.bind("chebi", obo["CHEBI_"])
    graph.bind("rdfs", RDFS)
    graph.bind("xsd", XSD)
    subjects = [ex["plain"], ex["deep/x1/y"], ex["dot."], ex["p(1)"], ex["pc%41"],
                obo["CHEBI_1234"], obo["GO_0001"], URIRef("http://example.org/a/"),
                URIRef("http://other.org/x#y"), ex["a-b.c_d"], ex["9start"]]
    for n, s in enumerate(subjects):
        graph.add((s, RDF.type, ex.Thing))
        graph.add((s, RDFS.label, Literal(f"label {n}", lang="en")))
        graph.add((s, ex["count"], Literal(n)))
        graph.add((s, ex.size, Literal("1.50", datatype=XSD.decimal)))
        graph.add((s, ex.note, Literal('multi\nline "quoted"')))
        graph.add((s, ex.typed, Literal("t", datatype=XSD.string)))
        graph.add((s, URIRef("http://unbound.org/ns/pred"), subjects[(n + 1) % len(subjects)]))
        graph.add((s, ex.link, subjects[(n + 3) % len(subjects)]))
        graph.add((s, ex.link, Literal("x")))
    return graph


def test_jsonld_of_tricky_iris_expands_to_the_same_graph() -> None:
    from monokg.rdf.jsonld import to_context, to_jsonld

    graph = _tricky_graph()
    document = json.loads(to_jsonld(graph))
    assert json.loads(to_context(graph)) == {"@context": document["@context"]}
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    # Compared as RDF 1.1 graphs (pyoxigraph): "t"^^xsd:string and "t" are one literal there,
    # where rdflib tells them apart.
    expanded = {str(t) for t in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}
    written = {str(t) for t in ox.parse(graph.serialize(format="nt", encoding="utf-8"),
                                        format=ox.RdfFormat.N_TRIPLES)}
    assert expanded == written


def test_jsonld_names_a_slash_local_iri_by_the_context_it_ends_up_with() -> None:
    """A compact IRI's local name may not start with a slash: such an IRI takes the next
    longest namespace the context holds, which is known only once every IRI is read (the
    writer writes the document a second time then), whatever the order of the lines."""
    from monokg.rdf.jsonld import jsonld_of_lines

    bindings = [("ex", "http://example.org/a/"), ("e", "http://example.org/")]
    slash = '<http://example.org/a//x> <http://example.org/a/p> "v" .'
    other = '<http://example.org/b> <http://example.org/a/p> "w" .'
    alone = json.loads(jsonld_of_lines([slash], bindings)[0])
    assert alone["@context"] == {"ex": "http://example.org/a/"}
    assert alone["@graph"][0]["@id"] == "http://example.org/a//x"
    for lines in ([slash, other], [other, slash]):
        document = json.loads(jsonld_of_lines(lines, bindings)[0])
        assert document["@context"] == {"e": "http://example.org/", "ex": "http://example.org/a/"}
        assert [item["@id"] for item in document["@graph"]] == ["e:a//x", "e:b"]
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
        assert sorted(nquads.splitlines()) == sorted(lines)
