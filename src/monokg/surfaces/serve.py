"""`monokg serve`: a read-only SPARQL 1.1 Protocol endpoint and a page for every minted IRI.

Standard-library HTTP server (ThreadingHTTPServer) over an embedded pyoxigraph store. Queries
run in worker processes: pyoxigraph has no query timeout, so a query that runs too long is
stopped by killing its worker (and starting a fresh one), never left to eat the machine. Each
worker's address space is capped (``RLIMIT_AS``): a query that needs more memory fails in its
own worker (pyoxigraph aborts the process on a failed allocation), is answered 503 naming the
limit, and the worker is replaced.
"""

from __future__ import annotations

import multiprocessing
import queue
import re
import resource
import signal
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from monokg.assemble.history import TOMBSTONES, archived_file, parse_tombstones, withdrawn_claim
from monokg.model.config import load_publication
from monokg.model.errors import InputError
from monokg.model.paths import ProjectPaths
from monokg.publish.site import HTML_TYPE, RDF_FORMATS, Renderer, Site, load_site
from monokg.rdf.files import media_type
from monokg.surfaces.query import OPAQUE, load_store, store_files

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
}
#: Resource formats: media type -> extension ("html" for the page).
PAGE_TYPES: dict[str, str] = {HTML_TYPE: "html", "application/xhtml+xml": "html",
                              **{media: ext for ext, (media, _) in RDF_FORMATS.items()}}
#: An update, recognised before it reaches a parser (the endpoint is read-only). A comment
#: is consumed to its line end, so "# ... with ..." in a comment is not read as WITH.
_UPDATE = re.compile(r"^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*(\n|$))\s*)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
                     re.IGNORECASE)
MAX_BODY = 1 << 20
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


@dataclass(frozen=True)
class ServeConfig:
    """Limits of the endpoint."""

    timeout: float = 10.0
    max_results: int = 10_000
    workers: int = 2
    memory_mb: int = 1024  # address space of each query worker, the store included


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, media type, body."""

    status: int
    media_type: str
    body: bytes


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (first offered on a tie or '*/*');
    None when the header accepts none of them."""
    if not accept:
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


def run_query(store: ox.Store, sparql: str, accept: str | None, max_results: int) -> Answer:
    """Answer one query with the store, in the format the client accepts."""
    try:
        result = store.query(sparql)
    except SyntaxError as exc:
        return _error(400, f"malformed SPARQL query: {exc}")
    try:
        if isinstance(result, ox.QueryBoolean):
            media = negotiate(accept, list(RESULT_TYPES)) or next(iter(RESULT_TYPES))
            return Answer(200, media, result.serialize(format=RESULT_TYPES[media]) or b"")
        # Count first (stopping one past the cap), then serialise a fresh run.
        for count, _ in enumerate(result, start=1):
            if count > max_results:
                return _error(400, f"the result has more than {max_results} "
                              f"{'rows' if isinstance(result, ox.QuerySolutions) else 'triples'}"
                              f" (the cap of this endpoint); add a LIMIT or narrow the query")
        again = store.query(sparql)
        if isinstance(again, ox.QuerySolutions):
            media = negotiate(accept, list(RESULT_TYPES)) or next(iter(RESULT_TYPES))
            return Answer(200, media, again.serialize(format=RESULT_TYPES[media]) or b"")
        assert isinstance(again, ox.QueryTriples)
        media = negotiate(accept, list(GRAPH_TYPES)) or next(iter(GRAPH_TYPES))
        return Answer(200, media, ox.serialize(again, format=GRAPH_TYPES[media]) or b"")
    except (OSError, RuntimeError, ValueError) as exc:
        return _error(400, f"the query failed: {exc}")


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
            sparql, accept, cap = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = run_query(store, sparql, accept, cap)
        except MemoryError:
            conn.send(OUT_OF_MEMORY)
            return  # a fresh worker replaces this one, whose heap may be in pieces
        conn.send((answer.status, answer.media_type, answer.body))


