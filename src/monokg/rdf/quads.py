"""N-Quads and TriG of sorted N-Triples lines, in one named graph."""

from __future__ import annotations

from rdflib import URIRef


def to_nquads(lines: list[str], graph: URIRef) -> bytes:
    """Sorted N-Triples lines moved into one named graph (N-Quads), line for line."""
    tail = f" <{graph}> .\n"
    for line in lines:
        assert line.endswith(" .")
    return "".join([line[:-2] + tail for line in lines]).encode("utf-8")


def to_trig(lines: list[str], graph: URIRef) -> bytes:
    """TriG that Virtuoso reads: ``<graph> { ... }`` without the GRAPH keyword, N-Triples inside."""
    body = "".join([f"  {line}\n" for line in lines])
    return f"<{graph}> {{\n{body}}}\n".encode()
