"""Stage 4: reason over the ontology plus the data: HermiT on the ontology, a direct check of the data.

The ontology types what claims link to by the role they play (a relation's domain and range),
and declares which kinds of thing can never be the same. Reasoning finds what no single shape
sees: a compound used as a condition, a claim used as a paragraph.

Speed: HermiT (the copy bundled with owlready2) runs on the ontology alone, once per ontology
(``check_ontology``: unsatisfiable classes, an inconsistent ontology); the data is checked
directly (``check_data_lines``), a single pass over its N-Triples lines. Where the direct check
does not apply, HermiT runs on ontology plus data as before (``check_consistency``), asked for
one task, classification, and given every axiom and fact (``to_reasoning_input`` leaves out
only literals no axiom can use).

Why the direct check gives HermiT's verdict
-------------------------------------------
``axioms_outside_direct_check`` accepts an ontology only if every triple is a declaration, an
annotation, rdfs:subClassOf or owl:disjointWith between named classes, rdfs:subPropertyOf
between two properties of one kind, rdfs:domain (a named class), rdfs:range (a named class for
an object property; rdfs:Literal, rdf:PlainLiteral, xsd:string, xsd:boolean, xsd:decimal or an
xsd integer type for a datatype property), owl:FunctionalProperty, or a fact about named
individuals (a type, a property value, owl:sameAs, owl:differentFrom). It has no blank node, so
no class expression. Such an ontology O is in OWL 2 RL, and so is O plus the data's facts D; by
Theorem PR1 of the OWL 2 Profiles specification, O + D is inconsistent exactly when the OWL 2
RL/RDF rules derive false from it. For these axioms the rules that derive facts are cax-sco,
prp-spo1, prp-dom, prp-rng (types), prp-fp, eq-sym/trans/rep-* (merges); those that derive
false are cax-dw, cls-nothing2, eq-diff1, prp-fp on two different data values, and dt-not-type.
The check computes that closure: a node's types are its stated types, the domains of the
properties (and their super-properties) it is the subject of and the ranges of those it is the
object of, closed under subclass; nodes made the same by owl:sameAs or by two objects of one
functional property pool their types and values, to a fixpoint. O + D is inconsistent iff a
(merged) node has two disjoint types or owl:Nothing, two different values of a functional
datatype property, is owl:differentFrom itself, or a literal lies outside its property's
datatype range. O's own facts join D, so O's individuals are checked with the data. Like
HermiT, the check ignores literals of properties not declared datatype properties (the OWL API
reads them as annotations: no axiom of such an O makes the property a datatype property), and
annotation properties (their domains and ranges mean nothing in OWL 2, and HermiT ignores
them). PR1 also assumes no IRI names two kinds of entity; a term also used as an individual
(punning) is harmless, because under the direct semantics HermiT implements the individual and
the term are unrelated, and the check gives types only to individuals.

The ontology's own contradictions are found once by HermiT on O alone (``check_ontology``). A
consistent O + D has the same unsatisfiable classes as O: without nominals, facts do not change
subsumptions. So "HermiT on O once, direct check on D" gives the verdict of HermiT on O + D.

Everything else goes to HermiT: an ontology with any other axiom (named by
``axioms_outside_direct_check``); data with schema triples (owl:/rdfs: terms other than rdf:type,
labels, comments, owl:sameAs, owl:differentFrom), or a literal whose value the check does not
model (datatypes of the OWL 2 datatype map other than strings, booleans, decimals and integers;
a boolean other than true/false/1/0; a number with spaces; a value of a datatype outside the map
among others of a functional property), where ``check_data_lines`` raises OutsideDirectCheck.

Datatypes outside the OWL 2 datatype map (xsd:duration, which the data uses for periods;
rdf:langString; an rdfs:Datatype the ontology names but does not define) are for values only.
HermiT runs with ``--ignoreUnsupportedDatatypes``, and then reads such a datatype as one that
holds every value: a range on it can never fail, and a facet on it stops HermiT. So a literal
of such a datatype is accepted by both the check and HermiT (it types its subject by the
property's domain and satisfies any range: here both follow HermiT, not the specification),
but an axiom that uses such a datatype (a range, a facet, a data range, such a literal inside
an axiom) is refused before HermiT runs (``unsupported_datatypes``; an InputError, exit 2),
on either path: the direct check hands every range it does not model to HermiT. A malformed
literal (``"abc"^^xsd:integer``) is a finding of the direct check; HermiT stops on it, and a
HermiT that stops is an InputError naming the triples its message names (exit 2), never a
pass.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from monokg.check.reference import hermit_command
from monokg.model.curies import compact
from monokg.model.errors import Finding, InputError, NonConformance
from monokg.rdf.graphs import graph_of, ntriples_lines
from monokg.rdf.ntriples import split_literal

#: JVM options that trade peak speed for start-up time: HermiT runs once, for about a second.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")
HERMIT_TIMEOUT_S = 300
_NOTHING = str(OWL.Nothing)
#: rdflib's namespace attributes are slow to look up; these run for every ontology triple.
_TYPE = RDF.type
_SUBCLASS = RDFS.subClassOf
_DISJOINT = OWL.disjointWith
_SUBPROPERTY = RDFS.subPropertyOf
_DOMAIN = RDFS.domain
_RANGE = RDFS.range
_SAME_AS = OWL.sameAs
_DIFFERENT_FROM = OWL.differentFrom
_OBJECT_PROPERTY = OWL.ObjectProperty
_DATATYPE_PROPERTY = OWL.DatatypeProperty
_ANNOTATION_PROPERTY = OWL.AnnotationProperty
_FUNCTIONAL = OWL.FunctionalProperty
_THING = OWL.Thing
_NOTHING_CLASS = OWL.Nothing
_RDFS_LITERAL = RDFS.Literal
_EQUIVALENT = re.compile(r"EquivalentClasses\(([^)]*)\)")

_OWL, _RDF, _RDFS, _XSD = str(OWL), str(RDF), str(RDFS), str(XSD)
_RESERVED = (_OWL, _RDF, _RDFS, _XSD)
#: Declarations: they name a term and say nothing about individuals.
_DECLARATIONS = {OWL.Class, _OBJECT_PROPERTY, _DATATYPE_PROPERTY, _ANNOTATION_PROPERTY,
                 OWL.NamedIndividual, OWL.Ontology}
#: Annotation properties every OWL ontology may use without declaring them.
_BUILTIN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy,
                        OWL.versionInfo, OWL.versionIRI, OWL.deprecated, OWL.priorVersion,
                        OWL.backwardCompatibleWith, OWL.incompatibleWith}
#: Types a data node may state that add nothing (every individual is a named owl:Thing).
_NO_OP_TYPES = {f"<{_THING}>", f"<{OWL.NamedIndividual}>"}

#: xsd integer types: (lowest, highest) value, None where unbounded.
_INTEGER_TYPES: dict[str, tuple[int | None, int | None]] = {
    f"{_XSD}integer": (None, None), f"{_XSD}nonNegativeInteger": (0, None),
    f"{_XSD}positiveInteger": (1, None), f"{_XSD}nonPositiveInteger": (None, 0),
    f"{_XSD}negativeInteger": (None, -1), f"{_XSD}long": (-2**63, 2**63 - 1),
    f"{_XSD}int": (-2**31, 2**31 - 1), f"{_XSD}short": (-2**15, 2**15 - 1),
    f"{_XSD}byte": (-2**7, 2**7 - 1), f"{_XSD}unsignedLong": (0, 2**64 - 1),
    f"{_XSD}unsignedInt": (0, 2**32 - 1), f"{_XSD}unsignedShort": (0, 2**16 - 1),
    f"{_XSD}unsignedByte": (0, 2**8 - 1)}
_STRING, _LANG_STRING = f"{_XSD}string", f"{_RDF}langString"
_BOOLEAN, _DECIMAL = f"{_XSD}boolean", f"{_XSD}decimal"
_LITERAL, _PLAIN_LITERAL = f"{_RDFS}Literal", f"{_RDF}PlainLiteral"
#: Datatype ranges the direct check decides.
_CHECKED_RANGES = {_LITERAL, _PLAIN_LITERAL, _STRING, _BOOLEAN, _DECIMAL, *_INTEGER_TYPES}
#: The rest of the OWL 2 datatype map: HermiT checks these values, the direct check does not.
_OTHER_OWL_DATATYPES = {f"{_OWL}real", f"{_OWL}rational", f"{_RDF}XMLLiteral", _PLAIN_LITERAL,
                        _LITERAL,
                        *(f"{_XSD}{name}" for name in (
                            "double", "float", "normalizedString", "token", "language", "Name",
                            "NCName", "NMTOKEN", "hexBinary", "base64Binary", "anyURI",
                            "dateTime", "dateTimeStamp"))}
#: The OWL 2 datatype map: the datatypes HermiT supports (``unsupported_datatypes``).
_OWL2_DATATYPES = frozenset(_CHECKED_RANGES | _OTHER_OWL_DATATYPES)
_DECIMAL_FORM = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_INTEGER_FORM = re.compile(r"[+-]?[0-9]+")
#: The value of a literal whose datatype HermiT ignores (outside the OWL 2 datatype map).
_ANY_VALUE = ("any",)
_IRI_TOKEN = re.compile(r"<[^<>]*>")


class OutsideDirectCheck(Exception):
    """The data holds something the direct check does not decide: run HermiT on it."""


def _label(graph: Graph, node: URIRef) -> str:
    return compact(node, graph)


def _supers(ontology: Graph, cls: URIRef) -> set[URIRef]:
    return {c for c in ontology.transitive_objects(cls, _SUBCLASS) if isinstance(c, URIRef)}


def _reserved(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_RESERVED)


def _named_class(term: object) -> bool:
    return isinstance(term, URIRef) and not _reserved(term)


def axioms_outside_direct_check(ontology: Graph) -> list[str]:
    """The ontology's axioms the direct check does not cover (empty: it decides the data).

    An allowlist: each triple must be of a kind the module docstring lists; anything else is
    named, and the data is then reasoned over by HermiT with the ontology."""
    kinds: dict[Node, set[Node]] = {}
    for s, o in ontology.subject_objects(_TYPE):
        if isinstance(s, URIRef) and o in (_OBJECT_PROPERTY, _DATATYPE_PROPERTY,
                                            _ANNOTATION_PROPERTY):
            kinds.setdefault(s, set()).add(o)
    kind = {p: next(iter(k)) if len(k) == 1 else None for p, k in kinds.items()}
    objects = {p for p, k in kind.items() if k == _OBJECT_PROPERTY}
    data = {p for p, k in kind.items() if k == _DATATYPE_PROPERTY}
    found: set[str] = {f"{compact(p, ontology)} declared as more than one kind of property"
                       for p, k in kind.items() if k is None}

    def outside(s: object, p: object, o: object, why: str) -> None:
        found.add(f"{compact(s, ontology)} {compact(p, ontology)} {compact(o, ontology)}: {why}")

    for s, p, o in ontology:
        if isinstance(s, BNode) or isinstance(o, BNode):
            outside(s, p, o, "a blank node (class expression, list or restriction)")
        elif p == _TYPE:
            if o == _FUNCTIONAL:
                if s not in objects and s not in data:
                    outside(s, p, o, "functional, but not declared an object or datatype "
                            "property")
            elif _reserved(o) and o not in _DECLARATIONS:
                outside(s, p, o, "an axiom kind the direct check does not cover")
        elif p == _SUBCLASS:
            if not (_named_class(s) and (_named_class(o) or o in (_THING, _NOTHING_CLASS))):
                outside(s, p, o, "a subclass axiom on a built-in class")
        elif p == _DISJOINT:
            if not (_named_class(s) and _named_class(o)):
                outside(s, p, o, "disjointness with a built-in class")
        elif p == _SUBPROPERTY:
            if not (s in kind and kind.get(o) == kind[s] and kind[s] is not None):
                outside(s, p, o, "a sub-property of a property of another kind")
        elif p in (_DOMAIN, _RANGE):
            if kind.get(s) == _ANNOTATION_PROPERTY:
                continue  # no meaning in OWL 2: HermiT ignores it
            if s in objects or (s in data and p == _DOMAIN):
                if not (_named_class(o) or o == _THING):
                    outside(s, p, o, "not a named class")
            elif s in data:
                if str(o) not in _CHECKED_RANGES:
                    outside(s, p, o, "a datatype the direct check does not cover")
            else:
                outside(s, p, o, "on a property not declared an object or datatype property")
        elif p in (_SAME_AS, _DIFFERENT_FROM):
            if not isinstance(o, URIRef):
                outside(s, p, o, "not between named individuals")
        elif p in _BUILTIN_ANNOTATIONS or kind.get(p) == _ANNOTATION_PROPERTY:
            continue
        elif p in data:
            if not isinstance(o, Literal):
                outside(s, p, o, "a datatype property with an IRI value")
        elif _reserved(p):
            outside(s, p, o, "an axiom kind the direct check does not cover")
    return sorted(found)


@dataclass
class _Action:
    """What a data triple with one predicate does: types it adds, values it constrains."""

    predicate: str  # the N-Triples token
    is_data: bool
    domains: tuple[str, ...] = ()
    ranges: tuple[str, ...] = ()  # classes (object property) or datatype IRIs
    functional: tuple[str, ...] = ()  # the functional properties it is a sub-property of
    subject_why: str = ""
    object_why: str = ""


#: A predicate the check has not classified yet.
_UNSEEN = _Action("", False)


@dataclass
class _Schema:
    """The ontology compiled for the direct check (N-Triples tokens throughout)."""

    ontology: Graph
    supers: dict[str, frozenset[str]]
    disjoint: dict[str, frozenset[str]]
    actions: dict[str, _Action | None]
    facts: list[str]  # the ontology's own facts about individuals, as N-Triples lines
    annotation: frozenset[str] = field(default_factory=frozenset)


def _token(term: URIRef) -> str:
    return f"<{term}>"


def _schema(ontology: Graph) -> _Schema:

    def of_type(kind: URIRef) -> set[URIRef]:
        return {s for s in ontology.subjects(_TYPE, kind) if isinstance(s, URIRef)}

    objects, data = of_type(_OBJECT_PROPERTY), of_type(_DATATYPE_PROPERTY)
    functional = of_type(_FUNCTIONAL)
    classes = {c for c in ontology.subjects(_SUBCLASS) if isinstance(c, URIRef)}
    supers = {_token(c): frozenset(_token(s) for s in _supers(ontology, c)) for c in classes}
    disjoint: dict[str, set[str]] = {}
    for a, b in ontology.subject_objects(_DISJOINT):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            disjoint.setdefault(_token(a), set()).add(_token(b))
            disjoint.setdefault(_token(b), set()).add(_token(a))
    actions: dict[str, _Action | None] = {}
    for prop in objects | data:
        ups = {q for q in ontology.transitive_objects(prop, _SUBPROPERTY)
               if isinstance(q, URIRef)}
        actions[_token(prop)] = _Action(
            _token(prop), prop in data,
            domains=tuple(sorted({_token(c) for q in ups for c in ontology.objects(q, _DOMAIN)
                                  if isinstance(c, URIRef) and c != _THING})),
            # Only datatypes the check models: explaining a HermiT verdict on an ontology
            # outside the check must skip the others (a defined datatype, xsd:double).
            ranges=tuple(sorted({_token(c) if prop in objects else str(c)
                                 for q in ups for c in ontology.objects(q, _RANGE)
                                 if isinstance(c, URIRef) and c not in (_THING, _RDFS_LITERAL)
                                 and (prop in objects or str(c) in _CHECKED_RANGES)})),
            functional=tuple(sorted(_token(q) for q in ups if q in functional)),
            subject_why=f"subject of {_token(prop)}", object_why=f"object of {_token(prop)}")
    facts = Graph()
    for s, p, o in ontology:
        if (p == _TYPE and not _reserved(o)) or p in (_SAME_AS, _DIFFERENT_FROM) or \
                (p in objects and not isinstance(o, Literal)) or (p in data and isinstance(o, Literal)):
            facts.add((s, p, o))
    return _Schema(ontology, supers, {c: frozenset(d) for c, d in disjoint.items()}, actions,
                   ntriples_lines(facts),
                   frozenset(_token(p) for p in of_type(_ANNOTATION_PROPERTY)))


class _Malformed(ValueError):
    """A lexical form outside its datatype's lexical space."""


