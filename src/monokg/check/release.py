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

The ontology's HermiT run is a JVM, started first and running beside the rest (a thread only
waits for it); with more than one job, validation and the data check run in a forked worker
while the parent writes the release.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from monokg.assemble.graph import claim_nodes
from monokg.assemble.metadata import planned_files, to_metadata
from monokg.assemble.release import Release, assemble
from monokg.check.findings import to_findings
from monokg.check.forked import in_fork
from monokg.check.modality import modality_findings
from monokg.check.polarity import polarity_findings
from monokg.check.provenance import STAGE as PROVENANCE_STAGE
from monokg.check.provenance import check_provenance
from monokg.check.quotes import quote_label_findings
from monokg.check.reason import HERMIT_STAGE, check_data, start_ontology_check
from monokg.check.reference import pyshacl_report
from monokg.check.shacl import CompiledShapes, Unsupported, check_lines, compile_shapes
from monokg.check.validate import check_shape_lines
from monokg.curate.vocabulary import load_vocabulary
from monokg.model.cache import Cache, digest_of, files_digest
from monokg.model.errors import Finding, NonConformance, shown
from monokg.model.paths import ProjectPaths
from monokg.model.timings import timed
from monokg.rdf.graphs import ntriples_lines
from monokg.rdf.read import load_shapes

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


def start_ontology_verdict(checks: Checks) -> Callable[[], Verdict]:
    """HermiT on the ontology alone (unsatisfiable classes, contradictions), once per version:
    its JVM starts now and runs beside the caller's work; the returned function waits for
    the verdict."""

    cache = Cache(checks.paths.root, checks.use_cache)
    key = digest_of(["ontology", checks.ontology_digest])
    cached = cache.get("ontology", key, list, items=Finding)
    if cached is not None:
        verdict: Verdict = (HERMIT_STAGE, cached) if cached else None
        return lambda: verdict
    running = start_ontology_check(checks.ontology)

    def wait() -> Verdict:
        findings = running()
        cache.put("ontology", key, findings)
        return (HERMIT_STAGE, findings) if findings else None
    return wait


def _raising(error: Exception) -> Callable[[], Verdict]:
    def again() -> Verdict:
        raise error
    return again


def data_verdict(checks: Checks, lines: Sequence[str]) -> Verdict:
    """The data against the ontology: directly, or by HermiT when the ontology or the data
    hold something the direct check does not decide."""

    stage, findings = check_data(lines, checks.ontology)
    return (stage, findings) if findings else None


def shape_findings(checks: Checks, lines: Sequence[str]) -> list[Finding]:
    """SHACL findings of the data plus the ontology (shapes check links to its individuals)."""

    compiled = compiled_shapes(checks.paths, checks.shapes_digest, checks.shapes,
                               checks.use_cache)
    return _shape_findings([*lines, *checks.ontology_lines], compiled, checks.shapes,
                           checks.lang)


def _shape_findings(lines: Sequence[str], compiled: CompiledShapes | None,
                    shapes: Callable[[], Graph], lang: str,
                    namespaces: dict[str, str] | None = None) -> list[Finding]:
    """The engine's findings with the compiled shapes; pySHACL's where it cannot judge."""
    if compiled is not None:
        try:
            return check_lines(lines, compiled, lang, namespaces)
        except Unsupported:
            pass  # pySHACL below
    return check_shape_lines(lines, shapes(), lang, namespaces)


#: The project's shapes compiled, by the digest of their files: a build checks the data and
#: the dataset metadata with them, and compiles them once, before the checking worker forks.
_COMPILED: dict[str, CompiledShapes | None] = {}


