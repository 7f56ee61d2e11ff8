"""N-Triples lines and rdflib graphs: one converted into the other, sorted, rebased."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from monokg.model.namespaces import DEFAULT_BASE, XSD, prefixes
from monokg.rdf import ntriples as nt


def ntriples_lines(graph: Graph) -> list[str]:
    """The graph as N-Triples lines (rdflib's spelling), sorted, without duplicates."""
    # rdflib escapes \n and \r in literals but leaves U+2028, U+0085 and the like as they
    # are, where str.splitlines() (and pyld's N-Quads reader) would cut a triple in two: they
    # are escaped as every other line spells them, and the text is split at "\n" only.
    text = nt.escape_breaks(graph.serialize(format="nt", encoding="utf-8").decode("utf-8"))
    if _UPPER_TAG.search(text):  # lowercased, as `ntriples.lang_string` and pyoxigraph do
        text = _UPPER_TAG.sub(lambda m: m.group().lower(), text)
    return sorted({line for line in text.split("\n") if line.strip()})


#: A language tag with a capital at the end of a line (a raw newline ends every line).
_UPPER_TAG = re.compile(r'"@[a-zA-Z0-9-]*[A-Z][a-zA-Z0-9-]* \.\n')


def to_ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, sorted."""
    return ntriples_of(ntriples_lines(graph))


def ntriples_of(lines: Sequence[str]) -> bytes:
    """Sorted, unique N-Triples lines as the bytes of a file (xsd:string literals plain)."""
    text = "\n".join(lines) + "\n"
    if nt.STRING_TYPED_END + "\n" in text:  # rdflib's lines only; dropping may make twins
        text = "\n".join(sorted({nt.canonical_line(line) for line in lines})) + "\n"
    return _to_bytes(text)


_XSD_STRING_SUFFIX = f"^^<{XSD.string}> ."


def triples_of(lines: Sequence[str]) -> list[Triple]:
    """rdflib terms of N-Triples lines (one triple a line), parsed by pyoxigraph for speed."""

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


def _used_prefixes_of(triples: Iterable[Sequence[Node]], bindings: Bindings,
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


def new_graph() -> Graph:
    """An empty graph with every project prefix bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes().items():
        graph.bind(prefix, namespace)
    return graph


def graph_of(lines: Iterable[str]) -> Graph:
    """An rdflib graph (with the project's prefixes) of N-Triples lines."""

    graph = new_graph()
    graph.addN((s, p, o, graph) for s, p, o in triples_of(list(lines)))
    return graph


def rebase_lines(lines: list[str], base: str) -> list[str]:
    """N-Triples lines with every IRI under the default base moved under ``base``."""
    if base == DEFAULT_BASE:
        return lines
    old, new = "<" + DEFAULT_BASE, "<" + base

    def move(token: str) -> str:
        return new + token[len(old):] if token.startswith(old) else token

    moved = set()
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        moved.add(f"{move(subject)} {move(predicate)} {move(rest)}")
    return sorted(moved)


def _bindings(graph: Graph) -> Bindings:
    return [(p, str(n)) for p, n in graph.namespaces()]


Triple = tuple[Node, Node, Node]


#: prefix -> namespace, as bound on a graph
Bindings = list[tuple[str, str]]


def _to_bytes(text: str) -> bytes:
    return text.encode("utf-8")
