"""A SHACL Core engine for the features the project's shapes use, over N-Triples lines.

pySHACL builds rdflib objects for every triple and re-parses a SPARQL query per focus node; on
the monograph that is seconds, at a million triples minutes. This engine keeps terms as their
N-Triples tokens, indexes only the predicates the shapes look at, and gives the findings pySHACL
gives (``validate.check_shapes``): the same constraint semantics (rdflib's literal values,
ill-typed literals, comparisons), the same results, reported by the same helpers. Anything it
does not implement makes ``compile_shapes`` raise ``Unsupported`` (naming the shape and the
feature), and data it cannot judge like pySHACL (e.g. a blank node in sh:lessThan, where
pySHACL stops with an error) makes ``check_lines`` raise it, so that the caller falls back to
pySHACL. The SPARQL-based constraints run on pyoxigraph over the same lines.

One deliberate difference: a literal outside its XSD datatype's lexical space is ill-typed here
even where rdflib repairs it to a value (``"1e10"^^xsd:decimal``, ``NaN`` as a decimal), so
it fails sh:datatype and is shown as written; an ill-typed literal is never repaired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import ResultRow

from monokg.check.findings import finding_of, sort_findings
from monokg.model.errors import Finding
from monokg.rdf.graphs import graph_of
from monokg.rdf.ntriples import lexical_error, split_literal

_SH = "http://www.w3.org/ns/shacl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = f"<{_RDF}type>"
_SUBCLASS = f"<{_RDFS}subClassOf>"

#: sh: predicates a shape may carry that do not change what is validated.
_IGNORED = {"name", "description", "order", "group", "defaultValue", "property", "severity",
            "message", "path", "flags", "qualifiedMinCount", "qualifiedMaxCount",
            "qualifiedValueShapesDisjoint", "targetClass", "targetSubjectsOf",
            "targetObjectsOf", "deactivated"}
#: sh: predicates that are constraint parameters this engine implements.
_CONSTRAINTS = {"minCount", "maxCount", "datatype", "nodeKind", "class", "pattern", "in",
                "hasValue", "minLength", "maxLength", "minInclusive", "minExclusive",
                "maxInclusive", "maxExclusive", "languageIn", "uniqueLang", "lessThan",
                "lessThanOrEquals", "node", "or", "and", "not", "qualifiedValueShape", "sparql"}
_SINGLE = {"datatype", "nodeKind", "pattern", "minLength", "maxLength", "minCount", "maxCount",
           "uniqueLang", "qualifiedValueShape"}

_NODE_KINDS = {  # sh:nodeKind -> the kinds of term (i IRI, b blank node, l literal) it allows
    "IRI": "i", "BlankNode": "b", "Literal": "l", "BlankNodeOrIRI": "bi",
    "BlankNodeOrLiteral": "bl", "IRIOrLiteral": "il"}

#: Lexical forms that rdflib keeps as they are and reads as valid values, by datatype: for
#: these no rdflib Literal is needed (anything else goes through rdflib, which decides).
_INTEGER = re.compile(r"0|-?[1-9][0-9]*\Z")
_NON_NEGATIVE = re.compile(r"0|[1-9][0-9]*\Z")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_PLAIN_NUMBERS = {f"{_XSD}integer": _INTEGER, f"{_XSD}nonNegativeInteger": _NON_NEGATIVE,
                  f"{_XSD}decimal": _DECIMAL}
_FAST_VALID = {**_PLAIN_NUMBERS, f"{_XSD}boolean": re.compile(r"(?:true|false)\Z"),
               f"{_XSD}string": re.compile(r".*", re.DOTALL)}



class Unsupported(Exception):
    """The shapes (or the data) need something this engine does not do like pySHACL."""


@dataclass(frozen=True)
class Query:
    """A SPARQL constraint's SELECT query and the triples it can match: those whose
    predicate is one the query names, or (for a variable predicate) an object of ``via``."""

    text: str
    predicates: frozenset[str]
    via: frozenset[str]


@dataclass
class Shape:
    """One shape, compiled: its path, its constraints and how its results are reported."""

    node: Any  # the rdflib term of the shape (for reporting)
    path: tuple[str, str] | None  # ("", "<p>") or ("^", "<p>") for a property shape
    constraints: list[tuple[Any, ...]] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)  # keys of its sh:property shapes
    severity: str = "Violation"
    messages: dict[str, str] = field(default_factory=dict)  # language -> text
    sparql: list[Query] = field(default_factory=list)


@dataclass
class CompiledShapes:
    """The shapes graph as the engine runs it; plain data, so it pickles."""

    shapes: dict[str, Shape]
    targets: list[tuple[str, list[str], list[str], list[str]]]  # key, classes, subj-of, obj-of
    predicates: set[str]  # every predicate a path, target or comparison reads
    #: predicate -> the sh:datatype shapes require of its values, for the predicates the
    #: SPARQL constraints read
    sparql_typed: dict[str, set[str]] = field(default_factory=dict)


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The shapes of a graph, or ``Unsupported`` naming the shape and the feature."""

    def key(node: Any) -> str:
        return node.n3() if isinstance(node, URIRef | BNode) else str(node)

    def items(shape: Any, lst: Any, feature: str) -> list[Any]:
        try:
            return list(Collection(shapes, lst))
        except Exception as exc:  # a malformed list
            raise Unsupported(f"{shape}: sh:{feature} is not a well-formed list") from exc

    roots = set(shapes.subjects(RDF.type, SH.NodeShape)) | \
        set(shapes.subjects(RDF.type, SH.PropertyShape))
    for reference in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path):
        roots |= set(shapes.subjects(reference, None))
    for other in (SH.target, SH.targetNode):
        for s in shapes.subjects(other, None):
            raise Unsupported(f"{s}: sh:{other.removeprefix(_SH)} is not implemented")
    compiled: dict[str, Shape] = {}
    todo = list(roots)
    predicates = {_TYPE, _SUBCLASS}
    while todo:
        node = todo.pop()
        if key(node) in compiled:
            continue
        if (node, RDF.type, RDFS.Class) in shapes:
            raise Unsupported(f"{node}: implicit class targets are not implemented")
        shape = Shape(node=node, path=None)
        compiled[key(node)] = shape
        seen: dict[str, list[Any]] = {}
        for pred, obj in shapes.predicate_objects(node):
            name = str(pred)
            if not name.startswith(_SH):
                continue
            local = name[len(_SH):]
            if local not in _IGNORED and local not in _CONSTRAINTS:
                raise Unsupported(f"{node}: sh:{local} is not implemented")
            seen.setdefault(local, []).append(obj)
        for local, values in seen.items():
            if local in _SINGLE and len(values) > 1:
                raise Unsupported(f"{node}: more than one sh:{local}")
        one = {local: values[0] for local, values in seen.items()}.get
        if any(v != Literal(False) for v in seen.get("deactivated", [])):
            raise Unsupported(f"{node}: sh:deactivated is not implemented")
        if any(v != Literal(False) for v in seen.get("qualifiedValueShapesDisjoint", [])):
            raise Unsupported(f"{node}: sh:qualifiedValueShapesDisjoint is not implemented")
        if "flags" in seen and "pattern" not in seen:
            raise Unsupported(f"{node}: sh:flags without sh:pattern")
        path = one("path")
        if path is not None:
            if isinstance(path, URIRef):
                shape.path = ("", path.n3())
            else:
                inverse = shapes.value(path, SH.inversePath)
                extra = [p for p, _ in shapes.predicate_objects(path) if p != SH.inversePath]
                if not isinstance(inverse, URIRef) or extra:
                    raise Unsupported(f"{node}: only IRI paths and sh:inversePath of an IRI "
                                      "are implemented")
                shape.path = ("^", inverse.n3())
            predicates.add(shape.path[1])
        severity = one("severity")
        if severity is not None:
            shape.severity = str(severity).rsplit("#", 1)[-1]
        for message in seen.get("message", []):
            if isinstance(message, Literal) and message.language:
                shape.messages.setdefault(message.language, str(message))
        for prop in seen.get("property", []):
            shape.properties.append(key(prop))
            todo.append(prop)
        for local in sorted(seen):
            values = seen[local]
            if local in ("minCount", "maxCount", "minLength", "maxLength"):
                number = values[0].value if isinstance(values[0], Literal) else None
                if not isinstance(number, int) or number < 0:
                    raise Unsupported(f"{node}: sh:{local} must be a non-negative integer")
                shape.constraints.append((local, number))
            elif local == "datatype":
                shape.constraints.append(("datatype", str(values[0])))
            elif local == "nodeKind":
                kind = str(values[0]).removeprefix(_SH)
                if kind not in _NODE_KINDS:
                    raise Unsupported(f"{node}: unknown sh:nodeKind {values[0]}")
                shape.constraints.append(("nodeKind", _NODE_KINDS[kind]))
            elif local == "class":
                shape.constraints.extend(("class", key(c)) for c in values)
            elif local == "pattern":
                flags = str(one("flags") or "").lower()
                pattern = str(values[0])
                compiled_pattern = re.compile(pattern, (re.IGNORECASE if "i" in flags else 0) |
                                              (re.MULTILINE if "m" in flags else 0))
                shape.constraints.append(("pattern", compiled_pattern))
            elif local == "in":
                allowed = frozenset(term_token(m) for m in items(node, values[0], local))
                shape.constraints.append(("in", allowed))
            elif local == "hasValue":
                shape.constraints.extend(("hasValue", term_token(v)) for v in values)
            elif local in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
                for bound in values:
                    if not isinstance(bound, Literal):
                        raise Unsupported(f"{node}: sh:{local} must be a literal")
                    shape.constraints.append((local, bound))
            elif local == "languageIn":
                wanted = []
                for tag in items(node, values[0], local):
                    if not isinstance(tag, Literal) or not isinstance(tag.value, str):
                        raise Unsupported(f"{node}: sh:languageIn needs string literals")
                    wanted.append(str(tag.value).lower())
                shape.constraints.append(("languageIn", frozenset(wanted)))
            elif local == "uniqueLang":
                if values[0] == Literal(True):
                    shape.constraints.append(("uniqueLang",))
                elif values[0] != Literal(False):
                    raise Unsupported(f"{node}: sh:uniqueLang must be true or false")
            elif local in ("lessThan", "lessThanOrEquals"):
                for other in values:
                    if not isinstance(other, URIRef):
                        raise Unsupported(f"{node}: sh:{local} must be an IRI")
                    predicates.add(other.n3())
                    shape.constraints.append((local, other.n3()))
            elif local in ("node", "not"):
                for other in values:
                    todo.append(other)
                    shape.constraints.append((local, key(other)))
            elif local in ("or", "and"):
                for lst in values:
                    members = items(node, lst, local)
                    todo.extend(members)
                    shape.constraints.append((local, tuple(key(m) for m in members)))
            elif local == "qualifiedValueShape":
                low, high = one("qualifiedMinCount"), one("qualifiedMaxCount")
                for number in (low, high):
                    if number is not None and not isinstance(getattr(number, "value", None),
                                                             int):
                        raise Unsupported(f"{node}: qualified counts must be integers")
                todo.append(values[0])
                shape.constraints.append(("qualified", key(values[0]),
                                          None if low is None else low.value,
                                          None if high is None else high.value))
            elif local == "sparql":
                for constraint in values:
                    shape.sparql.append(_sparql_query(shapes, node, constraint))
        if ("qualifiedMinCount" in seen or "qualifiedMaxCount" in seen) and \
                "qualifiedValueShape" not in seen:
            raise Unsupported(f"{node}: qualified counts without sh:qualifiedValueShape")
    targets = []
    for node in sorted(roots, key=key):
        classes = [key(c) for c in shapes.objects(node, SH.targetClass)]
        subjects_of = [key(p) for p in shapes.objects(node, SH.targetSubjectsOf)]
        objects_of = [key(p) for p in shapes.objects(node, SH.targetObjectsOf)]
        if classes or subjects_of or objects_of:
            predicates.update(subjects_of + objects_of)
            targets.append((key(node), sorted(classes), sorted(subjects_of),
                            sorted(objects_of)))
    _check_recursion(compiled)
    named = {p for shape in compiled.values() for query in shape.sparql
             for p in query.predicates | query.via}
    predicates |= named
    typed: dict[str, set[str]] = {}
    for shape in compiled.values():
        if shape.path and not shape.path[0] and shape.path[1] in named:
            for c in shape.constraints:
                if c[0] == "datatype":
                    typed.setdefault(shape.path[1], set()).add(c[1])
    return CompiledShapes(compiled, targets, predicates, typed)


