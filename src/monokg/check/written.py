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

import itertools
import json
import multiprocessing
import re
from collections.abc import Callable, Iterator
from hashlib import blake2b
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple

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


class _Read(NamedTuple):
    """A file's triples, held small: a digest of each ground triple (a set of pyoxigraph
    triples is about four times the size: at 100 k triples the worker held two such sets
    beside the parent's peak), and the few triples with a blank node as text (a parser
    labels blank nodes anew, so they are compared as graphs, not looked up again)."""

    ground: set[bytes]
    blank: set[str]


def _quads(path: Path) -> Iterator[tuple[str, ox.Triple]]:
    """The triples of a file as pyoxigraph reads them, with the name of their graph ('' for
    the default graph)."""
    fmt = _FORMATS[next(s for s in _FORMATS if path.name.endswith(s))]
    parts = _jsonld_parts(path) if fmt == ox.RdfFormat.JSON_LD else None
    quads = (ox.parse(path=str(path), format=fmt) if parts is None else
             itertools.chain.from_iterable(ox.parse(part, format=fmt) for part in parts))
    for quad in quads:
        yield ("" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value,
               quad.triple)


#: Node objects per part of a JSON-LD graph read in parts.
_NODES = 2000
_TEXT = re.compile(r"\S")


def _jsonld_parts(path: Path) -> Iterator[bytes] | None:
    """A JSON-LD document made only of a context and a graph, as documents of the same
    context and a part of the graph's node objects each, cut where the file has them (each
    node object means what it means alone, so the parts hold the document's triples); None
    for any other document, or one with labelled blank nodes (a label names one node across
    the parts), which pyoxigraph reads whole.

    pyoxigraph reads a graph it cannot stream whole before the first triple (0.8 GB for
    the 90 MB document of 1m triples), and a top-level "@graph" it cannot stream: an "@id"
    after it would make it a named graph."""
    try:
        text = path.read_text(encoding="utf-8")
        head, nodes = _context_and_nodes(text)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError):
        return None  # pyoxigraph reads it whole, and says what is wrong
    if '"_:' in text:
        return None
    return ((head + ",".join(text[a:b] for a, b in nodes[n:n + _NODES]) + "]}").encode()
            for n in range(0, len(nodes), _NODES))


