"""The polarity check: a claim linked to the term of a mention that says a change the term's
name does not say is warned about, with the claim's file and line.

Run on the test monographs of ``tests/projects/three-languages``; the words of each direction
are read from the language data of the source and of the shared language, never written here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monokg.check.polarity import polarity_findings
from monokg.curate.claims import Monograph, load_monograph
from monokg.curate.language import FALLBACK, load_language
from monokg.curate.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
EXTRA = ROOT / "tests" / "projects" / "three-languages" / "data"
VOCABULARY = load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv")
MONOGRAPHS = sorted(p.name for p in (EXTRA / "monographs").iterdir())


def _load(data: Path, name: str) -> Monograph:
    return load_monograph(data / "monographs" / name, VOCABULARY, data / "sources",
                          data / "mappings")


def _word(tag: str, change: str) -> str:
    return next(c.text for c in load_language(tag).changes if c.meaning == change)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXTRA, tmp_path / "data"))


def _retitle(data: Path, mono: Monograph, term: str, mention: str | None = None,
             label: str | None = None) -> None:
    """Give the mapping row of ``term`` a new mention label and/or term label."""
    path = data / "mappings" / mono.mapping_file.name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(line for line in lines if line.startswith("subject_id\t")).rstrip("\n")
    columns = header.split("\t")
    for n, line in enumerate(lines):
        cells = line.rstrip("\n").split("\t")
        if len(cells) == len(columns) and cells[columns.index("object_id")] == term:
            if mention is not None:
                cells[columns.index("subject_label")] = mention
            if label is not None:
                cells[columns.index("object_label")] = label
            lines[n] = "\t".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("name", MONOGRAPHS)
def test_the_test_monographs_as_shipped_raise_no_warning(name: str) -> None:
    assert polarity_findings([_load(EXTRA, name)], VOCABULARY) == []


@pytest.mark.parametrize("name", MONOGRAPHS)
@pytest.mark.parametrize("change", ["Increase", "Decrease"])
def test_a_change_the_term_does_not_name_is_warned_about(name: str, change: str,
                                                         data: Path) -> None:
    mono = _load(data, name)
    claim = next(c for c in mono.claims if c.object is not None and
                 str(c.object).startswith("http://id.nlm.nih.gov/mesh/"))
    term = VOCABULARY.prefixes["MESH"]
    curie = "MESH:" + str(claim.object)[len(term):]
    word = _word(mono.source.meta.language, change)
    _retitle(data, mono, curie, mention=f"{word} x")
    mono = _load(data, name)
    found = polarity_findings([mono], VOCABULARY)
    linked = [c for c in mono.claims if any(t == claim.object for t, _ in c.linked_terms())]
    assert {f.focus for f in found} == {f"claim:{mono.id}/{c.id}" for c in linked}
    finding = next(f for f in found if f.focus.endswith(f"/{claim.id}"))
    assert finding.severity == "Warning" and word in finding.message and curie in finding.message
    assert str(finding.where).endswith(f"{claim.file.name}:{claim.line}")
    assert mono.mapping_file.name in str(finding.fix)
    # The term that says the same change is the right one: no warning.
    _retitle(data, mono, curie, label=f"{_word(FALLBACK, change)} x")
    assert polarity_findings([_load(data, name)], VOCABULARY) == []


def test_a_change_the_term_names_the_other_way_round_is_warned_about(data: Path) -> None:
    name = MONOGRAPHS[0]
    mono = _load(data, name)
    claim = next(c for c in mono.claims if c.object is not None and
                 str(c.object).startswith("http://id.nlm.nih.gov/mesh/"))
    curie = "MESH:" + str(claim.object)[len(VOCABULARY.prefixes["MESH"]):]
    _retitle(data, mono, curie, mention=f"{_word(mono.source.meta.language, 'Increase')} x",
             label=f"{_word(FALLBACK, 'Decrease')} x")
    assert any(f.focus.endswith(f"/{claim.id}")
               for f in polarity_findings([_load(data, name)], VOCABULARY))