def _sparql_query(shapes: Graph, node: Any, constraint: Any) -> Query:
    """The SELECT query of a SPARQL-based constraint, if the engine runs it like pySHACL."""

    select = shapes.value(constraint, SH.select)
    if select is None:
        raise Unsupported(f"{node}: a SPARQL constraint without sh:select")
    for local in ("prefixes", "deactivated"):
        if shapes.value(constraint, SH[local]) is not None:
            raise Unsupported(f"{node}: sh:{local} on a SPARQL constraint is not implemented")
    query = str(select)
    head = query[:query.upper().find("WHERE")]
    # The query runs once for all focus nodes with $this unbound, and its solutions are kept
    # for the shape's focus nodes. That equals pySHACL's run per focus node with $this
    # pre-bound when $this only occurs in triple patterns: a pattern that binds $this to the
    # focus node is exactly the solutions whose ?this is that node. So refuse any other use
    # ($this in a FILTER, BIND, OPTIONAL, sub-query, ...) and the pre-bound variables this
    # engine does not provide. Both constraints of shapes/ (the negation check and the quote
    # check) use $this once, as the object of a triple pattern.
    body = query[len(head):]
    if not re.match(r"\s*SELECT\s+\$this\s+\?value\s*$", head, re.IGNORECASE) or \
            re.search(r"[$?](PATH|currentShape|shapesGraph)\b", body) or \
            re.search(r"\b(OPTIONAL|BIND|VALUES|SERVICE|MINUS|GRAPH|EXISTS|UNION|SELECT)\b",
                      body, re.IGNORECASE) or \
            _this_outside_triples(body):
        raise Unsupported(f"{node}: this SPARQL constraint cannot run once for all focus "
                          "nodes (only 'SELECT $this ?value' with $this in triple patterns "
                          "is implemented)")
    return _query_scope(node, query)


