"""Release files for bulk loaders: N-Quads and TriG of the whole release, each part (data,
ontology, dataset metadata) in its own named graph (``assemble.metadata.graph_iri``)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from monokg.assemble.metadata import graph_iri
from monokg.assemble.release import Release
from monokg.rdf.files import ReleaseFolder
from monokg.rdf.graphs import ntriples_lines
from monokg.rdf.quads import to_nquads, to_trig


def write_bulk_files(release: Release, out: ReleaseFolder) -> list[Path]:
    """``<dataset>.nq`` and ``<dataset>.trig``: every part in its graph. Written after the
    metadata file, whose triples they hold as written (so the metadata cannot describe them by
    size and checksum: ``manifest.json`` does)."""
    pub = release.publication
    metadata = Graph().parse(out.root / release.files.metadata, format="turtle")
    parts = {"data": release.published_lines,
             "ontology": ntriples_lines(release.released_ontology),
             "metadata": ntriples_lines(metadata)}
    graphs = [(graph_iri(pub, part), lines) for part, lines in parts.items()]
    nq, trig = release.files.bulk
    return [out.write(out.root / nq, to_nquads(graphs)),
            out.write(out.root / trig, to_trig(graphs))]
