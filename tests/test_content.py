"""The curated content, claim by claim: what no shape can check. And bad mapping/coverage input.

One parametrised test walks every claim (test id = the claim id). The cues of each modality are
read from the language data of the source's language, so a quote that says "kan" or "blijkt" cannot be published as a plain
assertion; the curator notes the source needs (where it is wrong or outdated) are listed here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from monokg.check.modality import claim_findings, strengths
from monokg.cli import main
from monokg.curate.claims import Claim, load_monograph, normalise_quote
from monokg.curate.language import load_language
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.namespaces import MKG, OBO

from .conftest import literal

ROOT = Path(__file__).resolve().parents[1]
MONOGRAPH = ROOT / "data" / "monographs" / "l-glutamine-nl"
SSSOM = Path("data/mappings/l-glutamine-nl.sssom.tsv")
VOCABULARY = load_vocabulary(ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv")
_LOADED = load_monograph(MONOGRAPH, VOCABULARY, ROOT / "data" / "sources",
                         ROOT / "data" / "mappings")
CLAIMS = _LOADED.claims
MONOGRAPH_LANGUAGE = _LOADED.source.meta.language

#: Claims where the source is wrong, outdated or overstated -> words the curator note must hold.
NOTES = {
    "cellular-to-plasma-ratio": "20 to 30 times",
    "two-amino-groups": "amide",
    "glutamate-precursor-of-all-amino-acids": "essential amino acids cannot be made",
    "glutathione-contains-glutamine": "glutamate, cysteine and glycine",
    "used-for-glutathione": "glutamate, cysteine and glycine",
    "ammonia-excreted-as-ammonium": "protons",
    "glutamate-converted-into-gaba": "vitamin B6",
    "icu-parenteral-nutrition-proven": "REDOXS",
    "icu-parenteral-nearly-always-beneficial": "REDOXS",
    "prevents-sepsis": "REDOXS",
    "prevents-multiple-organ-failure": "REDOXS",
    "life-saving-intervention": "Overstated",
    "glp1-inhibits-beta-cell-apoptosis": "rodents",
    "glp1-promotes-beta-cell-proliferation": "rodents",
    "indication-peptic-ulcer": "not a peptic ulcer",
    "indication-ulcerative-colitis": "not a peptic ulcer",
    "chinese-restaurant-syndrome": "controlled studies have not confirmed",
    "indication-leaky-gut": "not a recognised diagnosis",
    "indication-metabolic-reprogramming": "Not a recognised diagnosis",
    "prevents-scar-tissue-in-animal-colitis": "typo",
    "up-to-065-g-per-kg-tolerated": "REDOXS",
    # Issue 18: the statements an expert review found wrong, outdated or unsafe without a caution.
    "deficiency-in-liver-cirrhosis": "raises blood ammonia",
    "deficiency-in-stress": "liver cirrhosis",
    "deficiency-in-critical-illness": "REDOXS",
    "no-abnormal-ammonia-levels": "cirrhosis",
    "generally-safe": "REDOXS",
    "muscle-detoxifies-ammonia-in-liver-failure": "raises blood ammonia",
    "need-rises-in-burns": "RE-ENERGIZE",
    "indication-wound-healing": "RE-ENERGIZE",
    "nutrient-for-wound-healing": "RE-ENERGIZE",
    "speeds-healing-on-artificial-nutrition": "REDOXS",
    "lasting-benefit-first-six-years": "Cochrane",
    "levels-fall-in-heavy-exertion": "Overstated",
    "most-used-in-muscle": "main producer",
    "protein-synthesis-stalls-without-glutamine": "Not shown in people",
    "supplementation-supports-epithelium-in-athletes": "Gleeson",
    "supplementation-stimulates-immune-system-in-athletes": "Gleeson",
    "deficiency-raises-allergy-risk": "not established",
    "indication-intensive-exercise": "Gleeson",
    "indication-complementary-to-chemo-radiotherapy": "ESPEN",
    "indication-gastritis": "Not supported",
}
#: Study settings the text names -> the claims that must record them.
SETTINGS = {
    "MESH:D000830": {"prevents-scar-tissue-in-animal-colitis"},
    "MESH:D007362": {"icu-parenteral-nutrition-proven", "icu-parenteral-nearly-always-beneficial",
                     "prevents-sepsis", "indication-sepsis", "prevents-multiple-organ-failure"},
    "MESH:D009359": {"neonates-fewer-gut-infections", "neonates-less-atopic-dermatitis",
                     "lasting-benefit-first-six-years"},
    "MESH:D056352": {"athletes-28-g-for-14-days", "athletes-no-negative-effects"},
}
#: Claims whose "kunnen" is ability ("can make"), not possibility: the modality check warns,
#: and the claim rightly stays Asserted.
ABILITY = {"long-thought-irrelevant-for-supplementation", "nearly-all-cells-make-glutamine",
           "healthy-people-make-enough",
           "gut-must-absorb-and-exclude"}
#: Claims the modality check warns about although the curated modality is right: a hedge in
#: words no cue list holds ("interessante stof"), an absence said without a word of negation
#: ("veilig", "in tegenstelling tot").
CHECKED_BY_HAND = {"of-interest-for-diabetes", "of-interest-for-obesity", "generally-safe",
                   "inactivity-no-stimulus"}
# A number in the quote (not part of a name such as GLP-1, E621, B6 or NH3).
_NUMBER = re.compile(r"(?<![\w-])\d+(?:,\d+)?(?![\w])")


def _cues() -> list[tuple[re.Pattern[str], int, str]]:
    """(cue as a whole-word pattern, strength, modality) from the source language's data."""
    onto = VOCABULARY.ontology
    language = load_language(MONOGRAPH_LANGUAGE)
    return [(cue.pattern, int(literal(onto, MKG[cue.meaning], MKG.strength)), cue.meaning)
            for cue in language.hedges]