def _context_and_nodes(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The start of a document of the context of a JSON-LD document made only of a context
    and a graph (a ValueError for any other), and where each of its graph's node objects
    is in the text."""
    decode = json.JSONDecoder().raw_decode

    def skip(at: int, expected: str = "") -> int:
        """The first non-space at or after ``at`` (after ``expected``, which must be next)."""
        found = _TEXT.search(text, at)
        at = len(text) if found is None else found.start()
        if expected:
            if text[at:at + 1] != expected:
                raise ValueError(f"{expected!r} expected at {at}")
            return skip(at + 1)
        return at

    at, context, nodes = skip(0, "{"), None, None
    while text[at:at + 1] != "}":
        key, at = decode(text, at)
        at = skip(at, ":")
        start = at
        if key == "@context" and context is None:
            _, at = decode(text, at)
            context = text[start:at]
        elif key == "@graph" and nodes is None:
            at, nodes = skip(at, "["), []
            while text[at:at + 1] != "]":
                start = at
                _, at = decode(text, at)
                nodes.append((start, at))
                at = skip(at)
                if text[at:at + 1] == ",":
                    at = skip(at + 1)
            at += 1
        else:
            raise ValueError(f"a top-level {key!r}")
        at = skip(at)
        if text[at:at + 1] == ",":
            at = skip(at + 1)
    if nodes is None or skip(at + 1) != len(text):
        raise ValueError("no graph, or text after the document")
    return ('{"@graph": [' if context is None else f'{{"@context": {context}, "@graph": ['), \
        nodes


def _digest(triple: ox.Triple) -> bytes:
    return blake2b(str(triple).encode(), digest_size=16).digest()


def _read(path: Path) -> dict[str, _Read]:
    """The triples of a file by the name of their graph: this runs on every triple of every
    file."""
    found: dict[str, _Read] = {}
    for name, triple in _quads(path):
        read = found.setdefault(name, _Read(set(), set()))
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            read.blank.add(str(triple))
        else:
            read.ground.add(_digest(triple))
    return found


def _triples(path: Path) -> _Read:
    read = _Read(set(), set())
    for part in _read(path).values():
        read.ground.update(part.ground)
        read.blank.update(part.blank)
    return read


def _spelled(path: Path, graph: str | None, digests: set[bytes]) -> list[str]:
    """The ground triples of a file (of one of its graphs, with ``graph``) whose digests are
    ``digests``, as N-Triples lines: read again only to word a finding."""
    if not digests:
        return []
    return [f"{t} ." for name, t in _quads(path)
            if (graph is None or name == graph) and _digest(t) in digests]


def _difference(name: str, found: _Read, triples: _Read, read_from: tuple[Path, str | None],
                source: Path, where: str = "") -> Finding | None:
    """A finding if ``found`` (read from ``read_from``: a file and the graph, or None for
    all of it) does not hold exactly ``triples`` (read from ``source``)."""
    extra_blank = sorted(f"{t} ." for t in found.blank - triples.blank)
    missing_blank = sorted(f"{t} ." for t in triples.blank - found.blank)
    extra = sorted(_spelled(*read_from, found.ground - triples.ground))
    missing = sorted(_spelled(source, None, triples.ground - found.ground))
    if not extra and not missing and extra_blank and missing_blank \
            and _isomorphic(extra_blank, missing_blank):
        return None  # the ontology's blank nodes, under other labels
    extra, missing = sorted(extra + extra_blank), sorted(missing + missing_blank)
    if not extra and not missing:
        return None
    return Finding(name, None, (
        f"read back, it holds {len(extra)} triple(s){where} the source file does not "
        f"{extra[:_SHOWN]} and lacks {len(missing)} {missing[:_SHOWN]}: a writer "
        "spelled a term its own way (a bug in monokg)"))


def data_file_differences(folder: Path, names: ReleaseFiles) -> list[Finding]:
    """The data graph's Turtle and JSON-LD files that do not hold exactly the N-Triples'
    triples, as findings."""
    return _data_files(folder, names)[0]


def _data_files(folder: Path, names: ReleaseFiles) -> tuple[list[Finding], _Read]:
    """`data_file_differences`, and the N-Triples' triples as read."""
    graph = names.graph
    expected = _triples(folder / graph[".nt"])
    findings = []
    for name in (graph[".ttl"], graph[".jsonld"]):
        difference = _difference(name, _triples(folder / name), expected,
                                 (folder / name, None), folder / graph[".nt"])
        if difference is not None:
            findings.append(difference)
    return findings, expected


def bulk_file_differences(folder: Path, names: ReleaseFiles, graphs: dict[str, str],
                          data: _Read | None = None) -> list[Finding]:
    """The bulk files that do not hold each part of the release, by ``graphs`` (part ->
    graph IRI), in its own named graph, and nothing else, as findings; ``data``: the
    N-Triples' triples, when already read."""
    sources = {graphs["data"]: folder / names.graph[".nt"],
               graphs["ontology"]: folder / names.ontology,
               graphs["metadata"]: folder / names.metadata}
    parts = {iri: data if data is not None and iri == graphs["data"] else _triples(path)
             for iri, path in sources.items()}
    findings = []
    for name in names.bulk:
        found = _read(folder / name)
        stray = sorted(set(found) - set(parts))
        if stray:
            findings.append(Finding(name, None, f"it has triples in {len(stray)} graph(s) "
                                    f"{stray[:_SHOWN]} that are not parts of the release"))
        for iri, triples in parts.items():
            difference = _difference(name, found.get(iri, _Read(set(), set())), triples,
                                     (folder / name, iri), sources[iri], f" in <{iri}>")
            if difference is not None:
                findings.append(difference)
    return findings


def graph_file_differences(folder: Path, names: ReleaseFiles,
                           graphs: dict[str, str]) -> list[Finding]:
    """Each graph file of a written release that does not hold exactly the N-Triples'
    triples (the bulk files: each part in its own named graph, and nothing else), as a
    finding."""
    findings, data = _data_files(folder, names)
    return findings + bulk_file_differences(folder, names, graphs, data)


def _read_back(folder: Path, names: ReleaseFiles, graphs: dict[str, str],
               bulk_written: Connection) -> list[Finding]:
    """`graph_file_differences` in a worker: the data graph's files at once, the bulk files
    when told they are written (the N-Triples read once for both); only the data graph's
    when the writing stopped before them."""
    findings, data = _data_files(folder, names)
    try:
        bulk_written.recv()
    except EOFError:
        return findings
    finally:
        bulk_written.close()
    return findings + bulk_file_differences(folder, names, graphs, data)


class ReadBack:
    """The written graph files read back (``graph_file_differences``), in one worker from the
    moment the data graph's files are written, beside the writers that follow (with
    ``fork``), or in this process when asked for the findings.

    The worker is a new interpreter (``in_fork(fresh=True)``): it needs only file names, and
    a fork's own objects, put into the free slots of the parent's fragmented heap, copied far
    more of its pages than they filled (at 1m, 0.6 GB of PSS for a few hundred MB)."""

    def __init__(self, folder: Path, names: ReleaseFiles, graphs: dict[str, str],
                 fork: bool) -> None:
        self.args = (folder, names, graphs)
        self.fork = fork
        self.wait: Callable[[], list[Finding]] | None = None
        self.tell: Connection | None = None

    def data_written(self) -> None:
        """Start the worker (the data graph's files are final)."""
        if self.fork and self.wait is None:
            told, self.tell = multiprocessing.Pipe(duplex=False)
            self.wait = in_fork("the read-back worker", _read_back, *self.args, told,
                                fresh=True)
            told.close()

    def bulk_written(self) -> None:
        """Tell the worker the bulk files (and the ontology and metadata) are final."""
        if self.tell is not None:
            self.tell.send(True)
            self.tell.close()
            self.tell = None

    def findings(self) -> list[Finding]:
        """Wait for the worker's findings (or find them here)."""
        if self.wait is None:
            return graph_file_differences(*self.args)
        self.bulk_written()
        return self.wait()


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
