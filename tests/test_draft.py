"""`monokg draft`: drafts for every uncovered sentence, whose quotes resolve, that the build
refuses until a curator accepts them; a second run adds only what is still uncovered.

Generic tests run on the test projects' monographs (claims removed, expectations read from the
project); the dose tests also run on the real monograph with its claims hidden.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from monokg.cli import main
from monokg.curate.claims import find_span, load_monograph
from monokg.curate.draft import DRAFTS_FOLDER, load_drafting, read_dose, to_drafts
from monokg.curate.vocabulary import load_vocabulary
from monokg.curate.yamlio import Node, load_yaml
from monokg.model.paths import ProjectPaths

from .conftest import ROOT

#: What drafting and `monokg check` read (a lighter copy than conftest's whole project).
PARTS = ("monokg.toml", "ontology", "shapes", "data")

EXTRA = ROOT / "tests" / "projects" / "three-languages"
TEST_MONOGRAPHS = sorted(p.parent.name for p in EXTRA.glob("data/monographs/*/monograph.yaml"))
REAL_MONOGRAPHS = sorted(p.parent.name for p in ROOT.glob("data/monographs/*/monograph.yaml"))


def copy_project(target: Path) -> Path:
    """The repository's project inputs that drafting and checking read."""
    target.mkdir(parents=True)
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def run(*args: str | Path) -> tuple[int, str]:
    """The CLI's exit code and all it printed (stdout and stderr)."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """The project plus the test monographs, whose claims are taken away (as if new)."""
    root = copy_project(tmp_path / "project")
    shutil.copytree(EXTRA / "data", root / "data", dirs_exist_ok=True)
    for mono in TEST_MONOGRAPHS:
        shutil.rmtree(root / "data" / "monographs" / mono / "claims")
    return root


def _draft_items(folder: Path) -> list[tuple[Path, str, Node]]:
    """(file, section id, claim node) of every claim in a monograph's drafts folder."""
    out = []
    for file in sorted((folder / DRAFTS_FOLDER).glob("*.yaml")):
        node = load_yaml(file)
        out += [(file, node["section"], item) for item in node["claims"]]
    return out


@pytest.mark.parametrize("mono_id", TEST_MONOGRAPHS + REAL_MONOGRAPHS)
def test_every_uncovered_sentence_gets_a_draft_whose_quote_resolves(fresh: Path,
                                                                   mono_id: str) -> None:
    folder = fresh / "data" / "monographs" / mono_id
    shutil.rmtree(folder / "claims", ignore_errors=True)
    (folder / "uncovered.yaml").unlink(missing_ok=True)
    code, out = run("draft", mono_id, "--root", fresh)
    assert code == 0, out
    paths = ProjectPaths(fresh)
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    mono = load_monograph(paths.monographs / mono_id, vocabulary, paths.sources, paths.mappings)
    items = _draft_items(paths.monographs / mono_id)
    spans = []
    for file, section_id, item in items:
        section = mono.source.section(section_id)
        assert section is not None
        span = find_span(item["quote"], section, mono.source.text, item.get("occurrence"),
                         file, item.line, item["id"])
        assert span.text == item["quote"], "the quote is the sentence as the source has it"
        spans.append((span.start, span.end))
        assert item["statement"] == "", "the English statement is the curator's to write"
    sentences = [para.raw_span(a, b) for section in mono.source.sections
                 for para in section.paragraphs for a, b in para.sentences()]
    uncovered = [s for s in sentences if not any(a < s[1] and b > s[0] for a, b in spans)]
    assert sentences and not uncovered
    # Every term a draft names is one a mapping file or the local concepts chose.
    known = "".join(p.read_text(encoding="utf-8") for p in paths.mappings.glob("*"))
    for file, _, _ in items:
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("#   ") and not line.endswith(": to map"):
                curie = line.split("': ", 1)[1].split()[0]
                local = curie.split(":", 1)[1]
                assert local in known, f"{file.name}: {curie} is no chosen term"


def test_the_build_refuses_drafts_with_file_and_line_until_accepted(fresh: Path) -> None:
    mono_id = TEST_MONOGRAPHS[0]
    assert run("draft", mono_id, "--root", fresh)[0] == 0
    folder = fresh / "data" / "monographs" / mono_id
    items = _draft_items(folder)
    code, out = run("check", "--root", fresh)
    assert code == 2, out
    for file, _, item in items:
        assert f"{DRAFTS_FOLDER}/{file.name}:{item.line}: draft claim {item['id']!r} is not " \
            "accepted yet" in out
    # A draft moved into claims/ unwritten is refused by the claims loader: no statement.
    (folder / "claims").mkdir()
    first = min((folder / DRAFTS_FOLDER).glob("*.yaml"))
    shutil.move(first, folder / "claims" / first.name)
    code, out = run("check", "--root", fresh)
    assert code == 2 and "has no 'statement'" in out, out


