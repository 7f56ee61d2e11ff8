"""The direct data check against HermiT: same verdict on the release and on seeded mistakes."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from monokg.check.reason import (
    OutsideDirectCheck,
    axioms_outside_direct_check,
    check_data,
    check_data_lines,
    check_ontology,
    run_hermit_ntriples,
    to_reasoning_input,
)
from monokg.model.errors import Finding, InputError
from monokg.model.namespaces import MKG, OBO

from .conftest import ROOT

BASE = "https://w3id.org/monokg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CLAIM_DOSE = f"<{BASE}claim/l-glutamine-nl/dose-commonly-used>"
CLAIM_CI = f"<{BASE}claim/l-glutamine-nl/no-known-contraindications>"
DOSE = f"<{BASE}dose/l-glutamine-nl/dose-commonly-used>"
EXTRA_DOSE = f"<{BASE}dose/l-glutamine-nl/extra>"
PARAGRAPH = f"<{BASE}paragraph/l-glutamine-nl/beschrijving-1>"
SECTION = f"<{BASE}section/l-glutamine-nl/beschrijving>"
NEW_SECTION = f"<{BASE}section/l-glutamine-nl/extra>"
GLUTAMINE = f"<{OBO['CHEBI_18050']}>"
AMINO_ACID = f"<{OBO['CHEBI_33709']}>"
LABEL = f"<{RDFS.label}>"
A = f"<{RDF.type}>"
SAME_AS, DIFFERENT_FROM = f"<{OWL.sameAs}>", f"<{OWL.differentFrom}>"


def m(name: str) -> str:
    """An ontology term as an N-Triples token."""
    return f"<{MKG[name]}>"


def num(lexical: str, datatype: str = "integer") -> str:
    return f'"{lexical}"^^<{XSD}{datatype}>'


#: Axioms the release's ontology lacks, for the literal cases: a functional, ranged datatype
#: property (mkg:order), a functional string one (mkg:heading), a string range (mkg:unitCode).
LITERAL_AXIOMS = [
    (MKG.order, RDF.type, OWL.FunctionalProperty),
    (MKG.order, RDFS.range, URIRef(XSD + "integer")),
    (MKG.heading, RDF.type, OWL.FunctionalProperty),
    (MKG.unitCode, RDFS.range, URIRef(XSD + "string")),
]


@pytest.fixture(scope="module")
def ontologies() -> dict[str, Graph]:
    real = Graph().parse(ROOT / "ontology" / "monokg.ttl")
    literal = Graph()
    literal.namespace_manager = real.namespace_manager
    literal += real
    for triple in LITERAL_AXIOMS:
        literal.add(triple)
    return {"real": real, "literal": literal}


@pytest.fixture(scope="module")
def release_lines() -> list[str]:
    return (ROOT / "build" / "monokg.nt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def base_lines(release_lines: list[str]) -> list[str]:
    """The release's triples about the nodes the mistakes touch: small, so HermiT is quick."""
    about = {CLAIM_DOSE, CLAIM_CI, DOSE, PARAGRAPH, SECTION, GLUTAMINE, AMINO_ACID}
    return [line for line in release_lines if line.split(" ", 1)[0] in about]


def hermit_rejects(ontology: Graph, lines: list[str]) -> bool:
    """HermiT's verdict on ontology + data, the literals exactly as written (HermiT stops on a
    malformed literal: that is a rejection too)."""
    declared = {f"<{p}>" for p in ontology.subjects(RDF.type, OWL.DatatypeProperty)}
    kept = [line for line in lines
            if not line.split(" ", 2)[2].startswith('"') or line.split(" ", 2)[1] in declared]
    text = to_reasoning_input(ontology, Graph()).serialize(format="nt", encoding="utf-8")
    try:
        consistent, _ = run_hermit_ntriples(text + "\n".join(kept).encode("utf-8") + b"\n")
    except InputError as exc:
        assert "malformed" in str(exc), exc
        return True
    return not consistent


def test_release_consistent_under_both(ontologies: dict[str, Graph],
                                       release_lines: list[str]) -> None:
    assert check_data_lines(release_lines, ontologies["real"]) == []
    assert not hermit_rejects(ontologies["real"], release_lines)


