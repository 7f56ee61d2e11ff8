"""Trusty URIs (module RA: RDF graphs) computed offline, as the nanopub network checks them.

A trusty URI ends in ``RA`` plus the URL-safe base64 (unpadded) of the SHA-256 of the
nanopublication's normalised quads, in which the artefact itself is a space: the nanopub IRI
is ``<prefix> `` and its parts ``<prefix> #assertion`` etc. The quads are sorted by graph,
subject, predicate (UTF-8 bytes), then object (IRIs before literals; literals by text, then
datatype, a language-tagged one first, then language), and each term is written on its own
line: an IRI as itself, a literal as ``@<lang> <text>`` or ``^<datatype> <text>`` with
backslashes doubled and line breaks as ``\\n``. This is the algorithm of the trustyuri
reference code (``RdfHasher`` in the nanopub package, which the tests use to check ours).
"""

from __future__ import annotations

import base64
import hashlib

from monokg.rdf.ntriples import XSD_STRING, split_literal, unescape

#: The placeholder of the artefact while hashing.
HOLE = " "


def _term(token: str) -> tuple[int, bytes, bytes, bytes, str]:
    """A term's sort key (IRIs first) and its line in the normal form."""
    if token.startswith("<"):
        text = unescape(token[1:-1])
        return 0, text.encode(), b"", b"", f"{text}\n"
    lexical, lang, datatype = split_literal(token)
    escaped = lexical.replace("\\", "\\\\").replace("\n", "\\n")
    if lang is not None:
        return 1, lexical.encode(), b"", lang.encode(), f"@{lang.lower()} {escaped}\n"
    datatype = datatype or XSD_STRING
    return 1, lexical.encode(), b"\x01" + datatype.encode(), b"", f"^{datatype} {escaped}\n"


def artefact(quads: list[tuple[str, str, str, str]]) -> str:
    """The trusty artefact (``RA...``) of quads given as N-Triples tokens (graph, subject,
    predicate, object), with the artefact written as ``HOLE`` in every IRI that holds it."""
    keyed = sorted({tuple(_term(t) for t in quad) for quad in quads},
                   key=lambda quad: tuple(term[:4] for term in quad))
    text = "".join(term[4] for quad in keyed for term in quad)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "RA" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

