"""The SHACL engine gives pySHACL's findings: on every shape fixture, on the release graph and
on seeded mutations of it; what it does not implement goes to pySHACL."""

from __future__ import annotations

import gc
import pickle
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from monokg.check.shacl import CompiledShapes, Unsupported, check_lines, compile_shapes
from monokg.check.shacl import results as results_of
from monokg.check.validate import check_shape_lines, check_shapes
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.curies import bindings_of
from monokg.model.errors import InputError
from monokg.rdf.graphs import graph_of, ntriples_lines
from monokg.rdf.read import load_rdf, load_shapes

from .conftest import ROOT

FIXTURES = sorted((ROOT / "tests" / "shapes").glob("*/*.ttl"))
MKG = "https://w3id.org/monokg/ontology/"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


@pytest.fixture(scope="module")
def compiled(shapes: Graph) -> CompiledShapes:
    return compile_shapes(shapes)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv").ontology


@pytest.fixture(scope="module")
def ontology_lines(ontology: Graph) -> list[str]:
    return ntriples_lines(ontology)


@pytest.fixture(scope="module")
def release_lines(built: Path) -> list[str]:
    return (built / "build" / "monokg.nt").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f"{f.parent.name}/{f.stem}" for f in FIXTURES])
def test_fixture_findings_equal_pyshacl(fixture: Path, shapes: Graph, ontology: Graph,
                                        compiled: CompiledShapes,
                                        ontology_lines: list[str]) -> None:
    data = load_rdf(fixture)
    expected = check_shapes(data, shapes, ontology)[0]
    got = check_lines(ntriples_lines(data) + ontology_lines, compiled, "en", bindings_of(data))
    assert got == expected


def test_release_findings_equal_pyshacl(release_lines: list[str], shapes: Graph,
                                        ontology: Graph, compiled: CompiledShapes,
                                        ontology_lines: list[str]) -> None:
    """Also with the compiled shapes pickled, as they travel to worker processes."""
    expected = check_shapes(graph_of(release_lines), shapes, ontology)[0]
    travelled = pickle.loads(pickle.dumps(compiled))
    assert check_lines(release_lines + ontology_lines, travelled) == expected


# --- mutations of the release graph --------------------------------------------------------

def _typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<{XSD}{datatype}>'


#: predicate -> objects a mutation may put in place of one of its values
REPLACEMENTS: dict[str, list[str]] = {
    f"{OA}start": [_typed("12", "decimal"), _typed("abc", "nonNegativeInteger"),
                   _typed("07", "nonNegativeInteger"), '"5"', _typed("-3", "nonNegativeInteger"),
                   _typed("99999", "nonNegativeInteger")],
    f"{OA}end": [_typed("1", "integer"), '"162"', _typed("+40", "nonNegativeInteger")],
    f"{MKG}negated": [_typed("1", "boolean"), _typed("yes", "boolean"), '"true"',
                      _typed("true", "boolean")],
    f"{MKG}statement": ['""@en', '"Another statement."@nl', '"A statement."@en-GB',
                        '"A statement."'],
    f"{MKG}evidence": ["<http://purl.obolibrary.org/obo/ECO_123>", '"ECO:0000303"',
                       "<http://purl.obolibrary.org/obo/ECO_0000303>"],
    f"{MKG}subject": ['"https://example.org/a-literal-subject"', "_:b1",
                      "<http://purl.obolibrary.org/obo/CHEBI_018050>"],
    f"{MKG}object": ["<http://purl.obolibrary.org/obo/CHEBI_28300>", '"an object"',
                     "<http://id.nlm.nih.gov/mesh/Q000009>"],
    f"{MKG}modality": [f"<{MKG}Unknown>", '"Established"', f"<{MKG}Established>"],
    f"{MKG}relation": [f"<{MKG}monograph>", f"<{MKG}inhibits>"],
    f"{MKG}unitCode": ['"lb"', '"mg"^^<http://www.w3.org/2001/XMLSchema#string>', '"mg"@en'],
    f"{MKG}sourceText": ['"a text"@nl', _typed("42", "integer")],
    f"{MKG}startOffset": [_typed("9999", "nonNegativeInteger"), _typed("0.5", "decimal")],
    f"{MKG}order": [_typed("0", "nonNegativeInteger"), _typed("two", "nonNegativeInteger")],
    f"{MKG}sha256": ['"XYZ"', "<http://example.org/sha>"],
    f"{MKG}monograph": [f"<{MKG}Claim>", '"l-glutamine"'],
    f"{MKG}textSpan": ["<https://w3id.org/monokg/monograph/l-glutamine>"],
    f"{MKG}checkedIn": ['""'],
    f"{OA}exact": ['"something the source does not say"', '""', '"x"@nl'],
    f"{OA}hasSource": ["<https://example.org/elsewhere>"],
    "http://qudt.org/schema/qudt/numericValue": [_typed("0", "decimal"),
                                                 _typed("-1.5", "decimal"),
                                                 _typed("2.50", "decimal"),
                                                 _typed("1e3", "double")],
    "https://w3id.org/sssom/confidence": [_typed("0.5", "decimal"), _typed("1.5", "decimal"),
                                          '"high"', _typed("0.60", "decimal")],
    "http://www.w3.org/2004/02/skos/core#prefLabel": ['"Een naam"@nl', '"A name"'],
    "http://www.w3.org/2000/01/rdf-schema#label": ['"Another label"@en', '"Nog een"@nl'],
}
#: classes a node may be retyped to
CLASSES = [f"<{MKG}Section>", f"<{MKG}Paragraph>", f"<{MKG}DosageClaim>",
           f"<{MKG}IndicationClaim>", f"<{MKG}ChemicalEntity>", f"<{OA}TextQuoteSelector>",
           f"<{MKG}Monograph>", "<http://www.w3.org/2004/02/skos/core#Concept>"]

