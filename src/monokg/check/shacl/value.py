"""Value type, value range and string-based constraints, and sh:in and sh:hasValue: each
judges the value nodes one by one (sh:hasValue and sh:uniqueLang all of them together).
The commonest (type, sh:in) return lists: cheaper than generators, run per focus node."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from monokg.check.shacl.data import Judge

Values = AbstractSet[str]


def datatype(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
             ) -> Iterable[str | None]:
    has_datatype = engine.lit.has_datatype
    return [v for v in values if v[0] != '"' or not has_datatype(v, c[1])]


def node_kind(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
              ) -> Iterable[str | None]:
    return [v for v in values if ("l" if v[0] == '"' else "b" if v[0] == "_" else "i")
            not in c[1]]


def class_(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
           ) -> Iterable[str | None]:
    instances = engine.data.instances(c[1])
    return [v for v in values if v not in instances]


def in_(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
        ) -> Iterable[str | None]:
    return [v for v in values if v not in c[1]]


def has_value(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
              ) -> Iterator[str | None]:
    if c[1] not in values:
        yield None


def pattern(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
            ) -> Iterator[str | None]:
    for v in values:
        if v[0] == "_" or not c[1].search(string(engine, v)):
            yield v


def length(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
           ) -> Iterator[str | None]:
    kind, bound = c
    for v in values:
        if kind == "minLength" and bound == 0:
            continue
        size = -1 if v[0] == "_" else len(string(engine, v))
        if size < 0 or (size < bound if kind == "minLength" else size > bound):
            yield v


def language_in(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
                ) -> Iterator[str | None]:
    for v in values:
        lang = engine.lit.split(v)[1] if v[0] == '"' else None
        if not lang or (lang.lower() not in c[1] and "*" not in c[1] and
                        lang.split("-")[0].lower() not in c[1]):
            yield v


def unique_lang(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
                ) -> Iterator[str | None]:
    seen: set[str] = set()
    twice: set[str] = set()
    for v in values:
        lang = engine.lit.split(v)[1] if v[0] == '"' else None
        if lang:
            (twice if lang.lower() in seen else seen).add(lang.lower())
    for _ in twice:
        yield None


def value_range(engine: Judge, c: tuple[Any, ...], focus: str, values: Values
                ) -> Iterator[str | None]:
    for v in values:
        if not in_range(engine, c[0], v, c[1]):
            yield v


def string(engine: Judge, token: str) -> str:
    """SPARQL str() of an IRI or literal, as pySHACL's string constraints take it."""
    return engine.lit.split(token)[0] if token[0] == '"' else token[1:-1]


def in_range(engine: Judge, kind: str, token: str, bound: Any) -> bool:
    """pySHACL's sh:min/maxIn/Exclusive test of one value against one bound."""
    if token[0] != '"':
        return False
    bound_value = bound.value
    if isinstance(bound_value, int | Decimal) and not isinstance(bound_value, bool):
        value = engine.lit.number(token)
        if value is not None:
            order = (value > bound_value) - (value < bound_value)
            return _accept(kind, order)
    term = engine.lit.term(token)
    if isinstance(bound_value, str) != isinstance(term.value, str):
        return False
    try:  # pySHACL's compare_literal
        if term.eq(bound):
            order = 0
        elif type(term.value) in (datetime, time):
            order = 1 if term.value > bound_value else -1
        else:
            order = 1 if term > bound else -1
    except (TypeError, NotImplementedError, InvalidOperation):
        # InvalidOperation: a NaN "decimal" (ill-typed; rdflib holds it a Decimal) has no
        # order, where pySHACL stops with the error: out of range, a violation.
        return False
    return _accept(kind, order)


def _accept(kind: str, order: int) -> bool:
    return {"minInclusive": order >= 0, "minExclusive": order > 0,
            "maxInclusive": order <= 0, "maxExclusive": order < 0}[kind]