def _value(lexical: str, lang: str | None, datatype: str | None) -> tuple[object, ...]:
    """The literal's value as HermiT compares them; raise _Malformed or OutsideDirectCheck."""
    if lang is not None:
        return ("text", lexical, lang.lower())
    if datatype is None or datatype == _STRING:
        return ("text", lexical, "")
    if datatype == _BOOLEAN:
        if lexical in ("true", "1", "false", "0"):
            return ("boolean", lexical in ("true", "1"))
        raise OutsideDirectCheck(f'the boolean "{lexical}"')
    bounds = _INTEGER_TYPES.get(datatype)
    if bounds is not None or datatype == _DECIMAL:
        if lexical != lexical.strip():
            raise OutsideDirectCheck(f'the number "{lexical}" with spaces')
        form = _INTEGER_FORM if bounds is not None else _DECIMAL_FORM
        if not form.fullmatch(lexical):
            raise _Malformed(lexical)
        number = Fraction(lexical)
        low, high = bounds or (None, None)
        if (low is not None and number < low) or (high is not None and number > high):
            raise _Malformed(lexical)
        return ("number", number)
    if datatype in _OTHER_OWL_DATATYPES:
        raise OutsideDirectCheck(f"a literal of {datatype}")
    return _ANY_VALUE


def _in_datatype(value: tuple[object, ...], datatype: str) -> bool:
    kind = value[0]
    if kind == "any" or datatype == _LITERAL:
        return True
    if datatype == _PLAIN_LITERAL:
        return kind == "text"
    if datatype == _STRING:
        return kind == "text" and value[2] == ""
    if datatype == _BOOLEAN:
        return kind == "boolean"
    if datatype == _DECIMAL:
        return kind == "number"
    low, high = _INTEGER_TYPES[datatype]
    number = value[1]
    return kind == "number" and isinstance(number, Fraction) and number.denominator == 1 and \
        (low is None or number >= low) and (high is None or number <= high)


