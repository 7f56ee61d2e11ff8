"""The one JSON-LD writer (flat, sorted, compacted by the prefixes in use), and JSON-LD
reading without the network."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from json.encoder import encode_basestring as _encode_string
from typing import Any

import pyoxigraph as ox
from pyld import jsonld
from rdflib import Graph

from monokg.model.curies import Converter
from monokg.model.namespaces import RDF, XSD
from monokg.rdf.graphs import (
    Bindings,
    _bindings,
    _to_bytes,
    ntriples_lines,
)
from monokg.rdf.ntriples import STRING_TYPED_END, canonical_line


#: JSON-LD reads ``p://...`` as an absolute IRI: a compact IRI's suffix may not start with
#: ``//``, so no prefix is used where the local name starts with a slash.
_COMPACT_IRI_SUFFIX = "(?!/).+"


def _sort_key(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def to_jsonld(graph: Graph) -> bytes:
    """``jsonld_of_lines`` of an rdflib graph and its bound prefixes: the document."""
    return jsonld_of_lines(ntriples_lines(graph), _bindings(graph))[0]


def to_context(graph: Graph) -> bytes:
    """``jsonld_of_lines`` of an rdflib graph: the context file, for people who write data
    in the same shape."""
    return jsonld_of_lines(ntriples_lines(graph), _bindings(graph))[1]


def json_text(value: object, indent: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)`` of strings, lists and dicts, with
    the C string encoder (json's indented writer is pure Python: seconds per 100 k triples,
    or per 100 k files of a manifest)."""
    if isinstance(value, str):
        return _encode_string(value)
    inner = indent + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + ",\n".join(f"{inner}{_encode_string(k)}: {json_text(v, inner)}"
                                   for k, v in value.items()) + f"\n{indent}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + json_text(v, inner) for v in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def _parsed(lines: Sequence[str]) -> list[ox.Triple]:
    """pyoxigraph triples of N-Triples lines, one per line, in order."""

    text = "\n".join(lines) + "\n"
    return [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def jsonld_of_lines(lines: Sequence[str], bindings: Bindings) -> tuple[bytes, bytes]:
    """Flat compacted JSON-LD of sorted N-Triples lines (one object per subject, keys and
    values sorted, the context holding only the prefixes in use) and that context as a file
    of its own; made from pyoxigraph's terms (no rdflib term is built: at a million triples
    that took a minute). Blank nodes keep their labels as ``_:label`` (the release has none;
    other graphs, such as the W3C tests, do)."""

    if any(line.endswith(STRING_TYPED_END) for line in lines):
        # rdflib's lines only: its "x"^^xsd:string and "x" are one literal, written once
        lines = sorted({canonical_line(line) for line in lines})
    return jsonld_of_triples(_parsed(lines), bindings)


def jsonld_of_triples(triples: Sequence[ox.Triple], bindings: Bindings) -> tuple[bytes, bytes]:
    """``jsonld_of_lines`` of pyoxigraph triples in the order of their sorted lines (the
    site's descriptions have them in hand: no spelling and parsing them again)."""
    rdf_type = str(RDF.type)
    xsd_string = str(XSD.string)
    # The IRIs written, for the context: every IRI, and every datatype but xsd:string (its
    # literals are written as plain JSON strings, as every writer writes them plain).
    iris: set[str] = set()
    for triple in triples:
        for term in triple:
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and not term.language and \
                    term.datatype.value != xsd_string:
                iris.add(term.datatype.value)
    # The prefixes in use: each IRI's longest bound namespace (ending in / or #), found by
    # the converter's one regex (an rdflib term per IRI and a loop over every prefix took
    # seconds at a million triples).
    finder = Converter({p: ns for p, ns in bindings if ns.endswith(("/", "#"))})
    used: dict[str, str] = {}
    for iri in iris:
        parts = finder.split(iri)
        if parts is not None:
            used[parts[0]] = finder.prefix_map[parts[0]]
    context = dict(sorted(used.items()))
    short = Converter(context, local=_COMPACT_IRI_SUFFIX).compact

    def key(term: ox.NamedNode | ox.BlankNode) -> str:
        return term.value if isinstance(term, ox.NamedNode) else "_:" + term.value

    def ident(node: str) -> str:
        return node if node.startswith("_:") else short(node)

    nodes: dict[str, dict[str, list[object]]] = {}
    for triple in triples:
        subject, obj = triple.subject, triple.object
        assert not isinstance(subject, ox.Triple)  # N-Triples lines of RDF 1.1 hold none
        node = nodes.setdefault(key(subject), {})
        predicate = triple.predicate.value
        value: object
        if isinstance(obj, ox.Literal):
            if obj.language:
                value = {"@value": obj.value, "@language": obj.language}
            elif obj.datatype.value == xsd_string:
                value = obj.value
            else:
                value = {"@value": obj.value, "@type": short(obj.datatype.value)}
        else:
            assert not isinstance(obj, ox.Triple)
            if predicate == rdf_type and isinstance(obj, ox.NamedNode):
                node.setdefault("@type", []).append(short(obj.value))
                continue
            value = {"@id": ident(key(obj))}
        node.setdefault(short(predicate), []).append(value)
    items = []
    for subject_key in sorted(nodes):
        item: dict[str, object] = {"@id": ident(subject_key)}
        for name in sorted(nodes[subject_key]):
            values = nodes[subject_key][name]
            if len(values) > 1:
                values.sort(key=_sort_key)
            item[name] = values[0] if len(values) == 1 else values
        items.append(item)
    document = {"@context": context, "@graph": items}
    return (_to_bytes(json_text(document) + "\n"),
            _to_bytes(json.dumps({"@context": context}, indent=1) + "\n"))


def offline_loader(context: dict[str, Any]):
    """A pyld document loader: the vendored context for schema.org URLs, refusal for all else."""

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if _SCHEMA_URL.fullmatch(url):
            return {"contextUrl": None, "documentUrl": url, "document": context}
        raise jsonld.JsonLdError(
            f"refused to load {url}: only the schema.org context is available offline",
            "jsonld.LoadDocumentError", {"url": url}, code="loading document failed")
    return load


def from_jsonld(document: Any, context: dict[str, Any]) -> Graph:
    """Read JSON-LD (a parsed document) into a graph, loading only the vendored context."""

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads",
                                      "documentLoader": offline_loader(context)})
    graph = Graph()
    graph.parse(data=nquads, format="nt")  # the default graph only: JSON-LD pages name none
    return graph


_SCHEMA_URL = re.compile(r"https?://schema\.org(/|/docs/jsonldcontext\.jsonld)?")
