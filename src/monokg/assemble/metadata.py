"""The DCAT/VoID description of a release, as an rdflib graph (written by ``publish.metadata``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF

from monokg.assemble.graph import monograph_iri
from monokg.assemble.release import Release
from monokg.model.config import Publication
from monokg.model.curies import Converter
from monokg.model.namespaces import (
    ADMS,
    DCAT,
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SD,
    SPDX,
    VCARD,
    VOID,
    XSD,
    prefixes,
)
from monokg.rdf.files import media_type
from monokg.rdf.graphs import new_graph, triples_of

IANA = "https://www.iana.org/assignments/media-types/"
#: The EU file-type table, whose concepts DCAT-AP requires as a distribution's dcterms:format.
FILE_TYPES = URIRef("http://publications.europa.eu/resource/authority/file-type")


SHA256 = SPDX.checksumAlgorithm_sha256


def dataset_iri(publication: Publication) -> URIRef:
    """The dataset IRI: the whole release, which a store holds as the union of its parts."""
    return publication.iri(f"dataset/{publication.dataset}")


#: The parts of a release, each in its own named graph (``graph_iri``), in this order in
#: the bulk files: the data, the released ontology and this dataset description.
GRAPH_PARTS = ("data", "ontology", "metadata")


def graph_iri(publication: Publication, part: str) -> URIRef:
    """The named graph that holds one part of the release in every store: stable (below the
    dataset IRI, without the version), so a new release replaces the graphs of the old."""
    assert part in GRAPH_PARTS, part
    return URIRef(f"{dataset_iri(publication)}/graph/{part}")


def version_iri(publication: Publication, version: str | None = None) -> URIRef:
    """One release of the dataset: the dataset IRI, then ``/<version>`` (this release's by
    default). Its files stay reachable below ``releases/<version>/`` once a newer one is out."""
    return URIRef(f"{dataset_iri(publication)}/{version or publication.version}")


def version_notes(publication: Publication) -> str:
    """``adms:versionNotes``: the publisher's notes, else what the version replaces."""
    if publication.notes:
        return publication.notes
    if publication.previous:
        return (f"Release {publication.version}, replacing {publication.previous}: "
                f"changelog.md lists every claim added, removed or changed.")
    return f"Release {publication.version}, the first."


def catalog_iri(publication: Publication) -> URIRef:
    """The catalogue that lists the dataset (DCAT-AP's entry point for harvesters)."""
    return publication.iri(f"catalog/{publication.dataset}")


def sparql_endpoint(publication: Publication) -> URIRef:
    """Where `monokg serve` (mounted at the base) answers SPARQL."""
    return publication.iri("sparql")


def download_iri(publication: Publication, name: str) -> URIRef:
    """A release file as published: the distribution IRI is its download URL."""
    return publication.iri(f"download/{name}")


