"""Term mappings: SSSOM TSV files that say which standard term each mention of a source links to.

Every ChEBI, MeSH or local-concept IRI a claim links to must be the chosen term (a positive
``skos:exactMatch`` row) of some mention, so that each identifier in the graph carries its
official label, its justification and where it was checked.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from rdflib import Graph, URIRef

from monokg.curate.claims import Monograph
from monokg.curate.vocabulary import Vocabulary
from monokg.curate.yamlio import safe_load
from monokg.model.errors import InputError, InputErrors
from monokg.rdf import ntriples as nt

COLUMNS = ("subject_id", "subject_label", "predicate_id", "predicate_modifier", "object_id",
           "object_label", "mapping_justification", "confidence", "author_id", "object_source",
           "object_source_version", "comment")
#: Where the id was read and that list's release: a reviewer can only repeat a check against
#: the same release (SSSOM's object_source_version).
REQUIRED = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
            "mapping_justification", "confidence", "author_id", "object_source",
            "object_source_version")
PREDICATES = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch")
#: Prefixes whose terms must be backed by a mapping row when a claim links to them.
LINKED_PREFIXES = ("CHEBI", "MESH", "concept")


@dataclass
class MappingRow:
    """One SSSOM row, with IRIs expanded and the line it came from."""

    line: int
    subject: URIRef
    subject_label: str
    predicate: URIRef
    negated: bool
    object: URIRef
    object_label: str
    justification: URIRef
    confidence: str  # the lexical form as written: published as it is
    author: URIRef
    checked_in: str
    source_version: str
    comment: str
    subject_curie: str
    predicate_curie: str
    object_curie: str


@dataclass
class MappingSet:
    """A parsed SSSOM file."""

    file: Path
    metadata: dict[str, object]
    rows: list[MappingRow] = field(default_factory=list)

    def chosen(self) -> dict[URIRef, list[MappingRow]]:
        """Chosen term -> the positive exactMatch rows of mentions that link to it."""
        out: dict[URIRef, list[MappingRow]] = {}
        for row in self.rows:
            if not row.negated and row.predicate_curie == "skos:exactMatch" \
                    and row.subject_curie.startswith("mention:"):
                out.setdefault(row.object, []).append(row)
        return out


def _split_header(text: str) -> tuple[str, str, int]:
    """The YAML header (without '#') and the TSV body, with the body's first line number."""
    header: list[str] = []
    body: list[str] = []
    first = 0
    for n, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.startswith("#") and not body:
            header.append(line[1:])
        else:
            if not body:
                first = n
            body.append(line)
    return "".join(header), "".join(body), first