# (what goes wrong, ontology, triples added, node named, words the finding must hold)
MISTAKES = [
    ("two disjoint types stated", "real", [f"{CLAIM_DOSE} {A} {m('IndicationClaim')} ."],
     "dose-commonly-used", ["mkg:DosageClaim (stated)", "mkg:IndicationClaim (stated)"]),
    ("a type through a domain", "real", [f'{PARAGRAPH} {m("statement")} "Geen."@en .'],
     "beschrijving-1", ["mkg:Claim (subject of mkg:statement)", "mkg:Paragraph (stated)"]),
    ("a type through a range", "real", [f"{GLUTAMINE} {m('indicatedFor')} {AMINO_ACID} .",
                                        f"{AMINO_ACID} {A} {m('ChemicalEntity')} ."],
     "CHEBI:33709", ["mkg:ChemicalEntity (stated)",
                     "mkg:HealthTopic (object of mkg:indicatedFor)"]),
    ("a type through a sub-property's domain", "real", [f"{PARAGRAPH} {m('dose')} {DOSE} ."],
     "beschrijving-1", ["mkg:Claim (subject of mkg:dose)", "mkg:Paragraph"]),
    ("a type through a subclass", "real", [f"{EXTRA_DOSE} {A} {m('Dose')} .",
                                           f"{EXTRA_DOSE} {A} {m('Modality')} ."],
     "dose:l-glutamine-nl/extra", ["mkg:Quantity (stated)", "mkg:Modality (stated)"]),
    ("an ontology individual retyped", "real", [f"{m('Asserted')} {A} {m('Claim')} ."],
     "mkg:Asserted", ["mkg:Claim (stated)", "mkg:Modality (stated)"]),
    ("two modalities, one a dose kind", "real",
     [f"{CLAIM_DOSE} {m('modality')} {m('ToleratedDose')} ."],
     "mkg:ToleratedDose", ["mkg:DoseKind", "mkg:Modality (object of mkg:modality)"]),
    ("two dose kinds, one a timing", "real", [f"{DOSE} {m('doseKind')} {m('Fasting')} .",
                                              f"{m('Fasting')} {A} {m('Timing')} ."],
     "mkg:Fasting", ["mkg:DoseKind (object of mkg:doseKind)", "mkg:Timing (stated)"]),
    ("owl:sameAs of disjoint nodes", "real", [f"{PARAGRAPH} {SAME_AS} {SECTION} ."],
     "beschrijving", ["mkg:Paragraph", "mkg:Section", "owl:sameAs"]),
    ("owl:differentFrom of one node", "real",
     [f"{CLAIM_DOSE} {m('modality')} {m('Likely')} .",
      f"{m('Likely')} {DIFFERENT_FROM} {m('Asserted')} ."],
     "mkg:", ["owl:differentFrom", "functional mkg:modality"]),
    ("two values of a functional property", "literal",
     [f"{PARAGRAPH} {m('order')} {num('1')} .", f"{PARAGRAPH} {m('order')} {num('2')} ."],
     "beschrijving-1", ["two values of mkg:order"]),
    ("two strings of a functional property", "literal",
     [f'{NEW_SECTION} {m("heading")} "Beschrijving" .', f'{NEW_SECTION} {m("heading")} "Anders" .'],
     "section:l-glutamine-nl/extra", ["two values of mkg:heading"]),
    ("a literal outside a datatype range", "literal",
     [f"{PARAGRAPH} {m('order')} {num('1.5', 'decimal')} ."],
     "beschrijving-1", ["mkg:order", "xsd:integer"]),
    ("a language-tagged unit code", "literal", [f'{DOSE} {m("unitCode")} "g"@nl .'],
     "dose-commonly-used", ["xsd:string"]),
    ("a malformed integer on a ranged property", "literal",
     [f"{PARAGRAPH} {m('order')} {num('twee')} ."], "beschrijving-1", ["not a valid xsd:integer"]),
]


