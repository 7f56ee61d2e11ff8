"""Writing release files, each hashed once from the bytes in hand, and their media types."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

#: File suffix -> IANA media type of a release file.
MEDIA_TYPES: dict[str, str] = {
    ".context.jsonld": "application/ld+json",
    ".owl.ttl": "text/turtle",
    ".shacl.ttl": "text/turtle",
    ".void.ttl": "text/turtle",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".html": "text/html",
    ".tsv": "text/tab-separated-values",
}


def media_type(name: str) -> str:
    """The media type of a release file, by its role suffix."""
    for suffix, kind in MEDIA_TYPES.items():
        if name.endswith(suffix):
            return kind
    return "application/octet-stream"


@dataclass
class Written:
    """What a file held when it was written: size, mtime, inode and its sha256."""

    size: int
    mtime_ns: int
    inode: int
    sha256: str


class ReleaseFolder:
    """A folder release files are written into, each hashed once from the bytes in hand.

    The metadata and the manifest describe files this build has just written; remembering
    each file's sha256 as it is written saves reading every file back (twice). A file changed
    since it was written (other size, mtime or inode) is hashed again from disk."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._written: dict[str, Written] = {}
        self._folders: set[str] = set()

    def write(self, path: Path | str, data: bytes) -> Path:
        """Write one file (its folder made if needed) and remember its sha256."""
        name = os.fspath(path)
        fd = open_new(name, self._folders)
        try:
            write_all(fd, data, name)
            status = os.fstat(fd)
        finally:
            os.close(fd)
        self._written[name] = Written(status.st_size, status.st_mtime_ns, status.st_ino,
                                      hashlib.sha256(data).hexdigest())
        return Path(name)

    def sha256(self, path: Path, status: os.stat_result | None = None) -> str:
        """The sha256 of a file, hex (remembered from ``write`` while the file is unchanged)."""
        status = status or os.stat(path)
        known = self._written.get(os.fspath(path))
        if known is not None and (known.size, known.mtime_ns, known.inode) == (
                status.st_size, status.st_mtime_ns, status.st_ino):
            return known.sha256
        return sha256_of_file(path)


def open_new(name: str, folders: set[str]) -> int:
    """A descriptor of ``name`` opened for writing from scratch, its folder made the first
    time ``folders`` (the folders made so far) lacks it. os-level calls: the site writes
    hundreds of thousands of small files, where buffered files and path objects cost."""
    folder = os.path.dirname(name)
    if folder not in folders:
        os.makedirs(folder, exist_ok=True)
        folders.add(folder)
    return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)


def write_all(fd: int, data: bytes, name: str) -> None:
    """Write all of ``data`` to ``fd``; an error names the file (os.write names none, and the
    message for a full disk should)."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, name) from exc


def sha256_of_file(path: Path) -> str:
    """The sha256 of a file's bytes, hex, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