class QueryPool:
    """Worker processes that answer queries; one that overruns the timeout is killed."""

    def __init__(self, files: list[Path], config: ServeConfig) -> None:
        self.files = [str(f) for f in files]
        self.config = config
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[tuple[Any, Connection]] = queue.Queue()
        self._all: set[Any] = set()
        self._lock = threading.Lock()
        for _ in range(config.workers):
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

    def _retire(self, process: Any, conn: Connection) -> None:
        process.kill()
        process.join(5)
        conn.close()
        with self._lock:
            self._all.discard(process)

    def run(self, sparql: str, accept: str | None) -> Answer:
        """Answer a query within the timeout and the memory limit, or stop it and say so."""
        timeout = self.config.timeout
        try:
            process, conn = self._idle.get(timeout=timeout)
        except queue.Empty:
            return _error(503, f"all query workers are busy; try again in {timeout:g} s")
        answer: Any = None
        try:
            conn.send((sparql, accept, self.config.max_results))
            if conn.poll(timeout):
                answer = conn.recv()
        except (EOFError, OSError):
            answer = "died"
        if isinstance(answer, tuple):
            self._idle.put((process, conn))
            return Answer(*answer)
        if answer is None:
            self._retire(process, conn)
            self._idle.put(self._spawn())
            return _error(503, f"the query was stopped after {timeout:g} s (the timeout of "
                          "this endpoint); narrow it or add a LIMIT")
        process.join(5)  # an abort on a failed allocation shows in the exit code
        out_of_memory = answer == OUT_OF_MEMORY or process.exitcode == -signal.SIGABRT
        self._retire(process, conn)
        self._idle.put(self._spawn())
        if out_of_memory:
            return _error(503, f"the query needed more than the {self.config.memory_mb} MB of "
                          "memory a query worker may use (the memory limit of this "
                          "endpoint) and was stopped; narrow it or add a LIMIT")
        return _error(500, "the query worker failed; the query was not answered")

    def processes(self) -> list[Any]:
        with self._lock:
            return list(self._all)

    def close(self) -> None:
        """Stop every worker."""
        for process in self.processes():
            process.kill()
            process.join(5)


class Handler(BaseHTTPRequestHandler):
    """One request: /sparql, /, /download/<file>, or a minted IRI's path."""

    server: MonokgServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, a keep-alive client
    # waits ~40 ms for each response (delayed ACK).
    disable_nagle_algorithm = True
    server_version = "monokg"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    # -- plumbing -------------------------------------------------------------------------------
    def _send(self, answer: Answer, extra: dict[str, str] | None = None,
              head: bool = False) -> None:
        self.send_response(answer.status)
        media = answer.media_type
        if media.startswith("text/") and "charset" not in media or media.endswith("json"):
            media += "; charset=utf-8"
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(answer.body)

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._get(head=True)

    def do_GET(self) -> None:
        self._get(head=False)

    def _get(self, head: bool) -> None:
        url = urlsplit(self.path)
        if url.path == "/sparql":
            params = parse_qs(url.query, keep_blank_values=True)
            self._send(self._sparql(params), head=head)
            return
        answer, extra = self.server.page(unquote(url.path), self.headers.get("Accept"))
        self._send(answer, extra, head)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if url.path != "/sparql":
            self._drain(length)
            self._send(_error(405, "only /sparql accepts POST"), {"Allow": "GET, HEAD"})
            return
        if length > MAX_BODY:
            self.close_connection = True
            self._send(_error(413, f"request body over {MAX_BODY} bytes"))
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            params = parse_qs(body, keep_blank_values=True)
            for key, values in parse_qs(url.query).items():
                params.setdefault(key, values)
            self._send(self._sparql(params))
        elif kind == "application/sparql-query":
            self._send(self._sparql({"query": [body]}))
        elif kind == "application/sparql-update":
            self._send(_error(403, "this endpoint is read-only: updates are refused"))
        else:
            self._send(_error(415, "send application/sparql-query or a form "
                              "(application/x-www-form-urlencoded) with query=..."))

    def _drain(self, length: int) -> None:
        if 0 < length <= MAX_BODY:
            self.rfile.read(length)
        elif length:
            self.close_connection = True

    def _sparql(self, params: dict[str, list[str]]) -> Answer:
        if "update" in params:
            return _error(403, "this endpoint is read-only: updates are refused")
        queries = params.get("query", [])
        if not queries:
            return Answer(200, HTML_TYPE, self.server.form_page())
        if len(queries) > 1:
            return _error(400, "give exactly one query parameter")
        sparql = queries[0]
        if _UPDATE.match(sparql):
            return _error(403, "this endpoint is read-only: updates are refused")
        if _SERVICE.search(OPAQUE.sub(" ", sparql)):
            # A federated query would make this server fetch any URL it is given.
            return _error(403, "SERVICE (federated query) is refused by this endpoint")
        return self.server.pool.run(sparql, self.headers.get("Accept"))


