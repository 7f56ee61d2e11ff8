"""`monokg load` into real stores (Oxigraph server, Virtuoso): each part of the release in its
named graph, replaced on every load, and every way a store can fail. (That the example queries
answer the same there as embedded: tests/test_layout.py.)"""

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

from monokg.assemble.metadata import GRAPH_PARTS, graph_iri
from monokg.cli import main
from monokg.model.config import load_publication
from monokg.model.errors import InputError
from monokg.surfaces.load import (
    count_triples,
    default_query_endpoint,
    load_release,
    to_graph_bodies,
)

from .servers import Store, oxigraph_server, virtuoso_server


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as store:
        yield store


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as store:
        yield store


@pytest.fixture(scope="module")
def graphs(built: Path) -> dict[str, str]:
    """The named graph of each part of the release."""
    publication = load_publication(built / "monokg.toml")
    return {part: str(graph_iri(publication, part)) for part in GRAPH_PARTS}


@pytest.fixture(scope="module")
def parts(built: Path) -> dict[str, set[ox.Triple]]:
    """Each part's triples as the release files hold them, by part."""
    build = built / "build"
    files = {"data": build / "monokg.nt", "ontology": build / "monokg.owl.ttl",
             "metadata": build / "monokg.void.ttl"}
    return {part: {q.triple for q in ox.parse(
        path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))}
        for part, path in files.items()}


#: What `monokg load` says on stderr when the store's default graph is not the union.
NOT_UNION = "note: a query without GRAPH sees none of it"


def _load_by_cli(built: Path, store: Store) -> tuple[str, str]:
    """What `monokg load` into the store prints on stdout and on stderr."""
    args = ["load", "--root", str(built), "--endpoint", store.gsp]
    if store.user:
        args += ["--user", store.user, "--password", store.password or "", "--auth", "digest"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


@pytest.mark.parametrize("which", ["oxigraph", "virtuoso"])
def test_load_puts_each_part_in_its_graph_and_replaces_it(
        which: str, request: pytest.FixtureRequest, built: Path, graphs: dict[str, str],
        parts: dict[str, set[ox.Triple]]) -> None:
    store: Store = request.getfixturevalue(which)
    (first, said), again = _load_by_cli(built, store), _load_by_cli(built, store)
    assert (first, said) == again  # a PUT replaces: loading twice doubles nothing
    # The test's Oxigraph server runs without --union-default-graph: load says what that means.
    assert (NOT_UNION in said) == (which == "oxigraph")
    assert "--union-default-graph" in said or not said
    assert first.splitlines() == [
        f"loaded {len(parts[part])} triples into <{graphs[part]}> at {store.gsp} "
        f"(checked with {store.query})" for part in GRAPH_PARTS]
    for part in GRAPH_PARTS:
        assert count_triples(store.query, graphs[part], _no_auth()) == len(parts[part])


def test_load_sends_the_release_terms_as_written(built: Path, oxigraph: Store,
                                                graphs: dict[str, str],
                                                parts: dict[str, set[ox.Triple]]) -> None:
    """The upload is the release's own triples, derived datatypes kept (a pyoxigraph store on
    the way would turn xsd:nonNegativeInteger into xsd:integer)."""
    bodies = {graph: body for graph, body, _ in to_graph_bodies(built / "build" / "monokg.nq")}
    assert list(bodies) == [graphs[part] for part in GRAPH_PARTS]
    for part in ("data", "metadata"):  # no blank nodes: compared triple for triple
        sent = {q.triple for q in ox.parse(bodies[graphs[part]],
                                           format=ox.RdfFormat.N_TRIPLES)}
        assert sent == parts[part]
    assert b"XMLSchema#nonNegativeInteger>" in bodies[graphs["data"]]
    report = load_release(built / "build" / "monokg.nq", oxigraph.gsp)
    assert [(g.graph, g.sent, g.found) for g in report.graphs] == [
        (graphs[p], len(parts[p]), len(parts[p])) for p in GRAPH_PARTS]


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


def test_bulk_files_hold_every_part_in_its_graph(
        built: Path, graphs: dict[str, str], parts: dict[str, set[ox.Triple]]) -> None:
    """N-Quads and TriG parse, agree, and hold data, ontology and metadata (the VoID/DCAT
    description included) each in its own graph and nothing else."""
    name = load_publication(built / "monokg.toml").dataset
    read = {}
    for suffix, fmt in ((".nq", ox.RdfFormat.N_QUADS), (".trig", ox.RdfFormat.TRIG)):
        found: dict[str, set[ox.Triple]] = {}
        for quad in ox.parse(path=str(built / "build" / f"{name}{suffix}"), format=fmt):
            assert isinstance(quad.graph_name, ox.NamedNode), quad
            found.setdefault(quad.graph_name.value, set()).add(quad.triple)
        read[suffix] = found
    assert set(read[".nq"]) == set(read[".trig"]) == set(graphs.values())
    for part in ("data", "metadata"):  # the ontology's blank nodes differ by label
        assert read[".nq"][graphs[part]] == read[".trig"][graphs[part]] == parts[part]
    assert len(read[".nq"][graphs["ontology"]]) == len(parts["ontology"])


def _delete_graph(store: Store, graph: str) -> None:
    import urllib.parse
    import urllib.request
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, store.gsp, store.user or "", store.password or "")
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager),
                                         urllib.request.ProxyHandler({}))
    url = f"{store.gsp}?{urllib.parse.urlencode({'graph': graph})}"
    opener.open(urllib.request.Request(url, method="DELETE"), timeout=60).close()


def test_oxigraph_reads_the_nquads(built: Path, oxigraph: Store, graphs: dict[str, str],
                                   parts: dict[str, set[ox.Triple]]) -> None:
    import urllib.request
    name = load_publication(built / "monokg.toml").dataset
    body = (built / "build" / f"{name}.nq").read_bytes()
    for graph in graphs.values():
        _delete_graph(oxigraph, graph)
    # A POST of a dataset (no ?graph=) keeps the graph names the N-Quads give.
    request = urllib.request.Request(oxigraph.gsp, data=body, method="POST",
                                     headers={"Content-Type": "application/n-quads"})
    _no_auth().open(request, timeout=60).close()
    for part, graph in graphs.items():
        assert count_triples(oxigraph.query, graph, _no_auth()) == len(parts[part])
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
