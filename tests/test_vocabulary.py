"""The controlled lists read with pyoxigraph are those rdflib's graph walk gives."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from monokg.curate.vocabulary import load_vocabulary
from monokg.model.namespaces import MKG

from .conftest import ROOT

ONTOLOGY, UNITS = ROOT / "ontology" / "monokg.ttl", ROOT / "data" / "units.tsv"


def rdflib_lists(graph: Graph) -> dict[str, set[str]]:
    """The lists as the vocabulary used to compute them, on an rdflib graph."""
    def closure(root: URIRef, link: URIRef) -> set[str]:
        return {str(n) for n in graph.transitive_subjects(link, root)
                if isinstance(n, URIRef) and n != root and str(n).startswith(str(MKG))}

    def members(cls: URIRef) -> set[str]:
        return {str(n) for n in graph.subjects(RDF.type, cls) if str(n).startswith(str(MKG))}

    return {"claim_kinds": closure(MKG.Claim, RDFS.subClassOf),
            "relations": closure(MKG.claimRelation, RDFS.subPropertyOf),
            "modalities": members(MKG.Modality), "dose_kinds": members(MKG.DoseKind),
            "timings": members(MKG.Timing)}


def test_the_lists_are_those_of_the_rdflib_graph_and_it_is_parsed_only_on_demand() -> None:
    vocabulary = load_vocabulary(ONTOLOGY, UNITS)
    assert vocabulary._ontology is None
    expected = rdflib_lists(Graph().parse(ONTOLOGY, format="turtle"))
    for name, iris in expected.items():
        table = getattr(vocabulary, name)
        assert iris and {str(v) for v in table.values()} == iris, name
    assert vocabulary.claim_kinds["Dosage"] == MKG.DosageClaim
    assert len(vocabulary.ontology) == len(Graph().parse(ONTOLOGY, format="turtle"))
    assert vocabulary.ontology is vocabulary.ontology


def test_a_subclass_reached_through_a_blank_node_counts_as_rdflib_counts_it(
        tmp_path: Path) -> None:
    onto = tmp_path / "o.ttl"
    onto.write_text(ONTOLOGY.read_text(encoding="utf-8") + f"""
_:middle <{RDFS.subClassOf}> <{MKG.Claim}> .
<{MKG}DeepClaim> <{RDFS.subClassOf}> _:middle .
""", encoding="utf-8")
    vocabulary = load_vocabulary(onto, UNITS)
    assert vocabulary.claim_kinds["Deep"] == URIRef(f"{MKG}DeepClaim")
    assert {str(v) for v in vocabulary.claim_kinds.values()} == \
        rdflib_lists(Graph().parse(onto, format="turtle"))["claim_kinds"]
