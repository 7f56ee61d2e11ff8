"""The whole pipeline, stage by stage: sources -> claims -> graph -> reason -> validate -> export.

A build writes into a fresh temporary folder and only swaps it in for ``build/`` once every
stage has passed, so a failed build never leaves half-written or missing outputs behind.

Each monograph is loaded and assembled on its own, in parallel across the machine's cores, and
cached by the content of its inputs in ``.monokg-cache/`` (``parts``). Reasoning and validation
see the whole release at once, on its N-Triples lines, while the release is being written
(``checks``). The release graph travels as sorted N-Triples lines; an rdflib Graph of it is
made only when a writer asks for ``release.graph``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from . import checks as _checks
from . import parts as _parts
from .cache import digest_of, files_digest
from .claims import Monograph
from .config import Publication, load_publication
from .coverage import (
    EXCLUSIONS_FILE,
    Coverage,
    load_exclusions,
    summary,
    to_coverage,
    write_coverage,
)
from .dataset import write_bulk_files, write_manifest, write_metadata
from .docs import write_ontology_docs
from .errors import Finding, InputError, InputErrors
from .export import ntriples_lines, to_turtle, write_release_lines
from .graph import graph_of, new_graph
from .mappings import load_local_concepts
from .paths import ProjectPaths
from .product_validate import write_product_pages
from .site import write_site
from .validate import load_rdf, load_shapes
from .vocabulary import load_vocabulary


@dataclass
class Release:
    """A release in memory: inputs, the assembled graph and what each stage took.

    ``lines`` is the data graph as sorted N-Triples lines (default base); ``graph`` is the
    same as an rdflib Graph, made from the lines on first use."""

    publication: Publication
    monographs: list[Monograph]
    graph: Graph
    ontology: Graph
    shapes: Graph
    warnings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    parts: list[_parts.Part] = field(default_factory=list, repr=False)
    extra_lines: list[str] = field(default_factory=list, repr=False)
    jobs: int = 1
    use_cache: bool = True
    coverage: list[Coverage] = field(default_factory=list)
    paths: ProjectPaths | None = None
    _published: list[str] | None = field(default=None, repr=False)

    @property
    def claim_count(self) -> int:
        return sum(len(m.claims) for m in self.monographs)

    @property
    def sentences_covered(self) -> tuple[int, int]:
        """(body sentences covered by a claim, body sentences)."""
        return summary(self.coverage)

    @property
    def triple_count(self) -> int:
        return len(self.ntriples())

    def ntriples(self) -> list[str]:
        """The data graph as sorted N-Triples lines (made from ``graph`` if given only that)."""
        if not self.lines and getattr(self, "_graph", None) is not None:
            self.lines = ntriples_lines(self._graph)  # type: ignore[attr-defined]
        return self.lines

    def published_lines(self) -> list[str]:
        """``ntriples()`` under the publication's base, made once for every writer."""
        if self._published is None:
            self._published = rebase_lines(self.ntriples(), self.publication)
        return self._published


def _get_graph(self: Release) -> Graph:
    if self._graph is None:  # type: ignore[attr-defined]
        self._graph = graph_of(self.lines)  # type: ignore[attr-defined]
    return self._graph  # type: ignore[attr-defined,no-any-return]


def _set_graph(self: Release, graph: Graph | None) -> None:
    self._graph = graph  # type: ignore[attr-defined]


# ``graph`` stays a constructor argument, but a release built from lines passes None and the
# Graph is made only if a writer reads it (a million triples in rdflib cost 1.4 GB).
Release.graph = property(_get_graph, _set_graph)  # type: ignore[assignment,method-assign]


def _get_shapes(self: Release) -> Graph:
    if self._shapes is None:  # type: ignore[attr-defined]
        assert self.paths is not None, "a release assembled from a project"
        self._shapes = load_shapes(self.paths.shapes)  # type: ignore[attr-defined]
    return self._shapes  # type: ignore[attr-defined,no-any-return]


def _set_shapes(self: Release, shapes: Graph | None) -> None:
    self._shapes = shapes  # type: ignore[attr-defined]


# Likewise the shapes: parsed only when written or when pySHACL needs them (a quick check
# uses the compiled shapes from the cache).
Release.shapes = property(_get_shapes, _set_shapes)  # type: ignore[assignment,method-assign]


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


