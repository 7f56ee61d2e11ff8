"""A release in memory: every input loaded and the data graph assembled, monograph by monograph."""

from __future__ import annotations

import functools
import gc
import itertools
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from monokg.assemble.parts import (
    Context,
    Part,
    build_part,
    build_part_in_worker,
    input_errors,
    start_worker,
)
from monokg.curate.claims import Monograph
from monokg.curate.coverage import EXCLUSIONS_FILE, Coverage, load_exclusions, summary, to_coverage
from monokg.curate.cues import cue_triples
from monokg.curate.dataset import load_description
from monokg.curate.draft import open_drafts
from monokg.curate.language import FALLBACK, LANGUAGES_DIR
from monokg.curate.mappings import load_local_concepts
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.cache import Cache, files_digest
from monokg.model.config import Publication, load_publication
from monokg.model.errors import InputError, InputErrors
from monokg.model.namespaces import OWL, RDF, RDFS
from monokg.model.paths import ProjectPaths
from monokg.model.release_files import ReleaseFiles
from monokg.model.timings import progress, timed
from monokg.rdf.graphs import graph_of, ntriples_lines, rebase_lines
from monokg.rdf.read import load_rdf, load_shapes


@dataclass
class Release:
    """A release in memory: its inputs, the assembled data graph and what each stage took.

    ``lines`` is the data graph as sorted N-Triples lines under the default base, the form
    every later stage reads; ``graph``, ``shapes`` and ``published_lines`` are made from the
    inputs on first use (an rdflib Graph of a million triples costs 1.4 GB, and a quick check
    uses compiled shapes from the cache, never the shapes graph)."""

    paths: ProjectPaths
    publication: Publication
    monographs: list[Monograph]
    ontology: Graph
    lines: list[str]
    parts: list[Part] = field(repr=False)
    extra_lines: list[str] = field(repr=False)
    coverage: list[Coverage]
    description: dict[str, dict[str, str]]
    jobs: int = 1
    use_cache: bool = True
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def claim_count(self) -> int:
        return sum(len(m.claims) for m in self.monographs)

    @property
    def sentences_covered(self) -> tuple[int, int]:
        """(body sentences covered by a claim, body sentences)."""
        return summary(self.coverage)

    @property
    def triple_count(self) -> int:
        return len(self.lines)

    @property
    def files(self) -> ReleaseFiles:
        """The names of the release's files; the ontology is documented in its own languages."""
        return ReleaseFiles(self.publication.dataset, term_languages(self.ontology))

    @cached_property
    def graph(self) -> Graph:
        """The data graph as an rdflib Graph (for callers that need one)."""
        return graph_of(self.lines)

    @cached_property
    def shapes(self) -> Graph:
        """The project's shapes graph, parsed when written or when pySHACL needs it."""
        return load_shapes(self.paths.shapes)

    def monograph_graph(self, monograph_id: str) -> Graph:
        """One monograph's triples with the project's term files: all a product page draws
        on (every node it shows is minted under that monograph or is a linked term), without
        an rdflib graph of the whole release."""
        lines = [line for part in self.parts if part.monograph.id == monograph_id
                 for line in part.lines]
        return graph_of(sorted(set(lines).union(self.extra_lines)))

    @cached_property
    def released_ontology(self) -> Graph:
        """The ontology as published: rebased, with its version IRI and version info."""
        return released_ontology(self.ontology, self.publication)

    @cached_property
    def released_shapes(self) -> Graph:
        """The shapes as published: rebased, with the triples pySHACL adds to them."""
        return released_shapes(self.shapes, self.publication)

    @cached_property
    def published_lines(self) -> list[str]:
        """``lines`` under the publication's base, made once for every writer."""
        return rebase_lines(self.lines, self.publication.base)


#: One monograph's task: (folder, use the cache?) -> (its part, or its input errors).
PartTask = Callable[[Path, bool], tuple[Part | None, list[tuple[Any, ...]]]]


class _InProcess(Executor):
    """Runs tasks at once in this process (one monograph, or --jobs 1)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def _part_builder(jobs: int, context: Context) -> tuple[Executor, PartTask]:
    """Where monographs are assembled (this process, or a pool of ``jobs`` workers) and the
    task each runs."""
    if jobs <= 1:
        return _InProcess(), functools.partial(build_part, context)
    # Fork: workers inherit the loaded vocabulary and imported libraries for free.
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=start_worker, initargs=(context,))
    return pool, build_part_in_worker


def default_jobs() -> int:
    """Worker processes: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def term_languages(ontology: Graph) -> tuple[str, ...]:
    """The languages the ontology labels its terms in, the shared (fallback) one first."""
    tags = {o.language for o in ontology.objects(None, RDFS.label)
            if isinstance(o, Literal) and o.language}
    return tuple(sorted(tags, key=lambda tag: (tag != FALLBACK, tag)))


