"""The controlled lists a curator may use, read from the ontology and data files, never coded."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from monokg.model.errors import InputError
from monokg.model.namespaces import DEFAULT_BASE, ID_PATTERNS, MKG, prefixes
from monokg.rdf.read import turtle_graph

_ID_PATTERNS = {prefix: re.compile(pattern) for prefix, pattern in ID_PATTERNS.items()}


@dataclass(frozen=True)
class Unit:
    """A UCUM unit the project knows, with labels and its QUDT twin."""

    ucum: str
    #: language tag -> label, from every ``label_<tag>`` column
    labels: dict[str, str]
    qudt: str
    dimension: str


@dataclass
class Vocabulary:
    """Terms of the ontology a claims file may name, by local name.

    The controlled lists are read with pyoxigraph; the ontology as an rdflib Graph (for the
    stages that query it) is parsed only when first asked for."""

    ontology_file: Path
    claim_kinds: dict[str, URIRef] = field(default_factory=dict)
    relations: dict[str, URIRef] = field(default_factory=dict)
    modalities: dict[str, URIRef] = field(default_factory=dict)
    dose_kinds: dict[str, URIRef] = field(default_factory=dict)
    timings: dict[str, URIRef] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    #: the languages the ontology labels its terms in: the project's languages for people
    languages: list[str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=lambda: prefixes(DEFAULT_BASE))
    _ontology: Graph | None = field(default=None, repr=False, compare=False)
    #: CURIEs already expanded (a corpus names the same terms thousands of times)
    _expanded: dict[str, URIRef] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ontology(self) -> Graph:
        """The ontology as an rdflib Graph, parsed on first use."""
        if self._ontology is None:
            self._ontology = _parse_with_rdflib(self.ontology_file)
        return self._ontology

    def expand(self, curie: str, file: Path, line: int | None, what: str) -> URIRef:
        """A CURIE as an IRI; an unknown prefix or a malformed local id is an input error."""
        known = self._expanded.get(curie)
        if known is not None:
            return known
        if ":" not in curie:
            raise InputError(f"{what} {curie!r} is not a CURIE (prefix:id)", file, line,
                             fix="write it as e.g. CHEBI:18050, MESH:D005756 or concept:slug")
        prefix, local = curie.split(":", 1)
        if prefix not in self.prefixes:
            raise InputError(f"{what} {curie!r} has unknown prefix {prefix!r}", file, line,
                             fix=f"use one of {', '.join(sorted(self.prefixes))}")
        pattern = _ID_PATTERNS.get(prefix)
        if pattern and not pattern.fullmatch(local):
            raise InputError(f"{what} {curie!r} is malformed: a {prefix} id must match "
                             f"{pattern.pattern}", file, line, fix="copy the identifier exactly")
        iri = self._expanded[curie] = URIRef(self.prefixes[prefix] + local)
        return iri

    def term(self, table: dict[str, URIRef], name: str, file: Path, line: int | None,
             what: str) -> URIRef:
        """A term of one controlled list by its local name."""
        if name not in table:
            raise InputError(f"unknown {what} {name!r}", file, line,
                             fix=f"use one of {', '.join(sorted(table))}")
        return table[name]


def _closure(links: dict[str, set[str]], root: str) -> set[str]:
    """Every node that reaches ``root`` through one or more links (``links``: object ->
    subjects), as rdflib's ``transitive_subjects`` walks them (blank nodes included)."""
    found, todo = set(), [root]
    while todo:
        for subject in links.get(todo.pop(), ()):
            if subject not in found:
                found.add(subject)
                todo.append(subject)
    found.discard(root)
    return found


