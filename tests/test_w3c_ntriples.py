"""The N-Triples reader and every graph writer against the W3C RDF 1.1 test suites.

The reader (`load_lines`, then `split_literal` on each literal token, as the engines read
lines) must accept every positive N-Triples test with pyoxigraph's graph and refuse every
negative one with an InputError naming the line. The lines of every positive N-Triples and
Turtle test, written by each writer (N-Triples, N-Quads, TriG, Turtle, JSON-LD), must read
back as the same graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from monokg.model.errors import InputError
from monokg.model.namespaces import prefixes
from monokg.rdf.graphs import ntriples_of
from monokg.rdf.jsonld import jsonld_of_lines
from monokg.rdf.ntriples import split_literal
from monokg.rdf.quads import to_nquads, to_trig
from monokg.rdf.read import load_lines
from monokg.rdf.turtle import turtle_of_lines

W3C = Path(__file__).parent / "w3c"
TESTS = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
GRAPH = URIRef("http://example.org/graph")
BINDINGS = [*prefixes().items(), ("ex", "http://example/")]

#: Known failures, by test name, with the reason; none today.
KNOWN_FAILURES: dict[str, str] = {}


def _tests(suite: str, kinds: Sequence[str]) -> list[tuple[str, Path]]:
    """(name, file) of the manifest's tests of some kinds."""
    folder = W3C / suite
    base = f"https://w3c.github.io/rdf-tests/rdf/rdf11/{suite}/"
    manifest = Graph().parse(folder / "manifest.ttl", format="turtle",
                             publicID=base + "manifest.ttl")
    found = []
    for kind in kinds:
        for test in manifest.subjects(RDF.type, URIRef(RDFT + kind)):
            action = manifest.value(test, URIRef(TESTS + "action"))
            found.append((str(manifest.value(test, URIRef(TESTS + "name"))),
                          folder / str(action)[len(base):]))
    return sorted(found)


NT_POSITIVE = _tests("rdf-n-triples", ["TestNTriplesPositiveSyntax"])
NT_NEGATIVE = _tests("rdf-n-triples", ["TestNTriplesNegativeSyntax"])
TURTLE_POSITIVE = _tests("rdf-turtle", ["TestTurtleEval", "TestTurtlePositiveSyntax"])


def _marks(tests: list[tuple[str, Path]]) -> list[object]:
    return [pytest.param(name, path, id=name, marks=[pytest.mark.xfail(
        reason=KNOWN_FAILURES[name], strict=True)] if name in KNOWN_FAILURES else [])
        for name, path in tests]


def _canonical(quads: Sequence[ox.Quad]) -> set[str]:
    """A graph's triples with blank nodes relabelled canonically (graph names dropped)."""
    dataset = ox.Dataset([ox.Quad(q.subject, q.predicate, q.object) for q in quads])
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q.triple) for q in dataset}


def _read(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    return _canonical(list(ox.parse(data, format=fmt)))


def test_the_suites_are_all_there() -> None:
    assert (len(NT_POSITIVE), len(NT_NEGATIVE), len(TURTLE_POSITIVE)) == (41, 29, 145 + 74)


@pytest.mark.parametrize(("name", "action"), _marks(NT_POSITIVE))
def test_the_reader_accepts_every_positive_test_as_pyoxigraph_reads_it(name: str,
                                                                        action: Path) -> None:
    lines = load_lines(action)
    expected = list(ox.parse(path=str(action), format=ox.RdfFormat.N_TRIPLES))
    assert _read(("\n".join(lines) + "\n").encode(), ox.RdfFormat.N_TRIPLES) == \
        _canonical(expected)
    # The engines split a line at its first two spaces and read literal tokens themselves.
    tokens = [line.split(" ", 2) for line in lines]
    assert all(line == f"{s} {p} {rest}" and rest.endswith(" .") for line, (s, p, rest)
               in zip(lines, tokens, strict=True))
    assert {(s, p) for s, p, _ in tokens if s[0] == "<"} == {
        (str(q.subject), str(q.predicate)) for q in expected
        if isinstance(q.subject, ox.NamedNode)}
    assert {_plain(*split_literal(rest[:-2])) for _, _, rest in tokens if rest[0] == '"'} == {
        _plain(o.value, o.language, o.datatype.value) for q in expected
        if isinstance(o := q.object, ox.Literal)}


def _plain(value: str, language: str | None, datatype: str | None
           ) -> tuple[str, str | None, str | None]:
    """A literal's parts, xsd:string and rdf:langString as no datatype (RDF 1.1: implied)."""
    implied = language or datatype == _XSD_STRING
    return value, language or None, None if implied else datatype


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@pytest.mark.parametrize(("name", "action"), _marks(NT_NEGATIVE))
def test_the_reader_refuses_every_negative_test_naming_the_line(name: str,
                                                                action: Path) -> None:
    with pytest.raises(InputError) as refused:
        load_lines(action)
    assert refused.value.file == action and refused.value.line is not None


WRITERS: dict[str, tuple[Callable[[list[str]], bytes], ox.RdfFormat]] = {
    "ntriples": (ntriples_of, ox.RdfFormat.N_TRIPLES),
    "nquads": (lambda lines: to_nquads([(GRAPH, lines)]), ox.RdfFormat.N_QUADS),
    "trig": (lambda lines: to_trig([(GRAPH, lines)]), ox.RdfFormat.TRIG),
    "turtle": (lambda lines: turtle_of_lines(lines, BINDINGS), ox.RdfFormat.TURTLE),
    "jsonld": (lambda lines: jsonld_of_lines(lines, BINDINGS)[0], ox.RdfFormat.JSON_LD),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize(("name", "action"), _marks(NT_POSITIVE + TURTLE_POSITIVE))
def test_every_writer_writes_every_positive_test_as_the_same_graph(
        name: str, action: Path, writer: str) -> None:
    lines = sorted(set(load_lines(action)))
    write, fmt = WRITERS[writer]
    expected = _read(("\n".join(lines) + "\n").encode(), ox.RdfFormat.N_TRIPLES)
    assert _read(write(lines), fmt) == expected