def _show(token: str, schema: _Schema) -> str:
    return compact(URIRef(token[1:-1]), schema.ontology) if token.startswith("<") else token


def _why(why: str, schema: _Schema) -> str:
    """A reason in curator words: the IRIs in it shortened."""
    return _IRI_TOKEN.sub(lambda match: _show(match.group(0), schema), why)


def _contradictions(lines: Iterable[str], schema: _Schema, strict: bool) -> list[Finding]:
    """The direct check. Strict: raise OutsideDirectCheck on what it does not decide;
    otherwise skip it (for explaining a contradiction HermiT found)."""
    # predicate -> what its triples do; None: nothing (an annotation to HermiT)
    table: dict[str, _Action | None] = dict(schema.actions)
    table.update(dict.fromkeys(schema.annotation))
    types: dict[str, dict[str, str]] = {}  # node -> {class: why}, before closure
    values: dict[tuple[str, str], tuple[tuple[object, ...], str]] = {}  # (node, functional p)
    parsed: dict[str, tuple[object, ...]] = {}  # literal token -> value
    merges: list[tuple[str, str, str]] = []  # (node, node, why)
    different: list[tuple[str, str]] = []
    findings: list[Finding] = []
    rdf_type, same_as, different_from = _token(_TYPE), _token(_SAME_AS), \
        _token(_DIFFERENT_FROM)
    nothing, string_suffix = f"<{_NOTHING}>", f"^^<{_STRING}>"

    def step_aside(why: str) -> None:
        if strict:
            raise OutsideDirectCheck(why)

    def note(node: str, cls: str, why: str) -> None:
        known = types.get(node)
        if known is None:
            types[node] = {cls: why}
        elif cls not in known:
            known[cls] = why

    # The hot loop (a million lines in a few seconds): one split and one lookup per line.
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        if rest.endswith(" ."):
            rest = rest[:-2]
        else:  # not as the exporter writes it: trailing spaces, or no space before the dot
            rest = rest.rstrip().removesuffix(".").rstrip()
        if predicate == rdf_type:
            if rest.startswith("<") and not rest.startswith(_RESERVED, 1) or rest == nothing:
                note(subject, rest, "stated")
            elif rest not in _NO_OP_TYPES:
                step_aside(f"the data states a schema type: {line}")
            continue
        action = table.get(predicate, _UNSEEN)
        if action is None:
            continue
        literal = rest.startswith('"')
        if action is _UNSEEN:
            if predicate in (same_as, different_from) and not literal:
                (merges.append((subject, rest, "owl:sameAs")) if predicate == same_as
                 else different.append((subject, rest)))
            elif predicate.startswith(_RESERVED, 1) and \
                    URIRef(predicate[1:-1]) not in _BUILTIN_ANNOTATIONS:
                if not literal:  # HermiT never sees the literal of an undeclared property
                    step_aside(f"the data holds a schema triple: {line}")
            else:
                table[predicate] = None  # no axiom mentions it: an annotation to HermiT
            continue
        if action.is_data != literal:
            if literal:
                continue  # HermiT never sees a literal of an object property
            step_aside(f"a datatype property with an IRI value: {line}")
            continue
        for cls in action.domains:
            known = types.get(subject)
            if known is None:
                types[subject] = {cls: action.subject_why}
            elif cls not in known:
                known[cls] = action.subject_why
        if not literal:
            for cls in action.ranges:
                note(rest, cls, action.object_why)
            for prop in action.functional:
                seen = values.setdefault((subject, prop), (("node", rest), rest))
                if seen[1] != rest:
                    merges.append((seen[1], rest, f"functional {_show(prop, schema)}"))
            continue
        if not (action.ranges or action.functional):
            suffix = rest[rest.rindex('"') + 1:]
            if not suffix.startswith("^^") or suffix == string_suffix:
                continue  # a string: always well formed, and no axiom looks at its value
        value = parsed.get(rest)
        if value is None:
            try:
                value = parsed[rest] = _value(*split_literal(rest))
            except _Malformed:
                findings.append(_finding(subject, schema, _show(predicate, schema),
                                         f"has the value {rest}, which is not a valid "
                                         f"{_show(_datatype_token(rest), schema)}: "
                                         "write it as one"))
                continue
            except OutsideDirectCheck as exc:
                step_aside(str(exc))
                continue
        for datatype in action.ranges:
            if not _in_datatype(value, datatype):
                findings.append(_finding(subject, schema, _show(predicate, schema),
                                         f"has the value {rest}, but the ontology says every "
                                         f"value of {_show(predicate, schema)} is a "
                                         f"{_show(f'<{datatype}>', schema)}"))
        for prop in action.functional:
            key = (subject, prop)
            seen = values.setdefault(key, (value, rest))
            if seen[0] != value:
                if _ANY_VALUE in (seen[0], value):
                    step_aside(f"values HermiT does not compare: {seen[1]} and {rest}")
                    continue
                findings.append(_finding(subject, schema, _show(prop, schema),
                                         f"has two values of {_show(prop, schema)}, {seen[1]} "
                                         f"and {rest}, but the ontology says it has at most one "
                                         "(a functional property)"))
    findings += _merged_contradictions(types, values, merges, different, schema, strict)
    findings += _type_contradictions(types, schema)
    unique = {(f.focus_iri, f.path, f.message): f for f in findings}
    return [unique[key] for key in sorted(unique, key=lambda k: (k[0] or "", k[1] or "", k[2]))]


