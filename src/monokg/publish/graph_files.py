"""The data graph in every format, the released ontology and the shapes."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from monokg.assemble.release import Release
from monokg.rdf.files import ReleaseFolder
from monokg.rdf.graphs import Bindings, new_graph, ntriples_lines, ntriples_of
from monokg.rdf.jsonld import jsonld_of_lines
from monokg.rdf.turtle import turtle_of_lines


def write_release_lines(lines: Sequence[str], bindings: Bindings, out: ReleaseFolder,
                        names: dict[str, str], timings: dict[str, float] | None = None
                        ) -> list[Path]:
    """The data graph as Turtle, N-Triples, JSON-LD and its context, from sorted N-Triples
    lines of a blank-node-free graph and its bound prefixes (no rdflib Graph is built);
    ``names`` gives each file's name by suffix."""
    def turtle() -> bytes:
        return turtle_of_lines(lines, bindings)

    jsonld: dict[str, bytes] = {}

    def document() -> bytes:
        jsonld[".jsonld"], jsonld[".context.jsonld"] = jsonld_of_lines(lines, bindings)
        return jsonld[".jsonld"]

    outputs: dict[str, Callable[[], bytes]] = {
        ".ttl": turtle,
        ".nt": lambda: ntriples_of(lines),
        ".jsonld": document,
        ".context.jsonld": lambda: jsonld.pop(".context.jsonld"),
    }
    written = []
    for suffix, name in names.items():
        started = time.perf_counter()
        written.append(out.write(out.root / name, outputs[suffix]()))
        if timings is not None:
            timings[f"export:{suffix.lstrip('.')}"] = time.perf_counter() - started
    return written


def write_graph_files(release: Release, out: ReleaseFolder) -> list[Path]:
    """The data graph in every format, the released ontology and the shapes."""
    pub = release.publication
    names = release.files
    bindings = [(p, str(n)) for p, n in pub.rebase(new_graph()).namespaces()]
    files = write_release_lines(release.published_lines, bindings, out, names.graph,
                                release.timings)
    # The ontology and shapes files bind few prefixes of their own: the project's come first,
    # so their own terms read as mkg:..., mkgsh:... too.
    for name, graph in ((names.ontology, release.released_ontology),
                        (names.shapes, release.released_shapes)):
        own = [(p, str(n)) for p, n in graph.namespaces()]
        files.append(out.write(out.root / name,
                               turtle_of_lines(ntriples_lines(graph), bindings + own)))
    return files