CUES = _cues()


@pytest.fixture(scope="module")
def graph(built: Path) -> Graph:
    g = Graph()
    g.parse(built / "build" / "monokg.nt", format="nt")
    return g


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_claim(claim: Claim, graph: Graph) -> None:
    statement, quote = claim.statement, normalise_quote(claim.quote)
    assert statement and statement[0].isupper() and statement.endswith("."), statement
    assert statement.casefold() != quote.casefold(), "the statement must be English, not the quote"
    assert not re.search(r"\b(de|het|een|van|niet)\b", statement), "Dutch words in the statement"
    assert claim.evidence == OBO["ECO_0000303"], "the source cites no study"
    # The modality is no stronger than the weakest hedge in the quoted words, except where
    # "kunnen" means "be able to" (ABILITY), which no word list can tell from "may".
    strength = int(literal(VOCABULARY.ontology, claim.modality, MKG.strength))
    for pattern, cue_strength, modality in CUES:
        if pattern.search(quote) and claim.id not in ABILITY:
            assert strength <= cue_strength, f"quote says {pattern.pattern!r} ({modality})"
    # Doses and numbers are structured.
    if claim.relation == MKG.hasDosage:
        assert claim.quantity is not None and claim.quantity.is_dose, "a dosage needs a dose"
    if _NUMBER.search(quote):
        assert claim.quantity is not None, "a number in the quote needs a quantity or dose"
    # A negated claim asserts nothing; any other claim with an object states its triple.
    triple = (claim.subject, claim.relation, claim.object)
    if claim.negated:
        assert claim.object is not None, "say what is absent"
        others = [c for c in CLAIMS if not c.negated and
                  (c.subject, c.relation, c.object) == triple]
        assert others or triple not in graph
    elif claim.object is not None:
        assert triple in graph
    # Curator notes: where the source is wrong there is one; every note is English prose.
    if claim.id in NOTES:
        assert claim.note and NOTES[claim.id] in claim.note
    if claim.note:
        assert claim.note[0].isupper() or claim.note[0] == '"'
        assert claim.note.endswith("."), claim.note
    for setting, ids in SETTINGS.items():
        iri = VOCABULARY.expand(setting, Path(), None, "setting")
        assert (claim.id in ids) == (iri in claim.qualifiers.get(MKG.studySetting, [])), setting
    node = URIRef(f"https://w3id.org/monokg/claim/l-glutamine-nl/{claim.id}")
    assert (node, MKG.statement, Literal(statement, lang="en")) in graph