def load_mapping_set(path: Path, vocabulary: Vocabulary, monograph_id: str) -> MappingSet:
    """Read and check an SSSOM TSV file; every problem names its line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise InputError("mapping file not found", path,
                         fix="create it (see data/mappings/README.md)") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", path, fix="save it as UTF-8") from exc
    header, body, first = _split_header(text)
    try:
        metadata = safe_load(header) or {}
    except InputError as exc:
        exc.file = path
        raise
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML header: {exc}", path, 1,
                         fix="every header line starts with '#' and is YAML") from exc
    curie_map = metadata.get("curie_map", {}) if isinstance(metadata, dict) else {}
    if not isinstance(curie_map, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in curie_map.items()):
        raise InputError("curie_map must map prefixes to namespace IRIs, as text", path, 1,
                         fix="write '#curie_map:' then '#  prefix: \"namespace IRI\"' lines")
    mention_ns = f"{vocabulary.prefixes['mention']}{monograph_id}/"
    for prefix, namespace in curie_map.items():
        known = mention_ns if prefix == "mention" else vocabulary.prefixes.get(prefix)
        if known is not None and known != namespace:
            raise InputError(f"curie_map gives {prefix}: {namespace}, the project uses "
                             f"{known}", path, fix=f"write {prefix}: {known}")
    reader = csv.DictReader(io.StringIO(body), delimiter="\t")
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path, first,
                         fix=f"the header row is: {' '.join(COLUMNS)}")
    mapping_set = MappingSet(path, metadata)
    errors = []
    for n, raw in enumerate(reader, start=first + 1):
        try:
            mapping_set.rows.append(_row(raw, n, path, vocabulary, mention_ns, set(curie_map)))
        except InputError as exc:
            errors.append(exc)
    labels: dict[URIRef, MappingRow] = {}
    for row in mapping_set.rows:
        labelled = labels.setdefault(row.object, row)
        if labelled.object_label != row.object_label:
            errors.append(InputError(
                f"{row.object_curie} is labelled {row.object_label!r} here but "
                f"{labelled.object_label!r} on line {labelled.line}", path, row.line,
                fix="copy the official label exactly, the same on every row"))
    if errors:
        raise InputErrors(errors)
    return mapping_set


def _row(raw: dict[str, str], line: int, path: Path, vocabulary: Vocabulary,
         mention_ns: str, bound: set[str]) -> MappingRow:
    values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    negated = values["predicate_modifier"] == "Not"
    if values["predicate_modifier"] not in ("", "Not"):
        raise InputError(f"predicate_modifier {values['predicate_modifier']!r}", path, line,
                         fix="leave it empty or write Not")
    empty = [k for k in REQUIRED if not values[k]]
    if empty:
        raise InputError(f"row has no {', '.join(empty)}", path, line,
                         fix="every row needs a justification, a confidence, an author, "
                         "where the term was checked (object_source) and that list's release "
                         "(object_source_version)")
    if values["predicate_id"] not in PREDICATES:
        raise InputError(f"predicate {values['predicate_id']!r}", path, line,
                         fix=f"use one of {', '.join(PREDICATES)}")
    # The confidence is published as written, an xsd:decimal: so it must be one.
    if nt.lexical_error(values["confidence"], nt.XSD_DECIMAL) is not None:
        raise InputError(f"confidence {values['confidence']!r} is not a decimal number", path,
                         line, fix="a number from 0 to 1 in digits, e.g. 0.85 or 1")
    confidence = values["confidence"]
    if not 0 <= Decimal(confidence) <= 1:
        raise InputError(f"confidence {confidence} is outside 0..1", path, line,
                         fix="a number from 0 to 1")
    def expand(key: str) -> URIRef:
        prefix = values[key].split(":", 1)[0]
        # SSSOM tools expand a row's CURIEs with the file's own curie_map, not the project's.
        if prefix not in bound and prefix in vocabulary.prefixes:
            raise InputError(f"{values[key]} uses prefix {prefix!r}, which the file's "
                             f"curie_map does not bind", path, line,
                             fix=f"add '#   {prefix}: "
                             f"{mention_ns if prefix == 'mention' else vocabulary.prefixes[prefix]}'"
                             " to the curie_map at the top of the file")
        iri = vocabulary.expand(values[key], path, line, key)
        # Mentions belong to one monograph: their namespace carries its id.
        if values[key].startswith("mention:"):
            return URIRef(mention_ns + values[key].split(":", 1)[1])
        return iri

    return MappingRow(
        line=line, subject=expand("subject_id"), subject_label=values["subject_label"],
        predicate=expand("predicate_id"), negated=negated, object=expand("object_id"),
        object_label=values["object_label"], justification=expand("mapping_justification"),
        confidence=confidence, author=expand("author_id"), checked_in=values["object_source"],
        source_version=values["object_source_version"], comment=values["comment"],
        subject_curie=values["subject_id"], predicate_curie=values["predicate_id"],
        object_curie=values["object_id"],
    )


def load_local_concepts(path: Path) -> Graph:
    """The project's own SKOS concepts, for things no standard vocabulary names well."""
    graph = Graph()
    if not path.is_file():
        return graph
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        raise InputError(f"not valid Turtle: {exc}", path, fix="correct the syntax") from exc
    return graph


def is_linked(iri: URIRef, vocabulary: Vocabulary) -> bool:
    """Whether an IRI belongs to a vocabulary whose terms need a mapping row."""
    return any(str(iri).startswith(vocabulary.prefixes[p]) for p in LINKED_PREFIXES)


def check_links(mono: Monograph, mapping_set: MappingSet | None,
                vocabulary: Vocabulary) -> None:
    """Refuse a claim whose linked term is not the chosen term of any mapping row."""
    chosen = mapping_set.chosen() if mapping_set else {}
    errors = []
    for claim in mono.claims:
        for term, line in claim.linked_terms():
            if is_linked(term, vocabulary) and term not in chosen:
                errors.append(InputError(
                    f"claim {claim.id!r} links to {term}, which has no mapping row",
                    claim.file, line,
                    fix=f"add a skos:exactMatch row for the mention, as printed, to "
                    f"{mono.mapping_file.name}, or link to a mapped term"))
    if errors:
        raise InputErrors(errors)
