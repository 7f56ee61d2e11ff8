"""What the SPARQL 1.1 Protocol asks of a request body, and the Service Description."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request

from monokg.surfaces.serve_pool import GRAPH_TYPES, RESULT_TYPES, Answer, error

MAX_BODY = 1 << 20
#: An update, recognised before it reaches a parser (the endpoint is read-only). A comment
#: is consumed to its line end, so "# ... with ..." in a comment is not read as WITH.
UPDATE = re.compile(r"^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*(\n|$))\s*)*"
                    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
                    re.IGNORECASE)
#: Service Description formats: media type -> pyoxigraph format (first = default).
SD_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: The W3C format IRI of each media type the endpoint writes.
_FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle", "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD", "application/rdf+xml": "RDF_XML",
}


async def read_body(request: Request) -> list[tuple[str, str]] | Answer:
    """The protocol parameters a POST carries (a form, or a direct query), or the answer
    refusing the body."""
    kind, _, rest = (request.headers.get("content-type") or "").partition(";")
    kind = kind.strip().lower()
    charset = re.search(r"charset\s*=\s*\"?([^\";\s]+)", rest, re.IGNORECASE)
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return error(415, f"the body is in {charset.group(1)}; send it in UTF-8 "
                     "(charset=UTF-8)")
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        return error(413, f"request body over {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return error(413, f"request body over {MAX_BODY} bytes")
        chunks.append(chunk)
    try:
        body = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        return error(400, f"the body is not UTF-8 ({exc})")
    if kind == "application/x-www-form-urlencoded":
        return parse_qsl(body, keep_blank_values=True)
    if kind == "application/sparql-query":
        return [("query", body)]
    if kind == "application/sparql-update":
        return error(403, "this endpoint is read-only: updates are refused")
    return error(415, "send application/sparql-query or a form "
                 "(application/x-www-form-urlencoded) with query=...")


def service_description(endpoint: str, graphs: list[str], fmt: ox.RdfFormat) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint (IRIs only, no blank nodes)."""
    service = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(endpoint + "#dataset")
    default = ox.NamedNode(endpoint + "#default-graph")

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(_SD + local)

    triples = [
        ox.Triple(service, _RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, _RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, _RDF_TYPE, sd("Graph")),
    ]
    for media in {**RESULT_TYPES, **GRAPH_TYPES}:
        if media in _FORMAT_IRIS:
            triples.append(ox.Triple(service, sd("resultFormat"),
                                     ox.NamedNode(_FORMATS + _FORMAT_IRIS[media])))
    for number, iri in enumerate(graphs, start=1):
        named = ox.NamedNode(f"{endpoint}#named-graph-{number}")
        triples += [ox.Triple(dataset, sd("namedGraph"), named),
                    ox.Triple(named, _RDF_TYPE, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), ox.NamedNode(iri))]
    prefixes = {"sd": _SD, "formats": _FORMATS}
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(sorted(triples, key=str), format=fmt, prefixes=prefixes) or b""
    return ox.serialize(sorted(triples, key=str), format=fmt) or b""
