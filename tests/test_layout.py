"""One dataset layout on every surface: the example queries answer the same embedded
(`monokg query`), through `monokg serve`, on the Oxigraph server and on Virtuoso after
`monokg load`, and on Virtuoso after its own bulk loader read the TriG.

The layout (README, "Publishing"): data, ontology and dataset metadata each in a named graph
below the dataset IRI, and the default graph is their union. No store is told which graph to
query: the queries are sent as they are, without ``default-graph-uri``. Answers are compared
as RDF terms (kind, lexical form, datatype, language), never normalised. Two stores change
values, as the README documents: Oxigraph (the embedded store, so `monokg query` and `monokg
serve`, and the Oxigraph server) keeps a literal of a type derived from xsd:integer as
xsd:integer (``oxigraph_spelling``), Virtuoso writes durations and booleans its own way
(``virtuoso_spelling``). The Virtuoso test applies exactly these two rewritings, each to the
answer of the store that does not make it, so any other difference fails the test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from monokg.assemble.metadata import GRAPH_PARTS, dataset_iri, graph_iri
from monokg.cli import main
from monokg.model.config import load_publication

from .conftest import ROOT
from .servers import (
    XSD,
    Store,
    free_port,
    oxigraph_server,
    stop,
    virtuoso_server,
    wait_for,
)

QUERIES = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))}
#: The layout itself, as a query: every graph below the dataset IRI and its number of triples.
GRAPHS = "graphs.rq"

#: A term as compared: (uri | bnode | literal, lexical form, datatype, language tag).
Term = tuple[str, str, str | None, str | None] | None
Row = tuple[Term, ...]


def graphs_query(dataset: str) -> str:
    return ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER (STRSTARTS(STR(?g), "{dataset}/")) }} GROUP BY ?g')


def rows(document: dict) -> list[Row]:
    """A SPARQL JSON SELECT answer as sorted rows of terms. Virtuoso writes the SPARQL 1.0
    JSON type ``typed-literal`` for a literal with a datatype: the same term, so it is read
    as ``literal``; blank nodes are compared by kind only (their labels are the store's)."""
    variables = document["head"]["vars"]
    found = []
    for binding in document["results"]["bindings"]:
        row: list[Term] = []
        for name in variables:
            term = binding.get(name)
            if term is None:
                row.append(None)
            elif term["type"] == "bnode":
                row.append(("bnode", "", None, None))
            else:
                kind = "literal" if term["type"] == "typed-literal" else term["type"]
                row.append((kind, term["value"], term.get("datatype"), term.get("xml:lang")))
        found.append(tuple(row))
    return sorted(found, key=repr)


#: The XML Schema types derived from xsd:integer, which Oxigraph stores as xsd:integer.
INTEGER_DERIVED = {XSD + t for t in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long",
    "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


def oxigraph_spelling(term: Term) -> Term:
    """A term as Oxigraph returns it (README, "Publishing: what each store changes"): a
    literal of a type derived from xsd:integer comes back as xsd:integer, the same number."""
    if term is not None and term[0] == "literal" and term[2] in INTEGER_DERIVED:
        return term[0], term[1], XSD + "integer", term[3]
    return term


def virtuoso_spelling(term: Term) -> Term:
    """A term as Virtuoso returns it (README, "Publishing: Virtuoso"): an xsd:duration as its
    number of seconds written as a double ("P1D" -> "86400.0", "P14D" -> "1.2096e+06"), an
    xsd:boolean as "1" or "0"; both keep their datatype. Every other term is unchanged."""
    if term is None or term[0] != "literal":
        return term
    kind, value, datatype, lang = term
    if datatype == XSD + "boolean":
        return kind, {"true": "1", "false": "0"}[value], datatype, lang
    if datatype == XSD + "duration":
        days, _, clock = value.removeprefix("P").partition("T")
        assert "Y" not in days and "M" not in days, f"no year-month durations: {value}"
        seconds = Decimal(days.removesuffix("D") or 0) * 86400
        for unit, size in (("H", 3600), ("M", 60), ("S", 1)):
            if unit in clock:
                number, clock = clock.split(unit, 1)
                seconds += Decimal(number) * size
        text = f"{float(seconds):g}"
        return kind, text if "." in text or "e" in text else text + ".0", datatype, lang
    return term


def ask(endpoint: str, sparql: str) -> list[Row]:
    """The query sent as it is (GET, no dataset parameters), its JSON answer as rows."""
    url = f"{endpoint}?{urllib.parse.urlencode({'query': sparql})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=120) as answer:
        return rows(json.loads(answer.read()))


def every_answer(endpoint: str, dataset: str) -> dict[str, list[Row]]:
    answers = {name: ask(endpoint, sparql) for name, sparql in QUERIES.items()}
    answers[GRAPHS] = ask(endpoint, graphs_query(dataset))
    return answers


def load(built: Path, store: Store) -> None:
    args = ["load", "--root", str(built), "--endpoint", store.gsp]
    if store.user:
        args += ["--user", store.user, "--password", store.password or ""]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def dataset(built: Path) -> str:
    return str(dataset_iri(load_publication(built / "monokg.toml")))


@pytest.fixture(scope="module")
def embedded(built: Path, dataset: str) -> dict[str, list[Row]]:
    """`monokg query --format json`, the embedded store, as a user runs it."""
    answers = {}
    for name, sparql in {**QUERIES, GRAPHS: graphs_query(dataset)}.items():
        result = CliRunner().invoke(main, ["query", "--root", str(built), "--format", "json",
                                           sparql])
        assert result.exit_code == 0, result.output
        answers[name] = rows(json.loads(result.output))
    return answers


@pytest.fixture(scope="module")
def served(built: Path, dataset: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[dict[str, list[Row]]]:
    """`monokg serve` as a user starts it, asked through its /sparql."""
    port = free_port()
    log = (tmp_path_factory.mktemp("serve") / "serve.log").open("wb")
    process = subprocess.Popen([str(Path(sys.executable).parent / "monokg"), "serve", "--root",
                                str(built), "--port", str(port)], stdout=log, stderr=log,
                               stdin=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/sparql", process, 60)
        yield every_answer(f"http://127.0.0.1:{port}/sparql", dataset)
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="module")
def oxigraph_loaded(built: Path, dataset: str, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[dict[str, list[Row]]]:
    """The Oxigraph server (``--union-default-graph``) after `monokg load`."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), union=True) as store:
        load(built, store)
        yield every_answer(store.query, dataset)


@pytest.fixture(scope="module")
def virtuoso(built: Path, dataset: str, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[dict[str, dict[str, list[Row]]]]:
    """One Virtuoso, asked after `monokg load`, then emptied and asked again after its bulk
    loader (``ld_dir`` + ``rdf_loader_run`` through isql) read the release's TriG."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as store:
        load(built, store)
        after_load = every_answer(store.query, dataset)
        assert store.folder is not None
        trig = built / "build" / f"{load_publication(built / 'monokg.toml').dataset}.trig"
        (store.folder / trig.name).write_bytes(trig.read_bytes())
        drops = " ".join(f"SPARQL CLEAR GRAPH <{g}>;" for g in (
            graph_iri(load_publication(built / "monokg.toml"), part) for part in GRAPH_PARTS))
        script = (f"{drops} ld_dir('.', '{trig.name}', 'urn:monokg:unused'); "
                  "rdf_loader_run(); checkpoint; "
                  "select ll_file, ll_error from DB.DBA.load_list where ll_error is not null;")
        done = subprocess.run([*store.isql, f"exec={script}"], capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0 and "0 Rows" in done.stdout, done.stdout + done.stderr
        yield {"load": after_load, "bulk": every_answer(store.query, dataset)}


def test_the_layout_is_three_named_graphs_below_the_dataset(
        embedded: dict[str, list[Row]], dataset: str, built: Path) -> None:
    """The embedded store names exactly the three parts, with the bulk files' triples."""
    publication = load_publication(built / "monokg.toml")
    names = {row[0][1] for row in embedded[GRAPHS] if row[0] is not None}
    assert names == {str(graph_iri(publication, part)) for part in GRAPH_PARTS}
    quads = (built / "build" / f"{publication.dataset}.nq").read_text(encoding="utf-8")
    for row in embedded[GRAPHS]:
        assert row[0] is not None and row[1] is not None
        assert int(row[1][1]) == quads.count(f" <{row[0][1]}> .\n")
    assert all(answer for name, answer in embedded.items()), "every example query answers"


@pytest.mark.parametrize("name", [*QUERIES, GRAPHS])
@pytest.mark.parametrize("surface", ["serve", "oxigraph after load"])
def test_serve_and_oxigraph_answer_as_the_embedded_store(
        surface: str, name: str, request: pytest.FixtureRequest,
        embedded: dict[str, list[Row]]) -> None:
    fixture = {"serve": "served", "oxigraph after load": "oxigraph_loaded"}[surface]
    assert request.getfixturevalue(fixture)[name] == embedded[name]


@pytest.mark.parametrize("name", [*QUERIES, GRAPHS])
@pytest.mark.parametrize("how", ["load", "bulk"])
def test_virtuoso_answers_as_the_embedded_store_but_for_the_documented_spellings(
        how: str, name: str, virtuoso: dict[str, dict[str, list[Row]]],
        embedded: dict[str, list[Row]]) -> None:
    expected = sorted((tuple(virtuoso_spelling(t) for t in row) for row in embedded[name]),
                      key=repr)
    found = sorted((tuple(oxigraph_spelling(t) for t in row) for row in virtuoso[how][name]),
                   key=repr)
    assert found == expected


@pytest.mark.parametrize("how", ["load", "bulk"])
def test_virtuoso_keeps_the_released_integer_types_oxigraph_does_not(
        how: str, virtuoso: dict[str, dict[str, list[Row]]],
        embedded: dict[str, list[Row]], oxigraph_loaded: dict[str, list[Row]]) -> None:
    """mkg:order is an xsd:nonNegativeInteger in the release: Virtuoso (after either load)
    returns it so, Oxigraph as xsd:integer; the section counts are xsd:integer in both."""
    claims = "claims-per-section.rq"
    assert QUERIES[claims].startswith("#") and "?order ?heading (COUNT(" in QUERIES[claims]

    def datatypes(answer: list[Row], column: int) -> set[str | None]:
        return {term[2] if term is not None else None for term in (r[column] for r in answer)}

    columns = {store: datatypes(answer[claims], 2)
               for store, answer in (("virtuoso", virtuoso[how]), ("embedded", embedded),
                                     ("oxigraph", oxigraph_loaded))}
    assert columns == {"virtuoso": {XSD + "nonNegativeInteger"},
                       "embedded": {XSD + "integer"}, "oxigraph": {XSD + "integer"}}
    assert datatypes(virtuoso[how][claims], 4) == datatypes(embedded[claims], 4) == {
        XSD + "integer"}


def test_virtuoso_spellings_are_what_the_readme_says() -> None:
    """The rewriting the Virtuoso test applies, on the README's own examples."""
    def literal(value: str, datatype: str) -> Term:
        return "literal", value, XSD + datatype, None
    assert virtuoso_spelling(literal("P1D", "duration")) == literal("86400.0", "duration")
    assert virtuoso_spelling(literal("P14D", "duration")) == literal("1.2096e+06", "duration")
    assert virtuoso_spelling(literal("PT30M", "duration")) == literal("1800.0", "duration")
    assert virtuoso_spelling(literal("true", "boolean")) == literal("1", "boolean")
    assert virtuoso_spelling(literal("5", "integer")) == literal("5", "integer")
    assert oxigraph_spelling(literal("5", "nonNegativeInteger")) == literal("5", "integer")
    assert oxigraph_spelling(literal("5", "decimal")) == literal("5", "decimal")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '"P1D"` as `"86400.0"' in readme and '`"1"` and `"0"`' in readme
    assert "xsd:nonNegativeInteger` values come back as `xsd:integer`" in readme

