"""Nothing read back is trusted: a cache entry that is unreadable, edited, of another format or
of the wrong type is rebuilt with a warning, and what killed runs left in the cache goes."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monokg.assemble.parts import Part
from monokg.model.cache import FOLDER, MAGIC, Cache
from monokg.publish.current import KIND, STAMP

from .conftest import release_files


def _entry(payload: bytes) -> bytes:
    """The bytes of a cache entry holding this pickle, with its correct digest."""
    return MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def _flip_case(data: bytes, at: int) -> bytes:
    """The same bytes with the letter at ``at`` in the other case (same length)."""
    return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:]


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path)


def test_an_entry_reads_back_as_written(cache: Cache) -> None:
    cache.put("kind", "key", ["some", "values"])
    assert cache.get("kind", "key", list, items=str) == ["some", "values"]
    assert cache.get("kind", "missing", list) is None


@pytest.mark.parametrize(("spoil", "why"), [
    (lambda data: _flip_case(data, data.index(b"values")), "does not match its digest"),
    (lambda data: data[:-5], "does not match its digest"),
    (lambda data: pickle.dumps(["old", "format"]), "not a monokg cache entry"),
    (lambda data: _entry(b"\x80\x09garbage"), "unsupported pickle protocol"),
    (lambda data: _entry(pickle.dumps({"a": "dict"})), "holds a dict, not a list"),
    (lambda data: _entry(pickle.dumps(["text", 3])), "something other than strs"),
    (lambda data: b"", "not a monokg cache entry"),
])
def test_a_spoiled_entry_is_removed_and_rebuilt_with_a_warning(
        cache: Cache, caplog: pytest.LogCaptureFixture, spoil, why: str) -> None:
    cache.put("kind", "key", ["some", "values"])
    path = cache.folder / "kind" / "key.pickle"
    path.write_bytes(spoil(path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="monokg"):
        assert cache.get("kind", "key", list, items=str) is None
    assert why in caplog.text and "rebuilt" in caplog.text and "key.pickle" in caplog.text
    assert not path.exists()


def test_unfinished_entries_of_dead_writers_are_removed(
        cache: Cache, caplog: pytest.LogCaptureFixture) -> None:
    folder = cache.folder / "part"
    folder.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = [folder / f"{dead}-abc.tmp", folder / "tmpxyz.tmp"]
    mine = folder / f"{os.getpid()}-def.tmp"
    for path in [*left, mine]:
        path.write_bytes(b"half a pickle")
    with caplog.at_level(logging.WARNING, logger="monokg"):
        assert cache.remove_leftovers() == sorted(left)
    assert "removed 2 unfinished cache file(s)" in caplog.text
    assert mine.exists() and not any(path.exists() for path in left)


@pytest.fixture(scope="module")
def warm(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built project whose cache holds this root's parts (the key includes the root)."""
    root = Path(shutil.copytree(built, tmp_path_factory.mktemp("warm") / "project",
                                ignore=shutil.ignore_patterns(".monokg-cache")))
    assert _build(root).returncode == 0
    return root


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    """`monokg build` with the cache, as a full build: the note that build/ is current is
    removed first (these tests are about the cache's entries, which a no-op never reads)."""
    (root / FOLDER / KIND / STAMP).unlink(missing_ok=True)
    return subprocess.run([sys.executable, "-m", "monokg", "build", "--root", str(root)],
                          check=False, capture_output=True, text=True, timeout=300)


def _only(folder: Path) -> Path:
    [path] = folder.glob("*.pickle")
    return path


def _first_quote(build: Path) -> str:
    """The first quote (oa:exact) of the release, as written in the N-Triples file."""
    line = next(line for line in (build / "monokg.nt").read_text(encoding="utf-8").splitlines()
                if "<http://www.w3.org/ns/oa#exact>" in line)
    return line.split(" ", 2)[2][1:].split('"')[0].split("\\")[0]


def test_edited_or_wrong_cache_entries_are_rebuilt_and_the_release_is_unchanged(
        warm: Path) -> None:
    before = release_files(warm / "build")
    cache = warm / ".monokg-cache"
    part = _only(cache / "part")
    data = part.read_bytes()
    # A same-length edit inside a cached quote: the case of one letter.
    quote = _first_quote(warm / "build").encode("utf-8")
    at = data.index(quote) + next(i for i, c in enumerate(quote) if chr(c).isalpha())
    part.write_bytes(_flip_case(data, at))
    _only(cache / "shapes").write_bytes(_entry(b"\x80\x09unknown protocol"))
    _only(cache / "ontology").write_bytes(_entry(pickle.dumps("not a list of findings")))
    leftover = cache / "part" / "tmp-killed.tmp"
    leftover.write_bytes(b"half")

    result = _build(warm)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any(part.name in w and "does not match its digest" in w for w in warnings)
    assert any("shapes" in w and "unsupported pickle protocol" in w for w in warnings)
    assert any("ontology" in w and "holds a str, not a list" in w for w in warnings)
    assert any("removed 1 unfinished cache file" in w for w in warnings)
    assert not leftover.exists()
    assert release_files(warm / "build") == before
    assert isinstance(Cache(warm).get("part", part.stem, Part), Part)


def test_a_forged_cache_entry_with_a_good_digest_is_caught_by_the_provenance_check(
        warm: Path) -> None:
    before = release_files(warm / "build")
    cache = Cache(warm)
    key = _only(cache.folder / "part").stem
    part = cache.get("part", key, Part)
    assert part is not None
    quote = _first_quote(warm / "build")
    at = next(i for i, line in enumerate(part.lines) if quote in line and "#exact>" in line)
    line = part.lines[at]
    letter = line.index(quote) + next(i for i, c in enumerate(quote) if c.isalpha())
    part.lines[at] = line[:letter] + line[letter].swapcase() + line[letter + 1:]
    cache.put("part", key, part)
    try:
        result = _build(warm)
    finally:
        (cache.folder / "part" / f"{key}.pickle").unlink()

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "provenance (quotes against the source texts): 1 problem(s)" in result.stderr
    claim = line.split(" ", 1)[0][1:-1].replace("/selector/", "/claim/").removesuffix("-quote")
    [finding] = [f for f in result.stderr.splitlines() if "oa:exact" in f]
    assert claim in finding and "data/monographs/" in finding and ".yaml:" in finding
    assert "data/sources/" in finding and "expected '" in finding and "found '" in finding
    assert release_files(warm / "build") == before
