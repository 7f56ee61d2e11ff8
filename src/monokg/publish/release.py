"""Every writer of a release, in order, and the swap of a finished release into place."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from monokg.assemble.release import Release
from monokg.model.timings import timed
from monokg.publish.bulk import write_bulk_files
from monokg.publish.coverage import write_coverage
from monokg.publish.docs import write_ontology_docs
from monokg.publish.graph_files import write_graph_files
from monokg.publish.metadata import write_manifest, write_metadata
from monokg.publish.product import write_product_pages
from monokg.publish.site import write_site
from monokg.rdf.files import ReleaseFolder

#: Every writer of release files, in order: (release, release folder) -> files written. Each
#: writes only below its own file names; the metadata describes the files written before it,
#: the site shows that metadata, and the manifest lists every file, so those three come last.
RELEASE_WRITERS: tuple[Callable[[Release, ReleaseFolder], list[Path]], ...] = (
    write_graph_files,
    write_coverage,
    write_ontology_docs,
    write_bulk_files,
    write_metadata,
    write_site,
    write_product_pages,
    write_manifest,
)


def write_release(release: Release, out_dir: Path,
                  progress: Callable[[list[Path]], None] | None = None) -> list[Path]:
    """Write every file of a checked release into ``out_dir`` (which must exist and be
    empty); nothing here checks. ``progress`` is told the files written so far after each
    writer (the pipeline starts reading finished files back beside the rest)."""
    out = ReleaseFolder(out_dir)
    files: list[Path] = []
    for writer in RELEASE_WRITERS:
        with timed(release.timings, f"export:{writer.__name__}"):
            files += writer(release, out)
        if progress is not None:
            progress(files)
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
