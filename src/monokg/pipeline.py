"""The whole pipeline, stage by stage: assemble -> check -> write -> publish.

A build checks everything (reasoning, SHACL, the dataset metadata, the product pages) before
the first byte of the release is written, writes into a fresh staging folder and only then
swaps it in for ``build/``, so a failed build never leaves half-written or missing outputs.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from monokg.assemble.release import Release, assemble
from monokg.check.release import check_release
from monokg.check.written import graph_file_differences
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
    try:
        written = write_release(release, staging)
        # Read back before the swap: a writer that spelled a term its own way fails the build
        # and leaves build/ as it was. A check of written files, so it runs here, between
        # the writers (which never check) and publishing.
        with timed(release.timings, "verify:graph files"):
            differences = graph_file_differences(
                staging, ReleaseFiles(release.publication.dataset))
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
