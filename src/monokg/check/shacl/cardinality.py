"""sh:minCount and sh:maxCount: how many value nodes a property shape allows."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from monokg.check.shacl.data import Judge


def count(engine: Judge, c: tuple[Any, ...], value_sets: list[AbstractSet[str]]
          ) -> Iterator[tuple[int, None]]:
    """c: ("count", sh:minCount or 0, sh:maxCount or None); (index, None) per bound a focus
    node of the batch does not meet."""
    _, low, high = c
    for i, values in enumerate(value_sets):
        size = len(values)
        if size < low:
            yield i, None
        if high is not None and size > high:
            yield i, None