def _datatype_token(token: str) -> str:
    return token[token.rindex('"') + 3:] if "^^<" in token else f"<{_STRING}>"


def _finding(node: str, schema: _Schema, path: str | None, message: str) -> Finding:
    return Finding(focus=_show(node, schema), path=path, message=message, shape=None,
                   focus_iri=node[1:-1] if node.startswith("<") else node)


_DISJOINT_MESSAGE = ("is both a {a} ({why_a}) and a {b} ({why_b}), which the ontology says "
                     "nothing can be at once: check the link that makes it so")


def _closure(direct: dict[str, str], schema: _Schema) -> dict[str, str]:
    """Every class of a node (its direct ones closed under subclass), each with why it holds."""
    classes: dict[str, str] = {}
    for cls, why in direct.items():
        for sup in sorted(schema.supers.get(cls, (cls,))):
            classes.setdefault(sup, why)
    return classes


def _clashes(classes: dict[str, str], schema: _Schema) -> list[tuple[str, str]]:
    """The pairs of disjoint classes among these (owl:Nothing paired with itself)."""
    pairs = [(a, b) for a in sorted(classes) for b in sorted(schema.disjoint.get(a, ()))
             if a <= b and b in classes]
    nothing = f"<{_NOTHING}>"
    return pairs + ([(nothing, nothing)] if nothing in classes else [])


