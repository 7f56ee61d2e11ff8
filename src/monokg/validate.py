"""Stage 5: validate a data graph against the SHACL shapes and report in a curator's words."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from .errors import Finding, InputError
from .namespaces import SH, prefixes

#: File suffix -> rdflib parser name, for the formats `monokg validate` reads.
FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld",
           ".nq": "nquads", ".trig": "trig", ".rdf": "xml", ".owl": "xml"}


def load_shapes(folder: Path) -> Graph:
    """All shape files of a folder, merged."""
    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        shapes += load_rdf(path)
    return shapes


def load_rdf(path: Path) -> Graph:
    """Parse an RDF file by its suffix; unreadable input names the file, line and column."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown file type {path.suffix!r}", path,
                         fix=f"use one of {', '.join(sorted(FORMATS))}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path, fix="check the path") from exc
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte {exc.start})", path, line,
                         fix="save the file as UTF-8") from exc
    graph = Graph()
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib's parsers raise many unrelated exception types
        line, column = _position(exc)
        raise InputError(f"not valid {fmt}: {_first_line(exc)}", path, line, column,
                         fix="correct the syntax at that place") from exc
    return graph


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _position(exc: Exception) -> tuple[int | None, int | None]:
    """Line (and column) from an rdflib or json parser error, where it says them."""
    import re
    line = getattr(exc, "lines", None) or getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    if line is None:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
    if column is None:
        match = re.search(r"col(?:umn)? (\d+)", str(exc))
        column = int(match.group(1)) if match else None
    return line, column


def _message(graph: Graph, result: URIRef, lang: str) -> str:
    messages = list(graph.objects(result, SH.resultMessage))
    for wanted in (lang, "en", None):
        for m in messages:
            if isinstance(m, Literal) and m.language == wanted:
                return str(m)
    return str(messages[0]) if messages else "does not conform"


def compact(node: object, graph: Graph | None = None) -> str:
    """A short name for a node: a CURIE with the longest matching project prefix (or one
    the graph binds), e.g. claim:l-glutamine-nl/dose-commonly-used; else the full IRI."""
    if not isinstance(node, URIRef):
        return str(node)
    text = str(node)
    candidates = dict(prefixes())
    if graph is not None:
        candidates.update({p: str(ns) for p, ns in graph.namespaces()
                           if p and p not in candidates})
    best = max(((p, ns) for p, ns in candidates.items() if text.startswith(ns)
                and len(text) > len(ns)), key=lambda item: len(item[1]), default=None)
    return f"{best[0]}:{text[len(best[1]):]}" if best else text


def to_findings(report: Graph, data: Graph, lang: str = "en") -> list[Finding]:
    """One finding per SHACL result: focus node, path and the shape's message."""
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        findings.append(Finding(
            focus=compact(report.value(result, SH.focusNode), data),
            path=compact(report.value(result, SH.resultPath), data)
            if report.value(result, SH.resultPath) is not None else None,
            message=_message(report, result, lang),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            shape=compact(report.value(result, SH.sourceShape), data),
        ))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(findings, key=lambda f: (order.get(f.severity, 3), f.focus, f.path or "",
                                           f.message))


def check_shapes(data: Graph, shapes: Graph, ontology: Graph,
                 lang: str = "en") -> tuple[list[Finding], Graph]:
    """Validate; return the findings and the full SHACL report graph.

    The ontology is validated together with the data (not as pySHACL's ont_graph, which copies
    only class and property definitions) because shapes check links to its individuals, such
    as the modality scale.
    """
    from pyshacl import validate

    combined = Graph()
    for prefix, namespace in data.namespaces():
        combined.bind(prefix, namespace)
    combined += data
    combined += ontology
    _, report, _ = validate(combined, shacl_graph=shapes, inference="none", advanced=True,
                            allow_warnings=True)
    return to_findings(report, data, lang), report
