"""Stage 6: write the graph in every format, byte for byte the same on every build.

Turtle is rdflib's sorted ``longturtle`` layout; N-Triples are sorted lines; JSON-LD is written
here as a flat, sorted, compacted document whose context holds only the prefixes in use (so it
expands to exactly the Turtle graph, and an embedded page can read it without any fetch).

Every writer works on a plain list of triples plus the bound prefixes, so a large release never
has to be one rdflib Graph: the pipeline hands over sorted N-Triples lines, read back with
pyoxigraph (fast) into rdflib terms (whose formatting and ordering rules the files follow).
For a graph without blank nodes, Turtle is laid out here with rdflib's own longturtle term
formatting, qnames and ordering, which gives the same bytes as rdflib's serializer at a
fraction of its time; graphs with blank nodes (the ontology, the shapes) go through rdflib.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from json.encoder import encode_basestring as _encode_string
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
#: prefix -> namespace, as bound on a graph
Bindings = list[tuple[str, str]]

def _to_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def _bindings(graph: Graph) -> Bindings:
    return [(p, str(n)) for p, n in graph.namespaces()]


def to_turtle(graph: Graph) -> bytes:
    """Sorted Turtle, one predicate per line, only the prefixes in use."""
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        used = _used_prefixes(graph)
        out = Graph(bind_namespaces="none")
        for prefix, namespace in used.items():
            out.bind(prefix, namespace)
        out += graph
        return _to_bytes(out.serialize(format="longturtle"))
    return turtle_of(list(graph), _bindings(graph))


def turtle_of(triples: Sequence[Triple], bindings: Bindings) -> bytes:
    """rdflib's longturtle of a blank-node-free graph, laid out without building the graph."""
    from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

    used = _used_prefixes_of(triples, bindings)
    names = Graph(bind_namespaces="none")
    for prefix, namespace in used.items():
        names.bind(prefix, namespace)
    # The serializer is used only for its term formatting: literals and prefix records.
    ser = LongTurtleSerializer(names)
    ser.reset()
    pname = _pname_maker(ser, used)
    labels: dict[tuple[Node, int], str] = {}

    def label(node: Node, position: int) -> str:
        key = (node, position)
        text = labels.get(key)
        if text is None:
            text = pname(node, position) if isinstance(node, URIRef) else None
            if text is None:
                text = ser.label(node, position)
            labels[key] = text
        return text

    rdf_type, rdfs_label, rdfs_class = RDF.type, RDFS.label, RDFS.Class
    by_subject: dict[Node, dict[Node, list[Node]]] = {}
    references: Counter[Node] = Counter()
    datatypes: set[Node] = set()
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
        references[o] += 1
        # Record every prefix the serializer's preprocessing would record, datatypes included
        # (even where a bare number or boolean then needs no prefix).
        label(s, 0)
        if p != rdf_type:
            label(p, 1)
        label(o, 2)
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in datatypes:
            datatypes.add(o.datatype)
            pname(o.datatype, 2)
    top = sorted(s for s, props in by_subject.items() if rdfs_class in props.get(rdf_type, ()))
    seen = set(top)
    rest = sorted((references[s], s) for s in by_subject if s not in seen)
    chunks = [f"PREFIX {prefix}: <{uri}>\n" for prefix, uri in sorted(ser.namespaces.items())]
    first = (rdf_type, rdfs_label)
    for subject in top + [s for _, s in rest]:
        props = by_subject[subject]
        for objects in props.values():
            if len(objects) > 1:
                objects.sort()
        order = [p for p in first if p in props]
        order += sorted(p for p in props if p not in first)
        parts = ["\n", label(subject, 0), "\n"]
        for n, predicate in enumerate(order):
            parts.append("    " if n == 0 else " ;\n    ")
            parts.append(label(predicate, 1))
            objects = props[predicate]
            if len(objects) == 1:
                parts += [" ", label(objects[0], 2)]
            else:
                parts.append(" ,".join("\n        " + label(o, 2) for o in objects))
        parts.append(" ;\n.\n")
        chunks.append("".join(parts))
    return "".join(chunks).encode("utf-8", "replace")


