"""Property pair constraints: the value nodes against the focus node's values of another
property (sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals)."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from monokg.check.shacl.data import Judge
from monokg.check.shacl.terms import Unsupported


def equals(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
           ) -> Iterator[str | None]:
    others = engine.data.objects(focus, c[1])
    yield from sorted(values - others)
    yield from sorted(others - values)


def disjoint(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
             ) -> Iterator[str | None]:
    yield from sorted(values & engine.data.objects(focus, c[1]))


def less_than(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
              ) -> Iterator[str | None]:
    others = engine.data.objects(focus, c[1])
    for v in values:
        for other in others:
            if not less(engine, v, other, c[0] == "lessThanOrEquals"):
                yield v


def less(engine: Judge, token: str, other: str, or_equal: bool) -> bool:
    """pySHACL's sh:lessThan(OrEquals) test of a value against one compared value."""
    if token[0] == "_" or other[0] == "_":
        raise Unsupported("a blank node in sh:lessThan (pySHACL stops with an error)")
    lit = engine.lit
    a = lit.number(token) if token[0] == '"' else None
    b = lit.number(other) if other[0] == '"' else None
    if a is not None and b is not None:
        return a <= b if or_equal else a < b
    left, left_str = _comparable(engine, token)
    right, right_str = _comparable(engine, other)
    if left_str != right_str:
        return False
    try:
        return bool(left <= right if or_equal else left < right)
    except TypeError as exc:
        raise Unsupported("values sh:lessThan cannot compare (pySHACL stops with an "
                          "error)") from exc


def _comparable(engine: Judge, token: str) -> tuple[Any, bool]:
    if token[0] == "<":
        return token[1:-1], True
    term = engine.lit.term(token)
    return (term.value, True) if isinstance(term.value, str) else (term, False)
