"""N-Triples terms as text, spelled by one set of rules, and literal tokens read back.

Every writer of the release (N-Triples, N-Quads, TriG, Turtle, JSON-LD) takes its literals from
these lines, so this module alone decides how a literal is written:

- the lexical form is kept exactly as given: no number, boolean or duration is rewritten to a
  canonical form (``"1"^^xsd:decimal`` stays ``"1"``, ``P1W`` stays ``P1W``); ``typed`` refuses
  a lexical form outside its XSD datatype's lexical space instead of repairing it;
- a language tag is checked and written in lower case (RDF 1.1 Concepts 3.3: tags compare
  case-insensitively and may be lowercased), the spelling pyoxigraph gives every tag it reads;
- ``xsd:string`` is written as a plain literal (the canonical N-Triples form of RDF 1.1, where
  the two are one literal), as pyoxigraph and the JSON-LD writer write it;
- a line break Python's ``str.splitlines`` knows besides LF and CR is escaped, so a triple is
  always one line; a lone surrogate (no Unicode character, not encodable) is refused;
- an IRI that is not a valid absolute IRI (RFC 3987, as pyoxigraph checks it) is refused.

``tests/test_ntriples.py`` holds these rules to pyoxigraph's reading and to the W3C suite.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
XSD_DECIMAL = XSD + "decimal"
XSD_INTEGER = XSD + "integer"
XSD_NON_NEGATIVE_INTEGER = XSD + "nonNegativeInteger"
XSD_DURATION = XSD + "duration"

#: Characters besides \n and \r that Python's str.splitlines() breaks a line at: left raw they
#: would cut a sorted line in two, so they are escaped (valid N-Triples UCHARs).
_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"[{_LINE_BREAKS}]")
_BREAK_ESCAPES = str.maketrans({c: f"\\u{ord(c):04X}" for c in _LINE_BREAKS})
_SPECIAL = re.compile(f'[\\\\"\\n\\r{_LINE_BREAKS}\ud800-\udfff]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))', re.DOTALL)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
            "\\": "\\"}
#: A language tag as N-Triples and Turtle read it (LANGTAG).
_LANGUAGE = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z")


def iri(value: str) -> str:
    """``<value>``; anything but a valid absolute IRI is a ValueError."""
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid IRI: {exc}") from None
    return f"<{value}>"


def quote(lexical: str) -> str:
    """A lexical form in double quotes, escaped as the module says."""
    if _SPECIAL.search(lexical) is None:  # most literals: nothing to escape
        return f'"{lexical}"'
    surrogate = _SURROGATE.search(lexical)
    if surrogate:
        raise ValueError(f"{lexical!r} holds a lone surrogate (U+{ord(surrogate.group()):04X} "
                         f"at character {surrogate.start()}), which is no Unicode character")
    escaped = lexical.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"') \
        .replace("\r", "\\r")
    if _BREAK.search(escaped):
        escaped = escaped.translate(_BREAK_ESCAPES)
    return f'"{escaped}"'


def escape_breaks(text: str) -> str:
    """N-Triples text with the line breaks of the module's list escaped (a no-op on lines
    this module spelled; rdflib's spelling leaves them raw)."""
    return text.translate(_BREAK_ESCAPES) if _BREAK.search(text) else text


def string(lexical: str) -> str:
    """A plain (xsd:string) literal."""
    return quote(lexical)


def lang_string(lexical: str, lang: str) -> str:
    """A language-tagged literal, its tag lowercased (an empty tag makes a plain literal)."""
    if not lang:
        return quote(lexical)
    if not _LANGUAGE.match(lang):
        raise ValueError(f"{lang!r} is not a language tag (e.g. en, nl, en-GB)")
    return f"{quote(lexical)}@{lang.lower()}"


def boolean(value: bool) -> str:
    """An xsd:boolean literal of a Python bool."""
    return f'"{"true" if value else "false"}"^^<{XSD_BOOLEAN}>'


def integer(value: int, datatype: str = XSD_INTEGER) -> str:
    """An integer literal of a Python int (xsd:integer or a subtype)."""
    return typed(str(value), datatype)


def typed(lexical: str, datatype: str) -> str:
    """A literal of a lexical form, kept as written, and a datatype; a lexical form outside
    the datatype's lexical space is a ValueError (`lexical_error` says why)."""
    why = lexical_error(lexical, datatype)
    if why is not None:
        raise ValueError(why)
    if datatype == XSD_STRING:
        return quote(lexical)
    return f"{quote(lexical)}^^{_datatype(datatype)}"


@lru_cache(maxsize=256)
def _datatype(value: str) -> str:
    """The token of a datatype IRI, checked once (few datatypes occur, many times each)."""
    return iri(value)


def literal(lexical: str, language: str | None, datatype: str | None) -> str:
    """The token of any literal, well-typed or not (as read from third-party data)."""
    if language:
        return lang_string(lexical, language)
    if datatype is None or datatype == XSD_STRING:
        return quote(lexical)
    return f"{quote(lexical)}^^{iri(datatype)}"


