"""The release's mappings as SSSOM, read by sssom-py (TSV and SSSOM's RDF form) and checked
with its validators; every field of every record of the data graph round-trips."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from sssom.constants import DEFAULT_VALIDATION_TYPES
from sssom.parsers import parse_sssom_rdf, parse_sssom_table
from sssom.util import MappingSetDataFrame
from sssom.validators import validate

from monokg.cli import main

SSSOM = "https://w3id.org/sssom/"
SLOTS = ("subject_label", "object_label", "comment")


def _records(built: Path) -> dict[str, dict[str, object]]:
    """The data graph's mapping records, read with rdflib: record IRI -> slot -> value."""
    graph = Graph().parse(built / "build" / "monokg.nt")
    records: dict[str, dict[str, object]] = {}
    for record in graph.subjects(URIRef(f"{SSSOM}subject_id"), None):
        fields: dict[str, object] = {}
        for p, o in graph.predicate_objects(record):
            name = str(p).rsplit("/", 1)[-1]
            fields[name] = str(o) if not isinstance(o, Literal) or name != "confidence" \
                else Decimal(str(o))
        records[str(record)] = fields
    return records


def _rows(msdf: MappingSetDataFrame) -> dict[str, dict[str, object]]:
    """sssom-py's rows with IRIs expanded, by record_id."""
    expand = msdf.converter.expand
    rows = {}
    for row in msdf.df.to_dict("records"):
        # pandas spells an empty cell NaN
        values: dict[str, object] = {k: v for k, v in row.items() if isinstance(v, str) and v
                                     or isinstance(v, float) and not math.isnan(v)}
        for slot in ("record_id", "subject_id", "predicate_id", "object_id",
                     "mapping_justification", "author_id"):
            value = str(values[slot])
            values[slot] = value if value.startswith("http") else expand(value)
        rows[str(values["record_id"])] = values
    return rows


@pytest.fixture(scope="module")
def parsed(built: Path) -> dict[str, MappingSetDataFrame]:
    out = built / "build"
    return {"tsv": parse_sssom_table(out / "monokg.sssom.tsv"),
            "rdf": parse_sssom_rdf(str(out / "monokg.sssom.ttl"))}


@pytest.mark.parametrize("form", ["tsv", "rdf"])
def test_sssom_py_reads_and_validates(parsed: dict[str, MappingSetDataFrame], form: str) -> None:
    msdf = parsed[form]
    reports = validate(msdf, DEFAULT_VALIDATION_TYPES, fail_on_error=False)
    assert {vt: r.results for vt, r in reports.items()} == {vt: [] for vt in reports}
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/monokg/mappings/monokg"
    assert msdf.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert msdf.metadata["mapping_set_version"] == "0.1.0"


@pytest.mark.parametrize("form", ["tsv", "rdf"])
def test_every_record_and_field_round_trips(built: Path, parsed: dict[str, MappingSetDataFrame],
                                            form: str) -> None:
    records = _records(built)
    rows = _rows(parsed[form])
    assert len(parsed[form].df) == len(records) > 200
    assert set(rows) == set(records)
    for iri, record in records.items():
        row = rows[iri]
        for slot in ("subject_id", "predicate_id", "object_id", "mapping_justification",
                     "author_id", *SLOTS):
            assert row.get(slot) == record.get(slot), (iri, slot)
        assert Decimal(str(row["confidence"])) == record["confidence"], iri
        assert row.get("predicate_modifier") == record.get("predicate_modifier"), iri
        assert row["other"] == f"checked_in={record['checkedIn']}", iri
        assert set(row) - {"record_id", "confidence", "predicate_modifier", "other"} == \
            {k for k in record if k in {"subject_id", "predicate_id", "object_id",
                                        "mapping_justification", "author_id", *SLOTS}}


def test_a_prefix_missing_from_the_curie_map_is_refused(project: Path) -> None:
    mappings = project / "data" / "mappings" / "l-glutamine-nl.sssom.tsv"
    text = mappings.read_text(encoding="utf-8")
    mappings.write_text(text.replace("#   semapv: https://w3id.org/semapv/vocab/\n", ""),
                        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 2, result.output
    first = next(n for n, line in enumerate(text.splitlines(), start=1)
                 if "semapv:" in line and not line.startswith("#"))
    assert f"l-glutamine-nl.sssom.tsv:{first}: semapv:ManualMappingCuration uses prefix " \
           "'semapv', which the file's curie_map does not bind" in result.output
    assert "fix: add '#   semapv: https://w3id.org/semapv/vocab/'" in result.output
