"""Write a monograph's drafts as YAML claims files in its ``drafts/`` folder, never over a file.

Each suggestion carries the words that decided it in a YAML comment, which is why the text is
spelled here rather than dumped: a YAML dumper drops comments. A draft file that exists (the
curator may have edited it) is never written again: a later run adds a new file holding only
the sentences nothing covers yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monokg.curate.draft import DRAFTS_FOLDER, STATEMENT_PLACEHOLDER, Draft, DraftPlan, to_drafts
from monokg.model.paths import ProjectPaths

_DOSE_ORDER = ("kind", "value", "min", "max", "unit", "per_body_mass", "period", "duration",
               "portions", "divided", "timing", "min_offset")
#: A field left for the curator: an empty text, which the claims loader refuses.
_EMPTY = '""'


@dataclass
class DraftRun:
    """What one ``monokg draft`` run did."""

    plan: DraftPlan
    files: list[Path]


def _text(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return str(value) if str(value).isidentifier() else _text(str(value))


def to_yaml(section_id: str, heading: str, drafts: list[Draft], monograph_id: str,
            claims_file: str) -> str:
    """The text of one section's drafts file."""
    lines = [
        f"# Draft claims for section {heading!r} of {monograph_id}, written by `monokg draft`.",
        "# Accept one: check each suggestion (the comment says what decided it), write the",
        "# English statement yourself (no machine translation), put the right terms in",
        f"# object/population/context, then move it into claims/{claims_file}.",
        "# Drop one: delete it. The build refuses any claim left in this folder.",
        f"section: {section_id}",
        "claims:",
    ]
    for draft in drafts:
        lines += _claim_lines(draft)
    return "\n".join(lines) + "\n"


def _claim_lines(draft: Draft) -> list[str]:
    out = [f"  - id: {draft.id}"]
    if draft.note:
        out.append(f"    # note: {_comment(draft.note)}")
    out.append(f"    kind: {draft.kind or _EMPTY}  # {_comment(draft.kind_why or 'choose one')}")
    out.append(f"    relation: {draft.relation or _EMPTY}  # "
               f"{_comment(draft.relation_why or 'choose one')}; `monokg terms` lists them")
    out.append(f"    modality: {draft.modality or _EMPTY}  # "
               f"{_comment(draft.modality_why or 'choose one')}")
    if draft.negated is not None:
        out.append(f"    negated: {_scalar(draft.negated)}  # {_comment(draft.negated_why)}")
    out.append(f"    statement: {_text(STATEMENT_PLACEHOLDER)}  # TO WRITE: the claim in "
               "English, by the curator")
    out.append(f"    quote: {_text(draft.quote)}")
    if draft.occurrence is not None:
        out.append(f"    occurrence: {draft.occurrence}  # the sentence occurs more than "
                   "once in its section")
    if draft.mentions:
        out.append("    # terms found (choose; never invent an identifier):")
        for mention in draft.mentions:
            if mention.terms:
                for term in mention.terms:
                    out.append(f"    #   {_comment(mention.text)!r}: {term.curie} "
                               f"{_comment(term.label)} ({term.origin})")
            else:
                out.append(f"    #   {_comment(mention.text)!r}: to map")
    if draft.dose is not None:
        fields = ", ".join(f"{key}: {_scalar(draft.dose.fields[key])}"
                           for key in _DOSE_ORDER if key in draft.dose.fields)
        out.append(f"    dose: {{{fields}}}")
        out.append("    # dose read from: " + "; ".join(
            f"{key} {_comment(str(why))!r}" for key, why in draft.dose.why.items()))
    return out


def _free(folder: Path, stem: str) -> Path:
    """``<stem>.yaml``, or the first ``<stem>-N.yaml`` that does not exist yet."""
    path = folder / f"{stem}.yaml"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.yaml"
        number += 1
    return path


def write_drafts(paths: ProjectPaths, monograph_id: str,
                 exclude_mappings: tuple[str, ...] = ()) -> DraftRun:
    """Draft the sentences of a monograph nothing covers yet, one new file per section."""
    plan = to_drafts(paths, monograph_id, exclude_mappings)
    folder = plan.folder / DRAFTS_FOLDER
    files = []
    sections = plan.monograph.source.sections
    for number, section in enumerate(sections, start=1):
        drafts = [d for d in plan.drafts if d.section.id == section.id]
        if not drafts:
            continue
        stem = f"{number:02d}-{section.id}"
        folder.mkdir(parents=True, exist_ok=True)
        path = _free(folder, stem)
        path.write_text(to_yaml(section.id, section.heading, drafts, plan.monograph.id,
                                f"{stem}.yaml"), encoding="utf-8")
        files.append(path)
    return DraftRun(plan, files)
