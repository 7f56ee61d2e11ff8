"""sh:minCount and sh:maxCount: how many value nodes a property shape allows."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

from monokg.check.shacl.data import Judge


def count(engine: Judge, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
          ) -> Iterable[str | None]:
    """c: ("count", sh:minCount or 0, sh:maxCount or None); a result per bound not met."""
    # a tuple, not a generator: this runs for every focus node of most property shapes
    size = len(values)
    if size < c[1]:
        return (None, None) if c[2] is not None and size > c[2] else (None,)
    return (None,) if c[2] is not None and size > c[2] else ()
