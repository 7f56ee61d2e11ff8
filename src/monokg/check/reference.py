"""The reference tools, loaded only when a check falls back to them: pySHACL, rdflib's SPARQL
engine (the one pySHACL runs) and HermiT (the copy bundled with owlready2).

Importing them costs more than a quick check of a project takes with the project's own
engines (pySHACL about 0.4 s, rdflib's SPARQL parser about 0.12 s, owlready2 about 0.02 s),
and a check after editing one claim needs none of them: the shapes come compiled from the
cache, and HermiT's verdict on the ontology too. So they are loaded by name on first use
instead of by an import statement at the top of the modules that may need them. This module
holds the package's only deferred imports outside the CLI."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
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


def prepare_query(text: str) -> Any:
    """A SPARQL query parsed and translated by rdflib (``prepareQuery``), for its algebra or
    to run it as pySHACL does."""
    return importlib.import_module("rdflib.plugins.sparql").prepareQuery(text)


def algebra_node_type() -> Any:
    """The class of the nodes of rdflib's SPARQL algebra (``CompValue``)."""
    return importlib.import_module("rdflib.plugins.sparql.parserutils").CompValue


def hermit_command(*options: str) -> list[str]:
    """The command that starts HermiT (owlready2's copy, on owlready2's Java with its
    memory limit), with ``options`` for the JVM; HermiT's own arguments follow it."""
    owlready2: Any = importlib.import_module("owlready2")
    reasoning: Any = importlib.import_module("owlready2.reasoning")
    here = Path(owlready2.__file__).parent / "hermit"
    classpath = os.pathsep.join([str(here), str(here / "HermiT.jar")])
    return [owlready2.JAVA_EXE, f"-Xmx{reasoning.JAVA_MEMORY}M", *options, "-cp", classpath,
            "org.semanticweb.HermiT.cli.CommandLine"]
