"""Release files for bulk loaders and catalogues: N-Quads, TriG, DCAT/VoID metadata, manifest.json.

The metadata describes every other file of the release by size and sha256; it cannot hold its own
checksum, so ``manifest.json`` (written after it) lists the metadata file too. Every node is an
IRI minted below the dataset IRI: no blank nodes.
"""

from __future__ import annotations

import os
from pathlib import Path

from monokg.assemble.metadata import FileFacts, dataset_iri, to_metadata
from monokg.assemble.release import Release
from monokg.model.config import Publication
from monokg.rdf.files import ReleaseFolder, media_type
from monokg.rdf.jsonld import json_text
from monokg.rdf.turtle import to_turtle


def to_manifest(out: ReleaseFolder, files: list[Path], publication: Publication) -> bytes:
    """manifest.json: every file of the release (relative path, bytes, sha256), sorted."""
    # Plain strings and the C string encoder: a site of 600,000 files made pathlib's
    # relative_to and json's indented writer (pure Python) cost 19 s at 1m triples.
    root = os.fspath(out.root) + os.sep
    entries = []
    for relative, path in sorted((os.fspath(p)[len(root):].replace(os.sep, "/"), p)
                                 for p in files):
        status = os.stat(path)
        entries.append({"path": relative, "bytes": status.st_size,
                        "sha256": out.sha256(path, status), "media_type": media_type(path.name)})
    document = {"dataset": str(dataset_iri(publication)), "version": publication.version,
                "issued": publication.issued, "files": entries}
    return (json_text(document) + "\n").encode("utf-8")


def write_metadata(release: Release, out: ReleaseFolder) -> list[Path]:
    """``<dataset>.void.ttl``: describes the files written before it (checked, before any
    file was written, by ``check.release``)."""
    names = release.files
    files = []
    for name in names.described():
        path = out.root / name
        files.append(FileFacts(name, path.stat().st_size, out.sha256(path)))
    meta = to_metadata(release, files, release.description)
    return [out.write(out.root / names.metadata, to_turtle(meta))]


def write_manifest(release: Release, out: ReleaseFolder) -> list[Path]:
    """``manifest.json``: every file of the release below the folder but itself."""
    every = [Path(folder, name) for folder, _, names in os.walk(out.root) for name in names]
    manifest = release.files.manifest
    return [out.write(out.root / manifest, to_manifest(out, every, release.publication))]
