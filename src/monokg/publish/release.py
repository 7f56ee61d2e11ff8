"""Every writer of a release, in order, the build lock, and the atomic swap of a finished
release into place."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from monokg.assemble.product import PublishedRelease
from monokg.model.errors import InputError
from monokg.model.paths import ProjectPaths
from monokg.model.timings import timed
from monokg.publish.bulk import write_bulk_files
from monokg.publish.coverage import write_coverage
from monokg.publish.docs import write_ontology_docs
from monokg.publish.graph_files import write_graph_files
from monokg.publish.history import write_history
from monokg.publish.metadata import write_manifest, write_metadata
from monokg.publish.nanopubs import write_nanopubs
from monokg.publish.product import write_product_pages
from monokg.publish.review import write_review
from monokg.publish.sssom import write_sssom
from monokg.rdf.files import ReleaseFolder

#: Every writer of release files, in order: (release, release folder) -> files written. Each
#: writes only below its own file names; the metadata describes the files written before it,
#: the bulk files hold the metadata and the manifest lists every file, so those come last.
#: The static site is no part of the release: `monokg site` writes it from the published one.
RELEASE_WRITERS: tuple[Callable[[PublishedRelease, ReleaseFolder], list[Path]], ...] = (
    write_graph_files,
    write_coverage,
    write_review,
    write_ontology_docs,
    write_nanopubs,
    write_sssom,
    write_history,
    write_metadata,
    write_bulk_files,
    write_product_pages,
    write_manifest,
)


def write_release(release: PublishedRelease, out_dir: Path,
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
    """Swap a finished staging folder in for the target folder in one atomic step.

    On Linux, renameat2(RENAME_EXCHANGE) exchanges the two folders at once: a kill at any
    moment leaves either the old or the new release in ``target`` (a real folder, as git keeps
    it), and the old one in ``staging``, which is then removed (or, after a kill, by the next
    build). Where that call is unavailable (another OS, an old kernel, a file system without
    it) the fallback is two renames, target -> ``<target>.old`` and staging -> target, with a
    moment between them in which ``target`` is missing; the next build puts ``.old`` back."""
    if not target.exists():
        staging.rename(target)
    elif _exchange(staging, target):
        # The new release is published: what cannot be removed now, the next build removes.
        shutil.rmtree(staging, ignore_errors=True)
    else:
        old = target.with_name(target.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)


#: renameat2's "both paths are relative to the working folder" and "exchange them" (linux/fs.h).
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two paths atomically with renameat2; False where the system cannot."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    # ENOSYS: the kernel lacks the call; EINVAL: the file system lacks the flag.
    if error in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(error, os.strerror(error), os.fspath(first), None, os.fspath(second))


@contextlib.contextmanager
def build_lock(paths: ProjectPaths, wait: float) -> Iterator[None]:
    """Hold the project's build lock (waiting up to ``wait`` seconds for another build), and
    as its holder remove what dead builds left: their staging folders, and a ``build.old``
    (put back as ``build/`` when a fallback swap was cut off between its renames)."""
    # Read-only and close-on-exec: flock needs no write access, and HermiT's JVM must not
    # hold the lock after this process ends.
    fd = os.open(paths.build_lock, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise InputError(
                        f"another build of this project is running (it holds "
                        f"{paths.build_lock.name})", paths.build_lock,
                        fix="wait for it to finish, then build again") from None
                time.sleep(0.2)
        for leftover in paths.leftovers():
            if leftover.name == "build.old" and not paths.build.exists():
                leftover.rename(paths.build)
            else:
                shutil.rmtree(leftover)
        yield
    finally:
        os.close(fd)
