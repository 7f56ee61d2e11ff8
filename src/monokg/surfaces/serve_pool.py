"""The query workers of `monokg serve`, in two lanes, and what a worker does with a query.

pyoxigraph has no query timeout, so a query that runs too long is stopped by killing its worker
(and starting a fresh one), never left to eat the machine. Each worker's address space is capped
(``RLIMIT_AS``): a query that needs more memory fails in its own worker (pyoxigraph aborts the
process on a failed allocation), is answered 503 naming the limit, and the worker is replaced.

Fair scheduling: the release never changes while it is served, so a query costs what it cost
last time. The scheduler remembers which queries answered within ``short_timeout`` and sends them
to a short lane of their own; a query it does not know, or knows to be slow, goes to the main
lane. When every main worker is busy (say with two slow queries), an unknown query is tried in
the short lane for ``short_timeout`` seconds: most are cheap and answered there; one that is not
is stopped, remembered as slow and queued in the main lane. A cheap query therefore waits at most
``short_timeout`` behind a slow one, never a whole timeout. Pages and downloads never go through
the workers at all (the server answers them from its own copy of the release).
"""

from __future__ import annotations

import multiprocessing
import queue
import resource
import signal
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from monokg.model.errors import InputError
from monokg.surfaces.query import load_store

#: SELECT/ASK result formats: media type -> pyoxigraph format (first = default).
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: CONSTRUCT/DESCRIBE formats: media type -> pyoxigraph format (first = default).
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "text/xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class ServeConfig:
    """Limits of the endpoint."""

    timeout: float = 10.0
    max_results: int = 10_000
    workers: int = 2
    memory_mb: int = 1024  # address space of each query worker, the store included
    #: Workers of the short lane, and how long an unknown query may run there.
    short_workers: int = 1
    short_timeout: float = 0.5


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, media type, body."""

    status: int
    media_type: str
    body: bytes
    #: Seconds a worker spent on it, and whether it was stopped at its time limit.
    seconds: float = 0.0
    stopped: bool = False


def error(status: int, message: str) -> Answer:
    """A plain-text answer saying what went wrong and what to do."""
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


@dataclass(frozen=True)
class Job:
    """One query as the protocol gives it: the text, the client's Accept header, the dataset
    (``default-graph-uri`` / ``named-graph-uri``; None when the request names none) and the
    base IRI relative IRIs in the query resolve against."""

    sparql: str
    accept: str | None
    base: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @property
    def key(self) -> tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]:
        """What decides the cost of the query (the store never changes)."""
        return self.sparql, self.default_graphs, self.named_graphs


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (first offered on a tie or '*/*');
    None when the header accepts none of them."""
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, str] | None = None
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        for rank, candidate in enumerate(offered):
            major = candidate.split("/")[0]
            if media in (candidate, "*/*", f"{major}/*"):
                # exact matches beat wildcards at the same q
                key = (q, 1 if media == candidate else 0, candidate)
                if best is None or key[:2] > best[:2] or (
                        key[:2] == best[:2] and rank < offered.index(best[2])):
                    best = key
    return best[2] if best else None


def _not_acceptable(accept: str | None, offered: dict[str, Any], what: str) -> Answer:
    return error(406, f"no format of the Accept header ({accept}) can carry {what}; "
                 "acceptable: " + ", ".join(offered))


def _dataset(store: ox.Store, job: Job) -> dict[str, Any] | Answer:
    """pyoxigraph's arguments for the protocol's dataset, or the answer refusing it."""
    if job.default_graphs is None and job.named_graphs is None:
        return {}
    # Either parameter replaces the query's own dataset (FROM, FROM NAMED) as a whole.
    named: dict[str, list[ox.NamedNode]] = {"default-graph-uri": [], "named-graph-uri": []}
    for parameter, graphs in (("default-graph-uri", job.default_graphs),
                              ("named-graph-uri", job.named_graphs)):
        for iri in graphs or ():
            node = ox.NamedNode(iri)  # checked to be an absolute IRI before it got here
            if not store.contains_named_graph(node):
                return error(404, f"{parameter}: this endpoint has no graph <{iri}>; its "
                             "graphs are listed as sd:namedGraph in the service description "
                             "(GET /sparql with Accept: text/turtle)")
            named[parameter].append(node)
    return {"default_graph": named["default-graph-uri"],
            "named_graphs": named["named-graph-uri"]}


