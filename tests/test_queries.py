"""Every example query in queries/ runs against the built graph and gives its expected answer.

Small answers are written here; large ones are data beside the query (``<name>.expected.tsv``),
compared as sets of rows so that row order does not matter where the query does not fix it.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from monokg.surfaces.query import Table, load_store, run_select

QUERIES = Path(__file__).resolve().parents[1] / "queries"
MKG = "https://w3id.org/monokg/ontology/"
CLAIM = "https://w3id.org/monokg/claim/l-glutamine-nl/"
SHORT = {"http://id.nlm.nih.gov/mesh/": "MESH:", "https://w3id.org/monokg/concept/": "concept:",
         "http://purl.obolibrary.org/obo/CHEBI_": "CHEBI:", CLAIM: "", MKG: "",
         "https://w3id.org/monokg/paragraph/l-glutamine-nl/": "",
         "http://www.w3.org/2004/02/skos/core#": "skos:"}


def short(value: str | None) -> str:
    """An IRI as the CURIE or local name the expected answers use; None as ''."""
    if value is None:
        return ""
    for namespace, prefix in SHORT.items():
        if value.startswith(namespace):
            return prefix + value[len(namespace):]
    return value


@pytest.fixture(scope="module")
def ask(built: Path):
    """Run a query file of queries/ over the built data and the released ontology."""
    store = load_store([built / "build" / "monokg.nt", built / "build" / "monokg.owl.ttl"])

    def run(name: str) -> Table:
        return run_select(store, (QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    return run


def expected(name: str) -> list[dict[str, str]]:
    with (QUERIES / f"{name}.expected.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def rows(table: Table) -> list[dict[str, str]]:
    return [{v: short(c) for v, c in zip(table.variables, row, strict=True)}
            for row in table.rows]


def test_every_query_has_a_question_header_and_a_test() -> None:
    names = sorted(p.stem for p in QUERIES.glob("*.rq"))
    assert names == sorted(TESTED)
    for name in names:
        first = (QUERIES / f"{name}.rq").read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# Question: "), name


def test_indications_are_the_eleven_listed_with_their_terms(ask) -> None:
    answer = rows(ask("indications"))
    assert {(int(r["item"]), r["term"]) for r in answer} == {
        (1, "MESH:D000088562"), (2, "MESH:D015444"), (3, "concept:glutathione-biosynthesis"),
        (4, "MESH:D007153"), (4, "MESH:D000163"), (5, "MESH:D013375"), (6, "MESH:D005756"),
        (7, "MESH:D010437"), (7, "MESH:D003093"),
        (8, "concept:motor-and-sensory-overstimulation"), (9, "MESH:D000529"),
        (10, "concept:leaky-gut-syndrome"), (11, "concept:metabolic-reprogramming-indication"),
    }
    assert len({r["item"] for r in answer}) == 11
    by_term = {r["term"]: r for r in answer}
    assert by_term["MESH:D010437"]["label"] == "Peptic Ulcer"
    assert by_term["MESH:D010437"]["quote"] == "ulcera in maag en duodenum (ook colitis ulcerosa)"
    assert by_term["concept:leaky-gut-syndrome"]["label"] == "leaky gut syndrome"
    assert by_term["MESH:D000163"]["label"] == "Acquired Immunodeficiency Syndrome"
    assert all(r["label"] and r["quote"] for r in answer)


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def test_doses_give_every_range_unit_and_qualifier(ask) -> None:
    numeric = ("value", "min", "max")
    want = expected("doses")
    columns = list(want[0])

    def key(row: dict[str, str]) -> tuple[object, ...]:
        return tuple(_number(row[k]) if k in numeric else row[k] for k in columns)
    answer = rows(ask("doses"))
    assert {key(r) for r in answer} == {key(r) for r in want}
    by_claim = {r["claim"]: r for r in answer}
    assert by_claim["up-to-40-g-in-bone-marrow-transplantation"]["context"] == "MESH:D016026"
    assert by_claim["dose-commonly-used"]["quote"].startswith("Een veel gebruikte dagdosering")


def test_safety_lists_every_safety_claim_and_the_stated_absences(ask) -> None:
    answer = rows(ask("safety"))
    got = {(r["claim"], r["kind"].removesuffix("Claim"), r["negated"]) for r in answer}
    assert got == {(r["claim"], r["kind"], r["negated"]) for r in expected("safety")}
    by_claim = {r["claim"]: r for r in answer}
    assert by_claim["no-known-contraindications"]["negated"] == "true"
    assert by_claim["no-known-side-effects"]["modality"] == "AsFarAsKnown"
    assert (by_claim["generally-safe"]["negated"], by_claim["generally-safe"]["note"]) == ("true", "")
    assert by_claim["chinese-restaurant-syndrome"]["note"].startswith("Outdated label")


def test_everything_about_one_term_with_paragraph_and_quote(ask) -> None:
    answer = rows(ask("about-term"))
    assert {(r["claim"], r["role"]) for r in answer} == {
        (r["claim"], "studySetting" if r["role"] == "setting" else r["role"])
        for r in expected("about-term")}
    by_claim = {r["claim"]: r for r in answer}
    assert by_claim["substrate-for-intestinal-mucosa"]["paragraph"] == "werking-1"
    assert by_claim["substrate-for-intestinal-mucosa"]["quote"] == (
        "Het is een belangrijk substraat voor sneldelende cellen, zoals die van de darmmucosa")


def test_hedged_claims_are_those_weaker_than_established(ask) -> None:
    answer = rows(ask("hedged-claims"))
    assert {(r["claim"], r["modality"]) for r in answer} == {
        (r["claim"], r["modality"]) for r in expected("hedged-claims")}
    assert "icu-parenteral-nutrition-proven" not in {r["claim"] for r in answer}
    strengths = [int(r["strength"]) for r in answer]
    assert strengths == sorted(strengths, reverse=True) and max(strengths) == 5


def test_local_concepts_are_the_mentions_without_a_standard_term(ask) -> None:
    answer = rows(ask("local-concepts"))
    assert {r["concept"] for r in answer} == {
        "concept:chinese-restaurant-syndrome", "concept:glutamine-deficiency",
        "concept:glutathione-biosynthesis", "concept:leaky-gut-syndrome",
        "concept:metabolic-reprogramming-indication", "concept:motor-and-sensory-overstimulation",
        "concept:muscle-building", "concept:overtraining", "concept:palpitations",
        "concept:urea-cycle"}
    leaky = {(r["match"], r["nearest"]) for r in answer
             if r["concept"] == "concept:leaky-gut-syndrome"}
    assert leaky == {("skos:closeMatch", "MESH:D000095644"), ("skos:broadMatch", "MESH:D007410")}
    assert {r["mention"] for r in answer if r["concept"] == "concept:leaky-gut-syndrome"} == {
        "leaky gut syndrom"}


def test_claims_per_section_counts_every_section(ask) -> None:
    answer = [(int(r["order"]), r["heading"], int(r["claims"]), int(r["negated"]))
              for r in rows(ask("claims-per-section"))]
    assert answer == [
        (1, "Beschrijving", 23, 0), (2, "Werking", 82, 0), (3, "Sport", 20, 1),
        (4, "Medische relevantie", 60, 0), (5, "Veiligheid", 23, 4), (6, "Indicaties", 13, 0),
        (7, "Contra-Indicaties", 1, 1), (8, "Bijwerkingen", 1, 1), (9, "Interacties", 2, 0),
        (10, "Dosering", 9, 0), (11, "Synergisme", 0, 0)]


TESTED = ("claims-per-section", "indications", "doses", "safety", "about-term", "hedged-claims", "local-concepts")


UPDATE_WORDS = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE)


@pytest.mark.parametrize("query", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_comments_do_not_read_as_an_update_to_common_clients(query: Path) -> None:
    """SPARQLWrapper guesses the query type from the first keyword, comments included."""
    comments = "\n".join(line for line in query.read_text(encoding="utf-8").splitlines()
                         if line.lstrip().startswith("#"))
    assert not UPDATE_WORDS.search(comments), f"reword the comment in {query.name}"
