"""Segmentation of the source: sections, paragraphs, PDF line breaks, offsets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monokg.curate.claims import load_monograph
from monokg.curate.sources import SectionSpec, SourceMeta, WordBreaks, segment
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.errors import InputErrors
from monokg.model.paths import ProjectPaths

from .conftest import ROOT


@pytest.fixture(scope="module")
def mono():
    paths = ProjectPaths(ROOT)
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    return load_monograph(paths.monographs / "l-glutamine-nl", vocabulary, paths.sources,
                          paths.mappings)


def test_every_declared_section_is_found_in_order(mono) -> None:
    headings = [s.heading for s in mono.source.sections]
    assert headings == ["Beschrijving", "Werking", "Sport", "Medische relevantie", "Veiligheid",
                        "Indicaties", "Contra-Indicaties", "Bijwerkingen", "Interacties",
                        "Dosering", "Synergisme"]
    starts = [s.heading_start for s in mono.source.sections]
    assert starts == sorted(starts)
    assert mono.source.section("werking").heading_start == 1609


def test_the_empty_last_section_is_kept_empty(mono) -> None:
    last = mono.source.sections[-1]
    assert last.id == "synergisme"
    assert last.paragraphs == []


def test_bullets_are_paragraphs_of_their_own(mono) -> None:
    indications = mono.source.section("indicaties").paragraphs
    assert len(indications) == 11
    assert all(p.list_item for p in indications)
    assert indications[4].text == ("ontwenningsverschijnselen van alcoholisme en verslavingen "
                                   "in zijn algemeenheid")
    assert (indications[6].start, indications[6].end) == (15683, 15732)


@pytest.mark.parametrize("word", ["DNA-bouwstoffen", "glucagonlike-peptide-1", "s-IgA-depletie"])
def test_hyphens_that_belong_to_the_word_are_kept(mono, word: str) -> None:
    texts = " ".join(p.text for s in mono.source.sections for p in s.paragraphs)
    assert word in texts


def test_clean_text_maps_back_to_the_raw_characters(mono, raw_source: str) -> None:
    for section in mono.source.sections:
        for para in section.paragraphs:
            assert len(para.raw_offsets) == len(para.text)
            for clean_char, raw_index in zip(para.text, para.raw_offsets, strict=True):
                if clean_char != " ":
                    assert raw_source[raw_index] == clean_char
            raw_words = re.sub(r"-\s*\n\s*", "-", raw_source[para.start:para.end]).split()
            assert para.text.split() == raw_words


def test_a_split_word_is_rejoined_when_the_text_knows_the_whole_word(tmp_path: Path) -> None:
    text = "Kop \n\nHet wordt ge-\n\nbruikt. Elders gebruikt men het. DNA-\n\nbouwstof. \n\n \n\nEinde. "
    file = tmp_path / "t.txt"
    file.write_text(text, encoding="utf-8")
    meta = SourceMeta("t", file, "T", "nl", "", "", 0, len(text))
    source = segment(meta, text, [SectionSpec("kop", "Kop", "Heading", 1)], tmp_path / "m.yaml")
    first, second = source.sections[0].paragraphs
    assert first.text == "Het wordt gebruikt. Elders gebruikt men het. DNA-bouwstof."
    assert second.text == "Einde."
    assert text[first.start:first.end].startswith("Het wordt ge-")


def test_the_monographs_word_list_decides_before_the_text(tmp_path: Path) -> None:
    text = "Kop \n\nHet wordt ge-\n\nbruikt. Elders gebruikt men het. DNA-\n\nbouwstof. \n\n"
    file = tmp_path / "t.txt"
    file.write_text(text, encoding="utf-8")
    meta = SourceMeta("t", file, "T", "nl", "", "", 0, len(text))
    specs = [SectionSpec("kop", "Kop", "Heading", 1)]
    words = WordBreaks(tmp_path / "m.yaml", join={"dnabouwstof": 7}, keep={"ge-bruikt": 8})
    source = segment(meta, text, specs, tmp_path / "m.yaml", words)
    assert source.sections[0].paragraphs[0].text == \
        "Het wordt ge-bruikt. Elders gebruikt men het. DNAbouwstof."
    unused = WordBreaks(tmp_path / "m.yaml", join={"nergens": 9})
    with pytest.raises(InputErrors) as caught:
        segment(meta, text, specs, tmp_path / "m.yaml", unused)
    [error] = caught.value.errors
    assert (error.file, error.line) == (tmp_path / "m.yaml", 9) and "'nergens'" in error.message


def test_an_abbreviation_after_a_letter_that_case_folds_longer_ends_no_sentence(
        tmp_path: Path) -> None:
    # "ß" folds to "ss": a case-folded copy of the text would put the period elsewhere.
    text = "Kop \n\nDer Großteil liegt im Knochen; der Körper enthält ca. \n25 g davon. Ende.\n\n"
    file = tmp_path / "t.txt"
    file.write_text(text, encoding="utf-8")
    meta = SourceMeta("t", file, "T", "de", "", "", 0, len(text))
    source = segment(meta, text, [SectionSpec("kop", "Kop", "Heading", 1)], tmp_path / "m.yaml",
                     abbreviations=("ca.",))
    [paragraph] = source.sections[0].paragraphs
    assert [paragraph.text[a:b] for a, b in paragraph.sentences()] == [
        "Der Großteil liegt im Knochen; der Körper enthält ca. 25 g davon.", "Ende."]
