"""After the writers: the release's graph files, read back, hold exactly the N-Triples' triples.

Every graph file is written from the same lines by its own writer; a writer that spells a
literal or an IRI its own way makes two different graphs that both look fine. This check
reads each file back with pyoxigraph (a parser none of the writers use) and compares triple
sets: `.ttl` and `.jsonld` must hold the `.nt` triples, `.nq` and `.trig` those in the data
graph, the ontology's in the ontology graph and the metadata's in the metadata graph, and no
other graph. It reads written files, so it runs after the writers,
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


def _read(path: Path) -> dict[str, set[ox.Triple]]:
    """The triples of a file as pyoxigraph reads them, by the name of their graph ('' for the
    default graph): this runs on every triple of every file."""
    fmt = _FORMATS[next(s for s in _FORMATS if path.name.endswith(s))]
    found: dict[str, set[ox.Triple]] = {}
    for quad in ox.parse(path=str(path), format=fmt):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        found.setdefault(name, set()).add(quad.triple)
    return found


def _triples(path: Path) -> set[ox.Triple]:
    return set().union(*_read(path).values())


def _difference(name: str, found: set[ox.Triple], triples: set[ox.Triple],
                where: str = "") -> Finding | None:
    extra = sorted(f"{t} ." for t in found - triples)
    missing = sorted(f"{t} ." for t in triples - found)
    if extra and missing and _isomorphic(extra, missing):
        return None  # the ontology's blank nodes, under other labels
    if not extra and not missing:
        return None
    return Finding(name, None, (
        f"read back, it holds {len(extra)} triple(s){where} the source file does not "
        f"{extra[:_SHOWN]} and lacks {len(missing)} {missing[:_SHOWN]}: a writer "
        "spelled a term its own way (a bug in monokg)"))


def graph_file_differences(folder: Path, names: ReleaseFiles,
                           graphs: dict[str, str]) -> list[Finding]:
    """Each graph file of a written release that does not hold exactly the N-Triples'
    triples (the bulk files: each part, by ``graphs`` (part -> graph IRI), in its own named
    graph, and nothing else), as a finding."""
    graph, (nq, trig) = names.graph, names.bulk
    expected = _triples(folder / graph[".nt"])
    parts = {graphs["data"]: expected, graphs["ontology"]: _triples(folder / names.ontology),
             graphs["metadata"]: _triples(folder / names.metadata)}
    findings = []
    for name in (graph[".ttl"], graph[".jsonld"]):
        difference = _difference(name, _triples(folder / name), expected)
        if difference is not None:
            findings.append(difference)
    for name in (nq, trig):
        found = _read(folder / name)
        stray = sorted(set(found) - set(parts))
        if stray:
            findings.append(Finding(name, None, f"it has triples in {len(stray)} graph(s) "
                                    f"{stray[:_SHOWN]} that are not parts of the release"))
        for iri, triples in parts.items():
            difference = _difference(name, found.get(iri, set()), triples, f" in <{iri}>")
            if difference is not None:
                findings.append(difference)
    return findings


def start_graph_file_check(folder: Path, names: ReleaseFiles, graphs: dict[str, str],
                           fork: bool) -> Callable[[], list[Finding]]:
    """`graph_file_differences` started in a forked worker (with ``fork``), beside whatever
    the caller writes next; the returned function waits for the findings."""
    if not fork:
        return lambda: graph_file_differences(folder, names, graphs)
    return in_fork("the read-back worker", graph_file_differences, folder, names, graphs)


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
