"""Every example query in queries/ runs against the built graph and gives its expected answer.

The expected answers are the project's data, beside each query: ``<name>.expected.tsv`` is the
query's answer in the SPARQL 1.1 TSV results format, as ``monokg query -f queries/<name>.rq
--format tsv`` writes it, compared as a multiset of rows. The other tests hold for any project:
every query names the monograph and its language of each row, filters on no language and names
no term except as a parameter's default.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from monokg.model.config import load_publication
from monokg.model.curies import project_converter
from monokg.model.paths import ProjectPaths
from monokg.surfaces.query import (
    bind_parameters,
    declared_parameters,
    load_store,
    store_files,
)

from .conftest import solutions

QUERIES = Path(__file__).resolve().parents[1] / "queries"
NAMES = sorted(p.stem for p in QUERIES.glob("*.rq"))
MKG = "https://w3id.org/monokg/ontology/"


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    """The store `monokg query` answers from, over the built project."""
    return load_store(store_files(ProjectPaths(built)))


def answer(store: ox.Store, sparql: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """Variables and rows (terms in N-Triples syntax, '' unbound) of a SELECT query."""
    result = solutions(store, sparql)
    variables = [v.value for v in result.variables]
    rows = [tuple("" if s[v] is None else str(s[v]) for v in variables) for s in result]
    return variables, rows


def expected(name: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """The expected answer of a query, read from its .expected.tsv (SPARQL TSV results)."""
    result = ox.parse_query_results(path=QUERIES / f"{name}.expected.tsv",
                                    format=ox.QueryResultsFormat.TSV)
    assert isinstance(result, ox.QuerySolutions)
    variables = [v.value for v in result.variables]
    return variables, [tuple("" if s[v] is None else str(s[v]) for v in variables)
                       for s in result]


def query_text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def test_every_query_has_a_question_header_and_an_expected_answer() -> None:
    assert NAMES, "queries/*.rq: the example queries are the contract with users"
    for name in NAMES:
        assert query_text(name).startswith("# Question: "), name
        assert (QUERIES / f"{name}.expected.tsv").is_file(), name


@pytest.mark.parametrize("name", NAMES)
def test_the_query_gives_its_expected_answer(store: ox.Store, name: str) -> None:
    variables, rows = answer(store, query_text(name))
    want_variables, want_rows = expected(name)
    assert variables == want_variables
    assert rows, f"{name} answers nothing"
    assert sorted(rows) == sorted(want_rows)


@pytest.mark.parametrize("name", NAMES)
def test_every_row_names_its_monograph_and_language(store: ox.Store, name: str) -> None:
    variables, rows = answer(store, query_text(name))
    assert variables[:2] == ["monograph", "language"]
    monographs = {str(s["m"]) for s in solutions(
        store, f"SELECT ?m WHERE {{ ?m a <{MKG}Monograph> }}")}
    assert {row[0] for row in rows} <= monographs
    assert all(row[1] for row in rows)


@pytest.mark.parametrize("name", NAMES)
def test_no_query_filters_on_a_named_language(name: str) -> None:
    text = "\n".join(line for line in query_text(name).splitlines()
                     if not line.lstrip().startswith("#"))
    assert not re.search(r'"[^"\n]*"@[A-Za-z]', text), \
        f"{name}: a language-tagged literal pins the query to one language"
    assert not re.search(r'lang\s*\([^)]*\)\s*=\s*"', text, re.IGNORECASE), \
        f"{name}: compare a language with the monograph's, not with a named language"


@pytest.mark.parametrize("name", NAMES)
def test_no_query_names_a_term_except_as_a_parameter_default(name: str) -> None:
    """Terms of the vocabularies the data links to (ChEBI, MeSH, local concepts) appear only in
    the VALUES block or BIND a query declares as a parameter."""
    text = query_text(name)
    for start, end, _ in sorted(declared_parameters(text).values(), reverse=True):
        text = text[:start] + text[end:]
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    named = re.findall(r"<(?:http://id\.nlm\.nih\.gov/mesh/|http://purl\.obolibrary\.org/obo/"
                       r"|https?://[^>\s]*/concept/[^>\s])[^>\s]*>", code)
    assert not named, f"{name}: make {named} a parameter with a documented default"


def test_a_parameter_replaces_the_default_the_query_declares(built: Path,
                                                             store: ox.Store) -> None:
    """about-term asked about the subject of a monograph lists the claims with that role."""
    text = query_text("about-term")
    assert "term" in declared_parameters(text)
    base = load_publication(built / "monokg.toml").base
    subject = next(iter(solutions(store, f"SELECT ?s WHERE {{ ?m a <{MKG}Monograph> ; "
                                  "<http://purl.org/dc/terms/subject> ?s }")))["s"]
    curie = project_converter(base).compact(subject.value)
    variables, rows = answer(store, bind_parameters(text, [f"term={curie}"], base))
    with_role = {str(s["c"]) for s in solutions(
        store, f"SELECT ?c WHERE {{ ?c <{MKG}subject> <{subject.value}> }}")}
    claims = {row[variables.index("claim")] for row in rows
              if row[variables.index("role")] == f"<{MKG}subject>"}
    assert claims == with_role and claims
    assert rows != expected("about-term")[1]


def test_a_parameter_the_query_does_not_declare_is_refused() -> None:
    from monokg.model.errors import InputError
    with pytest.raises(InputError, match=r"declares no parameter \?nope") as caught:
        bind_parameters(query_text("about-term"), ["nope=MESH:D005756"], MKG)
    assert "?term" in (caught.value.fix or "")


def test_a_bind_of_a_constant_is_a_parameter_too() -> None:
    sparql = 'SELECT ?x WHERE { BIND ("a(b" AS ?x) } # BIND (1 AS ?y)'
    assert set(declared_parameters(sparql)) == {"x"}
    assert bind_parameters(sparql, ['x="c"@de'], MKG) == (
        'SELECT ?x WHERE { BIND ("c"@de AS ?x) } # BIND (1 AS ?y)')


def test_hedged_claims_are_weaker_than_established_strongest_first(store: ox.Store) -> None:
    established = next(iter(solutions(
        store, f"SELECT ?s WHERE {{ <{MKG}Established> <{MKG}strength> ?s }}")))["s"]
    strengths = [int(s["strength"].value) for s in solutions(store, query_text("hedged-claims"))]
    assert strengths == sorted(strengths, reverse=True)
    assert strengths and max(strengths) < int(established.value)


UPDATE_WORDS = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE)


@pytest.mark.parametrize("query", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_comments_do_not_read_as_an_update_to_common_clients(query: Path) -> None:
    """SPARQLWrapper guesses the query type from the first keyword, comments included."""
    comments = "\n".join(line for line in query.read_text(encoding="utf-8").splitlines()
                         if line.lstrip().startswith("#"))
    assert not UPDATE_WORDS.search(comments), f"reword the comment in {query.name}"
