"""The one CURIE converter: IRIs shortened to prefixed names with a prefix map, and back.

Every place that shortens an IRI (findings, pages, the JSON-LD context, VoID partition names,
the ontology documentation) goes through :class:`Converter`, so one IRI gets one name: the
longest namespace it starts with wins (ties: the prefix map's order), and a namespace only
shortens an IRI that goes on past it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from rdflib import Graph, URIRef

from monokg.model.namespaces import DEFAULT_BASE, prefixes


class Converter:
    """A prefix map, with IRIs compacted by it and CURIEs expanded.

    ``local`` is a regular expression (no capturing groups) a local name must match in full
    (e.g. Turtle's plain local names, or JSON-LD's rule that a compact IRI's suffix may not
    start with ``//``); where a longer namespace's local name does not match, the next
    longest is tried. A namespace shortens only an IRI that goes on past it (the default
    ``.+``). Results are remembered: a release names the same few thousand IRIs over and
    over."""

    def __init__(self, prefix_map: Mapping[str, str], local: str = ".+") -> None:
        self.prefix_map = dict(prefix_map)
        # Stable sort: among namespaces of one length the map's order decides.
        self._longest_first = sorted(self.prefix_map.items(), key=lambda item: -len(item[1]))
        self._split: dict[str, tuple[str, str] | None] = {}
        # The namespaces as one alternation, longest first, each followed by the local name's
        # rule: the regex engine backtracks to the next namespace where a local name does not
        # fit, so one call in C finds the prefix (a loop in Python tried each namespace, and
        # most IRIs of a release are named once, so the memo alone does not help the writers).
        self._whole = _alternation(tuple(ns for _, ns in self._longest_first), local) \
            if self._longest_first else None

    def split(self, iri: str) -> tuple[str, str] | None:
        """(prefix, local name) of an IRI, or None where no prefix fits."""
        try:
            return self._split[iri]
        except KeyError:
            pass
        match = self._whole.fullmatch(iri) if self._whole is not None else None
        found: tuple[str, str] | None = None
        if match is not None:
            index = match.lastindex
            assert index is not None  # the namespace is the only (and last) group
            prefix, namespace = self._longest_first[index - 1]
            found = (prefix, iri[len(namespace):])
        self._split[iri] = found
        return found

    def compact(self, iri: str) -> str:
        """``prefix:local`` where a prefix fits, else the IRI itself."""
        parts = self.split(iri)
        return iri if parts is None else f"{parts[0]}:{parts[1]}"

    def expand(self, curie: str) -> str:
        """The IRI of ``prefix:local``; KeyError for a prefix the map does not hold."""
        prefix, local = curie.split(":", 1)
        return self.prefix_map[prefix] + local


@lru_cache(maxsize=64)
def _alternation(namespaces: tuple[str, ...], local: str) -> re.Pattern[str]:
    """One regex of the namespaces, in order, each a group, followed by the local name's rule.
    Made once per prefix map: the site's writers make a converter per resource (150,000 at a
    million triples) from the same few maps, and escaping every namespace each time cost a
    third of making one."""
    return re.compile("(?:" + "|".join(f"({re.escape(ns)})" for ns in namespaces)
                      + f")(?:{local})", re.DOTALL)


@lru_cache(maxsize=8)
def project_converter(base: str = DEFAULT_BASE) -> Converter:
    """The converter of the project's own prefixes under a publication base."""
    return Converter(prefixes(base))


def bindings_of(graph: Graph | None) -> dict[str, str]:
    """The prefixes a graph binds (what ``compact`` may use besides the project's)."""
    return {} if graph is None else {p: str(ns) for p, ns in graph.namespaces()}


def compact(node: object, graph: Graph | None = None) -> str:
    """A short name for a node: a CURIE with the longest matching project prefix (or one
    the graph binds), e.g. claim:l-glutamine-nl/dose-commonly-used; else the full IRI."""
    return compact_node(node, bindings_of(graph))


def compact_node(node: object, namespaces: Mapping[str, str] | None = None) -> str:
    """``compact`` with the prefixes a data graph binds given as a map (project ones win)."""
    if not isinstance(node, URIRef):
        return str(node)
    if not namespaces:
        return project_converter().compact(str(node))
    return _with_bindings(tuple(sorted(namespaces.items()))).compact(str(node))


@lru_cache(maxsize=32)
def _with_bindings(namespaces: tuple[tuple[str, str], ...]) -> Converter:
    merged = dict(prefixes())
    merged.update({p: ns for p, ns in namespaces if p and p not in merged})
    return Converter(merged)
