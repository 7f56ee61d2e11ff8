"""Literals as written: every release format holds the same literal, or the build refuses it.

Issue 13, item 3: the formats once disagreed (a confidence ``1`` became ``1.0`` in Turtle, an
ill-typed boolean was repaired to ``false``) and the build still passed. Now one function
spells every literal (`monokg.rdf.ntriples`), curated ill-typed literals are input errors,
and the build reads its graph files back and compares them (`monokg.check.written`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from monokg.assemble.metadata import GRAPH_PARTS, graph_iri
from monokg.check.validate import check_files
from monokg.check.written import data_file_differences, graph_file_differences
from monokg.cli import main
from monokg.model.config import load_publication
from monokg.model.errors import NonConformance
from monokg.model.namespaces import prefixes
from monokg.model.paths import ProjectPaths
from monokg.model.release_files import ReleaseFiles
from monokg.pipeline import build, rewrite_site
from monokg.publish import graph_files
from monokg.rdf import ntriples as nt
from monokg.rdf.files import ReleaseFolder
from monokg.rdf.graphs import ntriples_lines

from .conftest import ROOT, copy_project, release_files

MAPPINGS = Path("data/mappings/l-glutamine-nl.sssom.tsv")
DOSERING = Path("data/monographs/l-glutamine-nl/claims/10-dosering.yaml")
SOURCE_META = Path("data/sources/l-glutamine.nl.yaml")
XSD = "http://www.w3.org/2001/XMLSchema#"
#: The named graphs of the release's parts (the copied project publishes as the real one).
GRAPHS = {part: str(graph_iri(load_publication(ROOT / "monokg.toml"), part))
          for part in GRAPH_PARTS}
#: A statement holding every character Python's splitlines breaks at besides LF and CR,
#: written with YAML's escapes (\L U+2028, \N U+0085, \v U+000B, \P U+2029).
BREAKS_YAML = r'"A commonly used\L daily\N dose\v of L-glutamine\P is five to ten grams."'
BREAKS = "A commonly used\u2028 daily\x85 dose\x0b of L-glutamine\u2029 is five to ten grams."
STATEMENT = "A commonly used daily dose of L-glutamine is five to ten grams per day."


def _edit(project: Path, relative: Path, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _confidence_row(project: Path, lexical: str) -> int:
    """Set the first row's confidence (written 0.60); returns the row's line number."""
    lines = (project / MAPPINGS).read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines) if "\t0.60\t" in line)
    lines[number] = lines[number].replace("\t0.60\t", f"\t{lexical}\t", 1)
    (project / MAPPINGS).write_text("\n".join(lines), encoding="utf-8")
    return number + 1


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose curated literals are written unusually (still valid), built."""
    root = copy_project(tmp_path_factory.mktemp("literals") / "project")
    _confidence_row(root, "1")
    _confidence_row(root, "+0.5")
    _edit(root, DOSERING, f"statement: {STATEMENT}", f"statement: {BREAKS_YAML}")
    build(ProjectPaths(root))
    return root


def test_a_confidence_is_the_same_literal_as_written_in_every_format(edited: Path) -> None:
    folder = edited / "build"
    for lexical in ("1", "+0.5"):
        nt = f'"{lexical}"^^<{XSD}decimal>'
        assert nt in (folder / "monokg.nt").read_text(encoding="utf-8")
        assert nt in (folder / "monokg.nq").read_text(encoding="utf-8")
        assert f'"{lexical}"^^xsd:decimal' in (folder / "monokg.ttl").read_text(encoding="utf-8")
        document = json.loads((folder / "monokg.jsonld").read_text(encoding="utf-8"))
        values = []
        for node in document["@graph"]:
            found = node.get("sssom:confidence", [])
            values += found if isinstance(found, list) else [found]
        assert {"@value": lexical, "@type": "xsd:decimal"} in values
    # Read as RDF, all formats hold exactly the same triples (the build checked it, too).
    assert graph_file_differences(folder, ReleaseFiles("monokg"), GRAPHS) == []


def test_line_breaks_in_a_literal_never_split_a_line(edited: Path) -> None:
    for name in ("monokg.nt", "monokg.nq"):
        text = (edited / "build" / name).read_text(encoding="utf-8")
        quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        assert len(text.splitlines()) == len(quads)  # Python's idea of a line: one triple
        assert ox.Literal(BREAKS, language="en") in {q.object for q in quads}
    folder, _ = rewrite_site(ProjectPaths(edited))
    site = [p for p in folder.rglob("dose-commonly-used.nt")]
    assert site, "the claim's page is written"
    text = site[0].read_text(encoding="utf-8")
    assert BREAKS not in text and len(text.splitlines()) == text.count("\n")


