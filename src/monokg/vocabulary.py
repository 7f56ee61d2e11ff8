"""The controlled lists a curator may use, read from the ontology and data files, never coded."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from .errors import InputError
from .namespaces import DEFAULT_BASE, ID_PATTERNS, MKG, prefixes


@dataclass(frozen=True)
class Unit:
    """A UCUM unit the project knows, with labels and its QUDT twin."""

    ucum: str
    label_en: str
    label_nl: str
    qudt: str
    dimension: str


@dataclass
class Vocabulary:
    """Terms of the ontology a claims file may name, by local name."""

    ontology: Graph
    claim_kinds: dict[str, URIRef] = field(default_factory=dict)
    relations: dict[str, URIRef] = field(default_factory=dict)
    modalities: dict[str, URIRef] = field(default_factory=dict)
    dose_kinds: dict[str, URIRef] = field(default_factory=dict)
    timings: dict[str, URIRef] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=lambda: prefixes(DEFAULT_BASE))

    def expand(self, curie: str, file: Path, line: int | None, what: str) -> URIRef:
        """A CURIE as an IRI; an unknown prefix or a malformed local id is an input error."""
        if ":" not in curie:
            raise InputError(f"{what} {curie!r} is not a CURIE (prefix:id)", file, line,
                             fix="write it as e.g. CHEBI:18050, MESH:D005756 or concept:slug")
        prefix, local = curie.split(":", 1)
        if prefix not in self.prefixes:
            raise InputError(f"{what} {curie!r} has unknown prefix {prefix!r}", file, line,
                             fix=f"use one of {', '.join(sorted(self.prefixes))}")
        pattern = ID_PATTERNS.get(prefix)
        if pattern and not re.fullmatch(pattern, local):
            raise InputError(f"{what} {curie!r} is malformed: a {prefix} id must match "
                             f"{pattern}", file, line, fix="copy the identifier exactly")
        return URIRef(self.prefixes[prefix] + local)

    def term(self, table: dict[str, URIRef], name: str, file: Path, line: int | None,
             what: str) -> URIRef:
        """A term of one controlled list by its local name."""
        if name not in table:
            raise InputError(f"unknown {what} {name!r}", file, line,
                             fix=f"use one of {', '.join(sorted(table))}")
        return table[name]


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(MKG)):]


def _closure(graph: Graph, root: URIRef, link: URIRef) -> set[URIRef]:
    """Every IRI that reaches ``root`` through one or more ``link`` steps."""
    return {n for n in graph.transitive_subjects(link, root)
            if isinstance(n, URIRef) and n != root}


def load_units(path: Path) -> dict[str, Unit]:
    """Read data/units.tsv: the UCUM codes the project accepts."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {r["ucum"]: Unit(r["ucum"], r["label_en"], r["label_nl"], r["qudt_unit"],
                            r["dimension"]) for r in rows}


def load_vocabulary(ontology_path: Path, units_path: Path) -> Vocabulary:
    """The controlled lists of the ontology and the unit table."""
    graph = Graph()
    try:
        graph.parse(ontology_path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        raise InputError(f"ontology is not valid Turtle: {exc}", ontology_path) from exc
    mine = lambda iris: {_local(i): i for i in iris if str(i).startswith(str(MKG))}  # noqa: E731
    return Vocabulary(
        ontology=graph,
        claim_kinds={k.removesuffix("Claim"): v
                     for k, v in mine(_closure(graph, MKG.Claim, RDFS.subClassOf)).items()},
        relations=mine(_closure(graph, MKG.claimRelation, RDFS.subPropertyOf)),
        modalities=mine(graph.subjects(RDF.type, MKG.Modality)),
        dose_kinds=mine(graph.subjects(RDF.type, MKG.DoseKind)),
        timings=mine(graph.subjects(RDF.type, MKG.Timing)),
        units=load_units(units_path),
    )