def token(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> str:
    """The token of a pyoxigraph term, spelled by this module's rules (pyoxigraph's own
    spelling leaves U+2028 and the like raw)."""
    if isinstance(term, ox.Literal):
        return literal(term.value, term.language, term.datatype.value)
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return str(term)
    raise ValueError(f"{term} is no RDF 1.1 term")


def triple_line(triple: ox.Triple | ox.Quad) -> str:
    """One N-Triples line (without its newline) of a pyoxigraph triple."""
    return f"{token(triple.subject)} {token(triple.predicate)} {token(triple.object)} ."


def line(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line (without its newline) of three tokens."""
    return f"{subject} {predicate} {obj} ."


#: How a line ends whose literal is typed xsd:string explicitly (rdflib's spelling).
STRING_TYPED_END = f'"^^<{XSD_STRING}> .'


#: What follows an explicitly xsd:string-typed literal's lexical form.
STRING_DATATYPE = f"^^<{XSD_STRING}>"


class ExplicitString(Exception):
    """A writer met a literal typed xsd:string explicitly (rdflib's spelling): it writes the
    document again from `canonical_line`s (looking for one in every line first cost more
    than this rare second pass)."""


def canonical_line(line: str) -> str:
    """A line with an explicit ``^^xsd:string`` dropped, as every writer writes it."""
    if line.endswith(STRING_TYPED_END):
        return line[:len(line) - len(STRING_TYPED_END) + 1] + " ."
    return line


_DIGITS = "[0-9]+"
_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_DATE = _YEAR + r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_DAY_TIME = r"(?:[0-9]+D)?(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?"
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
#: The lexical space of each XSD datatype checked (XML Schema 1.1 Part 2), as a full match;
#: other datatypes (strings, IRIs, datatypes of other vocabularies) take any lexical form.
_LEXICAL = {XSD + name: re.compile(f"(?:{pattern})\\Z") for name, pattern in {
    "boolean": "true|false|1|0",
    "decimal": _DECIMAL,
    "integer": r"[+-]?[0-9]+",
    "double": rf"{_DECIMAL}(?:[Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "float": rf"{_DECIMAL}(?:[Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "duration": rf"-?P(?=[0-9]|T[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?{_DAY_TIME}",
    "dayTimeDuration": rf"-?P(?=[0-9]|T[0-9]){_DAY_TIME}",
    "yearMonthDuration": r"-?P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?",
    "date": _DATE + _TZ,
    "dateTime": rf"{_DATE}T{_TIME}{_TZ}",
    "time": _TIME + _TZ,
    "gYear": _YEAR + _TZ,
    "gYearMonth": rf"{_YEAR}-(?:0[1-9]|1[0-2]){_TZ}",
}.items()}
#: Integer datatypes: (lowest, highest) value, None for no bound.
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    XSD + "integer": (None, None), XSD + "nonNegativeInteger": (0, None),
    XSD + "positiveInteger": (1, None), XSD + "nonPositiveInteger": (None, 0),
    XSD + "negativeInteger": (None, -1), XSD + "long": (-2**63, 2**63 - 1),
    XSD + "int": (-2**31, 2**31 - 1), XSD + "short": (-2**15, 2**15 - 1),
    XSD + "byte": (-2**7, 2**7 - 1), XSD + "unsignedLong": (0, 2**64 - 1),
    XSD + "unsignedInt": (0, 2**32 - 1), XSD + "unsignedShort": (0, 2**16 - 1),
    XSD + "unsignedByte": (0, 2**8 - 1)}
_DAY_OF = re.compile(r"-?([0-9]+)-([0-9]{2})-([0-9]{2})")


def lexical_error(lexical: str, datatype: str) -> str | None:
    """Why a lexical form is not in its XSD datatype's lexical space (the literal would be
    ill-typed), or None where it is (or the datatype is not one checked here)."""
    bounds = _INTEGER_RANGES.get(datatype)
    pattern = _LEXICAL[XSD_INTEGER] if bounds is not None else _LEXICAL.get(datatype)
    if pattern is None:
        return None
    if not pattern.match(lexical):
        return f"{lexical!r} is not a valid xsd:{datatype[len(XSD):]} (ill-typed literal)"
    if bounds is not None:
        low, high = bounds
        if (low is not None and int(lexical) < low) or (high is not None and int(lexical) > high):
            return f"{lexical!r} is outside the values of xsd:{datatype[len(XSD):]} " \
                "(ill-typed literal)"
    elif datatype in (XSD + "date", XSD + "dateTime"):
        match = _DAY_OF.match(lexical)
        assert match is not None  # the pattern above matched
        year, month, day = (int(g) for g in match.groups())
        if day > _days_in(year if lexical[0] != "-" else -year, month):
            return f"{lexical!r} names no day of the calendar (ill-typed literal)"
    return None


def _days_in(year: int, month: int) -> int:
    """Days in a month of the proleptic Gregorian calendar XSD 1.1 uses (year 0 a leap year)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def unescape(text: str) -> str:
    """The characters an N-Triples string's escapes stand for (an unknown escape is kept)."""
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16))
                         if m.group(3) is None else _ESCAPES.get(m.group(3), m.group(0)), text)


def literal_parts(token: str) -> tuple[str, str]:
    """(lexical form, what follows it: ``@tag``, ``^^<datatype>`` or "") of an N-Triples
    literal token (the writers keep the tag or datatype as a key of what they made of it)."""
    if token[-1] == '"':  # most literals: plain
        lexical, suffix = token[1:-1], ""
    else:
        end = token.rindex('"')
        lexical, suffix = token[1:end], token[end + 1:]
    return (unescape(lexical) if "\\" in lexical else lexical), suffix


def split_literal(token: str) -> tuple[str, str | None, str | None]:
    """(lexical form, language, datatype IRI) of an N-Triples literal token."""
    lexical, suffix = literal_parts(token)
    if suffix.startswith("@"):
        return lexical, suffix[1:], None
    if suffix.startswith("^^<"):
        return lexical, None, suffix[3:-1]
    return lexical, None, None
