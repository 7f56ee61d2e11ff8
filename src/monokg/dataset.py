"""Release files for bulk loaders and catalogues: N-Quads, TriG, DCAT/VoID metadata, manifest.json.

The metadata describes every other file of the release by size and sha256; it cannot hold its own
checksum, so ``manifest.json`` (written after it) lists the metadata file too. Every node is an
IRI minted below the dataset IRI: no blank nodes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from .config import Publication
from .errors import InputError, NonConformance
from .namespaces import SPDX, VOID, prefixes

if TYPE_CHECKING:
    from .pipeline import Release

#: File suffix -> IANA media type of a release file.
MEDIA_TYPES: dict[str, str] = {
    ".context.jsonld": "application/ld+json",
    ".owl.ttl": "text/turtle",
    ".shacl.ttl": "text/turtle",
    ".void.ttl": "text/turtle",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
}
IANA = "https://www.iana.org/assignments/media-types/"
SHA256 = SPDX.checksumAlgorithm_sha256


def dataset_iri(publication: Publication) -> URIRef:
    """The dataset IRI; also the named graph a store loads the release into."""
    return publication.iri(f"dataset/{publication.dataset}")


def sparql_endpoint(publication: Publication) -> URIRef:
    """Where `monokg serve` (mounted at the base) answers SPARQL."""
    return publication.iri("sparql")


def download_iri(publication: Publication, name: str) -> URIRef:
    """A release file as published: the distribution IRI is its download URL."""
    return publication.iri(f"download/{name}")


def media_type(name: str) -> str:
    """The media type of a release file, by its role suffix."""
    for suffix, kind in MEDIA_TYPES.items():
        if name.endswith(suffix):
            return kind
    return "application/octet-stream"


def sha256_of(path: Path) -> str:
    """The sha256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def to_nquads(nt: bytes, graph: URIRef) -> bytes:
    """Sorted N-Triples moved into one named graph (N-Quads), line for line."""
    lines = []
    for line in nt.decode("utf-8").splitlines():
        if line.strip():
            assert line.endswith(" .")
            lines.append(line[:-2] + f" <{graph}> .\n")
    return "".join(lines).encode("utf-8")


def to_trig(nt: bytes, graph: URIRef) -> bytes:
    """TriG that Virtuoso reads: ``<graph> { ... }`` without the GRAPH keyword, N-Triples inside."""
    body = "".join(f"  {line}\n" for line in nt.decode("utf-8").splitlines() if line.strip())
    return f"<{graph}> {{\n{body}}}\n".encode()


def write_bulk_files(release: Release, out_dir: Path) -> list[Path]:
    """``<dataset>.nq`` and ``<dataset>.trig``: the data graph and ontology in the dataset graph."""
    from .export import to_ntriples
    from .pipeline import released_ontology

    pub = release.publication
    whole = pub.rebase(release.graph) + released_ontology(release.ontology, pub)
    nt = to_ntriples(whole)
    graph = dataset_iri(pub)
    nq, trig = out_dir / f"{pub.dataset}.nq", out_dir / f"{pub.dataset}.trig"
    nq.write_bytes(to_nquads(nt, graph))
    trig.write_bytes(to_trig(nt, graph))
    return [nq, trig]


def load_description(path: Path) -> dict[str, dict[str, str]]:
    """Title and description (nl and en) of the dataset from data/dataset.yaml."""
    from .yamlio import load_yaml

    data = load_yaml(path) if path.is_file() else {}
    texts: dict[str, dict[str, str]] = {}
    for key in ("title", "description"):
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, dict) or not {"nl", "en"} <= set(value):
            raise InputError(f"'{key}' needs an 'nl' and an 'en' text", path,
                             fix=f"write {key}: {{nl: ..., en: ...}}")
        texts[key] = {lang: str(value[lang]) for lang in ("nl", "en")}
    return texts


def _slug(iri: str, base: str) -> str:
    """A stable path segment for a class or property IRI: its CURIE, else a short hash."""
    for prefix, namespace in sorted(prefixes(base).items(), key=lambda x: -len(x[1])):
        local = iri[len(namespace):]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_-]+", local):
            return f"{prefix}-{local}"
    return "iri-" + hashlib.sha256(iri.encode()).hexdigest()[:16]


