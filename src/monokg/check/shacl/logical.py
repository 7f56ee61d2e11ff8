"""sh:not, sh:and, sh:or and sh:xone: whether each value node conforms to other shapes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Set as AbstractSet
from typing import Any

from monokg.check.shacl.data import Judge


def logical(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
            ) -> list[str | None]:
    kind, shapes = c
    # short-circuit as pySHACL does: a shape it never evaluates on a node cannot stop it, so
    # each shape is asked only about the nodes the shapes before it left undecided
    if kind == "not":
        failing: AbstractSet[str] = engine.conforming(shapes, values)
    elif kind == "and":
        passing = values
        for shape in shapes:
            passing = engine.conforming(shape, passing)
        failing = values - passing
    elif kind == "or":
        failing = values
        for shape in shapes:
            failing = failing - engine.conforming(shape, failing)
    else:
        counts = Counter(v for shape in shapes for v in engine.conforming(shape, values))
        failing = {v for v in values if counts[v] != 1}
    return [v for v in values if v in failing]
