"""Each monograph on its own: load and assemble one monograph per task, in parallel.

A release is the union of its monographs' triples plus the project's term files, and each
monograph's triples depend only on its own files and the shared inputs (ontology, units, term
files), so monographs are assembled independently, in worker processes, and each result is
cached by the content of those files. Reasoning and validation then see the whole release at
once (``checks``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

from monokg.assemble.graph import to_lines
from monokg.curate.claims import Monograph, load_monograph
from monokg.curate.mappings import check_links, load_mapping_set
from monokg.curate.vocabulary import Vocabulary
from monokg.model.cache import Cache, digest_of, files_digest
from monokg.model.errors import InputError, InputErrors
from monokg.model.paths import ProjectPaths


@dataclass
class Part:
    """One monograph's share of the release."""

    monograph: Monograph
    lines: list[str]  # its triples as sorted N-Triples lines, under the default base
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Context:
    """The read-only inputs every task shares."""

    paths: ProjectPaths
    vocabulary: Vocabulary
    lang: str
    digest: str  # of every input that is not a monograph's own (ontology, shapes, terms, ...)


#: The context of a worker process, set by ``start_worker`` when the pool forks it: the
#: worker inherits it (vocabulary and all) instead of receiving a pickled copy per task.
_WORKER_CONTEXT: Context | None = None


def start_worker(context: Context) -> None:
    """A worker process's initializer: keep the shared inputs for its tasks."""
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context


def build_part_in_worker(folder: Path, use_cache: bool = True
                         ) -> tuple[Part | None, list[tuple[Any, ...]]]:
    """``build_part`` in a worker started by ``start_worker``."""
    if _WORKER_CONTEXT is None:
        raise RuntimeError("a worker of a pool started without start_worker")
    return build_part(_WORKER_CONTEXT, folder, use_cache)


def _monograph_files(paths: ProjectPaths, folder: Path) -> list[Path] | None:
    """Every file one monograph's result depends on, or None if that cannot be told."""
    header = folder / "monograph.yaml"
    if not header.is_file():
        return None
    match = re.search(r"^source:\s*['\"]?([^'\"\s#]+)", header.read_text(encoding="utf-8"),
                      re.MULTILINE)
    if not match:
        return None
    files = [header, *sorted((folder / "claims").glob("*.yaml"))]
    files += sorted(paths.sources.glob(f"{match.group(1)}.*"))
    files.append(paths.mappings / f"{folder.name}.sssom.tsv")
    return files


def build_part(ctx: Context, folder: Path, use_cache: bool = True
               ) -> tuple[Part | None, list[tuple[Any, ...]]]:
    """Load and assemble one monograph; input errors come back as field tuples
    (exceptions with keyword fields do not survive pickling between processes)."""
    paths = ctx.paths
    cache = Cache(paths.root, use_cache)
    files = _monograph_files(paths, folder)
    key = None
    if files is not None:
        # The root is part of the key: a cached monograph holds absolute paths of its files.
        key = digest_of([ctx.digest, ctx.lang, str(paths.root.resolve()),
                         files_digest(files),
                         "\0".join(str(f.relative_to(paths.root)) for f in files)])
        cached = cache.get("part", key, Part)
        if cached is not None:
            return cached, []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        mono = load_monograph(folder, ctx.vocabulary, paths.sources, paths.mappings)
        mapping_set = None
        if mono.mapping_file.is_file():
            mapping_set = load_mapping_set(mono.mapping_file, ctx.vocabulary, mono.id)
        check_links(mono, mapping_set, ctx.vocabulary)
    except InputError as exc:
        return None, [astuple(exc)]
    except InputErrors as exc:
        return None, [astuple(e) for e in exc.errors]
    timings["sources+claims"] = time.perf_counter() - started
    started = time.perf_counter()
    lines = to_lines([mono], {mono.id: mapping_set} if mapping_set else {})
    timings["graph"] = time.perf_counter() - started
    part = Part(mono, lines, timings=timings)
    if key is not None:
        cache.put("part", key, part)
    return part, []


def input_errors(errors: Sequence[tuple[Any, ...]]) -> InputErrors:
    """Input errors rebuilt from their field tuples."""
    return InputErrors([InputError(*e) for e in errors])
