"""Stage 6: write the graph in every format, byte for byte the same on every build.

Turtle comes from rdflib's sorted ``longturtle``; N-Triples are sorted lines; JSON-LD is written
here as a flat, sorted, compacted document whose context holds only the prefixes in use (so it
expands to exactly the Turtle graph, and an embedded page can read it without any fetch).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD


def _to_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def to_turtle(graph: Graph) -> bytes:
    """Sorted Turtle, one predicate per line, only the prefixes in use."""
    used = _used_prefixes(graph)
    out = Graph(bind_namespaces="none")
    for prefix, namespace in used.items():
        out.bind(prefix, namespace)
    out += graph
    return _to_bytes(out.serialize(format="longturtle"))


def to_ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, sorted."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return _to_bytes("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n")


def _used_prefixes(graph: Graph, usable: Callable[[str], bool] = lambda ns: True
                   ) -> dict[str, str]:
    """The bound (and usable) prefixes some IRI of the graph uses, longest namespace winning."""
    bound = sorted(((p, str(n)) for p, n in graph.namespaces() if usable(str(n))),
                   key=lambda x: -len(x[1]))
    used: dict[str, str] = {}
    for triple in graph:
        for term in triple:
            iris = [term] if isinstance(term, URIRef) else []
            if isinstance(term, Literal) and term.datatype is not None:
                iris.append(term.datatype)
            for iri in iris:
                for prefix, namespace in bound:
                    if str(iri).startswith(namespace) and len(str(iri)) > len(namespace):
                        used[prefix] = namespace
                        break
    return dict(sorted(used.items()))


def jsonld_context(graph: Graph) -> dict[str, str]:
    """Prefixes usable as JSON-LD compact IRIs: in use, and ending in '/' or '#'."""
    return _used_prefixes(graph, lambda ns: ns.endswith(("/", "#")))


def _compact(iri: str, context: dict[str, str]) -> str:
    best = ""
    for prefix, namespace in context.items():
        if iri.startswith(namespace) and len(namespace) > len(context.get(best, "")):
            local = iri[len(namespace):]
            if local and not local.startswith("/"):
                best = prefix
    return f"{best}:{iri[len(context[best]):]}" if best else iri


def _value(term: object, context: dict[str, str]) -> object:
    if isinstance(term, URIRef):
        return {"@id": _compact(str(term), context)}
    if isinstance(term, BNode):
        raise ValueError("blank nodes are never published")
    assert isinstance(term, Literal)
    if term.language:
        return {"@value": str(term), "@language": term.language}
    if term.datatype is None or term.datatype == XSD.string:
        return str(term)
    return {"@value": str(term), "@type": _compact(str(term.datatype), context)}


def _sort_key(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def to_jsonld(graph: Graph) -> bytes:
    """Flat compacted JSON-LD: one object per subject, keys and values sorted."""
    context = jsonld_context(graph)
    nodes: dict[str, dict[str, list[object]]] = {}
    for s, p, o in graph:
        if isinstance(s, BNode):
            raise ValueError("blank nodes are never published")
        node = nodes.setdefault(str(s), {})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(_compact(str(o), context))
        else:
            node.setdefault(_compact(str(p), context), []).append(_value(o, context))
    items = []
    for subject in sorted(nodes):
        obj: dict[str, object] = {"@id": _compact(subject, context)}
        for key in sorted(nodes[subject]):
            values = sorted(nodes[subject][key], key=_sort_key)
            obj[key] = values[0] if len(values) == 1 else values
        items.append(obj)
    document = {"@context": context, "@graph": items}
    return _to_bytes(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n")


def to_context(graph: Graph) -> bytes:
    """The JSON-LD context as its own file, for people who write data in the same shape."""
    return _to_bytes(json.dumps({"@context": jsonld_context(graph)}, indent=1) + "\n")


#: Output file suffix -> writer; the suffix gives the role (see the house style).
WRITERS: dict[str, Callable[[Graph], bytes]] = {
    ".ttl": to_turtle,
    ".nt": to_ntriples,
    ".jsonld": to_jsonld,
    ".context.jsonld": to_context,
}


def write_release(graph: Graph, folder: Path, name: str) -> list[Path]:
    """Write the graph in every format into ``folder``; return the files written."""
    written = []
    for suffix, writer in WRITERS.items():
        path = folder / f"{name}{suffix}"
        path.write_bytes(writer(graph))
        written.append(path)
    return written
