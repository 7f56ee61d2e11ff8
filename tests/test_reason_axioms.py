"""Axioms the direct check hands to HermiT: the pipeline's verdict is HermiT's on everything.

Each case adds OWL axioms (and data) to the release's ontology and a few of its nodes; the
oracle is HermiT given the ontology and the data whole, nothing filtered. A case has a
variant HermiT rejects and one it accepts, so a test fails whether the pipeline loses an
axiom (calls a contradiction consistent) or invents one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from monokg.check.reason import check_data, check_ontology, run_hermit_ntriples
from monokg.cli import main
from monokg.model.errors import InputError

from .conftest import ROOT
from .test_reason_direct import (
    CLAIM_CI,
    CLAIM_DOSE,
    DIFFERENT_FROM,
    DOSE,
    PARAGRAPH,
    SECTION,
    XSD,
    A,
    extended,
    m,
    num,
)

PREFIXES = ("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
OTHER_PARAGRAPH = PARAGRAPH.replace("beschrijving-1", "beschrijving-99")


def restriction(cls: str, body: str) -> str:
    return f"{cls} rdfs:subClassOf [ a owl:Restriction ; {body} ] ."


def integers(facets: str) -> str:
    return (f"[ a rdfs:Datatype ; owl:onDatatype xsd:integer ; "
            f"owl:withRestrictions ( {facets} ) ]")


#: (case, (ontology added, data added) HermiT rejects, (ontology added, data added) it accepts)
CASES = [
    ("maxCardinality",
     (restriction("mkg:Claim", "owl:onProperty mkg:subject ; owl:maxCardinality 0"), []),
     (restriction("mkg:Claim", "owl:onProperty mkg:subject ; owl:maxCardinality 1"), [])),
    ("maxQualifiedCardinality",
     (restriction("mkg:DosageClaim", "owl:onProperty mkg:dose ; owl:onClass mkg:Dose ; "
                  "owl:maxQualifiedCardinality 0"), []),
     (restriction("mkg:DosageClaim", "owl:onProperty mkg:dose ; owl:onClass mkg:Modality ; "
                  "owl:maxQualifiedCardinality 0"), [])),
    ("cardinality on a datatype property",
     (restriction("mkg:Paragraph", "owl:onProperty mkg:order ; owl:cardinality 1"),
      [f"{PARAGRAPH} {m('order')} {num('7')} ."]),
     (restriction("mkg:Paragraph", "owl:onProperty mkg:order ; owl:cardinality 1"),
      [f"{PARAGRAPH} {m('order')} {num('01', 'nonNegativeInteger')} ."])),
    ("minCardinality beyond a functional property",
     ("mkg:order a owl:FunctionalProperty . "
      + restriction("mkg:Paragraph", "owl:onProperty mkg:order ; owl:minCardinality 2"), []),
     ("mkg:order a owl:FunctionalProperty . "
      + restriction("mkg:Paragraph", "owl:onProperty mkg:order ; owl:minCardinality 1"), [])),
    ("minQualifiedCardinality",
     (restriction("mkg:Dose", "owl:onProperty mkg:doseKind ; owl:onClass mkg:Timing ; "
                  "owl:minQualifiedCardinality 1"), []),
     (restriction("mkg:Dose", "owl:onProperty mkg:doseKind ; owl:onClass mkg:DoseKind ; "
                  "owl:minQualifiedCardinality 1"), [])),
    ("hasValue with a literal",
     (("mkg:Section owl:equivalentClass [ a owl:Restriction ; owl:onProperty mkg:order ; "
      "owl:hasValue 1 ] ."), []),
     (restriction("mkg:Section", "owl:onProperty mkg:order ; owl:hasValue 1"), [])),
    ("hasValue with a language-tagged string, as a general class axiom",
     (('[ a owl:Restriction ; owl:onProperty mkg:heading ; owl:hasValue "Beschrijving"@nl ] '
      "rdfs:subClassOf mkg:Paragraph ."), []),
     (('[ a owl:Restriction ; owl:onProperty mkg:heading ; owl:hasValue "Beschrijving"@en ] '
      "rdfs:subClassOf mkg:Paragraph ."), [])),
    ("a pattern facet on strings",
     (('mkg:unitCode rdfs:range [ a rdfs:Datatype ; owl:onDatatype xsd:string ; '
      'owl:withRestrictions ( [ xsd:pattern "[A-Z]+" ] ) ] .'), []),
     (('mkg:unitCode rdfs:range [ a rdfs:Datatype ; owl:onDatatype xsd:string ; '
      'owl:withRestrictions ( [ xsd:pattern "[a-z]+" ] ) ] .'), [])),
    ("a facet on a range",
     (f"mkg:order rdfs:range {integers('[ xsd:minInclusive 2 ]')} .", []),
     (f"mkg:order rdfs:range {integers('[ xsd:minInclusive 1 ]')} .", [])),
    ("a defined datatype",
     ((f"mkg:SmallNumber a rdfs:Datatype ; owl:equivalentClass "
      f"{integers('[ xsd:maxExclusive 1000 ]')} . mkg:endOffset rdfs:range mkg:SmallNumber ."),
      []),
     ((f"mkg:SmallNumber a rdfs:Datatype ; owl:equivalentClass "
      f"{integers('[ xsd:maxExclusive 2000 ]')} . mkg:endOffset rdfs:range mkg:SmallNumber ."),
      [])),
    ("an enumerated data range",
     ("mkg:startOffset rdfs:range [ a rdfs:Datatype ; owl:oneOf ( 16 17 ) ] .", []),
     ("mkg:startOffset rdfs:range [ a rdfs:Datatype ; owl:oneOf ( 16 31 ) ] .", [])),
    ("a property chain",
     (("mkg:testKindOf a owl:ObjectProperty ; rdfs:range mkg:Claim ; "
      "owl:propertyChainAxiom ( mkg:dose mkg:doseKind ) ."), []),
     (("mkg:testKindOf a owl:ObjectProperty ; rdfs:range mkg:DoseKind ; "
      "owl:propertyChainAxiom ( mkg:dose mkg:doseKind ) ."), [])),
    ("an inverse property",
     (("mkg:testDoseOf a owl:ObjectProperty ; owl:inverseOf mkg:dose ; "
      "rdfs:range mkg:Paragraph ."), []),
     (("mkg:testDoseOf a owl:ObjectProperty ; owl:inverseOf mkg:dose ; "
      "rdfs:range mkg:Claim ."), [])),
    ("a symmetric property",
     ("mkg:testLinked a owl:ObjectProperty , owl:SymmetricProperty ; rdfs:domain mkg:Claim .",
      [f"{CLAIM_DOSE} {m('testLinked')} {PARAGRAPH} ."]),
     ("mkg:testLinked a owl:ObjectProperty ; rdfs:domain mkg:Claim .",
      [f"{CLAIM_DOSE} {m('testLinked')} {PARAGRAPH} ."])),
    ("an asymmetric property",
     ("mkg:testBefore a owl:ObjectProperty , owl:AsymmetricProperty .",
      [f"{PARAGRAPH} {m('testBefore')} {SECTION} .", f"{SECTION} {m('testBefore')} {PARAGRAPH} ."]),
     ("mkg:testBefore a owl:ObjectProperty , owl:AsymmetricProperty .",
      [f"{PARAGRAPH} {m('testBefore')} {SECTION} ."])),
    ("an irreflexive property",
     ("mkg:testCites a owl:ObjectProperty , owl:IrreflexiveProperty .",
      [f"{CLAIM_DOSE} {m('testCites')} {CLAIM_DOSE} ."]),
     ("mkg:testCites a owl:ObjectProperty , owl:IrreflexiveProperty .",
      [f"{CLAIM_DOSE} {m('testCites')} {CLAIM_CI} ."])),
    ("a transitive property",
     ("mkg:testWithin a owl:ObjectProperty , owl:TransitiveProperty . "
      + restriction("mkg:DosageClaim", "owl:onProperty mkg:testWithin ; "
                    "owl:allValuesFrom mkg:Quantity"),
      [f"{CLAIM_DOSE} {m('testWithin')} {DOSE} .", f"{DOSE} {m('testWithin')} {PARAGRAPH} ."]),
     ("mkg:testWithin a owl:ObjectProperty . "
      + restriction("mkg:DosageClaim", "owl:onProperty mkg:testWithin ; "
                    "owl:allValuesFrom mkg:Quantity"),
      [f"{CLAIM_DOSE} {m('testWithin')} {DOSE} .", f"{DOSE} {m('testWithin')} {PARAGRAPH} ."])),
    ("complementOf",
     ("mkg:Paragraph owl:equivalentClass [ a owl:Class ; owl:complementOf mkg:Section ] .", []),
     ("mkg:Paragraph rdfs:subClassOf [ a owl:Class ; owl:complementOf mkg:Section ] .", [])),
    ("nominals",
     ("mkg:Modality owl:equivalentClass [ a owl:Class ; owl:oneOf ( mkg:Asserted ) ] .",
      [f"{m('Likely')} {DIFFERENT_FROM} {m('Asserted')} ."]),
     ("mkg:Modality owl:equivalentClass [ a owl:Class ; owl:oneOf ( mkg:Asserted mkg:Likely ) ] .",
      [f"{m('Likely')} {DIFFERENT_FROM} {m('Asserted')} ."])),
    ("hasKey",
     ("mkg:Paragraph owl:hasKey ( mkg:order ) .",
      [f"{OTHER_PARAGRAPH} {A} {m('Paragraph')} .", f"{OTHER_PARAGRAPH} {m('order')} {num('1')} .",
       f"{OTHER_PARAGRAPH} {DIFFERENT_FROM} {PARAGRAPH} ."]),
     ("mkg:Paragraph owl:hasKey ( mkg:order ) .",
      [f"{OTHER_PARAGRAPH} {A} {m('Paragraph')} .", f"{OTHER_PARAGRAPH} {m('order')} {num('2')} .",
       f"{OTHER_PARAGRAPH} {DIFFERENT_FROM} {PARAGRAPH} ."])),
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "monokg.ttl")


@pytest.fixture(scope="module")
def base_lines() -> list[str]:
    """The release's triples about the nodes the cases touch: small, so HermiT is quick."""
    about = {CLAIM_DOSE, CLAIM_CI, DOSE, PARAGRAPH, SECTION}
    lines = (ROOT / "build" / "monokg.nt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.split(" ", 1)[0] in about]


def hermit_on_everything(ontology: Graph, lines: list[str]) -> str:
    """HermiT's verdict on the ontology and the data given whole: accepted, rejected (an
    inconsistency or a class with no members) or error (HermiT stops)."""
    text = ontology.serialize(format="nt", encoding="utf-8")
    try:
        consistent, unsatisfiable = run_hermit_ntriples(
            text + "\n".join(lines).encode("utf-8") + b"\n")
    except InputError:
        return "error"
    return "accepted" if consistent and not unsatisfiable else "rejected"


def pipeline_verdict(ontology: Graph, lines: list[str]) -> str:
    """The build's verdict: the data's check (direct or HermiT), then HermiT on the ontology
    alone (skipped when the data is already rejected: the build rejects either way)."""
    try:
        findings = check_data(lines, ontology)[1] or check_ontology(ontology)
    except InputError:
        return "error"
    return "rejected" if findings else "accepted"


@pytest.mark.parametrize("case,rejected", [(c[0], c[1]) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_rejected_variant_agrees_with_hermit(ontology: Graph, base_lines: list[str],
                                             case: str, rejected: tuple[str, list[str]]) -> None:
    turtle, added = rejected
    mutated = extended(ontology, PREFIXES + turtle)
    lines = base_lines + added
    hermit = hermit_on_everything(mutated, lines)
    assert hermit == "rejected", f"{case}: the case must bite, else it tests nothing"
    assert pipeline_verdict(mutated, lines) == hermit, case


def test_accepted_variants_agree_with_hermit(ontology: Graph, base_lines: list[str]) -> None:
    """Every accepted variant at once (one HermiT run each way): consistent together, so
    each is consistent alone."""
    mutated = extended(ontology, PREFIXES + "\n".join(c[2][0] for c in CASES))
    lines = base_lines + [line for c in CASES for line in c[2][1]]
    hermit = hermit_on_everything(mutated, lines)
    assert hermit == "accepted", "the accepted variants must be consistent, else the pairs " \
        "test nothing"
    assert pipeline_verdict(mutated, lines) == hermit


#: Axioms that use a datatype outside the OWL 2 datatype map, which HermiT reads as holding
#: every value: the pipeline refuses them on either path, before HermiT runs.
UNSUPPORTED = [
    ("a range", "mkg:period rdfs:range xsd:duration .", "xsd:duration"),
    ("a facet", ("mkg:period rdfs:range [ a rdfs:Datatype ; owl:onDatatype xsd:duration ; "
                 'owl:withRestrictions ( [ xsd:minInclusive "P1D"^^xsd:duration ] ) ] .'),
     "xsd:duration"),
    ("an undefined datatype", "mkg:Days a rdfs:Datatype . mkg:period rdfs:range mkg:Days .",
     "Days"),
    ("a value in an axiom", restriction("mkg:Dose", "owl:onProperty mkg:period ; "
                                        'owl:hasValue "P1D"^^xsd:duration'), '"P1D"'),
]


@pytest.mark.parametrize("what,turtle,named", UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_axiom_on_an_unsupported_datatype_is_refused(ontology: Graph, base_lines: list[str],
                                                     what: str, turtle: str, named: str) -> None:
    mutated = extended(ontology, PREFIXES + turtle)
    for stage in (check_ontology, lambda o: check_data(base_lines, o)):
        with pytest.raises(InputError, match="datatype HermiT does not support") as caught:
            stage(mutated)
        assert named in str(caught.value), what


#: A facet HermiT does not allow on integers: HermiT stops on it.
BAD_FACET = f"mkg:order rdfs:range {integers('[ xsd:minLength 2 ]')} ."


def test_hermit_failure_names_the_triple(ontology: Graph, base_lines: list[str]) -> None:
    mutated = extended(ontology, PREFIXES + BAD_FACET)
    assert hermit_on_everything(mutated, base_lines) == "error"
    with pytest.raises(InputError) as caught:
        check_data(base_lines, mutated)
    text = str(caught.value)
    assert "HermiT failed" in text and "UnsupportedFacetException" in text, text
    assert f"<{XSD}minLength> " in text, text  # the triple that holds the facet
    assert "\tat " not in text  # HermiT's message, not its stack trace


def test_check_exits_2_when_hermit_fails(project: Path) -> None:
    ontology = project / "ontology" / "monokg.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8") + "\n" + BAD_FACET + "\n",
                        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(project), "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "HermiT failed" in result.stderr and "minLength" in result.stderr
