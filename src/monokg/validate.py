"""Stage 5: validate a data graph against the SHACL shapes and report in a curator's words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef

from .errors import Finding, InputError
from .namespaces import SH, prefixes

if TYPE_CHECKING:
    from .shacl import CompiledShapes

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
    if fmt == "json-ld":
        _refuse_remote_contexts(data, path)
    graph = Graph()
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib's parsers raise many unrelated exception types
        line, column, why = _position(exc)
        where = f" at line {line}" + (f", column {column}" if column else "") if line else ""
        raise InputError(f"not valid {fmt}{where}: {why}", path, line, column,
                         fix="correct the syntax at that place") from exc
    return graph


def _refuse_remote_contexts(data: bytes, path: Path) -> None:
    """A JSON-LD context given by URL would be fetched from the network: refuse it."""
    import json
    try:
        document = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid json-ld at line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}", path, exc.lineno, exc.colno,
                         fix="correct the syntax at that place") from exc
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            context = node.get("@context")
            for item in context if isinstance(context, list) else [context]:
                if isinstance(item, str):
                    raise InputError(f"remote JSON-LD context {item!r} would be fetched from "
                                     "the network", path, fix="put the context inline "
                                     "(monokg never fetches anything while validating)")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _position(exc: Exception) -> tuple[int | None, int | None, str]:
    """Line, column and reason from an rdflib or json parser error, where it says them."""
    import re
    argstr, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if isinstance(argstr, bytes | str) and isinstance(offset, int):
        # rdflib's Turtle parser (BadSyntax): the offending offset in the document text.
        text = argstr.decode("utf-8", "replace") if isinstance(argstr, bytes) else argstr
        before = text[:offset]
        return (before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1,
                str(getattr(exc, "_why", "bad syntax")))
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    text = str(exc).strip().splitlines()
    why = getattr(exc, "msg", None) or (text[0] if text else type(exc).__name__)
    if line is None:
        match = re.search(r"line:? (\d+)", str(exc))
        line = int(match.group(1)) if match else None
    if column is None:
        match = re.search(r"col(?:umn)?:? (\d+)", str(exc))
        column = int(match.group(1)) if match else None
    return line, column, str(why)


def _message(report: Graph, result: object, lang: str, shapes: Graph | None) -> str:
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


def _path(report: Graph, path: object) -> tuple[str, str] | None:
    """A result path as (direction, IRI): "^" for an inverse path, "" for a plain one."""
    if path is None:
        return None
    inverse = report.value(path, SH.inversePath) if not isinstance(path, URIRef) else None
    return ("^", str(inverse)) if inverse is not None else ("", str(path))


def compact(node: object, graph: Graph | None = None) -> str:
    """A short name for a node: a CURIE with the longest matching project prefix (or one
    the graph binds), e.g. claim:l-glutamine-nl/dose-commonly-used; else the full IRI."""
    return _compact(node, _bindings(graph))


def _bindings(graph: Graph | None) -> dict[str, str]:
    """The prefixes a graph binds (what `compact` may use besides the project's)."""
    return {} if graph is None else {p: str(ns) for p, ns in graph.namespaces()}


def _compact(node: object, namespaces: dict[str, str] | None) -> str:
    if not isinstance(node, URIRef):
        return str(node)
    text = str(node)
    candidates = dict(prefixes())
    candidates.update({p: ns for p, ns in (namespaces or {}).items()
                       if p and p not in candidates})
    best = max(((p, ns) for p, ns in candidates.items() if text.startswith(ns)
                and len(text) > len(ns)), key=lambda item: len(item[1]), default=None)
    return f"{best[0]}:{text[len(best[1]):]}" if best else text


def finding_of(focus: object, path: tuple[str, str] | None, value: object, shape: object,
               severity: str, message: str, namespaces: dict[str, str] | None) -> Finding:
    """One SHACL result in a curator's words: short names, the path in SPARQL notation (^p
    for an inverse path) and the value after the message; ``namespaces`` are the data
    graph's prefix bindings."""
    value_text = ""
    if value is not None and value != focus and isinstance(value, URIRef | Literal):
        text = _compact(value, namespaces)
        value_text = f" (value: {text[:60] + '...' if len(text) > 60 else text})"
    return Finding(
        focus=_compact(focus, namespaces),
        path=None if path is None else path[0] + _compact(URIRef(path[1]), namespaces),
        message=message + value_text,
        severity=severity,
        shape=_compact(shape, namespaces),
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
    namespaces = _bindings(data)
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
    # inplace: `combined` is ours, so pySHACL need not copy it first (a second per 10 k triples).
    try:
        _, report, _ = validate(combined, shacl_graph=shapes, inference="none", advanced=True,
                                allow_warnings=True, inplace=True)
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
    from .shacl import Unsupported, check_lines

    try:
        return check_lines(lines, compiled_shapes(shapes), lang, namespaces)
    except Unsupported:
        return _pyshacl_lines(lines, shapes, lang, namespaces)


def compiled_shapes(shapes: Graph) -> CompiledShapes:
    """The shapes compiled for the engine, once per shapes graph."""
    from .shacl import compile_shapes

    if _COMPILED and _COMPILED[0] is shapes:
        return _COMPILED[1]
    compiled = compile_shapes(shapes)
    _COMPILED[:] = [shapes, compiled]
    return compiled


_COMPILED: list = []  # [shapes graph, its CompiledShapes]: the last one compiled


def _pyshacl_lines(lines: Sequence[str], shapes: Graph, lang: str,
                   namespaces: dict[str, str] | None) -> list[Finding]:
    """pySHACL on the lines, reported as `check_shape_lines` reports."""
    from .export import triples_of

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
    from .export import ntriples_lines
    from .vocabulary import load_vocabulary

    data = Graph()  # only its prefix bindings: the names findings use are those of pySHACL's
    for prefix, namespace in prefixes().items():
        data.bind(prefix, namespace)
    namespaces = _bindings(data)
    lines: set[str] = set()
    for file in files:
        lines.update(load_lines(file))
    ontology = load_vocabulary(ontology_path, units_path).ontology
    shapes = load_shapes(shapes_dir)
    findings = check_shape_lines(sorted(lines) + ntriples_lines(ontology), shapes, lang,
                                 namespaces)

    def report() -> Graph:
        graph = Graph()
        for prefix, namespace in prefixes().items():
            graph.bind(prefix, namespace)
        for file in files:
            graph += load_rdf(file)
        return check_shapes(graph, shapes, ontology, lang)[1]

    return Validation(findings, len(lines), report)


def load_lines(path: Path) -> list[str]:
    """An RDF file as N-Triples lines; Turtle and N-Triples are read by pyoxigraph (fast),
    other formats, unreadable files and files that may hold xsd:string literals (which
    pyoxigraph cannot tell from plain ones, where rdflib and so pySHACL can) by `load_rdf`."""
    import pyoxigraph as ox

    from .export import ntriples_lines

    formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
    fmt = formats.get(path.suffix.lower())
    try:
        data = path.read_bytes() if fmt is not None else b""
    except OSError:
        fmt = None  # load_rdf says why
    if fmt is not None and b"XMLSchema#string" not in data and b":string" not in data:
        try:
            return [f"{t.subject} {t.predicate} {t.object} ."
                    for t in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())]
        except (SyntaxError, ValueError):
            pass  # load_rdf names the line and column in rdflib's words
    return ntriples_lines(load_rdf(path))


def write_report(report: Graph, path: Path) -> Path:
    """The full SHACL report graph as Turtle, for tools."""
    for prefix, namespace in prefixes().items():
        report.bind(prefix, namespace)
    try:
        path.write_bytes(report.serialize(format="turtle", encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", path,
                         fix="choose a writable path") from exc
    return path
