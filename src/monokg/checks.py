"""Stages 4 and 5 for a whole release: reason over and validate its N-Triples lines.

Both stages see the whole release graph at once, so their verdict is the whole graph's by
construction (no argument about splitting it is needed). They are fast because both work on
N-Triples lines with engines made for our ontology and shapes, and fall back to the reference
tools where those engines do not apply:

*Reasoning.* HermiT classifies the ontology alone, once per ontology version (its verdict is
cached by the ontology's content), and ``reason.check_data`` checks the data against the
ontology's axioms directly; where the ontology or the data hold something the direct check
does not decide, HermiT reasons over the ontology plus the data. Why the two together give
HermiT's verdict on ontology plus data is in ``reason``.

*Validation.* ``validate.check_shape_lines``: our SHACL engine over the data plus the ontology
(pySHACL where a shape uses a feature the engine lacks).

The ontology's HermiT run is a JVM, so it runs in a thread beside the rest; with more than one
job, validation and the data check run in a forked worker while the parent writes the release.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from .cache import Cache, digest_of
from .errors import Finding, NonConformance
from .paths import ProjectPaths

if TYPE_CHECKING:
    from .shacl import CompiledShapes

#: A contradiction: (stage, findings); None when consistent.
Verdict = tuple[str, list[Finding]] | None


@dataclass
class Checks:
    """What the checks of a release need (set before forking, so workers inherit it)."""

    paths: ProjectPaths
    ontology: Graph
    ontology_lines: list[str]
    ontology_digest: str
    shapes: Callable[[], Graph]  # loads the shapes graph when needed
    shapes_digest: str
    lang: str
    use_cache: bool


_PENDING: tuple[Checks, Sequence[str]] | None = None


def ontology_verdict(checks: Checks) -> Verdict:
    """HermiT on the ontology alone (unsatisfiable classes, contradictions), once per version."""
    from .reason import HERMIT_STAGE, check_ontology

    cache = Cache(checks.paths.root, checks.use_cache)
    key = digest_of(["ontology", checks.ontology_digest])
    cached = cache.get("ontology", key)
    if isinstance(cached, list):
        return (HERMIT_STAGE, cached) if cached else None
    findings = check_ontology(checks.ontology)
    cache.put("ontology", key, findings)
    return (HERMIT_STAGE, findings) if findings else None


def data_verdict(checks: Checks, lines: Sequence[str]) -> Verdict:
    """The data against the ontology: directly, or by HermiT when the ontology or the data
    hold something the direct check does not decide."""
    from .reason import check_data

    stage, findings = check_data(lines, checks.ontology)
    return (stage, findings) if findings else None


def shape_findings(checks: Checks, lines: Sequence[str]) -> list[Finding]:
    """SHACL findings of the data plus the ontology (shapes check links to its individuals)."""
    from .shacl import Unsupported, check_lines
    from .validate import check_shape_lines

    data = [*lines, *checks.ontology_lines]
    compiled = compiled_shapes(checks)
    if compiled is not None:
        try:
            return check_lines(data, compiled, checks.lang)
        except Unsupported:
            pass  # pySHACL below
    return check_shape_lines(data, checks.shapes(), checks.lang)


def compiled_shapes(checks: Checks) -> CompiledShapes | None:
    """The shapes compiled for the engine, cached by the shapes files' content (compiling
    parses them and the SPARQL constraints: most of a quick check's time); None when a shape
    needs pySHACL."""
    from .shacl import Unsupported, compile_shapes

    cache = Cache(checks.paths.root, checks.use_cache)
    key = digest_of(["compiled shapes", checks.shapes_digest])
    cached = cache.get("shapes", key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    try:
        compiled = compile_shapes(checks.shapes())
    except Unsupported:
        return None
    cache.put("shapes", key, compiled)
    return compiled


def _data_checks(checks: Checks, lines: Sequence[str]) -> tuple[Verdict, list[Finding],
                                                                dict[str, float]]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    verdict = data_verdict(checks, lines)
    timings["reason (data)"] = time.perf_counter() - started
    started = time.perf_counter()
    findings = shape_findings(checks, lines)
    timings["validate"] = time.perf_counter() - started
    return verdict, findings, timings


def _data_checks_inherited() -> tuple[Verdict, list[Finding], dict[str, float]]:
    """``_data_checks`` in a forked worker, on the release its parent set before forking."""
    assert _PENDING is not None
    return _data_checks(*_PENDING)


def judge(verdicts: Sequence[Verdict], findings: list[Finding]) -> list[Finding]:
    """Raise NonConformance on a contradiction or a violation; return the other findings."""
    def dedupe(items: list[Finding]) -> list[Finding]:
        return list({(f.severity, f.focus, f.path, f.message, f.shape): f
                     for f in items}.values())

    failed = [v for v in verdicts if v is not None]
    if failed:
        raise NonConformance(failed[0][0], sorted(dedupe([f for _, fs in failed for f in fs]),
                                                  key=str))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    unique = sorted(dedupe(findings), key=lambda f: (order.get(f.severity, 3), f.focus,
                                                      f.path or "", f.message))
    violations = [f for f in unique if f.severity == "Violation"]
    if violations:
        raise NonConformance("validation (SHACL)", violations)
    return unique


def start(checks: Checks, lines: Sequence[str], jobs: int,
          timings: dict[str, float]) -> Callable[[], list[Finding]]:
    """Start every check of a release; the returned function waits, judges and returns the
    warnings (or raises NonConformance)."""
    global _PENDING
    started = time.perf_counter()
    outcome: dict[str, Any] = {}

    def classify() -> None:
        try:
            outcome["verdict"] = ontology_verdict(checks)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc
        timings["reason (ontology)"] = time.perf_counter() - started

    thread = threading.Thread(target=classify, daemon=True)
    pool = None
    if jobs > 1:
        import multiprocessing
        _PENDING = (checks, lines)
        # Forked (before the thread starts: forking a threaded process is unsafe), so the
        # worker inherits the lines instead of receiving a pickled copy; the executor forks
        # its worker inside submit().
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        result: Future[Any] = pool.submit(_data_checks_inherited)
    # HermiT is a JVM: this thread only waits on it, beside the work below.
    thread.start()
    if pool is None:
        result = Future()
        result.set_result(_data_checks(checks, lines))

    def finish() -> list[Finding]:
        try:
            verdict, findings, worker_timings = result.result()
        finally:
            if pool is not None:
                pool.shutdown()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        timings.update(worker_timings)
        return judge([outcome["verdict"], verdict], findings)
    return finish

