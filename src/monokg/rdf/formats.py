"""The one writer of each release format, by file suffix, for an rdflib Graph.

The build writes the same formats from N-Triples lines (``publish.graph_files``); a test holds
both to the same bytes."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph

from monokg.rdf.graphs import to_ntriples
from monokg.rdf.jsonld import to_context, to_jsonld
from monokg.rdf.turtle import to_turtle

#: Output file suffix -> writer; the suffix gives the role (see the house style).
WRITERS: dict[str, Callable[[Graph], bytes]] = {
    ".ttl": to_turtle,
    ".nt": to_ntriples,
    ".jsonld": to_jsonld,
    ".context.jsonld": to_context,
}