Mutation = Callable[[list[str], random.Random], str]


def _pick(lines: list[str], rng: random.Random, predicate: str | None = None) -> int:
    token = f"<{predicate}>" if predicate else None
    choices = [i for i, line in enumerate(lines)
               if token is None or line.split(" ", 2)[1] == token]
    return rng.choice(choices)


def _parts(line: str) -> tuple[str, str, str]:
    subject, predicate, rest = line.split(" ", 2)
    return subject, predicate, rest[:-2]


def replace(lines: list[str], rng: random.Random) -> str:
    predicate = rng.choice(sorted(REPLACEMENTS))
    i = _pick(lines, rng, predicate)
    subject, pred, _ = _parts(lines[i])
    lines[i] = f"{subject} {pred} {rng.choice(REPLACEMENTS[predicate])} ."
    return f"replace {lines[i]}"


def add_value(lines: list[str], rng: random.Random) -> str:
    predicate = rng.choice(sorted(REPLACEMENTS))
    subject, pred, _ = _parts(lines[_pick(lines, rng, predicate)])
    lines.append(f"{subject} {pred} {rng.choice(REPLACEMENTS[predicate])} .")
    return f"add {lines[-1]}"


def drop(lines: list[str], rng: random.Random) -> str:
    return f"drop {lines.pop(_pick(lines, rng))}"


def retype(lines: list[str], rng: random.Random) -> str:
    i = _pick(lines, rng, RDF_TYPE[1:-1])
    subject, pred, _ = _parts(lines[i])
    lines[i] = f"{subject} {pred} {rng.choice(CLASSES)} ."
    return f"retype {lines[i]}"


def negate(lines: list[str], rng: random.Random) -> str:
    """A claim with a truthy triple says it is negated: the negation check fires."""
    i = _pick(lines, rng, f"{MKG}negated")
    subject, pred, _ = _parts(lines[i])
    lines[i] = f"{subject} {pred} {_typed('true', 'boolean')} ."
    return f"negate {lines[i]}"


def subclass(lines: list[str], rng: random.Random) -> str:
    """A data triple that changes the class hierarchy (targets follow rdfs:subClassOf*)."""
    sub, sup = rng.sample(CLASSES, 2)
    lines.append(f"{sub} <http://www.w3.org/2000/01/rdf-schema#subClassOf> {sup} .")
    return f"subclass {lines[-1]}"


MUTATIONS: list[Mutation] = [replace, replace, replace, add_value, add_value, drop, retype,
                             negate, subclass]


@pytest.mark.parametrize("seed,lang", [(1, "en"), (2, "nl"), (3, "en")])
def test_mutated_release_findings_equal_pyshacl(seed: int, lang: str,
                                                release_lines: list[str], shapes: Graph,
                                                ontology: Graph, compiled: CompiledShapes,
                                                ontology_lines: list[str]) -> None:
    """A dozen mutations at once per seed (pySHACL needs seconds per run)."""
    rng = random.Random(seed)
    lines = list(release_lines)
    done = [rng.choice(MUTATIONS)(lines, rng) for _ in range(12)]
    lines = sorted(set(lines))
    expected = check_shapes(graph_of(lines), shapes, ontology, lang)[0]
    got = check_lines(lines + ontology_lines, compiled, lang)
    assert got == expected, "\n".join(done)
    assert len(expected) > 5, "the mutations should break something"


# --- what the engine does not do ------------------------------------------------------------

