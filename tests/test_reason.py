"""HermiT over ontology + data: the release is consistent, and a wrongly typed link is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from monokg.assemble.release import Release, assemble
from monokg.check.reason import check_consistency, to_reasoning_input
from monokg.cli import main
from monokg.model.errors import NonConformance
from monokg.model.namespaces import MKG, OBO
from monokg.model.paths import ProjectPaths

from .conftest import ROOT

BASE = "https://w3id.org/monokg/"
CLAIM_DOSE = URIRef(BASE + "claim/l-glutamine-nl/dose-commonly-used")
CLAIM_CI = URIRef(BASE + "claim/l-glutamine-nl/no-known-contraindications")
PARAGRAPH = URIRef(BASE + "paragraph/l-glutamine-nl/beschrijving-1")
SECTION_PARAGRAPH = URIRef(BASE + "paragraph/l-glutamine-nl/beschrijving-2")
GLUTAMINE = OBO["CHEBI_18050"]
AMINO_ACID = OBO["CHEBI_33709"]


@pytest.fixture(scope="module")
def release() -> Release:
    return assemble(ProjectPaths(ROOT))


def test_release_is_consistent(release: Release) -> None:
    assert check_consistency(release.ontology, release.graph) > 0


def test_reasoning_input_keeps_every_axiom_and_link(release: Release) -> None:
    kept = to_reasoning_input(release.ontology, release.graph)
    for s, p, o in release.ontology + release.graph:
        if not isinstance(o, Literal):
            assert (s, p, o) in kept
    assert (PARAGRAPH, RDFS.label, None) not in kept


# (what goes wrong, triples added, the individual named, the two classes named)
MISTAKES = [
    ("an indication whose object is a ChEBI compound",
     [(GLUTAMINE, MKG.indicatedFor, AMINO_ACID)], "CHEBI:33709",
     ("mkg:ChemicalEntity", "mkg:HealthTopic")),
    ("a claim used as a paragraph", [(CLAIM_CI, MKG.text, Literal("Geen.", lang="nl"))],
     "claim:l-glutamine-nl/no-known-contraindications", ("mkg:Claim", "mkg:Paragraph")),
    ("a paragraph used as a section", [(SECTION_PARAGRAPH, MKG.section, PARAGRAPH)],
     "paragraph:l-glutamine-nl/beschrijving-1", ("mkg:Paragraph", "mkg:Section")),
    ("a claim used as a text span", [(CLAIM_CI, MKG.textSpan, CLAIM_DOSE)],
     "claim:l-glutamine-nl/dose-commonly-used", ("mkg:Claim", "mkg:TextSpan")),
    ("a negation scoped by a paragraph instead of a dosage claim",
     [(CLAIM_CI, MKG.scopedByDose, PARAGRAPH)], "paragraph:l-glutamine-nl/beschrijving-1",
     ("mkg:Claim", "mkg:Paragraph")),
    ("a claim of two kinds", [(CLAIM_DOSE, RDF.type, MKG.IndicationClaim)],
     "claim:l-glutamine-nl/dose-commonly-used", ("mkg:DosageClaim", "mkg:IndicationClaim")),
]


@pytest.mark.parametrize("what,triples,individual,classes", MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_mistyped_link_is_inconsistent(release: Release, what: str, triples: list,
                                       individual: str, classes: tuple[str, str]) -> None:
    data = Graph()
    data.namespace_manager = release.graph.namespace_manager
    data += release.graph
    for triple in triples:
        data.add(triple)
    with pytest.raises(NonConformance) as caught:
        check_consistency(release.ontology, data)
    text = str(caught.value)
    line = next(line for line in text.splitlines() if individual in line)
    assert all(c in line for c in classes), line
    assert "reasoning (HermiT)" in text


def test_unsatisfiable_class_is_named(release: Release) -> None:
    ontology = Graph()
    ontology.namespace_manager = release.ontology.namespace_manager
    ontology += release.ontology
    odd = MKG.ClaimParagraph
    ontology.add((odd, RDF.type, OWL.Class))
    ontology.add((odd, RDFS.subClassOf, MKG.Claim))
    ontology.add((odd, RDFS.subClassOf, MKG.Paragraph))
    with pytest.raises(NonConformance) as caught:
        check_consistency(ontology, release.graph)
    finding, = caught.value.findings
    assert finding.focus == "mkg:ClaimParagraph"
    assert "mkg:Claim" in finding.message and "mkg:Paragraph" in finding.message


MISTYPED_CLAIM = """\
section: beschrijving
claims:
  - id: test-mistyped-indication
    kind: Indication
    relation: indicatedFor
    object: CHEBI:33709
    statement: L-glutamine is indicated for amino acids (a deliberate mistake).
    quote: L-Glutamine is het meest voorkomende vrije aminozuur in het lichaam
    modality: Asserted
"""


def test_build_stops_on_a_mistyped_link(project: Path) -> None:
    claims = project / "data" / "monographs" / "l-glutamine-nl" / "claims"
    (claims / "99-test-mistyped.yaml").write_text(MISTYPED_CLAIM, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(project)])
    assert result.exit_code == 1, result.output
    assert "reasoning (the ontology's axioms, checked directly)" in result.stderr
    line = next(line for line in result.stderr.splitlines() if "CHEBI:33709" in line)
    assert "mkg:ChemicalEntity" in line and "mkg:HealthTopic" in line
    assert "mkg:indicatedFor" in line
    # The term is shared; the finding names the claims that link to it, the new one among them.
    assert "99-test-mistyped.yaml:3" in line
    assert not (project / "build").exists()


def test_build_stops_on_an_unsatisfiable_class(project: Path) -> None:
    ontology = project / "ontology" / "monokg.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8") + """
mkg:ClaimParagraph a owl:Class ;
    rdfs:subClassOf mkg:Claim , mkg:Paragraph .
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(project)])
    assert result.exit_code == 1, result.output
    assert "mkg:ClaimParagraph" in result.stderr
    assert "can have no members" in result.stderr
