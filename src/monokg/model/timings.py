"""Timing of stages, for the build's report, and progress for whoever listens (the CLI's
progress line on a terminal)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Told ``(stage, done, total, triples)`` as a stage starts (``done == total == 0``) and as
#: items of a long one are done; the library never prints, so by default nobody listens.
Listener = Callable[[str, int, int, int], None]
_listeners: list[Listener] = []


def listen(listener: Listener | None) -> None:
    """Send progress to ``listener`` (None: to nobody)."""
    _listeners.clear()
    if listener is not None:
        _listeners.append(listener)


def progress(stage: str, done: int = 0, total: int = 0, triples: int = 0) -> None:
    """Tell the listener how far a stage is: ``done`` of ``total`` items (monographs,
    pages), ``triples`` so far."""
    for listener in _listeners:
        listener(stage, done, total, triples)


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    progress(stage)
    started = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started
