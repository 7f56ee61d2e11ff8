"""SHACL shapes: every fixture under tests/shapes/ fires the shapes it names (see its README)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from monokg.check.validate import check_shapes
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.namespaces import MKG, SH
from monokg.rdf.read import load_rdf, load_shapes

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "shapes"
SHAPES = "https://w3id.org/monokg/shapes/"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
NODE_LEVEL = (SH["or"], SH["and"], SH["not"], SH.xone, SH.pattern, SH.nodeKind, SH["class"],
              SH["in"], SH.sparql)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv").ontology


def expectations(fixture: Path) -> list[tuple[str, str]]:
    """The (focus, shape) pairs named by the fixture's leading comment lines."""
    focus: list[str] = []
    shape: list[str] = []
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        if key == "expect-focus":
            focus.append(value.strip().strip("<>"))
        elif key == "expect-shape":
            shape.append(value.strip().strip("<>"))
    assert len(focus) == len(shape), f"{fixture}: expect-focus and expect-shape come in pairs"
    return list(zip(focus, shape))


def targeted_shapes(shapes: Graph) -> set[URIRef]:
    return {s for t in TARGETS for s in shapes.subjects(t, None) if isinstance(s, URIRef)}


def property_shapes_of(shapes: Graph, targeted: set[URIRef]) -> set[URIRef]:
    return {p for s in targeted for p in shapes.objects(s, SH.property) if isinstance(p, URIRef)}


def results(report: Graph) -> set[tuple[str, str, str]]:
    """Top-level results only (not the sh:detail of a nested sh:node or sh:or)."""
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)),
             str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1])
            for r in report.objects(None, SH.result)}


ALL_FIXTURES = sorted(FIXTURES.glob("*/*.ttl"))


@pytest.mark.parametrize("fixture", ALL_FIXTURES,
                         ids=[f"{f.parent.name}/{f.stem}" for f in ALL_FIXTURES])
def test_fixture(fixture: Path, shapes: Graph, ontology: Graph) -> None:
    kind = fixture.stem.split("-", 1)[0]
    assert kind in ("valid", "invalid", "warning"), f"{fixture.name}: start the name with " \
        "valid-, invalid- or warning-"
    _, report = check_shapes(load_rdf(fixture), shapes, ontology)
    found = results(report)
    violations = {r for r in found if r[2] == "Violation"}
    expected = expectations(fixture)
    if kind == "valid":
        assert not violations, violations
        folder_shape = SHAPES + fixture.parent.name
        own = {r for r in found if r[1] == folder_shape or r[1].startswith(folder_shape + "-")}
        assert not own, own
        return
    assert expected, f"{fixture.name}: name the expected results (# expect-focus/-shape)"
    severity = "Violation" if kind == "invalid" else "Warning"
    for focus, shape in expected:
        assert (focus, shape, severity) in found, \
            f"{shape} did not report a {severity} on {focus}; got {sorted(found)}"
    if kind == "warning":
        assert not violations, violations


def test_every_targeted_shape_has_valid_and_invalid_fixtures(shapes: Graph) -> None:
    missing = []
    for shape in sorted(targeted_shapes(shapes)):
        folder = FIXTURES / str(shape).removeprefix(SHAPES)
        names = [p.stem for p in folder.glob("*.ttl")]
        if not any(n.startswith("valid-") for n in names) or \
                not any(n.startswith(("invalid-", "warning-")) for n in names):
            missing.append(folder.name)
    assert not missing, f"add valid-*.ttl and invalid-*.ttl fixtures for {missing}"


#: Shape files whose every property shape must be named by some fixture (other files meet the
#: folder rule above; their authors may adopt this stricter one by adding their file here).
EVERY_PROPERTY = ("claims", "claims-warnings", "doses", "mappings", "mappings-warnings",
                  "provenance", "sources", "vocabulary")


