"""The engine core: focus nodes from the targets, each shape's constraints on its value
nodes, nested property shapes on those value nodes, then the SPARQL constraints."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
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
#: A check of a whole batch: the value nodes of each focus node -> (index, value or None) of
#: each result
_BatchCheck = Callable[["Engine", tuple[Any, ...], list[AbstractSet[str]]],
                       Iterable[tuple[int, str | None]]]

#: Constraints that judge each value node on their own, whatever its focus node: each judges
#: the distinct value nodes of a shape's whole batch once (nothing to do without any).
_PER_VALUE: dict[str, _Check] = {
    "datatype": value.datatype, "nodeKind": value.node_kind, "class": value.class_,
    "in": value.in_, "pattern": value.pattern, "minLength": value.length,
    "maxLength": value.length, "languageIn": value.language_in,
    "minInclusive": value.value_range, "minExclusive": value.value_range,
    "maxInclusive": value.value_range, "maxExclusive": value.value_range,
    "not": logical.logical, "and": logical.logical, "or": logical.logical,
    "xone": logical.logical, "node": shape_based.node}
#: Constraints that judge value nodes against their focus node's other values (nothing to do
#: without value nodes).
_PER_FOCUS: dict[str, _Check] = {
    "disjoint": pairs.disjoint, "lessThan": pairs.less_than,
    "lessThanOrEquals": pairs.less_than}
#: Constraints on the value nodes of each focus node together, with or without any.
_ALL_VALUES: dict[str, _Check] = {
    "hasValue": value.has_value, "uniqueLang": value.unique_lang, "equals": pairs.equals}
#: Constraints on the value nodes of each focus node together, checked for a batch at once.
_BATCH: dict[str, _BatchCheck] = {
    "count": cardinality.count, "qualified": shape_based.qualified}
_NONE: frozenset[str] = frozenset()

#: (index of the focus node in the batch it came from, result)
_Found = list[tuple[int, Result]]
_Plan = tuple[list[tuple[_Check, tuple[Any, ...]]], list[tuple[_Check, tuple[Any, ...]]],
              list[tuple[_Check, tuple[Any, ...]]], list[tuple[_BatchCheck, tuple[Any, ...]]],
              list[tuple[Any, ...]]]


def _plan(shape: Shape) -> _Plan:
    """A shape's checks by kind (see above), and its sh:closed."""
    def of(kinds: dict[str, Any]) -> list[tuple[Any, tuple[Any, ...]]]:
        return [(kinds[c[0]], c) for c in shape.constraints if c[0] in kinds]
    return (of(_PER_VALUE), of(_PER_FOCUS), of(_ALL_VALUES), of(_BATCH),
            [c for c in shape.constraints if c[0] == "closed"])


class Engine:
    """Validation of focus nodes against compiled shapes over one data index.

    A shape is validated on a batch of focus nodes at once, not node by node: its value
    nodes are looked up in the predicate's column for the whole batch, a constraint that
    judges value nodes on their own judges each distinct value node once, and its property
    shapes run on the batch of all its value nodes. Conformance to a shape (sh:node,
    sh:qualifiedValueShape, the logical constraints) is worked out the same way, for all the
    value nodes that ask at once, and remembered."""

    def __init__(self, shapes: CompiledShapes, data: Data, literals: Literals):
        self.shapes = shapes.shapes
        self.data = data
        self.lit = literals
        #: shape key -> node -> whether the node conforms to the shape
        self.memo: dict[str, dict[str, bool]] = {k: {} for k in self.shapes}
        self.plans = {k: _plan(shape) for k, shape in self.shapes.items()}

    def conforming(self, key: str, nodes: AbstractSet[str]) -> AbstractSet[str]:
        """The nodes that conform to a shape, validated together where not yet known."""
        memo = self.memo[key]
        todo = sorted(n for n in nodes if n not in memo)
        if todo:
            failed = {i for i, _ in self.check(key, todo)}
            for i, node in enumerate(todo):
                memo[node] = i not in failed
        return {n for n in nodes if memo[n]}

    def check(self, key: str, batch: list[str]) -> _Found:
        """The results of validating each focus node of a batch against a shape, tagged with
        the node's index in the batch: its constraints on its value nodes, and its
        sh:property shapes with each value node as focus node."""
        shape = self.shapes[key]
        found: _Found = []
        if shape.deactivated or not batch:
            return found
        path = shape.path
        if path is None:
            value_sets: list[AbstractSet[str]] = [{focus} for focus in batch]
        elif path[0] == "p":  # the commonest path: the predicate's column
            column = self.data.out[path[1]]
            value_sets = [column.get(focus, _NONE) for focus in batch]
        else:
            value_sets = [values(self.data, focus, path) for focus in batch]
        per_value, per_focus, all_values, batched, closed = self.plans[key]
        for check, c in batched:
            found.extend((i, (batch[i], path, v, key)) for i, v in check(self, c, value_sets))
        if per_value:
            distinct = set().union(*value_sets)
            for judge, c in per_value:
                failing = set(judge(self, c, "", distinct)) if distinct else _NONE
                if failing:
                    found.extend((i, (batch[i], path, v, key))
                                 for i, nodes in enumerate(value_sets)
                                 for v in nodes if v in failing)
        for judge, c in per_focus:
            for i, (focus, nodes) in enumerate(zip(batch, value_sets)):
                if nodes:
                    found.extend((i, (focus, path, v, key)) for v in judge(self, c, focus, nodes))
        for judge, c in all_values:
            for i, (focus, nodes) in enumerate(zip(batch, value_sets)):
                found.extend((i, (focus, path, v, key)) for v in judge(self, c, focus, nodes))
        for c in closed:
            for i, (focus, nodes) in enumerate(zip(batch, value_sets)):
                found.extend((i, (focus, ("p", predicate), obj, key))
                             for predicate, obj in shape_based.closed(self, c, nodes))
        if shape.properties:
            origins: list[int] = []
            inner: list[str] = []
            for i, nodes in enumerate(value_sets):
                for node in sorted(nodes) if len(nodes) > 1 else nodes:
                    origins.append(i)
                    inner.append(node)
            for prop in shape.properties:
                found.extend((origins[j], result) for j, result in self.check(prop, inner))
        return found

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
    with _no_cycle_collection():
        data = Data(lines, shapes.predicates, shapes.inverse, literals, shapes.everything)
        try:
            return _results(shapes, data, literals), literals
        except Unsupported:
            raise
        except Exception as exc:  # where rdflib (and so pySHACL) stops on the data
            raise Unsupported(f"pySHACL's own error on this data: {exc}") from exc


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The index is millions of small sets that make no reference cycle: the cyclic garbage
    collector, run every few hundred allocations, would walk all of them again and again
    (a fifth of the time at a million triples) to free nothing. Reference counting still
    frees everything the engine drops."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _results(shapes: CompiledShapes, data: Data, literals: Literals) -> list[Result]:
    engine = Engine(shapes, data, literals)
    found: list[Result] = []
    queries: list[tuple[str, Query, set[str]]] = []
    for target in shapes.targets:
        focus = engine.focus_nodes(target)
        found.extend(result for _, result in engine.check(target.shape, sorted(focus)))
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