def _slug(iri: str, base: str) -> str:
    """A stable path segment for a class or property IRI: its CURIE, else a short hash."""
    parts = _slug_names(base).split(iri)
    if parts is not None:
        return f"{parts[0]}-{parts[1]}"
    return "iri-" + hashlib.sha256(iri.encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def _slug_names(base: str) -> Converter:
    """The project's prefixes, taking only local names that make a plain path segment."""
    return Converter(prefixes(base), local="[A-Za-z0-9_-]+")


def _n(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


_RDF_TYPE = f"<{RDF.type}>"


def _iri_terms(tokens: set[str]) -> dict[str, URIRef]:
    """rdflib IRIs of N-Triples IRI tokens (escapes resolved by a real parser)."""

    ordered = sorted(tokens)
    triples = triples_of([f"{t} {t} {t} ." for t in ordered])
    return {token: URIRef(str(triple[1])) for token, triple in zip(ordered, triples, strict=True)}


def add_graphs(meta: Graph, ds: URIRef, pub: Publication, counts: dict[str, int]) -> None:
    """The named graphs the release is loaded into, as VoID subsets of the dataset and SPARQL
    Service Description named graphs (the graph's IRI is also its ``sd:name``), with their
    number of triples where known (the description cannot count itself before it is done)."""
    for part in GRAPH_PARTS:
        node = graph_iri(pub, part)
        meta.add((ds, VOID.subset, node))
        meta.add((node, RDF.type, VOID.Dataset))
        meta.add((node, RDF.type, SD.NamedGraph))
        meta.add((node, SD.name, node))
        if part in counts:
            meta.add((node, VOID.triples, _n(counts[part])))


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


def add_contact(meta: Graph, ds: URIRef, pub: Publication, contact: dict[str, str]) -> None:
    """The dataset's contact point, a vCard (a relative ``url`` is resolved against the base)."""
    node = URIRef(f"{ds}/contact")
    meta.add((ds, DCAT.contactPoint, node))
    meta.add((node, RDF.type, VCARD.Kind))
    meta.add((node, VCARD.fn, Literal(contact["name"])))
    if "email" in contact:
        meta.add((node, VCARD.hasEmail, URIRef(f"mailto:{contact['email']}")))
    if "url" in contact:
        meta.add((node, VCARD.hasURL, URIRef(urljoin(pub.base, contact["url"]))))


def add_catalog(meta: Graph, ds: URIRef, pub: Publication,
                description: dict[str, dict[str, str]]) -> None:
    """A catalogue of this one dataset, with the dataset's title, description and publisher."""
    catalog = catalog_iri(pub)
    meta.add((catalog, RDF.type, DCAT.Catalog))
    meta.add((catalog, DCAT.dataset, ds))
    meta.add((catalog, DCTERMS.publisher, pub.iri("agent/publisher")))
    meta.add((catalog, FOAF.homepage, pub.iri("")))
    meta.add((catalog, DCTERMS.license, URIRef(pub.license)))
    # the catalogue changes with each release, and only then
    for prop in (DCTERMS.issued, DCTERMS.modified):
        meta.add((catalog, prop, Literal(pub.issued, datatype=XSD.date)))
    for key, prop in (("title", DCTERMS.title), ("description", DCTERMS.description)):
        for lang, text in description[key].items():
            meta.add((catalog, prop, Literal(text, lang=lang)))


@dataclass(frozen=True)
class FileFacts:
    """What the metadata says of one release file."""

    name: str
    size: int
    sha256: str


def planned_files(release: Release) -> list[FileFacts]:
    """The files the metadata will describe, before they exist: their names, with size 0 and
    a zero digest. Checking this description before anything is written checks everything in
    it that the data controls; sizes and digests are well-formed by construction."""
    return [FileFacts(name, 0, "0" * 64)
            for name in release.files.described()]


def to_metadata(release: Release, files: list[FileFacts],
                description: dict[str, dict[str, str]]) -> Graph:
    """DCAT + VoID for the dataset, one distribution per file, the named graphs it is loaded
    into, and the sources it came from.

    The bulk files (N-Quads, TriG) hold this description, so it cannot give their size or
    checksum: they are named as VoID data dumps only, and ``manifest.json`` lists their digest.
    """

    pub = release.publication
    data = release.published_lines
    ds = dataset_iri(pub)
    meta = new_graph()
    meta.bind("foaf", str(FOAF))
    meta.add((ds, RDF.type, DCAT.Dataset))
    meta.add((ds, RDF.type, VOID.Dataset))
    for key, prop in (("title", DCTERMS.title), ("description", DCTERMS.description)):
        for lang, text in description[key].items():
            meta.add((ds, prop, Literal(text, lang=lang)))
    meta.add((ds, RDFS.label, Literal(description["title"]["en"], lang="en")))
    for lang, words in description["keywords"].items():
        for word in words.split(","):
            meta.add((ds, DCAT.keyword, Literal(word.strip(), lang=lang)))
    meta.add((ds, DCTERMS.license, URIRef(pub.license)))
    meta.add((ds, URIRef(f"{DCAT}version"), Literal(pub.version)))
    meta.add((ds, OWL.versionInfo, Literal(pub.version)))
    meta.add((ds, OWL.versionIRI, version_iri(pub)))
    meta.add((ds, ADMS.versionNotes, Literal(version_notes(pub), lang="en")))
    if pub.previous:
        meta.add((ds, URIRef(f"{DCAT}previousVersion"), version_iri(pub, pub.previous)))
    meta.add((ds, DCTERMS.issued, Literal(pub.issued, datatype=XSD.date)))
    publisher = pub.iri("agent/publisher")
    meta.add((ds, DCTERMS.publisher, publisher))
    meta.add((publisher, RDF.type, FOAF.Agent))
    meta.add((publisher, FOAF.name, Literal(pub.publisher)))
    meta.add((publisher, RDFS.label, Literal(pub.publisher)))
    meta.add((ds, VOID.uriSpace, Literal(pub.base)))
    meta.add((ds, VOID.sparqlEndpoint, sparql_endpoint(pub)))
    landing = pub.iri("")
    meta.add((ds, DCAT.landingPage, landing))
    meta.add((landing, RDF.type, FOAF.Document))
    meta.add((URIRef(pub.license), RDF.type, DCTERMS.LicenseDocument))
    add_contact(meta, ds, pub, description["contact"])
    add_catalog(meta, ds, pub, description)
    typed = add_statistics(meta, ds, data, pub.base)
    add_graphs(meta, ds, pub, {"data": len(data),
                               "ontology": len(release.released_ontology)})
    examples = [pub.rebase_term(monograph_iri(m)) for m in release.monographs]
    claims = sorted(_iri_terms({s for s in typed if s.startswith(f"<{pub.base}claim/")}
                               ).values(), key=str)
    for example in examples + claims[:3]:
        meta.add((ds, VOID.exampleResource, example))
    for mono in release.monographs:
        source = pub.rebase_term(monograph_iri(mono))
        src = mono.source.meta
        meta.add((ds, PROV.wasDerivedFrom, source))
        meta.add((source, DCAT.byteSize, _n(src.byte_size)))
        meta.add((source, DCTERMS.identifier, Literal(src.file.name)))
        add_checksum(meta, ds, source, f"source-{mono.id}", src.sha256)
    for path in sorted(files, key=lambda f: f.name):
        dist = download_iri(pub, path.name)
        kind = media_type(path.name)
        meta.add((ds, DCAT.distribution, dist))
        meta.add((dist, RDF.type, DCAT.Distribution))
        meta.add((dist, DCTERMS.title, Literal(path.name)))
        meta.add((dist, DCAT.accessURL, dist))
        meta.add((dist, DCAT.downloadURL, dist))
        media = URIRef(IANA + kind)
        meta.add((dist, DCAT.mediaType, media))
        meta.add((media, RDF.type, DCTERMS.MediaType))
        if kind in description["formats"]:
            file_type = URIRef(f"{FILE_TYPES}/{description['formats'][kind]}")
            meta.add((dist, DCTERMS.format, file_type))
            meta.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        meta.add((dist, DCAT.byteSize, _n(path.size)))
        meta.add((dist, DCTERMS.license, URIRef(pub.license)))
        add_checksum(meta, ds, dist, path.name, path.sha256)
        if kind == "application/n-triples":
            meta.add((ds, VOID.dataDump, dist))
    for name in release.files.bulk:
        dump = download_iri(pub, name)
        meta.add((ds, VOID.dataDump, dump))
        meta.add((dump, DCTERMS.title, Literal(name)))
    return meta
