"""Bad input: a clear message naming file and line, exit code 2, and build/ left untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from monokg.cli import main

from .conftest import release_files

CLAIMS = Path("data/monographs/l-glutamine-nl/claims")
DOSERING = CLAIMS / "10-dosering.yaml"


def _run_build(project: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--root", str(project)])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A private copy of a project that has a good build in place."""
    return Path(shutil.copytree(built, tmp_path / "project"))


@pytest.fixture
def previous_build(project: Path) -> dict[str, bytes]:
    """The bytes of the good build, to compare after a failed one."""
    return release_files(project / "build")


def _edit(project: Path, relative: Path, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append_claim(project: Path, yaml_text: str) -> None:
    path = project / DOSERING
    path.write_text(path.read_text(encoding="utf-8") + yaml_text, encoding="utf-8")


QUOTE = "Glutamine is hittegevoelig"


def _claim(**fields: str) -> str:
    base = {"id": "new-claim", "kind": "Handling", "relation": "sensitiveTo",
            "statement": "Glutamine is sensitive to heat.", "quote": QUOTE,
            "modality": "Asserted"}
    base.update(fields)
    lines = [f"  - id: {base.pop('id')}"] + [f"    {k}: {v}" for k, v in base.items()]
    return "\n".join(lines) + "\n"


CASES = {
    "quote not in the source": (
        lambda p: _append_claim(p, _claim(quote="Glutamine is koudegevoelig")),
        ["10-dosering.yaml:", "quote not found", "koudegevoelig"]),
    "quote joins a word the text splits with a kept hyphen": (
        lambda p: _edit(p, Path("data/monographs/l-glutamine-nl/claims/02-werking.yaml"),
                        "DNA-bouwstoffen)", "DNAbouwstoffen)"),
        ["02-werking.yaml:", "quote not found", "DNA-bouwstoffen",
         "words: {join: [DNAbouwstoffen]}"]),
    "quote found twice": (
        lambda p: _append_claim(p, _claim(quote="glutamine")),
        ["10-dosering.yaml:", "found", "times", "occurrence"]),
    "empty quote": (
        lambda p: _append_claim(p, _claim(quote='""')),
        ["10-dosering.yaml:", "empty quote"]),
    "duplicate claim id": (
        lambda p: _append_claim(p, _claim(id="dose-commonly-used")),
        ["10-dosering.yaml:", "duplicate claim id 'dose-commonly-used'"]),
    "unknown prefix": (
        lambda p: _append_claim(p, _claim(object="FOO:123")),
        ["10-dosering.yaml:", "unknown prefix 'FOO'"]),
    "malformed MeSH id": (
        lambda p: _append_claim(p, _claim(object="MESH:12345")),
        ["10-dosering.yaml:", "malformed", "MESH"]),
    "linked term without mapping row": (
        lambda p: _append_claim(p, _claim(object="CHEBI:999999999")),
        ["10-dosering.yaml:", "no mapping row", "sssom.tsv"]),
    "unknown relation": (
        lambda p: _append_claim(p, _claim(relation="cures")),
        ["10-dosering.yaml:", "unknown relation 'cures'"]),
    "unknown unit": (
        lambda p: _append_claim(p, _claim(kind="Dosage", relation="hasDosage",
                                          dose="{kind: AdvisedDose, value: 5, unit: spoon}")),
        ["10-dosering.yaml:", "unknown unit 'spoon'"]),
    "unknown section": (
        lambda p: _edit(p, DOSERING, "section: dosering", "section: posologie"),
        ["10-dosering.yaml:1:", "unknown section 'posologie'"]),
    "malformed claims file": (
        lambda p: _edit(p, DOSERING, "  - id: dose-commonly-used", "  - id: [unclosed"),
        ["10-dosering.yaml:", "malformed YAML"]),
    "non-UTF-8 claims file": (
        lambda p: (p / DOSERING).write_bytes(
            (p / DOSERING).read_bytes().replace(b"vijf", "vijf\xe9".encode("latin-1"))),
        ["10-dosering.yaml:", "not UTF-8"]),
    "changed source": (
        lambda p: (p / "data/sources/l-glutamine.nl.txt").write_bytes(
            (p / "data/sources/l-glutamine.nl.txt").read_bytes().replace(b"vijf", b"zes", 1)),
        ["l-glutamine.nl.txt", "checksum mismatch"]),
    "missing source": (
        lambda p: (p / "data/sources/l-glutamine.nl.txt").unlink(),
        ["l-glutamine.nl.txt", "source file is missing"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_clearly_and_loses_nothing(
        case: str, project: Path, previous_build: dict[str, bytes]) -> None:
    breaker, expected = CASES[case]
    breaker(project)
    code, output = _run_build(project)
    assert code == 2, output
    for fragment in expected:
        assert fragment in output, f"{fragment!r} missing from:\n{output}"
    assert "fix:" in output
    assert release_files(project / "build") == previous_build
    assert not list(project.glob(".build-*")), "a failed build left its staging folder"


def test_the_error_names_the_line_of_the_offending_quote(project: Path) -> None:
    _append_claim(project, _claim(quote="Glutamine is koudegevoelig"))
    lines = (project / DOSERING).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "koudegevoelig" in text)
    code, output = _run_build(project)
    assert code == 2
    assert f"10-dosering.yaml:{line}:" in output
