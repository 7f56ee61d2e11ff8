"""`monokg load`: put the release into a triple store by the SPARQL 1.1 Graph Store Protocol.

Each part of the release (data, ontology, dataset metadata) goes into its own named graph, as
the release's N-Quads name them, and a PUT replaces each; a SPARQL COUNT through the store's
query endpoint then proves each graph's triples are visible there (stores differ on where
uploaded data lands; see the notes on Oxigraph's /store). Queries without ``GRAPH`` see the
whole release where the store's default graph is the union of its named graphs (Virtuoso
always; the Oxigraph server with ``--union-default-graph``).

Every request has a connect timeout and a read timeout (the longest wait for the store's next
bytes), so a store that accepts the connection and never answers stops the load with a message
instead of hanging it; every way a store can fail is an ``InputError`` naming the URL.
"""

from __future__ import annotations

import base64
import functools
import http.client
import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from monokg.model.errors import InputError

#: Graph Store Protocol path -> query path, for the stores we test against.
QUERY_PATHS: dict[str, str] = {
    "/store": "/query",                        # Oxigraph server
    "/sparql-graph-crud-auth": "/sparql",      # Virtuoso (authenticated)
    "/sparql-graph-crud": "/sparql",           # Virtuoso
}
AUTH_KINDS = ("basic", "digest")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, and for each next piece of an answer."""

    connect: float = 10.0
    read: float = 300.0


class ConnectTimeout(TimeoutError):
    """The store did not accept the connection in time."""


class _Connection(http.client.HTTPConnection):
    """An HTTP connection that connects within its timeout, then reads within ``read``."""

    def __init__(self, *args: Any, read: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read

    def connect(self) -> None:
        try:
            super().connect()
        except TimeoutError as exc:
            raise ConnectTimeout(*exc.args) from exc
        assert self.sock is not None
        self.sock.settimeout(self.read_timeout)


class _SecureConnection(_Connection, http.client.HTTPSConnection):
    """``_Connection`` over TLS (the handshake within the connect timeout)."""


class _Handler(urllib.request.HTTPHandler):
    """Opens http URLs with ``_Connection``."""

    def __init__(self, read: float) -> None:
        super().__init__()
        self.read = read

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Connection, read=self.read), req)


class _SecureHandler(urllib.request.HTTPSHandler):
    """Opens https URLs with ``_SecureConnection``, verifying certificates as urllib does."""

    def __init__(self, read: float) -> None:
        self.context = ssl.create_default_context()
        super().__init__(context=self.context)
        self.read = read

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_SecureConnection, read=self.read), req,
                            context=self.context)


class LoadMismatch(Exception):
    """The store holds a different number of triples than were sent."""


@dataclass(frozen=True)
class GraphLoad:
    """One named graph: how many triples were sent and how many the store counts."""

    graph: str
    sent: int
    found: int


@dataclass(frozen=True)
class LoadReport:
    """Where the release landed and what the store says it holds, graph by graph, and whether
    a query without ``GRAPH`` sees it (the store's default graph is the union)."""

    endpoint: str
    query_endpoint: str
    graphs: list[GraphLoad]
    union: bool


def default_query_endpoint(endpoint: str) -> str:
    """The query endpoint of a store, guessed from its Graph Store Protocol endpoint."""
    parts = urlsplit(endpoint)
    for suffix, replacement in QUERY_PATHS.items():
        if parts.path.rstrip("/").endswith(suffix):
            path = parts.path.rstrip("/")[: -len(suffix)] + replacement
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    raise InputError(f"cannot tell the query endpoint of {endpoint}",
                     fix="give it with --query-endpoint URL")


def to_graph_bodies(dataset: Path) -> list[tuple[str, bytes, int]]:
    """Each named graph of a dataset file (N-Quads or TriG), in the order the file first
    names them: its IRI, its distinct triples as an N-Triples document, and their number.

    Parsed, never put in a pyoxigraph store on the way: the store keeps a derived datatype
    only as its primitive (``"1"^^xsd:nonNegativeInteger`` comes out as ``xsd:integer``),
    and the store should get the release's own terms."""
    graphs: dict[str, dict[ox.Triple, None]] = {}
    for quad in ox.parse(path=str(dataset),
                         format=ox.RdfFormat.from_extension(dataset.suffix[1:])):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, {})[quad.triple] = None
    return [(name, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples))
            for name, triples in graphs.items()]