def _clash_finding(node: str, a: str, b: str, why_a: str, why_b: str,
                   schema: _Schema) -> Finding:
    if a == b == f"<{_NOTHING}>":
        message = f"is a owl:Nothing ({_why(why_a, schema)}), which nothing can be: check the link that " \
                  "makes it so"
    else:
        message = _DISJOINT_MESSAGE.format(a=_show(a, schema), b=_show(b, schema),
                                           why_a=_why(why_a, schema), why_b=_why(why_b, schema))
    finding = _finding(node, schema, None, message)
    finding.shape = "owl:disjointWith"
    return finding


def _type_contradictions(types: dict[str, dict[str, str]], schema: _Schema) -> list[Finding]:
    """Nodes with two disjoint types (or owl:Nothing), each type with why it holds."""
    verdicts: dict[frozenset[str], bool] = {}
    findings = []
    for node, direct in types.items():
        key = frozenset(direct)
        clash = verdicts.get(key)
        if clash is None:  # nodes of one kind share their direct types: decide once per set
            clash = verdicts[key] = bool(_clashes(_closure(direct, schema), schema))
        if clash:
            classes = _closure(direct, schema)
            findings += [_clash_finding(node, a, b, classes[a], classes[b], schema)
                         for a, b in _clashes(classes, schema)]
    return findings


