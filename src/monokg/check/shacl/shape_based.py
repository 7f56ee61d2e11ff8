"""Shape-based constraints (sh:node, qualified value shapes) and sh:closed, which judge
value nodes by other shapes or by all their properties."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from monokg.check.shacl.data import Judge


def node(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
         ) -> Iterator[str | None]:
    for v in values:
        if not engine.conforms(c[1], v):
            yield v


def qualified(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
              ) -> Iterator[str | None]:
    """c: ("qualified", shape, min, max, sibling shapes a counted value must not fit)."""
    _, shape, low, high, siblings = c
    count = sum(1 for v in values if engine.conforms(shape, v) and
                not any(engine.conforms(s, v) for s in siblings))
    if high is not None and count > high:
        yield None
    if low is not None and count < low:
        yield None


def closed(engine: Judge, c: tuple[Any, ...], values: AbstractSet[str]
           ) -> Iterator[tuple[str, str]]:
    """(predicate, object) of each triple of a value node whose predicate the shape does not
    allow; c: ("closed", allowed predicates)."""
    for v in sorted(values):
        for predicate, obj in sorted(engine.data.properties(v)):
            if predicate not in c[1]:
                yield predicate, obj
