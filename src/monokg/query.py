"""SPARQL over the built graph, with pyoxigraph (fast to load, fast to answer)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError


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


def _text(term: object) -> str | None:
    if term is None:
        return None
    return str(getattr(term, "value", term))


def run_select(store: ox.Store, sparql: str) -> Table:
    """Run a SELECT (or ASK) query; a malformed query is an input error."""
    try:
        result = store.query(sparql)
    except SyntaxError as exc:
        raise InputError(f"malformed SPARQL: {exc}", fix="check the query syntax") from exc
    if isinstance(result, bool):
        return Table(["ask"], [["true" if result else "false"]])
    if not isinstance(result, ox.QuerySolutions):
        raise InputError("only SELECT and ASK queries give a table",
                         fix="use SELECT, or `monokg serve` for CONSTRUCT/DESCRIBE")
    variables = [v.value for v in result.variables]
    rows = [[_text(solution[v]) for v in variables] for solution in result]
    return Table(variables, rows)


def format_table(table: Table, fmt: str) -> str:
    """A result as an aligned text table, CSV, TSV or SPARQL-JSON-like JSON."""
    if fmt == "json":
        return json.dumps({"head": {"vars": table.variables},
                           "results": [dict(zip(table.variables, r, strict=True))
                                       for r in table.rows]}, ensure_ascii=False, indent=1)
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.variables)
        writer.writerows([["" if c is None else c for c in r] for r in table.rows])
        return out.getvalue().rstrip("\n")
    cells = [table.variables] + [["" if c is None else c for c in r] for r in table.rows]
    widths = [min(60, max(len(row[i]) for row in cells)) for i in range(len(table.variables))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c[:60].ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines)
