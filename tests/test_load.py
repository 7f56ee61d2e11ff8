"""`monokg load` into real stores (Oxigraph server, Virtuoso), and every example query gives the
same answer there as in the embedded store."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from SPARQLWrapper import JSON, SPARQLWrapper

from monokg.assemble.metadata import dataset_iri
from monokg.cli import main
from monokg.model.config import load_publication
from monokg.model.errors import InputError
from monokg.publish.site import release_files
from monokg.surfaces.load import count_triples, default_query_endpoint, load_release

from .conftest import ROOT, solutions
from .servers import Store, oxigraph_server, rows_of, virtuoso_server

QUERIES = sorted((ROOT / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as store:
        yield store


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as store:
        yield store


@pytest.fixture(scope="module")
def graph(built: Path) -> str:
    return str(dataset_iri(load_publication(built / "monokg.toml")))


@pytest.fixture(scope="module")
def embedded(built: Path) -> ox.Store:
    store = ox.Store()
    for path in release_files(built / "build", load_publication(built / "monokg.toml")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
    return store


def _load_by_cli(built: Path, store: Store) -> str:
    args = ["load", "--root", str(built), "--endpoint", store.gsp]
    if store.user:
        args += ["--user", store.user, "--password", store.password or "", "--auth", "digest"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def loaded_oxigraph(built: Path, oxigraph: Store) -> Store:
    _load_by_cli(built, oxigraph)
    return oxigraph


@pytest.fixture(scope="module")
def loaded_virtuoso(built: Path, virtuoso: Store) -> Store:
    _load_by_cli(built, virtuoso)
    return virtuoso


def _remote_rows(store: Store, sparql: str, graph: str) -> set:
    client = SPARQLWrapper(store.query)
    client.setQuery(sparql)
    # Scope the query to the loaded graph by the protocol's default-graph-uri parameter; the
    # query text itself is sent unchanged.
    client.addDefaultGraph(graph)
    client.setReturnFormat(JSON)
    client.setMethod("GET")
    return rows_of(client.queryAndConvert())


def _embedded_rows(store: ox.Store, sparql: str) -> set:
    result = solutions(store, sparql)
    return rows_of(json.loads(result.serialize(format=ox.QueryResultsFormat.JSON) or b"{}"))


def test_there_are_example_queries() -> None:
    assert QUERIES, "queries/*.rq: the example queries are the contract with users"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
@pytest.mark.parametrize("which", ["loaded_oxigraph", "loaded_virtuoso"])
def test_every_example_query_answers_the_same_in_the_store(
        query: Path, which: str, request: pytest.FixtureRequest, embedded: ox.Store,
        graph: str) -> None:
    store: Store = request.getfixturevalue(which)
    sparql = query.read_text(encoding="utf-8")
    expected = _embedded_rows(embedded, sparql)
    assert expected, f"{query.name} answers nothing in the embedded store"
    assert _remote_rows(store, sparql, graph) == expected


@pytest.mark.parametrize("which", ["oxigraph", "virtuoso"])
def test_load_says_where_the_data_landed_and_replaces_the_graph(
        which: str, request: pytest.FixtureRequest, built: Path, graph: str,
        embedded: ox.Store) -> None:
    store: Store = request.getfixturevalue(which)
    first = _load_by_cli(built, store)
    again = _load_by_cli(built, store)  # a PUT replaces: loading twice doubles nothing
    assert first == again
    assert f"loaded {len(embedded)} triples into <{graph}> at {store.gsp}" in first
    assert f"checked with {store.query}" in first


def test_load_into_another_named_graph(built: Path, oxigraph: Store, embedded: ox.Store) -> None:
    other = "https://example.org/graphs/monokg-copy"
    files = release_files(built / "build", load_publication(built / "monokg.toml"))
    report = load_release(files, oxigraph.gsp, other)
    assert (report.graph, report.sent, report.found) == (other, len(embedded), len(embedded))
    assert count_triples(oxigraph.query, other, _no_auth()) == len(embedded)


def _no_auth():
    import urllib.request
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def test_wrong_password_is_a_clear_error(built: Path, virtuoso: Store) -> None:
    result = CliRunner().invoke(main, ["load", "--root", str(built), "--endpoint", virtuoso.gsp,
                                       "--user", "dba", "--password", "wrong"])
    assert result.exit_code == 2
    assert "HTTP 401" in result.output and "--password" in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_store_is_a_clear_error(built: Path) -> None:
    from .servers import free_port
    url = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(main, ["load", "--root", str(built), "--endpoint", url])
    assert result.exit_code == 2
    assert "the connection was refused" in result.output
    assert "check that the store runs" in result.output


def test_query_endpoints_are_guessed_for_known_stores() -> None:
    assert default_query_endpoint("http://h:7878/store") == "http://h:7878/query"
    assert (default_query_endpoint("http://h:8890/sparql-graph-crud-auth")
            == "http://h:8890/sparql")
    with pytest.raises(InputError, match="--query-endpoint"):
        default_query_endpoint("http://h/gsp")


def test_load_without_a_build_says_build_first(project: Path) -> None:
    result = CliRunner().invoke(main, ["load", "--root", str(project),
                                       "--endpoint", "http://127.0.0.1:1/store"])
    assert result.exit_code == 2
    assert "monokg build" in result.output


def test_bulk_files_hold_the_loaded_graph_in_the_dataset_graph(
        built: Path, graph: str, embedded: ox.Store) -> None:
    """N-Quads and TriG parse, agree, and put data + ontology into the dataset graph."""
    name = load_publication(built / "monokg.toml").dataset
    nq = ox.Store()
    nq.bulk_load(path=str(built / "build" / f"{name}.nq"), format=ox.RdfFormat.N_QUADS)
    trig = ox.Store()
    trig.bulk_load(path=str(built / "build" / f"{name}.trig"), format=ox.RdfFormat.TRIG)
    assert set(nq) == set(trig)
    assert {q.graph_name for q in nq} == {ox.NamedNode(graph)}
    metadata = ox.Store()
    metadata.bulk_load(path=str(built / "build" / f"{name}.void.ttl"),
                       format=ox.RdfFormat.TURTLE)
    assert {q.triple for q in nq} | {q.triple for q in metadata} == {q.triple for q in embedded}


def _delete_graph(store: Store, graph: str) -> None:
    import urllib.parse
    import urllib.request
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, store.gsp, store.user or "", store.password or "")
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager),
                                         urllib.request.ProxyHandler({}))
    url = f"{store.gsp}?{urllib.parse.urlencode({'graph': graph})}"
    opener.open(urllib.request.Request(url, method="DELETE"), timeout=60).close()


def test_virtuoso_bulk_loader_reads_the_trig(built: Path, virtuoso: Store, graph: str) -> None:
    import shutil
    import subprocess
    assert virtuoso.folder is not None
    name = load_publication(built / "monokg.toml").dataset
    shutil.copy(built / "build" / f"{name}.trig", virtuoso.folder / f"{name}.trig")
    expected = sum(1 for line in (built / "build" / f"{name}.nq").open(encoding="utf-8"))
    _delete_graph(virtuoso, graph)
    assert count_triples(virtuoso.query, graph, _no_auth()) == 0
    script = (f"ld_dir('.', '{name}.trig', 'urn:monokg:unused'); rdf_loader_run(); "
              "select ll_file, ll_error from DB.DBA.load_list where ll_error is not null;")
    done = subprocess.run([*virtuoso.isql, f"exec={script}"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 Rows" in done.stdout, done.stdout
    assert count_triples(virtuoso.query, graph, _no_auth()) == expected
    _load_by_cli(built, virtuoso)  # leave the graph as the other tests expect it


def test_oxigraph_reads_the_nquads(built: Path, oxigraph: Store, graph: str) -> None:
    import urllib.request
    name = load_publication(built / "monokg.toml").dataset
    body = (built / "build" / f"{name}.nq").read_bytes()
    _delete_graph(oxigraph, graph)
    # A POST of a dataset (no ?graph=) keeps the graph names the N-Quads give.
    request = urllib.request.Request(oxigraph.gsp, data=body, method="POST",
                                     headers={"Content-Type": "application/n-quads"})
    _no_auth().open(request, timeout=60).close()
    assert count_triples(oxigraph.query, graph, _no_auth()) == body.count(b"\n")
    _load_by_cli(built, oxigraph)


def test_basic_credentials_are_sent_with_the_upload(built: Path, oxigraph: Store) -> None:
    """Oxigraph asks for no credentials; sending basic ones must not get in the way."""
    result = CliRunner().invoke(main, ["load", "--root", str(built), "--endpoint", oxigraph.gsp,
                                       "--user", "reader", "--password", "pw", "--auth", "basic"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("loaded ")


class _FailingStore(BaseHTTPRequestHandler):
    """A store that fails as its path says: /5xx answers 503, /html answers a login page to
    the count query, /wrong counts five triples whatever was sent."""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read the client's messages, not the server's."""

    def _answer(self, status: int, media: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path.startswith("/5xx/"):
            self._answer(503, "text/plain", b"the store is overloaded")
        else:
            self._answer(204, "text/plain", b"")

    def do_GET(self) -> None:
        if self.path.startswith("/html/"):
            self._answer(200, "text/html", b"<html><body>Please log in</body></html>")
        else:
            self._answer(200, "application/sparql-results+json", json.dumps(
                {"head": {"vars": ["n"]}, "results": {"bindings": [
                    {"n": {"type": "literal", "value": "5"}}]}}).encode())


@pytest.fixture(scope="module")
def failing() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FailingStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("kind", "code", "said"), [
    ("5xx", 2, "HTTP 503 Service Unavailable: the store is overloaded"),
    ("html", 2, "answered something other than SPARQL JSON results with a count: '<html>"),
    ("wrong", 1, "but http://127.0.0.1:"),
])
def test_every_store_failure_is_a_message_and_an_exit_code(
        built: Path, failing: str, kind: str, code: int, said: str) -> None:
    result = CliRunner().invoke(main, ["load", "--root", str(built), "--endpoint",
                                       f"{failing}/{kind}/store"])
    assert result.exit_code == code, result.output
    assert said in result.output and "Traceback" not in result.output
    assert code == 1 or "fix:" in result.output


def test_a_store_that_accepts_and_never_answers_is_given_up_on(built: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept_and_sleep() -> None:
        connection, _ = listener.accept()
        accepted.append(connection)
        time.sleep(20)  # bounded: the test ends long before, and the thread is a daemon

    threading.Thread(target=accept_and_sleep, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/store"
    started = time.monotonic()
    try:
        result = CliRunner().invoke(main, ["load", "--root", str(built), "--endpoint", url,
                                           "--read-timeout", "1"])
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
    assert time.monotonic() - started < 15
    assert result.exit_code == 2, result.output
    assert "accepted the connection but sent no answer within 1 s" in result.output
    assert "--read-timeout" in result.output and "Traceback" not in result.output
