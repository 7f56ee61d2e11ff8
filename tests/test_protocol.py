"""The W3C SPARQL 1.1 Protocol tests (tests/w3c/sparql-protocol/manifest.ttl), run against
`monokg serve` on 127.0.0.1, one pytest test per manifest entry, driven by the manifest.

The tests name their data by external URLs (``http://kasei.us/2009/09/sparql/data/data1.rdf``)
and there is no internet here: the server is started with those graphs in its store, each
loaded from the vendored file the manifest gives for it (``ut:graphData``) into a named graph
of that URL. ``data0.rdf`` (the default graph of several tests that only need it to exist, as
their ``ASK {}`` and ``SELECT (1 AS ?value) {}`` show) has no file in the suite; the original
endpoints fetch it from the web, so the server here holds a one-triple stand-in for it.

monokg serve is read-only. The seven update tests expect the update to succeed (2xx) and then
ask whether it took effect; here each update must be refused with 403 (read-only), and each
query that follows must be answered with the boolean false: the update had no effect.
"""

from __future__ import annotations

import http.client
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS
from rdflib.term import Node

from monokg.model.config import load_publication
from monokg.model.paths import ProjectPaths
from monokg.publish.site import load_site
from monokg.surfaces.query import store_files
from monokg.surfaces.serve import (
    MonokgServer,
    ServeConfig,
    make_server,
    start_in_thread,
    stop_server,
)

SUITE = Path(__file__).parent / "w3c" / "sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
#: The graph several tests name as their default graph without giving its data (see above).
DATA0 = "http://kasei.us/2009/09/sparql/data/data0.rdf"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]  # expected status classes: 2, 3, 4
    boolean: bool | None
    form: str | None  # "boolean", "tabular" or "RDF"


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    graphs: dict[str, Path]  # graph IRI -> data file
    requests: list[Request]


def _list(graph: Graph, subject: Node | None, predicate: URIRef) -> list[Node]:
    """The members of the RDF list a property points to (none when it is absent)."""
    head = graph.value(subject, predicate)
    return list(Collection(graph, head)) if head is not None else []


def _manifest() -> list[ProtocolTest]:
    graph = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    tests = []
    for entry in _list(graph, manifest, MF.entries):
        data = {str(graph.value(node, RDFS.label)): Path(str(graph.value(node, UT.graph))
                                                         .replace("file://", ""))
                for node in graph.objects(entry, UT.graphData)}
        action = graph.value(entry, MF.action)
        requests = []
        for request in _list(graph, action, HT.requests):
            headers = {}
            for header in _list(graph, request, HT.headers):
                headers[str(graph.value(header, HT.fieldName))] = str(
                    graph.value(header, HT.fieldValue))
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            response = graph.value(request, HT.resp)
            statuses = frozenset(int(str(s)[len(HTS)]) for s in
                                 graph.objects(response, MF.expectedStatus))
            boolean = graph.value(response, MF.expectedBoolean)
            assert boolean is None or isinstance(boolean, Literal)
            form = graph.value(response, MF.expectedFormat)
            requests.append(Request(
                str(graph.value(request, HT.methodName)),
                "/sparql" + str(graph.value(request, HT.absolutePath))[len("/sparql/"):],
                headers, body, statuses, None if boolean is None else boolean.toPython(),
                None if form is None else str(form)))
        name = str(entry).rsplit("#", 1)[-1]
        tests.append(ProtocolTest(name, {iri: SUITE / path.name for iri, path in data.items()},
                                  requests))
    return tests


TESTS = _manifest()


def test_the_suite_has_all_34_tests() -> None:
    assert len(TESTS) == 34 and all(t.requests for t in TESTS)


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonokgServer]:
    # Every graph the suite names, under its URL, beside the release.
    store = ox.Store()
    for test in TESTS:
        for iri, path in test.graphs.items():
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES,
                            to_graph=ox.NamedNode(iri))
    foaf_document = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
    store.add(ox.Quad(ox.NamedNode(DATA0), ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), foaf_document, ox.NamedNode(DATA0)))
    extra = tmp_path_factory.mktemp("protocol") / "suite-graphs.nq"
    store.dump(str(extra), format=ox.RdfFormat.N_QUADS)
    paths = ProjectPaths(built)
    site = load_site(paths.build, load_publication(paths.config), paths.queries)
    running = make_server(site, [*store_files(paths), extra], "127.0.0.1", 0,
                          ServeConfig(timeout=10.0, workers=1, memory_mb=1024))
    start_in_thread(running)
    yield running
    stop_server(running)


def _is_update(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith("application/sparql-update") or (
        request.body is not None and request.body.startswith(b"update="))


def _boolean(body: bytes, media: str) -> bool:
    if "json" in media:
        return bool(json.loads(body)["boolean"])
    ns = "{http://www.w3.org/2005/sparql-results#}"
    found = ET.fromstring(body).find(f"{ns}boolean")
    assert found is not None and found.text in ("true", "false"), body
    return found.text == "true"


def _check_format(form: str, body: bytes, media: str) -> None:
    if form == "boolean":
        _boolean(body, media)
    elif form == "tabular":
        results = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(
            media))
        assert isinstance(results, ox.QuerySolutions) and results.variables
    else:
        rdf = ox.RdfFormat.from_media_type(media)
        assert rdf is not None, media
        list(ox.parse(body, format=rdf))


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_w3c_protocol(server: MonokgServer, test: ProtocolTest) -> None:
    read_only = any(_is_update(r) and 2 in r.statuses for r in test.requests)
    for request in test.requests:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1],
                                                timeout=30)
        try:
            connection.request(request.method, request.path, body=request.body,
                               headers=request.headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        media = (response.getheader("content-type") or "").split(";")[0].strip()
        if read_only and _is_update(request):
            # The documented difference: a read-only endpoint refuses the update.
            assert response.status == 403 and b"read-only" in body, (response.status, body)
            continue
        assert response.status // 100 in request.statuses, (response.status, body)
        if request.form is not None:
            _check_format(request.form, body, media)
        if request.boolean is not None:
            # After a refused update the question "did it take effect?" must be answered no.
            assert _boolean(body, media) is (request.boolean and not read_only), body
        if request.method not in ("GET", "POST", "HEAD"):
            assert response.status == 405 and "POST" in (response.getheader("allow") or "")