def _query_scope(node: Any, query: str) -> Query:
    """Which triples a query can match, from its triple patterns (one group, as checked):
    a solution's triple matches some pattern, so its predicate is one the query names, or
    is bound to a variable that another pattern binds as the object of a named predicate."""

    patterns: list[tuple[Any, Any, Any]] = []
    todo: list[Any] = [prepareQuery(query).algebra]
    while todo:
        item = todo.pop()
        if isinstance(item, CompValue):
            if item.name == "BGP":
                patterns.extend(item.triples)
            todo.extend(item.values())
        elif isinstance(item, list | tuple):
            todo.extend(item)
    named = {p.n3() for _, p, _ in patterns if isinstance(p, URIRef)}
    via = set()
    for _, p, _ in patterns:
        if isinstance(p, Variable):
            binders = {q.n3() for _, q, o in patterns if o == p and isinstance(q, URIRef)}
            if not binders:
                raise Unsupported(f"{node}: a SPARQL constraint with a free variable predicate")
            via |= binders
    if not named and not via:
        raise Unsupported(f"{node}: a SPARQL constraint without triple patterns")
    return Query(query, frozenset(named), frozenset(via))


def _this_outside_triples(body: str) -> bool:
    """Whether $this occurs anywhere but as a term of a triple pattern (e.g. in a FILTER)."""
    filters = re.findall(r"FILTER\s*\((?:[^()]|\([^()]*\))*\)", body, re.IGNORECASE | re.DOTALL)
    return any("$this" in f or "?this" in f for f in filters) or "?this" in body


