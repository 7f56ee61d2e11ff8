"""`monokg serve --sparql URL`: pages and /sparql over an external SPARQL 1.1 endpoint.

A front end that holds no data: each page is rendered from the neighbourhood of its IRI, fetched
with one CONSTRUCT; each query is forwarded (as a form POST, with the release base as its BASE).
Such front ends are stateless, so a publisher runs as many as the load needs in front of one
store that scales (Virtuoso, an Oxigraph server). Whatever the endpoint does wrong becomes a
clear answer within the timeout: refused or unreachable 502, silent 504, an HTML page (a login
page, a proxy's error page) instead of SPARQL 502, its own 5xx 502.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from monokg.surfaces.query import OPAQUE
from monokg.surfaces.serve_pool import Answer, Job, error

#: An IRI in a query (strings and comments blanked out first).
_IRI = re.compile(r"<([^<>\"{}|^`\\\s]*)>")

#: The neighbourhood a page needs, one simple CONSTRUCT each (some stores plan one large UNION
#: badly): the resource's triples in both directions, two steps out (a claim's quote: claim ->
#: span -> selector), one step in from what links to it (a monograph's sections and their
#: paragraphs), and what the properties it uses say (their labels).
NEIGHBOURHOOD = [
    "CONSTRUCT {{ <{n}> ?p ?o }} WHERE {{ <{n}> ?p ?o }}",
    "CONSTRUCT {{ ?s ?p <{n}> }} WHERE {{ ?s ?p <{n}> }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ <{n}> ?x ?s . ?s ?p ?o FILTER (isIRI(?s)) }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?x <{n}> . ?s ?p ?o }}",
    ("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ <{n}> ?x ?y . ?y ?z ?s . ?s ?p ?o "
    "FILTER (isIRI(?y) && isIRI(?s)) }}"),
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?a ?x <{n}> . ?s ?y ?a . ?s ?p ?o }}",
    ("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {{ <{n}> ?s ?v }} "
    "UNION {{ ?v ?s <{n}> }} }} }} ?s ?p ?o }}"),
]


@dataclass(frozen=True)
class Upstream:
    """An external SPARQL 1.1 endpoint, and the graph the release is in (None: default)."""

    url: str
    graph: str | None
    timeout: float

    def post(self, params: list[tuple[str, str]], accept: str | None,
             timeout: float | None = None) -> Answer:
        """POST a query form; the endpoint's answer, or a 502/504 saying what went wrong."""
        timeout = self.timeout if timeout is None else timeout
        if self.graph and not any(k in ("default-graph-uri", "named-graph-uri")
                                  for k, _ in params):
            params = [*params, ("default-graph-uri", self.graph)]
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(params).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     **({"Accept": accept} if accept else {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            status, headers, body = exc.code, exc.headers, exc.read()
        except TimeoutError:
            return error(504, f"the SPARQL endpoint {self.url} did not answer within "
                         f"{self.timeout:g} s (the timeout of this front end)")
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                return error(504, f"the SPARQL endpoint {self.url} did not answer within "
                             f"{self.timeout:g} s (the timeout of this front end)")
            return error(502, f"the SPARQL endpoint {self.url} cannot be reached: {reason}; "
                         "is it running, and is --sparql its query URL?")
        media = (headers.get("Content-Type") or "application/octet-stream").split(";")[0]
        media = media.strip().lower()
        if media in ("text/html", "application/xhtml+xml"):
            return error(502, f"the SPARQL endpoint {self.url} answered an HTML page (HTTP "
                         f"{status}), not SPARQL results: is --sparql the query URL of a "
                         "SPARQL 1.1 endpoint, and does it need no login?")
        if status >= 500:
            return error(502, f"the SPARQL endpoint {self.url} failed (HTTP {status}): "
                         + body.decode("utf-8", errors="replace")[:500])
        return Answer(status, headers.get("Content-Type") or media, body)

    def run(self, job: Job) -> Answer:
        """Forward a query; relative IRIs resolve against the release base, as locally. The
        query goes unchanged unless it has a relative IRI (then with the base as BASE), so the
        store's log shows what the client sent."""
        blank = OPAQUE.sub(lambda m: m.group() if m.group().startswith("<") else " ",
                           job.sparql)
        relative = any(":" not in iri for iri in _IRI.findall(blank))
        params = [("query", f"BASE <{job.base}>\n{job.sparql}" if relative else job.sparql)]
        params += [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
        return self.post(params, job.accept)

    def neighbourhood(self, iris: list[str]) -> ox.Store | Answer:
        """The triples pages of these IRIs need, in a store of their own (all fetched within
        the timeout, however many queries it takes)."""
        deadline = time.monotonic() + self.timeout
        store = ox.Store()
        for iri in iris:
            for query in NEIGHBOURHOOD:
                left = deadline - time.monotonic()
                if left <= 0:
                    return self._late()
                answer = self.post([("query", query.format(n=iri))],
                                   "application/n-triples, text/turtle;q=0.9", left)
                if answer.status == 504:
                    return self._late()
                if answer.status != 200:
                    return answer
                kind = answer.media_type.split(";")[0].strip()
                fmt = ox.RdfFormat.from_media_type(kind)
                if fmt is None:
                    return error(502, f"the SPARQL endpoint {self.url} answered a CONSTRUCT "
                                 f"with {kind}, not RDF")
                try:
                    store.bulk_extend(list(ox.parse(answer.body, format=fmt)))
                except SyntaxError as exc:
                    return error(502, f"the SPARQL endpoint {self.url} answered unreadable "
                                 f"{kind}: {exc}")
        return store

    def _late(self) -> Answer:
        return error(504, f"the SPARQL endpoint {self.url} did not answer within "
                     f"{self.timeout:g} s (the timeout of this front end)")

    def processes(self) -> list[Any]:
        return []

    def close(self) -> None:
        """Nothing to stop: every request is its own connection."""