def _merged_contradictions(types: dict[str, dict[str, str]],
                           values: dict[tuple[str, str], tuple[tuple[object, ...], str]],
                           merges: list[tuple[str, str, str]], different: list[tuple[str, str]],
                           schema: _Schema, strict: bool) -> list[Finding]:
    """Merge the nodes owl:sameAs or a functional property makes one (to a fixpoint), then
    find what the merged nodes contradict: disjoint types, two values, owl:differentFrom."""
    parent: dict[str, str] = {}
    joined: dict[str, str] = {}  # node -> why it was merged, in curator words
    findings: list[Finding] = []

    def find(node: str) -> str:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    pending = merges
    while pending:
        for a, b, why in pending:
            root_a, root_b = find(a), find(b)
            parent.setdefault(a, a)
            parent.setdefault(b, b)
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)
                joined.setdefault(a, f"merged with {_show(b, schema)} through {why}")
                joined.setdefault(b, f"merged with {_show(a, schema)} through {why}")
        pending = []
        # A merged node's functional values are those of every node it was merged from.
        first: dict[tuple[str, str], tuple[tuple[object, ...], str, str]] = {}
        for (node, prop), (value, text) in sorted(values.items()):
            if node not in parent:
                continue
            if value[0] == "node":
                value = ("node", find(str(value[1])))
            key = (find(node), prop)
            seen = first.setdefault(key, (value, text, node))
            if seen[0] == value:
                continue
            if value[0] == "node" and seen[0][0] == "node":
                pending.append((seen[1], text, f"functional {_show(prop, schema)}"))
            elif _ANY_VALUE in (seen[0], value):
                if strict:
                    raise OutsideDirectCheck(f"values HermiT does not compare: {seen[1]}, {text}")
            elif node != seen[2]:
                findings.append(_finding(node, schema, _show(prop, schema),
                                         f"has two values of {_show(prop, schema)}, {seen[1]} "
                                         f"and {text} (that of {_show(seen[2], schema)}, "
                                         f"{joined.get(node, 'merged with it')}), but the "
                                         "ontology says it has at most one (a functional "
                                         "property)"))
    groups: dict[str, list[str]] = {}
    for node in sorted(parent):
        groups.setdefault(find(node), []).append(node)
    for members in groups.values():
        held: dict[str, tuple[str, str]] = {}  # class -> (member, why)
        for member in members:
            for cls, why in _closure(types.get(member, {}), schema).items():
                held.setdefault(cls, (member, why))
        for a, b in _clashes({c: w for c, (_, w) in held.items()}, schema):
            (node_a, why_a), (node_b, why_b) = held[a], held[b]
            if node_a != node_b:
                findings.append(_clash_finding(node_a, a, b, why_a,
                                               f"{why_b} of {_show(node_b, schema)}, "
                                               f"{joined.get(node_b, '')}", schema))
    for a, b in different:
        if find(a) == find(b):
            findings.append(_finding(a, schema, "owl:differentFrom",
                                     f"is owl:differentFrom {_show(b, schema)}, but "
                                     + ("is itself" if a == b else "the two are one: "
                                        + joined.get(b, joined.get(a, "")))))
    return findings


#: Compiled ontologies by content: a build checks several batches against one ontology.
_COMPILED: dict[tuple[int, int], tuple[str | None, _Schema]] = {}


def _compiled(ontology: Graph) -> tuple[str | None, _Schema]:
    """Why the direct check cannot decide data for this ontology (None: it can), and the
    ontology compiled for it."""
    key = (id(ontology), hash(frozenset(ontology)))
    if key not in _COMPILED:
        outside = axioms_outside_direct_check(ontology)
        refusal = f"the ontology has axioms the direct check does not cover: {outside[0]}" \
            if outside else None
        _COMPILED.clear()  # one ontology at a time: keep memory flat
        _COMPILED[key] = (refusal, _schema(ontology))
    return _COMPILED[key]


def check_data_lines(lines: Iterable[str], ontology: Graph) -> list[Finding]:
    """Contradictions of the data (N-Triples lines) with the ontology, found directly: no
    HermiT, one pass over the lines. Empty: consistent. Raises OutsideDirectCheck where the
    ontology or the data need HermiT (see the module docstring for why this is sound)."""
    refusal, schema = _compiled(ontology)
    if refusal:
        raise OutsideDirectCheck(refusal)
    return _contradictions(chain(schema.facts, lines), schema, strict=True)


def explain_inconsistency(ontology: Graph, data: Graph) -> list[Finding]:
    """What makes ontology + data contradictory (found by the direct check's rules): a node
    of two disjoint classes, two values of a functional property, a literal out of range."""

    schema = _compiled(ontology)[1]
    return _contradictions(chain(schema.facts, ntriples_lines(data)), schema, strict=False)
def _disjoint_pairs(ontology: Graph) -> list[tuple[URIRef, URIRef]]:
    return sorted({(a, b) for a, b in ontology.subject_objects(_DISJOINT)
                   if isinstance(a, URIRef) and isinstance(b, URIRef)})


def explain_unsatisfiable(ontology: Graph, cls: URIRef) -> str:
    """Why a class can have no members, where two of its superclasses are disjoint."""
    supers = _supers(ontology, cls)
    for a, b in _disjoint_pairs(ontology):
        if a in supers and b in supers:
            return (f"this class can have no members: it is a subclass of both "
                    f"{_label(ontology, a)} and {_label(ontology, b)}, which are disjoint")
    return "this class can have no members: its definition contradicts the ontology"


def to_reasoning_input(ontology: Graph, data: Graph) -> Graph:
    """The part of ontology + data HermiT's answer depends on: every axiom and every fact.

    Every triple with an IRI or blank node object is kept. A literal is left out only where
    it cannot be part of an axiom, which keeps HermiT's parse short: the value of an
    annotation property (labels, definitions, comments: OWL gives them no meaning), or of a
    property that no triple declares or mentions (the OWL API reads it as an annotation
    too). Kept: values of datatype properties, and every literal inside an axiom
    (cardinalities, owl:hasValue, datatype facets, members of owl:oneOf), which sits on a
    blank node or is the object of an OWL or XSD term.
    """
    parts = (ontology, data)
    declared = {s for part in parts for s in part.subjects(_TYPE, _DATATYPE_PROPERTY)}
    annotations = {s for part in parts for s in part.subjects(_TYPE, _ANNOTATION_PROPERTY)}
    annotations = (annotations | _BUILTIN_ANNOTATIONS) - declared
    keeps: dict[Node, bool] = {}  # predicate -> keep its literals on a named subject

    def keep(p: Node) -> bool:
        if p not in keeps:
            keeps[p] = p in declared or (p not in annotations and (
                str(p).startswith((_OWL, _XSD)) or any(
                    (p, None, None) in part or (None, None, p) in part for part in parts)))
        return keeps[p]

    combined = Graph()
    for part in parts:
        for s, p, o in part:
            if not isinstance(o, Literal) or keep(p) or \
                    (isinstance(s, BNode) and p not in annotations):
                combined.add((s, p, o))
    return combined


