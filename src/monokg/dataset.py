"""Release files for bulk loaders and catalogues: N-Quads, TriG, DCAT/VoID metadata, manifest.json.

The metadata describes every other file of the release by size and sha256; it cannot hold its own
checksum, so ``manifest.json`` (written after it) lists the metadata file too. Every node is an
IRI minted below the dataset IRI: no blank nodes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, XSD

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


#: sha256 of the files written by ``write_file``, by path, with the (size, mtime, inode) they
#: had then: the metadata and the manifest describe files this process has just written, and
#: hashing the bytes in hand saves reading every file back (twice).
_WRITTEN: dict[str, tuple[int, int, int, str]] = {}


def write_file(path: Path | str, data: bytes) -> None:
    """Write a release file and remember its sha256 for ``sha256_of``."""
    # os-level calls: the site writes thousands of small files, where buffered files cost.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        status = os.fstat(fd)
    finally:
        os.close(fd)
    _WRITTEN[os.fspath(path)] = (status.st_size, status.st_mtime_ns, status.st_ino,
                                 hashlib.sha256(data).hexdigest())


def sha256_of(path: Path, status: os.stat_result | None = None) -> str:
    """The sha256 of a file, hex (remembered from ``write_file`` while the file is unchanged)."""
    status = status or os.stat(path)
    known = _WRITTEN.get(os.fspath(path))
    if known is not None and known[:3] == (status.st_size, status.st_mtime_ns, status.st_ino):
        return known[3]
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def to_nquads(lines: list[str], graph: URIRef) -> bytes:
    """Sorted N-Triples lines moved into one named graph (N-Quads), line for line."""
    tail = f" <{graph}> .\n"
    for line in lines:
        assert line.endswith(" .")
    return "".join([line[:-2] + tail for line in lines]).encode("utf-8")


def to_trig(lines: list[str], graph: URIRef) -> bytes:
    """TriG that Virtuoso reads: ``<graph> { ... }`` without the GRAPH keyword, N-Triples inside."""
    body = "".join([f"  {line}\n" for line in lines])
    return f"<{graph}> {{\n{body}}}\n".encode()


def write_bulk_files(release: Release, out_dir: Path) -> list[Path]:
    """``<dataset>.nq`` and ``<dataset>.trig``: the data graph and ontology in the dataset graph."""
    from .export import ntriples_lines
    from .pipeline import released_ontology

    pub = release.publication
    ontology = ntriples_lines(released_ontology(release.ontology, pub))
    data = release.published_lines()
    # Both are sorted and unique; the ontology is small, so merge it in as a set.
    lines = sorted(set(data).union(ontology)) if ontology else data
    graph = dataset_iri(pub)
    nq, trig = out_dir / f"{pub.dataset}.nq", out_dir / f"{pub.dataset}.trig"
    write_file(nq, to_nquads(lines, graph))
    write_file(trig, to_trig(lines, graph))
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


_RDF_TYPE = f"<{RDF.type}>"


def _iri_terms(tokens: set[str]) -> dict[str, URIRef]:
    """rdflib IRIs of N-Triples IRI tokens (escapes resolved by a real parser)."""
    from .export import triples_of

    ordered = sorted(tokens)
    triples = triples_of([f"{t} {t} {t} ." for t in ordered])
    return {token: triple[1] for token, triple in zip(ordered, triples)}  # type: ignore[misc]


def add_statistics(meta: Graph, ds: URIRef, lines: list[str], base: str) -> set[str]:
    """VoID counts: triples, subjects, objects, and one partition per class and property.

    ``lines`` are the data graph's unique N-Triples lines (so one line is one triple and one
    token one term); returns the tokens of the subjects with a type."""
    members: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    subjects: set[str] = set()
    objects: set[str] = set()
    typed: set[str] = set()
    for line in lines:
        s, p, rest = line.split(" ", 2)
        o = rest[:-2]
        subjects.add(s)
        objects.add(o)
        counts[p] = counts.get(p, 0) + 1
        if p == _RDF_TYPE:
            typed.add(s)
            if o.startswith("<"):
                members.setdefault(o, set()).add(s)
    terms = _iri_terms(set(members) | set(counts))
    classes = {terms[c]: m for c, m in members.items()}
    properties = {terms[p]: n for p, n in counts.items()}
    meta.add((ds, VOID.triples, _n(len(lines))))
    meta.add((ds, VOID.distinctSubjects, _n(len(subjects))))
    meta.add((ds, VOID.distinctObjects, _n(len(objects))))
    meta.add((ds, VOID.classes, _n(len(classes))))
    meta.add((ds, VOID.properties, _n(len(properties))))
    for cls, members_of in classes.items():
        node = URIRef(f"{ds}/class/{_slug(str(cls), base)}")
        meta.add((ds, VOID.classPartition, node))
        meta.add((node, RDF.type, VOID.Dataset))
        meta.add((node, VOID["class"], cls))
        meta.add((node, VOID.entities, _n(len(members_of))))
    for prop, count in properties.items():
        node = URIRef(f"{ds}/property/{_slug(str(prop), base)}")
        meta.add((ds, VOID.propertyPartition, node))
        meta.add((node, RDF.type, VOID.Dataset))
        meta.add((node, VOID.property, prop))
        meta.add((node, VOID.triples, _n(count)))
    return typed


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
    data = release.published_lines()
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
    typed = add_statistics(meta, ds, data, pub.base)
    examples = [pub.rebase_term(monograph_iri(m)) for m in release.monographs]
    claims = sorted(_iri_terms({s for s in typed if s.startswith(f"<{pub.base}claim/")}
                               ).values(), key=str)
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
    entries = []
    for relative, path in sorted((p.relative_to(out_dir).as_posix(), p) for p in files):
        status = os.stat(path)
        entries.append({"path": relative, "bytes": status.st_size,
                        "sha256": sha256_of(path, status), "media_type": media_type(path.name)})
    document = {"dataset": str(dataset_iri(publication)), "version": publication.version,
                "issued": publication.issued, "files": entries}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_metadata(release: Release, out_dir: Path) -> list[Path]:
    """``<dataset>.void.ttl``, checked against the shapes: describes the files written so far."""
    from .export import ntriples_lines, to_turtle
    from .validate import check_shape_lines

    pub = release.publication
    assert release.paths is not None, "a release assembled from a project"
    description = load_description(release.paths.data / "dataset.yaml")
    files = sorted(p for p in out_dir.iterdir() if p.is_file())
    meta = to_metadata(release, files, description)
    # The metadata uses the publication's base; the ontology's individuals are checked with it.
    lines = ntriples_lines(meta) + ntriples_lines(release.ontology)
    namespaces = {prefix: str(ns) for prefix, ns in meta.namespaces() if prefix}
    findings = check_shape_lines(lines, release.shapes, namespaces=namespaces)
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        raise NonConformance("dataset metadata (SHACL)", violations)
    void = out_dir / f"{pub.dataset}.void.ttl"
    write_file(void, to_turtle(meta))
    return [void]


def write_manifest(release: Release, out_dir: Path) -> list[Path]:
    """``manifest.json``: every file of the release below ``out_dir`` but itself."""
    every = [Path(folder, name) for folder, _, names in os.walk(out_dir) for name in names]
    manifest = out_dir / "manifest.json"
    manifest.write_bytes(to_manifest(out_dir, every, release.publication))
    for path in every:
        _WRITTEN.pop(os.fspath(path), None)  # described: a long build session keeps no more
    return [manifest]
