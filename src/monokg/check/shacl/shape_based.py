"""Shape-based constraints (sh:node, qualified value shapes) and sh:closed, which judge
value nodes by other shapes or by all their properties."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from monokg.check.shacl.data import Judge


def node(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
         ) -> list[str | None]:
    conforming = engine.conforming(c[1], values)
    return [v for v in values if v not in conforming]


def qualified(engine: Judge, c: tuple[Any, ...], value_sets: list[AbstractSet[str]]
              ) -> Iterator[tuple[int, None]]:
    """c: ("qualified", shape, min, max, sibling shapes a counted value must not fit); the
    value nodes of the whole batch are judged together, each once."""
    _, shape, low, high, siblings = c
    counted = set(engine.conforming(shape, set().union(*value_sets)))
    for sibling in siblings:  # a sibling is asked only about nodes the ones before it left
        counted -= engine.conforming(sibling, counted)
    for i, values in enumerate(value_sets):
        count = sum(1 for v in values if v in counted)
        if high is not None and count > high:
            yield i, None
        if low is not None and count < low:
            yield i, None


def closed(engine: Judge, c: tuple[Any, ...], values: AbstractSet[str]
           ) -> Iterator[tuple[str, str]]:
    """(predicate, object) of each triple of a value node whose predicate the shape does not
    allow; c: ("closed", allowed predicates)."""
    for v in sorted(values):
        for predicate, obj in sorted(engine.data.properties(v)):
            if predicate not in c[1]:
                yield predicate, obj
