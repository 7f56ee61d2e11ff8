"""The engine core: focus nodes from the targets, each shape's constraints on its value
nodes, nested property shapes on those value nodes, then the SPARQL constraints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from monokg.check.findings import finding_of, sort_findings
from monokg.check.shacl import cardinality, logical, pairs, shape_based, value
from monokg.check.shacl.compile import CompiledShapes, Shape
from monokg.check.shacl.data import Data
from monokg.check.shacl.paths import Path, simple, values
from monokg.check.shacl.sparql import Query, run_oxigraph, run_rdflib
from monokg.check.shacl.terms import Literals, Unsupported, rdflib_term
from monokg.model.errors import Finding

#: focus node, result path (None: none), value (None: none), source shape key
Result = tuple[str, Path | None, str | None, str]

_Check = Callable[["Engine", tuple[Any, ...], str, AbstractSet[str]], Iterable[str | None]]

_CHECKS: dict[str, _Check] = {
    "count": cardinality.count,
    "datatype": value.datatype, "nodeKind": value.node_kind, "class": value.class_,
    "in": value.in_, "hasValue": value.has_value, "pattern": value.pattern,
    "minLength": value.length, "maxLength": value.length, "languageIn": value.language_in,
    "uniqueLang": value.unique_lang, "minInclusive": value.value_range,
    "minExclusive": value.value_range, "maxInclusive": value.value_range,
    "maxExclusive": value.value_range, "equals": pairs.equals, "disjoint": pairs.disjoint,
    "lessThan": pairs.less_than, "lessThanOrEquals": pairs.less_than,
    "not": logical.logical, "and": logical.logical, "or": logical.logical,
    "xone": logical.logical, "node": shape_based.node, "qualified": shape_based.qualified}


#: Constraints that judge each value node on its own: nothing to do without value nodes.
_VALUE_WISE = {"datatype", "nodeKind", "class", "in", "pattern", "minLength", "maxLength",
               "languageIn", "minInclusive", "minExclusive", "maxInclusive", "maxExclusive",
               "lessThan", "lessThanOrEquals", "disjoint", "not", "and", "or", "xone", "node"}
_NONE: frozenset[str] = frozenset()


_Plan = tuple[list[tuple[_Check, tuple[Any, ...]]], list[tuple[_Check, tuple[Any, ...]]],
              list[tuple[Any, ...]]]


def _plan(shape: Shape) -> _Plan:
    """A shape's checks: all of them, those to run without value nodes (the others judge
    value nodes one by one), and sh:closed."""
    checks = [(_CHECKS[c[0]], c) for c in shape.constraints if c[0] != "closed"]
    return (checks, [(judge, c) for judge, c in checks if c[0] not in _VALUE_WISE],
            [c for c in shape.constraints if c[0] == "closed"])


class Engine:
    """Validation of focus nodes against compiled shapes over one data index."""

    def __init__(self, shapes: CompiledShapes, data: Data, literals: Literals):
        self.shapes = shapes.shapes
        self.data = data
        self.lit = literals
        self.memo: dict[tuple[str, str], bool] = {}
        #: shape key -> the checks of its constraints: all, those to run without value
        #: nodes, and sh:closed (whose results name their own paths)
        self.plans = {k: _plan(shape) for k, shape in self.shapes.items()}

    def conforms(self, key: str, node: str) -> bool:
        """Whether a node conforms to a shape (no result of any severity)."""
        memo = self.memo.get((key, node))
        if memo is None:
            memo = self.memo[(key, node)] = not any(True for _ in self.check(key, node))
        return memo

    def check(self, key: str, focus: str) -> Iterator[Result]:
        """The results of validating one focus node against a shape: its constraints on
        its value nodes, and its sh:property shapes with each value node as focus node."""
        shape = self.shapes[key]
        if shape.deactivated:
            return
        path = shape.path
        if path is None:
            nodes: AbstractSet[str] = {focus}
        elif path[0] == "p":  # the commonest path, looked up here (this runs per focus node)
            nodes = self.data.out[path[1]].get(focus, _NONE)
        else:
            nodes = values(self.data, focus, path)
        with_values, without_values, closed = self.plans[key]
        for judge, c in with_values if nodes else without_values:
            for v in judge(self, c, focus, nodes):
                yield focus, path, v, key
        if closed:
            for c in closed:
                for predicate, obj in shape_based.closed(self, c, nodes):
                    yield focus, ("p", predicate), obj, key
        for prop in shape.properties:
            for node in sorted(nodes) if len(nodes) > 1 else nodes:
                yield from self.check(prop, node)

    def focus_nodes(self, target: Any) -> set[str]:
        data = self.data
        focus: set[str] = set(target.nodes)
        for cls in target.classes:
            focus |= data.instances(cls)
        for pred in target.subjects_of:
            focus |= data.subjects_of(pred)
        for pred in target.objects_of:
            focus |= data.objects_of(pred)
        return focus


def results(lines: Iterable[str], shapes: CompiledShapes) -> tuple[list[Result], Literals]:
    """Every result of validating the lines (each target's shape on each of its focus
    nodes, then the SPARQL constraints), and the literals read, to make terms of tokens."""
    literals = Literals()
    data = Data(lines, shapes.predicates, shapes.inverse, literals, shapes.everything)
    try:
        return _results(shapes, data, literals), literals
    except Unsupported:
        raise
    except Exception as exc:  # where rdflib (and so pySHACL) stops on the data
        raise Unsupported(f"pySHACL's own error on this data: {exc}") from exc


def _results(shapes: CompiledShapes, data: Data, literals: Literals) -> list[Result]:
    engine = Engine(shapes, data, literals)
    found: list[Result] = []
    queries: list[tuple[str, Query, set[str]]] = []
    for target in shapes.targets:
        focus = engine.focus_nodes(target)
        for node in sorted(focus):
            found.extend(engine.check(target.shape, node))
        for k in [target.shape, *shapes.shapes[target.shape].properties]:
            if not shapes.shapes[k].deactivated:
                queries.extend((k, q, focus) for q in shapes.shapes[k].sparql)
    if queries:
        # On values of the wrong type (an ill-typed literal, a string where a number is
        # due) rdflib's SPARQL, pySHACL's, answers where the standard and pyoxigraph raise an
        # error, so solutions can differ: then rdflib answers, as in pySHACL. On values of
        # the datatypes the shapes require, both follow the standard.
        wrong = literals.ill_typed or any(
            v[0] != '"' or not any(literals.has_datatype(v, d) for d in datatypes)
            for p, datatypes in shapes.sparql_typed.items() for v in data.objects_of(p))
        run = run_rdflib if wrong else run_oxigraph
        predicates = {p for _, q, _ in queries for p in q.predicates}
        predicates.update(o for _, q, _ in queries for v in q.via
                          for o in data.objects_of(v) if o[0] == "<")
        lines = [line for p in sorted(predicates) for line in data.lines.get(p, ())]
        found.extend((focus, shapes.shapes[k].path, v, k) for focus, v, k in run(lines, queries))
    return found


def check_lines(lines: Iterable[str], shapes: CompiledShapes, lang: str = "en",
                namespaces: dict[str, str] | None = None) -> list[Finding]:
    """The findings ``validate.check_shapes`` gives for these N-Triples lines (the data graph
    and the ontology), in its order; ``namespaces`` are the prefixes the data graph binds
    (default: the project's), used to shorten names."""

    found, literals = results(lines, shapes)
    findings = []
    for focus, path, v, key in found:
        shape = shapes.shapes[key]
        named = None if path is None else simple(path)
        if path is not None and named is None:
            # pySHACL's findings name a compound path by its blank node: not worth copying
            raise Unsupported(f"{shape.node}: a result on a compound path")
        findings.append(finding_of(
            focus=rdflib_term(focus, literals), path=named,
            value=None if v is None else rdflib_term(v, literals), shape=shape.node,
            severity=shape.severity.rsplit("#", 1)[-1], message=_pick(shape, lang),
            namespaces=namespaces))
    return sort_findings(findings)


def _pick(shape: Shape, lang: str) -> str:
    """The shape's message in the language, else in English, else any; without one the
    words findings use for a result without a message."""
    messages = shape.messages
    message = messages.get(lang) or messages.get("en") or next(iter(messages.values()), None)
    return "does not conform" if message is None else message
