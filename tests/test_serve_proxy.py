"""`monokg serve --sparql URL`: pages and /sparql over the Oxigraph server and Virtuoso loaded
with the release (by `monokg load`, into the dataset graph), and every way the endpoint can
fail becoming a clear answer within the timeout."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from monokg.assemble.metadata import graph_iri
from monokg.cli import main
from monokg.model.config import load_publication
from monokg.model.paths import ProjectPaths
from monokg.surfaces.serve import (
    MonokgServer,
    ServeConfig,
    open_server,
    start_in_thread,
    stop_server,
)

from .conftest import ROOT
from .servers import Store, free_port, oxigraph_server, rows_of, virtuoso_server
from .test_serve import fetch, one_of_each_kind, sparql_url

TIMEOUT = 3.0
#: Kinds of page compared with the local server's, triple for triple.
KINDS = ["claim/", "paragraph/", "section/", "monograph/", "concept/", "agent/"]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
#: Which store each front end is in front of (by the front end's URL).
STORE_OF: dict[str, str] = {}


def _load(built: Path, store: Store) -> None:
    args = ["load", "--root", str(built), "--endpoint", store.gsp]
    if store.user:
        args += ["--user", store.user, "--password", store.password or "", "--auth", "digest"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def local(built: Path) -> Iterator[MonokgServer]:
    running = open_server(ProjectPaths(built), "127.0.0.1", 0, ServeConfig(workers=1))
    start_in_thread(running)
    yield running
    stop_server(running)


def _front(built: Path, url: str, graph: str | None = None,
           timeout: float = 30.0) -> MonokgServer:
    running = open_server(ProjectPaths(built), "127.0.0.1", 0, ServeConfig(timeout=timeout),
                          sparql=url, graph=graph)
    start_in_thread(running)
    return running


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def front(request: pytest.FixtureRequest, built: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonokgServer]:
    # The release's layout: the default graph of either store is the union of its named
    # graphs (Virtuoso's own default; Oxigraph's with --union-default-graph), so the front
    # end needs no --graph.
    folder = tmp_path_factory.mktemp(request.param)
    started = (oxigraph_server(folder, union=True) if request.param == "oxigraph"
               else virtuoso_server(folder))
    with started as store:
        _load(built, store)
        running = _front(built, store.query)
        STORE_OF[running.url] = request.param
        yield running
        stop_server(running)


@pytest.mark.parametrize("kind", KINDS)
def test_pages_over_the_store_describe_as_the_local_server(
        front: MonokgServer, local: MonokgServer, kind: str) -> None:
    iri = one_of_each_kind(local)[kind]
    path = iri[len(local.site.base):]
    mine = fetch(front.url + path, "application/n-triples")
    theirs = fetch(local.url + path, "application/n-triples")
    assert mine[0] == theirs[0] == 200, mine[2][:300]

    def triples(body: bytes) -> set[ox.Triple]:
        return {q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}

    assert triples(mine[2]) == triples(theirs[2])
    status, headers, page = fetch(front.url + path, "text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert page.startswith(b"<!DOCTYPE html>") and iri.encode() in page


def test_an_unknown_iri_is_404_over_the_store(front: MonokgServer) -> None:
    assert fetch(front.url + "claim/no-such-monograph/no-such-claim", "text/turtle")[0] == 404


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_sparql_is_proxied(front: MonokgServer, local: MonokgServer, query: Path) -> None:
    sparql = query.read_text(encoding="utf-8")
    mine = fetch(sparql_url(front, sparql), "application/sparql-results+json")
    theirs = fetch(sparql_url(local, sparql), "application/sparql-results+json")
    assert mine[0] == theirs[0] == 200, mine[2][:300]
    # Virtuoso's spelling of numbers, booleans and durations differs; rows_of compares values.
    assert rows_of(json.loads(mine[2])) == rows_of(json.loads(theirs[2]))


def test_updates_are_never_forwarded(front: MonokgServer) -> None:
    status, _, body = fetch(sparql_url(front, "INSERT DATA { <urn:a> <urn:b> <urn:c> }"))
    assert status == 403 and b"read-only" in body


# -- an endpoint that fails ------------------------------------------------------------------
def test_an_endpoint_that_is_down_is_502(built: Path) -> None:
    running = _front(built, f"http://127.0.0.1:{free_port()}/query", timeout=TIMEOUT)
    try:
        for url in (sparql_url(running, "ASK {}"), running.url + "claim/x"):
            started = time.monotonic()
            status, _, body = fetch(url, "text/turtle")
            assert status == 502 and b"cannot be reached" in body and b"--sparql" in body
            assert time.monotonic() - started < TIMEOUT
    finally:
        stop_server(running)


def test_a_silent_endpoint_is_504_within_the_timeout(built: Path) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections (the kernel does) and never answers
    running = _front(built, f"http://127.0.0.1:{silent.getsockname()[1]}/sparql",
                     timeout=TIMEOUT)
    try:
        for url in (sparql_url(running, "ASK {}"), running.url + "claim/x"):
            started = time.monotonic()
            status, _, body = fetch(url, "text/turtle")
            took = time.monotonic() - started
            assert status == 504 and f"within {TIMEOUT:g} s".encode() in body
            assert TIMEOUT - 0.5 < took < TIMEOUT + 5
    finally:
        stop_server(running)
        silent.close()


class _LoginPage(BaseHTTPRequestHandler):
    """What a store behind a login (or a misconfigured proxy) answers: an HTML page."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<!DOCTYPE html><html><body><form>Log in</form></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_an_endpoint_answering_html_is_502_saying_so(built: Path) -> None:
    login = ThreadingHTTPServer(("127.0.0.1", 0), _LoginPage)
    threading.Thread(target=login.serve_forever, daemon=True).start()
    running = _front(built, f"http://127.0.0.1:{login.server_address[1]}/sparql")
    try:
        for url in (sparql_url(running, "ASK {}"), running.url + "claim/x"):
            status, _, body = fetch(url, "application/json")
            assert status == 502 and b"answered an HTML page" in body, body
    finally:
        stop_server(running)
        login.shutdown()
        login.server_close()


