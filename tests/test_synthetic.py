"""The synthetic corpus generator: deterministic, shaped like the real monograph, and buildable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from monokg.cli import main

from .conftest import ROOT


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "corpus"
    result = CliRunner().invoke(main, ["synth", "--root", str(ROOT), "--out", str(out),
                                       "--monographs", "2", "--seed", "3"])
    assert result.exit_code == 0, result.output
    return out


def test_the_same_seed_gives_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    CliRunner().invoke(main, ["synth", "--root", str(ROOT), "--out", str(again),
                              "--monographs", "2", "--seed", "3"])
    other = tmp_path / "other"
    CliRunner().invoke(main, ["synth", "--root", str(ROOT), "--out", str(other),
                              "--monographs", "2", "--seed", "4"])
    assert files_of(again) == files_of(corpus)
    assert files_of(other) != files_of(corpus)


def test_a_complete_project_with_one_folder_per_monograph(corpus: Path) -> None:
    for part in ("monokg.toml", "ontology/monokg.ttl", "data/units.tsv",
                 "data/mappings/local-concepts.ttl"):
        assert (corpus / part).is_file(), part
    assert sorted(p.name for p in (corpus / "data" / "monographs").iterdir()) == \
        ["synth-00001-nl", "synth-00002-nl"]
    real = sorted(p.name for p in (ROOT / "data" / "monographs").glob("*/claims/*.yaml"))
    synthetic = sorted(p.name for p in
                       (corpus / "data" / "monographs" / "synth-00001-nl" / "claims").iterdir())
    assert synthetic == real


def test_linked_ids_are_well_formed_synthetic_and_declared_so(corpus: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8")
                   for p in (corpus / "data").rglob("*") if p.suffix in (".yaml", ".tsv"))
    chebi = [int(n) for n in re.findall(r"CHEBI:(\d+)", text)]
    mesh = re.findall(r"MESH:(D\d+)", text)
    assert chebi and mesh
    assert min(chebi) >= 900_000_000
    assert all(re.fullmatch(r"D9\d{8}", m) for m in mesh)
    meta = (corpus / "data" / "sources" / "synth-00001.nl.yaml").read_text(encoding="utf-8")
    assert "synthetic" in meta.lower() and "do not exist" in meta


def test_sources_look_like_pdf_extractions_and_quotes_keep_line_breaks(corpus: Path) -> None:
    text = (corpus / "data" / "sources" / "synth-00001.nl.txt").read_text(encoding="utf-8")
    assert " \n\n" in text  # every printed line is followed by an empty line
    assert re.search(r"\w- \n\n\w", text), "no word split over two lines"
    claims = "".join(p.read_text(encoding="utf-8") for p in
                     (corpus / "data" / "monographs").glob("*/claims/*.yaml"))
    assert "dose:" in claims and "unit:" in claims


def test_the_corpus_builds_and_refuses_to_overwrite(corpus: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--root", str(corpus), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "built" in result.output and (corpus / "build" / "monokg.ttl").is_file()
    again = CliRunner().invoke(main, ["synth", "--root", str(ROOT), "--out", str(corpus),
                                      "--monographs", "1"])
    assert again.exit_code == 2
    assert "not empty" in again.output
