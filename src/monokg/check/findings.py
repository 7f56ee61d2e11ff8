"""SHACL results in a curator's words: one Finding per result, sorted."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from monokg.model.curies import bindings_of, compact_node
from monokg.model.errors import Finding
from monokg.model.namespaces import SH


def _message(report: Graph, result: Node, lang: str, shapes: Graph | None) -> str:
    """The result's message in the chosen language; pySHACL drops the language tags of a
    SPARQL constraint's messages, so those are looked up on the shape."""
    candidates = [list(report.objects(result, SH.resultMessage))]
    shape = report.value(result, SH.sourceShape)
    if shapes is not None and shape is not None:
        candidates.append(list(shapes.objects(shape, SH.message)))
    for messages in candidates:
        for wanted in (lang, "en"):
            for m in messages:
                if isinstance(m, Literal) and m.language == wanted:
                    return str(m)
    plain = candidates[0]
    return str(plain[0]) if plain else "does not conform"


def _path(report: Graph, path: Node | None) -> tuple[str, str] | None:
    """A result path as (direction, IRI): "^" for an inverse path, "" for a plain one."""
    if path is None:
        return None
    inverse = report.value(path, SH.inversePath) if not isinstance(path, URIRef) else None
    return ("^", str(inverse)) if inverse is not None else ("", str(path))


def finding_of(focus: object, path: tuple[str, str] | None, value: object, shape: object,
               severity: str, message: str, namespaces: dict[str, str] | None) -> Finding:
    """One SHACL result in a curator's words: short names, the path in SPARQL notation (^p
    for an inverse path) and the value after the message; ``namespaces`` are the data
    graph's prefix bindings."""
    value_text = ""
    if value is not None and value != focus and isinstance(value, URIRef | Literal):
        text = compact_node(value, namespaces)
        value_text = f" (value: {text[:60] + '...' if len(text) > 60 else text})"
    return Finding(
        focus=compact_node(focus, namespaces),
        path=None if path is None else path[0] + compact_node(URIRef(path[1]), namespaces),
        message=message + value_text,
        severity=severity,
        shape=compact_node(shape, namespaces),
        focus_iri=str(focus) if isinstance(focus, URIRef) else None,
    )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Violations first, then by focus node, path and message."""
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(findings, key=lambda f: (order.get(f.severity, 3), f.focus, f.path or "",
                                           f.message))


def to_findings(report: Graph, data: Graph, lang: str = "en",
                shapes: Graph | None = None) -> list[Finding]:
    """One finding per SHACL result: focus node, path, the shape's message and the value."""
    findings = []
    namespaces = bindings_of(data)
    # Top-level results only: the sh:detail results of a nested sh:node or sh:or would repeat
    # one problem in words meant for the shape's author.
    for result in report.objects(None, SH.result):
        severity = report.value(result, SH.resultSeverity)
        findings.append(finding_of(
            focus=report.value(result, SH.focusNode),
            path=_path(report, report.value(result, SH.resultPath)),
            value=report.value(result, SH.value),
            shape=report.value(result, SH.sourceShape),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            message=_message(report, result, lang, shapes),
            namespaces=namespaces,
        ))
    return sort_findings(findings)
