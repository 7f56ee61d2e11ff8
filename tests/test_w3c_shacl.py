"""The SHACL engine against the W3C SHACL Core test suite (tests/w3c/shacl-core).

Every test runs from its manifest: the engine (``compile_shapes``, then ``results``) must give
the expected report, compared on conforms and on each result's focus node, path, value, source
shape and severity (blank nodes compared by their structure, paths as paths), as pySHACL's
own runner compares; messages and constraint components are not compared. Where the engine
raises ``Unsupported`` (only the tests of FALLBACK), pySHACL, the fallback, must give it; and
pySHACL runs every test too, to show where the fallback itself stands.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyshacl
import pytest
import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from monokg.check.shacl import Unsupported, compile_shapes, results
from monokg.check.shacl.paths import read_path
from monokg.check.shacl.terms import Literals, rdflib_term
from monokg.rdf.graphs import ntriples_lines

SUITE = Path(__file__).parent / "w3c" / "shacl-core"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"

#: Tests the engine refuses (Unsupported), so pySHACL runs them, with the reason.
FALLBACK: dict[str, str] = {}

#: Tests pySHACL, the fallback, fails, with the reason.
PYSHACL_FAILURES = {
    "property/uniqueLang-002": 'pySHACL reads sh:uniqueLang "1"^^xsd:boolean as true, where '
                               "the suite holds that only true turns the constraint on",
}


@cache
def _graph(file: Path) -> Graph:
    """A suite file, parsed once (a test's data, shapes and report may share blank nodes),
    its literals as written: rdflib would turn "none"^^xsd:boolean into "false" and
    "1"^^xsd:boolean into "true", which the suite tells apart (or-datatypes-001,
    uniqueLang-002)."""
    rdflib.NORMALIZE_LITERALS = False
    try:
        return Graph().parse(file, format="turtle", publicID=file.as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = True


def _file(iri: Any) -> Path:
    return Path(str(iri).removeprefix("file://"))


@dataclass(frozen=True)
class Case:
    """One test: its data and shapes files, and the expected report in the manifest."""

    name: str
    manifest: Path
    data: Path
    shapes: Path
    report: Any


def _cases(manifest: Path) -> list[Case]:
    graph = _graph(manifest)
    found = []
    for included in sorted(map(str, graph.objects(None, URIRef(MF + "include")))):
        found.extend(_cases(_file(included)))
    for entries in graph.objects(None, URIRef(MF + "entries")):
        for entry in Collection(graph, entries):
            action = graph.value(entry, URIRef(MF + "action"))
            found.append(Case(
                f"{manifest.parent.name}/{str(entry).rsplit('/', 1)[-1]}", manifest,
                _file(graph.value(action, URIRef(SHT + "dataGraph"))),
                _file(graph.value(action, URIRef(SHT + "shapesGraph"))),
                graph.value(entry, URIRef(MF + "result"))))
    return found


CASES = _cases(SUITE / "manifest.ttl")


def _structure(graphs: tuple[Graph, ...], node: Any, depth: int = 6) -> Any:
    """A node, or for a blank node its properties, recursively (a few levels deep)."""
    if not isinstance(node, BNode):
        return node
    if depth == 0:
        return "deeper"
    for graph in graphs:
        pairs = list(graph.predicate_objects(node))
        if pairs:
            return frozenset((p, _structure(graphs, o, depth - 1)) for p, o in pairs)
    return "empty"


Row = tuple[Any, Any, Any, Any, Any]


def _report_rows(graphs: tuple[Graph, ...], report: Any) -> tuple[bool, Counter[Row]]:
    """conforms and the results of a report graph, as comparable rows."""
    graph = graphs[0]
    conforms = graph.value(report, SH.conforms)
    rows: Counter[Row] = Counter()
    for result in graph.objects(report, SH.result):
        path = graph.value(result, SH.resultPath)
        rows[(_structure(graphs, graph.value(result, SH.focusNode)),
              None if path is None else read_path(graph, path, "resultPath"),
              _structure(graphs, graph.value(result, SH.value)),
              _structure(graphs, graph.value(result, SH.sourceShape)),
              graph.value(result, SH.resultSeverity))] += 1
    return bool(isinstance(conforms, Literal) and conforms.value is True), rows


def _expected(case: Case) -> tuple[bool, Counter[Row]]:
    return _report_rows((_graph(case.manifest), _graph(case.shapes)), case.report)


def _native(case: Case) -> tuple[bool, Counter[Row]]:
    """The engine's report, or Unsupported."""
    shapes = _graph(case.shapes)
    compiled = compile_shapes(shapes)
    found, literals = results(ntriples_lines(_graph(case.data)), compiled)
    rows: Counter[Row] = Counter()
    for focus, path, value, key in found:
        shape = compiled.shapes[key]
        rows[(_term(focus, literals, case), path,
              None if value is None else _term(value, literals, case),
              _structure((shapes,), shape.node), URIRef(shape.severity))] += 1
    return not found, rows


def _term(token: str, literals: Literals, case: Case) -> Any:
    return _structure((_graph(case.data),), rdflib_term(token, literals))


def _pyshacl(case: Case) -> tuple[bool, Counter[Row]]:
    _, report, _ = pyshacl.validate(_graph(case.data), shacl_graph=_graph(case.shapes),
                                    inference="none", advanced=True)
    assert isinstance(report, Graph)
    node = report.value(None, RDF.type, SH.ValidationReport)
    return _report_rows((report, _graph(case.shapes), _graph(case.data)), node)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_shacl_core(case: Case) -> None:
    expected = _expected(case)
    try:
        got = _native(case)
    except Unsupported as exc:
        assert case.name in FALLBACK, f"the engine refused: {exc}"
        if case.name in PYSHACL_FAILURES:
            pytest.xfail(PYSHACL_FAILURES[case.name])
        assert _pyshacl(case) == expected
        return
    assert case.name not in FALLBACK, "the engine runs it now: take it off FALLBACK"
    assert got == expected


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pyshacl_the_fallback_passes_it_but_for_its_known_failures(case: Case) -> None:
    """The fallback's own results on every test (so a refusal lands on a known outcome)."""
    assert (_pyshacl(case) == _expected(case)) == (case.name not in PYSHACL_FAILURES)


def test_the_suite_is_complete() -> None:
    """98 tests, as the suite has; the lists name only tests of it."""
    names = {c.name for c in CASES}
    assert len(names) == len(CASES) == 98
    assert set(FALLBACK) | set(PYSHACL_FAILURES) <= names