def released_ontology(ontology: Graph, publication: Publication) -> Graph:
    """The ontology as published: rebased, with a version IRI and version info added."""
    released = publication.rebase(ontology)
    onto = publication.iri("ontology/")
    released.add((onto, OWL.versionIRI, URIRef(f"{onto}{publication.version}")))
    released.add((onto, OWL.versionInfo, Literal(publication.version)))
    if publication.previous:
        released.add((onto, OWL.priorVersion, URIRef(f"{onto}{publication.previous}")))
    return released


def _coverage(monographs: list[Monograph]) -> list[Coverage]:
    out, errors = [], []
    for mono in monographs:
        # Checked here, not in the cached part: a draft must stop every build and check.
        errors.extend(open_drafts(mono.file.parent))
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


def released_shapes(shapes: Graph, publication: Publication) -> Graph:
    """The shapes as published: rebased, with the two triples pySHACL adds to every shapes
    graph it validates with.

    The release's shapes file has always been written after an in-process pySHACL run and so
    held them; validation now runs elsewhere (or not at all, when cached), so they are added
    here, the same for every build, keeping the file as it was."""
    released = Graph(bind_namespaces="none")
    for prefix, namespace in shapes.namespaces():
        released.bind(prefix, namespace)
    released += shapes
    # pyshacl.shapes_graph.ShapesGraph.system_triples, without importing pySHACL.
    released.add((OWL.Class, RDFS.subClassOf, RDFS.Class))
    released.add((OWL.DatatypeProperty, RDFS.subClassOf, RDF.Property))
    return publication.rebase(released)


def assemble(paths: ProjectPaths, lang: str = "en", jobs: int | None = None,
             use_cache: bool = True) -> Release:
    """Load every input and assemble the graph; raise InputError(s) on bad input."""
    timings: dict[str, float] = {}
    publication = load_publication(paths.config)
    Cache(paths.root).remove_leftovers()
    with timed(timings, "setup"):
        vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
        for triple in cue_triples():
            vocabulary.ontology.add(triple)
        extra = _extra(paths)
        folders = paths.monograph_dirs()
        if not folders:
            raise InputError("no monograph found", paths.monographs,
                             fix="add a folder with a monograph.yaml (see data/monographs/README.md)")
        if not any(paths.shapes.glob("*.ttl")):
            # Without shapes every check would pass vacuously: say so instead.
            raise InputError("no SHACL shapes (*.ttl) found", paths.shapes,
                             fix="restore the shapes folder from the project's repository "
                             f"(git checkout -- {paths.shapes.name}/)")
        # All of them for the checks and the site; at most one per monograph for assembly.
        jobs = max(1, jobs or default_jobs())
        digest = files_digest([paths.ontology, paths.data / "units.tsv",
                               paths.mappings / "local-concepts.ttl", paths.data / "terms.ttl",
                               *sorted(paths.shapes.glob("*.ttl")),
                               *sorted(LANGUAGES_DIR.glob("*.yaml"))])
        context = Context(paths, vocabulary, lang, digest)
        extra_lines = ntriples_lines(extra)
    workers = min(jobs, len(folders))
    pool, task = _part_builder(workers, context)
    # Frozen while the pool forks and works: a worker's collections then skip what it
    # inherited (the vocabulary, the libraries) instead of writing to, and so copying, every
    # page that holds it.
    gc.freeze()
    try:
        with timed(timings, "monographs"), pool:
            results = []
            triples = 0
            for result in pool.map(task, folders, [use_cache] * len(folders),
                                   chunksize=max(1, len(folders) // (8 * workers))):
                results.append(result)
                triples += len(result[0].lines) if result[0] is not None else 0
                progress("monographs", len(results), len(folders), triples)
    finally:
        gc.unfreeze()
    errors = [e for _, errs in results for e in errs]
    if errors:
        raise input_errors(errors)
    parts = [part for part, _ in results if part is not None]
    for part in parts:
        for stage, seconds in part.timings.items():
            key = stage if len(parts) == 1 else f"{stage} (sum over monographs)"
            timings[key] = timings.get(key, 0.0) + seconds
    with timed(timings, "merge"):
        # Each part's lines are sorted: sorting them one after another merges the runs, and
        # the twins (the term files' lines are in every part) are neighbours. A set of every
        # line first, then a sort of its random order, took 4.6x as long (100k).
        lines = [line for line, _ in itertools.groupby(
            sorted(itertools.chain(extra_lines, *(part.lines for part in parts))))]
    monographs = [p.monograph for p in parts]
    with timed(timings, "coverage"):
        coverage = _coverage(monographs)
    description = load_description(paths.data / "dataset.yaml")
    return Release(paths, publication, monographs, vocabulary.ontology, lines, parts,
                   extra_lines, coverage, description, jobs=jobs, use_cache=use_cache,
                   timings=timings)


