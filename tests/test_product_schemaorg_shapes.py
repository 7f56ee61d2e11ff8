"""schema.org's own SHACL shapes (release 30.0) on a product page's JSON-LD.

Run as published, they reject every literal of the page: they model each data type (Text,
Number, Date, URL, ...) as a node shape with ``sh:nodeKind sh:BlankNodeOrIRI``, and a value of
a data type is a literal. The fault is theirs: schema.org defines Text, Number and the others as
instances of ``schema:DataType`` whose values are literals ("Data type: Text"), and every
example of the vocabulary writes them as JSON strings and numbers. The test checks that this is
the only thing they reject, and that with exactly that corrected (a data type's value is a
literal; a URL may also be an IRI, as ``"@type": "@id"`` terms such as ``image`` make it) the
page conforms, while the corrected shapes still catch a literal where a thing is expected.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from monokg.check.reference import pyshacl_report
from monokg.curate.products import load_context
from monokg.curate.schemaorg import S, SchemaVocabulary, load_schema_vocabulary
from monokg.rdf.jsonld import from_jsonld

from .conftest import ROOT

SCHEMAORG = ROOT / "vendor" / "schemaorg-30.0"
#: The committed release's product pages (the build test proves they are current).
PAGES = sorted((ROOT / "build" / "product").glob("*.jsonld"))


@cache
def _vocabulary() -> SchemaVocabulary:
    return load_schema_vocabulary(SCHEMAORG)


@cache
def _their_shapes() -> Graph:
    return Graph().parse(SCHEMAORG / "schemaorg-shapes.shacl", format="turtle")


def _datatype_shapes() -> dict[URIRef, URIRef]:
    """schema.org's shape for each data type (the closure of schema:DataType) -> the type."""
    datatypes = _vocabulary().datatypes
    return {shape: cls for shape, cls in _their_shapes().subject_objects(SH.targetClass)
            if isinstance(shape, URIRef) and isinstance(cls, URIRef) and str(cls) in datatypes}


def _corrected() -> Graph:
    """Their shapes with one correction: a data type's value is a literal (a URL's may be an
    IRI too), instead of a blank node or IRI. Nothing else changes."""
    shapes = Graph()
    shapes += _their_shapes()
    for shape, cls in _datatype_shapes().items():
        assert (shape, SH.nodeKind, SH.BlankNodeOrIRI) in shapes
        shapes.remove((shape, SH.nodeKind, SH.BlankNodeOrIRI))
        url = S + "URL" in _vocabulary().supertypes.get(str(cls), {str(cls)})
        shapes.add((shape, SH.nodeKind, SH.IRIOrLiteral if url else SH.Literal))
    return shapes


def _page(path: Path) -> Graph:
    return from_jsonld(json.loads(path.read_text(encoding="utf-8")), load_context(SCHEMAORG))


def _reaches(page: Graph, node: object, literals: set[Literal]) -> bool:
    """Whether a rejected literal is a value of the node or of a node below it."""
    if not isinstance(node, URIRef):
        return False
    seen, todo = {node}, [node]
    while todo:
        for value in page.objects(todo.pop(), None):
            if value in literals:
                return True
            if isinstance(value, URIRef) and value not in seen:
                seen.add(value)
                todo.append(value)
    return False


def _failures(report: Graph) -> list[tuple[object, object, object]]:
    """(focus, path, value) of every result, nested ones (sh:detail) included."""
    return sorted((report.value(r, SH.focusNode), report.value(r, SH.resultPath),
                   report.value(r, SH.value))
                  for r in report.subjects(RDF.type, SH.ValidationResult))


def test_as_published_they_reject_every_literal_and_only_literals() -> None:
    assert PAGES
    for path in PAGES:
        page = _page(path)
        report = pyshacl_report(page, _their_shapes())
        failures = _failures(report)
        assert failures, path.name
        # Every rejected value is a literal, or a node that leads to a rejected literal.
        literals = {v for _, _, v in failures if isinstance(v, Literal)}
        assert literals
        for focus, _, value in failures:
            assert isinstance(value, Literal) or _reaches(page, value, literals), (focus, value)
        # ... and on the product and its offer, every literal their shapes look at is rejected.
        shapes, rejected = _their_shapes(), {(f, p, v) for f, p, v in failures}
        checked = 0
        for cls in ("Product", "Offer"):
            shape = next(shapes.subjects(SH.targetClass, URIRef(S + cls)))
            paths = {shapes.value(p, SH.path) for p in shapes.objects(shape, SH.property)}
            for node in page.subjects(RDF.type, URIRef(S + cls)):
                for prop, value in page.predicate_objects(node):
                    if isinstance(value, Literal) and prop in paths:
                        assert (node, prop, value) in rejected, (cls, prop, value)
                        checked += 1
        assert checked >= 5


def test_corrected_they_accept_the_page() -> None:
    for path in PAGES:
        report = pyshacl_report(_page(path), _corrected())
        assert (None, SH.conforms, Literal(True)) in report, _failures(report)


def test_corrected_they_still_reject_a_literal_where_a_thing_is_expected() -> None:
    """Not a blanket relaxation: a text as the offer's return policy (a MerchantReturnPolicy
    only) or as its shipping details still fails."""
    page = _page(PAGES[0])
    offer = next(page.objects(None, URIRef(S + "offers")))
    for prop in ("hasMerchantReturnPolicy", "shippingDetails"):
        broken = Graph()
        broken += page
        broken.remove((offer, URIRef(S + prop), None))
        broken.add((offer, URIRef(S + prop), Literal("see our website")))
        report = pyshacl_report(broken, _corrected())
        assert (None, SH.conforms, Literal(False)) in report, prop
        assert any(str(p) == S + prop and v == Literal("see our website")
                   for _, p, v in _failures(report)), prop
