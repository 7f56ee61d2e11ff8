"""`monokg serve`: the SPARQL 1.1 Protocol endpoint and content negotiation for every IRI."""

from __future__ import annotations

import csv
import http.client
import io
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from monokg.model.config import load_publication
from monokg.model.paths import ProjectPaths
from monokg.publish.site import load_site
from monokg.surfaces.query import store_files
from monokg.surfaces.serve import (
    MonokgServer,
    ServeConfig,
    make_server,
    negotiate,
    open_server,
    start_in_thread,
    stop_server,
)
from monokg.surfaces.serve_pool import Scheduler

from .conftest import ROOT, solutions
from .servers import rows_of, stop

CONFIG = ServeConfig(timeout=2.0, max_results=1000, workers=2, memory_mb=512)
#: Far too much work for the timeout: a three-way cross product of every triple.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Far too much memory for the limit: sorting the cross product of every triple with itself.
GREEDY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[MonokgServer]:
    running = open_server(ProjectPaths(built), "127.0.0.1", 0, CONFIG)
    start_in_thread(running)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def embedded(built: Path) -> ox.Store:
    return load_site(built / "build", load_publication(built / "monokg.toml")).store


def fetch(url: str, accept: str | None = None, data: bytes | None = None,
          content_type: str | None = None, method: str | None = None
          ) -> tuple[int, Message, bytes]:
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def sparql_url(server: MonokgServer, query: str) -> str:
    return f"{server.url}sparql?{urllib.parse.urlencode({'query': query})}"


# -- SPARQL 1.1 Protocol ---------------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_gets_the_same_rows_as_the_embedded_store(
        server: MonokgServer, embedded: ox.Store, method: str) -> None:
    query = ("PREFIX mkg: <https://w3id.org/monokg/ontology/> "
             "SELECT ?claim ?statement WHERE { ?claim mkg:statement ?statement }")
    client = SPARQLWrapper(f"{server.url}sparql")
    client.setQuery(query)
    client.setMethod(method)
    client.setReturnFormat(JSON)
    rows = rows_of(client.queryAndConvert())
    expected = rows_of(json.loads(solutions(embedded, query).serialize(
        format=ox.QueryResultsFormat.JSON) or b""))
    assert rows == expected and len(rows) >= 4


@pytest.mark.parametrize("query", sorted((ROOT / "queries").glob("*.rq")),
                         ids=lambda q: q.name)
def test_every_example_query_answers_as_in_the_embedded_store(
        server: MonokgServer, embedded: ox.Store, query: Path) -> None:
    sparql = query.read_text(encoding="utf-8")
    status, _, body = fetch(sparql_url(server, sparql), "application/sparql-results+json")
    assert status == 200, body
    expected = rows_of(json.loads(solutions(embedded, sparql).serialize(
        format=ox.QueryResultsFormat.JSON) or b""))
    assert rows_of(json.loads(body)) == expected and expected


