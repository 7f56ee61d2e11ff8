"""SHACL-SPARQL constraints (sh:sparql with sh:select): refused unless running the query
once for all focus nodes gives what pySHACL's run per focus node gives; run on pyoxigraph,
or on rdflib where the data holds values rdflib's SPARQL judges differently."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import SH
from rdflib.query import ResultRow

from monokg.check.reference import algebra_node_type, prepare_query
from monokg.check.shacl.terms import XSD, Literals, Unsupported, rdflib_term, term_token
from monokg.rdf.graphs import graph_of

#: (focus, value or None, shape key) of one result
SparqlResult = tuple[str, str | None, str]


@dataclass(frozen=True)
class Query:
    """A SPARQL constraint's SELECT query and the triples it can match: those whose
    predicate is one the query names, or (for a variable predicate) an object of ``via``."""

    text: str
    predicates: frozenset[str]
    via: frozenset[str]



def read_query(shapes: Graph, node: Any, constraint: Any) -> Query:
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
    # Run once, LIMIT, OFFSET and the like would cut the solutions of all focus nodes
    # together, where pySHACL cuts each focus node's own.
    if re.search(r"\b(LIMIT|OFFSET|ORDER\s+BY|GROUP\s+BY|HAVING)\b", body, re.IGNORECASE):
        raise Unsupported(f"{node}: a SPARQL constraint with a solution modifier (LIMIT, "
                          "OFFSET, ORDER BY, GROUP BY, HAVING) is not implemented")
    return _query_scope(node, query)


def _query_scope(node: Any, query: str) -> Query:
    """Which triples a query can match, from its triple patterns (one group, as checked):
    a solution's triple matches some pattern, so its predicate is one the query names, or
    is bound to a variable that another pattern binds as the object of a named predicate."""

    patterns: list[tuple[Any, Any, Any]] = []
    todo: list[Any] = [prepare_query(query).algebra]
    algebra_node = algebra_node_type()
    while todo:
        item = todo.pop()
        if isinstance(item, algebra_node):
            if item.name == "BGP":
                patterns.extend(item.triples)
            todo.extend(item.values())
        elif isinstance(item, list | tuple):
            todo.extend(item)
    if not any(term == Variable("this") for pattern in patterns for term in pattern):
        # Unbound, ?this would be absent from every solution: pySHACL pre-binds it, so
        # the query answers for every focus node.
        raise Unsupported(f"{node}: a SPARQL constraint whose triple patterns never use $this "
                          "is not implemented")
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


def run_oxigraph(lines: list[str], queries: list[tuple[str, Query, set[str]]]
                    ) -> Iterator[SparqlResult]:
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


def run_rdflib(lines: list[str], queries: list[tuple[str, Query, set[str]]]
                           ) -> Iterator[SparqlResult]:
    """`run_oxigraph` as pySHACL gets them: rdflib, one query per focus node."""

    graph = graph_of(lines)
    literals = Literals()
    for key, query, focus in queries:
        prepared = None
        for node in sorted(focus):
            prepared = prepared or prepare_query(query.text)
            done: set[str | None] = set()
            for row in graph.query(prepared, initBindings={"this": rdflib_term(node, literals)}):
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
        plain = term.language or datatype == f"{XSD}string"
        return term_token(Literal(term.value, lang=term.language) if plain else
                          Literal(term.value, datatype=URIRef(datatype)))
    return str(term)


