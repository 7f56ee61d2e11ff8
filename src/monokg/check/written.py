"""After the writers: the release's graph files, read back, hold exactly the N-Triples' triples.

Every graph file is written from the same lines by its own writer; a writer that spells a
literal or an IRI its own way makes two different graphs that both look fine. This check
reads each file back with pyoxigraph (a parser none of the writers use) and compares triple
sets: `.ttl` and `.jsonld` must hold the `.nt` triples, `.nq` and `.trig` those plus the
ontology's, all in one named graph. It reads written files, so it runs after the writers,
on the staging folder, before the release is swapped into place; it writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

from monokg.check.forked import in_fork
from monokg.model.errors import Finding
from monokg.model.release_files import ReleaseFiles

_FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE,
            ".jsonld": ox.RdfFormat.JSON_LD, ".nq": ox.RdfFormat.N_QUADS,
            ".trig": ox.RdfFormat.TRIG}
#: How many differing triples a finding shows.
_SHOWN = 3


def _read(path: Path) -> tuple[set[ox.Triple], set[str]]:
    """The triples of a file, as pyoxigraph reads them, and the names of its graphs (of the
    bulk files; the others are streamed: this runs on every triple of every file)."""
    fmt = _FORMATS[next(s for s in _FORMATS if path.name.endswith(s))]
    quads = ox.parse(path=str(path), format=fmt)
    if path.suffix not in (".nq", ".trig"):
        return {q.triple for q in quads}, set()
    found = list(quads)
    return {q.triple for q in found}, {str(g) for g in {q.graph_name for q in found}}


def graph_file_differences(folder: Path, names: ReleaseFiles) -> list[Finding]:
    """Each graph file of a written release that does not hold exactly the N-Triples'
    triples (the bulk files: plus the ontology's, in one named graph), as a finding."""
    graph, (nq, trig) = names.graph, names.bulk
    expected, _ = _read(folder / graph[".nt"])
    ontology, _ = _read(folder / names.ontology)
    wanted = {graph[".ttl"]: expected, graph[".jsonld"]: expected,
              nq: expected | ontology, trig: expected | ontology}
    findings = []
    for name, triples in wanted.items():
        found, graphs = _read(folder / name)
        extra = sorted(f"{t} ." for t in found - triples)
        missing = sorted(f"{t} ." for t in triples - found)
        if extra and missing and _isomorphic(extra, missing):
            extra = missing = []  # the ontology's blank nodes, under other labels
        if extra or missing:
            findings.append(Finding(name, None, (
                f"read back, it holds {len(extra)} triple(s) the N-Triples do not "
                f"{extra[:_SHOWN]} and lacks {len(missing)} {missing[:_SHOWN]}: a writer "
                "spelled a term its own way (a bug in monokg)")))
        if name in (nq, trig) and len(graphs) != 1:
            findings.append(Finding(name, None, f"its triples are in {len(graphs)} graphs "
                                    f"{sorted(graphs)[:_SHOWN]}, not in the dataset's one"))
    return findings


def start_graph_file_check(folder: Path, names: ReleaseFiles,
                           fork: bool) -> Callable[[], list[Finding]]:
    """`graph_file_differences` started in a forked worker (with ``fork``), beside whatever
    the caller writes next; the returned function waits for the findings."""
    if not fork:
        return lambda: graph_file_differences(folder, names)
    return in_fork("the read-back worker", graph_file_differences, folder, names)


def _isomorphic(found: list[str], wanted: list[str]) -> bool:
    """Whether triples with blank nodes are the same graph under other labels (rdflib's
    test: only the ontology's few blank-node triples come here)."""
    if any("_:" not in t for t in found + wanted):
        return False

    def graph(triples: list[str]) -> Graph:
        # rdflib's N-Triples reader takes ASCII labels only: pyoxigraph's become hex.
        text = "".join(_LABEL.sub(lambda m: "_:n" + m.group(1).encode().hex(), t) + "\n"
                       for t in triples)
        return Graph().parse(data=text, format="nt")

    return isomorphic(graph(found), graph(wanted))


_LABEL = re.compile(r"_:(\S+)")
