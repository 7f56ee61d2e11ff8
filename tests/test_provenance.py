"""The provenance check: every selector of every span is compared with the source file, so a
release whose quotes, contexts, offsets or fragment disagree with the source does not pass."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from monokg.check.provenance import check_provenance
from monokg.model.paths import ProjectPaths

from .conftest import ROOT

NT = ROOT / "build" / "monokg.nt"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return NT.read_text(encoding="utf-8").splitlines()


def _first(lines: list[str], predicate: str) -> int:
    return next(i for i, line in enumerate(lines) if f"> <{predicate}> " in line)


def _flip_in_literal(line: str) -> str:
    """The line with the case of the first letter inside its literal flipped."""
    at = line.index('"') + 1
    at += next(i for i, c in enumerate(line[at:]) if c.isalpha())
    return line[:at] + line[at].swapcase() + line[at + 1:]


def _shift(line: str) -> str:
    """The line with its number one higher."""
    return re.sub(r'"(\d+)"', lambda m: f'"{int(m.group(1)) + 1}"', line, count=1)


OA = "http://www.w3.org/ns/oa#"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"


def test_the_published_release_holds_of_its_sources(lines: list[str]) -> None:
    assert check_provenance(lines, ProjectPaths(ROOT)) == []


@pytest.mark.parametrize(("predicate", "change", "said"), [
    (OA + "exact", _flip_in_literal, "oa:exact does not match characters"),
    (OA + "prefix", _flip_in_literal, "oa:prefix does not match characters"),
    (OA + "suffix", _flip_in_literal, "oa:suffix does not match characters"),
    (OA + "start", _shift, "oa:exact does not match characters"),
    (OA + "end", _shift, "the fragment says char="),
    (OA + "end", lambda line: line.replace('"', '"x', 1), "not a whole number"),
    (RDF_VALUE, lambda line: re.sub(r";md5=[0-9a-f]{32}", ";md5=" + "0" * 32, line),
     "the fragment's md5 is 000"),
])
def test_a_changed_selector_is_a_finding_naming_claim_file_and_both_texts(
        lines: list[str], predicate: str, change: Callable[[str], str], said: str) -> None:
    changed = list(lines)
    at = next(i for i, line in enumerate(lines)
              if f"> <{predicate}> " in line and change(line) != line)
    changed[at] = change(lines[at])
    node = lines[at].split(" ", 1)[0]
    claim = f"{node[1:-1]}".replace("/selector/", "/claim/").rsplit("-", 1)[0]
    where = {claim: "data/monographs/x/claims/10-x.yaml:7"}

    findings = check_provenance(changed, ProjectPaths(ROOT), where)

    assert findings and {(f.focus, f.severity) for f in findings} == {(claim, "Violation")}
    [finding] = [f for f in findings if said in f.message]
    assert "written at data/monographs/x/claims/10-x.yaml:7" in finding.message
    assert "data/sources/" in finding.message
    if "match characters" in said:
        assert "expected '" in finding.message and "found '" in finding.message


def test_a_changed_source_file_is_a_finding(lines: list[str], tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data" / "sources", tmp_path / "data" / "sources")
    for text in (tmp_path / "data" / "sources").glob("*.txt"):
        text.write_bytes(text.read_bytes().swapcase())

    findings = check_provenance(lines, ProjectPaths(tmp_path))

    assert findings and all("sha256 is not the" in f.message for f in findings)
    assert all("the source text data/sources/" in f.message for f in findings)