def _n(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


def add_statistics(meta: Graph, ds: URIRef, data: Graph, base: str) -> None:
    """VoID counts: triples, subjects, objects, and one partition per class and property."""
    classes: dict[Node, set[Node]] = {}
    properties: dict[Node, int] = {}
    for s, p, o in data:
        properties[p] = properties.get(p, 0) + 1
        if p == RDF.type and isinstance(o, URIRef):
            classes.setdefault(o, set()).add(s)
    meta.add((ds, VOID.triples, _n(len(data))))
    meta.add((ds, VOID.distinctSubjects, _n(len(set(data.subjects())))))
    meta.add((ds, VOID.distinctObjects, _n(len(set(data.objects())))))
    meta.add((ds, VOID.classes, _n(len(classes))))
    meta.add((ds, VOID.properties, _n(len(properties))))
    for cls, members in classes.items():
        node = URIRef(f"{ds}/class/{_slug(str(cls), base)}")
        meta.add((ds, VOID.classPartition, node))
        meta.add((node, RDF.type, VOID.Dataset))
        meta.add((node, VOID["class"], cls))
        meta.add((node, VOID.entities, _n(len(members))))
    for prop, count in properties.items():
        node = URIRef(f"{ds}/property/{_slug(str(prop), base)}")
        meta.add((ds, VOID.propertyPartition, node))
        meta.add((node, RDF.type, VOID.Dataset))
        meta.add((node, VOID.property, prop))
        meta.add((node, VOID.triples, _n(count)))


def add_checksum(meta: Graph, ds: URIRef, thing: URIRef, key: str, sha256: str) -> None:
    """An spdx:Checksum node (IRI below the dataset) for one file."""
    node = URIRef(f"{ds}/checksum/{key}")
    meta.add((thing, SPDX.checksum, node))
    meta.add((node, RDF.type, SPDX.Checksum))
    meta.add((node, SPDX.algorithm, SHA256))
    meta.add((node, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def to_metadata(release: Release, files: list[Path], description: dict[str, dict[str, str]]
                ) -> Graph:
    """DCAT + VoID for the dataset, one distribution per file, and the sources it came from."""
    from .graph import monograph_iri, new_graph

    pub = release.publication
    data = pub.rebase(release.graph)
    ds = dataset_iri(pub)
    meta = new_graph()
    meta.bind("foaf", str(FOAF))
    meta.add((ds, RDF.type, DCAT.Dataset))
    meta.add((ds, RDF.type, VOID.Dataset))
    for key, prop in (("title", DCTERMS.title), ("description", DCTERMS.description)):
        for lang, text in description[key].items():
            meta.add((ds, prop, Literal(text, lang=lang)))
    meta.add((ds, RDFS.label, Literal(description["title"]["en"], lang="en")))
    meta.add((ds, DCTERMS.license, URIRef(pub.license)))
    meta.add((ds, URIRef(f"{DCAT}version"), Literal(pub.version)))
    meta.add((ds, OWL.versionInfo, Literal(pub.version)))
    meta.add((ds, DCTERMS.issued, Literal(pub.issued, datatype=XSD.date)))
    publisher = pub.iri("agent/publisher")
    meta.add((ds, DCTERMS.publisher, publisher))
    meta.add((publisher, RDF.type, FOAF.Agent))
    meta.add((publisher, FOAF.name, Literal(pub.publisher)))
    meta.add((publisher, RDFS.label, Literal(pub.publisher)))
    meta.add((ds, VOID.uriSpace, Literal(pub.base)))
    meta.add((ds, VOID.sparqlEndpoint, sparql_endpoint(pub)))
    meta.add((ds, DCAT.landingPage, pub.iri("")))
    add_statistics(meta, ds, data, pub.base)
    examples = [pub.rebase_term(monograph_iri(m)) for m in release.monographs]
    claims = sorted((s for s in set(data.subjects(RDF.type, None))
                     if str(s).startswith(pub.base + "claim/")), key=str)
    for example in examples + claims[:3]:
        meta.add((ds, VOID.exampleResource, example))
    for mono in release.monographs:
        source = pub.rebase_term(monograph_iri(mono))
        src = mono.source.meta
        meta.add((ds, PROV.wasDerivedFrom, source))
        meta.add((ds, DCTERMS.source, source))
        meta.add((source, DCAT.byteSize, _n(src.byte_size)))
        meta.add((source, DCTERMS.identifier, Literal(src.file.name)))
        add_checksum(meta, ds, source, f"source-{mono.id}", src.sha256)
    for path in sorted(files, key=lambda p: p.name):
        dist = download_iri(pub, path.name)
        kind = media_type(path.name)
        meta.add((ds, DCAT.distribution, dist))
        meta.add((dist, RDF.type, DCAT.Distribution))
        meta.add((dist, DCTERMS.title, Literal(path.name)))
        meta.add((dist, DCAT.downloadURL, dist))
        meta.add((dist, DCAT.mediaType, URIRef(IANA + kind)))
        meta.add((dist, DCTERMS.format, Literal(kind)))
        meta.add((dist, DCAT.byteSize, _n(path.stat().st_size)))
        meta.add((dist, DCTERMS.license, URIRef(pub.license)))
        add_checksum(meta, ds, dist, path.name, sha256_of(path))
        if kind in ("application/n-triples", "application/n-quads"):
            meta.add((ds, VOID.dataDump, dist))
    return meta


def to_manifest(out_dir: Path, files: list[Path], publication: Publication) -> bytes:
    """manifest.json: every file of the release (relative path, bytes, sha256), sorted."""
    entries = [{"path": p.relative_to(out_dir).as_posix(), "bytes": p.stat().st_size,
                "sha256": sha256_of(p), "media_type": media_type(p.name)}
               for p in sorted(files, key=lambda p: p.relative_to(out_dir).as_posix())]
    document = {"dataset": str(dataset_iri(publication)), "version": publication.version,
                "issued": publication.issued, "files": entries}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_metadata(release: Release, out_dir: Path) -> list[Path]:
    """``<dataset>.void.ttl``, checked against the shapes: describes the files written so far."""
    from .export import to_turtle
    from .validate import check_shapes

    pub = release.publication
    assert release.paths is not None, "a release assembled from a project"
    description = load_description(release.paths.data / "dataset.yaml")
    files = sorted(p for p in out_dir.iterdir() if p.is_file())
    meta = to_metadata(release, files, description)
    findings, _ = check_shapes(meta, release.shapes, release.ontology)
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        raise NonConformance("dataset metadata (SHACL)", violations)
    void = out_dir / f"{pub.dataset}.void.ttl"
    void.write_bytes(to_turtle(meta))
    return [void]


def write_manifest(release: Release, out_dir: Path) -> list[Path]:
    """``manifest.json``: every file of the release below ``out_dir`` but itself."""
    every = sorted(p for p in out_dir.rglob("*") if p.is_file())
    manifest = out_dir / "manifest.json"
    manifest.write_bytes(to_manifest(out_dir, every, release.publication))
    return [manifest]
