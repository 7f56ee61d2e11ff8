"""Publication settings from monokg.toml: base IRI, version, release date, publisher."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from monokg.model.errors import InputError
from monokg.model.namespaces import DEFAULT_BASE


@dataclass(frozen=True)
class Publication:
    """What a publisher decides: where IRIs live and what the release is called."""

    dataset: str = "monokg"
    base: str = DEFAULT_BASE
    version: str = "0.0.0"
    issued: str = "1970-01-01"
    publisher: str = "monokg"
    license: str = "https://creativecommons.org/licenses/by/4.0/"

    def iri(self, path: str) -> URIRef:
        """A minted IRI below the base."""
        return URIRef(self.base + path)

    def rebase(self, graph: Graph) -> Graph:
        """The graph with every IRI under the default base moved under this base."""
        if self.base == DEFAULT_BASE:
            return graph
        moved = Graph()
        for prefix, ns in graph.namespaces():
            moved.bind(prefix, self.rebase_term(URIRef(ns)), replace=True)
        for triple in graph:
            moved.add(tuple(self.rebase_term(t) for t in triple))
        return moved

    def rebase_term(self, term):
        """One term moved under this base (literals and foreign IRIs unchanged)."""
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(self.base + str(term)[len(DEFAULT_BASE):])
        return term


def load_publication(path: Path) -> Publication:
    """Read the [publication] table of monokg.toml; defaults where absent."""
    if not path.is_file():
        return Publication()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("publication", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid TOML: {exc}", path, fix="correct the syntax") from exc
    known = set(Publication.__dataclass_fields__)
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(f"unknown setting(s) {', '.join(unknown)} in [publication]", path,
                         fix=f"use only {', '.join(sorted(known))}")
    pub = Publication(**{k: str(v) for k, v in table.items()})
    if not pub.base.endswith("/") or not pub.base.startswith(("http://", "https://")):
        raise InputError(f"base {pub.base!r} must be an http(s) IRI ending in '/'", path,
                         fix='e.g. base = "https://data.example.org/monokg/"')
    return pub