def _opener(url: str, user: str | None, password: str | None, auth: str,
            timeouts: Timeouts) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [_Handler(timeouts.read),
                                                  _SecureHandler(timeouts.read)]
    if user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password or "")
        handlers.append(urllib.request.HTTPDigestAuthHandler(manager) if auth == "digest"
                        else urllib.request.HTTPBasicAuthHandler(manager))
    # Never a proxy: the stores we load are named by the user, often on localhost.
    handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _call(opener: urllib.request.OpenerDirector, request: urllib.request.Request,
          timeouts: Timeouts, what: str) -> bytes:
    """The body of the store's answer; every way it can fail is an ``InputError``."""
    failed = f"{what} {request.full_url} failed"
    try:
        with opener.open(request, timeout=timeouts.connect) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", errors="replace").strip()
        fix = ("check --user, --password and --auth" if exc.code in (401, 403)
               else "the store itself failed: see its log, then try again" if exc.code >= 500
               else "check the URL and that the store accepts this request")
        raise InputError(f"{failed}: HTTP {exc.code} {exc.reason}"
                         f"{': ' + detail if detail else ''}", fix=fix) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, ConnectTimeout):
            raise InputError(f"{failed}: no connection within {timeouts.connect:g} s",
                             fix="check that the store runs and the URL is right, or raise "
                             "--connect-timeout") from exc
        if isinstance(reason, TimeoutError):
            raise InputError(f"{failed}: the store accepted the connection but sent no answer "
                             f"within {timeouts.read:g} s", fix="check that the store is not "
                             "stuck (see its log), or raise --read-timeout") from exc
        if isinstance(reason, ConnectionRefusedError):
            raise InputError(f"{failed}: the connection was refused (nothing listens there)",
                             fix="check that the store runs and the URL (host and port) is "
                             "right") from exc
        raise InputError(f"{failed}: {reason}",
                         fix="check that the store runs and the URL is right") from exc


def _authorize(request: urllib.request.Request, user: str, password: str, auth: str,
               timeouts: Timeouts) -> None:
    """Check the credentials with a bodiless HEAD, then add the Authorization header.

    Without this the body goes out first, the store answers 401 and may close the connection
    mid-upload (Virtuoso does: "Broken pipe"), which hides the real reason.
    """
    opener = _opener(request.full_url, None, None, auth, timeouts)
    fields: dict[str, str] | None = None
    if auth == "digest":
        try:
            opener.open(urllib.request.Request(request.full_url, method="HEAD"),
                        timeout=timeouts.connect).close()
            return  # no authentication asked for
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
        except OSError:
            return  # the real request reports what is wrong
        if not challenge.lower().startswith("digest "):
            return
        fields = urllib.request.parse_keqv_list(
            [f for f in urllib.request.parse_http_list(challenge[7:]) if f])
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, request.full_url, user, password)
    digest = urllib.request.HTTPDigestAuthHandler(manager)

    def header(req: urllib.request.Request) -> str:
        if fields is None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            return f"Basic {token}"
        return f"Digest {digest.get_authorization(req, fields)}"

    check = urllib.request.Request(request.full_url, method="HEAD")
    check.add_unredirected_header("Authorization", header(check))
    try:
        opener.open(check, timeout=timeouts.connect).close()
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise InputError(f"{request.get_method()} to {request.full_url} failed: HTTP "
                             f"{exc.code} {exc.reason}: the store refused the credentials of "
                             f"{user!r}", fix="check --user, --password and --auth") from exc
    except OSError:
        pass
    request.add_unredirected_header("Authorization", header(request))


