"""Every quote of a release against the source text it claims to quote, on the N-Triples lines.

A claim's span is a Web Annotation specific resource (``oa:hasSource`` the source, selectors by
``oa:hasSelector``): a ``TextPositionSelector`` (``oa:start``, ``oa:end``: code-point offsets),
a ``TextQuoteSelector`` (``oa:exact`` with the ``oa:prefix`` and ``oa:suffix`` around it) and
an RFC 5147 ``FragmentSelector`` (``rdf:value`` ``char=S,E;md5=H``, H the MD5 of the whole
text). The source's file is named by its ``dcterms:identifier`` under the sources folder and
pinned by its ``mkg:sha256``. Parts of a release come from the cache, so nothing here trusts
the assembly: every selector is compared with the file itself, on every build.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import DCTERMS, RDF

from monokg.model.errors import Finding
from monokg.model.namespaces import MKG, OA
from monokg.model.paths import ProjectPaths
from monokg.rdf.ntriples import split_literal

STAGE = "provenance (quotes against the source texts)"

HAS_SOURCE, HAS_SELECTOR = f"<{OA.hasSource}>", f"<{OA.hasSelector}>"
START, END = f"<{OA.start}>", f"<{OA.end}>"
EXACT, PREFIX, SUFFIX = f"<{OA.exact}>", f"<{OA.prefix}>", f"<{OA.suffix}>"
VALUE, TEXT_SPAN = f"<{RDF.value}>", f"<{MKG.textSpan}>"
IDENTIFIER, SHA256 = f"<{DCTERMS.identifier}>", f"<{MKG.sha256}>"
_WANTED = {HAS_SOURCE, HAS_SELECTOR, START, END, EXACT, PREFIX, SUFFIX, VALUE, TEXT_SPAN,
           IDENTIFIER, SHA256}
_FRAGMENT = re.compile(r"char=(\d+),(\d+)(?:;md5=([0-9a-fA-F]{32}))?")
_SHOWN = 40  # characters shown on each side of the first difference


@dataclass
class _Source:
    """A source text read from its file, or why it could not be."""

    file: Path | None
    text: str = ""
    md5: str = ""
    problem: str | None = None


@dataclass
class _Span:
    """What the lines say about one span: its source, its selectors' values."""

    node: str
    source: str | None = None
    selectors: list[str] = field(default_factory=list)


def check_provenance(lines: Iterable[str], paths: ProjectPaths,
                     claims: Mapping[str, str] | None = None) -> list[Finding]:
    """Violations where a selector does not hold of its file in the project's sources
    (``claims`` maps a claim IRI to where it is written, for the message)."""
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    claim_of: dict[str, str] = {}
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        if predicate not in _WANTED:
            continue
        obj = rest[:-2]
        if predicate == TEXT_SPAN:
            claim_of[obj] = subject
        else:
            values[subject][predicate].append(obj)
    spans = [_Span(node, next(iter(props.get(HAS_SOURCE, [])), None), props[HAS_SELECTOR])
             for node, props in values.items() if HAS_SELECTOR in props]
    read: dict[str, _Source] = {}
    findings: list[Finding] = []
    for span in sorted(spans, key=lambda s: s.node):
        claim = claim_of.get(span.node, span.node)
        where = (claims or {}).get(claim[1:-1])
        if span.source is None:
            findings.append(_finding(claim, where, None, "its span names no source text"))
            continue
        if span.source not in read:
            read[span.source] = _read(values.get(span.source, {}), paths.sources)
        source = read[span.source]
        shown = None if source.file is None else source.file.relative_to(paths.root)
        if source.problem is not None:
            findings.append(_finding(claim, where, shown, source.problem))
            continue
        selectors = [values.get(s, {}) for s in span.selectors]
        findings += [_finding(claim, where, shown, problem)
                     for problem in _problems(selectors, source)]
    return findings


