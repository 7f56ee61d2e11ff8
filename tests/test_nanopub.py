"""Every claim is a nanopublication the nanopub package accepts: four graphs, the structural
checks of ``Nanopub.is_valid``, and a trusty URI its own hasher recomputes (offline)."""

from __future__ import annotations

from pathlib import Path

import pytest
from nanopub import Nanopub
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import ConjunctiveGraph

from monokg.model.namespaces import DCTERMS, PROV

#: The nanopub package reads only rdflib's (deprecated) ConjunctiveGraph.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")

NP = "http://www.nanopub.org/nschema#"
BASE = "https://w3id.org/monokg/"


@pytest.fixture(scope="module")
def published(built: Path) -> dict[URIRef, ConjunctiveGraph]:
    """Each nanopub of the release, by its IRI, as the graph the nanopub package reads."""
    dataset = Dataset()
    dataset.parse(built / "build" / "monokg.nanopubs.trig", format="trig")
    typed = dataset.quads((None, None, URIRef(f"{NP}Nanopublication"), None))
    heads = {URIRef(str(s)): dataset.graph(URIRef(str(g))) for s, _, _, g in typed}
    out = {}
    for np_iri, head in heads.items():
        graph = ConjunctiveGraph()
        parts = [head.identifier, *(URIRef(str(head.value(np_iri, URIRef(f"{NP}{p}"))))
                                    for p in ("hasAssertion", "hasProvenance",
                                              "hasPublicationInfo"))]
        for part in parts:
            target = graph.get_context(part)
            for triple in dataset.graph(part):
                target.add(triple)
        out[np_iri] = graph
    return out


def test_every_claim_is_a_valid_nanopub_with_a_trusty_uri(built: Path,
                                                         published: dict[URIRef, ConjunctiveGraph]
                                                         ) -> None:
    data = Graph().parse(built / "build" / "monokg.nt")
    claims = {str(c) for c in data.subjects(URIRef(f"{BASE}ontology/textSpan"), None)}
    assert len(published) == len(claims) > 200
    seen = set()
    for iri, graph in published.items():
        nanopub = Nanopub(rdf=graph)
        assert nanopub.source_uri == str(iri)
        assert nanopub.is_valid and nanopub.has_valid_trusty, iri
        claim = str(iri).rsplit("/", 1)[0].replace(f"{BASE}np/", f"{BASE}claim/")
        seen.add(claim)
        assertion = set(nanopub.assertion)
        assert assertion >= set(data.triples((URIRef(claim), None, None))), claim
        span = data.value(URIRef(claim), URIRef(f"{BASE}ontology/textSpan"))
        assert (nanopub.assertion.identifier, PROV.wasDerivedFrom, span) in nanopub.provenance
        assert nanopub.pubinfo.value(iri, DCTERMS.created).toPython().isoformat() == \
            "2026-11-25"
        assert str(nanopub.pubinfo.value(iri, DCTERMS.license)) == \
            "https://creativecommons.org/licenses/by/4.0/"
    assert seen == claims


def test_a_changed_nanopub_fails_the_trusty_check(published: dict[URIRef, ConjunctiveGraph]
                                                  ) -> None:
    graph = published[min(published)]
    nanopub = Nanopub(rdf=graph)
    nanopub.assertion.add((URIRef(f"{BASE}claim/x"), URIRef(f"{BASE}ontology/y"),
                           URIRef(f"{BASE}claim/z")))
    with pytest.raises(Exception, match="Trusty artefact .* is not valid"):
        assert nanopub.has_valid_trusty
