"""sh:not, sh:and, sh:or and sh:xone: whether each value node conforms to other shapes."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from monokg.check.shacl.data import Judge


def logical(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
            ) -> Iterator[str | None]:
    kind, shapes = c
    conforms = engine.conforms
    for v in values:
        # short-circuit as pySHACL does: a shape it never evaluates cannot stop it
        if kind == "not":
            fails = conforms(shapes, v)
        elif kind == "and":
            fails = not all(conforms(s, v) for s in shapes)
        elif kind == "or":
            fails = not any(conforms(s, v) for s in shapes)
        else:
            fails = sum(1 for s in shapes if conforms(s, v)) != 1
        if fails:
            yield v
