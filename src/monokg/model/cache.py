"""A content-addressed cache of stage results, so unchanged inputs are never processed twice.

Every entry is keyed by the SHA-256 of everything its result depends on (the input bytes and
the source code of the package), so a stale entry can never be found: a change anywhere gives a
new key. Entries live in ``.monokg-cache/`` beside ``monokg.toml`` (git-ignored) and may be
deleted at any time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

FOLDER = ".monokg-cache"


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

    def get(self, kind: str, key: str) -> Any:
        """The stored result, or None."""
        if not self.enabled:
            return None
        try:
            with self._path(kind, key).open("rb") as handle:
                return pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store a result atomically (a reader never sees half a file)."""
        if not self.enabled:
            return
        folder = self.folder / kind
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(name, self._path(kind, key))
        except OSError as exc:
            # A full disk must not leave half a pickle behind, and the message names the file.
            os.unlink(name)
            raise OSError(exc.errno, exc.strerror, name) from exc