def compiled_shapes(paths: ProjectPaths, digest: str, shapes: Callable[[], Graph],
                    use_cache: bool) -> CompiledShapes | None:
    """The shapes compiled for the engine, cached by the shapes files' content (``digest``;
    compiling parses them and the SPARQL constraints: most of a quick check's time); None
    when a shape needs pySHACL."""

    if digest in _COMPILED:
        return _COMPILED[digest]
    cache = Cache(paths.root, use_cache)
    key = digest_of(["compiled shapes", digest])
    compiled = cache.get("shapes", key, CompiledShapes)
    if compiled is None:
        try:
            compiled = compile_shapes(shapes())
        except Unsupported:
            compiled = None
        else:
            cache.put("shapes", key, compiled)
    _COMPILED.clear()  # one project's shapes at a time
    _COMPILED[digest] = compiled
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
    """Start every check of the data; the returned function waits, judges and returns the
    warnings (or raises NonConformance)."""
    started = time.perf_counter()
    outcome: dict[str, Any] = {}
    # HermiT is a JVM, a process of its own: started first, it runs beside all that follows
    # (compiling the shapes, the worker, the caller's own checks).
    try:
        verdict_of_ontology = start_ontology_verdict(checks)
    except Exception as exc:  # noqa: BLE001 - raised when the verdicts are judged, as always
        verdict_of_ontology = _raising(exc)

    def classify() -> None:
        try:
            outcome["verdict"] = verdict_of_ontology()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc
        timings["reason (ontology)"] = time.perf_counter() - started

    thread = threading.Thread(target=classify, daemon=True)
    # Here, so that the worker inherits them and the metadata check finds them.
    compiled_shapes(checks.paths, checks.shapes_digest, checks.shapes, checks.use_cache)
    # Forked before the thread starts: forking a threaded process is unsafe.
    in_worker = in_fork("the checking worker", _data_checks, checks, lines) if jobs > 1 \
        else None
    # This thread only waits for HermiT, beside the work below.
    thread.start()
    local = _data_checks(checks, lines) if in_worker is None else None

    def finish() -> list[Finding]:
        if in_worker is None:
            assert local is not None
            verdict, findings, worker_timings = local
        else:
            verdict, findings, worker_timings = in_worker()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        timings.update(worker_timings)
        return judge([outcome["verdict"], verdict], findings)
    return finish


def start_data_checks(release: Release, lang: str) -> Callable[[], list[Finding]]:
    """Start reasoning and validation of the whole data graph (beside the caller's own
    work); the returned function waits for them and returns the warnings."""
    with timed(release.timings, "prepare checks"):
        ontology_lines = ntriples_lines(release.ontology)
        checks = Checks(release.paths, release.ontology, ontology_lines,
                        digest_of(ontology_lines), lambda: release.shapes,
                        _shapes_digest(release.paths), lang, release.use_cache)
    return start(checks, release.lines, release.jobs, release.timings)


def _shapes_digest(paths: ProjectPaths) -> str:
    return files_digest(sorted(paths.shapes.glob("*.ttl")))


def check_metadata(release: Release) -> list[Finding]:
    """The dataset metadata the release will carry, against the shapes, before any file is
    written (``assemble.metadata.planned_files``)."""
    meta = to_metadata(release, planned_files(release), release.description)
    # The metadata uses the publication's base; the ontology's individuals are checked with it.
    lines = ntriples_lines(meta) + ntriples_lines(release.ontology)
    namespaces = {prefix: str(ns) for prefix, ns in meta.namespaces() if prefix}
    # The shapes the data checks compiled (compiled here only when called on its own)
    compiled = compiled_shapes(release.paths, _shapes_digest(release.paths),
                               lambda: release.shapes, release.use_cache)
    findings = _shape_findings(lines, compiled, lambda: release.shapes, "en", namespaces)
    # and against DCAT-AP's mandatory shapes, which catalogues such as data.europa.eu apply
    dcat_ap = load_shapes(release.paths.dcat_ap / "mandatory")
    return findings + to_findings(pyshacl_report(meta, dcat_ap), meta)