def test_every_section_but_the_empty_one_has_claims() -> None:
    per_section = {c.section.id for c in CLAIMS}
    sections = [s.id for s in load_monograph(MONOGRAPH, VOCABULARY, ROOT / "data" / "sources",
                                             ROOT / "data" / "mappings").source.sections]
    assert per_section == set(sections) - {"synergisme"}


def test_the_build_prints_the_coverage_figure(built: Path) -> None:
    rows = (built / "build" / "coverage.tsv").read_text(encoding="utf-8").splitlines()[1:]
    status = [r.split("\t")[6] for r in rows]
    assert "missing" not in status
    assert status.count("covered") / len(status) >= 0.95
    page = (built / "build" / "coverage.html").read_text(encoding="utf-8")
    assert "(o.a. AIDS)" in page and "heading" in page
    # A sentence split after "o.a." would leave "AIDS)" on its own.
    assert not any(r.split("\t")[9] == "AIDS)" for r in rows)


def _line_of(project: Path, relative: Path, needle: str) -> int:
    lines = (project / relative).read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if needle in text)


def _replace_in_line(project: Path, relative: Path, needle: str, old: str, new: str) -> int:
    path = project / relative
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = _line_of(project, relative, needle)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return line


def _demote_gastritis_row(project: Path) -> tuple[Path, int]:
    """Make the chosen term of 'gastritis' a mere closeMatch; the claim's line is then at fault."""
    _replace_in_line(project, SSSOM, GASTRITIS_ROW, "skos:exactMatch\t", "skos:closeMatch\t")
    return INDICATIES, _line_of(project, INDICATIES, "id: indication-gastritis")


GASTRITIS_ROW = "mention:gastritis\tgastritis\tskos:exactMatch\t\tMESH:D005756"
GLUTAMINE_ROW = "mention:l-glutamine\tL-glutamine\tskos:exactMatch\t\tCHEBI:18050"
UNCOVERED = Path("data/monographs/l-glutamine-nl/uncovered.yaml")
INDICATIES = Path("data/monographs/l-glutamine-nl/claims/06-indicaties.yaml")