def load_units(path: Path) -> dict[str, Unit]:
    """Read data/units.tsv: the UCUM codes the project accepts."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {r["ucum"]: Unit(r["ucum"], {k.removeprefix("label_"): v for k, v in r.items()
                                        if k.startswith("label_")},
                            r["qudt_unit"], r["dimension"]) for r in rows}


def _parse_with_rdflib(path: Path) -> Graph:
    fast = turtle_graph(path.read_bytes(), path.resolve().as_uri())
    if fast is not None:
        return fast
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        raise InputError(f"ontology is not valid Turtle: {exc}", path) from exc
    return graph


def load_vocabulary(ontology_path: Path, units_path: Path) -> Vocabulary:
    """The controlled lists of the ontology and the unit table."""
    for path in (ontology_path, units_path):
        if not path.is_file():
            raise InputError("file not found: the build needs it", path,
                             fix="restore it from the project's repository (git checkout -- "
                             f"{path.parent.name}/{path.name})")

    # pyoxigraph reads the ontology far faster than rdflib; on a syntax error rdflib parses it
    # again, for the message users have always seen. Terms become text: an IRI as itself,
    # anything else in N-Triples form (which no IRI can be mistaken for).
    graph = None
    try:
        triples = [tuple(t.value if isinstance(t, ox.NamedNode) else str(t)
                         for t in (quad.subject, quad.predicate, quad.object))
                   for quad in ox.parse(path=ontology_path, format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, ValueError):
        graph = _parse_with_rdflib(ontology_path)
        triples = [tuple(str(t) if isinstance(t, URIRef) else t.n3() for t in triple)
                   for triple in graph]
    sub_class, sub_property, a = str(RDFS.subClassOf), str(RDFS.subPropertyOf), str(RDF.type)
    links: dict[str, dict[str, set[str]]] = {sub_class: {}, sub_property: {}, a: {}}
    for s, p, o in triples:
        table = links.get(p)
        if table is not None:
            table.setdefault(o, set()).add(s)
    mkg = str(MKG)
    label = str(RDFS.label)
    # A language-tagged literal in N-Triples form ends in "@tag.
    languages = sorted({o.rsplit('"@', 1)[1] for s, p, o in triples
                        if p == label and '"@' in o and s.startswith(mkg)})

    def mine(iris: set[str]) -> dict[str, URIRef]:
        return {i[len(mkg):]: URIRef(i) for i in iris if i.startswith(mkg)}

    return Vocabulary(
        ontology_file=ontology_path,
        claim_kinds={k.removesuffix("Claim"): v
                     for k, v in mine(_closure(links[sub_class], str(MKG.Claim))).items()},
        relations=mine(_closure(links[sub_property], str(MKG.claimRelation))),
        modalities=mine(links[a].get(str(MKG.Modality), set())),
        dose_kinds=mine(links[a].get(str(MKG.DoseKind), set())),
        timings=mine(links[a].get(str(MKG.Timing), set())),
        units=load_units(units_path),
        languages=languages,
        _ontology=graph,
    )


def curator_lists(vocabulary: Vocabulary, lang: str = "en") -> str:
    """The controlled lists a claims file may name (claim kinds, relations, modalities, dose
    kinds, timings), each with its definition from the ontology, as Markdown tables."""
    graph = vocabulary.ontology
    tables = (("claim kind (`kind:`, class `<kind>Claim`)", vocabulary.claim_kinds),
              ("relation (`relation:`, under `mkg:claimRelation`)", vocabulary.relations),
              ("modality (`modality:`)", vocabulary.modalities),
              ("dose kind (`dose: {kind: ...}`)", vocabulary.dose_kinds),
              ("timing (`dose: {timing: ...}`)", vocabulary.timings))
    parts = []
    for heading, table in tables:
        rows = [f"| `{name}` | {_definition(graph, iri, lang)} |" for name, iri in sorted(
            table.items(), key=lambda item: item[0].lower())]
        parts.append("\n".join([f"| {heading} | definition |", "|---|---|", *rows]))
    return "\n\n".join(parts) + "\n"


def _definition(graph: Graph, term: URIRef, lang: str) -> str:
    for value in graph.objects(term, SKOS.definition):
        if isinstance(value, Literal) and value.language == lang:
            return str(value).replace("|", "\\|")
    return ""