def _pname_maker(ser: object, used: dict[str, str]) -> Callable[[URIRef, int], str | None]:
    """rdflib's longturtle label of an IRI (and its prefix record), or None where only rdflib
    itself can tell (a predicate it would make a prefix for).

    rdflib's NamespaceManager.compute_qname keeps every namespace it splits off in a trie
    whose insertion scans all siblings: quadratic in the distinct namespaces (minutes at a
    million triples). Of that trie only the bound namespaces can change a result (a split
    namespace is never a longer prefix of another IRI's split), so: split as rdflib does,
    take the longest bound namespace below the split, and use its prefix if it has one."""
    from rdflib.namespace import split_uri

    by_namespace = {namespace: prefix for prefix, namespace in used.items()}
    bound = sorted(by_namespace, key=len, reverse=True)
    percent = ser.LOCALNAME_PECRENT_CHARACTER_REQUIRING_ESCAPE_REGEX  # type: ignore[attr-defined]
    keywords = ser.keywords  # type: ignore[attr-defined]
    found: dict[str, tuple[str, str, str] | None] = {}

    def qname(iri: str) -> tuple[str, str, str] | None:
        try:
            namespace, local = split_uri(iri)
        except ValueError:
            prefix = by_namespace.get(iri)
            return None if prefix is None else (prefix, iri, "")
        for longer in bound:
            if len(longer) > len(namespace) and longer.startswith(namespace) and \
                    iri.startswith(longer):
                namespace, local = longer, iri[len(longer):]
                break
        prefix = by_namespace.get(namespace)
        return None if prefix is None else (prefix, namespace, local)

    def pname(node: URIRef, position: int) -> str | None:
        if node == RDF.nil or position == 1 and node in keywords or \
                any(c in node for c in '<>" {}|\\^`'):
            return None  # rdflib's own rules (and errors) apply
        iri = str(node)
        if iri not in found:
            found[iri] = qname(iri)
        parts = found[iri]
        if parts is None:
            # rdflib makes up a prefix for a predicate; other IRIs are written in full.
            return None if position == 1 else node.n3()
        prefix, namespace, local = parts
        if prefix.startswith("_"):
            return None  # rdflib renames such a prefix
        local = percent.sub("\\%", local.replace("(", "\\(").replace(")", "\\)"))
        if local.endswith("."):
            return node.n3()
        ser.addNamespace(prefix, URIRef(namespace))  # type: ignore[attr-defined]
        return f"{prefix}:{local}"

    return pname


def ntriples_lines(graph: Graph) -> list[str]:
    """The graph as N-Triples lines (rdflib's spelling), sorted, without duplicates."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return sorted(set(line for line in lines if line.strip()))


def to_ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, sorted."""
    return ntriples_of(ntriples_lines(graph))


def ntriples_of(lines: Sequence[str]) -> bytes:
    """Sorted, unique N-Triples lines as the bytes of a file."""
    return _to_bytes("\n".join(lines) + "\n")


_XSD_STRING_SUFFIX = f"^^<{XSD.string}> ."


def triples_of(lines: Sequence[str]) -> list[Triple]:
    """rdflib terms of N-Triples lines (one triple a line), parsed by pyoxigraph for speed."""
    import pyoxigraph as ox

    iris: dict[str, URIRef] = {}

    def iri(value: str) -> URIRef:
        node = iris.get(value)
        if node is None:
            node = iris[value] = URIRef(value)
        return node

    literals: dict[tuple[str, str | None, str | None], Literal] = {}
    xsd_string = str(XSD.string)

    def literal(value: str, language: str | None, datatype: str | None) -> Literal:
        # rdflib converts every lexical form to a value: do it once per distinct literal.
        key = (value, language, datatype)
        node = literals.get(key)
        if node is None:
            node = literals[key] = Literal(value, lang=language) if language else \
                Literal(value, datatype=iri(datatype) if datatype else None)
        return node

    def term(node: object, line: str) -> Node:
        if isinstance(node, ox.NamedNode):
            return iri(node.value)
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        assert isinstance(node, ox.Literal)
        if node.language:
            return literal(node.value, node.language, None)
        datatype = node.datatype.value
        # N-Triples has no plain/xsd:string distinction for pyoxigraph, but rdflib keeps one.
        if datatype == xsd_string and not line.endswith(_XSD_STRING_SUFFIX):
            return literal(node.value, None, None)
        return literal(node.value, None, datatype)

    text = "\n".join(lines) + "\n"
    quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return [(term(q.subject, line), iri(q.predicate.value), term(q.object, line))
            for q, line in zip(quads, lines, strict=True)]