def check_release(release: Release, lang: str = "en",
                  stages: Sequence[tuple[str, Callable[[], list[Finding]]]] = ()
                  ) -> list[Finding]:
    """Every check of a release's data, before anything is written (reasoning and SHACL),
    with ``stages`` (named checks, e.g. ``check.product.publication_checks``) run beside
    them. Returns the warnings; raises NonConformance on a contradiction or a violation."""
    with timed(release.timings, "check:provenance"):
        # First and in this process: parts read from the cache skipped resolving quotes.
        untrue = check_provenance(release.lines, release.paths, _claim_places(release))
    if untrue:
        raise NonConformance(PROVENANCE_STAGE, untrue)
    finish = start_data_checks(release, lang)
    stages = [*stages, ("quote labels", lambda: quote_label_findings(release.lines, lang))]
    failures: list[tuple[str, list[Finding]]] = []
    with timed(release.timings, "check:modality"):
        warnings = modality_findings(release.monographs, release.ontology, lang)
    with timed(release.timings, "check:polarity"):
        vocabulary = load_vocabulary(release.paths.ontology, release.paths.data / "units.tsv")
        warnings += polarity_findings(release.monographs, vocabulary, lang)
    for stage, run in stages:
        with timed(release.timings, f"check:{stage}"):
            found = run()
        violations = [f for f in found if f.severity == "Violation"]
        if violations:
            failures.append((stage, violations))
    with timed(release.timings, "wait for checks"):
        try:
            warnings += finish()
        except NonConformance as exc:
            raise NonConformance(exc.stage, located(exc.findings, release)) from exc
    if failures:
        raise NonConformance(failures[0][0], located(failures[0][1], release))
    return located(warnings, release)


def check_project(paths: ProjectPaths, lang: str = "en", jobs: int | None = None,
                  use_cache: bool = True) -> tuple[Release, list[Finding]]:
    """The curator's quick loop (``monokg check``): assemble, reason and validate the data;
    write nothing. The dataset metadata and product pages are checked by ``build``, and this
    module imports neither them nor the writers: importing them took longer than the check."""
    release = assemble(paths, lang, jobs, use_cache)
    return release, check_release(release, lang)


def located(findings: list[Finding], release: Release) -> list[Finding]:
    """The findings about a claim, or a node minted for one claim alone (its span, selectors,
    dose or quantity), named with the claim's YAML file and line."""
    places = _claim_places(release)
    linking: dict[str, list[str]] | None = None
    for finding in findings:
        if finding.where is not None or finding.focus_iri is None:
            continue
        if finding.focus_iri in places:
            finding.where = places[finding.focus_iri]
            continue
        # A term many claims share (a clash of the roles two claims give it): name the claims
        # that link to it, so a curator finds the link to mend.
        if linking is None:
            linking = _claims_linking(release.lines, places)
        claims = linking.get(finding.focus_iri, [])
        if claims:
            finding.where = claims[0]
            if len(claims) > 1:
                shown_claims = ", ".join(claims[1:6]) + (", ..." if len(claims) > 6 else "")
                finding.message += f" (also linked by the claims at {shown_claims})"
    return findings


def _claims_linking(lines: list[str], places: dict[str, str]) -> dict[str, list[str]]:
    """Each IRI a claim's node links to -> the file:line of every claim that links to it."""
    linking: dict[str, set[str]] = {}
    for line in lines:
        subject, _, rest = line.partition(" ")
        where = places.get(subject[1:-1])
        if where is None:
            continue
        target = rest.partition(" ")[2][:-2]
        if target.startswith("<"):
            linking.setdefault(target[1:-1], set()).add(where)
    return {iri: sorted(found) for iri, found in linking.items()}


def _claim_places(release: Release) -> dict[str, str]:
    """Each node minted for one claim alone (the claim itself, its span, selectors, dose or
    quantity) -> the claim's YAML file and line."""
    places = {}
    files: dict[Path, str] = {}  # shown() resolves paths: once per file, not per claim
    for mono in release.monographs:
        for claim in mono.claims:
            if claim.file not in files:
                files[claim.file] = shown(claim.file)
            where = f"{files[claim.file]}:{claim.line}"
            for node in claim_nodes(mono, claim):
                places[str(node)] = where
    return places
