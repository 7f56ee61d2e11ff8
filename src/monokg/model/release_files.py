"""The names of a release's files, defined once: writers write them, checks plan with them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReleaseFiles:
    """The top-level files of one dataset's release; the suffix gives the role."""

    dataset: str
    #: the languages of the ontology's documentation; the first one's page names no language
    documented_in: tuple[str, ...] = ()

    @property
    def graph(self) -> dict[str, str]:
        """The data graph in every format, by suffix."""
        return {suffix: self.dataset + suffix
                for suffix in (".ttl", ".nt", ".jsonld", ".context.jsonld")}

    @property
    def ontology(self) -> str:
        return f"{self.dataset}.owl.ttl"

    @property
    def shapes(self) -> str:
        return f"{self.dataset}.shacl.ttl"

    @property
    def coverage(self) -> tuple[str, str]:
        """The coverage report as TSV and HTML."""
        return ("coverage.tsv", "coverage.html")

    @property
    def review(self) -> str:
        """The reviewer's view of every claim, as HTML."""
        return "review.html"

    @property
    def ontology_docs(self) -> dict[str, str]:
        """The ontology's documentation page, by language: ``<dataset>.ontology.html`` for the
        first, ``<dataset>.ontology.<tag>.html`` for the others."""
        return {lang: f"{self.dataset}.ontology{f'.{lang}' if n else ''}.html"
                for n, lang in enumerate(self.documented_in)}

    @property
    def bulk(self) -> tuple[str, str]:
        """N-Quads and TriG for bulk loaders."""
        return (f"{self.dataset}.nq", f"{self.dataset}.trig")

    @property
    def nanopubs(self) -> str:
        """Every claim as a nanopublication (TriG)."""
        return f"{self.dataset}.nanopubs.trig"

    @property
    def sssom(self) -> tuple[str, str]:
        """The mappings as one SSSOM mapping set: TSV, and SSSOM's RDF form (Turtle)."""
        return (f"{self.dataset}.sssom.tsv", f"{self.dataset}.sssom.ttl")

    @property
    def metadata(self) -> str:
        return f"{self.dataset}.void.ttl"

    @property
    def manifest(self) -> str:
        return "manifest.json"

    def described(self) -> list[str]:
        """The files the dataset metadata describes by size and checksum: the top-level files
        written before it (the bulk files come after: they hold the metadata)."""
        return sorted([*self.graph.values(), self.ontology, self.shapes, *self.coverage,
                       self.review, *self.ontology_docs.values(), self.nanopubs,
                       *self.sssom])
