"""`monokg validate` on third-party data: 0 conforms, 1 one line per problem, 2 unreadable."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph
from rdflib.namespace import RDF

from monokg.cli import main
from monokg.model.namespaces import SH

from .conftest import ROOT, copy_project

FIXTURES = ROOT / "tests" / "shapes"
VALID = FIXTURES / "ClaimShape" / "valid-complete.ttl"
WRONG_TIMING = FIXTURES / "DoseShape" / "invalid-unknown-timing.ttl"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["validate", "--root", str(ROOT), *args])


def test_conforming_file_exits_0() -> None:
    result = run(str(VALID))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("conforms: ")


@pytest.mark.parametrize("lang,words", [
    ("en", "A dose's timing is one of the controlled list"),
    ("nl", "Het tijdstip van een dosis komt uit de vaste lijst"),
])
def test_nonconforming_file_exits_1_with_one_line_per_problem(lang: str, words: str) -> None:
    result = run("--lang", lang, str(WRONG_TIMING))
    assert result.exit_code == 1
    lines = [line.strip() for line in result.stderr.splitlines() if "Violation:" in line]
    assert lines == [(f"Violation: dose:m/dose mkg:timing: {words} (AfterMeal, BeforeMeal, "
                      f"SpreadOverDay, WithMeal). (value: mkg:AtBedtime)")]


def test_spans_are_named_by_the_quote_check() -> None:
    result = run(str(FIXTURES / "MonographShape" / "invalid-quote-differs-from-the-text.ttl"))
    assert result.exit_code == 1
    assert "monograph:m ^oa:hasSource: A text span's quote (oa:exact) differs" in result.stderr
    assert "(value: span:m/dose)" in result.stderr


def test_report_is_the_full_shacl_report_in_turtle(tmp_path: Path) -> None:
    report = tmp_path / "rapport é.ttl"
    result = run("--report", str(report), str(WRONG_TIMING))
    assert result.exit_code == 1
    graph = Graph().parse(report, format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationReport))) == 1
    assert len(list(graph.objects(None, SH.result))) == 1


BAD_TURTLE = """@prefix ex: <http://example.org/> .
ex:a ex:b "geen einde ;
ex:c ex:d ex:e .
"""
BAD_JSONLD = """{
  "@id": "http://example.org/a",
  "http://example.org/b": [1, 2,, 3]
}
"""


@pytest.mark.parametrize("name,text,where,what", [
    ("kapot.ttl", BAD_TURTLE, ":2:24:",
     "not valid turtle at line 2, column 24: newline found in string literal"),
    ("kapot.jsonld", BAD_JSONLD, ":3:33:",
     "not valid json-ld at line 3, column 33: Expecting value"),
    ("extern.jsonld", '{"@context": "https://schema.org/", "@id": "http://example.org/a"}',
     ": ", "would be fetched from the network"),
    ("leeg.xyz", "", ": ", "unknown file type"),
])
def test_unreadable_file_exits_2_with_line_and_column(tmp_path: Path, name: str, text: str,
                                                      where: str, what: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2, result.output
    assert f"{name}{where}" in result.stderr and what in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run(str(tmp_path / "niet-er.ttl"))
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_a_pattern_the_validator_cannot_run_exits_2_naming_shape_and_pattern(
        tmp_path: Path) -> None:
    """An XPath-only escape (\\p{L}) in a shape: an input error, not a traceback."""
    root = copy_project(tmp_path / "project")
    with (root / "shapes" / "claims.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write('\nmkgsh:LettersShape a sh:PropertyShape ; sh:targetClass mkg:Claim ;\n'
                     '    sh:path mkg:statement ; sh:pattern "\\\\p{L}+" .\n')
    result = CliRunner().invoke(main, ["validate", "--root", str(root), str(VALID)])
    assert result.exit_code == 2, result.output
    assert "shapes/LettersShape: sh:pattern '\\\\p{L}+' is not a regular expression" in \
        result.stderr, result.stderr
    assert "Traceback" not in result.output
