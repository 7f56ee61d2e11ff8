"""The coverage report: which body sentences a claim covers, as HTML and TSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from monokg.assemble.release import Release
from monokg.curate.coverage import REASONS, TSV_COLUMNS, Coverage, summary
from monokg.model.templates import environment
from monokg.rdf.files import ReleaseFolder


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


def to_html(coverages: list[Coverage]) -> bytes:
    """The coverage report as a self-contained HTML page (template ``coverage.html``)."""
    covered, total = summary(coverages)
    rows = []
    for cov in coverages:
        for s in cov.sentences:
            detail = " ".join(s.claims)
            if s.exclusion:
                detail = (f"{s.exclusion.reason}: {REASONS[s.exclusion.reason]}"
                          + (f" ({s.exclusion.note})" if s.exclusion.note else ""))
            rows.append((cov.monograph, cov.language, s, detail))
    return environment().get_template("coverage.html").render(
        covered=covered, total=total, rows=rows,
        percent=f"{100 * covered / total:.1f}" if total else "100.0").encode("utf-8")


def write_coverage(release: Release, out: ReleaseFolder) -> list[Path]:
    """Release writer: ``coverage.tsv`` and ``coverage.html``."""
    tsv, page = release.files.coverage
    return [out.write(out.root / tsv, to_tsv(release.coverage)),
            out.write(out.root / page, to_html(release.coverage))]