class MonokgServer(ThreadingHTTPServer):
    """The server: the site (pages, descriptions) and the query pool."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site, pool: QueryPool,
                 verbose: bool = False) -> None:
        super().__init__(address, Handler)
        self.site = site
        self.pool = pool
        self.verbose = verbose
        self.renderer = Renderer(site)
        self.downloads = {p.name: p for p in site.downloads}
        # the release folder, whose releases/ keeps the files of past releases
        self.build = site.downloads[0].parent if site.downloads else Path()
        found = self.downloads.get(TOMBSTONES)
        self.withdrawn = parse_tombstones(found.read_text(encoding="utf-8"), found) \
            if found else {}

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}/"

    def form_page(self) -> bytes:
        return self.renderer.render(
            "site/sparql.html", "SPARQL", "sparql", alternates=False,
            timeout=f"{self.pool.config.timeout:g}", max_results=self.pool.config.max_results,
        ).encode("utf-8")

    def tombstone(self, key: str, version: str, replaced_by: str) -> Answer:
        """410 Gone for a withdrawn claim: what it was, when it went, what replaced it."""
        pub = self.site.publication
        return Answer(410, HTML_TYPE, self.renderer.render(
            "site/gone.html", "Withdrawn", "", alternates=False, claim=f"{pub.base}claim/{key}",
            version=version, changelog=f"{pub.base}download/changelog.md", replaced_by=f"{pub.base}claim/{replaced_by}" if replaced_by else ""
        ).encode("utf-8"))

    def page(self, path: str, accept: str | None) -> tuple[Answer, dict[str, str]]:
        """The answer for a non-SPARQL path (already percent-decoded)."""
        if not path.startswith("/"):
            return _error(400, "bad path"), {}
        path = path[1:]
        if path in ("", "index.html"):
            home = self.renderer.home(endpoint=f"{self.url}sparql")
            return Answer(200, HTML_TYPE, home.encode("utf-8")), {}
        if path.startswith("download/"):
            found = self.downloads.get(path[len("download/"):]) or (
                archived_file(self.build, path) if self.downloads else None)
            if found is None:
                return _error(404, "no such download"), {}
            return Answer(200, _download_type(found.name), found.read_bytes()), {}
        ext = None
        stem = path
        for candidate in ("html", *RDF_FORMATS):
            if path.endswith("." + candidate):
                ext, stem = candidate, path[: -len(candidate) - 1]
                break
        node = self.site.iri_of(stem) if ext else None
        if node is None and ext and stem.endswith("/index"):
            node = self.site.iri_of(stem[: -len("index")])
        if node is None:
            ext, node = None, self.site.iri_of(path)
        if node is None and (gone := withdrawn_claim(path, self.withdrawn)) is not None:
            return self.tombstone(*gone), {}
        if node is None:
            return Answer(404, HTML_TYPE, self.renderer.render(
                "site/not_found.html", "Not found", "", alternates=False).encode("utf-8")), {}
        if ext is None:
            media = negotiate(accept, list(PAGE_TYPES))
            if media is None:
                return _error(406, "acceptable: " + ", ".join(PAGE_TYPES)), {}
            ext = PAGE_TYPES[media]
        extra = {"Link": f'<{node.value}>; rel="canonical"'}
        if ext == "html":
            return Answer(200, HTML_TYPE, self.renderer.resource(node).encode("utf-8")), extra
        return Answer(200, RDF_FORMATS[ext][0], self.site.serialize(node, ext)), extra


def _download_type(name: str) -> str:
    return media_type(name)


def make_server(site: Site, files: list[Path], host: str = "127.0.0.1", port: int = 8000,
                config: ServeConfig | None = None, verbose: bool = False) -> MonokgServer:
    """A ready server (workers started, socket bound); call serve_forever() to run it."""
    pool = QueryPool(files, config or ServeConfig())
    try:
        return MonokgServer((host, port), site, pool, verbose)
    except BaseException:
        pool.close()
        raise


def stop_server(server: MonokgServer) -> None:
    """Stop serving, close the socket and the query workers."""
    server.shutdown()
    server.server_close()
    server.pool.close()


def start_in_thread(server: MonokgServer) -> threading.Thread:
    """Serve in a background thread (for tests and benchmarks)."""
    thread = threading.Thread(target=server.serve_forever, name="monokg-serve", daemon=True)
    thread.start()
    return thread



def open_server(paths: ProjectPaths, host: str = "127.0.0.1", port: int = 8000,
                config: ServeConfig | None = None, verbose: bool = False) -> MonokgServer:
    """A server over the project's build/ (not yet serving)."""

    publication = load_publication(paths.config)
    site = load_site(paths.build, publication, paths.queries)
    return make_server(site, store_files(paths), host, port, config, verbose)
