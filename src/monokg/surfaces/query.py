"""SPARQL over the built graph, with pyoxigraph (fast to load, fast to answer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from monokg.model.errors import InputError


@dataclass
class Table:
    """A SELECT result: variable names and rows of plain strings (None = unbound)."""

    variables: list[str]
    rows: list[list[str | None]]


def load_store(files: list[Path]) -> ox.Store:
    """An in-memory store holding the given N-Triples/Turtle files."""
    store = ox.Store()
    for path in files:
        if not path.is_file():
            raise InputError("built graph not found", path, fix="run `monokg build` first")
        fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
        store.bulk_load(path=str(path), format=fmt)
    return store


#: Standard SPARQL 1.1 result formats, written by pyoxigraph's serialisers, by CLI name (the
#: same serialisers answer `monokg serve`).
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def _text(term: object) -> str | None:
    if term is None:
        return None
    return str(getattr(term, "value", term))


def _select(store: ox.Store, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        result = store.query(sparql)
    except SyntaxError as exc:
        raise InputError(f"malformed SPARQL: {exc}", fix="check the query syntax") from exc
    if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
        raise InputError("only SELECT and ASK queries give a table",
                         fix="use SELECT, or `monokg serve` for CONSTRUCT/DESCRIBE")
    return result


def run_select(store: ox.Store, sparql: str) -> Table:
    """Run a SELECT (or ASK) query; a malformed query is an input error."""
    result = _select(store, sparql)
    if isinstance(result, ox.QueryBoolean):
        return Table(["ask"], [["true" if result else "false"]])
    variables = [v.value for v in result.variables]
    rows = [[_text(solution[v]) for v in variables] for solution in result]
    return Table(variables, rows)


def run_query(store: ox.Store, sparql: str, fmt: str) -> str:
    """A SELECT or ASK query's answer: an aligned table for people (``table``), else the
    standard SPARQL 1.1 results format of that name (json, xml, csv, tsv)."""
    if fmt == "table":
        return format_table(run_select(store, sparql))
    data = _select(store, sparql).serialize(format=RESULT_FORMATS[fmt]) or b""
    return data.decode("utf-8")


def format_table(table: Table) -> str:
    """A result as an aligned text table."""
    cells = [table.variables] + [["" if c is None else c for c in r] for r in table.rows]
    widths = [min(60, max(len(row[i]) for row in cells)) for i in range(len(table.variables))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c[:60].ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines)
