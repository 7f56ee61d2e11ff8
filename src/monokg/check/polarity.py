"""Does the term a claim links to say the change its mention says? Warnings with file:line.

A mention that says a change or an absence ("verhoogde darmpermeabiliteit", "low s-IgA") must
be mapped to a term for the changed state; mapped to the function or substance whose change it
is (Intestinal Barrier Function), a claim linked to it says the opposite of the text. The words
of each direction are language data (``changes`` and ``negations`` of ``curate/languages``):
the mention's in the source's language, the term label's in the project's shared language, in
which every mapping row gives the term's official name. Only a reader can tell the unchanged
term from a rightly chosen one whose name has no such word, hence a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import URIRef

from monokg.curate.claims import Monograph
from monokg.curate.language import FALLBACK, Language, load_language, message
from monokg.curate.mappings import MappingRow, load_mapping_set
from monokg.curate.vocabulary import Vocabulary
from monokg.model.errors import Finding, shown

SHAPE = "polarity check"
#: The direction every negation word gives a mention.
ABSENCE = "Absence"


def directions(text: str, language: Language) -> dict[str, str]:
    """Direction -> the first word of the language in ``text`` that gives it."""
    found: dict[str, str] = {}
    # By where each cue is listed: asking `cue in language.negations` compared every cue
    # with every negation, field by field (most of this check's time).
    for direction, cue in (*((cue.meaning, cue) for cue in language.changes),
                           *((ABSENCE, cue) for cue in language.negations)):
        if direction not in found and cue.found_in(text):
            found[direction] = cue.text
    return found


def lost_directions(row: MappingRow, source: Language, terms: Language) -> dict[str, str]:
    """The directions the mention says and the term's label does not (direction -> word)."""
    said = directions(row.subject_label, source)
    named = directions(row.object_label, terms)
    return {d: word for d, word in said.items() if d not in named}


def polarity_findings(monographs: Sequence[Monograph], vocabulary: Vocabulary,
                      lang: str = "en") -> list[Finding]:
    """A warning for every claim linked to a term whose mention's direction the term lacks."""
    terms = load_language(FALLBACK)
    found: list[Finding] = []
    for mono in monographs:
        source = load_language(mono.source.meta.language)
        if not source.known or not Path(mono.mapping_file).is_file():
            continue
        lost: dict[URIRef, tuple[MappingRow, dict[str, str]]] = {}
        for term, rows in load_mapping_set(mono.mapping_file, vocabulary,
                                           mono.id).chosen().items():
            for row in rows:
                missing = lost_directions(row, source, terms)
                if missing:
                    lost.setdefault(term, (row, missing))
        for claim in mono.claims:
            for term, line in claim.linked_terms():
                if term not in lost:
                    continue
                row, missing = lost[term]
                found.append(Finding(
                    focus=f"claim:{mono.id}/{claim.id}", path="mkg:object",
                    severity="Warning", shape=SHAPE,
                    message=message(lang, "polarity_lost", claim=claim.id,
                                    term=row.object_curie, label=row.object_label,
                                    mention=row.subject_label,
                                    words=", ".join(missing.values())),
                    fix=message(lang, "polarity_lost_fix",
                                file=f"{shown(mono.mapping_file)}:{row.line}"),
                    where=f"{shown(claim.file)}:{line}"))
    return found
