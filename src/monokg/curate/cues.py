"""A language's data against the ontology: its hedge cues as triples, its tables' terms checked.

Apart from ``monokg.curate.language`` so that reading a message catalogue (every command's
``--lang``) does not import rdflib.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from monokg.curate.language import (
    LANGUAGES_DIR,
    Language,
    catalogued_error,
    known_tags,
    load_language,
)
from monokg.curate.vocabulary import Vocabulary
from monokg.model.namespaces import MKG


def check_language(language: Language, vocabulary: Vocabulary) -> None:
    """Every modality a hedge names and every claim kind a section names is the ontology's."""
    for key, known, what in (("hedges", vocabulary.modalities, "modality"),
                             ("sections", vocabulary.claim_kinds, "claim kind")):
        table = language.lines.get(key)
        for name, value in (table or {}).items():
            term = name if key == "hedges" else value
            if term not in known:
                raise catalogued_error("language_term_unknown", language.file,
                                       table.line_of(name) if table else None, table=key,
                                       term=term, what=what, known=", ".join(sorted(known)))


def cue_triples(folder: Path = LANGUAGES_DIR) -> list[tuple[URIRef, URIRef, Literal]]:
    """Every language's hedge cues as ``mkg:cue`` triples on the modalities they signal."""
    return sorted((MKG[cue.meaning], MKG.cue, Literal(cue.text, lang=tag))
                  for tag in known_tags(folder) for cue in load_language(tag, folder).hedges)
