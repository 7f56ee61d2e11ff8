"""SPARQL over the built graph, with pyoxigraph (fast to load, fast to answer)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from monokg.model.config import load_publication
from monokg.model.curies import project_converter
from monokg.model.errors import InputError
from monokg.model.paths import ProjectPaths
from monokg.model.release_files import ReleaseFiles

#: What to blank out before looking for keywords: strings, IRIs and comments.
OPAQUE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|'
                    r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')


@dataclass
class Table:
    """A SELECT result: variable names and rows of plain strings (None = unbound)."""

    variables: list[str]
    rows: list[list[str | None]]


def load_store(files: list[Path]) -> ox.Store:
    """An in-memory store holding the given RDF files (format by extension).

    The triples of a dataset file (N-Quads, TriG: the release's bulk files) stay in their
    named graphs and are copied into the default graph, so the default graph is the union of
    the named graphs, as on the Oxigraph server with ``--union-default-graph`` and on Virtuoso:
    a query without ``GRAPH`` sees the whole release, ``GRAPH <g>`` one part of it. (A copy,
    not pyoxigraph's ``use_default_graph_as_union`` query option, so every caller of
    ``store.query`` gets the same answers.) Triples of a triples file go to the default graph.
    """
    store = ox.Store()
    for path in files:
        if not path.is_file():
            raise InputError("built graph not found", path, fix="run `monokg build` first")
        store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
    # Copied from the store itself, so a blank node is the same in its graph and in the union.
    named = [ox.Quad(q.subject, q.predicate, q.object) for q in store
             if not isinstance(q.graph_name, ox.DefaultGraph)]
    store.bulk_extend(named)
    return store


def store_files(paths: ProjectPaths) -> list[Path]:
    """What `monokg query` and `monokg serve` answer from: the release's N-Quads, which hold
    the data, the released ontology and the dataset metadata each in its named graph
    (queries may need the ontology, e.g. mkg:strength, or the metadata)."""
    publication = load_publication(paths.config)
    nquads = paths.build / ReleaseFiles(publication.dataset).bulk[0]
    if not nquads.is_file():
        raise InputError("built graph not found", nquads, fix="run `monokg build` first")
    return [nquads]


#: A parameter a query declares: ``VALUES ?name { ... }`` (one variable) or
#: ``BIND (<term> AS ?name)`` (one constant), found with strings, IRIs and comments blanked out.
_VALUES = re.compile(r"\bVALUES\s+\?(\w+)\s*\{[^{}]*\}", re.IGNORECASE)
_BIND = re.compile(r"\bBIND\s*\(", re.IGNORECASE)
_BIND_END = re.compile(r"\bAS\s+\?(\w+)\s*\)$", re.IGNORECASE)
#: One RDF term in SPARQL syntax: an IRI, a literal (tagged or typed), a number or a boolean.
_TERM = re.compile(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*'
                   r'|\^\^<[^<>"{}|^`\\\s]*>)?|[+-]?[0-9]+(?:\.[0-9]+)?|true|false')


def declared_parameters(sparql: str) -> dict[str, tuple[int, int, str]]:
    """The parameters a query declares: name -> (start, end, kind) of its one-variable VALUES
    block or constant BIND in the query text."""
    blank = OPAQUE.sub(lambda m: " " * len(m.group()), sparql)
    found: dict[str, tuple[int, int, str]] = {}
    for match in _VALUES.finditer(blank):
        found[match.group(1)] = (match.start(), match.end(), "VALUES")
    for match in _BIND.finditer(blank):
        depth = 0
        for end in range(match.end() - 1, len(blank)):
            depth += {"(": 1, ")": -1}.get(blank[end], 0)
            if depth == 0:
                bound = _BIND_END.search(blank, match.start(), end + 1)
                if bound and _TERM.fullmatch(sparql[match.end():bound.start()].strip()):
                    found[bound.group(1)] = (match.start(), end + 1, "BIND")
                break
    return found


def _term(value: str, base: str) -> str:
    if _TERM.fullmatch(value):
        return value
    converter = project_converter(base)
    prefix = value.split(":", 1)[0]
    if ":" in value and prefix in converter.prefix_map:
        return f"<{converter.expand(value)}>"
    raise InputError(f"parameter value {value!r} is not a CURIE with a known prefix, an <IRI> "
                     "or a literal", fix="e.g. --param term=MESH:D007413, term=<http://...>, "
                     "or name='\"text\"@en'")


def bind_parameters(sparql: str, params: list[str], base: str) -> str:
    """The query with each ``name=value`` put in place of the VALUES block or BIND the query
    declares for ``?name`` (a name given twice lists both values in its VALUES block)."""
    declared = declared_parameters(sparql)
    chosen: dict[str, list[str]] = {}
    for param in params:
        name, sep, value = param.partition("=")
        name = name.strip().lstrip("?")
        if not sep or not name:
            raise InputError(f"parameter {param!r} is not name=value",
                             fix="e.g. --param term=MESH:D007413")
        if name not in declared:
            raise InputError(f"the query declares no parameter ?{name}",
                             fix="a parameter is the variable of a one-variable VALUES block or "
                             "of a BIND (<term> AS ?name); this query declares: "
                             + (", ".join(f"?{n}" for n in sorted(declared)) or "none"))
        chosen.setdefault(name, []).append(_term(value.strip(), base))
    for name, (start, end, kind) in sorted(((n, declared[n]) for n in chosen),
                                           key=lambda item: -item[1][0]):
        values = chosen[name]
        if kind == "BIND" and len(values) > 1:
            raise InputError(f"?{name} is set by a BIND, which takes one value",
                             fix=f"give --param {name}=... once")
        clause = (f"VALUES ?{name} {{ {' '.join(values)} }}" if kind == "VALUES"
                  else f"BIND ({values[0]} AS ?{name})")
        sparql = sparql[:start] + clause + sparql[end:]
    return sparql


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
