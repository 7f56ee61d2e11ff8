"""The mappings as one SSSOM mapping set that SSSOM tools read (sssom-py in the tests):
``<dataset>.sssom.tsv`` (the metadata block, then one row per mapping record) and
``<dataset>.sssom.ttl``, SSSOM's RDF form (each mapping an ``owl:Axiom`` with
``owl:annotatedSource``/``owl:annotatedProperty``/``owl:annotatedTarget``, named by its record
IRI in the data graph, so no blank nodes).

The rows are the data graph's ``sssom:Mapping`` records, so both files say what the graph says;
``mkg:checkedIn`` (where a term and its label were checked), which SSSOM has no slot for,
travels in ``other`` as ``checked_in=<where>``.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from monokg.assemble.changes import snapshot
from monokg.assemble.release import Release
from monokg.model.config import Publication
from monokg.model.curies import Converter
from monokg.model.namespaces import DCTERMS, MKG, OWL, RDF, RDFS, SSSOM, XSD, prefixes
from monokg.model.namespaces import DEFAULT_BASE as _DEFAULT_BASE
from monokg.rdf import ntriples as nt
from monokg.rdf.files import ReleaseFolder
from monokg.rdf.graphs import new_graph
from monokg.rdf.ntriples import split_literal
from monokg.rdf.turtle import turtle_of_lines

COLUMNS = ("record_id", "subject_id", "subject_label", "predicate_id", "predicate_modifier", "object_id",
           "object_label", "mapping_justification", "confidence", "author_id", "comment",
           "other")
#: SSSOM's RDF form: the slots with a property of their own (the rest are sssom:<slot>).
_RDF_SLOTS = {"subject_id": OWL.annotatedSource, "predicate_id": OWL.annotatedProperty,
              "object_id": OWL.annotatedTarget, "author_id": URIRef("http://purl.org/pav/authoredBy"),
              "comment": RDFS.comment}
XSD_DOUBLE = URIRef("http://www.w3.org/2001/XMLSchema#double")


def mapping_set_id(pub: Publication) -> URIRef:
    return pub.iri(f"mappings/{pub.dataset}")


def mapping_rows(release: Release) -> list[tuple[str, dict[str, str]]]:
    """(record IRI, slot -> value) of every mapping record, by record IRI; IRIs full."""
    pub = release.publication
    # only the records' own lines: the snapshot need not read every claim of a large release
    prefix = f"<{pub.base}mapping/"
    lines = [line for line in release.published_lines if line.startswith(prefix)]
    records = snapshot(lines, pub.version, pub.base).mappings
    checked = f"<{MKG}checkedIn>".replace(_DEFAULT_BASE, pub.base)
    rows = []
    for key, props in sorted(records.items()):
        row = {}
        for slot in COLUMNS:
            if slot in ("record_id", "other", "predicate_modifier"):
                continue
            values = props.get(f"<{SSSOM}{slot}>", ())
            if values:
                token = values[0]
                row[slot] = token[1:-1] if token.startswith("<") else split_literal(token)[0]
        if props.get(f"<{SSSOM}predicate_modifier>"):
            row["predicate_modifier"] = "Not"
        if props.get(checked):
            row["other"] = f"checked_in={split_literal(props[checked][0])[0]}"
        row["record_id"] = str(pub.iri(f"mapping/{key}"))
        rows.append((row["record_id"], row))
    return rows


_IRI_SLOTS = ("record_id", "subject_id", "predicate_id", "object_id", "mapping_justification", "author_id")


def to_sssom_tsv(pub: Publication, rows: list[tuple[str, dict[str, str]]]) -> bytes:
    """SSSOM TSV: the metadata block (curie_map of the prefixes used, mapping_set_id, version,
    licence, publication date), then the rows with CURIEs."""
    converter = Converter(prefixes(pub.base))
    used: dict[str, str] = {}
    table = ["\t".join(COLUMNS)]
    for _, row in rows:
        cells = []
        for slot in COLUMNS:
            value = row.get(slot, "")
            if slot in _IRI_SLOTS and value:
                parts = converter.split(value)
                if parts is not None:
                    used[parts[0]] = converter.prefix_map[parts[0]]
                    value = f"{parts[0]}:{parts[1]}"
            cells.append(value.replace("\t", " ").replace("\n", " "))
        table.append("\t".join(cells))
    header = ["curie_map:", *(f"  {p}: {ns}" for p, ns in sorted(used.items())),
              f"mapping_set_id: {mapping_set_id(pub)}",
              f"mapping_set_version: {pub.version}",
              f"license: {pub.license}",
              f"publication_date: {pub.issued}"]
    return ("".join(f"# {line}\n" for line in header)
            + "".join(f"{line}\n" for line in table)).encode("utf-8")


def to_sssom_rdf(pub: Publication, rows: list[tuple[str, dict[str, str]]]) -> bytes:
    """SSSOM's RDF form, as sssom-py writes it, with each mapping named by its record IRI.

    Spelled as N-Triples lines straight from the rows: an rdflib graph of them cost most of
    this writer's time (14 s of 1m's build). The literals are rdflib's, as before: a
    confidence is an xsd:double, whose lexical form rdflib writes canonically ("1" as "1.0")."""
    graph = new_graph()
    graph.bind("pav", "http://purl.org/pav/")
    mapping_set = nt.iri(str(mapping_set_id(pub)))
    rdf_type, mappings = nt.iri(str(RDF.type)), nt.iri(str(SSSOM.mappings))
    lines = [nt.line(mapping_set, rdf_type, nt.iri(str(SSSOM.MappingSet))),
             nt.line(mapping_set, nt.iri(str(DCTERMS.license)), nt.iri(pub.license)),
             nt.line(mapping_set, nt.iri(str(OWL.versionInfo)), nt.string(pub.version)),
             nt.line(mapping_set, nt.iri(str(DCTERMS.issued)),
                     _rdflib_literal(pub.issued, XSD.date))]
    axiom, negated = nt.iri(str(OWL.Axiom)), nt.iri(str(SSSOM.NegatedPredicate))
    props = {slot: nt.iri(str(_RDF_SLOTS.get(slot, SSSOM[slot]))) for slot in COLUMNS}
    doubles: dict[str, str] = {}
    for iri, row in rows:
        node = nt.iri(iri)
        lines += [nt.line(mapping_set, mappings, node), nt.line(node, rdf_type, axiom)]
        for slot, value in row.items():
            if slot == "record_id":
                continue  # the node's own IRI
            if slot in _IRI_SLOTS:
                obj = nt.iri(value)
            elif slot == "predicate_modifier":
                obj = negated
            elif slot == "confidence":
                known = doubles.get(value)
                if known is None:
                    known = doubles[value] = _rdflib_literal(value, XSD_DOUBLE)
                obj = known
            else:
                obj = nt.string(value)
            lines.append(nt.line(node, props[slot], obj))
    return turtle_of_lines(sorted(set(lines)), [(p, str(n)) for p, n in graph.namespaces()])


def _rdflib_literal(lexical: str, datatype: URIRef) -> str:
    """A typed literal as rdflib writes it (its lexical form normalised, as it was written
    when this file came from an rdflib graph)."""
    return f"{nt.quote(str(Literal(lexical, datatype=datatype)))}^^{nt.iri(str(datatype))}"


def write_sssom(release: Release, out: ReleaseFolder) -> list[Path]:
    """``<dataset>.sssom.tsv`` and ``<dataset>.sssom.ttl``."""
    pub, (tsv, ttl) = release.publication, release.files.sssom
    rows = mapping_rows(release)
    return [out.write(out.root / tsv, to_sssom_tsv(pub, rows)),
            out.write(out.root / ttl, to_sssom_rdf(pub, rows))]
