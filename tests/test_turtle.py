"""The one Turtle writer: what it writes is the graph it was given, always in the same bytes."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SH, XSD

from monokg.model.namespaces import prefixes
from monokg.rdf.graphs import ntriples_lines
from monokg.rdf.read import load_shapes
from monokg.rdf.turtle import to_turtle, turtle_of_lines, turtle_of_triples

from .conftest import ROOT

SUITE = Path(__file__).parent / "w3c" / "rdf-turtle"
TESTS = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
PROJECT = list(prefixes().items())


def _as_rdflib(triples: list[ox.Triple]) -> Graph:
    """pyoxigraph triples as an rdflib graph (for its isomorphism test with blank nodes)."""
    text = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    # Blank node labels become plain ones: rdflib's N-Triples reader takes ASCII labels only.
    text = re.sub(r"_:(\S+)", lambda m: "_:n" + m.group(1).encode().hex(), text)
    return Graph().parse(data=text, format="nt")


def _same_graph(lines: list[str], text: bytes) -> None:
    """The Turtle, read by pyoxigraph and by rdflib, is the graph of the N-Triples lines."""
    expected = list(ox.parse("\n".join(lines).encode("utf-8") + b"\n",
                             format=ox.RdfFormat.N_TRIPLES))
    written = list(ox.parse(text, format=ox.RdfFormat.TURTLE))
    if any("_:" in line for line in lines):
        assert isomorphic(_as_rdflib(written), _as_rdflib(expected))
    else:
        assert {str(t) for t in written} == {str(t) for t in expected}
    # rdflib reads it too (it folds equal values such as "2.3" and "2.30" of xsd:decimal, so
    # only the pyoxigraph reading is compared triple for triple).
    assert len(Graph().parse(data=text.decode("utf-8"), format="turtle")) <= len(set(expected))


def _positive_tests() -> list[tuple[str, Path]]:
    manifest = SUITE / "manifest.ttl"
    base = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"
    graph = Graph().parse(manifest, format="turtle", publicID=base + "manifest.ttl")
    found = []
    for kind in ("TestTurtleEval", "TestTurtlePositiveSyntax"):
        for test in graph.subjects(RDF.type, URIRef(RDFT + kind)):
            action = graph.value(test, URIRef(TESTS + "action"))
            found.append((str(graph.value(test, URIRef(TESTS + "name"))),
                          SUITE / str(action)[len(base):]))
    return sorted(found)


POSITIVE = _positive_tests()


def test_the_suite_is_all_there() -> None:
    assert len(POSITIVE) == 145 + 74


@pytest.mark.parametrize(("name", "action"), POSITIVE, ids=[n for n, _ in POSITIVE])
def test_every_positive_w3c_turtle_test_round_trips(name: str, action: Path) -> None:
    base = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/" + action.name
    triples = list(ox.parse(path=str(action), format=ox.RdfFormat.TURTLE, base_iri=base))
    lines = [f"{t.subject} {t.predicate} {t.object} ." for t in triples]
    text = turtle_of_triples(triples, [("ex", "http://www.w3.org/2013/TurtleTests/"),
                                       *PROJECT])
    _same_graph(lines, text)
    assert turtle_of_lines(list(reversed(lines)), PROJECT + [
        ("ex", "http://www.w3.org/2013/TurtleTests/")]) == turtle_of_lines(lines, PROJECT + [
            ("ex", "http://www.w3.org/2013/TurtleTests/")])


def _tricky() -> Graph:
    ex = Namespace("http://example.org/a/")
    graph = Graph(bind_namespaces="none")
    graph.bind("ex", ex)
    graph.bind("deep", ex["deep/"])
    graph.bind("xsd", XSD)
    graph.bind("rdfs", RDFS)
    subjects = [ex["plain"], ex["deep/x1/y"], ex["dot."], ex["p(1)"], ex["pc%41"], ex["a.b"],
                ex["-dash"], URIRef("http://example.org/a/"), ex["é"], ex["9start"]]
    for n, s in enumerate(subjects):
        graph.add((s, RDF.type, ex.Thing))
        graph.add((s, RDFS.label, Literal(f"label {n}", lang="en-GB")))
        graph.add((s, ex.size, Literal("1.50", datatype=XSD.decimal)))
        graph.add((s, ex.size, Literal("1", datatype=XSD.decimal)))
        graph.add((s, ex.note, Literal('multi\nline "quoted" \u2028 \\ end')))
        graph.add((s, ex.typed, Literal("t", datatype=XSD.string)))
        graph.add((s, ex.flag, Literal("true", datatype=XSD.boolean)))
        graph.add((s, ex.link, subjects[(n + 3) % len(subjects)]))
    return graph


def test_tricky_iris_and_literals_keep_their_meaning_and_spelling() -> None:
    graph = _tricky()
    lines = ntriples_lines(graph)
    text = to_turtle(graph)
    _same_graph(lines, text)
    written = text.decode("utf-8")
    # Lexical forms as written: no decimal or boolean becomes a bare number or keyword.
    assert '"1.50"^^xsd:decimal' in written and '"1"^^xsd:decimal' in written
    assert '"true"^^xsd:boolean' in written
    # One spelling in every writer: tags lowercased, xsd:string plain (RDF 1.1's same literal).
    assert "@en-gb" in written and "@en-GB" not in written
    assert 'ex:typed "t" ;' in written and "xsd:string" not in written
    # Locals Turtle would need escapes for are written as full IRIs.
    for iri in ("dot.", "p(1)", "pc%41", "-dash"):
        assert f"<http://example.org/a/{iri}>" in written
    assert "deep:x1/y" not in written and "ex:a.b" in written


def test_the_same_graph_in_any_order_gives_the_same_bytes() -> None:
    lines = ntriples_lines(_tricky())
    shuffled = list(lines)
    random.Random(7).shuffle(shuffled)
    bindings = [("ex", "http://example.org/a/"), ("xsd", str(XSD))]
    assert turtle_of_lines(shuffled, bindings) == turtle_of_lines(lines, bindings)


def test_the_layout_is_one_predicate_and_one_object_a_line() -> None:
    text = turtle_of_lines([
        '<http://e.org/s> <http://e.org/p> "b" .',
        '<http://e.org/s> <http://e.org/p> "a" .',
        f"<http://e.org/s> <{RDF.type}> <http://e.org/C> .",
    ], [("e", "http://e.org/")]).decode("utf-8")
    assert text == ('PREFIX e: <http://e.org/>\n\ne:s\n    a e:C ;\n    e:p "a" ;\n'
                    '    e:p "b" .\n')


def test_blank_nodes_are_nested_listed_or_labelled_whatever_their_input_labels() -> None:
    def lines(a: str, b: str, c: str) -> list[str]:
        return [f"<http://e.org/s> <http://e.org/p> _:{a} .",
                f'_:{a} <http://e.org/q> "x" .',
                f"<http://e.org/s> <http://e.org/list> _:{b} .",
                f"_:{b} <{RDF.first}> <http://e.org/one> .",
                f"_:{b} <{RDF.rest}> <{RDF.nil}> .",
                f"<http://e.org/s> <http://e.org/shared> _:{c} .",
                f"<http://e.org/t> <http://e.org/shared> _:{c} .",
                f'_:{c} <http://e.org/q> "y" .']
    bindings = [("e", "http://e.org/")]
    first = turtle_of_lines(lines("x1", "x2", "x3"), bindings)
    assert first == turtle_of_lines(lines("zz", "aa", "mm"), bindings)
    written = first.decode("utf-8")
    assert 'e:p [\n        e:q "x"\n    ]' in written
    assert "e:list ( e:one )" in written
    assert written.count("_:b1") == 3  # the shared node: two references and its block
    _same_graph(lines("x1", "x2", "x3"), first)


def test_a_cycle_of_blank_nodes_is_labelled() -> None:
    cycle = ["_:a <http://e.org/next> _:b .", "_:b <http://e.org/next> _:a ."]
    text = turtle_of_lines(cycle, [("e", "http://e.org/")])
    _same_graph(cycle, text)
    assert b"_:b1" in text and b"_:b2" in text


def test_the_ontology_shapes_and_a_shacl_report_round_trip() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "monokg.ttl")
    shapes = load_shapes(ROOT / "shapes")
    report = Graph()
    report.add((URIRef("http://e.org/r"), RDF.type, SH.ValidationReport))
    for graph in (ontology, shapes, report):
        lines = ntriples_lines(graph)
        _same_graph(lines, turtle_of_lines(lines, PROJECT))


def test_the_release_turtle_holds_exactly_the_ntriples() -> None:
    build = ROOT / "build"
    ttl = {str(t) for t in ox.parse(path=str(build / "monokg.ttl"))}
    nt = {str(t) for t in ox.parse(path=str(build / "monokg.nt"))}
    assert ttl == nt and len(nt) > 10_000
