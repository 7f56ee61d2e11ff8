"""The one Turtle writer: monokg's own deterministic layout, written from N-Triples lines.

The layout, chosen for readable diffs of committed files:

- ``PREFIX p: <namespace>`` lines for the prefixes in use, sorted by prefix, then a blank line;
- one block per subject, subjects sorted by their N-Triples spelling, blocks apart by a blank
  line; the subject on its own line, then one predicate and one object per line, indented four
  spaces: ``rdf:type`` first (written ``a``), then the predicates sorted, the objects of each
  sorted; every line but the last ends with `` ;``, the block with `` .``;
- a prefixed name only where the local part needs no escaping in Turtle (letters, digits,
  ``_``, ``-`` and inner dots), the longest bound namespace first; else the full ``<IRI>``;
- literals exactly as in N-Triples (valid Turtle): no lexical form is rewritten, so the file
  holds the very literals of the N-Triples (only a datatype IRI may become a prefixed name);
- a blank node that is the object of exactly one triple is written in place, ``[ ... ]`` (its
  lines one level deeper), or ``( ... )`` for a well-formed RDF list; nested blocks of one
  predicate are sorted by their text, so the output does not depend on blank node labels.
  Any other blank node is written ``_:bN``, numbered in the order of its sorted text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib import Graph

from monokg.model.curies import Converter
from monokg.rdf import ntriples as nt
from monokg.rdf.graphs import Bindings, _bindings, ntriples_lines

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE, _FIRST, _REST, _NIL = (f"<{_RDF}{name}>" for name in ("type", "first", "rest", "nil"))
#: A local name Turtle reads without escapes (PN_LOCAL, conservatively: no ':', '%' or '\').
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_PREFIX_NAME = re.compile(r"(?:[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?")
_INDENT = "    "


def to_turtle(graph: Graph) -> bytes:
    """An rdflib graph as Turtle, with the prefixes it binds."""
    return turtle_of_lines(ntriples_lines(graph), _bindings(graph))


def turtle_of_triples(triples: Iterable[ox.Triple], bindings: Bindings) -> bytes:
    """pyoxigraph triples as Turtle (their N-Triples spelling is what the writer reads)."""
    return turtle_of_lines([nt.triple_line(t) for t in triples], bindings)


def turtle_of_lines(lines: Sequence[str], bindings: Bindings) -> bytes:
    """N-Triples lines (one triple a line, any order, blank nodes allowed) as Turtle."""
    return _Writer(lines, bindings).text().encode("utf-8")


class _Writer:
    """One document: the triples by subject, the names of IRIs, the blank node layout."""

    def __init__(self, lines: Sequence[str], bindings: Bindings) -> None:
        self.props: dict[str, dict[str, list[str]]] = {}
        references: Counter[str] = Counter()
        parent: dict[str, str] = {}
        typed_strings = False
        for line in lines:
            if line.endswith(nt.STRING_TYPED_END):  # written plain, as every writer does
                line, typed_strings = nt.canonical_line(line), True
            subject, predicate, rest = line.split(" ", 2)
            obj = rest[:-2]
            self.props.setdefault(subject, {}).setdefault(predicate, []).append(obj)
            if obj[0] == "_":
                references[obj] += 1
                parent[obj] = subject
        if typed_strings:  # "x" and "x"^^xsd:string are one literal: written once
            for objects in self.props.values():
                for predicate, values in objects.items():
                    objects[predicate] = list(dict.fromkeys(values))
        usable = {p: ns for p, ns in bindings if _PREFIX_NAME.fullmatch(p)}
        self.names = Converter(usable, accept=lambda local: bool(_PLAIN_LOCAL.fullmatch(local)))
        self.used: dict[str, str] = {}
        # Written in place: blank nodes that are the object of exactly one triple and do not
        # hang, through such nodes, from themselves (a cycle has no place to start).
        once = {b for b, n in references.items() if n == 1}
        self.nested = {b for b in once if not _on_cycle(b, parent, once)}
        self.labels: dict[str, str] = {}
        self.drafting = False

    def text(self) -> str:
        blanks = {s for s in self.props if s[0] == "_"} | {
            o for objects in self.props.values() for values in objects.values()
            for o in values if o[0] == "_"}
        labelled = sorted(blanks - self.nested)
        # Labels follow the sorted text of each node's block, drafted with every labelled
        # node left anonymous, so they do not depend on the input's labels.
        self.drafting = True
        drafts = sorted((self.block(b, "_:") if b in self.props else "", b) for b in labelled)
        self.drafting = False
        self.labels = {b: f"_:b{n}" for n, (_, b) in enumerate(drafts, 1)}
        blocks = [self.block(s, self.name(s)) for s in sorted(s for s in self.props
                                                              if s[0] == "<")]
        blocks += [self.block(b, self.labels[b]) for _, b in drafts if b in self.props]
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self.used.items()))
        return head + "\n" + "\n".join(blocks) if blocks else head

    def block(self, subject: str, head: str) -> str:
        return head + "\n" + " ;\n".join(self.statements(subject, _INDENT)) + " .\n"

    def statements(self, subject: str, indent: str) -> list[str]:
        props = self.props.get(subject, {})
        out = []
        for predicate in sorted(props, key=lambda p: (p != _TYPE, p)):
            verb = "a" if predicate == _TYPE else self.name(predicate)
            objects = sorted(self.term(o, indent) for o in props[predicate])
            out += [f"{indent}{verb} {o}" for o in objects]
        return out

    def term(self, token: str, indent: str) -> str:
        if token[0] == "<":
            return self.name(token)
        if token[0] == '"':
            return self.literal(token)
        if token not in self.nested:
            return "_:" if self.drafting else self.labels[token]
        items = self.list_items(token)
        if items is not None:
            return "(" + "".join(" " + self.term(i, indent) for i in items) + " )"
        inner = self.statements(token, indent + _INDENT)
        if not inner:
            return "[]"
        return "[\n" + " ;\n".join(inner) + f"\n{indent}]"

    def list_items(self, token: str) -> list[str] | None:
        """The items of a well-formed RDF list starting at this node, else None."""
        items, node = [], token
        while node != _NIL:
            props = self.props.get(node, {})
            if set(props) != {_FIRST, _REST} or any(len(v) != 1 for v in props.values()) or (
                    node != token and node not in self.nested):
                return None
            items.append(props[_FIRST][0])
            node = props[_REST][0]
        return items

    def name(self, token: str) -> str:
        if "\\" in token:
            return token  # an escaped IRI: written as read
        parts = self.names.split(token[1:-1])
        if parts is None:
            return token
        prefix, local = parts
        self.used[prefix] = self.names.prefix_map[prefix]
        return f"{prefix}:{local}"

    def literal(self, token: str) -> str:
        if token[-1] != ">":
            return token
        at = token.rindex('"^^<')
        return token[:at + 3] + self.name(token[at + 3:])


def _on_cycle(blank: str, parent: dict[str, str], once: set[str]) -> bool:
    """Whether a blank node hangs from itself through nodes referenced once."""
    seen, node = {blank}, parent[blank]
    while node in once:
        if node in seen:
            return True
        seen.add(node)
        node = parent[node]
    return False