def _check_recursion(compiled: dict[str, Shape]) -> None:
    """Recursive shapes are left to pySHACL (SHACL leaves their meaning open)."""
    def refs(shape: Shape) -> Iterator[str]:
        yield from shape.properties
        for c in shape.constraints:
            if c[0] in ("node", "not", "qualified"):
                yield c[1]
            elif c[0] in ("or", "and"):
                yield from c[1]

    state: dict[str, int] = {}

    def visit(k: str) -> None:
        if state.get(k) == 2:
            return
        if state.get(k) == 1:
            raise Unsupported(f"{compiled[k].node}: recursive shapes are not implemented")
        state[k] = 1
        for r in refs(compiled[k]):
            visit(r)
        state[k] = 2

    for k in sorted(compiled):
        visit(k)


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


# --- literals -----------------------------------------------------------------------------

class _Literals:
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
        return Decimal(lexical) if datatype == f"{_XSD}decimal" else int(lexical)

    def is_string_value(self, token: str) -> bool:
        """Whether rdflib's value of the literal is a Python str (pySHACL's 'is string')."""
        _, lang, datatype = self.split(token)
        if lang or datatype is None or datatype == f"{_XSD}string":
            return True
        if datatype in _PLAIN_NUMBERS or datatype == f"{_XSD}boolean":
            return False
        return isinstance(self.term(token).value, str)

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
            return _actual_datatype(self.term(token).value, wanted)
        if wanted == f"{_RDFS}Literal":
            return True
        if wanted == f"{_RDFS}Datatype" and datatype:
            return True
        if datatype is None and lang is None and wanted == f"{_XSD}string":
            return True
        return bool(wanted == f"{_RDF}langString" and lang)


