"""What monokg knows about a language, read from one data file per BCP 47 tag.

The files ship with the package (``languages/<tag>.yaml``, described in the README there), so
nothing in the code names a language: adding one is adding a file. A tag without a file gets an
empty ``Language`` (plain sentence splitting, no cues, English messages) and a warning.

This module imports no RDF library: every command's ``--lang`` reads its message catalogue
before anything else, and a command that needs no RDF should not pay for loading rdflib. What
ties a language to the ontology (its cues as triples, the terms its tables name) is in
``monokg.curate.cues``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from monokg.curate.yamlio import Node, load_yaml, text_field, text_list
from monokg.model.errors import InputError

LANGUAGES_DIR = Path(__file__).parent / "languages"
PACKAGE = Path(__file__).parents[1]
FALLBACK = "en"
LANGUAGE_KEYS = {"name", "abbreviations", "hedges", "negations", "changes", "sections", "dose",
                 "ontology_page", "product_page", "messages"}
#: The keys of ``changes``: the direction a word gives the level or state a mention names.
CHANGES = ("Increase", "Decrease")
DOSE_PHRASES = ("up_to", "at_least", "per_body_mass", "per_day", "per_period")

# BCP 47 (RFC 5646) syntax: language[-script][-region]*(-variant)*(-extension)[-privateuse],
# or a private-use tag; irregular grandfathered tags are not accepted.
_BCP47 = re.compile(
    r"(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"
    r"|x(?:-[a-z0-9]{1,8})+)", re.IGNORECASE)


def bcp47_ok(tag: str) -> bool:
    """A reasonable syntax check of a BCP 47 language tag (RFC 5646)."""
    return bool(_BCP47.fullmatch(tag))


@dataclass(frozen=True)
class Cue:
    """A word or phrase of a language that signals something, with the file line it is on."""

    text: str
    meaning: str
    line: int

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Whole words only: "kan" must not match "kanker", nor "no" "not". Compiled on first
        use: every check reads the cues of every language (the ontology lists them), and
        searches with those of its sources' languages only."""
        return re.compile(rf"(?<!\w){re.escape(self.text)}(?!\w)", re.IGNORECASE)

    def found_in(self, text: str) -> bool:
        return bool(self.pattern.search(text))


def _cue(text: str, meaning: str, line: int) -> Cue:
    return Cue(text, meaning, line)


@dataclass(frozen=True)
class Language:
    """A language's abbreviations, cues, section names, dose phrases, captions and messages."""

    tag: str
    file: Path | None = None
    name: str = ""
    abbreviations: tuple[str, ...] = ()
    hedges: tuple[Cue, ...] = ()
    negations: tuple[Cue, ...] = ()
    #: words that say a level or state is raised or lowered ("verhoogde", "low")
    changes: tuple[Cue, ...] = ()
    #: printed heading (casefolded) -> claim kind name
    sections: dict[str, str] = field(default_factory=dict)
    dose: dict[str, str] = field(default_factory=dict)
    #: captions of the ontology's documentation page in this language
    ontology_page: dict[str, str] = field(default_factory=dict)
    #: words of a shop's product page in this language (labels, availability, dose phrases
    #: beyond ``dose``); a missing word falls back to English
    product_page: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    #: the hedges and sections tables as read, for checks that name a line of the file
    lines: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)

    @property
    def known(self) -> bool:
        """Whether a data file describes this language."""
        return self.file is not None


def language_file(tag: str, folder: Path = LANGUAGES_DIR) -> Path | None:
    """The data file for a tag: the full tag first, then shorter prefixes (en-GB, then en)."""
    parts = tag.split("-")
    for n in range(len(parts), 0, -1):
        path = folder / f"{'-'.join(parts[:n]).lower()}.yaml"
        if path.is_file():
            return path
    return None


def known_tags(folder: Path = LANGUAGES_DIR) -> list[str]:
    """Tags of every language with a data file."""
    return sorted(p.stem for p in folder.glob("*.yaml"))