@pytest.mark.parametrize("what,ontology,added,node,words", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistake_rejected_by_both(ontologies: dict[str, Graph], base_lines: list[str], what: str,
                                  ontology: str, added: list[str], node: str,
                                  words: list[str]) -> None:
    lines = base_lines + added
    findings = check_data_lines(lines, ontologies[ontology])
    assert hermit_rejects(ontologies[ontology], lines)
    text = [str(f) for f in findings if node in f.focus]
    assert any(all(w in line for w in words) for line in text), "\n".join(map(str, findings))


#: Edits that contradict nothing (each alone and all together): one HermiT run decides them.
CONSISTENT_EDITS = [
    f'{CLAIM_DOSE} {LABEL} "dosis, ëën keer"@nl .',
    f"{CLAIM_DOSE} {A} {m('Claim')} .",
    f"{CLAIM_DOSE} {A} <http://www.w3.org/ns/prov#Entity> .",
    f"{CLAIM_DOSE} {A} <{OWL.Thing}> .",
    f"{CLAIM_DOSE} {m('modality')} {m('Likely')} .",  # merges two modalities: allowed
    f"{PARAGRAPH} {m('order')} {num('1')} .",
    f"{PARAGRAPH} {m('order')} {num('01')} .",
    f"{PARAGRAPH} {m('order')} {num('+1', 'nonNegativeInteger')} .",
    f"{PARAGRAPH} {m('order')} {num('1.0', 'decimal')} .",
    f'{NEW_SECTION} {m("heading")} "Beschrijving" .',
    f'{NEW_SECTION} {m("heading")} "Beschrijving"^^<{XSD}string> .',
    f'{DOSE} {m("unitCode")} "g"^^<{XSD}string> .',
    f'{DOSE} {m("period")} "P2D"^^<{XSD}duration> .',
    f"{AMINO_ACID} {A} {m('ChemicalEntity')} .",
    f"{GLUTAMINE} {m('precursorOf')} {AMINO_ACID} .",
]


def test_consistent_edits_accepted_by_both(ontologies: dict[str, Graph],
                                           base_lines: list[str]) -> None:
    lines = base_lines + CONSISTENT_EDITS
    assert check_data_lines(lines, ontologies["literal"]) == []
    for edit in CONSISTENT_EDITS:
        assert check_data_lines(base_lines + [edit], ontologies["literal"]) == [], edit
    assert not hermit_rejects(ontologies["literal"], lines)


@pytest.mark.parametrize("line", [
    f"{m('Dose')} {RDFS.subClassOf.n3()} {m('Claim')} .",
    f"{CLAIM_DOSE} {A} <{OWL.Class}> .",
    f"{PARAGRAPH} {m('order')} {num('7', 'double')} .",
    f'{SECTION} {m("heading")} "x"^^<{XSD}duration> .',
], ids=["schema triple", "schema type", "unmodelled datatype", "uncompared value"])
def test_what_the_direct_check_does_not_decide_goes_to_hermit(
        ontologies: dict[str, Graph], base_lines: list[str], line: str) -> None:
    extra = [f'{SECTION} {m("heading")} "Beschrijving" .'] if "heading" in line else []
    with pytest.raises(OutsideDirectCheck):
        check_data_lines(base_lines + extra + [line], ontologies["literal"])


def test_check_data_falls_back_to_hermit(ontologies: dict[str, Graph],
                                         base_lines: list[str]) -> None:
    lines = base_lines + [f"{CLAIM_DOSE} {A} <{OWL.Class}> .",
                          f"{CLAIM_DOSE} {A} {m('IndicationClaim')} ."]
    stage, findings = check_data(lines, ontologies["real"])
    assert stage == "reasoning (HermiT)"
    assert any("mkg:IndicationClaim" in f.message for f in findings), findings


def extended(ontology: Graph, turtle: str) -> Graph:
    graph = Graph()
    graph.namespace_manager = ontology.namespace_manager
    graph += ontology
    return graph.parse(data="@prefix mkg: <https://w3id.org/monokg/ontology/> .\n"
                       "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n" + turtle,
                       format="turtle")


@pytest.mark.parametrize("turtle,named", [
    ("mkg:hasPart a owl:ObjectProperty ; owl:inverseOf mkg:section .", "owl:inverseOf"),
    (("mkg:Claim rdfs:subClassOf [ a owl:Restriction ; owl:onProperty mkg:modality ; "
      "owl:someValuesFrom mkg:Modality ] ."), "blank node"),
    ("mkg:Claim owl:equivalentClass mkg:Assertion .", "owl:equivalentClass"),
    ("mkg:section a owl:TransitiveProperty .", "owl:TransitiveProperty"),
    ("mkg:order rdfs:range <http://www.w3.org/2001/XMLSchema#double> .", "datatype"),
], ids=["inverse", "someValuesFrom", "equivalentClass", "transitive", "double range"])
def test_axioms_outside_are_named(ontologies: dict[str, Graph], turtle: str, named: str) -> None:
    assert axioms_outside_direct_check(ontologies["real"]) == []
    assert axioms_outside_direct_check(ontologies["literal"]) == []
    ontology = extended(ontologies["real"],
                        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + turtle)
    outside = axioms_outside_direct_check(ontology)
    assert any(named in item for item in outside), outside
    with pytest.raises(OutsideDirectCheck):
        check_data_lines([], ontology)


def test_check_ontology(ontologies: dict[str, Graph]) -> None:
    assert check_ontology(ontologies["real"]) == []
    odd = extended(ontologies["real"], "mkg:ClaimParagraph a owl:Class ; "
                   "<http://www.w3.org/2000/01/rdf-schema#subClassOf> mkg:Claim , mkg:Paragraph .")
    finding: Finding
    finding, = check_ontology(odd)
    assert finding.focus == "mkg:ClaimParagraph"
    assert "mkg:Claim" in finding.message and "mkg:Paragraph" in finding.message
    assert "can have no members" in finding.message
    clash = extended(ontologies["real"], "mkg:Asserted a mkg:Claim .")
    assert any("mkg:Asserted" in f.focus and "mkg:Modality" in f.message
               for f in check_ontology(clash))
    assert check_data_lines([f"{CLAIM_DOSE} {m('modality')} {m('Asserted')} ."], clash)


def test_finding_names_the_value(ontologies: dict[str, Graph]) -> None:
    finding, = check_data_lines([f"{PARAGRAPH} {m('order')} {num('1.5', 'decimal')} ."],
                                ontologies["literal"])
    assert finding.path == "mkg:order"
    assert finding.focus_iri == PARAGRAPH[1:-1]
    assert '"1.5"' in finding.message and "xsd:integer" in finding.message


def test_literal_values_kept_as_written(ontologies: dict[str, Graph]) -> None:
    """The value of an N-Triples literal with escapes is its text: equal values agree."""
    lines = [f'{NEW_SECTION} {m("heading")} "Beschrijving \\u00EBn" .',
             f'{NEW_SECTION} {m("heading")} "Beschrijving ën" .']
    assert check_data_lines(lines, ontologies["literal"]) == []