def _hermit_command(owl_file: Path) -> list[str]:
    return [*hermit_command(*JVM_OPTIONS), "-c", "--ignoreUnsupportedDatatypes",
            owl_file.resolve().as_uri()]


def unsupported_datatypes(graph: Graph) -> list[str]:
    """The triples of HermiT's input whose axiom uses a datatype HermiT does not support.

    Supported: the OWL 2 datatype map, and datatypes the input defines (owl:equivalentClass).
    Any other datatype may type a literal, but may not be an object (a range, a data range, a
    facet's base) nor type a literal inside an axiom (a value of an OWL term, a facet, a list
    member): HermiT would read it as holding every value (see the module docstring)."""
    declared = {s for s in graph.subjects(_TYPE, RDFS.Datatype) if isinstance(s, URIRef)}
    defined = {s for s in graph.subjects(OWL.equivalentClass) if isinstance(s, URIRef)}

    def unsupported(iri: URIRef) -> bool:
        return str(iri) not in _OWL2_DATATYPES and iri not in defined

    found = set()
    for s, p, o in graph:
        datatype: URIRef | None = None
        if isinstance(o, Literal):
            if str(p).startswith((_OWL, _XSD)) or p == RDF.first:
                datatype = o.datatype  # inside an axiom: OWL's values, facets, list members
        elif isinstance(o, URIRef) and (str(o).startswith(_XSD) or o in declared
                                        or o in (RDF.langString, RDF.HTML)):
            datatype = o
        if datatype is not None and unsupported(datatype):
            found.add(_axiom_of(graph, s) + " ".join(
                term.n3(graph.namespace_manager) for term in (s, p, o)))
    return sorted(found)


def _axiom_of(graph: Graph, node: Node) -> str:
    """Where a blank node's triple sits: the named subject and predicate its axiom hangs
    from (a blank node's own label tells a curator nothing)."""
    seen = set()
    root = None
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        root = next(iter(graph.subject_predicates(node)), None)
        if root is None:
            break
        node = root[0]
    if root is None or isinstance(root[0], BNode):
        return ""
    return " ".join(term.n3(graph.namespace_manager) for term in root) + " [...]: "


def run_hermit(graph: Graph) -> tuple[bool, list[URIRef]]:
    """Classify with HermiT: (consistent?, unsatisfiable named classes). Refuses (InputError)
    an input whose axioms use a datatype HermiT does not support (``unsupported_datatypes``)."""
    return start_hermit(graph).result()


def start_hermit(graph: Graph) -> HermitRun:
    """``run_hermit``, its JVM started in the background: ``result()`` waits for it."""
    refused = unsupported_datatypes(graph)
    if refused:
        raise InputError(
            "an axiom uses a datatype HermiT does not support (outside the OWL 2 datatype "
            "map), so reasoning could never fail on it: " + "; ".join(refused[:5])
            + (f"; and {len(refused) - 5} more" if len(refused) > 5 else ""), None,
            fix="use a datatype of the OWL 2 datatype map (e.g. xsd:string), or check the "
            "values with a SHACL shape (sh:datatype, sh:pattern) instead")
    return HermitRun(graph.serialize(format="nt", encoding="utf-8"))


#: A literal or an IRI in HermiT's error message, to find the input triples it names.
_MESSAGE_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"\^\^<[^<>\s]+>')
_MESSAGE_IRI = re.compile(r"[<'](\w+:[^<>'\s]+)[>']")


def _hermit_failure(stderr: str, returncode: int, text: bytes) -> InputError:
    """HermiT's own message on a crash, with the input triples that hold what it names."""
    said_lines = stderr.splitlines()
    start = next((i for i, line in enumerate(said_lines)
                  if "Exception" in line or "Error" in line), 0)
    message = []
    for line in said_lines[start:]:
        if line.startswith(("\tat ", "    at ")):
            break  # the Java stack trace: HermiT's internals, not the input
        message.append(line.strip())
    said = " ".join(part for part in message if part).removeprefix('Exception in thread "main" ')
    said = said or f"exit code {returncode}"
    literals = _MESSAGE_LITERAL.findall(said)
    # A literal names its triple; an IRI is looked for as a term, not as a literal's datatype.
    needles = literals or [f" <{iri}> " for iri in _MESSAGE_IRI.findall(said)]
    lines = text.decode("utf-8").splitlines()
    triples = [line for line in lines if any(needle in f" {line} " for needle in needles)]
    # A triple on a blank node is shown with the named triple its axiom hangs from.
    parent = {line.split(" ", 2)[2].removesuffix(" ."): line for line in lines
              if line.split(" ", 2)[2].startswith("_:")}
    named = ""
    for line in triples[:5]:
        root, seen = line, set()
        while root.startswith("_:") and root not in seen:
            seen.add(root)
            root = parent.get(root.split(" ", 1)[0], root)
        named += f"\n    {line}" + (f"\n      in the axiom {root}" if root != line else "")
    if len(triples) > 5:
        named += f"\n    ... and {len(triples) - 5} more"
    count = text.count(b"\n")
    return InputError(
        f"HermiT failed on its input ({count} triples): {said}"
        + (f"\n  in the triple(s):{named}" if named else ""), None,
        fix="rewrite that axiom as OWL 2 DL that HermiT accepts (every term declared, only "
        "facets its datatype allows, literals valid for their datatype)")


