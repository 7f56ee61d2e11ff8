"""Terms as N-Triples tokens: the vocabulary, and what the engine knows of literal tokens."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef

from monokg.rdf.ntriples import lexical_error, split_literal

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = f"<{RDF}type>"
SUBCLASS = f"<{RDFS}subClassOf>"

#: Lexical forms that rdflib keeps as they are and reads as valid values, by datatype: for
#: these no rdflib Literal is needed (anything else goes through rdflib, which decides).
_INTEGER = re.compile(r"0|-?[1-9][0-9]*\Z")
_NON_NEGATIVE = re.compile(r"0|[1-9][0-9]*\Z")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_PLAIN_NUMBERS = {f"{XSD}integer": _INTEGER, f"{XSD}nonNegativeInteger": _NON_NEGATIVE,
                  f"{XSD}decimal": _DECIMAL}
_FAST_VALID = {**_PLAIN_NUMBERS, f"{XSD}boolean": re.compile(r"(?:true|false)\Z"),
               f"{XSD}string": re.compile(r".*", re.DOTALL)}


class Unsupported(Exception):
    """The shapes (or the data) need something this engine does not do like pySHACL."""


def term_token(term: Any) -> str:
    """The N-Triples token of an rdflib term, in the spelling the data lines use."""

    if isinstance(term, Literal):
        lexical = str(term).replace("\\", "\\\\").replace('"', '\\"').replace(
            "\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None:
            return f'"{lexical}"^^<{term.datatype}>'
        return f'"{lexical}"'
    return str(term.n3())



class Literals:
    """What the engine needs to know about literal tokens, each worked out once."""

    def __init__(self) -> None:
        self.parts: dict[str, tuple[str, str | None, str | None]] = {}
        self.canon: dict[str, str] = {}
        self.rdflib: dict[str, Any] = {}
        self.ill_typed: set[str] = set()  # ill-typed literal tokens, kept as written

    def split(self, token: str) -> tuple[str, str | None, str | None]:
        """Lexical form (unescaped), language, datatype of a literal token."""
        parts = self.parts.get(token)
        if parts is None:
            parts = self.parts[token] = split_literal(token)
        return parts

    def term(self, token: str) -> Any:
        """The rdflib Literal of a token, as rdflib's parsers make it."""
        term = self.rdflib.get(token)
        if term is None:
            lexical, lang, datatype = self.split(token)
            term = self.rdflib[token] = Literal(lexical, lang=lang) if lang else \
                Literal(lexical, datatype=URIRef(datatype) if datatype else None)
        return term

    def canonical(self, token: str) -> str:
        """The token of the literal rdflib would store: rdflib normalises valid lexical
        forms (01 -> 1, "1"^^xsd:boolean -> true), so two spellings can be one value. An
        ill-typed literal keeps its token: rdflib would repair some ("none"^^xsd:boolean ->
        false), and a repaired value would pass the checks the literal fails."""
        done = self.canon.get(token)
        if done is not None:
            return done
        done = token
        if '"^^<' in token:
            lexical, _, datatype = self.split(token)
            fast = _FAST_VALID.get(datatype or "")
            if fast is None or not fast.match(lexical):
                if self.is_ill_typed(token):
                    self.ill_typed.add(token)
                else:
                    stored = str(self.term(token))
                    if stored != lexical:
                        done = term_token(self.term(token))
                        self.parts[done] = (stored, None, datatype)
        self.canon[token] = done
        return done

    def is_ill_typed(self, token: str) -> bool:
        """Whether a typed literal's lexical form is outside its datatype's lexical space, by
        XML Schema (``"1e10"^^xsd:decimal``) or by rdflib (which pySHACL follows)."""
        lexical, _, datatype = self.split(token)
        return (datatype is not None and lexical_error(lexical, datatype) is not None) or \
            getattr(self.term(token), "ill_typed", None) is True

    def number(self, token: str) -> int | Decimal | None:
        """The value of a plainly written integer or decimal literal, else None."""
        lexical, _, datatype = self.split(token)
        pattern = _PLAIN_NUMBERS.get(datatype or "")
        if pattern is None or not pattern.match(lexical):
            return None
        return Decimal(lexical) if datatype == f"{XSD}decimal" else int(lexical)

    def has_datatype(self, token: str, wanted: str) -> bool:
        """pySHACL's sh:datatype test (ill-typed literals fail; plain literals are
        xsd:string; language-tagged ones rdf:langString)."""
        lexical, lang, datatype = self.split(token)
        if datatype == wanted:
            fast = _FAST_VALID.get(wanted)
            if fast is not None and fast.match(lexical):
                return True
            if self.is_ill_typed(token):
                return False
            return actual_datatype(self.term(token).value, wanted)
        if wanted == f"{RDFS}Literal":
            return True
        if wanted == f"{RDFS}Datatype" and datatype:
            return True
        if datatype is None and lang is None and wanted == f"{XSD}string":
            return True
        return bool(wanted == f"{RDF}langString" and lang)


def actual_datatype(value: Any, datatype: str) -> bool:
    """pySHACL's check that rdflib's value has the Python type of the datatype."""
    checks: dict[str, Any] = {
        f"{XSD}string": (str, bytes), f"{RDF}langString": (str, bytes),
        f"{XSD}integer": int, f"{XSD}float": float, f"{XSD}decimal": Decimal,
        f"{XSD}boolean": bool, f"{XSD}date": date, f"{XSD}time": time,
        f"{XSD}dateTime": datetime}
    kind = checks.get(datatype)
    return True if kind is None else isinstance(value, kind)




def rdflib_term(token: str, literals: Literals) -> Any:
    """The rdflib term of a token, for reporting."""
    if token[0] == "<":
        return URIRef(token[1:-1])
    if token[0] == "_":
        return BNode(token[2:])
    if token in literals.ill_typed:  # shown as written, not as rdflib would repair it
        lexical, _, datatype = literals.split(token)
        assert datatype is not None  # only typed literals are ill-typed
        return Literal(lexical, datatype=URIRef(datatype), normalize=False)
    return literals.term(token)
