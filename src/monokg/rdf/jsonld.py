"""The one JSON-LD writer (flat, sorted, compacted by the prefixes in use), and JSON-LD
reading without the network."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from json.encoder import encode_basestring as _encode_string
from json.encoder import encode_basestring_ascii as _encode_ascii
from typing import Any

import pyoxigraph as ox
from pyld import jsonld
from rdflib import Graph

from monokg.model.curies import Converter
from monokg.model.namespaces import RDF
from monokg.rdf import ntriples as nt
from monokg.rdf.graphs import Bindings, _bindings, ntriples_lines

#: JSON-LD reads ``p://...`` as an absolute IRI: a compact IRI's suffix may not start with
#: ``//``, so no prefix is used where the local name starts with a slash.
_COMPACT_IRI_SUFFIX = "(?!/).+"


def to_jsonld(graph: Graph) -> bytes:
    """``jsonld_of_lines`` of an rdflib graph and its bound prefixes: the document."""
    return jsonld_of_lines(ntriples_lines(graph), _bindings(graph))[0]


def to_context(graph: Graph) -> bytes:
    """``jsonld_of_lines`` of an rdflib graph: the context file, for people who write data
    in the same shape."""
    return jsonld_of_lines(ntriples_lines(graph), _bindings(graph))[1]


def json_text(value: object, indent: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)`` of strings, lists and dicts, with
    the C string encoder (json's indented writer is pure Python: seconds per 100 k triples,
    or per 100 k files of a manifest)."""
    if isinstance(value, str):
        return _encode_string(value)
    inner = indent + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + ",\n".join(f"{inner}{_encode_string(k)}: {json_text(v, inner)}"
                                   for k, v in value.items()) + f"\n{indent}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + json_text(v, inner) for v in value) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def jsonld_of_lines(lines: Sequence[str], bindings: Bindings) -> tuple[bytes, bytes]:
    """Flat compacted JSON-LD of N-Triples lines (one object per subject, keys and values
    sorted, the context holding only the prefixes in use) and that context as a file of its
    own. Written straight from the lines' tokens: no parser and no term objects (at a million
    triples rdflib's terms took a minute, and pyoxigraph's parse alone twice what pyoxigraph
    takes to write JSON-LD). Blank nodes keep their labels as ``_:label`` (the release has
    none; other graphs, such as the W3C tests, do)."""
    try:
        return _Document(sorted(lines), bindings).write()
    except nt.ExplicitString:  # rdflib's lines only: "x"^^xsd:string and "x" are one literal
        return _Document(sorted({nt.canonical_line(line) for line in lines}), bindings).write()


def jsonld_of_triples(triples: Sequence[ox.Triple], bindings: Bindings) -> tuple[bytes, bytes]:
    """``jsonld_of_lines`` of pyoxigraph triples (the site's descriptions have them in hand):
    pyoxigraph's own spelling of a term is a token the writer reads."""
    return jsonld_of_lines([f"{t.subject} {t.predicate} {t.object} ." for t in triples],
                           bindings)


@lru_cache(maxsize=16)
def _finder(bindings: tuple[tuple[str, str], ...]) -> Converter:
    """The prefixes a JSON-LD context may hold: namespaces ending in / or #."""
    return Converter({p: ns for p, ns in bindings if ns.endswith(("/", "#"))})


@lru_cache(maxsize=64)
def _shortener(context: tuple[tuple[str, str], ...]) -> Converter:
    return Converter(dict(context), local=_COMPACT_IRI_SUFFIX)


def _iri(token: str) -> str:
    """The IRI of an ``<...>`` token."""
    return nt.unescape(token[1:-1]) if "\\" in token else token[1:-1]