def test_every_property_shape_is_expected_to_fire_somewhere(shapes: Graph) -> None:
    own = Graph()
    for name in EVERY_PROPERTY:
        own += load_rdf(ROOT / "shapes" / f"{name}.ttl")
    targeted = targeted_shapes(own)
    expected = {shape for fixture in ALL_FIXTURES for _, shape in expectations(fixture)}
    never = sorted(str(p) for p in property_shapes_of(own, targeted) | targeted
                   if str(p) not in expected and _constrains(shapes, p))
    assert not never, f"no invalid fixture expects these shapes to fire: {never}"


def _constrains(shapes: Graph, shape: URIRef) -> bool:
    """Whether the shape itself holds a constraint (not only property shapes)."""
    if (shape, RDF.type, SH.PropertyShape) in shapes:
        return True
    own_class = set(shapes.objects(shape, SH.targetClass))
    # sh:class of the shape's own target class holds by definition; it is there for reuse as
    # an sh:qualifiedValueShape.
    return any(o not in own_class for p in NODE_LEVEL for o in shapes.objects(shape, p))


def test_shapes_explain_themselves_in_both_languages(shapes: Graph) -> None:
    targeted = targeted_shapes(shapes)
    mine = [s for s in set(shapes.subjects(RDF.type, SH.NodeShape)) |
            set(shapes.subjects(RDF.type, SH.PropertyShape)) if str(s).startswith(SHAPES)]
    problems = [f"{s}: no rdfs:comment" for s in mine if shapes.value(s, RDFS.comment) is None]
    for shape in property_shapes_of(shapes, targeted) | targeted:
        if _constrains(shapes, shape):
            langs = {m.language for m in shapes.objects(shape, SH.message)
                     if isinstance(m, Literal)}
            if not {"en", "nl"} <= langs:
                problems.append(f"{shape}: sh:message needs @en and @nl")
    assert not problems, "\n".join(sorted(problems))


def test_shape_names_follow_the_convention(shapes: Graph, ontology: Graph) -> None:
    for shape in targeted_shapes(shapes):
        assert str(shape).endswith("Shape"), shape
        for prop in shapes.objects(shape, SH.property):
            assert str(prop).startswith(str(shape) + "-"), f"{prop} of {shape}"


def test_every_class_in_the_data_has_a_shape(built: Path, shapes: Graph,
                                             ontology: Graph) -> None:
    data = Graph().parse(built / "build" / "monokg.nt", format="nt")
    targeted = set(shapes.objects(None, SH.targetClass))
    uncovered = []
    for cls in sorted({o for o in data.objects(None, RDF.type) if isinstance(o, URIRef)}):
        supers = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        if not supers & targeted:
            uncovered.append(str(cls))
    assert not uncovered, f"classes without a shape: {uncovered}"


def _sh_in(shapes: Graph, shape: URIRef) -> list:
    head = shapes.value(shape, SH["in"])
    assert head is not None
    return list(Collection(shapes, head))


def _units(dimension: str | None = None) -> set[str]:
    with (ROOT / "data" / "units.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["ucum"] for row in csv.DictReader(handle, delimiter="\t")
                if dimension is None or row["dimension"] == dimension}


def test_controlled_lists_equal_the_ontology_and_the_unit_table(shapes: Graph,
                                                                ontology: Graph) -> None:
    vocabulary = load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv")
    sh = lambda local: _sh_in(shapes, URIRef(SHAPES + local))
    assert set(sh("ClaimKind")) == {MKG[k + "Claim"] for k in vocabulary.claim_kinds}
    assert set(sh("ClaimShape-modality")) == set(vocabulary.modalities.values())
    assert set(sh("DoseShape-doseKind")) == set(vocabulary.dose_kinds.values())
    assert set(sh("DoseShape-timing")) == set(vocabulary.timings.values())
    assert {str(u) for u in sh("QuantityShape-unitCode")} == _units()
    assert {str(u) for u in sh("QuantityShape-perBodyMass")} == _units("mass")
