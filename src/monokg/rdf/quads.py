"""N-Quads and TriG of sorted N-Triples lines, in one named graph."""

from __future__ import annotations

from rdflib import URIRef

from monokg.rdf.ntriples import STRING_TYPED_END, canonical_line


def to_nquads(lines: list[str], graph: URIRef) -> bytes:
    """Sorted N-Triples lines moved into one named graph (N-Quads), line for line."""
    tail = f" <{graph}> .\n"
    for line in lines:
        assert line.endswith(" .")
    end = STRING_TYPED_END
    return "".join([(canonical_line(line) if line.endswith(end) else line)[:-2] + tail
                    for line in lines]).encode("utf-8")


def to_trig(lines: list[str], graph: URIRef) -> bytes:
    """TriG that Virtuoso reads: ``<graph> { ... }`` without the GRAPH keyword, N-Triples inside."""
    body = "".join([f"  {canonical_line(line) if line.endswith(STRING_TYPED_END) else line}\n"
                    for line in lines])
    return f"<{graph}> {{\n{body}}}\n".encode()