def _actual_datatype(value: Any, datatype: str) -> bool:
    """pySHACL's check that rdflib's value has the Python type of the datatype."""
    checks: dict[str, Any] = {
        f"{_XSD}string": (str, bytes), f"{_RDF}langString": (str, bytes),
        f"{_XSD}integer": int, f"{_XSD}float": float, f"{_XSD}decimal": Decimal,
        f"{_XSD}boolean": bool, f"{_XSD}date": date, f"{_XSD}time": time,
        f"{_XSD}dateTime": datetime}
    kind = checks.get(datatype)
    return True if kind is None else isinstance(value, kind)


# --- the data -----------------------------------------------------------------------------

_NONE: frozenset[str] = frozenset()


class _Data:
    """An index of the triples the shapes read: subject -> predicate -> objects, and the
    reverse for inverse paths, targets and classes."""

    def __init__(self, lines: Iterable[str], shapes: CompiledShapes, literals: _Literals):
        #: predicate -> subject -> objects, for the predicates the shapes read
        self.out: dict[str, dict[str, set[str]]] = {p: {} for p in shapes.predicates}
        #: predicate -> object -> subjects, for inverse paths and the class hierarchy
        self.inv: dict[str, dict[str, set[str]]] = {p: {} for p in {
            s.path[1] for s in shapes.shapes.values() if s.path and s.path[0]} | {
            _TYPE, _SUBCLASS}}
        #: predicate -> its lines (literals as rdflib stores them), for the SPARQL store
        self.lines: dict[str, list[str]] = {}
        canonical = literals.canonical
        out, inv, by_predicate = self.out, self.inv, self.lines
        for line in lines:
            if not line or line[0] in "#\n\r\t ":
                line = line.strip()
                if not line or line[0] == "#":
                    continue
            subject, predicate, rest = line.split(" ", 2)
            if rest[-2:] == " .":
                obj = rest[:-2]
            else:
                obj = rest.rstrip()[:-1].rstrip()
                line = f"{subject} {predicate} {obj} ."
            if obj[0] == '"' and '"^^<' in obj:
                canon = canonical(obj)
                if canon is not obj:
                    obj = canon
                    line = f"{subject} {predicate} {obj} ."
            kept = by_predicate.get(predicate)
            if kept is None:
                by_predicate[predicate] = [line]
            else:
                kept.append(line)
            by_subject = out.get(predicate)
            if by_subject is None:
                continue
            objects = by_subject.get(subject)
            if objects is None:
                by_subject[subject] = {obj}
            else:
                objects.add(obj)
            by_object = inv.get(predicate)
            if by_object is not None:
                subjects = by_object.get(obj)
                if subjects is None:
                    by_object[obj] = {subject}
                else:
                    subjects.add(subject)
        self._supers: dict[str, set[str]] = {}

    def objects(self, node: str, predicate: str) -> AbstractSet[str]:
        return self.out[predicate].get(node, _NONE)

    def subjects(self, predicate: str, node: str) -> AbstractSet[str]:
        return self.inv[predicate].get(node, _NONE)

    def values(self, node: str, path: tuple[str, str]) -> AbstractSet[str]:
        return self.subjects(path[1], node) if path[0] else self.objects(node, path[1])

    def subjects_of(self, predicate: str) -> set[str]:
        return set(self.out[predicate])

    def objects_of(self, predicate: str) -> set[str]:
        return set().union(*self.out[predicate].values())

    def superclasses(self, cls: str) -> set[str]:
        """The class and everything it is rdfs:subClassOf*, in the data and ontology."""
        found = self._supers.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for sup in self.objects(todo.pop(), _SUBCLASS):
                    if sup not in found:
                        found.add(sup)
                        todo.append(sup)
            self._supers[cls] = found
        return found

    def instances(self, cls: str) -> set[str]:
        """Nodes typed with the class or any of its sub-classes (rdfs:subClassOf*)."""
        classes, todo = {cls}, [cls]
        while todo:
            for sub in self.subjects(_SUBCLASS, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        return {s for c in classes for s in self.subjects(_TYPE, c)}

    def is_instance(self, node: str, cls: str) -> bool:
        return node[0] != '"' and any(cls in self.superclasses(t)
                                      for t in self.objects(node, _TYPE))


# --- evaluation ---------------------------------------------------------------------------

_Result = tuple[str, str | None, str]  # focus, value (None: no value), shape key


#: Constraints that judge each value on its own: nothing to do without values.
_VALUE_WISE = {"pattern", "minLength", "maxLength", "languageIn", "minInclusive",
               "minExclusive", "maxInclusive", "maxExclusive", "lessThan", "lessThanOrEquals",
               "node", "not", "or", "and"}


class _Engine:
    def __init__(self, shapes: CompiledShapes, data: _Data, literals: _Literals):
        self.shapes = shapes.shapes
        self.data = data
        self.lit = literals
        self.memo: dict[tuple[str, str], bool] = {}

    def conforms(self, key: str, node: str) -> bool:
        """Whether a node conforms to a shape (no result of any severity)."""
        memo = self.memo.get((key, node))
        if memo is None:
            memo = self.memo[(key, node)] = not any(True for _ in self.check(key, node))
        return memo

    def check(self, key: str, focus: str) -> Iterator[_Result]:
        """The results of validating one focus node against a shape and its sh:property."""
        shape = self.shapes[key]
        values = self.data.values(focus, shape.path) if shape.path else {focus}
        for c in shape.constraints:
            # The commonest constraints inline (this loop runs for every focus node).
            kind = c[0]
            if kind == "minCount":
                if len(values) < c[1]:
                    yield focus, None, key
            elif kind == "maxCount":
                if len(values) > c[1]:
                    yield focus, None, key
            elif kind == "datatype":
                for v in values:
                    if v[0] != '"' or not self.lit.has_datatype(v, c[1]):
                        yield focus, v, key
            elif kind == "nodeKind":
                for v in values:
                    if ("l" if v[0] == '"' else "b" if v[0] == "_" else "i") not in c[1]:
                        yield focus, v, key
            elif kind == "in":
                for v in values:
                    if v not in c[1]:
                        yield focus, v, key
            elif kind == "class":
                for v in values:
                    if not self.data.is_instance(v, c[1]):
                        yield focus, v, key
            elif values or kind not in _VALUE_WISE:
                for value in self.constraint(c, focus, values):
                    yield focus, value, key
        for prop in shape.properties:
            yield from self.check(prop, focus)

    def constraint(self, c: tuple[Any, ...], focus: str, values: AbstractSet[str]
                   ) -> Iterator[str | None]:
        kind = c[0]
        lit = self.lit
        if kind == "pattern":
            for v in values:
                if v[0] == "_" or not c[1].search(self.string(v)):
                    yield v
        elif kind in ("minLength", "maxLength"):
            for v in values:
                if kind == "minLength" and c[1] == 0:
                    continue
                length = -1 if v[0] == "_" else len(self.string(v))
                if length < 0 or (length < c[1] if kind == "minLength" else length > c[1]):
                    yield v
        elif kind == "hasValue":
            if c[1] not in values:
                yield None
        elif kind == "languageIn":
            for v in values:
                lang = lit.split(v)[1] if v[0] == '"' else None
                if not lang or (lang.lower() not in c[1] and "*" not in c[1] and
                                lang.split("-")[0].lower() not in c[1]):
                    yield v
        elif kind == "uniqueLang":
            seen: set[str] = set()
            twice: set[str] = set()
            for v in values:
                lang = lit.split(v)[1] if v[0] == '"' else None
                if lang:
                    (twice if lang.lower() in seen else seen).add(lang.lower())
            for _ in twice:
                yield None
        elif kind in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
            for v in values:
                if not self.in_range(kind, v, c[1]):
                    yield v
        elif kind in ("lessThan", "lessThanOrEquals"):
            others = self.data.objects(focus, c[1])
            for v in values:
                for other in others:
                    if not self.less(v, other, kind == "lessThanOrEquals"):
                        yield v
        elif kind == "node":
            for v in values:
                if not self.conforms(c[1], v):
                    yield v
        elif kind == "not":
            for v in values:
                if self.conforms(c[1], v):
                    yield v
        elif kind == "or":
            for v in values:
                if not any(self.conforms(s, v) for s in c[1]):
                    yield v
        elif kind == "and":
            for v in values:
                if not all(self.conforms(s, v) for s in c[1]):
                    yield v
        elif kind == "qualified":
            count = sum(1 for v in values if self.conforms(c[1], v))
            if c[3] is not None and count > c[3]:
                yield None
            if c[2] is not None and count < c[2]:
                yield None
        else:  # compile_shapes only makes the kinds above
            raise AssertionError(kind)

    def string(self, token: str) -> str:
        """SPARQL str() of an IRI or literal, as pySHACL's string constraints take it."""
        return self.lit.split(token)[0] if token[0] == '"' else token[1:-1]

    def in_range(self, kind: str, token: str, bound: Any) -> bool:
        """pySHACL's sh:min/maxIn/Exclusive test of one value against one bound."""
        if token[0] != '"':
            return False
        bound_value = bound.value
        if isinstance(bound_value, int | Decimal) and not isinstance(bound_value, bool):
            value = self.lit.number(token)
            if value is not None:
                order = (value > bound_value) - (value < bound_value)
                return _accept(kind, order)
        term = self.lit.term(token)
        if isinstance(bound_value, str) != isinstance(term.value, str):
            return False
        try:  # pySHACL's compare_literal
            if term.eq(bound):
                order = 0
            elif type(term.value) in (datetime, time):
                order = 1 if term.value > bound_value else -1
            else:
                order = 1 if term > bound else -1
        except (TypeError, NotImplementedError, InvalidOperation):
            # InvalidOperation: a NaN "decimal" (ill-typed; rdflib holds it a Decimal) has no
            # order, where pySHACL stops with the error: out of range, a violation.
            return False
        return _accept(kind, order)

    def less(self, token: str, other: str, or_equal: bool) -> bool:
        """pySHACL's sh:lessThan(OrEquals) test of a value against one compared value."""
        if token[0] == "_" or other[0] == "_":
            raise Unsupported("a blank node in sh:lessThan (pySHACL stops with an error)")
        a, b = self.lit.number(token) if token[0] == '"' else None, \
            self.lit.number(other) if other[0] == '"' else None
        if a is not None and b is not None:
            return a <= b if or_equal else a < b
        left, left_str = self.comparable(token)
        right, right_str = self.comparable(other)
        if left_str != right_str:
            return False
        try:
            return bool(left <= right if or_equal else left < right)
        except TypeError as exc:
            raise Unsupported("values sh:lessThan cannot compare (pySHACL stops with an "
                              "error)") from exc

    def comparable(self, token: str) -> tuple[Any, bool]:
        if token[0] == "<":
            return token[1:-1], True
        term = self.lit.term(token)
        return (term.value, True) if isinstance(term.value, str) else (term, False)


def _accept(kind: str, order: int) -> bool:
    return {"minInclusive": order >= 0, "minExclusive": order > 0,
            "maxInclusive": order <= 0, "maxExclusive": order < 0}[kind]


def _sparql_results(lines: list[str], queries: list[tuple[str, Query, set[str]]]
                    ) -> Iterator[_Result]:
    """(focus, value, shape key) of every solution of the SPARQL constraints whose ?this is
    a focus node of the shape, each (focus, value) once as pySHACL dedups them."""

    store = ox.Store()
    store.bulk_load(("\n".join(lines) + "\n").encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    for key, query, focus in queries:
        done: set[tuple[str, str | None]] = set()
        solutions = store.query(query.text)
        assert isinstance(solutions, ox.QuerySolutions), "a SELECT query"
        for solution in solutions:
            this, value = solution["this"], solution["value"]
            if this is None:
                continue
            pair = (_ox_token(this), None if value is None else _ox_token(value))
            if pair[0] in focus and pair not in done:
                done.add(pair)
                yield pair[0], pair[1], key


def _sparql_results_rdflib(lines: list[str], queries: list[tuple[str, Query, set[str]]]
                           ) -> Iterator[_Result]:
    """`_sparql_results` as pySHACL gets them: rdflib, one query per focus node."""

    graph = graph_of(lines)
    literals = _Literals()
    for key, query, focus in queries:
        prepared = None
        for node in sorted(focus):
            prepared = prepared or prepareQuery(query.text)
            done: set[str | None] = set()
            for row in graph.query(prepared, initBindings={"this": _term(node, literals)}):
                assert isinstance(row, ResultRow), "a SELECT query"
                value = row.value
                token = None if value is None else term_token(value)
                if token not in done:
                    done.add(token)
                    yield node, token, key


def _ox_token(term: Any) -> str:
    """The token of a pyoxigraph term in the spelling of the data lines (rdflib's)."""

    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        plain = term.language or datatype == f"{_XSD}string"
        return term_token(Literal(term.value, lang=term.language) if plain else
                          Literal(term.value, datatype=URIRef(datatype)))
    return str(term)


def check_lines(lines: Iterable[str], shapes: CompiledShapes, lang: str = "en",
                namespaces: dict[str, str] | None = None) -> list[Finding]:
    """The findings ``validate.check_shapes`` gives for these N-Triples lines (the data graph
    and the ontology), in its order; ``namespaces`` are the prefixes the data graph binds
    (default: the project's), used to shorten names."""

    literals = _Literals()
    data = _Data(lines, shapes, literals)
    try:
        results = _results(shapes, data, literals)
    except Unsupported:
        raise
    except Exception as exc:  # where rdflib (and so pySHACL) stops on the data
        raise Unsupported(f"pySHACL's own error on this data: {exc}") from exc
    findings = []
    for focus_token, value, key in results:
        shape = shapes.shapes[key]
        findings.append(finding_of(
            focus=_term(focus_token, literals), path=shape.path and
            (shape.path[0], shape.path[1][1:-1]),
            value=None if value is None else _term(value, literals), shape=shape.node,
            severity=shape.severity, message=_pick(shape, lang),
            namespaces=namespaces))
    return sort_findings(findings)


def _results(shapes: CompiledShapes, data: _Data, literals: _Literals) -> list[_Result]:
    """Every top-level result: each targeted shape on each of its focus nodes, then the
    SPARQL constraints."""
    engine = _Engine(shapes, data, literals)
    results: list[_Result] = []
    queries: list[tuple[str, Query, set[str]]] = []
    for key, classes, subjects_of, objects_of in shapes.targets:
        focus: set[str] = set()
        for cls in classes:
            focus |= data.instances(cls)
        for pred in subjects_of:
            focus |= data.subjects_of(pred)
        for pred in objects_of:
            focus |= data.objects_of(pred)
        for node in sorted(focus):
            results.extend(engine.check(key, node))
        for k in [key, *shapes.shapes[key].properties]:
            queries.extend((k, q, focus) for q in shapes.shapes[k].sparql)
    if queries:
        # On values of the wrong type (an ill-typed literal, a string where a number is
        # due) rdflib's SPARQL, pySHACL's, answers where the standard and pyoxigraph raise an
        # error, so solutions can differ: then rdflib answers, as in pySHACL. On values of
        # the datatypes the shapes require, both follow the standard.
        wrong = literals.ill_typed or any(
            v[0] != '"' or not any(literals.has_datatype(v, d) for d in datatypes)
            for p, datatypes in shapes.sparql_typed.items() for v in data.objects_of(p))
        run = _sparql_results_rdflib if wrong else _sparql_results
        predicates = {p for _, q, _ in queries for p in q.predicates}
        predicates.update(o for _, q, _ in queries for v in q.via
                          for o in data.objects_of(v) if o[0] == "<")
        results.extend(run([line for p in sorted(predicates) for line in data.lines.get(p, ())],
                           queries))
    return results


def _pick(shape: Shape, lang: str) -> str:
    """The shape's message in the language, else in English. pySHACL's generic messages
    (for a shape without one) are not reproduced: such a result goes to pySHACL."""
    message = shape.messages.get(lang) or shape.messages.get("en")
    if message is None:
        raise Unsupported(f"{shape.node}: a result of a shape without an English sh:message")
    return message


def _term(token: str, literals: _Literals) -> Any:
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
