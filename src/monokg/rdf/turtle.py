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
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph

from monokg.model.curies import Converter
from monokg.rdf import ntriples as nt
from monokg.rdf.graphs import Bindings, _bindings, ntriples_lines

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE, _FIRST, _REST, _NIL = (f"<{_RDF}{name}>" for name in ("type", "first", "rest", "nil"))
#: A local name Turtle reads without escapes (PN_LOCAL, conservatively: no ':', '%' or '\').
_PLAIN_LOCAL = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?"
_PREFIX_NAME = re.compile(r"(?:[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?")
_INDENT = "    "
_TYPE_ROW = _INDENT + "a "
_STRING_TYPED = '"' + nt.STRING_DATATYPE


def to_turtle(graph: Graph) -> bytes:
    """An rdflib graph as Turtle, with the prefixes it binds."""
    return turtle_of_lines(ntriples_lines(graph), _bindings(graph))


def turtle_of_triples(triples: Iterable[ox.Triple], bindings: Bindings) -> bytes:
    """pyoxigraph triples as Turtle (their N-Triples spelling is what the writer reads)."""
    return turtle_of_lines([nt.triple_line(t) for t in triples], bindings)


def turtle_of_lines(lines: Sequence[str], bindings: Bindings) -> bytes:
    """N-Triples lines (one triple a line, any order, blank nodes allowed) as Turtle."""
    try:
        text = _Writer(sorted(lines), bindings).text()
    except nt.ExplicitString:  # rdflib's lines only: "x"^^xsd:string and "x" are one literal
        text = _Writer(sorted({nt.canonical_line(line) for line in lines}), bindings).text()
    return text.encode("utf-8")


@lru_cache(maxsize=16)
def _names(bindings: tuple[tuple[str, str], ...]) -> Converter:
    """The converter of the prefixes Turtle can write, kept across documents (the site writes
    one document per resource, all with the same prefixes)."""
    return Converter({p: ns for p, ns in bindings if _PREFIX_NAME.fullmatch(p)},
                     local=_PLAIN_LOCAL)


