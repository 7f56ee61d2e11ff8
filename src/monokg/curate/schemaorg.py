"""What the vendored schema.org vocabulary defines: types, properties, domains, ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from monokg.model.errors import InputError
from monokg.model.namespaces import RDF, RDFS, SCHEMA_PAGE

S = str(SCHEMA_PAGE)


S_HTTPS = "https://schema.org/"


VOCABULARY_FILE = "schemaorg-current-https.ttl"


def _http(iri: str) -> str:
    """A schema.org IRI in the form we publish (http); others unchanged."""
    return S + iri[len(S_HTTPS):] if iri.startswith(S_HTTPS) else iri


@dataclass
class SchemaVocabulary:
    """What schema.org defines: types with their supertypes, properties with domains/ranges."""

    supertypes: dict[str, set[str]] = field(default_factory=dict)  # reflexive and transitive
    properties: set[str] = field(default_factory=set)
    domains: dict[str, set[str]] = field(default_factory=dict)
    ranges: dict[str, set[str]] = field(default_factory=dict)
    datatypes: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=dict)  # enumeration member -> types

    def closure(self, types: set[str]) -> set[str]:
        """The types with all their supertypes."""
        return set().union(*(self.supertypes.get(t, {t}) for t in types)) if types else set()

    def local(self, iri: str) -> str:
        return iri.removeprefix(S)


def load_schema_vocabulary(schemaorg: Path) -> SchemaVocabulary:
    """Read the vendored schema.org vocabulary, with its IRIs mapped to http://schema.org/."""

    path = schemaorg / VOCABULARY_FILE
    if not path.is_file():
        raise InputError("the vendored schema.org vocabulary is missing", path,
                         fix="restore vendor/schemaorg-30.0/ from the repository")
    rdf_type, sub = str(RDF.type), str(RDFS.subClassOf)
    classes: set[str] = set()
    parents: dict[str, set[str]] = {}
    types_of: dict[str, set[str]] = {}
    vocab = SchemaVocabulary()
    with path.open("rb") as handle:
        for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
            if not isinstance(triple.subject, ox.NamedNode):
                continue
            s, p, o = _http(triple.subject.value), triple.predicate.value, triple.object
            value = _http(o.value) if isinstance(o, ox.NamedNode) else None
            if p == rdf_type and value is not None:
                types_of.setdefault(s, set()).add(value)
                if value == str(RDFS.Class):
                    classes.add(s)
                elif value == str(RDF.Property):
                    vocab.properties.add(s)
            elif p == sub and value is not None:
                parents.setdefault(s, set()).add(value)
            elif p == S_HTTPS + "domainIncludes" and value is not None:
                vocab.domains.setdefault(s, set()).add(value)
            elif p == S_HTTPS + "rangeIncludes" and value is not None:
                vocab.ranges.setdefault(s, set()).add(value)
    for cls in classes | set(parents):
        seen, todo = {cls}, [cls]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        vocab.supertypes[cls] = seen
    datatype = S + "DataType"
    direct = {s for s, ts in types_of.items() if datatype in ts}
    vocab.datatypes = {c for c, sup in vocab.supertypes.items() if sup & direct} | direct
    for s, ts in types_of.items():
        member_types = {t for t in ts if t.startswith(S) and t != datatype}
        if member_types and s not in classes and s not in vocab.properties:
            vocab.members[s] = member_types
    return vocab
