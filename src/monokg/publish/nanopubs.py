"""``<dataset>.nanopubs.trig``: every claim as a nanopublication (``assemble.nanopubs``), each
of its four graphs a TriG block."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from monokg.assemble.nanopubs import nanopubs
from monokg.assemble.release import Release
from monokg.rdf.files import ReleaseFolder
from monokg.rdf.ntriples import unescape
from monokg.rdf.quads import to_trig


def to_nanopub_trig(quads_of: list[list[tuple[str, str, str, str]]]) -> bytes:
    """Each nanopub's graphs in the order head, assertion, provenance, pubinfo; lines sorted."""
    blocks: list[tuple[URIRef, list[str]]] = []
    for quads in quads_of:
        graphs: dict[str, list[str]] = {}
        for g, s, p, o in quads:
            graphs.setdefault(g, []).append(f"{s} {p} {o} .")
        blocks += [(URIRef(unescape(graph[1:-1])), sorted(set(lines)))
                   for graph, lines in graphs.items()]
    return to_trig(blocks)


def write_nanopubs(release: Release, out: ReleaseFolder) -> list[Path]:
    name = release.files.nanopubs
    return [out.write(out.root / name, to_nanopub_trig(nanopubs(release)))]
