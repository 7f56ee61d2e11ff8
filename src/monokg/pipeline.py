"""The whole pipeline, stage by stage: assemble -> check -> write -> publish.

A build holds the project's build lock, checks everything (reasoning, SHACL, the dataset
metadata, the product pages) before the first byte of the release is written, writes into a
fresh staging folder and only then swaps it in for ``build/`` in one atomic step, so a failed
or killed build never leaves half-written or missing outputs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from monokg.assemble.metadata import GRAPH_PARTS, graph_iri
from monokg.assemble.product import PublishedRelease, to_published
from monokg.assemble.release import Release, assemble
from monokg.check.history import Checklist, check_history
from monokg.check.history import release_checklist as checklist_of
from monokg.check.product import page_notes, publication_checks
from monokg.check.release import check_release
from monokg.check.written import ReadBack
from monokg.model.config import load_publication
from monokg.model.errors import Finding, InputError, NonConformance
from monokg.model.paths import ProjectPaths
from monokg.model.timings import timed
from monokg.publish.current import SITE, Current, inputs_digest, record_release
from monokg.publish.release import build_lock, publish, write_release
from monokg.publish.site import export_site


@dataclass
class Outcome:
    """What a run of the pipeline gives: the release, its warnings and the files written."""

    release: Release
    warnings: list[Finding]
    files: list[Path]


def build(paths: ProjectPaths, lang: str = "en", jobs: int | None = None,
          use_cache: bool = True, wait: float = 30.0) -> Outcome:
    """Run every stage and publish the result into ``build/``; nothing changes on failure.

    ``jobs`` worker processes (default: one per core); ``use_cache=False`` ignores and writes
    no cached results (a cold build); ``wait`` seconds for another build of the project to
    end. A folder or disk that refuses a write is an ``InputError`` (the old release stays).
    A published release is recorded as current for its inputs (``publish.current``), so the
    next build with nothing changed does nothing."""
    with _refused_writes(paths), build_lock(paths, wait):
        # Before the inputs are read: an input edited during the build makes the next one run.
        digest = inputs_digest(paths, lang)
        release = to_published(assemble(paths, lang, jobs, use_cache))
        check_history(release)  # cheap, and a refusal needs no reasoning first
        warnings = check_release(release, lang, publication_checks(release)) + page_notes(release)
        staging = Path(tempfile.mkdtemp(prefix=paths.STAGING_PREFIX, dir=paths.root))
        try:
            written = _write_verified(release, staging, jobs)
            publish(staging, paths.build)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # Strings, not relative_to: a site of 600,000 files made that seconds at 1m.
        cut, published = len(os.fspath(staging)), os.fspath(paths.build)
        files = [Path(published + os.fspath(p)[cut:]) for p in written]
        record_release(paths, digest, Current(
            release.claim_count, release.triple_count, len(files), *release.sentences_covered,
            [str(w) for w in warnings]))
    return Outcome(release, warnings, files)


def _write_verified(release: PublishedRelease, staging: Path, jobs: int | None) -> list[Path]:
    """Write the release into ``staging`` and read its graph files back; a difference from the
    N-Triples is a ``NonConformance``.

    A writer that spelled a term its own way thus fails the build and leaves build/ as it was.
    It is a check of written files, so the pipeline runs it, between the writers (which never
    check) and publishing; in a worker from the moment the data graph's files are final,
    beside the remaining writers."""
    names = release.files
    graphs = {part: str(graph_iri(release.publication, part)) for part in GRAPH_PARTS}
    # Read back from the moment the data graph's files are written, beside every writer
    # after them (at 1m all five files were read at the end, for the better part of a minute).
    read_back = ReadBack(staging, names, graphs, fork=(jobs or os.cpu_count() or 1) > 1)
    data_files = {staging / names.graph[s] for s in (".nt", ".ttl", ".jsonld")}
    bulk_files = {staging / n for n in (*names.bulk, names.ontology, names.metadata)}

    def progress(files: list[Path]) -> None:
        done = set(files)
        if data_files <= done:
            read_back.data_written()
        if bulk_files <= done:
            read_back.bulk_written()

    written = write_release(release, staging, progress)
    with timed(release.timings, "verify:graph files (wait)"):
        differences = read_back.findings()
    if differences:
        raise NonConformance("the written graph files", differences)
    return written


def rewrite_site(paths: ProjectPaths, out: Path | None = None, jobs: int | None = None,
                 wait: float = 30.0) -> tuple[Path, int]:
    """`monokg site`: write the static site of the published release into ``out`` (default
    ``build/site/``) anew and swap it in whole; under the build lock, so never beside a build
    (which replaces build/ whole, and with it the site of the release before).

    ``jobs`` writer processes (default: one per core). Returns the folder and the number of
    files written."""
    target = (out or paths.build / SITE).absolute()
    # The folder is replaced whole: never one that holds anything but a site (a release,
    # a home folder given by mistake).
    if target.is_dir() and any(target.iterdir()) and not (target / SITE_MARK).is_file():
        raise InputError(f"not a static site, so not replaced: it has no {SITE_MARK}", target,
                         fix="give --out a new or empty folder, or one `monokg site` wrote")
    with _refused_writes(paths), build_lock(paths, wait):
        # Beside the target, so the swap is a rename on one file system; named as a build's
        # staging folder when it is in the project, so a killed run's is removed the same way.
        parent = paths.root if target.parent == paths.build.absolute() else target.parent
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=paths.STAGING_PREFIX, dir=parent))
        try:
            count = export_site(paths.build, load_publication(paths.config), paths.queries,
                                staging / "site", jobs)
            publish(staging / "site", target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target, count


#: A file every static site holds (its nginx configuration): what `monokg site` replaces.
SITE_MARK = "nginx.conf"


@contextlib.contextmanager
def _refused_writes(paths: ProjectPaths) -> Iterator[None]:
    """Turn a write the file system refuses into an ``InputError`` naming the file."""
    if not paths.root.is_dir():
        raise InputError("project folder not found", paths.root,
                         fix="give --root the folder that holds monokg.toml")
    try:
        yield
    except OSError as exc:
        raise InputError(f"the file system refused: {exc.strerror or exc}", exc.filename,
                         fix=f"{WRITE_FIXES.get(exc.errno or 0, 'see the message')}; the "
                         "published build/ was left as it was") from exc


#: errno of a failed write -> what the user can do about it.
WRITE_FIXES = {
    errno.ENOSPC: "free space on the disk that holds the project",
    errno.EDQUOT: "free space within your disk quota",
    errno.EFBIG: "allow larger files (ulimit -f)",
    errno.EROFS: "build in a project on a writable file system",
    errno.EACCES: "make the project folder writable for you",
    errno.EPERM: "make the project folder writable for you",
}


def release_checklist(paths: ProjectPaths, jobs: int | None = None) -> Checklist:
    """`monokg release --check`: assemble the data (writing nothing) and compare it with the
    previous release."""
    return checklist_of(assemble(paths, "en", jobs))
