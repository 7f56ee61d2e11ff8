"""The hand-edited ontology: every term explained in both languages, no blank nodes, and a
modality scale grounded in the hedges of the source text (its cues, from the language data)."""

from __future__ import annotations

import re

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from monokg.curate.cues import cue_triples
from monokg.model.namespaces import MKG

from .conftest import ROOT, literal

ONTOLOGY = Graph().parse(ROOT / "ontology" / "monokg.ttl", format="turtle")
#: The cues of every language, as the build adds them to the released ontology.
CUES = Graph()
for triple in cue_triples():
    CUES.add(triple)
TERMS = sorted({s for s, o in ONTOLOGY.subject_objects(RDF.type)
                if isinstance(s, URIRef) and o != OWL.Ontology})


@pytest.mark.parametrize("term", TERMS, ids=[ONTOLOGY.qname(t) for t in TERMS])
def test_term_has_label_and_definition_in_english_and_dutch(term: URIRef) -> None:
    for prop in (RDFS.label, SKOS.definition):
        langs = sorted(str(o.language) for o in ONTOLOGY.objects(term, prop)
                       if isinstance(o, Literal))
        assert langs == ["en", "nl"], f"{ONTOLOGY.qname(prop)}: one @en and one @nl, got {langs}"


def test_no_blank_nodes() -> None:
    assert not [t for t in ONTOLOGY if any(isinstance(x, BNode) for x in t)]


def test_claim_kinds_are_pairwise_disjoint() -> None:
    kinds = sorted(s for s in ONTOLOGY.subjects(RDFS.subClassOf, MKG.Claim)
                   if isinstance(s, URIRef))
    assert len(kinds) >= 11
    for i, a in enumerate(kinds):
        for b in kinds[i + 1:]:
            assert (a, OWL.disjointWith, b) in ONTOLOGY or (b, OWL.disjointWith, a) in ONTOLOGY, \
                f"{a} and {b}"


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


def test_every_modality_has_a_cue_the_source_uses(raw_source: str) -> None:
    text = _folded(raw_source)
    for modality in ONTOLOGY.subjects(RDF.type, MKG.Modality):
        cues = [str(c) for c in CUES.objects(modality, MKG.cue)
                if isinstance(c, Literal) and c.language == "nl"]
        assert any(re.search(rf"\b{re.escape(c.lower())}\b", text) for c in cues), \
            f"{modality}: none of {cues} occurs in the source"


@pytest.mark.parametrize("hedge,modality", [
    ("kan", MKG.Possible), ("mogelijk", MKG.Possible), ("blijkt", MKG.Apparent),
    ("vrijwel zeker", MKG.Likely), ("voor zover bekend", MKG.AsFarAsKnown),
    ("wordt geschat", MKG.Estimated), ("heeft bewezen", MKG.Established),
])
def test_the_hedges_of_the_brief_map_to_one_modality(hedge: str, modality: URIRef) -> None:
    holders = [m for m in ONTOLOGY.subjects(RDF.type, MKG.Modality)
               if Literal(hedge, lang="nl") in set(CUES.objects(m, MKG.cue))]
    assert holders == [modality]


def test_every_cue_signals_a_modality_of_the_ontology() -> None:
    modalities = set(ONTOLOGY.subjects(RDF.type, MKG.Modality))
    assert set(CUES.subjects(MKG.cue, None)) <= modalities
    assert not list(ONTOLOGY.objects(None, MKG.cue)), "cues live in the language data only"


def test_strength_orders_the_scale() -> None:
    strength = {m: int(literal(ONTOLOGY, m, MKG.strength))
                for m in ONTOLOGY.subjects(RDF.type, MKG.Modality)}
    assert strength[MKG.Established] > strength[MKG.Asserted] > strength[MKG.Likely] \
        > strength[MKG.Apparent] > strength[MKG.AsFarAsKnown] > strength[MKG.Possible]


def test_dose_scope_points_to_dosage_claims() -> None:
    assert ONTOLOGY.value(MKG.scopedByDose, RDFS.range) == MKG.DosageClaim
    assert ONTOLOGY.value(MKG.scopedByDose, RDFS.domain) == MKG.Claim