@pytest.mark.parametrize("args,message", [
    (["--graph", "https://example.org/g"], "--graph needs --sparql"),
    (["--sparql", "ftp://example.org/sparql"], "is not an http(s) URL")])
def test_bad_proxy_options_are_usage_errors(built: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--root", str(built), "--port", "0", *args])
    assert result.exit_code == 2 and message in result.output


def test_a_urlencoded_graph_survives(front: MonokgServer) -> None:
    # The graph parameter reaches the store intact: the release's data graph answers.
    graph = str(graph_iri(load_publication(ROOT / "monokg.toml"), "data"))
    url = sparql_url(front, "ASK { ?s ?p ?o }") + "&" + urllib.parse.urlencode(
        {"default-graph-uri": graph})
    status, _, body = fetch(url, "application/sparql-results+json")
    answer = json.loads(body)
    assert status == 200
    if STORE_OF[front.url] == "virtuoso":
        # Virtuoso's documented difference: an ASK in SPARQL JSON comes as a one-row SELECT
        # of __ASK_RETVAL (1 or 0); the front end passes the store's answer on unchanged.
        assert answer["head"]["vars"] == ["__ASK_RETVAL"]
        assert answer["results"]["bindings"][0]["__ASK_RETVAL"]["value"] == "1"
    else:
        assert answer["boolean"] is True


def test_the_home_page_over_the_store_lists_the_monographs(front: MonokgServer,
                                                          local: MonokgServer) -> None:
    status, _, page = fetch(front.url, "text/html")
    _, _, reference = fetch(local.url, "text/html")
    assert status == 200
    monographs = [q.subject for q in local.site.store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        local.site.term("Monograph")) if isinstance(q.subject, ox.NamedNode)]
    assert monographs
    for monograph in monographs:
        path = monograph.value[len(local.site.base):].encode()
        assert path in reference and path in page