class _Document:
    """One JSON-LD document (indented by one space, as ``json.dumps(indent=1)`` does) and its
    context, written as text from sorted lines in one pass: the items in the order of their
    ``@id``, an item's keys sorted, several values of a key sorted by their
    ``json.dumps(..., sort_keys=True)``, one value written without its list.

    The context holds the longest bound namespace of every IRI written, and an IRI is
    written with the longest namespace of the context that leaves a local name not starting
    with a slash. That is the IRI's own longest namespace unless its local name starts with
    a slash; only then does the name depend on the whole context, and the document is written
    again once the context is known (``context``)."""

    def __init__(self, lines: list[str], bindings: Bindings,
                 context: dict[str, str] | None = None) -> None:
        self.lines = lines
        self.bindings = bindings
        self.finder = _finder(tuple(bindings))
        self.used: dict[str, str] = {}
        self.context = context
        self.compact = _shortener(tuple(context.items())).compact if context is not None \
            else self.compact_first
        self.rewrite = False
        # Texts made once per document: an IRI or blank node's "@id" as JSON, the only value
        # of a key (but a plain literal), the start of a key's line, the end of a literal's
        # object after its value (by language tag or datatype).
        self.ids: dict[str, str] = {}
        self.singles: dict[str, str] = {}
        self.heads: dict[str, str] = {}
        self.tails: dict[str, str] = {}

    def compact_first(self, iri: str) -> str:
        """An IRI's name while the context is being found: by its longest namespace."""
        parts = self.finder.split(iri)
        if parts is None:
            return iri
        prefix, local = parts
        self.used[prefix] = self.finder.prefix_map[prefix]
        if local[0] == "/":
            self.rewrite = True
        return f"{prefix}:{local}"

    def write(self) -> tuple[bytes, bytes]:
        items = self.items()
        if self.context is None:
            context = dict(sorted(self.used.items()))
            if self.rewrite:
                return _Document(self.lines, self.bindings, context).write()
        else:
            context = self.context
        graph = "[\n" + ",\n".join([text for _, text in items]) + "\n ]" if items else "[]"
        document = f'{{\n "@context": {json_text(context, " ")},\n "@graph": {graph}\n}}\n'
        # The context file as json.dumps(indent=1) writes it (ASCII), without its indenting
        # encoder in pure Python (the site writes one document per resource).
        pairs = ",\n".join([f"  {_encode_ascii(p)}: {_encode_ascii(ns)}"
                            for p, ns in context.items()])
        context_file = f'{{\n "@context": {{\n{pairs}\n }}\n}}\n' if context else \
            '{\n "@context": {}\n}\n'
        return document.encode("utf-8"), context_file.encode("utf-8")

    def items(self) -> list[tuple[str, str]]:
        """(``@id``, text) of each subject, sorted; the lines are sorted, so each subject's
        triples are one run, and several objects of a predicate are neighbours."""
        items = []
        compact = self.compact
        keys: dict[str, str] = {}  # predicate token -> its key
        subject = last = ""
        rows: list[tuple[str, str]] = []  # (key, object token)
        several = False
        for line in self.lines:
            s, p, rest = line.split(" ", 2)
            if s != subject:
                if rows:
                    items.append(self.item(subject, rows, several))
                subject, rows, several, last = s, [], False, ""
            o = rest[:-2]
            key = keys.get(p) or self.key(p, keys)
            if key == "@type" and o[0] != "<":  # a literal or blank node: a value as any
                key = compact(_iri(p))
            if p == last:
                several = True
            last = p
            rows.append((key, o))
        if rows:
            items.append(self.item(subject, rows, several))
        items.sort()
        return items

    def key(self, predicate: str, keys: dict[str, str]) -> str:
        """A predicate's key: its name, ``@type`` for rdf:type (whose IRI is in the context
        all the same)."""
        name = self.compact(_iri(predicate))
        key = keys[predicate] = "@type" if predicate == _RDF_TYPE else name
        self.heads[key] = f"   {_encode_string(key)}: "
        if key == "@type":
            self.heads[name] = f"   {_encode_string(name)}: "
        return key

    def ident(self, token: str) -> str:
        known = self.ids[token] = _encode_string(
            self.compact(_iri(token)) if token[0] == "<" else token)
        return known

    def item(self, subject: str, rows: list[tuple[str, str]], several: bool
             ) -> tuple[str, str]:
        """(the ``@id``, the item's text) of a subject and its (key, object token) rows;
        ``several`` where some key may have more than one."""
        ids, heads = self.ids, self.heads
        out = ['  {\n   "@id": ' + (ids.get(subject) or self.ident(subject))]
        rows.sort()
        if several:
            self.lists(rows, out)
        else:
            singles = self.singles
            for key, token in rows:
                if key == "@type":  # an IRI as a compact string
                    text = ids.get(token) or self.ident(token)
                else:
                    known = singles.get(token)
                    # Else a plain literal without escapes, most often: no call.
                    text = known if known is not None else _encode_string(token[1:-1]) \
                        if token[-1] == '"' and "\\" not in token else self.value(token)
                out.append(heads[key] + text)
        return (_iri(subject) if subject[0] == "<" else subject,
                ",\n".join(out) + "\n  }")

    def lists(self, rows: list[tuple[str, str]], out: list[str]) -> None:
        """``item``'s keys where some have several values (neighbours in the sorted rows):
        those as a sorted JSON list."""
        heads, end, at = self.heads, len(rows), 0
        while at < end:
            key, token = rows[at]
            after = at + 1
            while after < end and rows[after][0] == key:
                after += 1
            if after - at > 1:
                text = self.many(key, [o for _, o in rows[at:after]])
            elif key == "@type":
                text = self.ids.get(token) or self.ident(token)
            else:
                text = self.singles.get(token) or self.value(token)
            out.append(heads[key] + text)
            at = after

    def many(self, key: str, tokens: list[str]) -> str:
        """The JSON list of several values of a key, sorted by their ``json.dumps(...,
        sort_keys=True)``."""
        if key == "@type":  # IRIs as compact strings
            texts = sorted([self.ids.get(o) or self.ident(o) for o in tokens])
        else:
            texts = [text for _, text in sorted([self.listed(o) for o in tokens])]
        return "[\n    " + ",\n    ".join(texts) + "\n   ]"

    def value(self, token: str) -> str:
        """The JSON text of an object, the only value of its key; remembered, but for a plain
        literal (cheaper made than kept)."""
        if token[0] != '"':
            text = f'{{\n    "@id": {self.ids.get(token) or self.ident(token)}\n   }}'
        else:
            lexical, suffix = nt.literal_parts(token)
            if not suffix:
                return _encode_string(lexical)
            tail = self.tails.get(suffix) or self.tail(suffix)
            text = f'{{\n    "@value": {_encode_string(lexical)},\n{tail}'
        self.singles[token] = text
        return text

    def tail(self, suffix: str) -> str:
        """A literal object's text after its value: its language or datatype, and the end."""
        if suffix[0] == "@":
            text = f'    "@language": {_encode_string(suffix[1:].lower())}\n   }}'
        else:
            text = f'    "@type": {self.datatype(suffix)}\n   }}'
        self.tails[suffix] = text
        return text

    def datatype(self, suffix: str) -> str:
        """The JSON text of a literal's datatype, of its ``^^<...>``."""
        if suffix == nt.STRING_DATATYPE:
            raise nt.ExplicitString
        return _encode_string(self.compact(_iri(suffix[2:])))

    def listed(self, token: str) -> tuple[str, str]:
        """(``json.dumps(value, sort_keys=True, ensure_ascii=False)``, the JSON text) of a
        value in a list."""
        if token[0] != '"':
            ident = self.ids.get(token) or self.ident(token)
            return f'{{"@id": {ident}}}', f'{{\n     "@id": {ident}\n    }}'
        lexical, suffix = nt.literal_parts(token)
        value = _encode_string(lexical)
        if not suffix:
            return value, value
        if suffix[0] == "@":
            tag = _encode_string(suffix[1:].lower())
            return (f'{{"@language": {tag}, "@value": {value}}}',
                    f'{{\n     "@value": {value},\n     "@language": {tag}\n    }}')
        datatype = self.datatype(suffix)
        return (f'{{"@type": {datatype}, "@value": {value}}}',
                f'{{\n     "@value": {value},\n     "@type": {datatype}\n    }}')


_RDF_TYPE = f"<{RDF.type}>"


def offline_loader(context: dict[str, Any]):
    """A pyld document loader: the vendored context for schema.org URLs, refusal for all else."""

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if _SCHEMA_URL.fullmatch(url):
            return {"contextUrl": None, "documentUrl": url, "document": context}
        raise jsonld.JsonLdError(
            f"refused to load {url}: only the schema.org context is available offline",
            "jsonld.LoadDocumentError", {"url": url}, code="loading document failed")
    return load


def from_jsonld(document: Any, context: dict[str, Any]) -> Graph:
    """Read JSON-LD (a parsed document) into a graph, loading only the vendored context."""

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads",
                                      "documentLoader": offline_loader(context)})
    graph = Graph()
    graph.parse(data=nquads, format="nt")  # the default graph only: JSON-LD pages name none
    return graph


_SCHEMA_URL = re.compile(r"https?://schema\.org(/|/docs/jsonldcontext\.jsonld)?")