@pytest.mark.parametrize(("lexical", "why"), [
    ("NaN", "not a decimal"), ("-INF", "not a decimal"), ("INF", "not a decimal"),
    ("1e0", "not a decimal"), ("0,6", "not a decimal"), ("1.5", "outside 0..1")])
def test_an_ill_typed_or_impossible_confidence_is_an_error_at_its_line(
        tmp_path: Path, lexical: str, why: str) -> None:
    project = copy_project(tmp_path / "project")
    line = _confidence_row(project, lexical)
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 2, result.output
    assert f"sssom.tsv:{line}: confidence" in result.output and why in result.output


@pytest.mark.parametrize(("relative", "old", "new", "said"), [
    (DOSERING, "period: P1D}", "period: P1W}", "'P1W' is not an xsd:duration"),
    (DOSERING, f"statement: {STATEMENT}", r'statement: "half a pair \uD83D"',
     "lone surrogate"),
    (SOURCE_META, "language: nl", "language: nl_NL", "is not a BCP 47 language tag"),
])
def test_a_curated_literal_no_rdf_can_hold_is_an_error_at_its_line(
        tmp_path: Path, relative: Path, old: str, new: str, said: str) -> None:
    project = copy_project(tmp_path / "project")
    _edit(project, relative, old, new)
    line = (project / relative).read_text(encoding="utf-8").split(new)[0].count("\n") + 1
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 2, result.output
    assert f"{relative.name}:{line}:" in result.output and said in result.output


def _release_copy(tmp_path: Path, old: str, new: str) -> Path:
    """The committed release's N-Triples with one literal written otherwise."""
    text = (ROOT / "build" / "monokg.nt").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "release.nt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("predicate", "old", "bad"), [
    ("ontology/negated", "false", "none"), ("ontology/negated", "false", "TRUE"),
    ("ontology/negated", "false", "yes"), ("qudt/numericValue", None, "1e10"),
    ("sssom/confidence", None, "NaN")])
def test_an_ill_typed_literal_is_a_violation_in_validate_never_a_repaired_value(
        tmp_path: Path, predicate: str, old: str | None, bad: str) -> None:
    text = (ROOT / "build" / "monokg.nt").read_text(encoding="utf-8")
    line = next(n for n in text.split("\n") if f"/{predicate}> " in n)
    token = line.split(" ", 2)[2][:-2]
    lexical = token[1:token.rindex('"')]
    assert old is None or lexical == old
    path = _release_copy(tmp_path, line, line.replace(f'"{lexical}"', f'"{bad}"', 1))
    validation = check_files([path], ROOT / "ontology" / "monokg.ttl",
                             ROOT / "data" / "units.tsv", ROOT / "shapes")
    shown = [str(f) for f in validation.violations]
    assert any(predicate.split("/")[1] in f and f"(value: {bad})" in f for f in shown), shown


def test_validate_exits_1_on_an_ill_typed_boolean_as_its_own_report_says(
        tmp_path: Path) -> None:
    text = (ROOT / "build" / "monokg.nt").read_text(encoding="utf-8")
    line = next(n for n in text.split("\n") if "/ontology/negated> \"false\"" in n)
    path = _release_copy(tmp_path, line, line.replace('"false"', '"none"'))
    report = tmp_path / "report.ttl"
    result = CliRunner().invoke(main, ["validate", str(path), "--report", str(report),
                                       "--root", str(ROOT)])
    assert result.exit_code == 1, result.output
    assert "negated" in result.output
    assert "Violation" in report.read_text(encoding="utf-8")


def test_the_check_finds_a_graph_file_that_says_something_else(edited: Path,
                                                                tmp_path: Path) -> None:
    folder = Path(shutil.copytree(edited / "build", tmp_path / "build"))
    ttl = folder / "monokg.ttl"
    # The old divergence: Turtle's bare number for a decimal written "1".
    text = ttl.read_text(encoding="utf-8")
    assert 'sssom:confidence "1"^^xsd:decimal' in text
    ttl.write_text(text.replace('sssom:confidence "1"^^xsd:decimal', "sssom:confidence 1.0"),
                   encoding="utf-8")
    nq = folder / "monokg.nq"
    nq.write_text("".join(nq.read_text(encoding="utf-8").splitlines(keepends=True)[1:]),
                  encoding="utf-8")
    found = {f.focus: f.message for f in graph_file_differences(folder, ReleaseFiles("monokg"), GRAPHS)}
    assert sorted(found) == ["monokg.nq", "monokg.ttl"]
    assert '"1.0"^^' in found["monokg.ttl"] and '"1"^^' in found["monokg.ttl"]
    assert "holds 0 triple(s) in <" in found["monokg.nq"] and "lacks 1" in found["monokg.nq"]


