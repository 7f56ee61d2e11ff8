"""N-Triples terms as text: IRI and literal tokens spelled exactly as rdflib writes them, and
literal tokens read back (for the engines that work on N-Triples lines).

The graph stage writes its triples straight as N-Triples lines (no rdflib Graph in between),
so the spelling rdflib's N-Triples serializer gives each term is reproduced here, in one place:
the same escaping of literals and the same normalised lexical forms (rdflib rewrites some typed
literals when it makes them, e.g. decimal ``1E3`` becomes ``1000``, duration ``P1W`` becomes
``P7D``). ``tests/test_ntriples.py`` holds these functions to rdflib's own output.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rdflib import Literal, URIRef

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
XSD_DECIMAL = XSD + "decimal"
XSD_INTEGER = XSD + "integer"
XSD_NON_NEGATIVE_INTEGER = XSD + "nonNegativeInteger"
XSD_DURATION = XSD + "duration"

#: Characters an IRI may not hold (rdflib refuses to serialise such an IRI).
_NOT_IN_IRI = re.compile(r'[<>" {}|\\^`]')
#: Characters besides \n and \r that Python's str.splitlines() breaks a line at: rdflib leaves
#: them raw, which would cut a sorted line in two, so they are escaped (valid N-Triples UCHARs).
_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"[{_LINE_BREAKS}]")
_BREAK_ESCAPES = str.maketrans({c: f"\\u{ord(c):04X}" for c in _LINE_BREAKS})
_SPECIAL = re.compile(f'[\\\\"\\n\\r{_LINE_BREAKS}]')
_UNESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))', re.DOTALL)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
            "\\": "\\"}


def iri(value: str) -> str:
    """``<value>``; a character no IRI may hold is an error, as in rdflib."""
    if _NOT_IN_IRI.search(value):
        raise ValueError(f'"{value}" does not look like a valid URI, cannot serialize it')
    return f"<{value}>"


def quote(lexical: str) -> str:
    """A lexical form in double quotes, escaped as rdflib's N-Triples serializer does."""
    if _SPECIAL.search(lexical) is None:  # most literals: nothing to escape
        return f'"{lexical}"'
    escaped = lexical.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"') \
        .replace("\r", "\\r")
    if _BREAK.search(escaped):
        escaped = escaped.translate(_BREAK_ESCAPES)
    return f'"{escaped}"'


def string(lexical: str) -> str:
    """A plain (xsd:string) literal."""
    return quote(lexical)


def lang_string(lexical: str, lang: str) -> str:
    """A language-tagged literal (an empty tag makes a plain literal, as in rdflib)."""
    return f"{quote(lexical)}@{lang}" if lang else quote(lexical)


def boolean(value: bool) -> str:
    """An xsd:boolean literal of a Python bool."""
    return f'"{"true" if value else "false"}"^^<{XSD_BOOLEAN}>'


def integer(value: int, datatype: str = XSD_INTEGER) -> str:
    """An integer literal of a Python int (xsd:integer or a subtype)."""
    return f'"{value}"^^<{datatype}>'


def typed(lexical: str, datatype: str) -> str:
    """A literal of a lexical form and a datatype, normalised as rdflib normalises it."""
    return f"{quote(_normalised(lexical, datatype))}^^<{datatype}>"


def _normalised(lexical: str, datatype: str) -> str:
    if datatype == XSD_DECIMAL:
        try:
            return f"{Decimal(lexical):f}"
        except InvalidOperation:  # ill-typed: rdflib keeps it as written
            return lexical
    if datatype == XSD_STRING:
        return lexical
    return _rdflib_lexical(lexical, datatype)


@lru_cache(maxsize=4096)
def _rdflib_lexical(lexical: str, datatype: str) -> str:
    """The lexical form rdflib gives other datatypes (durations, dates...): asked of rdflib
    itself, since its rules (e.g. PT36H -> P1DT12H) are its own; few distinct values occur."""

    return str(Literal(lexical, datatype=URIRef(datatype)))


def line(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line (without its newline) of three tokens."""
    return f"{subject} {predicate} {obj} ."


def unescape(text: str) -> str:
    """The characters an N-Triples string's escapes stand for (an unknown escape is kept)."""
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16))
                         if m.group(3) is None else _ESCAPES.get(m.group(3), m.group(0)), text)


def split_literal(token: str) -> tuple[str, str | None, str | None]:
    """(lexical form, language, datatype IRI) of an N-Triples literal token."""
    end = token.rindex('"')
    lexical, suffix = unescape(token[1:end]), token[end + 1:]
    if suffix.startswith("@"):
        return lexical, suffix[1:], None
    if suffix.startswith("^^<"):
        return lexical, None, suffix[3:-1]
    return lexical, None, None