def _used_prefixes(graph: Graph, usable: Callable[[str], bool] = lambda ns: True
                   ) -> dict[str, str]:
    """The bound (and usable) prefixes some IRI of the graph uses, longest namespace winning."""
    return _used_prefixes_of(list(graph), _bindings(graph), usable)


def _used_prefixes_of(triples: Iterable[Triple], bindings: Bindings,
                      usable: Callable[[str], bool] = lambda ns: True) -> dict[str, str]:
    """The bound (and usable) prefixes some IRI of the triples uses, longest namespace winning."""
    bound = sorted(((p, n) for p, n in bindings if usable(n)), key=lambda x: -len(x[1]))
    used: dict[str, str] = {}
    done: set[str] = set()
    for triple in triples:
        for term in triple:
            iris = [term] if isinstance(term, URIRef) else []
            if isinstance(term, Literal) and term.datatype is not None:
                iris.append(term.datatype)
            for iri in iris:
                if iri in done:
                    continue
                done.add(iri)
                for prefix, namespace in bound:
                    if str(iri).startswith(namespace) and len(str(iri)) > len(namespace):
                        used[prefix] = namespace
                        break
    return dict(sorted(used.items()))


def _context_of(triples: Sequence[Triple], bindings: Bindings) -> dict[str, str]:
    return _used_prefixes_of(triples, bindings, lambda ns: ns.endswith(("/", "#")))


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
    return jsonld_of(list(graph), _bindings(graph))


def _shortener(context: dict[str, str]) -> Callable[[str], str]:
    """``_compact`` under a context, remembered: a release names the same IRIs many times."""
    compact: dict[str, str] = {}

    def short(iri: str) -> str:
        text = compact.get(iri)
        if text is None:
            text = compact[iri] = _compact(iri, context)
        return text
    return short