def test_a_second_run_keeps_edits_and_drafts_only_what_is_still_uncovered(fresh: Path) -> None:
    mono_id = TEST_MONOGRAPHS[-1]
    folder = fresh / "data" / "monographs" / mono_id
    assert run("draft", mono_id, "--root", fresh)[0] == 0
    files = sorted((folder / DRAFTS_FOLDER).glob("*.yaml"))
    edited = files[0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace('statement: ""', 'statement: "Edited by a curator."', 1),
                      encoding="utf-8")
    before = {p: p.read_bytes() for p in files}
    code, out = run("draft", mono_id, "--root", fresh)
    assert code == 0 and "0 new draft(s)" in out, out
    assert {p: p.read_bytes() for p in sorted((folder / DRAFTS_FOLDER).glob("*.yaml"))} \
        == before
    # Dropping the drafts of one file leaves its sentences uncovered: drafted again, in a new
    # file beside the untouched ones.
    dropped = files[-1]
    dropped_items = len(_draft_items(folder)) - sum(
        1 for f, _, _ in _draft_items(folder) if f != dropped)
    dropped.unlink()
    code, out = run("draft", mono_id, "--root", fresh)
    assert code == 0 and f"{dropped_items} new draft(s) in 1 file(s)" in out, out
    assert sorted(p.name for p in (folder / DRAFTS_FOLDER).glob("*.yaml")) == sorted(
        [p.name for p in files[:-1]] + [dropped.name])
    assert all(p.read_bytes() == before[p] for p in files[:-1])


