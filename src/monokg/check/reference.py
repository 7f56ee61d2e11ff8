"""pySHACL, the reference SHACL engine, loaded only when a check falls back to it.

Importing pySHACL costs about 0.4 s, more than a quick check of an unchanged project takes
with the project's own engine, so it is loaded by name on first use instead of by an import
statement at the top of the modules that may need it. This is the package's one deferred
import outside the CLI."""

from __future__ import annotations

import importlib
from typing import Any

from rdflib import Graph


def pyshacl_report(data: Graph, shapes: Graph, inplace: bool = False) -> Graph:
    """pySHACL's report graph for the data against the shapes: no inference, SHACL-AF on,
    warnings allowed (as every check of monokg runs it)."""
    validate: Any = importlib.import_module("pyshacl").validate
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                            allow_warnings=True, inplace=inplace)
    if not isinstance(report, Graph):
        raise TypeError("pySHACL gave no report graph")
    return report