class _InProcess(Executor):
    """Runs tasks at once in this process (one monograph, or --jobs 1)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            future.set_exception(exc)
        return future


def _executor(jobs: int) -> Executor:
    if jobs <= 1:
        return _InProcess()
    import multiprocessing

    # Fork: workers inherit the loaded vocabulary and imported libraries for free.
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))


def default_jobs() -> int:
    """Worker processes: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def released_ontology(ontology: Graph, publication: Publication) -> Graph:
    """The ontology as published: rebased, with a version IRI and version info added."""
    released = publication.rebase(ontology)
    onto = publication.iri("ontology/")
    released.add((onto, OWL.versionIRI, URIRef(f"{onto}{publication.version}")))
    released.add((onto, OWL.versionInfo, Literal(publication.version)))
    return released


def _coverage(monographs: list[Monograph]) -> list[Coverage]:
    out, errors = [], []
    for mono in monographs:
        try:
            out.append(to_coverage(mono, load_exclusions(mono.file.with_name(EXCLUSIONS_FILE))))
        except InputError as exc:
            errors.append(exc)
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)
    return out


def _extra(paths: ProjectPaths) -> Graph:
    """The project's term files: local concepts and, where present, term labels."""
    extra = Graph()
    extra += load_local_concepts(paths.mappings / "local-concepts.ttl")
    if (paths.data / "terms.ttl").is_file():
        extra += load_rdf(paths.data / "terms.ttl")
    return extra


def _add_pyshacl_system_triples(shapes: Graph) -> None:
    """Add the two triples pySHACL adds to every shapes graph it validates with.

    pySHACL writes them into the graph it is given; the release's shapes file has always been
    written after an in-process validation and so holds them. Validation now runs in workers
    too (or not at all, when cached), so they are added here, the same for every run, keeping
    the release as it was."""
    # pyshacl.shapes_graph.ShapesGraph.system_triples (pySHACL 0.2x), without importing pySHACL.
    shapes.add((OWL.Class, RDFS.subClassOf, RDFS.Class))
    shapes.add((OWL.DatatypeProperty, RDFS.subClassOf, RDF.Property))


