"""The whole pipeline, stage by stage: assemble -> check -> write -> publish.

A build checks everything (reasoning, SHACL, the dataset metadata, the product pages) before
the first byte of the release is written, writes into a fresh staging folder and only then
swaps it in for ``build/``, so a failed build never leaves half-written or missing outputs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from monokg.assemble.release import Release, assemble
from monokg.check.release import check_release
from monokg.check.written import start_graph_file_check
from monokg.model.errors import Finding, NonConformance
from monokg.model.paths import ProjectPaths
from monokg.model.release_files import ReleaseFiles
from monokg.model.timings import timed
from monokg.publish.release import publish, write_release


@dataclass
class Outcome:
    """What a run of the pipeline gives: the release, its warnings and the files written."""

    release: Release
    warnings: list[Finding]
    files: list[Path]


def build(paths: ProjectPaths, lang: str = "en", jobs: int | None = None,
          use_cache: bool = True) -> Outcome:
    """Run every stage and publish the result into ``build/``; nothing changes on failure.

    ``jobs`` worker processes (default: one per core); ``use_cache=False`` ignores and writes
    no cached results (a cold build)."""
    release = assemble(paths, lang, jobs, use_cache)
    warnings = check_release(release, lang)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=paths.root))
    # The graph files are read back before the swap: a writer that spelled a term its own way
    # fails the build and leaves build/ as it was. A check of written files, so the pipeline
    # runs it, between the writers (which never check) and publishing; in a forked worker
    # from the moment those files are final, beside the remaining writers (the site).
    names = ReleaseFiles(release.publication.dataset)
    graph_files = {staging / n for n in (*names.graph.values(), names.ontology, *names.bulk)}
    started: list[Callable[[], list[Finding]]] = []

    def progress(files: list[Path]) -> None:
        if not started and graph_files <= set(files):
            started.append(start_graph_file_check(staging, names,
                                                  fork=(jobs or os.cpu_count() or 1) > 1))

    try:
        written = write_release(release, staging, progress)
        with timed(release.timings, "verify:graph files (wait)"):
            differences = (started[0] if started else
                           start_graph_file_check(staging, names, fork=False))()
        if differences:
            raise NonConformance("the written graph files", differences)
        publish(staging, paths.build)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Outcome(release, warnings, [paths.build / p.relative_to(staging) for p in written])


def check(paths: ProjectPaths, lang: str = "en", jobs: int | None = None,
          use_cache: bool = True) -> Outcome:
    """The curator's quick loop: assemble, reason and validate the data; write nothing (the
    dataset metadata and product pages are checked by ``build``)."""
    release = assemble(paths, lang, jobs, use_cache)
    return Outcome(release, check_release(release, lang, publishing=False), [])
