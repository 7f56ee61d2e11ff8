"""The shapes graph compiled into plain data the engine runs, or ``Unsupported`` naming the
shape and the feature the engine does not implement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from monokg.check.shacl.paths import Path, predicates, read_path
from monokg.check.shacl.sparql import Query, read_query
from monokg.check.shacl.terms import SUBCLASS, TYPE, Unsupported, term_token
from monokg.model.errors import InputError

#: sh: predicates a shape may carry that are read with another one, or change nothing.
_IGNORED = {"name", "description", "order", "group", "defaultValue", "property", "severity",
            "message", "path", "flags", "qualifiedMinCount", "qualifiedMaxCount",
            "qualifiedValueShapesDisjoint", "targetClass", "targetSubjectsOf",
            "targetObjectsOf", "targetNode", "deactivated", "ignoredProperties"}
#: sh: predicates that are constraint parameters this engine implements.
_CONSTRAINTS = {"minCount", "maxCount", "datatype", "nodeKind", "class", "pattern", "in",
                "hasValue", "minLength", "maxLength", "minInclusive", "minExclusive",
                "maxInclusive", "maxExclusive", "languageIn", "uniqueLang", "lessThan",
                "lessThanOrEquals", "equals", "disjoint", "node", "or", "and", "not", "xone",
                "qualifiedValueShape", "closed", "sparql"}
_SINGLE = {"datatype", "nodeKind", "pattern", "minLength", "maxLength", "minCount", "maxCount",
           "uniqueLang", "qualifiedValueShape", "closed", "deactivated", "flags",
           "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint"}

_NODE_KINDS = {  # sh:nodeKind -> the kinds of term (i IRI, b blank node, l literal) it allows
    "IRI": "i", "BlankNode": "b", "Literal": "l", "BlankNodeOrIRI": "bi",
    "BlankNodeOrLiteral": "bl", "IRIOrLiteral": "il"}
_TRUE = Literal(True)
_SH = str(SH)


@dataclass
class Shape:
    """One shape, compiled: its path, its constraints and how its results are reported."""

    node: Any  # the rdflib term of the shape (for reporting)
    path: Path | None  # a property shape's path (see `paths`)
    constraints: list[tuple[Any, ...]] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)  # keys of its sh:property shapes
    severity: str = f"{_SH}Violation"
    messages: dict[str, str] = field(default_factory=dict)  # language -> text
    sparql: list[Query] = field(default_factory=list)
    deactivated: bool = False


@dataclass(frozen=True)
class Target:
    """The focus nodes of a shape: instances of classes, subjects or objects of
    predicates, and nodes named outright (tokens)."""

    shape: str
    classes: tuple[str, ...]
    subjects_of: tuple[str, ...]
    objects_of: tuple[str, ...]
    nodes: tuple[str, ...]


@dataclass
class CompiledShapes:
    """The shapes graph as the engine runs it; plain data, so it pickles."""

    shapes: dict[str, Shape]
    targets: list[Target]
    predicates: set[str]  # every predicate a path, target or comparison reads
    inverse: set[str] = field(default_factory=set)  # predicates paths read backwards
    everything: bool = False  # whether a closed shape needs every predicate indexed
    #: predicate -> the sh:datatype shapes require of its values, for the predicates the
    #: SPARQL constraints read
    sparql_typed: dict[str, set[str]] = field(default_factory=dict)


def key(node: Any) -> str:
    """The key of a shape: its token."""
    return node.n3() if isinstance(node, URIRef | BNode) else str(node)


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The shapes of a graph, or ``Unsupported`` naming the shape and the feature."""

    for component in shapes.subjects(RDF.type, SH.ConstraintComponent):
        raise Unsupported(f"{component}: custom constraint components are not implemented")
    for component, _ in shapes.subject_objects(SH.parameter):
        raise Unsupported(f"{component}: custom constraint components are not implemented")
    roots = set(shapes.subjects(RDF.type, SH.NodeShape)) | \
        set(shapes.subjects(RDF.type, SH.PropertyShape))
    for reference in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode,
                      SH.path):
        roots |= set(shapes.subjects(reference, None))
    for s in shapes.subjects(SH.target, None):
        raise Unsupported(f"{s}: sh:target is not implemented")
    compiled: dict[str, Shape] = {}
    todo = list(roots)
    predicates_read = {TYPE, SUBCLASS}
    everything = False
    while todo:
        node = todo.pop()
        if key(node) in compiled:
            continue
        shape = compiled[key(node)] = _shape(shapes, node, todo)
        for c in shape.constraints:
            if c[0] in ("lessThan", "lessThanOrEquals", "equals", "disjoint"):
                predicates_read.add(c[1])
            everything = everything or c[0] == "closed"
    _check_recursion(compiled)
    _check_sparql_reach(compiled)
    metaclasses = {RDFS.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    targets = [t for t in (_target(shapes, node, metaclasses) for node in sorted(roots, key=key))
               if t]
    for target in targets:
        predicates_read.update(target.subjects_of + target.objects_of)
    steps = [step for shape in compiled.values() if shape.path
             for step in predicates(shape.path)]
    predicates_read.update(p for _, p in steps)
    named = {p for shape in compiled.values() for query in shape.sparql
             for p in query.predicates | query.via}
    predicates_read |= named
    typed: dict[str, set[str]] = {}
    for shape in compiled.values():
        if shape.path and shape.path[0] == "p" and shape.path[1] in named:
            for c in shape.constraints:
                if c[0] == "datatype":
                    typed.setdefault(shape.path[1], set()).add(c[1])
    return CompiledShapes(compiled, targets, predicates_read,
                          {p for direction, p in steps if direction == "i"}, everything, typed)


def _target(shapes: Graph, node: Any, metaclasses: set[Any]) -> Target | None:
    """The targets of a shape, with its implicit class target (a shape that is an instance
    of one of the metaclasses: rdfs:Class and its sub-classes)."""
    classes = {key(c) for c in shapes.objects(node, SH.targetClass)}
    if any(t in metaclasses for t in shapes.objects(node, RDF.type)):
        classes.add(key(node))
    target = Target(key(node), tuple(sorted(classes)),
                    tuple(sorted(key(p) for p in shapes.objects(node, SH.targetSubjectsOf))),
                    tuple(sorted(key(p) for p in shapes.objects(node, SH.targetObjectsOf))),
                    tuple(sorted(term_token(n) for n in shapes.objects(node, SH.targetNode))))
    return target if classes or target.subjects_of or target.objects_of or target.nodes \
        else None


def _items(shapes: Graph, shape: Any, lst: Any, feature: str) -> list[Any]:
    try:
        return list(Collection(shapes, lst))
    except Exception as exc:  # a malformed list
        raise Unsupported(f"{shape}: sh:{feature} is not a well-formed list") from exc


def _shape(shapes: Graph, node: Any, todo: list[Any]) -> Shape:
    """One shape compiled; the shapes it refers to are added to ``todo``."""
    shape = Shape(node=node, path=None)
    seen: dict[str, list[Any]] = {}
    for pred, obj in shapes.predicate_objects(node):
        name = str(pred)
        if not name.startswith(_SH):
            continue
        local = name[len(_SH):]
        if local not in _IGNORED and local not in _CONSTRAINTS:
            raise Unsupported(f"{node}: sh:{local} is not implemented")
        seen.setdefault(local, []).append(obj)
    if len(seen.get("path", ())) > 1:  # pySHACL's words: it refuses the shapes too
        raise Unsupported(f"{node}: A shape defined as a PropertyShape cannot have more than "
                          "one 'sh:path' property.")
    for local, values in seen.items():
        if local in _SINGLE and len(values) > 1:
            raise Unsupported(f"{node}: more than one sh:{local}")
    one = {local: values[0] for local, values in seen.items()}.get
    # sh:deactivated, sh:closed, sh:uniqueLang and sh:qualifiedValueShapesDisjoint act on
    # true alone: the suite reads "1"^^xsd:boolean as not true (uniqueLang-002).
    shape.deactivated = one("deactivated") == _TRUE
    if "flags" in seen and "pattern" not in seen:
        raise Unsupported(f"{node}: sh:flags without sh:pattern")
    if one("path") is not None:
        shape.path = read_path(shapes, one("path"), node)
    if one("severity") is not None:
        shape.severity = str(one("severity"))
    for message in seen.get("message", []):
        if isinstance(message, Literal):
            shape.messages.setdefault(message.language or "", str(message))
    for prop in seen.get("property", []):
        shape.properties.append(key(prop))
        todo.append(prop)
    for constraint in seen.get("sparql", []):
        shape.sparql.append(read_query(shapes, node, constraint))
        own = set(shapes.objects(constraint, SH.message))
        if own and own != set(seen.get("message", [])):
            # pySHACL reports the constraint's messages; results here carry the shape's
            raise Unsupported(f"{node}: a SPARQL constraint whose sh:message differs from "
                              "its shape's is not implemented")
    for local in sorted(set(seen) - {"sparql"}):
        shape.constraints.extend(_constraints(shapes, node, local, seen[local], one, todo))
    counts = [c for c in shape.constraints if c[0] in ("minCount", "maxCount")]
    if counts:  # one check of both bounds: most property shapes have both
        bounds = dict(counts)
        shape.constraints = [("count", bounds.get("minCount", 0), bounds.get("maxCount")),
                             *(c for c in shape.constraints if c not in counts)]
    return shape


def _constraints(shapes: Graph, node: Any, local: str, values: list[Any], one: Any,
                 todo: list[Any]) -> Iterator[tuple[Any, ...]]:
    """The compiled constraints of one sh: parameter of a shape."""
    if local in ("minCount", "maxCount", "minLength", "maxLength"):
        number = values[0].value if isinstance(values[0], Literal) else None
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise Unsupported(f"{node}: sh:{local} must be a non-negative integer")
        yield (local, number)
    elif local == "datatype":
        yield ("datatype", str(values[0]))
    elif local == "nodeKind":
        kind = str(values[0]).removeprefix(_SH)
        if kind not in _NODE_KINDS:
            raise Unsupported(f"{node}: unknown sh:nodeKind {values[0]}")
        yield ("nodeKind", _NODE_KINDS[kind])
    elif local == "class":
        yield from (("class", key(c)) for c in values)
    elif local == "pattern":
        yield ("pattern", _pattern(node, values[0], one("flags")))
    elif local == "in":
        yield ("in", frozenset(term_token(m) for m in _items(shapes, node, values[0], local)))
    elif local == "hasValue":
        yield from (("hasValue", term_token(v)) for v in values)
    elif local in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
        for bound in values:
            if not isinstance(bound, Literal):
                raise Unsupported(f"{node}: sh:{local} must be a literal")
            yield (local, bound)
    elif local == "languageIn":
        wanted = []
        for tag in _items(shapes, node, values[0], local):
            if not isinstance(tag, Literal) or not isinstance(tag.value, str):
                raise Unsupported(f"{node}: sh:languageIn needs string literals")
            wanted.append(str(tag.value).lower())
        yield ("languageIn", frozenset(wanted))
    elif local == "uniqueLang" and values[0] == _TRUE:
        yield ("uniqueLang",)
    elif local in ("lessThan", "lessThanOrEquals", "equals", "disjoint"):
        for other in values:
            if not isinstance(other, URIRef):
                raise Unsupported(f"{node}: sh:{local} must be an IRI")
            yield (local, other.n3())
    elif local in ("node", "not"):
        for other in values:
            todo.append(other)
            yield (local, key(other))
    elif local in ("or", "and", "xone"):
        for lst in values:
            members = _items(shapes, node, lst, local)
            todo.extend(members)
            yield (local, tuple(key(m) for m in members))
    elif local == "qualifiedValueShape":
        yield _qualified(shapes, node, values[0], one, todo)
    elif local == "closed" and values[0] == _TRUE:
        yield ("closed", _closed_allowed(shapes, node, one("ignoredProperties")))


def _pattern(node: Any, pattern: Any, flags: Any) -> re.Pattern[str]:
    """sh:pattern with sh:flags as pySHACL compiles it (Python's re, flags i and m)."""
    letters = str(flags or "").lower()
    if set(letters) - {"i", "m"}:
        raise Unsupported(f"{node}: sh:flags {letters!r} (only i and m are implemented)")
    try:
        return re.compile(str(pattern), (re.IGNORECASE if "i" in letters else 0) |
                          (re.MULTILINE if "m" in letters else 0))
    except re.error as exc:
        raise InputError(f"{node}: sh:pattern {str(pattern)!r} is not a regular expression "
                         f"the validator can run ({exc})", None,
                         fix="write the pattern in the common subset of XPath and Python "
                         "regular expressions") from exc


def _qualified(shapes: Graph, node: Any, value_shape: Any, one: Any,
               todo: list[Any]) -> tuple[Any, ...]:
    """("qualified", shape, min, max, siblings): with sh:qualifiedValueShapesDisjoint the
    siblings are the qualified value shapes of the other property shapes of its parents."""
    low, high = one("qualifiedMinCount"), one("qualifiedMaxCount")
    for number in (low, high):
        value = getattr(number, "value", None)
        if number is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise Unsupported(f"{node}: qualified counts must be integers")
    todo.append(value_shape)
    siblings = set()
    if one("qualifiedValueShapesDisjoint") == _TRUE:
        for parent in shapes.subjects(SH.property, node):
            for sibling in shapes.objects(parent, SH.property):
                for other in shapes.objects(sibling, SH.qualifiedValueShape):
                    if other != value_shape:
                        siblings.add(other)
    todo.extend(siblings)
    return ("qualified", key(value_shape), None if low is None else low.value,
            None if high is None else high.value, tuple(sorted(key(s) for s in siblings)))


def _closed_allowed(shapes: Graph, node: Any, ignored: Any) -> frozenset[str]:
    """The predicates a closed shape allows: its property shapes' IRI paths and
    sh:ignoredProperties."""
    allowed = {p.n3() for prop in shapes.objects(node, SH.property)
               for p in shapes.objects(prop, SH.path) if isinstance(p, URIRef)}
    if ignored is not None:
        allowed |= {term_token(p) for p in _items(shapes, node, ignored, "ignoredProperties")}
    return frozenset(allowed)


def _references(shape: Shape) -> Iterator[str]:
    """The keys of the shapes a shape's constraints judge value nodes by."""
    for c in shape.constraints:
        if c[0] in ("node", "not"):
            yield c[1]
        elif c[0] == "qualified":
            yield c[1]
            yield from c[4]
        elif c[0] in ("or", "and", "xone"):
            yield from c[1]


def _check_recursion(compiled: dict[str, Shape]) -> None:
    """Recursive shapes are left to pySHACL (SHACL leaves their meaning open)."""
    state: dict[str, int] = {}

    def visit(k: str) -> None:
        if state.get(k) == 2:
            return
        if state.get(k) == 1:
            raise Unsupported(f"{compiled[k].node}: recursive shapes are not implemented")
        state[k] = 1
        for r in [*compiled[k].properties, *_references(compiled[k])]:
            visit(r)
        state[k] = 2

    for k in sorted(compiled):
        visit(k)


def _check_sparql_reach(compiled: dict[str, Shape]) -> None:
    """SPARQL constraints run for targeted shapes and their sh:property shapes only: refuse
    them on a shape reached any other way (by sh:node, sh:or, ... or a nested property)."""
    reached = {r for shape in compiled.values() for r in _references(shape)}
    reached |= {p for shape in compiled.values() if shape.path for p in shape.properties}
    todo = list(reached)
    while todo:
        for p in compiled[todo.pop()].properties:
            if p not in reached:
                reached.add(p)
                todo.append(p)
    for k in sorted(reached):
        if compiled[k].sparql:
            raise Unsupported(f"{compiled[k].node}: a SPARQL constraint on a shape reached "
                              "through another shape's value nodes is not implemented")