def assemble(paths: ProjectPaths, lang: str = "en", jobs: int | None = None,
             use_cache: bool = True) -> Release:
    """Load every input and assemble the graph; raise InputError(s) on bad input."""
    timings: dict[str, float] = {}
    publication = load_publication(paths.config)
    with _timed(timings, "setup"):
        vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
        extra = _extra(paths)
        folders = paths.monograph_dirs()
        if not folders:
            raise InputError("no monograph found", paths.monographs,
                             fix="add a folder with a monograph.yaml (see data/monographs/README.md)")
        # All of them for the checks and the site; at most one per monograph for assembly.
        jobs = max(1, jobs or default_jobs())
        digest = files_digest([paths.ontology, paths.data / "units.tsv",
                               paths.mappings / "local-concepts.ttl", paths.data / "terms.ttl",
                               *sorted(paths.shapes.glob("*.ttl"))])
        _parts.set_context(_parts.Context(paths, vocabulary, lang, digest))
        extra_lines = ntriples_lines(extra)
    workers = min(jobs, len(folders))
    with _timed(timings, "monographs"), _executor(workers) as pool:
        results = list(pool.map(_parts.build_part, folders, [use_cache] * len(folders),
                                chunksize=max(1, len(folders) // (8 * workers))))
    errors = [e for _, errs in results for e in errs]
    if errors:
        raise _parts.input_errors(errors)
    parts = [part for part, _ in results if part is not None]
    for part in parts:
        for stage, seconds in part.timings.items():
            key = stage if len(parts) == 1 else f"{stage} (sum over monographs)"
            timings[key] = timings.get(key, 0.0) + seconds
    with _timed(timings, "merge"):
        lines = sorted(set(extra_lines).union(*(part.lines for part in parts)))
    monographs = [p.monograph for p in parts]
    with _timed(timings, "coverage"):
        coverage = _coverage(monographs)
    return Release(publication, monographs, None,  # type: ignore[arg-type]
                   vocabulary.ontology, None, timings=timings, lines=lines, parts=parts,  # type: ignore[arg-type]
                   extra_lines=extra_lines, jobs=jobs, use_cache=use_cache,
                   coverage=coverage, paths=paths)


def _start_checks(release: Release, lang: str) -> Callable[[], None]:
    """Start reasoning and validation of the whole release (beside the caller's own work);
    the returned function waits for them, judges and keeps the warnings."""
    assert release.paths is not None
    with _timed(release.timings, "prepare checks"):
        ontology_lines = ntriples_lines(release.ontology)
        checks = _checks.Checks(release.paths, release.ontology, ontology_lines,
                                digest_of(ontology_lines), lambda: release.shapes,
                                files_digest(sorted(release.paths.shapes.glob("*.ttl"))), lang,
                                release.use_cache)
    finish = _checks.start(checks, release.ntriples(), release.jobs, release.timings)

    def judged() -> None:
        release.warnings = finish()
    return judged


def check(release: Release, lang: str = "en") -> None:
    """Reason and validate; raise NonConformance on a contradiction or a violation."""
    _start_checks(release, lang)()


def write_graph_files(release: Release, out_dir: Path) -> list[Path]:
    """The data graph in every format, the released ontology and the shapes."""
    from .dataset import write_file

    pub = release.publication
    lines = release.published_lines()
    bindings = [(p, str(n)) for p, n in pub.rebase(new_graph()).namespaces()]
    files = write_release_lines(lines, bindings, out_dir, pub.dataset, release.timings)
    ontology = out_dir / f"{pub.dataset}.owl.ttl"
    write_file(ontology, to_turtle(released_ontology(release.ontology, pub)))
    _add_pyshacl_system_triples(release.shapes)
    shapes = out_dir / f"{pub.dataset}.shacl.ttl"
    write_file(shapes, to_turtle(pub.rebase(release.shapes)))
    return files + [ontology, shapes]


def rebase_lines(lines: list[str], publication: Publication) -> list[str]:
    """N-Triples lines with every IRI under the default base moved under the publication's."""
    from .namespaces import DEFAULT_BASE

    if publication.base == DEFAULT_BASE:
        return lines
    old, new = "<" + DEFAULT_BASE, "<" + publication.base

    def move(token: str) -> str:
        return new + token[len(old):] if token.startswith(old) else token

    moved = set()
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        moved.add(f"{move(subject)} {move(predicate)} {move(rest)}")
    return sorted(moved)


#: Every writer of release files, in order: (release, staging folder) -> files written. A
#: publishing surface adds its writer here; each writes only below its own file names.
RELEASE_WRITERS: tuple[Callable[[Release, Path], list[Path]], ...] = (
    write_graph_files,
    write_coverage,
    write_ontology_docs,
    write_bulk_files,
    # Describes (size, sha256) the top-level files the writers above wrote.
    write_metadata,
    write_site,
    write_product_pages,
    # Lists every file written: keep it last.
    write_manifest,
)


def export(release: Release, out_dir: Path,
           after_first: Callable[[], None] | None = None) -> list[Path]:
    """Write every output into ``out_dir`` (which must exist and be empty).

    ``after_first`` runs after the first writer (the graph files): the build uses it to wait
    for the checks there, so they overlap with writing the graph while every other writer
    still sees a checked release (with its warnings)."""
    files: list[Path] = []
    for n, writer in enumerate(RELEASE_WRITERS):
        with _timed(release.timings, f"export:{writer.__name__}"):
            files += writer(release, out_dir)
        if n == 0 and after_first is not None:
            with _timed(release.timings, "wait for checks"):
                after_first()
    return files


def publish(staging: Path, target: Path) -> None:
    """Swap a finished staging folder in for the target folder."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)


def build(paths: ProjectPaths, lang: str = "en", jobs: int | None = None,
          use_cache: bool = True) -> Release:
    """Run every stage and publish the result into ``build/``; nothing changes on failure.

    ``jobs`` worker processes (default: one per core); ``use_cache=False`` ignores and writes
    no cached results (a cold build)."""
    release = assemble(paths, lang, jobs, use_cache)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=paths.root))
    try:
        finish = _start_checks(release, lang)
        written = export(release, staging, after_first=finish)
        publish(staging, paths.build)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    release.files = [paths.build / p.name for p in written]
    return release