def _read(props: Mapping[str, list[str]], sources: Path) -> _Source:
    """The text of a source node's file (its identifier below ``sources``), checked against
    its sha256 when the lines give one."""
    names = [split_literal(token)[0] for token in props.get(IDENTIFIER, [])]
    wanted = {split_literal(token)[0] for token in props.get(SHA256, [])}
    # Matched by name, never used as a pattern or a path: the lines may have been tampered with.
    candidates = [path for path in sorted(sources.rglob("*"))
                  if path.name in names and path.is_file()]
    if not candidates:
        return _Source(None, problem=f"its source text {' or '.join(names) or '(unnamed)'} "
                       f"is not in {sources.name}/")
    for path in candidates:
        raw = path.read_bytes()
        if not wanted or hashlib.sha256(raw).hexdigest() in wanted:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return _Source(path, problem="its source text is not UTF-8")
            return _Source(path, text, hashlib.md5(raw).hexdigest())
    return _Source(candidates[0], problem=f"the source file's sha256 is not the "
                   f"{' or '.join(sorted(wanted))} the release records")


def _problems(selectors: Sequence[Mapping[str, list[str]]], source: _Source) -> list[str]:
    """What does not hold of the source text, selector by selector."""
    text, problems = source.text, []
    offsets = [(split_literal(s[START][0])[0], split_literal(s[END][0])[0])
               for s in selectors if START in s and END in s]
    positions = [(int(a), int(b)) for a, b in offsets if a.isdecimal() and b.isdecimal()]
    if len(positions) < len(offsets):
        return ["oa:start or oa:end is not a whole number"]
    for start, end in positions:
        if not 0 <= start <= end <= len(text):
            problems.append(f"oa:start {start} and oa:end {end} are not a range of its "
                            f"{len(text)} characters")
    for selector in selectors:
        for token in selector.get(VALUE, []):
            match = _FRAGMENT.fullmatch(split_literal(token)[0])
            if match is None:
                continue
            start, end = int(match.group(1)), int(match.group(2))
            if positions and (start, end) not in positions:
                problems.append(f"the fragment says char={start},{end}, the position "
                                f"selector {positions[0][0]}-{positions[0][1]}")
            md5 = match.group(3)
            if md5 is not None and md5.lower() != source.md5:
                problems.append(f"the fragment's md5 is {md5}, the source text's {source.md5}")
    for selector in selectors:
        if EXACT not in selector:
            continue
        exact = split_literal(selector[EXACT][0])[0]
        prefix = split_literal(selector[PREFIX][0])[0] if PREFIX in selector else ""
        suffix = split_literal(selector[SUFFIX][0])[0] if SUFFIX in selector else ""
        if not positions:
            if prefix + exact + suffix not in text:
                problems.append(f"its quote (oa:exact {exact!r}) is not in the source text "
                                "with its prefix and suffix")
            continue
        start, end = positions[0]
        expected = [("oa:exact", exact, text[start:end]),
                    ("oa:prefix", prefix, text[max(0, start - len(prefix)):start]),
                    ("oa:suffix", suffix, text[end:end + len(suffix)])]
        for name, found, wanted in expected:
            if found != wanted:
                problems.append(f"{name} does not match characters {start}-{end} of the "
                                f"source: {_difference(wanted, found)}")
    return problems


def _difference(expected: str, found: str) -> str:
    """Expected and found text around their first difference."""
    at = next((i for i, (a, b) in enumerate(zip(expected, found, strict=False)) if a != b),
              min(len(expected), len(found)))
    start = max(0, at - _SHOWN)
    cut = "..." if start else ""
    return (f"expected {cut}{expected[start:at + _SHOWN]!r}, "
            f"found {cut}{found[start:at + _SHOWN]!r}")


def _finding(claim: str, where: str | None, file: Path | None, problem: str) -> Finding:
    """A provenance finding on a claim, naming where it is written and the source file."""
    focus = claim[1:-1] if claim.startswith("<") else claim
    written = f" (written at {where})" if where else ""
    source = f"the source text {file}" if file is not None else "its source text"
    return Finding(focus=focus, path=None, severity="Violation", shape=None, focus_iri=focus,
                   message=f"the quote of this claim{written} is not what {source} says: "
                   f"{problem}")