def count_triples(query_endpoint: str, graph: str, opener: urllib.request.OpenerDirector,
                  timeouts: Timeouts | None = None) -> int:
    """The number of triples in a named graph, by a SPARQL COUNT (GET, JSON results)."""
    return _count(query_endpoint, f"{{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", opener, timeouts)


def _count(query_endpoint: str, pattern: str, opener: urllib.request.OpenerDirector,
           timeouts: Timeouts | None = None) -> int:
    """The number of solutions of a graph pattern, by a SPARQL COUNT (GET, JSON results)."""
    sparql = f"SELECT (COUNT(*) AS ?n) WHERE {pattern}"
    url = f"{query_endpoint}?{urlencode({'query': sparql})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    body = _call(opener, request, timeouts or Timeouts(), "the count query to")
    try:
        bindings = json.loads(body)["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        shown = body[:120].decode("utf-8", errors="replace").strip()
        raise InputError(f"the count query to {query_endpoint} answered something other than "
                         f"SPARQL JSON results with a count: {shown!r}",
                         fix="give the store's SPARQL query endpoint with --query-endpoint")\
            from exc


def load_release(dataset: Path, endpoint: str, query_endpoint: str | None = None,
                 user: str | None = None, password: str | None = None, auth: str = "digest",
                 timeouts: Timeouts | None = None) -> LoadReport:
    """PUT each named graph of ``dataset`` (the release's N-Quads) into that graph at a Graph
    Store Protocol endpoint, then count each there."""
    if auth not in AUTH_KINDS:
        raise InputError(f"unknown auth {auth!r}", fix=f"use one of {', '.join(AUTH_KINDS)}")
    if urlsplit(endpoint).scheme not in ("http", "https"):
        raise InputError(f"endpoint {endpoint!r} is not an http(s) URL",
                         fix="e.g. --endpoint http://127.0.0.1:7878/store")
    query_endpoint = query_endpoint or default_query_endpoint(endpoint)
    timeouts = timeouts or Timeouts()
    opener = _opener(endpoint, user, password, auth, timeouts)
    counter = _opener(query_endpoint, user, password, auth, timeouts)
    separator = "&" if "?" in endpoint else "?"
    loads = []
    for graph, body, sent in to_graph_bodies(dataset):
        url = f"{endpoint}{separator}{urlencode({'graph': graph})}"
        # N-Triples is Turtle, and text/turtle is the one type every GSP store reads.
        request = urllib.request.Request(url, data=body, method="PUT", headers={
            "Content-Type": "text/turtle; charset=utf-8"})
        if user is not None:
            _authorize(request, user, password or "", auth, timeouts)
        _call(opener, request, timeouts, "PUT to")
        loads.append(GraphLoad(graph, sent, count_triples(query_endpoint, graph, counter,
                                                          timeouts)))
    wrong = [f"sent {g.sent} triples to <{g.graph}>, but {query_endpoint} counts {g.found}"
             for g in loads if g.found != g.sent]
    if wrong:
        raise LoadMismatch(f"at {endpoint}: " + "; ".join(wrong))
    return LoadReport(endpoint, query_endpoint, loads,
                      _count(query_endpoint, _probe(dataset), counter, timeouts) > 0)


def _probe(dataset: Path) -> str:
    """A graph pattern, without GRAPH, that matches the first triple of the dataset file whose
    subject is an IRI: it has solutions where the default graph is the union."""
    for quad in ox.parse(path=str(dataset),
                         format=ox.RdfFormat.from_extension(dataset.suffix[1:])):
        if isinstance(quad.subject, ox.NamedNode):
            return f"{{ {quad.subject} {quad.predicate} ?o }}"
    return "{ ?s ?p ?o }"
