"""Work in a forked process, beside the caller's own: its answer, or its error, comes back
through a pipe."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")


def in_fork(what: str, work: Callable[..., T], *args: Any, fresh: bool = False
            ) -> Callable[[], T]:
    """Start ``work(*args)`` in a forked process, which inherits the arguments (a million
    lines are not pickled); the returned function waits for the result and raises the
    worker's error, or says that ``what`` died.

    ``fresh``: a new interpreter instead (spawned, the arguments pickled), for work that
    needs little of this process: a fork shares this process's pages, and the worker's own
    objects, put into the free slots of a large fragmented heap, copied far more of them
    than they filled (at 1m the read-back worker added 0.6 GB of PSS to hold 0.2 GB)."""
    context = (multiprocessing.get_context("spawn") if fresh
               else multiprocessing.get_context("fork"))
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_answer, args=(work, args, send), daemon=True)
    worker.start()
    send.close()

    def wait() -> T:
        try:
            kind, value = receive.recv()
        except EOFError:
            kind, value = "error", RuntimeError(f"{what} died (exit code {worker.exitcode})")
        finally:
            worker.join()
            receive.close()
        if kind == "error":
            raise value
        result: T = value
        return result
    return wait


def _answer(work: Callable[..., Any], args: tuple[Any, ...], send: Connection) -> None:
    """Run the work in the worker and send back ("ok", result) or ("error", exception)."""
    # The inherited objects are the parent's: a full collection here would write to every
    # one of them and so copy the parent's whole heap into the worker (28 MB of PSS at
    # 100 k triples); the worker collects only what it makes itself.
    gc.freeze()
    try:
        send.send(("ok", work(*args)))
    except BaseException as exc:  # noqa: BLE001 - raised again in the parent
        send.send(("error", exc))
    finally:
        send.close()
