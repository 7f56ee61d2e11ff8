"""Whether ``build/`` already holds the release of the current inputs, so that a rebuild with
nothing changed does nothing.

A successful build records a stamp in ``.monokg-cache/`` (git-ignored): the digest of what
the release depends on (every input file's path and bytes, the settings of the run and the
code: the package's files and the versions of the libraries that write or check), the
fingerprint of the published ``build/`` (every file's path, size, mtime and inode) and what
the build said (counts and warnings). The next build computes the digest again (about 10 ms
for a project of 100 files) and stats ``build/``; when both are the stamp's, the release is
current and nothing is assembled, checked or written. Any change, to an input, to the code,
or to a file of the release in ``build/`` (edited, removed, added), makes the next build a
full one; the static site in ``build/site/`` is no part of the release and is not looked at.
The stamp is a note, never trusted beyond that comparison: an unreadable one means "not
current".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from monokg.model.cache import FOLDER
from monokg.model.paths import ProjectPaths

#: The stamp's folder in the cache folder, and its file.
KIND, STAMP = "release", "current.json"


@dataclass(frozen=True)
class Current:
    """What the build that made the current release said."""

    claims: int
    triples: int
    files: int
    covered: int
    sentences: int
    warnings: list[str]


@lru_cache(maxsize=1)
def _code() -> bytes:
    """The package's files (code, templates, language data), Python's version and every
    installed library's (the names of the ``*.dist-info`` folders on the import path: a
    listing, where importlib.metadata costs 60 ms to import)."""
    package = Path(__file__).parent.parent
    digest = hashlib.sha256(sys.version.encode())
    for folder in sys.path:
        with contextlib.suppress(OSError):
            for name in sorted(os.listdir(folder or ".")):
                if name.endswith(".dist-info"):
                    digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
    for path in sorted(p for p in package.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


def inputs_digest(paths: ProjectPaths, lang: str) -> str:
    """SHA-256 of everything a release depends on: the input files, the settings, the code."""
    digest = hashlib.sha256(_code())
    digest.update(f"lang={lang}\0".encode())
    for part in ProjectPaths.INPUTS:
        top = paths.root / part
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            data = path.read_bytes()
            name = path.relative_to(paths.root).as_posix().encode()
            digest.update(len(name).to_bytes(8, "little") + name)
            digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


#: Below ``build/`` but no part of the release: the static site `monokg site` writes from it.
SITE = "site"


def build_fingerprint(build: Path) -> str:
    """SHA-256 of every file of the release in ``build/``: relative path, size, mtime and
    inode (a stat each, no read). The static site (``build/site/``) is left out: it is
    written from the release, after it, and a rewrite of it changes nothing the build
    makes."""
    digest = hashlib.sha256()
    site = os.path.join(build, SITE)
    stack = [build]
    entries: list[str] = []
    while stack:
        folder = stack.pop()
        try:
            scan = list(os.scandir(folder))
        except OSError:
            return ""
        for entry in scan:
            if entry.is_dir(follow_symlinks=False):
                if entry.path != site:
                    stack.append(Path(entry.path))
            else:
                status = entry.stat(follow_symlinks=False)
                entries.append(f"{entry.path}\0{status.st_size}\0{status.st_mtime_ns}\0"
                               f"{status.st_ino}\n")
    for line in sorted(entries):
        digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def current_release(paths: ProjectPaths, lang: str) -> Current | None:
    """What the last build said, if ``build/`` still holds its release of the current inputs,
    settings and code; else None.

    Needs no build lock: a build publishing meanwhile changes the fingerprint of ``build/``,
    so the answer is None and the caller builds (under the lock)."""
    digest = inputs_digest(paths, lang)
    try:
        stamp = json.loads((paths.root / FOLDER / KIND / STAMP).read_text(encoding="utf-8"))
        if stamp["inputs"] != digest or stamp["build"] != build_fingerprint(paths.build):
            return None
        return Current(**stamp["said"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_release(paths: ProjectPaths, digest: str, said: Current) -> None:
    """Note that ``build/`` now holds the release of inputs with this ``digest``."""
    folder = paths.root / FOLDER / KIND
    folder.mkdir(parents=True, exist_ok=True)
    stamp = {"inputs": digest, "build": build_fingerprint(paths.build), "said": asdict(said)}
    # Named as the cache's unfinished entries are, so a killed run's is removed the same way.
    temporary = folder / f"{os.getpid()}-{STAMP}.tmp"
    temporary.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, folder / STAMP)

