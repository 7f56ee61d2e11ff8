"""SHACL property paths: read from a graph into tuples, and the value nodes they reach.

A path is ("p", iri token), ("i", iri token) for its inverse, ("/", steps) a sequence,
("|", choices) alternatives, or ("*" | "+" | "?", path). Inverses of compound paths are
pushed down to the predicates when the path is read, so evaluation needs no other form.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from monokg.check.shacl.data import Data
from monokg.check.shacl.terms import Unsupported

Path = tuple[Any, ...]

_CLOSURES = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def read_path(graph: Graph, node: Any, shape: Any) -> Path:
    """The path a node of the graph describes, or ``Unsupported`` naming the shape."""
    if isinstance(node, URIRef):
        return ("p", node.n3())
    if not isinstance(node, BNode):
        raise Unsupported(f"{shape}: sh:path {node} is not a path")
    if (node, RDF.first, None) in graph:
        steps = [read_path(graph, step, shape) for step in _items(graph, node, shape)]
        if len(steps) < 2:
            raise Unsupported(f"{shape}: a sequence path needs two members or more")
        return ("/", tuple(steps))
    pairs = list(graph.predicate_objects(node))
    if len(pairs) != 1:
        raise Unsupported(f"{shape}: sh:path {node} is not a well-formed path")
    pred, obj = pairs[0]
    if pred == SH.inversePath:
        return inverse(read_path(graph, obj, shape))
    if pred == SH.alternativePath:
        choices = [read_path(graph, c, shape) for c in _items(graph, obj, shape)]
        if len(choices) < 2:
            raise Unsupported(f"{shape}: an alternative path needs two members or more")
        return ("|", tuple(choices))
    closure = _CLOSURES.get(URIRef(str(pred)))
    if closure is not None:
        return (closure, read_path(graph, obj, shape))
    raise Unsupported(f"{shape}: sh:path {node} is not a well-formed path")


def _items(graph: Graph, lst: Any, shape: Any) -> list[Any]:
    try:
        return list(Collection(graph, lst))
    except Exception as exc:  # a malformed list
        raise Unsupported(f"{shape}: a path list is not well-formed") from exc


def inverse(path: Path) -> Path:
    """The path read backwards."""
    kind = path[0]
    if kind == "p":
        return ("i", path[1])
    if kind == "i":
        return ("p", path[1])
    if kind == "/":
        return ("/", tuple(inverse(step) for step in reversed(path[1])))
    if kind == "|":
        return ("|", tuple(inverse(choice) for choice in path[1]))
    return (kind, inverse(path[1]))


def predicates(path: Path) -> Iterator[tuple[str, str]]:
    """("p" or "i", predicate) of every step of the path."""
    if path[0] in ("p", "i"):
        yield path[0], path[1]
    elif path[0] in ("/", "|"):
        for sub in path[1]:
            yield from predicates(sub)
    else:
        yield from predicates(path[1])


def values(data: Data, node: str, path: Path) -> AbstractSet[str]:
    """The value nodes the path reaches from a node."""
    kind = path[0]
    if kind == "p":
        return data.objects(node, path[1])
    if kind == "i":
        return data.subjects(path[1], node)
    if kind == "/":
        current: AbstractSet[str] = {node}
        for step in path[1]:
            current = set().union(*(values(data, n, step) for n in current))
        return current
    if kind == "|":
        return set().union(*(values(data, node, choice) for choice in path[1]))
    found: set[str] = {node} if kind in "*?" else set()
    if kind == "?":
        return found | values(data, node, path[1])
    todo = [node]
    reached: set[str] = set()
    while todo:
        for value in values(data, todo.pop(), path[1]):
            if value not in reached:
                reached.add(value)
                todo.append(value)
    return found | reached


def simple(path: Path) -> tuple[str, str] | None:
    """(direction, IRI) of a predicate path or the inverse of one, as findings name paths."""
    if path[0] == "p":
        return ("", path[1][1:-1])
    if path[0] == "i":
        return ("^", path[1][1:-1])
    return None