PREFIXES = """
@prefix mkg: <https://w3id.org/monokg/ontology/> .
@prefix mkgsh: <https://w3id.org/monokg/shapes/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""
#: A SPARQL constraint the engine would answer wrongly by running it once for all claims:
#: LIMIT 1 would keep one solution in all, where pySHACL keeps one per claim.
EXTRA_SHAPE = PREFIXES + """
mkgsh:ExtraShape a sh:NodeShape ;
    sh:targetClass mkg:Claim ;
    sh:message "The claim has a subject."@en ;
    sh:sparql [ sh:select \"\"\"SELECT $this ?value WHERE {
        $this <https://w3id.org/monokg/ontology/subject> ?value . } LIMIT 1\"\"\" ] .
"""


def _extended(shapes: Graph, extra: str) -> Graph:
    extended = Graph()
    extended += shapes
    extended.parse(data=extra, format="turtle")
    return extended


def test_unsupported_feature_names_the_shape_and_falls_back_to_pyshacl(
        shapes: Graph, ontology: Graph, ontology_lines: list[str]) -> None:
    extended = _extended(shapes, EXTRA_SHAPE)
    with pytest.raises(Unsupported, match=r"shapes/ExtraShape: a SPARQL constraint with a "
                                          r"solution modifier"):
        compile_shapes(extended)
    data = load_rdf(ROOT / "tests" / "shapes" / "ClaimShape" / "valid-complete.ttl")
    expected = check_shapes(data, extended, ontology)[0]
    assert any(f.message.startswith("The claim has a subject.") for f in expected)
    got = check_shape_lines(ntriples_lines(data) + ontology_lines, extended, "en",
                            bindings_of(data))
    assert got == expected


#: Shapes the engine must refuse rather than answer differently from pySHACL, each with
#: the words of the refusal.
REFUSED = {
    "a SPARQL constraint without $this (pySHACL binds it for every focus node)": ("""
mkgsh:X a sh:NodeShape ; sh:targetClass mkg:Claim ;
    sh:sparql [ sh:select '''SELECT $this ?value WHERE {
        ?value <https://w3id.org/monokg/ontology/subject> ?s . }''' ] .
""", r"X: a SPARQL constraint whose triple patterns never use \$this"),
    "OFFSET": ("""
mkgsh:X a sh:NodeShape ; sh:targetClass mkg:Claim ;
    sh:sparql [ sh:select '''SELECT $this ?value WHERE {
        $this <https://w3id.org/monokg/ontology/subject> ?value . } OFFSET 1''' ] .
""", r"X: a SPARQL constraint with a solution modifier"),
    "a custom constraint component": ("""
mkgsh:C a sh:ConstraintComponent ;
    sh:parameter [ sh:path mkg:mustBe ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (false) }" ] .
mkgsh:X a sh:NodeShape ; sh:targetClass mkg:Claim ; mkg:mustBe true .
""", r"C: custom constraint components are not implemented"),
    "two sh:path values": ("""
mkgsh:X a sh:PropertyShape ; sh:targetClass mkg:Claim ;
    sh:path mkg:subject, mkg:object ; sh:minCount 1 .
""", r"X: A shape defined as a PropertyShape cannot have more than one 'sh:path' property"),
}


@pytest.mark.parametrize("extra,refusal", REFUSED.values(), ids=list(REFUSED))
def test_what_the_engine_cannot_do_exactly_it_refuses(shapes: Graph, extra: str,
                                                      refusal: str) -> None:
    with pytest.raises(Unsupported, match=refusal):
        compile_shapes(_extended(shapes, PREFIXES + extra))


def test_a_shape_without_a_message_is_checked_by_the_engine(
        shapes: Graph, ontology: Graph, ontology_lines: list[str]) -> None:
    """Its results are pySHACL's but for the words: pySHACL makes up a message, the engine
    says the shape's value does not conform."""
    extended = _extended(shapes, PREFIXES + """
mkgsh:X a sh:PropertyShape ; sh:targetClass mkg:Claim ;
    sh:path mkg:statement ; sh:maxLength 3 .
""")
    data = load_rdf(ROOT / "tests" / "shapes" / "ClaimShape" / "valid-complete.ttl")
    expected = check_shapes(data, extended, ontology)[0]
    got = check_lines(ntriples_lines(data) + ontology_lines, compile_shapes(extended), "en",
                      bindings_of(data))
    assert [f for f in got if f.shape != "mkgsh:X"] == \
        [f for f in expected if f.shape != "mkgsh:X"]
    mine = [f for f in got if f.shape == "mkgsh:X"]
    theirs = [f for f in expected if f.shape == "mkgsh:X"]
    assert mine and [(f.focus, f.path, f.severity) for f in mine] == \
        [(f.focus, f.path, f.severity) for f in theirs]
    assert all(f.message.startswith("does not conform (value: ") for f in mine)


def test_two_paths_are_refused_by_pyshacl_too(shapes: Graph, ontology_lines: list[str]) -> None:
    """The fallback refuses the shapes as well: an error naming the rule, not a traceback."""
    extended = _extended(shapes, PREFIXES + REFUSED["two sh:path values"][0])
    data = load_rdf(ROOT / "tests" / "shapes" / "ClaimShape" / "valid-complete.ttl")
    with pytest.raises(InputError, match="cannot have more than one 'sh:path'"):
        check_shape_lines(ntriples_lines(data) + ontology_lines, extended)


def test_a_pattern_python_cannot_compile_is_an_input_error(shapes: Graph) -> None:
    """XPath regular expressions (a class subtraction, the category escape \\p{L}) that
    Python's re cannot compile: an error naming the shape and the pattern."""
    extended = _extended(shapes, PREFIXES + """
mkgsh:X a sh:PropertyShape ; sh:targetClass mkg:Claim ;
    sh:path mkg:statement ; sh:pattern "[a-z-[aeiou]]+\\\\p{L}" .
""")
    with pytest.raises(InputError, match=r"shapes/X: sh:pattern '\[a-z-\[aeiou\]\]\+"
                                         r"\\\\p\{L\}' is not a regular expression"):
        compile_shapes(extended)


def test_monokg_validate_does_not_load_pyshacl() -> None:
    """The engine serves `monokg validate` (pySHACL costs 0.6 s to import alone)."""
    code = ("import sys; from pathlib import Path; from monokg.check.validate import check_files; "
            f"root = Path({str(ROOT)!r}); "
            "v = check_files([root / 'tests/shapes/DoseShape/invalid-unknown-timing.ttl'], "
            "root / 'ontology/monokg.ttl', root / 'data/units.tsv', root / 'shapes'); "
            "assert 'pyshacl' not in sys.modules, 'pyshacl imported'; "
            "print(len(v.violations))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "1"


def test_data_pyshacl_stops_on_stops_the_lines_check_alike(shapes: Graph, ontology: Graph,
                                                           ontology_lines: list[str]) -> None:
    """A decimal offset makes rdflib's SUBSTR (inside pySHACL) fail: the same error."""
    fixture = ROOT / "tests" / "shapes" / "TextPositionSelectorShape" / "valid-complete.ttl"
    text = fixture.read_text(encoding="utf-8").replace(
        'oa:start "120"^^xsd:nonNegativeInteger', 'oa:start "120.5"^^xsd:decimal')
    data = Graph().parse(data=text, format="turtle")
    with pytest.raises(InputError) as expected:
        check_shapes(data, shapes, ontology)
    with pytest.raises(InputError) as got:
        check_shape_lines(ntriples_lines(data) + ontology_lines, shapes, "en", bindings_of(data))
    assert str(got.value) == str(expected.value)


_SHORT_CIRCUIT = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:{kind} ( ex:First ex:Second ) .
ex:First a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
ex:Second a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:lessThan ex:r ] .
"""


@pytest.mark.parametrize(("kind", "data", "results"), [
    # ex:a fits ex:First, so sh:or never asks ex:Second, whose sh:lessThan on a blank node
    # would stop pySHACL (and this engine); ex:b fits neither
    ("or", '<http://example.org/a> <http://example.org/p> "1" .', 1),
    # ex:a fails ex:First, so sh:and never asks ex:Second; ex:b fails ex:First too
    ("and", '<http://example.org/b> <http://example.org/z> "1" .', 2)])
def test_a_shape_is_asked_only_about_nodes_the_shapes_before_it_left(
        kind: str, data: str, results: int) -> None:
    """Value nodes are judged in batches, but each shape of sh:or / sh:and still sees only
    the nodes pySHACL's short-circuit would show it (else the blank node would be refused)."""
    compiled = compile_shapes(Graph().parse(data=_SHORT_CIRCUIT.format(kind=kind),
                                            format="turtle"))
    lines = [data, "<http://example.org/a> <http://example.org/q> _:b1 .",
             "<http://example.org/a> <http://example.org/r> \"2\" ."]
    found = [(focus, key) for focus, _, _, key in results_of(lines, compiled)[0]]
    assert len(found) == results
    assert all(key == "<http://example.org/S>" for _, key in found)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_engine_leaves_the_garbage_collector_as_it_found_it(
        compiled: CompiledShapes, release_lines: list[str], enabled: bool) -> None:
    """The cyclic collector is off while the engine runs (its index makes no cycles), then
    as the caller had it: after a run, and after a refusal."""
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        check_lines(release_lines[:200], compiled)
        assert gc.isenabled() is enabled
        refused = ["<http://example.org/s> <http://www.w3.org/ns/oa#start> _:b1 .",
                   f"<http://example.org/s> <{OA}end> \"3\"^^<{XSD}nonNegativeInteger> .",
                   f"<http://example.org/s> {RDF_TYPE} <{OA}TextPositionSelector> ."]
        with pytest.raises(Unsupported):
            check_lines(refused, compiled)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
