"""Each claim as a nanopublication: head, assertion, provenance and publication info, named by
a trusty URI computed offline (``rdf.trusty``).

- assertion: the claim's own statements (its statement node, as in the data graph) and the
  truthy triple (subject, relation, object) where the graph holds it;
- provenance: the assertion was derived from the claim's text span, has the monograph as its
  primary source and is attributed to the publisher, who curated it;
- publication info: licence, creator (the publisher), date (the release's ``issued``) and the
  dataset version it was published in.

The nanopub IRI is ``<base>np/<monograph>/<claim>/RA...``: a new release whose claim or
publication info differs gives a new nanopub (nanopubs are immutable), never a changed one.
Signing needs the publisher's private key and happens when publishing (README: Publishing).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from monokg.assemble.metadata import version_iri
from monokg.assemble.release import Release
from monokg.model.namespaces import DCTERMS, MKG, PROV, RDF, XSD
from monokg.model.namespaces import DEFAULT_BASE as _DEFAULT_BASE
from monokg.rdf import ntriples as nt
from monokg.rdf.trusty import HOLE, artefact

NP = "http://www.nanopub.org/nschema#"
#: The four graphs of a nanopub, as fragments of its IRI, in the order they are written.
PARTS = ("Head", "assertion", "provenance", "pubinfo")

Quad = tuple[str, str, str, str]


def nanopubs(release: Release) -> list[list[Quad]]:
    """Every claim's nanopub as quads of N-Triples tokens, in claim order."""
    pub = release.publication
    mkg = f"<{MKG}".replace(_DEFAULT_BASE, pub.base)
    by_subject: dict[str, list[tuple[str, str]]] = {}
    lines = release.published_lines
    claim_prefix = f"<{pub.base}claim/"
    # The lines are sorted, so the claims' own are one run of them, and a line is looked up
    # by bisection: splitting every line and a set of all of them cost hundreds of MB at 1m.
    first = bisect.bisect_left(lines, claim_prefix)
    after = bisect.bisect_left(lines, claim_prefix[:-1] + chr(ord("/") + 1), first)
    for line in itertools.islice(lines, first, after):
        s, p, rest = line.split(" ", 2)
        by_subject.setdefault(s, []).append((p, rest[:-2]))
    out = []
    for subject, props in sorted(by_subject.items()):
        values = {p: o for p, o in props}
        if f"{mkg}textSpan>" not in values:
            continue
        key = subject[len(claim_prefix):-1]
        out.append(_nanopub(release, key, subject, props, values, mkg, lines))
    return out


def _nanopub(release: Release, key: str, claim: str, props: list[tuple[str, str]],
             values: dict[str, str], mkg: str, lines: Sequence[str]) -> list[Quad]:
    pub = release.publication
    prefix = f"{pub.base}np/{key}/"
    this = f"<{prefix}{HOLE}>"
    head, assertion, provenance, pubinfo = (f"<{prefix}{HOLE}#{part}>" for part in PARTS)
    publisher = nt.iri(str(pub.iri("agent/publisher")))
    quads: list[Quad] = [
        (head, this, nt.iri(str(RDF.type)), f"<{NP}Nanopublication>"),
        (head, this, f"<{NP}hasAssertion>", assertion),
        (head, this, f"<{NP}hasProvenance>", provenance),
        (head, this, f"<{NP}hasPublicationInfo>", pubinfo),
    ]
    quads += [(assertion, claim, p, o) for p, o in props]
    s, p, o = (values.get(f"{mkg}{n}>", "") for n in ("subject", "relation", "object"))
    truthy = f"{s} {p} {o} ."
    at = bisect.bisect_left(lines, truthy)
    if at < len(lines) and lines[at] == truthy:
        quads.append((assertion, s, p, o))
    quads += [(provenance, assertion, f"<{PROV.wasDerivedFrom}>", values[f"{mkg}textSpan>"]),
              (provenance, assertion, f"<{PROV.hadPrimarySource}>", values[f"{mkg}monograph>"]),
              (provenance, assertion, f"<{PROV.wasAttributedTo}>", publisher)]
    quads += [(pubinfo, this, f"<{DCTERMS.license}>", nt.iri(pub.license)),
              (pubinfo, this, f"<{DCTERMS.creator}>", publisher),
              (pubinfo, this, f"<{DCTERMS.created}>", nt.typed(pub.issued, str(XSD.date))),
              (pubinfo, this, f"<{PROV.wasDerivedFrom}>", nt.iri(str(version_iri(pub))))]
    hole, filled = f"<{prefix}{HOLE}", f"<{prefix}{artefact(quads)}"

    def fill(token: str) -> str:
        return filled + token[len(hole):] if token.startswith(hole) else token

    return [(fill(g), fill(s), fill(p), fill(o)) for g, s, p, o in quads]
