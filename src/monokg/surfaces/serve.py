"""`monokg serve`: a read-only SPARQL 1.1 Protocol endpoint and a page for every minted IRI.

A Starlette application served by uvicorn. Queries run in worker processes, in two lanes
(`serve_pool`); pages, downloads and the query page are answered by this process from its own
copy of the release, so a lookup never waits for a query worker. Every path is served both as
the IRI's own path (``/monokg/claim/...`` for the base ``https://w3id.org/monokg/``) and
relative to the base (``/claim/...``), so a proxy may forward either.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monokg.assemble.history import TOMBSTONES, archived_file, parse_tombstones, withdrawn_claim
from monokg.model.config import load_publication
from monokg.model.paths import ProjectPaths
from monokg.publish.assets import YASGUI
from monokg.publish.query_page import query_page
from monokg.publish.site import HTML_TYPE, RDF_FORMATS, Renderer, Site, is_safe_path, load_site
from monokg.rdf.files import media_type
from monokg.surfaces.query import OPAQUE, store_files
from monokg.surfaces.serve_pool import (
    GRAPH_TYPES,
    RESULT_TYPES,
    Answer,
    Job,
    Scheduler,
    ServeConfig,
    error,
    negotiate,
)
from monokg.surfaces.serve_protocol import (
    SD_TYPES,
    UPDATE,
    read_body,
    service_description,
)
from monokg.surfaces.serve_proxy import Upstream

__all__ = ["GRAPH_TYPES", "RESULT_TYPES", "MonokgServer", "ServeConfig", "make_server",
           "negotiate", "open_server", "start_in_thread", "stop_server"]

#: Resource formats: media type -> extension ("html" for the page).
PAGE_TYPES: dict[str, str] = {HTML_TYPE: "html", "application/xhtml+xml": "html",
                              **{media: ext for ext, (media, _) in RDF_FORMATS.items()}}
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
#: Pages and downloads change only with the release; a client revalidates after an hour.
CACHE_CONTROL = "public, max-age=3600"
#: Methods /sparql answers, and the other paths.
SPARQL_METHODS = "GET, HEAD, POST, OPTIONS"
PAGE_METHODS = "GET, HEAD, OPTIONS"
#: Headers a browser client (YASGUI) may send with a query, allowed in the CORS preflight.
CORS_HEADERS = "Accept, Content-Type, Authorization, X-Requested-With, Cache-Control"


class Backend(Protocol):
    """What answers queries: the local worker lanes (or, with --sparql, another endpoint)."""

    def run(self, job: Job) -> Answer: ...

    def processes(self) -> list[Any]: ...

    def close(self) -> None: ...


@dataclass
class Served:
    """Everything a request needs: the release, the query backend, the limits."""

    site: Site
    backend: Backend
    config: ServeConfig
    assets: Path | None = None
    #: With --sparql: the endpoint pages are fetched from (None: the release in memory).
    upstream: Upstream | None = None
    #: The release digest (sha256 of build/manifest.json): the ETag of pages and downloads.
    digest: str = ""
    renderer: Renderer = field(init=False)
    downloads: dict[str, Path] = field(init=False)
    #: The IRI's own path of the base (``/monokg/`` for ``https://w3id.org/monokg/``).
    base_path: str = field(init=False)
    #: The release folder, whose releases/ keeps the files of past releases.
    build: Path = field(init=False)
    #: Withdrawn claims (build/tombstones.tsv): key -> (version it went in, replacement key).
    withdrawn: dict[str, tuple[str, str]] = field(init=False)
    _graphs: list[str] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.renderer = Renderer(self.site)
        self.downloads = {p.name: p for p in self.site.downloads}
        self.base_path = urlsplit(self.site.base).path or "/"
        self.build = self.site.downloads[0].parent if self.site.downloads else Path()
        found = self.downloads.get(TOMBSTONES)
        self.withdrawn = (parse_tombstones(found.read_text(encoding="utf-8"), found)
                          if found else {})

    def graphs(self) -> list[str]:
        """The named graphs the endpoint answers from (asked once: the release never changes)."""
        if self._graphs is None:
            answer = self.backend.run(Job("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
                                          "text/tab-separated-values", self.site.base))
            if answer.status != 200:
                return []
            lines = answer.body.decode("utf-8").splitlines()[1:]
            self._graphs = sorted(line.strip()[1:-1] for line in lines if line.startswith("<"))
        return self._graphs


def _digest(site: Site) -> str:
    for path in site.downloads:
        if path.name == "manifest.json":
            return hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    return ""


# -- responses ----------------------------------------------------------------------------------
def _response(answer: Answer, extra: dict[str, str] | None = None) -> Response:
    media = answer.media_type
    if "charset" not in media and media.endswith(("json", "+xml")):
        media += "; charset=utf-8"
    headers = {"Vary": "Accept", "X-Content-Type-Options": "nosniff", **(extra or {})}
    return Response(answer.body, answer.status, headers, media)


def _cached(request: Request, served: Served, answer: Answer, tag: str,
            extra: dict[str, str] | None = None) -> Response:
    """A page or download with its ETag and Cache-Control; 304 when the client has it."""
    headers = dict(extra or {})
    if served.digest and answer.status == 200:
        etag = f'"{served.digest}-{tag}"'
        headers.update({"ETag": etag, "Cache-Control": CACHE_CONTROL})
        wanted = request.headers.get("if-none-match", "")
        if wanted.strip() == "*" or etag in {t.strip().removeprefix("W/")
                                             for t in wanted.split(",")}:
            return Response(None, 304, {"Vary": "Accept", **headers})
    return _response(answer, headers)


def _options(allow: str, request: Request) -> Response:
    requested = request.headers.get("access-control-request-headers")
    return Response(None, 204, {
        "Allow": allow, "Access-Control-Allow-Methods": allow,
        # Echo what the browser asks for (it never asks for cookies: no credentials here).
        "Access-Control-Allow-Headers": requested or CORS_HEADERS,
        "Access-Control-Max-Age": "86400"})


def _not_allowed(allow: str, what: str) -> Response:
    return _response(error(405, f"{what} answers {allow}; this endpoint is read-only"),
                     {"Allow": allow})


# -- /sparql ------------------------------------------------------------------------------------
def _checked_graphs(params: list[tuple[str, str]], name: str) -> tuple[str, ...] | Answer:
    graphs = tuple(value for key, value in params if key == name)
    for iri in graphs:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            return error(400, f"{name} {iri!r} is not an absolute IRI ({exc}); give the "
                         "graph's full IRI, e.g. https://example.org/graph")
    return graphs


async def sparql(request: Request) -> Response:
    served: Served = request.app.state.served
    method = request.method
    if method == "OPTIONS":
        return _options(SPARQL_METHODS, request)
    if method not in ("GET", "HEAD", "POST"):
        return _not_allowed(SPARQL_METHODS, "/sparql")
    params = parse_qsl(request.scope["query_string"].decode("latin-1"), keep_blank_values=True)
    if method == "POST":
        body = await read_body(request)
        if isinstance(body, Answer):
            return _response(body)
        params = body + params
    if any(key in ("update", "using-graph-uri", "using-named-graph-uri") for key, _ in params):
        return _response(error(403, "this endpoint is read-only: updates are refused"))
    queries = [value for key, value in params if key == "query"]
    if not queries:
        if method == "POST":
            return _response(error(400, "no query: send query=... as a form, or the query "
                                   "itself as application/sparql-query"))
        return await _describe_service(request, served)
    if len(queries) > 1:
        return _response(error(400, "give exactly one query parameter"))
    text = queries[0]
    if UPDATE.match(text):
        return _response(error(403, "this endpoint is read-only: updates are refused"))
    if _SERVICE.search(OPAQUE.sub(" ", text)):
        # A federated query would make this server fetch any URL it is given.
        return _response(error(403, "SERVICE (federated query) is refused by this endpoint"))
    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None
    if any(key in ("default-graph-uri", "named-graph-uri") for key, _ in params):
        checked = _checked_graphs(params, "default-graph-uri")
        if isinstance(checked, Answer):
            return _response(checked)
        default = checked
        checked = _checked_graphs(params, "named-graph-uri")
        if isinstance(checked, Answer):
            return _response(checked)
        named = checked
    job = Job(text, request.headers.get("accept"), served.site.base, default, named)
    return _response(await run_in_threadpool(served.backend.run, job))


async def _describe_service(request: Request, served: Served) -> Response:
    """GET /sparql without a query: the query page for a browser, else the SPARQL 1.1
    Service Description in the RDF format asked for."""
    offered = [HTML_TYPE, *SD_TYPES]
    media = negotiate(request.headers.get("accept"), offered)
    if media is None:
        return _response(error(406, "GET /sparql without a query answers "
                               + ", ".join(offered)))
    if media == HTML_TYPE:
        page = query_page(served.renderer, "sparql", f"{served.config.timeout:g}",
                          served.config.max_results)
        return _response(Answer(200, HTML_TYPE, page.encode("utf-8")))
    endpoint = f"{request.base_url}sparql"
    graphs = await run_in_threadpool(served.graphs)
    body = service_description(endpoint, graphs, SD_TYPES[media])
    return _response(Answer(200, media, body))


# -- pages, downloads, assets -------------------------------------------------------------------
async def page(request: Request) -> Response:
    served: Served = request.app.state.served
    method = request.method
    if method == "OPTIONS":
        return _options(PAGE_METHODS, request)
    path: str = request.scope["path"]  # percent-decoded by the server
    base_path = served.base_path
    if base_path != "/" and (path == base_path.rstrip("/") or path.startswith(base_path)):
        path = "/" + path[len(base_path):]  # the IRI's own path
    if path == "/sparql":
        return await sparql(request)
    if method not in ("GET", "HEAD"):
        return _not_allowed(PAGE_METHODS, "this path")
    if served.upstream is not None:  # pages wait for the endpoint: not in the event loop
        return await run_in_threadpool(_page, request, served, path)
    return _page(request, served, path)


def _site_for(served: Served, iris: list[str]) -> tuple[Site, Renderer] | Answer:
    """The release (or, with --sparql, what the endpoint holds around these IRIs)."""
    if served.upstream is None:
        return served.site, served.renderer
    store = served.upstream.neighbourhood(iris)
    if isinstance(store, Answer):
        return store
    site = Site(store, served.site.publication, served.site.downloads, served.site.queries)
    return site, Renderer(site)


def _page(request: Request, served: Served, path: str) -> Response:
    """The answer for a non-SPARQL path (percent-decoded, relative to the base)."""
    accept = request.headers.get("accept")
    if not path.startswith("/"):
        return _response(error(400, "bad path"))
    path = path[1:]
    base = served.site.base
    if path in ("", "index.html"):
        found = _site_for(served, [f"{base}dataset/{served.site.publication.dataset}",
                                   served.site.term("Monograph").value])
        if isinstance(found, Answer):
            return _response(found)
        home = found[1].home(endpoint=f"{request.base_url}sparql")
        return _response(Answer(200, HTML_TYPE, home.encode("utf-8")))
    if path.startswith("download/"):
        file = served.downloads.get(path[len("download/"):]) or (
            archived_file(served.build, path) if served.downloads else None)
        if file is None:
            return _response(error(404, "no such download"))
        answer = Answer(200, media_type(file.name), file.read_bytes())
        return _cached(request, served, answer, "download")
    if path.startswith("assets/"):
        return _asset(request, served, path[len("assets/"):])
    ext = None
    stem = path
    for candidate in ("html", *RDF_FORMATS):
        if path.endswith("." + candidate):
            ext, stem = candidate, path[: -len(candidate) - 1]
            break
    # The paths this one may name: <stem>.<ext>, <folder>/index.<ext>, or itself.
    candidates = [stem, stem[: -len("index")]] if ext and stem.endswith("/index") else [stem]
    found = _site_for(served, [base + p for p in {*candidates, path} if is_safe_path(p)])
    if isinstance(found, Answer):
        return _response(found)
    site, renderer = found
    node = None
    if ext:
        node = next((n for n in map(site.iri_of, candidates) if n is not None), None)
    if node is None:
        ext, node = None, site.iri_of(path)
    if node is None and (gone := withdrawn_claim(path, served.withdrawn)) is not None:
        return _response(_tombstone(served, *gone))
    if node is None:
        return _response(Answer(404, HTML_TYPE, renderer.render(
            "site/not_found.html", "Not found", "", alternates=False).encode("utf-8")))
    if ext is None:
        media = negotiate(accept, list(PAGE_TYPES))
        if media is None:
            return _response(error(406, "acceptable: " + ", ".join(PAGE_TYPES)))
        ext = PAGE_TYPES[media]
    extra = {"Link": f'<{node.value}>; rel="canonical"'}
    if ext == "html":
        answer = Answer(200, HTML_TYPE, renderer.resource(node).encode("utf-8"))
    else:
        answer = Answer(200, RDF_FORMATS[ext][0], site.serialize(node, ext))
    return _cached(request, served, answer, ext, extra)


def _tombstone(served: Served, key: str, version: str, replaced_by: str) -> Answer:
    """410 Gone for a withdrawn claim: what it was, when it went, what replaced it."""
    base = served.site.publication.base
    return Answer(410, HTML_TYPE, served.renderer.render(
        "site/gone.html", "Withdrawn", "", alternates=False, claim=f"{base}claim/{key}",
        version=version, changelog=f"{base}download/changelog.md",
        replaced_by=f"{base}claim/{replaced_by}" if replaced_by else "").encode("utf-8"))


def _asset(request: Request, served: Served, relative: str) -> Response:
    """A file of the assets folder (the query page's scripts and styles)."""
    folder = served.assets
    if folder is None or not relative or not is_safe_path(relative) or relative.endswith("/"):
        return _response(error(404, "no such asset"))
    target = folder / relative
    # is_safe_path already refuses '..' and hidden segments; a symbolic link must not lead out.
    if not target.is_file() or not target.resolve().is_relative_to(folder.resolve()):
        return _response(error(404, "no such asset"))
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return _cached(request, served, Answer(200, kind, target.read_bytes()), "asset")


# -- the application and its server ---------------------------------------------------------------
def _cors(app: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Every answer may be read by a script on any origin (the data are public)."""
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def send_with_cors(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []),
                                      (b"access-control-allow-origin", b"*")]
            await send(message)
        await app(scope, receive, send_with_cors if scope["type"] == "http" else send)
    return wrapped


def make_app(served: Served) -> Starlette:
    """The ASGI application: /sparql, pages, downloads, assets; every method reaches a handler,
    which answers 405 with Allow for the ones it does not serve."""
    methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    app = Starlette(routes=[Route("/sparql", sparql, methods=methods),
                            Route("/{path:path}", page, methods=methods)])
    app.state.served = served
    app.add_middleware(_CorsMiddleware)
    return app


class _CorsMiddleware:
    def __init__(self, app: Any) -> None:
        self.call = _cors(app)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self.call(scope, receive, send)


class MonokgServer:
    """uvicorn serving the application on a socket bound when this object is made."""

    def __init__(self, served: Served, sock: socket.socket, verbose: bool = False) -> None:
        self.served = served
        self.socket = sock
        self.thread: threading.Thread | None = None
        self.app = make_app(served)
        self.uvicorn = uvicorn.Server(uvicorn.Config(
            self.app, lifespan="off", access_log=verbose,
            log_level="info" if verbose else "warning", timeout_keep_alive=30))

    @property
    def site(self) -> Site:
        return self.served.site

    @property
    def pool(self) -> Backend:
        return self.served.backend

    @property
    def server_address(self) -> tuple[str, int]:
        host, port = self.socket.getsockname()[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://{host}:{port}/"

    def serve_forever(self) -> None:
        """Serve until stopped (Ctrl-C or SIGTERM in the main thread; stop_server elsewhere)."""
        self.uvicorn.run(sockets=[self.socket])


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on such sockets, and without it
    # a keep-alive client waits ~40 ms for every answer (headers and body are two writes).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def make_server(site: Site, files: list[Path], host: str = "127.0.0.1", port: int = 8000,
                config: ServeConfig | None = None, verbose: bool = False,
                assets: Path | None = None, upstream: Upstream | None = None) -> MonokgServer:
    """A ready server (workers started, socket bound); call serve_forever() to run it.
    With ``upstream``, queries and pages go to that endpoint and no worker is started."""
    config = config or ServeConfig()
    sock = _bind(host, port)
    backend: Backend
    try:
        backend = upstream or Scheduler(files, config)
    except BaseException:
        sock.close()
        raise
    served = Served(site, backend, config, assets, upstream, _digest(site))
    return MonokgServer(served, sock, verbose)


def stop_server(server: MonokgServer) -> None:
    """Stop serving, close the socket and the query workers."""
    server.uvicorn.should_exit = True
    if server.thread is not None:
        server.thread.join(10)
    server.socket.close()
    server.served.backend.close()


def start_in_thread(server: MonokgServer) -> threading.Thread:
    """Serve in a background thread (for tests and benchmarks); returns once it answers."""
    thread = threading.Thread(target=server.serve_forever, name="monokg-serve", daemon=True)
    thread.start()
    server.thread = thread
    while not server.uvicorn.started and thread.is_alive():
        time.sleep(0.01)
    return thread


def open_server(paths: ProjectPaths, host: str = "127.0.0.1", port: int = 8000,
                config: ServeConfig | None = None, verbose: bool = False,
                sparql: str | None = None, graph: str | None = None) -> MonokgServer:
    """A server over the project's build/, or with ``sparql`` over that endpoint (then
    build/ is optional: its files are offered as downloads when it is there)."""
    publication = load_publication(paths.config)
    # The query page's scripts and styles, as vendored in the package (the same files as
    # the static site's assets/): serving needs no site.
    assets = YASGUI.parent
    if sparql is None:
        site = load_site(paths.build, publication, paths.queries)
        return make_server(site, store_files(paths), host, port, config, verbose, assets)
    config = config or ServeConfig()
    downloads = sorted(p for p in paths.build.iterdir() if p.is_file()) \
        if paths.build.is_dir() else []
    queries = sorted(paths.queries.glob("*.rq")) if paths.queries.is_dir() else []
    site = Site(ox.Store(), publication, downloads, queries)
    return make_server(site, [], host, port, config, verbose, assets,
                       Upstream(sparql, graph, config.timeout))

