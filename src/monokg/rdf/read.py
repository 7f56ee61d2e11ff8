"""Reading RDF files of any supported format; unreadable input names the file, line and column."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from monokg.model.errors import InputError
from monokg.model.namespaces import XSD
from monokg.rdf import ntriples as nt
from monokg.rdf.graphs import ntriples_lines

#: File suffix -> rdflib parser name, for the formats `monokg validate` reads.
FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld",
           ".nq": "nquads", ".trig": "trig", ".rdf": "xml", ".owl": "xml"}


def load_shapes(folder: Path) -> Graph:
    """All shape files of a folder, merged; a folder without any is an input error."""
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise InputError("no SHACL shapes (*.ttl) found", folder,
                         fix="give the folder that holds the shape files")
    shapes = Graph()
    for path in files:
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
        raise InputError(f"not UTF-8 (byte {exc.start})", path,
                         data[: exc.start].count(b"\n") + 1,
                         fix="save the file as UTF-8") from exc
    if fmt == "json-ld":
        _refuse_remote_contexts(data, path)
    base = path.resolve().as_uri()
    fast = turtle_graph(data, base) if fmt == "turtle" else None
    if fast is not None:
        return fast
    graph = Graph()
    try:
        graph.parse(data=data, format=fmt, publicID=base)
    except Exception as exc:  # rdflib's parsers raise many unrelated exception types
        line, column, why = _position(exc)
        where = f" at line {line}" + (f", column {column}" if column else "") if line else ""
        raise InputError(f"not valid {fmt}{where}: {why}", path, line, column,
                         fix="correct the syntax at that place") from exc
    return graph


#: A prefix declaration (Turtle's or SPARQL's spelling) and the name it declares.
_PREFIX = re.compile(rb"(?:@prefix|PREFIX)\s+([^\s:]*):", re.IGNORECASE)
#: A literal typed xsd:string, however its datatype is spelled (or anything like one).
_STRING_TYPED = re.compile(rb"\^\^\s*\S*string")
#: A language tag with a capital: rdflib keeps it as written, pyoxigraph lowercases it.
_UPPER_TAG = re.compile(rb"[\"']@[a-zA-Z0-9-]*[A-Z]")


def turtle_graph(data: bytes, base: str) -> Graph | None:
    """A Turtle document as rdflib's Turtle parser gives it (the same triples and prefix
    bindings), read by pyoxigraph, 5-10 times faster. None where only rdflib gives rdflib's
    graph: a syntax error (for rdflib's message), an xsd:string literal (pyoxigraph cannot
    tell it from a plain one, rdflib can), a language tag with a capital (pyoxigraph
    lowercases it), or prefix declarations it cannot put in the order rdflib binds them."""

    if _STRING_TYPED.search(data) or _UPPER_TAG.search(data):
        return None
    try:
        parser = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base)
        quads = list(parser)
    except (SyntaxError, ValueError):
        return None
    declared = parser.prefixes
    # rdflib binds the prefixes after parsing, in the order they were first declared, each
    # to its last namespace; pyoxigraph keeps the last namespaces, so the declarations in
    # the text give the order (any mismatch, e.g. one inside a string: rdflib reads it).
    order = list(dict.fromkeys(m.group(1).decode("utf-8", "replace")
                               for m in _PREFIX.finditer(data)))
    if sorted(order) != sorted(declared):
        return None
    iris: dict[str, URIRef] = {}
    blanks: dict[str, BNode] = {}
    literals: dict[tuple[str, str | None, str], Literal] = {}
    plain = str(XSD.string)

    def term(node: object) -> Node:
        if isinstance(node, ox.NamedNode):
            found = iris.get(node.value)
            if found is None:
                found = iris[node.value] = URIRef(node.value)
            return found
        if isinstance(node, ox.BlankNode):
            # Fresh ids, as rdflib's parser makes: documents merged into one graph may use
            # the same label for different nodes.
            blank = blanks.get(node.value)
            if blank is None:
                blank = blanks[node.value] = BNode()
            return blank
        assert isinstance(node, ox.Literal)
        key = (node.value, node.language, node.datatype.value)
        literal = literals.get(key)
        if literal is None:
            # rdflib turns each lexical form into a value: once per distinct literal
            literal = literals[key] = Literal(node.value, lang=node.language) \
                if node.language or key[2] == plain \
                else Literal(node.value, datatype=URIRef(key[2]))
        return literal

    graph = Graph()
    graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in quads)
    for prefix in order:
        graph.bind(prefix, declared[prefix])
    return graph


def _refuse_remote_contexts(data: bytes, path: Path) -> None:
    """A JSON-LD context given by URL would be fetched from the network: refuse it."""
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
    argstr, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if isinstance(argstr, bytes | str) and isinstance(offset, int):
        # rdflib's Turtle parser (BadSyntax): the offending offset in the document text.
        text = argstr.decode("utf-8", "replace") if isinstance(argstr, bytes) else argstr
        before = text[:offset]
        return (before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1,
                str(getattr(exc, "_why", "bad syntax")))
    line: int | None = getattr(exc, "lineno", None)
    column: int | None = getattr(exc, "colno", None)
    words = str(exc).strip().splitlines()
    why = getattr(exc, "msg", None) or (words[0] if words else type(exc).__name__)
    if line is None:
        match = re.search(r"line:? (\d+)", str(exc))
        line = int(match.group(1)) if match else None
    if column is None:
        match = re.search(r"col(?:umn)?:? (\d+)", str(exc))
        column = int(match.group(1)) if match else None
    return line, column, str(why)


def load_lines(path: Path) -> list[str]:
    """An RDF file as N-Triples lines. Turtle and N-Triples are read by pyoxigraph (fast, and
    strict: what it refuses is refused, naming line and column); files that may hold
    xsd:string literals (which pyoxigraph cannot tell from plain ones, where rdflib and so
    pySHACL can) are then read again by rdflib, as are the other formats (`load_rdf`)."""

    formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
    fmt = formats.get(path.suffix.lower())
    try:
        data = path.read_bytes() if fmt is not None else b""
    except OSError:
        fmt = None  # load_rdf says why
    if fmt is not None:
        try:
            lines = [nt.triple_line(t)
                     for t in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())]
        except SyntaxError as exc:
            try:
                load_rdf(path)
            except InputError as refused:
                if refused.line is not None:
                    raise  # rdflib refuses too, and its words and position are clearer
            # rdflib's parsers accept some malformed input (bad escapes, blank node labels
            # and IRIs), or refuse without a line: pyoxigraph's verdict and position stand.
            why = re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "",
                         exc.msg)
            raise InputError(f"not valid {FORMATS[path.suffix.lower()]}: {why}", path,
                             exc.lineno, exc.offset,
                             fix="correct the syntax at that place") from exc
        if b"XMLSchema#string" not in data and b":string" not in data:
            return lines
    return ntriples_lines(load_rdf(path))
