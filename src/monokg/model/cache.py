"""A content-addressed cache of stage results, so unchanged inputs are never processed twice.

Every entry is keyed by the SHA-256 of everything its result depends on (the input bytes and
the source code of the package), so a stale entry can never be found: a change anywhere gives a
new key. Entries live in ``.monokg-cache/`` beside ``monokg.toml`` (git-ignored) and may be
deleted at any time.

Nothing read back is trusted: each entry carries the SHA-256 of its pickle, checked before it
is unpickled, and the caller names the type it expects. An entry that is unreadable, does not
match its digest or holds the wrong type is removed and rebuilt, with a warning on the
``monokg`` logger (a note, never a failure).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

FOLDER = ".monokg-cache"
#: The first line of every entry; an entry of another format is rebuilt, never unpickled.
MAGIC = b"monokg-cache 1\n"
_DIGEST_SIZE = 64  # hex characters of a SHA-256, then a newline, then the pickle

log = logging.getLogger("monokg")
T = TypeVar("T")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the package's own source: results depend on the code that made them."""
    package = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def digest_of(parts: Iterable[bytes | str]) -> str:
    """SHA-256 over a sequence of byte or text chunks (each length-prefixed, so unambiguous)."""
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def files_digest(files: Iterable[Path]) -> str:
    """SHA-256 over file names and contents (a missing file counts as empty)."""
    chunks: list[bytes | str] = []
    for path in files:
        chunks.append(str(path.name))
        chunks.append(path.read_bytes() if path.is_file() else b"")
    return digest_of(chunks)


class Cache:
    """Pickled results by key under one folder; ``enabled=False`` reads and writes nothing."""

    def __init__(self, root: Path, enabled: bool = True):
        self.folder = root / FOLDER
        self.enabled = enabled

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / f"{key}.pickle"

    def get(self, kind: str, key: str, expected: type[T], items: type | None = None
            ) -> T | None:
        """The stored result if it is whole and an ``expected`` (a list or tuple of ``items``
        when given); else None, to be rebuilt."""
        if not self.enabled:
            return None
        path = self._path(kind, key)
        try:
            value, why = _decode(path.read_bytes(), expected, items)
        except FileNotFoundError:
            return None
        except OSError as exc:
            value, why = None, f"is unreadable ({exc.strerror or exc})"
        if why is not None:
            self._discard(path, why)
        return value

    def _discard(self, path: Path, why: str) -> None:
        """Remove a bad entry and say so; the caller rebuilds it."""
        log.warning("cache entry %s %s: rebuilt", path.relative_to(self.folder.parent), why)
        with contextlib.suppress(OSError):  # a folder that refuses this refuses the rebuild too
            path.unlink(missing_ok=True)

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store a result with its digest, atomically (a reader never sees half a file)."""
        if not self.enabled:
            return
        folder = self.folder / kind
        folder.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        # The writer's process id names the file, so a later run can tell it was left behind.
        handle, name = tempfile.mkstemp(dir=folder, prefix=f"{os.getpid()}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n")
                out.write(payload)
            os.replace(name, self._path(kind, key))
        except OSError as exc:
            # A full disk must not leave half a pickle behind, and the message names the file.
            os.unlink(name)
            raise OSError(exc.errno, exc.strerror, name) from exc

    def remove_leftovers(self) -> list[Path]:
        """Remove the unfinished entries of writers that died (killed builds); the removed."""
        removed = []
        for path in sorted(self.folder.glob("*/*.tmp")):
            writer = path.name.split("-", 1)[0]
            if writer.isdigit() and _running(int(writer)):
                continue
            path.unlink(missing_ok=True)
            removed.append(path)
        if removed:
            log.warning("removed %d unfinished cache file(s) left by a killed run in %s",
                        len(removed), FOLDER)
        return removed


def _decode(data: bytes, expected: type[T], items: type | None
            ) -> tuple[T | None, str | None]:
    """The value of an entry's bytes, or None and why it cannot be trusted."""
    head, payload = data[:len(MAGIC) + _DIGEST_SIZE + 1], data[len(MAGIC) + _DIGEST_SIZE + 1:]
    if not head.startswith(MAGIC) or not head.endswith(b"\n"):
        return None, "is not a monokg cache entry of this version"
    if head[len(MAGIC):-1] != hashlib.sha256(payload).hexdigest().encode():
        return None, "does not match its digest"
    try:
        value = pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001 - any failure to unpickle means: rebuild
        return None, f"is unreadable ({type(exc).__name__}: {exc})"
    if not isinstance(value, expected):
        return None, f"holds a {type(value).__name__}, not a {expected.__name__}"
    if items is not None and not (isinstance(value, list | tuple)
                                  and all(isinstance(item, items) for item in value)):
        return None, f"holds something other than {items.__name__}s"
    return value, None


def _running(pid: int) -> bool:
    """Whether a process with this id exists (it may be writing its entry now)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