BAD = {
    "unknown CURIE prefix in SSSOM": (
        lambda p: (SSSOM, _replace_in_line(p, SSSOM, GASTRITIS_ROW, "MESH:D005756",
                                           "MSH:D005756")),
        ["unknown prefix 'MSH'"]),
    "malformed MeSH id in SSSOM": (
        lambda p: (SSSOM, _replace_in_line(p, SSSOM, GASTRITIS_ROW, "MESH:D005756",
                                           "MESH:D05756")),
        ["'MESH:D05756' is malformed"]),
    "malformed ChEBI id in SSSOM": (
        lambda p: (SSSOM, _replace_in_line(p, SSSOM, GLUTAMINE_ROW, "CHEBI:18050",
                                           "CHEBI:18O50")),
        ["'CHEBI:18O50' is malformed"]),
    "mapping row without justification": (
        lambda p: (SSSOM, _replace_in_line(p, SSSOM, GASTRITIS_ROW,
                                           "semapv:ManualMappingCuration", "")),
        ["row has no mapping_justification"]),
    "claim whose term lost its mapping row": (
        lambda p: _demote_gastritis_row(p), ["indication-gastritis", "no mapping row"]),
    "dose with unknown unit": (
        lambda p: (Path("data/monographs/l-glutamine-nl/claims/10-dosering.yaml"),
                   _replace_in_line(p, Path("data/monographs/l-glutamine-nl/claims/"
                                            "10-dosering.yaml"),
                                    "kind: CommonlyUsedDose", "unit: g", "unit: gram")),
        ["unknown unit 'gram'"]),
    "unknown reason for an uncovered sentence": (
        lambda p: (UNCOVERED, _replace_in_line(p, UNCOVERED, "reason: heading", "heading",
                                               "boring")),
        ["unknown reason 'boring'"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_mapping_and_content_input_names_file_line_and_fix(case: str, project: Path) -> None:
    breaker, expected = BAD[case]
    relative, line = breaker(project)
    result = CliRunner().invoke(main, ["build", "--root", str(project)])
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 2, output
    assert f"{relative.name}:{line}:" in output, output
    for fragment in expected:
        assert fragment in output, output
    assert "fix:" in output
    assert not (project / "build").exists()


def test_a_sentence_neither_covered_nor_listed_fails_the_build(project: Path) -> None:
    path = project / UNCOVERED
    text = path.read_text(encoding="utf-8")
    start = text.index("  - section: werking")
    end = text.index("  - section: medische-relevantie")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(project)])
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 2, output
    assert "section 'werking', paragraph 3, sentence 1 is covered by no claim" in output
    assert "De belangrijkste functies van glutamine" in output and "fix:" in output


def test_sentences_do_not_end_at_dotted_abbreviations() -> None:
    from monokg.curate.sources import Paragraph

    text = "Immunodeficiëntie (o.a. AIDS) komt voor. Bijv. door stress, d.w.z. zware inspanning."
    para = Paragraph("s", 1, text, list(range(len(text))), 0, len(text))
    assert [text[a:b] for a, b in para.sentences()] == [
        "Immunodeficiëntie (o.a. AIDS) komt voor.",
        "Bijv. door stress, d.w.z. zware inspanning."]


def test_the_coverage_page_escapes_the_text() -> None:
    from monokg.curate.coverage import Coverage, SentenceCoverage
    from monokg.publish.coverage import to_html, to_tsv

    cov = Coverage("m", [SentenceCoverage("s", 1, 1, 0, 9, "a <b> & ‘c’", ["x-1"])])
    page = to_html([cov]).decode("utf-8")
    assert "a &lt;b&gt; &amp; ‘c’" in page and "<b>" not in page
    assert to_tsv([cov]).decode("utf-8").splitlines()[1].split("\t")[6:8] == ["covered", "x-1"]


def test_one_term_with_two_labels_in_the_mappings_is_refused(project: Path) -> None:
    path = project / "data" / "mappings" / "l-glutamine-nl.sssom.tsv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if "\tCHEBI:18050\tL-glutamine\t" in line)
    copy = lines[row].replace("mention:", "mention:x-", 1).replace(
        "\tCHEBI:18050\tL-glutamine\t", "\tCHEBI:18050\tL-Glutamine\t", 1)
    path.write_text("".join(lines) + copy, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 2, result.output
    assert f"l-glutamine-nl.sssom.tsv:{len(lines) + 1}:" in result.stderr
    assert "CHEBI:18050 is labelled 'L-Glutamine'" in result.stderr


def test_the_modality_check_warns_only_where_a_curator_has_looked() -> None:
    warned = {claim.id for claim in CLAIMS
              if claim_findings(claim, load_language(MONOGRAPH_LANGUAGE),
                                strengths(VOCABULARY.ontology), "en")}
    assert warned == ABILITY | CHECKED_BY_HAND


#: The cases an expert review found (issue 18): claim -> (relation, subject or None, object).
#: Each names what its sentence means: the raised permeability and not the barrier function,
#: the recovery and not the fall, the lowered s-IgA, muscle damage, a transient weakness of
#: immunity, the gut, the overtraining syndrome, and an object wherever the relation needs one.
REVIEWED = {
    "indication-increased-gut-permeability": ("indicatedFor", None,
                                              "concept:increased-intestinal-permeability"),
    "deficiency-may-raise-permeability": ("deficiencyLeadsTo", None,
                                          "concept:increased-intestinal-permeability"),
    "shortage-leads-to-muscle-damage": ("deficiencyLeadsTo", None, "concept:muscle-damage"),
    "low-availability-sign-of-overtraining": ("indicatorOf", "concept:glutamine-deficiency",
                                              "MESH:D000095027"),
    "shortens-hospital-stay": ("inhibits", None, "MESH:D007902"),
    "low-plasma-levels-in-overtrained-athletes": ("levelsDecreasedBy", None, "MESH:D000095027"),
    "prolonged-stress-immune-weakness": ("deficiencyLeadsTo", None, "concept:weakened-immunity"),
    "shortage-leads-to-immune-weakening": ("deficiencyLeadsTo", None,
                                           "concept:weakened-immunity"),
    "forty-percent-used-in-gut": ("usedBy", None, "MESH:D007422"),
    "up-to-065-g-per-kg-tolerated": ("toleratedBy", None, "MESH:D010361"),
    "low-salivary-iga-candida": ("associatedWith", "concept:low-secretory-iga",
                                 "MESH:D002177"),
    "low-salivary-iga-infections": ("associatedWith", "concept:low-secretory-iga",
                                    "MESH:D007239"),
    "levels-recover-within-hours": ("levelsRestoredAfter", None, "MESH:D005082"),
    "levels-recover-after-short-stress": ("levelsRestoredAfter", None, "MESH:D013312"),
    "long-thought-irrelevant-for-supplementation": ("describedAs", None, None),
    "nearly-all-cells-make-glutamine": ("producedBy", None, "MESH:D032342"),
    "involved-in-lipid-metabolism": ("participatesIn", None, "MESH:D050356"),
    "involved-in-carbohydrate-metabolism": ("participatesIn", None, "MESH:D050260"),
    "glutamate-excitatory-neurotransmitter": ("actsAs", "CHEBI:16015", "MESH:D018377"),
    "used-for-glutathione": ("precursorOf", None, "CHEBI:16856"),
}


@pytest.mark.parametrize("claim_id", sorted(REVIEWED))
def test_the_reviewed_cases_say_what_the_text_means(claim_id: str) -> None:
    relation, subject, obj = REVIEWED[claim_id]
    claim = next(c for c in CLAIMS if c.id == claim_id)
    expand = lambda curie: VOCABULARY.expand(curie, Path(), None, "term")
    assert claim.relation == MKG[relation]
    if subject is not None:
        assert claim.subject == expand(subject)
    assert claim.object == (None if obj is None else expand(obj))


def test_no_claim_links_a_term_that_drops_its_mentions_change() -> None:
    from monokg.check.polarity import polarity_findings

    assert polarity_findings([_LOADED], VOCABULARY) == []


def test_every_chemical_the_text_names_as_a_compound_is_the_neutral_form() -> None:
    """ChEBI's charged species at pH 7.3 and zwitterions are rejected rows, never chosen."""
    from monokg.curate.mappings import load_mapping_set

    rows = load_mapping_set(ROOT / SSSOM, VOCABULARY, _LOADED.id).rows
    chosen = {r.object_label for r in rows if not r.negated and r.object_curie.startswith(
        "CHEBI:") and r.predicate_curie == "skos:exactMatch"}
    assert not {label for label in chosen if re.search(r"\(\d?[+-]\)|zwitterion", label)}
    assert {"L-glutamic acid", "glutathione", "L-glutamine", "glycine"} <= chosen
    assert all(r.source_version for r in rows)
