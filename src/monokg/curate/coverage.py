"""Coverage: which sentences of a monograph's body are covered by a claim, and why the rest are not.

Every sentence of every paragraph must either overlap the text span of at least one claim, or be
listed in the monograph's ``uncovered.yaml`` with a reason. A sentence that is neither is an
input error naming its section and words, so nothing the monograph says is silently dropped.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from monokg.curate.claims import Claim, Monograph, normalise_quote
from monokg.curate.yamlio import Node, load_yaml, text_field
from monokg.model.errors import InputError, InputErrors

#: Why a sentence may be left without a claim.
REASONS = {
    "heading": "a heading or lead-in to a list; it states nothing itself",
    "rhetoric": "pure rhetoric or an illustration; it states nothing checkable",
    "repetition": "repeats a statement that a claim elsewhere already covers",
    "layout": "page furniture of the printed source: a running header or footer, a page number",
}
EXCLUSIONS_FILE = "uncovered.yaml"
TSV_COLUMNS = ("monograph", "section", "paragraph", "sentence", "start", "end", "status",
               "claims", "reason", "text")


@dataclass(frozen=True)
class Exclusion:
    """A sentence deliberately left without a claim, as the curator listed it."""

    section: str
    quote: str
    reason: str
    note: str
    file: Path
    line: int


@dataclass
class SentenceCoverage:
    """One sentence of the source body, with the claims whose spans overlap it."""

    section: str
    paragraph: int
    index: int
    start: int
    end: int
    text: str
    claims: list[str] = field(default_factory=list)
    exclusion: Exclusion | None = None

    @property
    def status(self) -> str:
        if self.claims:
            return "covered"
        return "excluded" if self.exclusion else "missing"


@dataclass
class Coverage:
    """The coverage of one monograph, sentence by sentence in text order."""

    monograph: str
    sentences: list[SentenceCoverage]
    #: the language tag of the source text the sentences are from
    language: str = ""

    @property
    def covered(self) -> int:
        return sum(1 for s in self.sentences if s.claims)

    @property
    def ratio(self) -> float:
        return self.covered / len(self.sentences) if self.sentences else 1.0


def load_exclusions(path: Path) -> list[Exclusion]:
    """Read ``uncovered.yaml``: the sentences left without a claim, each with a reason."""
    if not path.is_file():
        return []
    node = load_yaml(path)
    items = node.get("sentences") if isinstance(node, Node) else None
    if not isinstance(items, list):
        raise InputError("expected a 'sentences:' list", path, 1,
                         fix="write 'sentences:' then '- {section: ..., quote: ..., reason: ...}'")
    out, errors = [], []
    for item in items:
        if not isinstance(item, Node):
            errors.append(InputError("an entry must be a mapping", path, None,
                                     fix="write '- {section: ..., quote: ..., reason: ...}'"))
            continue
        missing = [k for k in ("section", "quote", "reason") if not item.get(k)]
        if missing:
            errors.append(InputError(f"entry has no {', '.join(missing)}", path, item.line,
                                     fix="give the section id, a quote from the sentence and "
                                     "a reason"))
            continue
        try:
            section, quote, reason, note = (text_field(item, key, path, "the entry", default)
                                            for key, default in (("section", None),
                                                                 ("quote", None),
                                                                 ("reason", None),
                                                                 ("note", "")))
        except InputError as exc:
            errors.append(exc)
            continue
        if reason not in REASONS:
            errors.append(InputError(f"unknown reason {reason!r}", path, item.line_of("reason"),
                                     fix=f"use one of {', '.join(sorted(REASONS))}"))
            continue
        out.append(Exclusion(section, quote, reason, note, path, item.line))
    if errors:
        raise InputErrors(errors)
    return out


class _Spans:
    """A monograph's claims by where their spans start, to find those overlapping a sentence
    without looking at every claim for every sentence (quadratic in a monograph's size)."""

    def __init__(self, claims: list[Claim]) -> None:
        self.claims = sorted(claims, key=lambda c: c.span.start)
        self.starts = [c.span.start for c in self.claims]
        self.longest = max((c.span.end - c.span.start for c in claims), default=0)

    def overlapping(self, start: int, end: int) -> list[str]:
        """The ids of the claims whose span overlaps [start, end), sorted."""
        # A span that overlaps starts before ``end`` and, being at most ``longest`` long,
        # after ``start - longest``.
        first = bisect.bisect_right(self.starts, start - self.longest)
        last = bisect.bisect_left(self.starts, end)
        return sorted(c.id for c in self.claims[first:last] if c.span.end > start)


def to_coverage(mono: Monograph, exclusions: list[Exclusion]) -> Coverage:
    """Match every body sentence with its claims and exclusions; refuse gaps and stale entries."""
    sentences: list[SentenceCoverage] = []
    spans = _Spans(mono.claims)
    for section in mono.source.sections:
        for para in section.paragraphs:
            for n, (a, b) in enumerate(para.sentences(), start=1):
                start, end = para.raw_span(a, b)
                sentences.append(SentenceCoverage(
                    section.id, para.index, n, start, end, para.text[a:b],
                    spans.overlapping(start, end)))
    errors: list[InputError] = []
    file = mono.file.with_name(EXCLUSIONS_FILE)
    for exclusion in exclusions:
        needle = normalise_quote(exclusion.quote)
        hits = [s for s in sentences if s.section == exclusion.section and needle in s.text]
        if len(hits) != 1:
            errors.append(InputError(
                f"quote {needle!r} matches {len(hits)} sentences of section "
                f"{exclusion.section!r}", exclusion.file, exclusion.line,
                fix="quote words of exactly one sentence of that section"))
        elif hits[0].claims:
            errors.append(InputError(
                f"sentence {hits[0].text!r} is covered by claim(s) {', '.join(hits[0].claims)}",
                exclusion.file, exclusion.line, fix="remove this entry"))
        else:
            hits[0].exclusion = exclusion
    for sentence in sentences:
        if sentence.status == "missing":
            errors.append(InputError(
                f"section {sentence.section!r}, paragraph {sentence.paragraph}, sentence "
                f"{sentence.index} is covered by no claim: {sentence.text!r}", file, None,
                fix=f"add a claim that quotes it, or list it in {EXCLUSIONS_FILE} with a reason "
                f"({', '.join(sorted(REASONS))})"))
    if errors:
        raise InputErrors(errors)
    return Coverage(mono.id, sentences, mono.source.meta.language)


def summary(coverages: list[Coverage]) -> tuple[int, int]:
    """(sentences covered by a claim, body sentences) over all monographs."""
    return (sum(c.covered for c in coverages), sum(len(c.sentences) for c in coverages))


