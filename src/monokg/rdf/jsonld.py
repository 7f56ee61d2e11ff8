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
from rdflib import Graph, URIRef

from monokg.model.curies import Converter
from monokg.model.namespaces import RDF, XSD
from monokg.rdf.graphs import (
    _XSD_STRING_SUFFIX,
    Bindings,
    _bindings,
    _to_bytes,
    _used_prefixes_of,
    ntriples_lines,
)


def _compact_iri_suffix(local: str) -> bool:
    """JSON-LD reads ``p://...`` as an absolute IRI: a compact IRI's suffix may not start with
    ``//``, so no prefix is used where the local name starts with a slash."""
    return not local.startswith("/")


def _sort_key(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def to_jsonld(graph: Graph) -> bytes:
    """``jsonld_of_lines`` of an rdflib graph and its bound prefixes: the document."""
    return jsonld_of_lines(ntriples_lines(graph), _bindings(graph))[0]


def to_context(graph: Graph) -> bytes:
    """``jsonld_of_lines`` of an rdflib graph: the context file, for people who write data
    in the same shape."""
    return jsonld_of_lines(ntriples_lines(graph), _bindings(graph))[1]


def _json_text(value: object, indent: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)`` of strings, lists and dicts, with
    the C string encoder (json's indented writer is pure Python: seconds per 100 k triples)."""
    if isinstance(value, str):
        return _encode_string(value)
    inner = indent + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + ",\n".join(f"{inner}{_encode_string(k)}: {_json_text(v, inner)}"
                                   for k, v in value.items()) + f"\n{indent}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _json_text(v, inner) for v in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def _parsed(lines: Sequence[str]) -> list[ox.Triple]:
    """pyoxigraph triples of N-Triples lines, one per line, in order."""

    text = "\n".join(lines) + "\n"
    return [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def jsonld_of_lines(lines: Sequence[str], bindings: Bindings) -> tuple[bytes, bytes]:
    """Flat compacted JSON-LD of sorted N-Triples lines (one object per subject, keys and
    values sorted, the context holding only the prefixes in use) and that context as a file
    of its own; made from pyoxigraph's terms (no rdflib term is built: at a million triples
    that took a minute)."""

    triples = _parsed(lines)
    rdf_type = str(RDF.type)
    xsd_string = str(XSD.string)
    # The IRIs rdflib's terms would show: every IRI, and the datatype of each literal that has
    # one in rdflib (not language-tagged ones, and xsd:string only where the line spells it).
    iris: set[str] = set()
    for triple, line in zip(triples, lines, strict=True):
        for term in (triple.subject, triple.predicate):
            if not isinstance(term, ox.NamedNode):
                raise TypeError("blank nodes are never published")
            iris.add(term.value)
        obj = triple.object
        if isinstance(obj, ox.NamedNode):
            iris.add(obj.value)
        elif not isinstance(obj, ox.Literal):
            raise TypeError("blank nodes are never published")
        elif not obj.language:
            datatype = obj.datatype.value
            if datatype != xsd_string or line.endswith(_XSD_STRING_SUFFIX):
                iris.add(datatype)
    context = _used_prefixes_of([(URIRef(i),) for i in iris], bindings,
                                lambda ns: ns.endswith(("/", "#")))
    short = Converter(context, accept=_compact_iri_suffix).compact

    nodes: dict[str, dict[str, list[object]]] = {}
    for triple in triples:
        subject, obj = triple.subject, triple.object
        # Checked above: named subjects, literal or named objects.
        assert isinstance(subject, ox.NamedNode) and isinstance(obj, ox.NamedNode | ox.Literal)
        node = nodes.setdefault(subject.value, {})
        predicate = triple.predicate.value
        if isinstance(obj, ox.NamedNode):
            if predicate == rdf_type:
                node.setdefault("@type", []).append(short(obj.value))
            else:
                node.setdefault(short(predicate), []).append({"@id": short(obj.value)})
            continue
        value: object
        if obj.language:
            value = {"@value": obj.value, "@language": obj.language}
        elif obj.datatype.value == xsd_string:
            value = obj.value
        else:
            value = {"@value": obj.value, "@type": short(obj.datatype.value)}
        node.setdefault(short(predicate), []).append(value)
    items = []
    for iri in sorted(nodes):
        item: dict[str, object] = {"@id": short(iri)}
        for key in sorted(nodes[iri]):
            values = nodes[iri][key]
            if len(values) > 1:
                values.sort(key=_sort_key)
            item[key] = values[0] if len(values) == 1 else values
        items.append(item)
    document = {"@context": context, "@graph": items}
    return (_to_bytes(_json_text(document) + "\n"),
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
