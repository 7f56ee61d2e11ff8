"""Release files for bulk loaders: N-Quads and TriG of the data and ontology."""

from __future__ import annotations

from pathlib import Path

from monokg.assemble.metadata import dataset_iri
from monokg.assemble.release import Release, released_ontology
from monokg.rdf.files import ReleaseFolder
from monokg.rdf.graphs import ntriples_lines
from monokg.rdf.quads import to_nquads, to_trig


def write_bulk_files(release: Release, out: ReleaseFolder) -> list[Path]:
    """``<dataset>.nq`` and ``<dataset>.trig``: the data graph and ontology in the dataset graph."""

    pub = release.publication
    ontology = ntriples_lines(released_ontology(release.ontology, pub))
    data = release.published_lines
    # Both are sorted and unique; the ontology is small, so merge it in as a set.
    lines = sorted(set(data).union(ontology)) if ontology else data
    graph = dataset_iri(pub)
    nq, trig = release.files.bulk
    return [out.write(out.root / nq, to_nquads(lines, graph)),
            out.write(out.root / trig, to_trig(lines, graph))]