@cache
def load_language(tag: str, folder: Path = LANGUAGES_DIR) -> Language:
    """The language of a tag; an empty one (``known`` false) when no file describes it."""
    path = language_file(tag, folder)
    if path is None:
        return Language(tag)
    node = load_yaml(path)
    if not isinstance(node, Node):
        raise InputError("expected a mapping of language data", path, 1,
                         fix=f"see {LANGUAGES_DIR.name}/README.md for the keys")
    unknown = sorted(set(node) - LANGUAGE_KEYS)
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}", path, node.line_of(unknown[0]),
                         fix=f"use only {', '.join(sorted(LANGUAGE_KEYS))}")
    table = _mapping(node, "hedges", path)
    hedges = [_cue(text, modality, table.line_of(modality))
              for modality in table for text in text_list(table, modality, path, "hedges")]
    negations = [_cue(text, "negation", node.line_of("negations"))
                 for text in text_list(node, "negations", path, "the language")]
    change_table = _mapping(node, "changes", path)
    unknown = sorted(set(change_table) - set(CHANGES))
    if unknown:
        raise InputError(f"unknown change(s) {', '.join(unknown)}", path,
                         change_table.line_of(unknown[0]), fix=f"use {' or '.join(CHANGES)}")
    changes = [_cue(text, change, change_table.line_of(change))
               for change in change_table for text in text_list(change_table, change, path,
                                                                "changes")]
    sections = _mapping(node, "sections", path)
    dose = _mapping(node, "dose", path)
    missing = [k for k in DOSE_PHRASES if k not in dose] if dose else []
    if missing:
        raise InputError(f"dose phrase(s) missing: {', '.join(missing)}", path,
                         node.line_of("dose"), fix=f"give all of {', '.join(DOSE_PHRASES)}")
    captions = _mapping(node, "ontology_page", path)
    shop_words = _mapping(node, "product_page", path)
    messages = _mapping(node, "messages", path)
    return Language(
        tag=tag, file=path, name=text_field(node, "name", path, "the language", tag),
        abbreviations=tuple(text_list(node, "abbreviations", path, "the language")),
        hedges=tuple(hedges), negations=tuple(negations), changes=tuple(changes),
        sections={k.casefold(): text_field(sections, k, path, "a section name")
                  for k in sections},
        dose={k: text_field(dose, k, path, "a dose phrase") for k in dose},
        ontology_page={k: text_field(captions, k, path, "a caption") for k in captions},
        product_page={k: text_field(shop_words, k, path, "a product page word")
                      for k in shop_words},
        messages={k: text_field(messages, k, path, "a message") for k in messages},
        lines={"hedges": table, "sections": sections})


def _mapping(node: Node, key: str, path: Path) -> Node:
    value = node.get(key)
    if value is None:
        empty = Node()
        empty.key_lines, empty.written = {}, {}
        return empty
    if not isinstance(value, Node):
        raise InputError(f"'{key}' must be a mapping", path, node.line_of(key),
                         fix=f"write '{key}:' followed by indented 'name: value' lines")
    return value


def message(lang: str, key: str, **values: object) -> str:
    """A message of the catalogue in ``lang``, else in English, with its values filled in."""
    for tag in (lang, FALLBACK):
        text = load_language(tag).messages.get(key)
        if text is not None:
            return text.format(folder=LANGUAGES_DIR.relative_to(PACKAGE.parent), **values)
    raise KeyError(f"no message {key!r} in the English catalogue")


def catalogued_error(key: str, file: Path | None, line: int | None,
                     **values: str) -> InputError:
    """An input error worded by the English catalogue (``<key>`` and ``<key>_fix``), keyed
    so the command line can say it in another language."""
    english = load_language(FALLBACK).messages
    fix = english.get(f"{key}_fix")
    return InputError(message(FALLBACK, key, **values), file, line,
                      fix=fix.format(folder=LANGUAGES_DIR.relative_to(PACKAGE.parent), **values)
                      if fix is not None else None, key=key, values=values)
