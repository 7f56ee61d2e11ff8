"""Coverage: which sentences of a monograph's body are covered by a claim, and why the rest are not.

Every sentence of every paragraph must either overlap the text span of at least one claim, or be
listed in the monograph's ``uncovered.yaml`` with a reason. A sentence that is neither is an
input error naming its section and words, so nothing the monograph says is silently dropped.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .claims import Claim, Monograph, normalise_quote
from .errors import InputError, InputErrors
from .yamlio import Node, load_yaml

if TYPE_CHECKING:
    from .pipeline import Release

#: Why a sentence may be left without a claim.
REASONS = {
    "heading": "a heading or lead-in to a list; it states nothing itself",
    "rhetoric": "pure rhetoric or an illustration; it states nothing checkable",
    "repetition": "repeats a statement that a claim elsewhere already covers",
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
        if item["reason"] not in REASONS:
            errors.append(InputError(f"unknown reason {item['reason']!r}", path,
                                     item.line_of("reason"),
                                     fix=f"use one of {', '.join(sorted(REASONS))}"))
            continue
        out.append(Exclusion(str(item["section"]), str(item["quote"]), str(item["reason"]),
                             str(item.get("note", "")), path, item.line))
    if errors:
        raise InputErrors(errors)
    return out


def _overlapping(claims: list[Claim], start: int, end: int) -> list[str]:
    return sorted(c.id for c in claims if c.span.start < end and c.span.end > start)


def to_coverage(mono: Monograph, exclusions: list[Exclusion]) -> Coverage:
    """Match every body sentence with its claims and exclusions; refuse gaps and stale entries."""
    sentences: list[SentenceCoverage] = []
    for section in mono.source.sections:
        for para in section.paragraphs:
            for n, (a, b) in enumerate(para.sentences(), start=1):
                start, end = para.raw_span(a, b)
                sentences.append(SentenceCoverage(
                    section.id, para.index, n, start, end, para.text[a:b],
                    _overlapping(mono.claims, start, end)))
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
    return Coverage(mono.id, sentences)


def to_tsv(coverages: list[Coverage]) -> bytes:
    """The coverage report as TSV, one row per sentence, in text order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    for cov in coverages:
        for s in cov.sentences:
            writer.writerow((cov.monograph, s.section, s.paragraph, s.index, s.start, s.end,
                             s.status, " ".join(s.claims),
                             s.exclusion.reason if s.exclusion else "", s.text))
    return buffer.getvalue().encode("utf-8")


def summary(coverages: list[Coverage]) -> tuple[int, int]:
    """(sentences covered by a claim, body sentences) over all monographs."""
    return (sum(c.covered for c in coverages), sum(len(c.sentences) for c in coverages))


def to_html(coverages: list[Coverage]) -> bytes:
    """The coverage report as a self-contained HTML page."""
    covered, total = summary(coverages)
    esc = html.escape
    rows = []
    for cov in coverages:
        for s in cov.sentences:
            detail = esc(" ".join(s.claims))
            if s.exclusion:
                detail = esc(f"{s.exclusion.reason}: {REASONS[s.exclusion.reason]}"
                             + (f" ({s.exclusion.note})" if s.exclusion.note else ""))
            rows.append(f'<tr class="{s.status}"><td>{esc(cov.monograph)}</td>'
                        f"<td>{esc(s.section)}</td><td>{s.paragraph}.{s.index}</td>"
                        f'<td lang="nl">{esc(s.text)}</td><td>{esc(s.status)}</td>'
                        f"<td>{detail}</td></tr>")
    percent = f"{100 * covered / total:.1f}" if total else "100.0"
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Claim coverage</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 0.3em 0.5em; vertical-align: top; }}
tr.excluded td {{ background: #fff6d5; }}
</style>
</head>
<body>
<h1>Claim coverage</h1>
<p>{covered} of {total} body sentences ({percent} %) are covered by at least one claim; the
others are listed with the reason they were left out.</p>
<table>
<thead><tr><th>monograph</th><th>section</th><th>paragraph.sentence</th><th>sentence</th>
<th>status</th><th>claims or reason</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
    return page.encode("utf-8")


def write_coverage(release: Release, out_dir: Path) -> list[Path]:
    """Release writer: ``coverage.tsv`` and ``coverage.html``."""
    from .dataset import write_file

    tsv, page = out_dir / "coverage.tsv", out_dir / "coverage.html"
    write_file(tsv, to_tsv(release.coverage))
    write_file(page, to_html(release.coverage))
    return [tsv, page]