def run_query(store: ox.Store, job: Job, max_results: int) -> Answer:
    """Answer one query with the store, in the format the client accepts."""
    dataset = _dataset(store, job)
    if isinstance(dataset, Answer):
        return dataset
    try:
        result = store.query(job.sparql, base_iri=job.base, **dataset)
    except SyntaxError as exc:
        return error(400, f"malformed SPARQL query: {exc}")
    try:
        if isinstance(result, ox.QueryBoolean):
            media = negotiate(job.accept, list(RESULT_TYPES))
            if media is None:
                return _not_acceptable(job.accept, RESULT_TYPES, "an ASK result")
            return Answer(200, media, result.serialize(format=RESULT_TYPES[media]) or b"")
        solutions = isinstance(result, ox.QuerySolutions)
        offered: dict[str, Any] = RESULT_TYPES if solutions else GRAPH_TYPES
        media = negotiate(job.accept, list(offered))
        if media is None:
            return _not_acceptable(job.accept, offered,
                                   "SELECT results" if solutions else "an RDF graph")
        # Count first (stopping one past the cap), then serialise a fresh run.
        for count, _ in enumerate(result, start=1):
            if count > max_results:
                return error(400, f"the result has more than {max_results} "
                             f"{'rows' if solutions else 'triples'}"
                             f" (the cap of this endpoint); add a LIMIT or narrow the query")
        again = store.query(job.sparql, base_iri=job.base, **dataset)
        if isinstance(again, ox.QuerySolutions):
            return Answer(200, media, again.serialize(format=RESULT_TYPES[media]) or b"")
        assert isinstance(again, ox.QueryTriples)
        return Answer(200, media, ox.serialize(again, format=GRAPH_TYPES[media]) or b"")
    except (OSError, RuntimeError, ValueError) as exc:
        return error(400, f"the query failed: {exc}")


#: What a worker sends instead of an answer when a query ran out of its memory (then it exits).
OUT_OF_MEMORY = "out of memory"


def _worker(conn: Connection, files: list[str], memory_mb: int) -> None:
    """A query worker: cap its memory, load the store once, then answer queries until the
    pipe closes."""
    limit = memory_mb << 20
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    store = load_store([Path(name) for name in files])
    conn.send("ready")
    while True:
        try:
            job, cap = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = run_query(store, job, cap)
        except MemoryError:
            conn.send(OUT_OF_MEMORY)
            return  # a fresh worker replaces this one, whose heap may be in pieces
        conn.send((answer.status, answer.media_type, answer.body))