def jsonld_of(triples: Sequence[Triple], bindings: Bindings) -> bytes:
    """Flat compacted JSON-LD of a list of triples (see ``to_jsonld``)."""
    context = _context_of(triples, bindings)
    short = _shortener(context)

    nodes: dict[str, dict[str, list[object]]] = {}
    for s, p, o in triples:
        if isinstance(s, BNode):
            raise ValueError("blank nodes are never published")
        node = nodes.setdefault(str(s), {})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(short(str(o)))
        elif isinstance(o, URIRef):
            node.setdefault(short(str(p)), []).append({"@id": short(str(o))})
        else:
            node.setdefault(short(str(p)), []).append(_value(o, context))
    items = []
    for subject in sorted(nodes):
        obj: dict[str, object] = {"@id": short(subject)}
        for key in sorted(nodes[subject]):
            values = sorted(nodes[subject][key], key=_sort_key)
            obj[key] = values[0] if len(values) == 1 else values
        items.append(obj)
    document = {"@context": context, "@graph": items}
    return _to_bytes(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n")


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


def _parsed(lines: Sequence[str]) -> list[object]:
    """pyoxigraph triples of N-Triples lines, one per line, in order."""
    import pyoxigraph as ox

    text = "\n".join(lines) + "\n"
    return [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def jsonld_of_lines(lines: Sequence[str], bindings: Bindings) -> tuple[bytes, bytes]:
    """``jsonld_of`` and ``context_of`` of sorted N-Triples lines, made from pyoxigraph's terms
    (no rdflib term is built: at a million triples that took a minute)."""
    import pyoxigraph as ox

    triples = _parsed(lines)
    rdf_type = str(RDF.type)
    xsd_string = str(XSD.string)
    # The IRIs rdflib's terms would show: every IRI, and the datatype of each literal that has
    # one in rdflib (not language-tagged ones, and xsd:string only where the line spells it).
    iris: set[str] = set()
    for triple, line in zip(triples, lines, strict=True):
        for term in (triple.subject, triple.predicate):
            if isinstance(term, ox.BlankNode):
                raise ValueError("blank nodes are never published")
            iris.add(term.value)
        obj = triple.object
        if isinstance(obj, ox.NamedNode):
            iris.add(obj.value)
        elif isinstance(obj, ox.BlankNode):
            raise ValueError("blank nodes are never published")
        elif not obj.language:
            datatype = obj.datatype.value
            if datatype != xsd_string or line.endswith(_XSD_STRING_SUFFIX):
                iris.add(datatype)
    context = _used_prefixes_of([(URIRef(i),) for i in iris], bindings,  # type: ignore[misc]
                                lambda ns: ns.endswith(("/", "#")))
    short = _shortener(context)

    nodes: dict[str, dict[str, list[object]]] = {}
    for triple in triples:
        node = nodes.setdefault(triple.subject.value, {})
        predicate, obj = triple.predicate.value, triple.object
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
    for subject in sorted(nodes):
        item: dict[str, object] = {"@id": short(subject)}
        for key in sorted(nodes[subject]):
            values = nodes[subject][key]
            if len(values) > 1:
                values.sort(key=_sort_key)
            item[key] = values[0] if len(values) == 1 else values
        items.append(item)
    document = {"@context": context, "@graph": items}
    return (_to_bytes(_json_text(document) + "\n"),
            _to_bytes(json.dumps({"@context": context}, indent=1) + "\n"))


def to_context(graph: Graph) -> bytes:
    """The JSON-LD context as its own file, for people who write data in the same shape."""
    return context_of(list(graph), _bindings(graph))


def context_of(triples: Sequence[Triple], bindings: Bindings) -> bytes:
    """The JSON-LD context file of a list of triples."""
    return _to_bytes(json.dumps({"@context": _context_of(triples, bindings)}, indent=1) + "\n")


#: Output file suffix -> writer; the suffix gives the role (see the house style).
WRITERS: dict[str, Callable[[Graph], bytes]] = {
    ".ttl": to_turtle,
    ".nt": to_ntriples,
    ".jsonld": to_jsonld,
    ".context.jsonld": to_context,
}


def write_release_lines(lines: Sequence[str], bindings: Bindings, folder: Path, name: str,
                        timings: dict[str, float] | None = None) -> list[Path]:
    """The files of ``WRITERS``, from sorted N-Triples lines of a blank-node-free graph and
    its bound prefixes (no rdflib Graph is built)."""
    import time

    from .dataset import write_file

    def turtle() -> bytes:
        started = time.perf_counter()
        triples = triples_of(lines)
        if timings is not None:
            timings["export:parse"] = time.perf_counter() - started
        # The rdflib terms live only here: at a million triples they take a gigabyte.
        return turtle_of(triples, bindings)

    jsonld: dict[str, bytes] = {}

    def document() -> bytes:
        jsonld[".jsonld"], jsonld[".context.jsonld"] = jsonld_of_lines(lines, bindings)
        return jsonld[".jsonld"]

    outputs: dict[str, Callable[[], bytes]] = {
        ".ttl": turtle,
        ".nt": lambda: ntriples_of(lines),
        ".jsonld": document,
        ".context.jsonld": lambda: jsonld.pop(".context.jsonld"),
    }
    written = []
    for suffix in WRITERS:
        started = time.perf_counter()
        path = folder / f"{name}{suffix}"
        write_file(path, outputs[suffix]())
        written.append(path)
        if timings is not None:
            timings[f"export:{suffix.lstrip('.')}"] = time.perf_counter() - started
    return written
