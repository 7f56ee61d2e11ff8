"""Turtle read by pyoxigraph into rdflib (``rdf.read.turtle_graph``) is rdflib's own parse:
the same triples, literals (lexical form, datatype, language) and prefix bindings, in the
order rdflib binds them; where the two could differ it declines and rdflib reads the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from monokg.rdf.read import turtle_graph

from .conftest import ROOT

#: Every Turtle file of the repository: ontology, shapes, test shapes and projects, vendored
#: vocabularies (schema.org's, DCAT-AP's shapes); the W3C suites test their own parsers.
FILES = sorted(path for folder in ("ontology", "shapes", "data", "vendor", "tests")
               for path in (ROOT / folder).rglob("*.ttl") if "w3c" not in path.parts)

#: Term forms where parsers are known to differ: numbers in every short form, typed and
#: tagged literals, escapes, lists, nested blank nodes, a relative IRI, a long string, a
#: prefix declared twice (rdflib binds it once, to its last namespace, where first declared).
FORMS = b'''@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
PREFIX other: <http://example.org/other/>
@prefix ex: <http://example.org/again/> .
ex:a ex:p 1, 1.0, 1.50, 1e3, 1.5E-2, -0, +5, true, false, "x"@en-gb, "01"^^xsd:integer,
    "1.0"^^xsd:double, "2026-12"^^xsd:date, "a\\tb\\u00e9"@nl, <relative>, other:b ;
  ex:q ( 1 2 [ ex:r "y" ] ), """two
lines""" .
'''


def _rdflib(data: bytes, base: str) -> Graph:
    graph = Graph()
    graph.parse(data=data, format="turtle", publicID=base)
    return graph


def _same(fast: Graph, slow: Graph) -> None:
    assert list(fast.namespaces()) == list(slow.namespaces())
    assert len(fast) == len(slow)
    # n3() spells a literal's lexical form, datatype and language: rdflib's Literal equality
    # alone would let a plain and an xsd:string literal, or "01" and "1", pass as one.
    assert sorted(t.n3() for triple in fast for t in triple if not isinstance(t, BNode)) == \
        sorted(t.n3() for triple in slow for t in triple if not isinstance(t, BNode))
    assert isomorphic(fast, slow)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_turtle_file_of_the_repository_reads_as_rdflib_reads_it(path: Path) -> None:
    data, base = path.read_bytes(), path.resolve().as_uri()
    fast = turtle_graph(data, base)
    if fast is None:  # declined: rdflib reads it, so nothing can differ
        pytest.skip("declined")
    _same(fast, _rdflib(data, base))


def test_the_term_forms_parsers_differ_on_read_as_rdflib_reads_them() -> None:
    fast = turtle_graph(FORMS, "file:///project/forms.ttl")
    assert fast is not None
    _same(fast, _rdflib(FORMS, "file:///project/forms.ttl"))


@pytest.mark.parametrize("text", [
    b'<http://a/s> <http://a/p> "s"^^<http://www.w3.org/2001/XMLSchema#string> .',
    b'@prefix x: <http://www.w3.org/2001/XMLSchema#> . <http://a/s> <http://a/p> "s"^^x:string .',
    b'<http://a/s> <http://a/p> "s"@EN-GB .',
    b'<http://a/s> <http://a/p> "no end" ',
    b'<http://a/s> <http://a/p> "# @prefix a: <http://b/> ." .',
], ids=["xsd:string", "xsd:string by prefix", "capital tag", "syntax error", "prefix in a string"])
def test_what_only_rdflib_reads_as_rdflib_is_declined(text: bytes) -> None:
    assert turtle_graph(text, "file:///project/x.ttl") is None