class QueryPool:
    """Worker processes that answer queries; one that overruns its time is killed."""

    def __init__(self, files: list[Path], config: ServeConfig, workers: int) -> None:
        self.files = [str(f) for f in files]
        self.config = config
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[tuple[Any, Connection]] = queue.Queue()
        self._all: set[Any] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._idle.put(self._spawn())

    def _spawn(self) -> tuple[Any, Connection]:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker, daemon=True,
                                    args=(child, self.files, self.config.memory_mb))
        process.start()
        child.close()
        try:
            ready = parent.poll(60) and parent.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            process.kill()
            raise InputError(f"a query worker could not load the release within "
                             f"{self.config.memory_mb} MB (its --memory-limit) or 60 s",
                             fix="raise --memory-limit, or serve a smaller release")
        with self._lock:
            self._all.add(process)
        return process, parent

    def _replace(self, process: Any, conn: Connection) -> None:
        """Kill a worker and start its successor (the request that needs an answer waits)."""
        process.kill()
        process.join(5)
        conn.close()
        with self._lock:
            self._all.discard(process)
        if not self._closed:
            self._idle.put(self._spawn())

    def idle(self) -> int:
        """Workers waiting for a query right now."""
        return self._idle.qsize()

    def run(self, job: Job, wait: float, limit: float) -> Answer | None:
        """Answer a query within ``limit`` seconds and the memory limit, or stop it and say
        so; None when no worker became free within ``wait`` seconds."""
        try:
            process, conn = self._idle.get(timeout=wait)
        except queue.Empty:
            return None
        answer: Any = None
        started = time.monotonic()
        try:
            conn.send((job, self.config.max_results))
            if conn.poll(limit):
                answer = conn.recv()
        except (EOFError, OSError):
            answer = "died"
        if isinstance(answer, tuple):
            self._idle.put((process, conn))
            status, media, body = answer
            return Answer(status, media, body, seconds=time.monotonic() - started)
        if answer is None:
            self._replace(process, conn)
            return replace(error(503, f"the query was stopped after {limit:g} s (the timeout "
                                 "of this endpoint); narrow it or add a LIMIT"),
                           seconds=limit, stopped=True)
        process.join(5)  # an abort on a failed allocation shows in the exit code
        out_of_memory = answer == OUT_OF_MEMORY or process.exitcode == -signal.SIGABRT
        self._replace(process, conn)
        if out_of_memory:
            return error(503, f"the query needed more than the {self.config.memory_mb} MB of "
                         "memory a query worker may use (the memory limit of this "
                         "endpoint) and was stopped; narrow it or add a LIMIT")
        return error(500, "the query worker failed; the query was not answered")

    def processes(self) -> list[Any]:
        with self._lock:
            return list(self._all)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for process in self.processes():
            process.kill()
            process.join(5)


#: How many queries the scheduler remembers as cheap or slow.
_REMEMBERED = 4096


class Scheduler:
    """The main lane and the short lane (see the module's docstring)."""

    def __init__(self, files: list[Path], config: ServeConfig) -> None:
        self.config = config
        self.main = QueryPool(files, config, config.workers)
        try:
            self.short = QueryPool(files, config, config.short_workers)
        except BaseException:
            self.main.close()
            raise
        #: Query key -> True when it answered within short_timeout, False when it did not.
        self._cheap: OrderedDict[tuple[Any, ...], bool] = OrderedDict()
        self._lock = threading.Lock()

    def _known(self, job: Job) -> bool | None:
        with self._lock:
            cheap = self._cheap.get(job.key)
            if cheap is not None:
                self._cheap.move_to_end(job.key)
            return cheap

    def _learn(self, job: Job, cheap: bool) -> None:
        with self._lock:
            self._cheap[job.key] = cheap
            self._cheap.move_to_end(job.key)
            while len(self._cheap) > _REMEMBERED:
                self._cheap.popitem(last=False)

    def run(self, job: Job) -> Answer:
        """Answer a query in the lane its cost calls for."""
        timeout, short = self.config.timeout, self.config.short_timeout
        cheap = self._known(job)
        if cheap:
            answer = self.short.run(job, timeout, timeout)
        else:
            answer = None
            if cheap is None and self.main.idle() == 0:
                answer = self.short.run(job, short, short)
                if answer is not None:
                    self._learn(job, not answer.stopped)
                    answer = None if answer.stopped else answer
            if answer is None:
                answer = self.main.run(job, timeout, timeout)
                if answer is not None and cheap is None:
                    self._learn(job, answer.seconds < short)
        if answer is None:
            return error(503, f"all query workers are busy; try again in {timeout:g} s")
        return answer

    def processes(self) -> list[Any]:
        """Every worker process of both lanes."""
        return self.main.processes() + self.short.processes()

    def close(self) -> None:
        self.main.close()
        self.short.close()
