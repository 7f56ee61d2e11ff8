"""Stage 5: validate a data graph against the SHACL shapes and report in a curator's words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph

from monokg.check.findings import to_findings
from monokg.check.quotes import quote_label_findings
from monokg.check.reference import pyshacl_report
from monokg.check.shacl import Unsupported, check_lines, compile_shapes
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.curies import bindings_of
from monokg.model.errors import Finding, InputError
from monokg.model.namespaces import prefixes
from monokg.rdf.graphs import ntriples_lines, triples_of
from monokg.rdf.read import load_lines, load_rdf, load_shapes


def check_shapes(data: Graph, shapes: Graph, ontology: Graph,
                 lang: str = "en") -> tuple[list[Finding], Graph]:
    """Validate; return the findings and the full SHACL report graph.

    The ontology is validated together with the data (not as pySHACL's ont_graph, which copies
    only class and property definitions) because shapes check links to its individuals, such
    as the modality scale.
    """

    combined = Graph()
    for prefix, namespace in data.namespaces():
        combined.bind(prefix, namespace)
    combined += data
    combined += ontology
    # inplace: `combined` is ours, so pySHACL need not copy it first (a second per 10 k triples).
    try:
        report = pyshacl_report(combined, shapes, inplace=True)
    except Exception as exc:  # pySHACL reports data it cannot evaluate as runtime errors
        raise InputError(f"the data could not be validated: {str(exc).strip()[:300]}", None,
                         fix="check the data for values of the wrong kind (e.g. a literal "
                         "where an IRI is expected)") from exc
    return to_findings(report, data, lang, shapes), report


def check_shape_lines(lines: Sequence[str], shapes: Graph, lang: str = "en",
                      namespaces: dict[str, str] | None = None) -> list[Finding]:
    """The findings of `check_shapes` for N-Triples lines of the data and the ontology
    together, from the fast engine (`shacl`); shapes it does not implement go to pySHACL.
    ``namespaces``: the prefixes the data graph binds besides the project's."""

    try:
        return check_lines(lines, compile_shapes(shapes), lang, namespaces)
    except Unsupported:
        return _pyshacl_lines(lines, shapes, lang, namespaces)




def _pyshacl_lines(lines: Sequence[str], shapes: Graph, lang: str,
                   namespaces: dict[str, str] | None) -> list[Finding]:
    """pySHACL on the lines, reported as `check_shape_lines` reports."""

    data = Graph(bind_namespaces="none")
    for prefix, namespace in {**prefixes(), **(namespaces or {})}.items():
        data.bind(prefix, namespace, override=False)
    data.addN((s, p, o, data) for s, p, o in triples_of(
        [line.strip() for line in lines if line.strip() and not line.startswith("#")]))
    return check_shapes(data, shapes, Graph(), lang)[0]


@dataclass
class Validation:
    """The outcome of validating third-party files: findings, size, and the full report
    graph, made by pySHACL when asked for (the findings come from the fast engine)."""

    findings: list[Finding]
    triples: int
    make_report: Callable[[], Graph] = field(repr=False)

    @cached_property
    def report(self) -> Graph:
        return self.make_report()

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]


def check_files(files: list[Path], ontology_path: Path, units_path: Path, shapes_dir: Path,
                lang: str = "en") -> Validation:
    """Read RDF files (any supported format) and validate them, with the ontology, against
    the project's shapes; unreadable input raises InputError naming file, line and column."""

    data = Graph()  # only its prefix bindings: the names findings use are those of pySHACL's
    for prefix, namespace in prefixes().items():
        data.bind(prefix, namespace)
    namespaces = bindings_of(data)
    lines: set[str] = set()
    for file in files:
        lines.update(load_lines(file))
    ontology = load_vocabulary(ontology_path, units_path).ontology
    shapes = load_shapes(shapes_dir)
    findings = check_shape_lines(sorted(lines) + ntriples_lines(ontology), shapes, lang,
                                 namespaces) + quote_label_findings(sorted(lines), lang)

    def report() -> Graph:
        graph = Graph()
        for prefix, namespace in prefixes().items():
            graph.bind(prefix, namespace)
        for file in files:
            graph += load_rdf(file)
        return check_shapes(graph, shapes, ontology, lang)[1]

    return Validation(findings, len(lines), report)


