"""The command line: exit codes, messages on stderr, results on stdout."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monokg import __version__
from monokg.check import release as check_release
from monokg.cli import main
from monokg.model.curies import project_converter

MODALITIES = """PREFIX mkg: <https://w3id.org/monokg/ontology/>
SELECT ?claim ?modality WHERE { ?claim mkg:modality ?modality } ORDER BY ?claim"""


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_validate_accepts_the_build(built: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--root", str(built),
                                       str(built / "build" / "monokg.ttl")])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout


def test_validate_refuses_a_broken_claim(built: Path, tmp_path: Path) -> None:
    text = (built / "build" / "monokg.nt").read_text(encoding="utf-8")
    claim = "<https://w3id.org/monokg/claim/l-glutamine-nl/dose-commonly-used>"
    broken = "\n".join(line for line in text.splitlines()
                       if not (line.startswith(claim) and "/ontology/modality>" in line))
    file = tmp_path / "broken.nt"
    file.write_text(broken + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--root", str(built), str(file)])
    assert result.exit_code == 1, result.output
    assert "dose-commonly-used" in result.stderr
    assert "modality" in result.stderr


def test_validate_says_where_a_file_is_malformed(built: Path, tmp_path: Path) -> None:
    file = tmp_path / "bad.ttl"
    file.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\nex:d .\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--root", str(built), str(file)])
    assert result.exit_code == 2
    assert "bad.ttl:" in result.stderr
    assert "line 3" in result.stderr


def test_query_formats(built: Path) -> None:
    runner = CliRunner()
    tsv = runner.invoke(main, ["query", "--root", str(built), MODALITIES])
    assert tsv.exit_code == 0, tsv.output
    # SPARQL 1.1 TSV: variables with "?", terms in N-Triples spelling.
    rows = list(csv.reader(io.StringIO(tsv.stdout), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["?claim", "?modality"]
    as_json = runner.invoke(main, ["query", "--root", str(built), "--format", "json", MODALITIES])
    document = json.loads(as_json.stdout)
    assert document["head"] == {"vars": ["claim", "modality"]}
    bindings = document["results"]["bindings"]
    assert all(b["claim"]["type"] == b["modality"]["type"] == "uri" for b in bindings)
    assert [[f"<{b['claim']['value']}>", f"<{b['modality']['value']}>"] for b in bindings] \
        == rows[1:]
    assert {b["modality"]["value"].rsplit("/", 1)[1] for b in bindings} <= {
        "Established", "Asserted", "Likely", "Apparent", "Estimated", "AsFarAsKnown", "Possible"}
    as_csv = runner.invoke(main, ["query", "--root", str(built), "--format", "csv", MODALITIES])
    assert as_csv.stdout.splitlines()[0] == "claim,modality"
    as_xml = runner.invoke(main, ["query", "--root", str(built), "--format", "xml", MODALITIES])
    assert "http://www.w3.org/2005/sparql-results#" in as_xml.stdout


def test_a_malformed_query_is_an_input_error(built: Path) -> None:
    result = CliRunner().invoke(main, ["query", "--root", str(built), "SELECT nonsense"])
    assert result.exit_code == 2
    assert "malformed SPARQL" in result.stderr


def test_query_answers_from_what_serve_loads(built: Path) -> None:
    """hedged-claims needs the ontology's mkg:strength: the CLI's store holds it, and the
    answer is standard SPARQL 1.1 JSON results."""
    result = CliRunner().invoke(main, ["query", "--root", str(built), "--format", "json",
                                       "-f", str(built / "queries" / "hedged-claims.rq")])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["head"]["vars"][:2] == ["monograph", "language"]
    bindings = document["results"]["bindings"]
    assert bindings and all(b["strength"]["type"] == "literal" for b in bindings)


def test_query_parameters_replace_the_declared_default(built: Path) -> None:
    runner = CliRunner()
    query = str(built / "queries" / "about-term.rq")
    subjects = runner.invoke(main, ["query", "--root", str(built), "--format", "json",
                                    "SELECT ?s WHERE { ?m <http://purl.org/dc/terms/subject> ?s }"])
    subject = json.loads(subjects.stdout)["results"]["bindings"][0]["s"]["value"]
    curie = project_converter().compact(subject)
    default = runner.invoke(main, ["query", "--root", str(built), "-f", query])
    asked = runner.invoke(main, ["query", "--root", str(built), "-f", query,
                                 "--param", f"term={curie}"])
    assert default.exit_code == asked.exit_code == 0, asked.output
    assert asked.stdout.splitlines()[0] == default.stdout.splitlines()[0]
    assert asked.stdout != default.stdout
    assert len(asked.stdout.splitlines()) > 1
    unknown = runner.invoke(main, ["query", "--root", str(built), "-f", query,
                                   "--param", f"drug={curie}"])
    assert unknown.exit_code == 2
    assert "declares no parameter ?drug" in unknown.stderr and "?term" in unknown.stderr
    bad = runner.invoke(main, ["query", "--root", str(built), "-f", query,
                               "--param", "term=NOPE:1"])
    assert bad.exit_code == 2 and "known prefix" in bad.stderr


def test_query_without_a_build_says_what_to_run(project: Path) -> None:
    result = CliRunner().invoke(main, ["query", "--root", str(project), MODALITIES])
    assert result.exit_code == 2
    assert "monokg build" in result.stderr


def test_a_file_the_system_will_not_read_is_a_message(project: Path) -> None:
    # A folder where a claims file should be: reading it fails in the operating system.
    claims = next((project / "data" / "monographs").glob("*/claims"))
    (claims / "zz-not-a-file.yaml").mkdir()
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "zz-not-a-file.yaml" in result.stderr and "fix:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bug_says_so_with_its_own_exit_code(project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(check_release, "check_project", broken)
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 70, result.output
    assert "ZeroDivisionError: a bug" in result.stderr and "please report it" in result.stderr
