"""Does a claim's modality fit the words of its source? Warnings with the claim's file:line.

The cues come from the language data of each source (``curate/languages/<tag>.yaml``), the
strength of each modality from the ontology (``mkg:strength``). Three slips are caught:

* the quote holds a hedge weaker than the chosen modality ("kan", "may" marked ``Asserted``);
* a hedged modality (weaker than a plain assertion) with no cue of that strength in the
  quote's sentence, or, for a list item, in the paragraph that introduces the list;
* a negated claim with no word of negation in that context.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from monokg.curate.claims import Claim, Monograph
from monokg.curate.language import Cue, Language, load_language, message
from monokg.model.errors import Finding, shown
from monokg.model.namespaces import MKG

SHAPE = "modality check"


def strengths(ontology: Graph) -> dict[URIRef, int]:
    """Each modality's ``mkg:strength``."""
    return {s: int(o) for s, o in ontology.subject_objects(MKG.strength)
            if isinstance(s, URIRef) and isinstance(o, Literal)}


def _name(term: URIRef | str) -> str:
    return str(term).rsplit("/", 1)[-1]


def context_of(claim: Claim, split: dict[int, list[tuple[int, int]]]) -> str:
    """The sentence(s) the quote stands in, plus, for a list item, the paragraph before the
    list: where a hedge that governs the quoted words is written. ``split`` remembers each
    paragraph's sentences (by id) for the other claims quoting it."""
    para, span = claim.span.paragraph, claim.span
    start = bisect.bisect_left(para.raw_offsets, span.start)
    end = start + len(span.text)
    bounds = split.get(id(para))
    if bounds is None:  # not setdefault: that would split the paragraph again every time
        bounds = split[id(para)] = para.sentences()
    parts = [para.text[a:b] for a, b in bounds if a < end and b > start]
    if para.list_item:
        earlier = [p for p in claim.section.paragraphs
                   if p.index < para.index and not p.list_item]
        if earlier:
            parts.append(earlier[-1].text)
    return " ".join(parts) or span.text


def _finding(claim: Claim, lang: str, key: str, where: str, **values: object) -> Finding:
    focus = f"claim:{claim.file.parent.parent.name}/{claim.id}"
    return Finding(focus=focus, path="mkg:modality", severity="Warning", shape=SHAPE,
                   message=message(lang, key, claim=claim.id, **values),
                   fix=message(lang, f"{key}_fix", **values),
                   where=f"{where}:{claim.line}")


def claim_findings(claim: Claim, language: Language, strength: dict[URIRef, int], lang: str,
                   split: dict[int, list[tuple[int, int]]] | None = None,
                   files: dict[Path, str] | None = None) -> list[Finding]:
    """The modality slips of one claim; ``split`` and ``files`` remember, for the other
    claims checked with them, each paragraph's sentences and each claims file as shown."""
    chosen = strength.get(claim.modality)
    # A plain statement: any modality below it is a hedge the words must show.
    plain = strength.get(MKG.Asserted)
    if chosen is None:
        return []
    rank = lambda cue: strength.get(MKG[cue.meaning], chosen)
    found: list[Finding] = []
    files = {} if files is None else files
    where = files.get(claim.file)
    if where is None:  # shown() resolves the path on disk: once per file, not per warning
        where = files[claim.file] = shown(claim.file)
    weaker = sorted((c for c in language.hedges if c.found_in(claim.span.text)
                     and rank(c) < chosen), key=rank)
    if weaker:
        found.append(_finding(claim, lang, "modality_stronger", where, cue=weaker[0].text,
                              cue_modality=weaker[0].meaning, modality=_name(claim.modality)))
    context = context_of(claim, {} if split is None else split)
    if language.hedges and plain is not None and chosen < plain and not any(
            c.found_in(context) and rank(c) <= chosen for c in language.hedges):
        found.append(_finding(claim, lang, "modality_unhedged", where,
                              modality=_name(claim.modality)))
    if claim.negated and language.negations and not _any(language.negations, context):
        found.append(_finding(claim, lang, "negation_missing", where,
                              cues=", ".join(c.text for c in language.negations)))
    return found


def _any(cues: Sequence[Cue], text: str) -> bool:
    return any(c.found_in(text) for c in cues)


def modality_findings(monographs: Sequence[Monograph], ontology: Graph,
                      lang: str = "en") -> list[Finding]:
    """Warnings for every claim whose modality its words contradict, and one per source
    language without language data (its claims are not checked)."""
    strength = strengths(ontology)
    found: list[Finding] = []
    unknown: set[str] = set()
    split: dict[int, list[tuple[int, int]]] = {}
    files: dict[Path, str] = {}
    for mono in monographs:
        language = load_language(mono.source.meta.language)
        if not language.known:
            if language.tag in unknown:
                continue
            unknown.add(language.tag)
            found.append(Finding(
                focus=f"monograph:{mono.id}", path="dcterms:language", severity="Warning",
                shape=SHAPE, message=message(lang, "unknown_language", tag=language.tag),
                fix=message(lang, "unknown_language_fix", tag=language.tag),
                where=shown(mono.file)))
            continue
        for claim in mono.claims:
            found += claim_findings(claim, language, strength, lang, split, files)
    return found
