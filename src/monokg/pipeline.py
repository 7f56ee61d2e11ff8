"""The whole pipeline, stage by stage: sources -> claims -> graph -> reason -> validate -> export.

A build writes into a fresh temporary folder and only swaps it in for ``build/`` once every
stage has passed, so a failed build never leaves half-written or missing outputs behind.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL

from .claims import Monograph, load_monograph
from .config import Publication, load_publication
from .coverage import EXCLUSIONS_FILE, Coverage, load_exclusions, summary, to_coverage, \
    write_coverage
from .dataset import write_bulk_files, write_manifest, write_metadata
from .docs import write_ontology_docs
from .errors import Finding, InputError, InputErrors, NonConformance
from .export import to_turtle, write_release
from .graph import check_links, to_graph
from .mappings import MappingSet, load_local_concepts, load_mapping_set
from .paths import ProjectPaths
from .product_validate import write_product_pages
from .reason import check_consistency
from .site import write_site
from .validate import check_shapes, load_rdf, load_shapes
from .vocabulary import Vocabulary, load_vocabulary


@dataclass
class Release:
    """A release in memory: inputs, the assembled graph and what each stage took."""

    publication: Publication
    monographs: list[Monograph]
    graph: Graph
    ontology: Graph
    shapes: Graph
    warnings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    paths: ProjectPaths | None = None

    @property
    def claim_count(self) -> int:
        return sum(len(m.claims) for m in self.monographs)

    @property
    def sentences_covered(self) -> tuple[int, int]:
        """(body sentences covered by a claim, body sentences)."""
        return summary(self.coverage)


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def _load_monographs(paths: ProjectPaths, vocabulary: Vocabulary) -> list[Monograph]:
    monographs, errors = [], []
    for folder in paths.monograph_dirs():
        try:
            monographs.append(load_monograph(folder, vocabulary, paths.sources, paths.mappings))
        except InputError as exc:
            errors.append(exc)
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)
    if not monographs:
        raise InputError("no monograph found", paths.monographs,
                         fix="add a folder with a monograph.yaml (see data/monographs/README.md)")
    return monographs


def _load_mappings(monographs: list[Monograph],
                   vocabulary: Vocabulary) -> dict[str, MappingSet]:
    sets, errors = {}, []
    for mono in monographs:
        try:
            mapping_set = None
            if mono.mapping_file.is_file():
                mapping_set = load_mapping_set(mono.mapping_file, vocabulary, mono.id)
                sets[mono.id] = mapping_set
            check_links(mono, mapping_set, vocabulary)
        except InputError as exc:
            errors.append(exc)
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)
    return sets


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


def released_ontology(ontology: Graph, publication: Publication) -> Graph:
    """The ontology as published: rebased, with a version IRI and version info added."""
    released = publication.rebase(ontology)
    onto = publication.iri("ontology/")
    released.add((onto, OWL.versionIRI, URIRef(f"{onto}{publication.version}")))
    released.add((onto, OWL.versionInfo, Literal(publication.version)))
    return released


def assemble(paths: ProjectPaths) -> Release:
    """Load every input and assemble the graph; raise InputError(s) on bad input."""
    timings: dict[str, float] = {}
    publication = load_publication(paths.config)
    with _timed(timings, "sources+claims"):
        vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
        monographs = _load_monographs(paths, vocabulary)
    with _timed(timings, "coverage"):
        coverage = _coverage(monographs)
    with _timed(timings, "mappings"):
        mapping_sets = _load_mappings(monographs, vocabulary)
        extra = [load_local_concepts(paths.mappings / "local-concepts.ttl")]
        if (paths.data / "terms.ttl").is_file():
            extra.append(load_rdf(paths.data / "terms.ttl"))
    with _timed(timings, "graph"):
        graph = to_graph(monographs, mapping_sets, extra)
        shapes = load_shapes(paths.shapes)
    return Release(publication, monographs, graph, vocabulary.ontology, shapes, timings=timings,
                   coverage=coverage, paths=paths)


def check(release: Release, lang: str = "en") -> None:
    """Reason and validate; raise NonConformance on a contradiction or a violation."""
    with _timed(release.timings, "reason"):
        check_consistency(release.ontology, release.graph)
    with _timed(release.timings, "validate"):
        findings, _ = check_shapes(release.graph, release.shapes, release.ontology, lang)
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        raise NonConformance("validation (SHACL)", violations)
    release.warnings = findings


def write_graph_files(release: Release, out_dir: Path) -> list[Path]:
    """The data graph in every format, the released ontology and the shapes."""
    pub = release.publication
    files = write_release(pub.rebase(release.graph), out_dir, pub.dataset)
    ontology = out_dir / f"{pub.dataset}.owl.ttl"
    ontology.write_bytes(to_turtle(released_ontology(release.ontology, pub)))
    shapes = out_dir / f"{pub.dataset}.shacl.ttl"
    shapes.write_bytes(to_turtle(pub.rebase(release.shapes)))
    return files + [ontology, shapes]


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


def export(release: Release, out_dir: Path) -> list[Path]:
    """Write every output into ``out_dir`` (which must exist and be empty)."""
    files: list[Path] = []
    for writer in RELEASE_WRITERS:
        with _timed(release.timings, f"export:{writer.__name__}"):
            files += writer(release, out_dir)
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


def build(paths: ProjectPaths, lang: str = "en") -> Release:
    """Run every stage and publish the result into ``build/``; nothing changes on failure."""
    release = assemble(paths)
    check(release, lang)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=paths.root))
    try:
        written = export(release, staging)
        publish(staging, paths.build)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    release.files = [paths.build / p.name for p in written]
    return release