def test_a_jsonld_document_read_back_in_parts_is_read_whole(tmp_path: Path) -> None:
    """The read-back reads a JSON-LD graph in parts of its node objects (pyoxigraph would
    hold the whole document): a triple added to its last node is found, and a document it
    cannot cut (a top-level "@id" names its graph) is read whole, with the same triples."""
    names = ReleaseFiles("monokg")
    for suffix in (".nt", ".ttl", ".jsonld"):
        shutil.copy(ROOT / "build" / names.graph[suffix], tmp_path)
    jsonld = tmp_path / names.graph[".jsonld"]
    document = json.loads(jsonld.read_text(encoding="utf-8"))
    assert len(document["@graph"]) > 2000, "more nodes than one part holds"
    document["@graph"][-1]["rdfs:comment"] = "said only in JSON-LD"
    jsonld.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    (found,) = data_file_differences(tmp_path, names)
    assert found.focus == jsonld.name and "said only in JSON-LD" in found.message
    assert "holds 1 triple(s)" in found.message and "lacks 0" in found.message

    del document["@graph"][-1]["rdfs:comment"]
    named = {"@context": document["@context"], "@graph": document["@graph"],
             "@id": "https://example.org/graph"}
    jsonld.write_text(json.dumps(named, ensure_ascii=False), encoding="utf-8")
    assert data_file_differences(tmp_path, names) == []


def test_a_writer_that_rewrites_a_literal_fails_the_build_and_keeps_build(
        edited: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = release_files(edited / "build")
    turtle = graph_files.turtle_of_lines

    def rewriting(lines: list[str], bindings: list[tuple[str, str]]) -> bytes:
        return turtle(lines, bindings).replace(b'"1"^^xsd:decimal', b"1.0")

    monkeypatch.setattr(graph_files, "turtle_of_lines", rewriting)
    with pytest.raises(NonConformance, match="monokg.ttl"):
        build(ProjectPaths(edited))
    assert release_files(edited / "build") == before


def test_every_writer_spells_tags_and_strings_alike_whoever_made_the_lines(
        tmp_path: Path) -> None:
    s, p = "http://example.org/s", "http://example.org/p"
    made_by_rdflib = Graph()
    made_by_rdflib.add((URIRef(s), URIRef(p), Literal("flavour", lang="en-GB")))
    made_by_rdflib.add((URIRef(s), URIRef(p), Literal("y", datatype=URIRef(XSD + "string"))))
    lines = sorted([nt.line(nt.iri(s), nt.iri(p), nt.lang_string("colour", "en-GB")),
                    nt.line(nt.iri(s), nt.iri(p), nt.typed("x", nt.XSD_STRING)),
                    *ntriples_lines(made_by_rdflib)])
    names = ReleaseFiles("t").graph
    graph_files.write_release_lines(lines, list(prefixes().items()), ReleaseFolder(tmp_path),
                                    names)
    texts = {suffix: (tmp_path / name).read_text(encoding="utf-8")
             for suffix, name in names.items()}
    for suffix in (".nt", ".ttl", ".jsonld"):
        assert "en-GB" not in texts[suffix] and "string" not in texts[suffix], suffix
    assert '"flavour"@en-gb' in texts[".ttl"] and '"y" .' in texts[".nt"]
    (node,) = json.loads(texts[".jsonld"])["@graph"]
    assert {"@value": "colour", "@language": "en-gb"} in node[p] and "y" in node[p]


def test_lines_rdflib_made_escape_the_breaks_pyld_and_splitlines_cut_at() -> None:
    graph = Graph()
    graph.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"),
               Literal("a\u2028b\x85c")))
    (line,) = ntriples_lines(graph)
    assert "\u2028" not in line and "\x85" not in line and len(line.splitlines()) == 1
    (triple,) = ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert triple.object == ox.Literal("a\u2028b\x85c")
