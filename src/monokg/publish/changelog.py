"""The changelog between two releases: ``changelog.md`` for people and ``changelog.ttl``, the same
changes in PROV (``prov:wasRevisionOf`` between claim versions) with tombstones for removed
claims (``owl:deprecated true``, ``dcterms:isReplacedBy`` where an added claim holds its quote)."""

from __future__ import annotations

from rdflib import Literal, URIRef

from monokg.assemble.changes import FIELDS, Changes, Snapshot
from monokg.model.namespaces import DCTERMS, OWL, PROV, RDF, RDFS, XSD
from monokg.rdf.graphs import new_graph
from monokg.rdf.turtle import to_turtle


def claim_version(snapshot: Snapshot, key: str) -> URIRef:
    """One claim as it stood in one release: the claim IRI, then ``/v/<version>``."""
    return URIRef(f"{snapshot.claim_iri(key)}/v/{snapshot.version}")


def replacements(changes: Changes) -> dict[str, str]:
    """Removed claim -> the added claim that now holds its quote (the claim that replaced it)."""
    by_quote: dict[tuple[str, ...], str] = {}
    for key in changes.added:
        by_quote.setdefault(changes.new.claims[key]["quote"], key)
    return {key: by_quote[changes.old.claims[key]["quote"]] for key in changes.removed
            if changes.old.claims[key]["quote"] in by_quote}


def _values(values: tuple[str, ...]) -> str:
    return "; ".join(f"`{v}`" for v in values) if values else "(none)"


def to_markdown(changes: Changes) -> bytes:
    """The changelog as Markdown: one section per kind of change, one entry per claim."""
    old, new = changes.old, changes.new
    out = [f"# Changes from {old.version} to {new.version}", ""]
    if changes.empty:
        out += ["No claim, mapping or label changed.", ""]
    replaced = replacements(changes)
    sections = (("Claims added", changes.added), ("Claims removed", changes.removed))
    for title, keys in sections:
        if keys:
            out += [f"## {title} ({len(keys)})", ""]
            for key in keys:
                by = f" (replaced by `{replaced[key]}`)" if key in replaced else ""
                out.append(f"- `{key}`{by}")
            out.append("")
    if changes.changed:
        out += [f"## Claims changed ({len(changes.changed)})", ""]
        for key, fields in changes.changed.items():
            out.append(f"- `{key}`: {', '.join(fields)}")
            for name, (before, after) in fields.items():
                out.append(f"  - {name}: {_values(before)} -> {_values(after)}")
        out.append("")
    for title, keys in (("Mappings added", changes.mappings_added),
                        ("Mappings removed", changes.mappings_removed),
                        ("Mappings changed", changes.mappings_changed)):
        if keys:
            out += [f"## {title} ({len(keys)})", "", *(f"- `{k}`" for k in keys), ""]
    if changes.labels_changed:
        out += [f"## Labels changed ({len(changes.labels_changed)})", ""]
        for term, (before, after) in changes.labels_changed.items():
            out.append(f"- <{term}>: {_values(before)} -> {_values(after)}")
        out.append("")
    return "\n".join(out).encode("utf-8")


def to_rdf(changes: Changes) -> bytes:
    """The changelog as Turtle: each added or changed claim's new version, the version it
    revises, the fields that changed; each removed claim as a tombstone."""
    old, new = changes.old, changes.new
    graph = new_graph()
    for key in changes.added:
        version = claim_version(new, key)
        graph.add((version, PROV.specializationOf, URIRef(new.claim_iri(key))))
        graph.add((version, DCTERMS.type, Literal("added")))
    for key, fields in changes.changed.items():
        version = claim_version(new, key)
        graph.add((version, PROV.specializationOf, URIRef(new.claim_iri(key))))
        graph.add((version, PROV.wasRevisionOf, claim_version(old, key)))
        graph.add((version, DCTERMS.type, Literal("changed")))
        for name in FIELDS:
            if name in fields:
                graph.add((version, RDFS.comment, Literal(f"changed: {name}", lang="en")))
    replaced = replacements(changes)
    for key in changes.removed:
        claim = URIRef(new.claim_iri(key))
        graph.add((claim, RDF.type, PROV.Entity))
        graph.add((claim, OWL.deprecated, Literal("true", datatype=XSD.boolean)))
        graph.add((claim, RDFS.comment, Literal(f"Withdrawn in release {new.version}; it "
                                                f"stood in {old.version}.", lang="en")))
        if key in replaced:
            graph.add((claim, DCTERMS.isReplacedBy, URIRef(new.claim_iri(replaced[key]))))
    return to_turtle(graph)