def test_a_fully_curated_monograph_gets_no_drafts(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    shutil.copytree(EXTRA / "data", root / "data", dirs_exist_ok=True)
    every = sorted(p.parent.name for p in root.glob("data/monographs/*/monograph.yaml"))
    assert set(TEST_MONOGRAPHS) < set(every), "the real monographs too"
    for mono_id in every:
        code, out = run("draft", mono_id, "--root", root)
        assert code == 0 and "0 new draft(s) in 0 file(s)" in out, out
        assert not (root / "data" / "monographs" / mono_id / DRAFTS_FOLDER).exists()


def test_status_counts_covered_sentences_open_drafts_and_unmapped_mentions(fresh: Path
                                                                           ) -> None:
    mono_id = TEST_MONOGRAPHS[0]
    assert run("draft", mono_id, "--root", fresh)[0] == 0
    drafts = len(_draft_items(fresh / "data" / "monographs" / mono_id))
    code, out = run("draft", "--status", "--root", fresh)
    assert code == 0, out
    rows = {line.split("\t")[0]: line.split("\t") for line in out.splitlines()[1:]}
    assert set(TEST_MONOGRAPHS) <= set(rows)
    _name, sentences, covered, _excluded, open_drafts, undrafted, unmapped = rows[mono_id]
    assert (int(covered), int(open_drafts), int(undrafted)) == (0, drafts, 0)
    assert int(sentences) > 0 and int(unmapped) > 0
    other = rows[TEST_MONOGRAPHS[-1]]
    assert (int(other[2]), int(other[4]), int(other[5])) == (0, 0, int(other[1]))


def test_bad_input_unregistered_monograph_and_changed_source(fresh: Path) -> None:
    code, out = run("draft", "no-such-monograph", "--root", fresh)
    assert code == 2 and "'no-such-monograph' is not registered" in out, out
    assert "registered: " in out and TEST_MONOGRAPHS[0] in out
    mono_id = TEST_MONOGRAPHS[0]
    source = load_yaml(fresh / "data" / "monographs" / mono_id / "monograph.yaml")["source"]
    meta = fresh / "data" / "sources" / f"{source}.yaml"
    kept = meta.read_bytes()
    meta.unlink()
    code, out = run("draft", mono_id, "--root", fresh)
    assert code == 2 and f"the source {source!r} of monograph {mono_id!r} is not " \
        "registered" in out, out
    meta.write_bytes(kept)
    text = fresh / "data" / "sources" / f"{source}.txt"
    text.write_bytes(text.read_bytes() + b" ")
    code, out = run("draft", mono_id, "--root", fresh)
    assert code == 2 and "checksum mismatch" in out, out
    assert not (fresh / "data" / "monographs" / mono_id / DRAFTS_FOLDER).exists()


def test_a_language_without_data_gets_drafts_without_suggestions_and_a_note(fresh: Path
                                                                            ) -> None:
    # A monograph whose headings have English labels: an English source may leave them out.
    mono_id = next(m for m in TEST_MONOGRAPHS if all(
        "label_en" in s for s in load_yaml(fresh / "data" / "monographs" / m /
                                           "monograph.yaml")["sections"]))
    header = load_yaml(fresh / "data" / "monographs" / mono_id / "monograph.yaml")
    meta = fresh / "data" / "sources" / f"{header['source']}.yaml"
    written = meta.read_text(encoding="utf-8")
    language = load_yaml(meta)["language"]
    # x-... is a private-use tag: no language will ever have a file for it.
    meta.write_text(written.replace(f"language: {language}", "language: x-unknown"),
                    encoding="utf-8")
    code, out = run("draft", mono_id, "--root", fresh)
    assert code == 0, out
    assert "warning: no language data for 'x-unknown'" in out
    items = _draft_items(fresh / "data" / "monographs" / mono_id)
    assert items and all(item["kind"] == "" and item["modality"] == ""
                         and "negated" not in item and "dose" not in item
                         for _, _, item in items)
    assert all("# note: no language data" in f.read_text(encoding="utf-8")
               for f in {f for f, _, _ in items})


@pytest.mark.parametrize(("tag", "text", "expected"), [
    ("nl", "Men gebruikt 600 tot 1200 mg per dag.", {"min": 600, "max": 1200, "unit": "mg",
                                                     "period": "P1D"}),
    ("nl", "Dagdoseringen tot 0,65 gr/kg lichaamsgewicht.",
     {"max": Decimal("0.65"), "unit": "g", "per_body_mass": "kg", "period": "P1D"}),
    ("nl", "Neem tussen de vijf en tien gram, verdeeld over drie porties.",
     {"min": 5, "max": 10, "unit": "g", "divided": True}),
    ("en", "Take 5-10 g daily, at least half an hour before meals.",
     {"min": 5, "max": 10, "unit": "g", "period": "P1D", "timing": "BeforeMeal",
      "min_offset": "PT30M"}),
    ("en", "Up to 0.3 g/kg was tolerated for 2 weeks.",
     {"max": Decimal("0.3"), "unit": "g", "per_body_mass": "kg", "duration": "P14D",
      "kind": "ToleratedDose"}),
])
def test_dose_patterns_of_the_language_data(tag: str, text: str,
                                            expected: dict[str, object]) -> None:
    vocabulary = load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv")
    dose = read_dose(text, load_drafting(tag), vocabulary)
    assert dose is not None
    got = {k: Decimal(str(v)) if isinstance(v, float) else v for k, v in dose.fields.items()}
    assert {k: got.get(k) for k in expected} == expected, dose.why


def test_real_monograph_as_if_new_finds_its_dose_ranges_and_per_kg_doses(tmp_path: Path
                                                                          ) -> None:
    root = copy_project(tmp_path / "project")
    paths = ProjectPaths(root)
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    for folder in sorted(p.parent for p in paths.monographs.glob("*/monograph.yaml")):
        curated = load_monograph(folder, vocabulary, paths.sources, paths.mappings)
        doses = [c for c in curated.claims if c.quantity is not None and c.quantity.is_dose]
        shutil.rmtree(folder / "claims")
        plan = to_drafts(paths, folder.name, exclude_mappings=(folder.name,))
        ranges = [c for c in doses if c.quantity and c.quantity.low and c.quantity.high]
        per_kg = [c for c in doses if c.quantity and c.quantity.per_body_mass]
        for claim in ranges + per_kg:
            quantity = claim.quantity
            assert quantity is not None
            draft = next(d for d in plan.drafts if d.start <= claim.span.start < d.end)
            assert draft.dose is not None, claim.id
            fields = draft.dose.fields
            got = tuple(Decimal(str(fields[k])) if k in fields else None
                        for k in ("min", "max"))
            assert got == (quantity.low, quantity.high), claim.id
            assert fields.get("per_body_mass") == quantity.per_body_mass, claim.id
            assert fields["unit"] == quantity.unit, claim.id


def test_the_evaluation_prints_its_table() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "draft_eval.py")],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    for measure in ("kind agrees", "modality agrees", "negation agrees", "dose amount exact",
                    "mention recall, found", "mention precision, all drafted"):
        assert f"| {measure} |" in result.stdout
    assert "held out" in result.stdout and "own mappings too" in result.stdout