class _Writer:
    """One document: the lines sorted (so each subject's triples are one run and the blank
    node subjects come last), the names of IRIs, the blank node layout."""

    def __init__(self, lines: list[str], bindings: Bindings) -> None:
        self.lines = lines
        self.names = _names(tuple(bindings))
        self.used: dict[str, str] = {}
        self.spelled: dict[str, str] = {}  # IRI or typed literal token -> its spelling
        self.verbs: dict[str, str] = {}  # predicate token -> the start of its rows
        # '_' sorts after '<': the triples of blank node subjects are the tail of the lines.
        self.blank_start = bisect_left(lines, "_")
        self.iri_lines = lines[bisect_left(lines, "<"):self.blank_start]
        # The blank node layout, made when the first blank node is met (most documents of a
        # release have none).
        self.laid_out = False
        self.blank_props: dict[str, list[tuple[str, str]]] = {}
        self.nested: set[str] = set()
        self.labels: dict[str, str] = {}
        self.drafts: list[tuple[str, str]] = []
        self.drafting = False

    def _blank_layout(self) -> None:
        self.laid_out = True
        references: Counter[str] = Counter()
        parent: dict[str, str] = {}
        for line in self.lines:
            subject, predicate, rest = line.split(" ", 2)
            obj = rest[:-2]
            if subject[0] == "_":
                self.blank_props.setdefault(subject, []).append((predicate, obj))
            if obj[0] == "_":
                references[obj] += 1
                parent[obj] = subject
        # Written in place: blank nodes that are the object of exactly one triple and do not
        # hang, through such nodes, from themselves (a cycle has no place to start).
        once = {b for b, n in references.items() if n == 1}
        self.nested = {b for b in once if not _on_cycle(b, parent, once)}
        labelled = sorted((set(self.blank_props) | set(references)) - self.nested)
        # Labels follow the sorted text of each node's block, drafted with every labelled
        # node left anonymous, so they do not depend on the input's labels.
        self.drafting = True
        self.drafts = sorted((self.block(b, "_:") if b in self.blank_props else "", b)
                             for b in labelled)
        self.drafting = False
        self.labels = {b: f"_:b{n}" for n, (_, b) in enumerate(self.drafts, 1)}

    def text(self) -> str:
        # The IRI subjects' blocks, one run of sorted lines each: the bulk of every document,
        # so written in one loop with no call per line but the split (a name or typed literal
        # is spelled once per document, a literal without datatype is written as it is
        # read). In a run the predicates come sorted; only rdf:type (first) and several
        # objects of one predicate (by their text) need moving.
        blocks = []
        spelled, verbs, term = self.spelled, self.verbs, self.term
        rdf_type, type_row, indent = _TYPE, _TYPE_ROW, _INDENT
        subject = last = ""
        types: list[str] = []
        rows: list[str] = []
        start = 0  # where the rows of the last predicate start
        for line in self.iri_lines:
            s, p, rest = line.split(" ", 2)
            if s != subject:
                if subject:
                    blocks.append(self._iri_block(subject, types, rows))
                    types, rows = [], []
                subject, last = s, ""
            o = rest[:-2]
            if o[-1] == ">":
                t = spelled.get(o) or term(o, indent)
            elif o[0] == '"':
                t = o
            else:
                t = term(o, indent)
            if p == rdf_type:
                types.append(type_row + t)
            elif p == last:  # another object of the predicate: its rows sorted by their text
                insort(rows, verbs[p] + t, start)
            else:
                last, start = p, len(rows)
                rows.append((verbs.get(p) or self._verb_row(p)) + t)
        if subject:
            blocks.append(self._iri_block(subject, types, rows))
        if self.blank_start < len(self.lines) and not self.laid_out:
            self._blank_layout()
        if self.labels:
            blocks += [self.block(b, self.labels[b]) for _, b in self.drafts
                       if b in self.blank_props]
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self.used.items()))
        return head + "\n" + "\n".join(blocks) if blocks else head

    def _iri_block(self, subject: str, types: list[str], rows: list[str]) -> str:
        """The block of an IRI subject from its rows: the rdf:type rows, then the others."""
        if types:
            types.sort()
            rows = types + rows
        return self.name(subject) + "\n" + " ;\n".join(rows) + " .\n"

    def _verb_row(self, predicate: str) -> str:
        row = self.verbs[predicate] = f"{_INDENT}{self.name(predicate)} "
        return row

    def block(self, subject: str, head: str) -> str:
        return head + "\n" + " ;\n".join(self.statements(subject, _INDENT)) + " .\n"

    def statements(self, subject: str, indent: str) -> list[str]:
        rows = sorted(("" if p == _TYPE else p, self.term(o, indent))
                      for p, o in self.blank_props.get(subject, ()))
        return [f"{indent}{self.verb(p)} {t}" for p, t in rows]

    def verb(self, predicate: str) -> str:
        return self.name(predicate) if predicate else "a"

    def term(self, token: str, indent: str) -> str:
        if token[0] == "<":
            return self.name(token)
        if token[0] == '"':
            return self.literal(token)
        if not self.laid_out:
            self._blank_layout()
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
            props = dict(self.blank_props.get(node, ()))
            if len(props) != 2 or set(props) != {_FIRST, _REST} or len(
                    self.blank_props[node]) != 2 or (node != token and node not in self.nested):
                return None
            items.append(props[_FIRST])
            node = props[_REST]
        return items

    def name(self, token: str) -> str:
        known = self.spelled.get(token)
        if known is not None:
            return known
        spelled = token  # an escaped IRI, or one no prefix fits: written as read
        if "\\" not in token:
            parts = self.names.split(token[1:-1])
            if parts is not None:
                prefix, local = parts
                self.used[prefix] = self.names.prefix_map[prefix]
                spelled = f"{prefix}:{local}"
        self.spelled[token] = spelled
        return spelled

    def literal(self, token: str) -> str:
        if token[-1] != ">":
            return token
        if token.endswith(_STRING_TYPED):
            raise nt.ExplicitString
        at = token.rindex('"^^<')
        spelled = self.spelled[token] = token[:at + 3] + self.name(token[at + 3:])
        return spelled


def _on_cycle(blank: str, parent: dict[str, str], once: set[str]) -> bool:
    """Whether a blank node hangs from itself through nodes referenced once."""
    seen, node = {blank}, parent[blank]
    while node in once:
        if node in seen:
            return True
        seen.add(node)
        node = parent[node]
    return False