def test_a_comment_mentioning_an_update_keyword_is_no_update(server: MonokgServer) -> None:
    sparql = "# Every claim with a quote; delete nothing\nASK { ?s ?p ?o }"
    status, _, body = fetch(sparql_url(server, sparql), "application/json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_select_results_in_each_media_type(server: MonokgServer, embedded: ox.Store) -> None:
    # Paragraph labels: a few dozen rows, well under the result cap of the test server.
    query = ("SELECT ?s ?label WHERE { ?s a <https://w3id.org/monokg/ontology/Paragraph> ; "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    expected = len(list(solutions(embedded, query)))
    url = sparql_url(server, query)
    status, headers, body = fetch(url, "application/sparql-results+json")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert len(json.loads(body)["results"]["bindings"]) == expected
    status, headers, body = fetch(url, "application/sparql-results+xml")
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(ET.fromstring(body).findall(f"{ns}results/{ns}result")) == expected
    status, headers, body = fetch(url, "text/csv")
    assert headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert table[0] == ["s", "label"] and len(table) == expected + 1
    status, headers, body = fetch(url, "text/tab-separated-values")
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    lines = body.decode("utf-8").rstrip("\n").split("\n")
    assert lines[0] == "?s\t?label" and len(lines) == expected + 1


def test_ask_answers_a_boolean(server: MonokgServer) -> None:
    status, _, body = fetch(sparql_url(server, "ASK { ?s a ?o }"), "application/json")
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("media,fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                       ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                       ("application/ld+json", ox.RdfFormat.JSON_LD)])
def test_construct_in_each_rdf_media_type(server: MonokgServer, embedded: ox.Store,
                                          media: str, fmt: ox.RdfFormat) -> None:
    query = ("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c , "
             "<https://w3id.org/monokg/ontology/Section> }")
    status, headers, body = fetch(sparql_url(server, query), media)
    assert status == 200 and headers["Content-Type"].startswith(media)
    constructed = embedded.query(query)
    assert isinstance(constructed, ox.QueryTriples)
    expected = set(constructed)
    assert {q.triple for q in ox.parse(body, format=fmt)} == expected


def test_describe_gives_turtle_by_default(server: MonokgServer) -> None:
    iri = "https://w3id.org/monokg/monograph/l-glutamine-nl"
    status, headers, body = fetch(sparql_url(server, f"DESCRIBE <{iri}>"))
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert any(q.subject == ox.NamedNode(iri) for q in ox.parse(body, format=ox.RdfFormat.TURTLE))


def test_direct_post_and_form_post(server: MonokgServer) -> None:
    status, _, body = fetch(f"{server.url}sparql", "application/json", COUNT.encode(),
                            "application/sparql-query")
    assert status == 200
    direct = json.loads(body)["results"]["bindings"][0]["n"]["value"]
    form = urllib.parse.urlencode({"query": COUNT}).encode()
    status, _, body = fetch(f"{server.url}sparql", "application/json", form,
                            "application/x-www-form-urlencoded")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == direct


@pytest.mark.parametrize("how", ["get-update", "form-update", "post-update", "query-insert"])
def test_updates_are_refused(server: MonokgServer, how: str) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    url = f"{server.url}sparql"
    if how == "get-update":
        answer = fetch(f"{url}?{urllib.parse.urlencode({'update': update})}")
    elif how == "form-update":
        answer = fetch(url, data=urllib.parse.urlencode({"update": update}).encode(),
                       content_type="application/x-www-form-urlencoded")
    elif how == "post-update":
        answer = fetch(url, data=update.encode(), content_type="application/sparql-update")
    else:
        answer = fetch(sparql_url(server, "PREFIX x: <urn:x> " + update))
    assert answer[0] == 403 and b"read-only" in answer[2]
    _, _, body = fetch(sparql_url(server, "ASK { <urn:a> <urn:b> <urn:c> }"),
                            "application/json")
    assert json.loads(body)["boolean"] is False


def test_a_malformed_query_gets_400_with_the_parsers_message(server: MonokgServer) -> None:
    status, headers, body = fetch(sparql_url(server, "SELECT * WHERE { ?s ?p }"))
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert b"malformed SPARQL query: error at 1:" in body


def test_a_federated_query_is_refused(server: MonokgServer) -> None:
    status, _, body = fetch(sparql_url(
        server, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"))
    assert status == 403 and b"SERVICE" in body


def test_a_result_over_the_cap_is_a_clear_error(server: MonokgServer) -> None:
    status, _, body = fetch(sparql_url(server, "SELECT * WHERE { ?s ?p ?o }"))
    assert status == 400
    assert f"more than {CONFIG.max_results} rows".encode() in body and b"LIMIT" in body
    status, _, _ = fetch(sparql_url(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1000"))
    assert status == 200


def test_a_query_that_runs_too_long_is_stopped(server: MonokgServer) -> None:
    before = {p.pid: p for p in server.pool.processes()}
    started = time.monotonic()
    status, _, body = fetch(sparql_url(server, ENDLESS))
    took = time.monotonic() - started
    assert status == 503 and b"stopped after 2 s" in body
    assert took < CONFIG.timeout + 10
    after = {p.pid for p in server.pool.processes()}
    killed = [p for pid, p in before.items() if pid not in after]
    assert len(killed) == 1 and not killed[0].is_alive()  # the worker really is gone
    assert len(after) == CONFIG.workers + CONFIG.short_workers  # and was replaced
    assert fetch(sparql_url(server, COUNT))[0] == 200


#: The memory test's own server: a timeout far beyond what the greedy query needs to reach the
#: limit, so a loaded machine cannot make the clock stop it first.
PATIENT = ServeConfig(timeout=60.0, max_results=1000, workers=2, memory_mb=512)


def test_a_query_over_the_memory_limit_is_stopped_and_its_worker_replaced(built: Path) -> None:
    server = open_server(ProjectPaths(built), "127.0.0.1", 0, PATIENT)
    start_in_thread(server)
    try:
        before = {p.pid: p for p in server.pool.processes()}
        started = time.monotonic()
        status, _, body = fetch(sparql_url(server, GREEDY))
        assert status == 503 and b"more than the 512 MB of memory" in body, body
        assert time.monotonic() - started < PATIENT.timeout  # stopped by memory, not the clock
        after = {p.pid for p in server.pool.processes()}
        gone = [p for pid, p in before.items() if pid not in after]
        assert len(gone) == 1 and not gone[0].is_alive() and len(after) == PATIENT.workers + PATIENT.short_workers
        assert fetch(sparql_url(server, COUNT))[0] == 200
    finally:
        stop_server(server)


def test_a_release_that_does_not_fit_the_memory_limit_stops_serve(built: Path) -> None:
    from click.testing import CliRunner

    from monokg.cli import main
    result = CliRunner().invoke(main, ["serve", "--root", str(built), "--port", "0",
                                       "--workers", "1", "--memory-limit", "64"])
    assert result.exit_code == 2, result.output
    assert "within 64 MB (its --memory-limit)" in result.output and "fix:" in result.output
    assert "Traceback" not in result.output


def test_cors(server: MonokgServer) -> None:
    _, headers, _ = fetch(sparql_url(server, COUNT))
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = fetch(f"{server.url}sparql", method="OPTIONS")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]


def test_negotiate_prefers_quality_then_exact_match() -> None:
    offered = ["text/html", "text/turtle", "application/ld+json"]
    assert negotiate("text/turtle;q=0.5, application/ld+json", offered) == "application/ld+json"
    assert negotiate("*/*", offered) == "text/html"
    assert negotiate("text/*;q=0.9, text/turtle", offered) == "text/turtle"
    assert negotiate("image/png", offered) is None
    assert negotiate(None, offered) == "text/html"


# -- dereferenceable IRIs --------------------------------------------------------------------
KINDS = ["claim/", "paragraph/", "section/", "monograph/", "span/", "selector/", "dose/",
         "mention/", "concept/", "mapping/", "ontology/", "dataset/", "agent/"]
FORMATS = {"text/html": "html", "text/turtle": "ttl", "application/n-triples": "nt",
           "application/ld+json": "jsonld"}
PARSE = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
         "jsonld": ox.RdfFormat.JSON_LD}


def one_of_each_kind(server: MonokgServer) -> dict[str, str]:
    found: dict[str, str] = {}
    for iri in server.site.resources():
        for kind in KINDS:
            path = iri[len(server.site.base):]
            if path.startswith(kind) and path != kind and kind not in found:
                found[kind] = iri
    return found


def test_every_kind_of_minted_iri_is_present(server: MonokgServer) -> None:
    assert sorted(one_of_each_kind(server)) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("media", list(FORMATS))
def test_each_kind_of_iri_in_each_media_type(server: MonokgServer, kind: str,
                                             media: str) -> None:
    iri = one_of_each_kind(server)[kind]
    path = iri[len(server.site.base):]
    ext = FORMATS[media]
    for url, accept in ((server.url + path, media), (f"{server.url}{path}.{ext}", None)):
        status, headers, body = fetch(url, accept)
        assert status == 200, url
        assert headers["Content-Type"].startswith(media)
        assert "Accept" in headers["Vary"]
        if ext == "html":
            assert body.startswith(b"<!DOCTYPE html>") and iri.encode() in body
        else:
            triples = list(ox.parse(body, format=PARSE[ext]))
            assert any(ox.NamedNode(iri) in (t.subject, t.object) for t in triples)


def test_a_browser_gets_html(server: MonokgServer) -> None:
    iri = one_of_each_kind(server)["claim/"]
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, _ = fetch(iri.replace(server.site.base, server.url), accept)
    assert status == 200 and headers["Content-Type"].startswith("text/html")


def test_every_minted_iri_resolves(server: MonokgServer, embedded: ox.Store) -> None:
    base = server.site.base
    subjects = {q.subject.value for q in embedded
                if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(base)
                and "#" not in q.subject.value
                and not q.subject.value.startswith(base + "download/")}
    assert len(subjects) > 500
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        for iri in sorted(subjects):
            connection.request("GET", "/" + urllib.parse.quote(iri[len(base):]) + ".nt")
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200, iri
            assert f"<{iri}> ".encode() in body, iri
    finally:
        connection.close()


def test_unknown_iris_are_404(server: MonokgServer) -> None:
    for path in ("claim/l-glutamine-nl/no-such-claim", "claim/l-glutamine-nl/no-such-claim.ttl",
                 "nothing", "download/no-such-file.nt"):
        assert fetch(server.url + path, "text/turtle")[0] == 404, path


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/download/../monokg.toml",
                                  "/download/../../monokg.toml", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/claim/..%2F..%2F..%2Fetc%2Fpasswd", "/download/%2e%2e/data",
                                  "//etc/passwd", "/claim/./l-glutamine-nl"])
def test_paths_never_escape(server: MonokgServer, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        connection.request("GET", path)  # sent as is: no client-side normalisation
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status in (400, 404)
    assert b"root:" not in body and b"[publication]" not in body


def test_home_lists_monographs_downloads_and_queries(server: MonokgServer, built: Path) -> None:
    status, _, body = fetch(server.url, "text/html")
    page = body.decode("utf-8")
    assert status == 200 and "L-Glutamine" in page
    for query in sorted((built / "queries").glob("*.rq")):
        assert query.name in page
    assert 'href="download/monokg.nt"' in page
    status, headers, data = fetch(server.url + "download/monokg.nt")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert data == (built / "build" / "monokg.nt").read_bytes()


def test_the_serve_command_starts_and_answers(built: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", "from monokg.cli import main; main()", "serve", "--root",
         str(built), "--port", "0", "--workers", "1"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "serving http://127.0.0.1:PORT/ ..."
        assert line.startswith("serving http://127.0.0.1:"), line
        url = line.split()[1]
        status, _, body = fetch(sparql_url_of(url, COUNT), "application/json")
        assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    finally:
        stop(process)


def sparql_url_of(url: str, query: str) -> str:
    return f"{url}sparql?{urllib.parse.urlencode({'query': query})}"


def test_serve_on_a_busy_port_is_a_clear_error(built: Path, server: MonokgServer) -> None:
    from click.testing import CliRunner

    from monokg.cli import main
    port = str(server.server_address[1])
    result = CliRunner().invoke(main, ["serve", "--root", str(built), "--port", port])
    assert result.exit_code == 2 and "cannot listen" in result.output


# -- protocol details the W3C suite leaves open, and bad input ---------------------------------
def test_a_malformed_default_graph_uri_is_400(server: MonokgServer) -> None:
    url = sparql_url(server, "ASK {}") + "&default-graph-uri=not%20an%20iri"
    status, _, body = fetch(url)
    assert status == 400 and b"default-graph-uri 'not an iri' is not an absolute IRI" in body


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_an_unknown_graph_is_404_naming_it(server: MonokgServer, parameter: str) -> None:
    graph = "https://example.org/no-such-graph"
    url = f"{sparql_url(server, 'ASK {}')}&{urllib.parse.urlencode({parameter: graph})}"
    status, _, body = fetch(url)
    assert status == 404 and f"{parameter}: this endpoint has no graph <{graph}>".encode() in body


def test_relative_iris_resolve_against_the_release_base(server: MonokgServer) -> None:
    status, _, body = fetch(sparql_url(server, "CONSTRUCT { <s> <p> 1 } WHERE {}"),
                                  "application/n-triples")
    assert status == 200
    base = server.site.base
    assert body.startswith(f"<{base}s> <{base}p> ".encode()), body


def test_construct_as_rdf_xml(server: MonokgServer, embedded: ox.Store) -> None:
    query = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c , <https://w3id.org/monokg/ontology/Section> }"
    status, headers, body = fetch(sparql_url(server, query), "application/rdf+xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
    constructed = embedded.query(query)
    assert isinstance(constructed, ox.QueryTriples)
    assert {q.triple for q in ox.parse(body, format=ox.RdfFormat.RDF_XML)} == set(constructed)


@pytest.mark.parametrize("query,path", [("SELECT * WHERE { ?s ?p ?o } LIMIT 1", None),
                                        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", None),
                                        (None, "claim/")])
def test_nothing_acceptable_is_406_listing_what_is(server: MonokgServer, query: str | None,
                                                   path: str | None) -> None:
    if query is not None:
        url = sparql_url(server, query)
    else:
        url = server.url + one_of_each_kind(server)["claim/"][len(server.site.base):]
    status, _, body = fetch(url, "image/png")
    assert status == 406 and (b"text/turtle" in body
                              or b"application/sparql-results+json" in body), body


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(server: MonokgServer, method: str) -> None:
    status, headers, _ = fetch(f"{server.url}sparql", data=b"x", method=method)
    assert status == 405 and set(headers["Allow"].split(", ")) == {"GET", "HEAD", "POST",
                                                                     "OPTIONS"}
    path = one_of_each_kind(server)["claim/"][len(server.site.base):]
    status, headers, _ = fetch(server.url + path, data=b"x", method=method)
    assert status == 405 and "POST" not in headers["Allow"] and "GET" in headers["Allow"]


def test_the_service_description_by_conneg(server: MonokgServer) -> None:
    status, headers, body = fetch(f"{server.url}sparql", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    graph = {q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    endpoint = ox.NamedNode(f"{server.url}sparql")
    assert ox.Triple(endpoint, ox.NamedNode(sd + "endpoint"), endpoint) in graph
    assert ox.Triple(endpoint, ox.NamedNode(sd + "supportedLanguage"),
                     ox.NamedNode(sd + "SPARQL11Query")) in graph
    formats = {t.object.value for t in graph if t.predicate.value == sd + "resultFormat"}
    assert "http://www.w3.org/ns/formats/RDF_XML" in formats and len(formats) == 8
    status, headers, body = fetch(f"{server.url}sparql", "text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<form" in body


def test_a_yasgui_preflight_passes(server: MonokgServer) -> None:
    request = urllib.request.Request(f"{server.url}sparql", method="OPTIONS", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "accept,content-type"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
        allowed = {h.strip().lower() for h in
                   response.headers["Access-Control-Allow-Headers"].split(",")}
        assert {"accept", "content-type"} <= allowed


def test_the_iris_own_path_and_the_base_relative_path_answer_alike(
        server: MonokgServer) -> None:
    iri = one_of_each_kind(server)["claim/"]
    own = urllib.parse.urlsplit(iri).path  # /monokg/claim/...
    relative = iri[len(server.site.base):]
    assert own != "/" + relative
    for accept in ("text/turtle", "text/html"):
        first = fetch(server.url + own.lstrip("/"), accept)
        second = fetch(server.url + relative, accept)
        assert first[0] == second[0] == 200 and first[2] == second[2]
    prefix = urllib.parse.urlsplit(server.site.base).path
    status, _, body = fetch(f"{server.url}{prefix.strip('/')}/sparql?"
                            f"{urllib.parse.urlencode({'query': 'ASK {}'})}", "application/json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_etag_and_cache_control_from_the_release_digest(server: MonokgServer,
                                                        built: Path) -> None:
    import hashlib
    digest = hashlib.sha256((built / "build" / "manifest.json").read_bytes()).hexdigest()[:32]
    path = one_of_each_kind(server)["claim/"][len(server.site.base):]
    tags = set()
    for url, accept in ((server.url + path, "text/turtle"), (server.url + path, "text/html"),
                        (server.url + "download/monokg.nt", None)):
        status, headers, _ = fetch(url, accept)
        assert status == 200 and headers["ETag"].startswith(f'"{digest}-')
        assert headers["Cache-Control"] == "public, max-age=3600"
        tags.add(headers["ETag"])
        request = urllib.request.Request(url, headers={"If-None-Match": headers["ETag"],
                                                       **({"Accept": accept} if accept else {})})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=30)
        assert caught.value.code == 304 and caught.value.read() == b""
    assert len(tags) == 3  # one per representation: a cache never swaps Turtle for HTML


@pytest.fixture(scope="module")
def with_assets(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonokgServer]:
    assets = tmp_path_factory.mktemp("assets")
    (assets / "yasgui").mkdir()
    (assets / "yasgui" / "yasgui.min.js").write_text("console.log(1);\n")
    (assets / "yasgui" / "yasgui.min.css").write_text("body{}\n")
    (assets.parent / "secret.txt").write_text("secret\n")
    (assets / "link").symlink_to(assets.parent / "secret.txt")
    paths = ProjectPaths(built)
    site = load_site(paths.build, load_publication(paths.config), paths.queries)
    running = make_server(site, store_files(paths), "127.0.0.1", 0,
                          ServeConfig(workers=1), assets=assets)
    start_in_thread(running)
    yield running
    stop_server(running)


def test_assets_are_served_with_their_media_types(with_assets: MonokgServer) -> None:
    for name, media in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        status, headers, body = fetch(f"{with_assets.url}assets/yasgui/{name}")
        assert status == 200 and headers["Content-Type"].startswith(media), headers
        assert body in (b"console.log(1);\n", b"body{}\n")


@pytest.mark.parametrize("path", ["/assets/../secret.txt", "/assets/%2e%2e/secret.txt",
                                  "/assets/link", "/assets/", "/assets/yasgui/",
                                  "/assets/.hidden", "/assets//etc/passwd"])
def test_assets_never_escape(with_assets: MonokgServer, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", with_assets.server_address[1],
                                            timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 404 and b"secret" not in body


def test_a_cheap_query_is_answered_while_slow_ones_hold_every_main_worker(
        server: MonokgServer) -> None:
    lanes = server.pool
    assert isinstance(lanes, Scheduler)
    assert fetch(sparql_url(server, COUNT), "application/json")[0] == 200  # now known cheap
    slow = [threading.Thread(target=fetch, args=(sparql_url(server, ENDLESS + f" # {n}"),))
            for n in range(CONFIG.workers)]
    for number, thread in enumerate(slow, start=1):
        thread.start()
        while lanes.main.idle() > CONFIG.workers - number:  # this one holds its worker
            time.sleep(0.01)
    status, _, body = fetch(sparql_url(server, COUNT), "application/json")
    running = [t.is_alive() for t in slow]
    for thread in slow:
        thread.join(60)
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert all(running)  # answered while both slow queries still held the main lane
