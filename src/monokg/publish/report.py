"""The full SHACL report of `monokg validate --report`, for tools."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from monokg.model.errors import InputError
from monokg.model.namespaces import prefixes
from monokg.rdf.graphs import ntriples_lines
from monokg.rdf.turtle import turtle_of_lines


def write_report(report: Graph, path: Path) -> Path:
    """The full SHACL report graph as Turtle, for tools."""
    bindings = [(p, str(ns)) for p, ns in report.namespaces()]
    bindings += [item for item in prefixes().items() if item not in bindings]
    try:
        path.write_bytes(turtle_of_lines(ntriples_lines(report), bindings))
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", path,
                         fix="choose a writable path") from exc
    return path
