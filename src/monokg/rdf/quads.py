"""N-Quads and TriG of sorted N-Triples lines, each list in its own named graph."""

from __future__ import annotations

from rdflib import URIRef

from monokg.rdf.ntriples import STRING_TYPED_END, canonical_line


def _canonical(line: str) -> str:
    assert line.endswith(" ."), line
    return canonical_line(line) if line.endswith(STRING_TYPED_END) else line


def to_nquads(graphs: list[tuple[URIRef, list[str]]]) -> bytes:
    """Sorted N-Triples lines moved into their named graphs (N-Quads), line for line, graph
    after graph in the order given."""
    return "".join([_canonical(line)[:-2] + f" <{graph}> .\n"
                    for graph, lines in graphs for line in lines]).encode("utf-8")


def to_trig(graphs: list[tuple[URIRef, list[str]]]) -> bytes:
    """TriG that Virtuoso reads: ``<graph> { ... }`` without the GRAPH keyword, N-Triples
    inside, one block per graph in the order given."""
    return "".join(f"<{graph}> {{\n" + "".join([f"  {_canonical(line)}\n" for line in lines])
                   + "}\n" for graph, lines in graphs).encode("utf-8")