def run_hermit_ntriples(text: bytes) -> tuple[bool, list[URIRef]]:
    """Classify N-Triples with HermiT, literals exactly as written (rdflib would normalise
    them): (consistent?, unsatisfiable named classes)."""
    return HermitRun(text).result()


class HermitRun:
    """HermiT classifying N-Triples in a JVM that runs in the background from the moment
    this is made (a process: nothing in this one waits on it until ``result``)."""

    def __init__(self, text: bytes):
        self.text = text
        self.started = time.perf_counter()
        self._folder = tempfile.TemporaryDirectory(prefix="monokg-hermit-")
        folder = Path(self._folder.name)
        owl_file = folder / "input.nt"
        owl_file.write_bytes(text)
        # Files, not pipes: nobody reads a pipe while the JVM runs, and a full one stops it.
        self._out = (folder / "stdout").open("w+b")
        self._err = (folder / "stderr").open("w+b")
        try:
            self.process = subprocess.Popen(_hermit_command(owl_file), stdout=self._out,
                                            stderr=self._err, stdin=subprocess.DEVNULL)
        except FileNotFoundError as exc:
            self._close()
            raise InputError("Java is not installed, and HermiT needs it", None,
                             fix="run `bash scripts/setup.sh` (it installs a Java runtime)") \
                from exc

    def _close(self) -> None:
        self._out.close()
        self._err.close()
        self._folder.cleanup()

    def result(self) -> tuple[bool, list[URIRef]]:
        """Wait for HermiT: (consistent?, unsatisfiable named classes)."""
        try:
            left = HERMIT_TIMEOUT_S - (time.perf_counter() - self.started)
            try:
                returncode = self.process.wait(timeout=max(left, 0.001))
            except subprocess.TimeoutExpired as exc:
                self.process.kill()
                self.process.wait()
                raise InputError(f"HermiT did not finish within {HERMIT_TIMEOUT_S} s", None,
                                 fix="look for a recent ontology change that makes reasoning "
                                 "explode (e.g. a new cardinality or property chain)") from exc
            self._out.seek(0)
            self._err.seek(0)
            stdout = self._out.read().decode("utf-8", "replace")
            stderr = self._err.read().decode("utf-8", "replace")
        finally:
            self._close()
        if returncode != 0:
            if "InconsistentOntologyException" in stderr or "Inconsistent ontology" in stderr:
                return False, []
            raise _hermit_failure(stderr, returncode, self.text)
        unsatisfiable = set()
        for match in _EQUIVALENT.finditer(stdout):
            iris = re.findall(r"<([^>]+)>", match.group(1))
            if _NOTHING in iris or "owl:Nothing" in match.group(1):
                unsatisfiable |= {URIRef(i) for i in iris if i != _NOTHING}
        return True, sorted(unsatisfiable)


def check_consistency(ontology: Graph, data: Graph) -> float:
    """Run HermiT on ontology + data; raise NonConformance naming what is involved.

    Returns the seconds HermiT took (for the build summary and the speed script).
    """
    started = time.perf_counter()
    consistent, unsatisfiable = run_hermit(to_reasoning_input(ontology, data))
    if not consistent:
        findings = explain_inconsistency(ontology, data) or [Finding(
            focus="the graph", path=None, message="HermiT found the ontology plus the data "
            "inconsistent, and no single pair of disjoint classes explains it; open the "
            "ontology with build/*.nt in Protégé and ask HermiT for an explanation")]
        raise NonConformance("reasoning (HermiT)", findings)
    if unsatisfiable:
        combined = ontology + data
        raise NonConformance("reasoning (HermiT)", [
            Finding(focus=_label(ontology, c), path=None,
                    message=explain_unsatisfiable(combined, c)) for c in unsatisfiable])
    return time.perf_counter() - started


def check_ontology(ontology: Graph) -> list[Finding]:
    """HermiT on the ontology alone (its axioms and its own individuals): an inconsistent
    ontology, or its unsatisfiable classes. Depends only on the ontology: cache it by its
    content and run it once per ontology change."""
    return start_ontology_check(ontology)()


def start_ontology_check(ontology: Graph) -> Callable[[], list[Finding]]:
    """``check_ontology`` with HermiT's JVM started now, in the background; the returned
    function waits for it and gives the findings."""
    run = start_hermit(to_reasoning_input(ontology, Graph()))

    def findings() -> list[Finding]:
        consistent, unsatisfiable = run.result()
        if not consistent:
            return explain_inconsistency(ontology, Graph()) or [Finding(
                focus="the ontology", path=None, message="HermiT found the ontology "
                "inconsistent, and no single pair of disjoint classes explains it; open it in "
                "Protégé and ask HermiT for an explanation")]
        return [Finding(focus=_label(ontology, c), path=None,
                        message=explain_unsatisfiable(ontology, c)) for c in unsatisfiable]
    return findings


#: How the data was reasoned over, for the stage a contradiction is reported under.
DIRECT_STAGE = "reasoning (the ontology's axioms, checked directly)"
HERMIT_STAGE = "reasoning (HermiT)"


def check_data(lines: Sequence[str], ontology: Graph) -> tuple[str, list[Finding]]:
    """The data's contradictions with the ontology (N-Triples lines), and the stage that found
    them: the direct check where it applies, else HermiT on ontology plus data. The ontology's
    own contradictions are ``check_ontology``'s; together the two give the verdict of HermiT
    on ontology + data."""
    try:
        return DIRECT_STAGE, check_data_lines(lines, ontology)
    except OutsideDirectCheck:

        try:
            check_consistency(ontology, graph_of(lines))
        except NonConformance as exc:
            return HERMIT_STAGE, exc.findings
        return HERMIT_STAGE, []
