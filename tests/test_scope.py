"""Dose-scoped negation: 'scope: <claim-id>' in YAML becomes mkg:scopedByDose in the graph."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import URIRef

from monokg.assemble.release import assemble
from monokg.cli import main
from monokg.model.namespaces import MKG
from monokg.model.paths import ProjectPaths

CLAIMS = Path("data") / "monographs" / "l-glutamine-nl" / "claims"
CLAIM = "https://w3id.org/monokg/claim/l-glutamine-nl/"


def _scope(project: Path, value: str) -> None:
    path = project / CLAIMS / "07-contra-indicaties.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    negated: true\n", f"    negated: true\n    scope: {value}\n"),
                    encoding="utf-8")


def test_scope_links_the_claim_to_the_dosage_claims(project: Path) -> None:
    _scope(project, "[dose-commonly-used, take-before-meals]")
    graph = assemble(ProjectPaths(project)).graph
    scopes = set(graph.objects(URIRef(CLAIM + "no-known-contraindications"), MKG.scopedByDose))
    assert scopes == {URIRef(CLAIM + "dose-commonly-used"), URIRef(CLAIM + "take-before-meals")}


def test_scope_to_an_unknown_claim_is_an_input_error(project: Path) -> None:
    _scope(project, "dose-daily")
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 2
    assert "07-contra-indicaties.yaml:3: claim 'no-known-contraindications': scope " \
        "'dose-daily' is not a claim of this monograph" in result.stderr


def test_scope_to_a_claim_that_is_not_a_dosage_is_an_input_error(project: Path) -> None:
    _scope(project, "most-abundant-free-amino-acid")
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 2
    assert "'most-abundant-free-amino-acid' is not a Dosage claim" in result.stderr
