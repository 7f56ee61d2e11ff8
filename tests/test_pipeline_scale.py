"""The scalable pipeline: per-monograph work in parallel, exact writers, cache, same verdicts.

Every test here compares the fast path with the plain one on the same data: rdflib's own
longturtle, one rdflib graph of everything, HermiT and pySHACL on the whole graph.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from monokg.assemble import release as release_stage
from monokg.assemble.graph import to_graph
from monokg.assemble.release import _extra, assemble
from monokg.check.release import check_release
from monokg.check.validate import check_shapes
from monokg.curate.synthetic import write_corpus
from monokg.model.errors import NonConformance
from monokg.model.namespaces import MKG, OA
from monokg.model.paths import ProjectPaths
from monokg.pipeline import build
from monokg.rdf.formats import WRITERS
from monokg.rdf.graphs import graph_of, new_graph, ntriples_lines
from monokg.rdf.turtle import to_turtle

from .conftest import ROOT
from .test_exports import release_files

SHARED = URIRef("http://id.nlm.nih.gov/mesh/D999999999")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two synthetic monographs (inputs only)."""
    out = tmp_path_factory.mktemp("scale") / "corpus"
    write_corpus(ProjectPaths(ROOT), out, 2, seed=5)
    return out


def one_graph(root: Path) -> Graph:
    """The release graph built the plain way: every monograph into one rdflib graph."""
    from monokg.curate.claims import load_monograph
    from monokg.curate.mappings import load_mapping_set
    from monokg.curate.vocabulary import load_vocabulary

    paths = ProjectPaths(root)
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    monographs = [load_monograph(f, vocabulary, paths.sources, paths.mappings)
                  for f in paths.monograph_dirs()]
    sets = {m.id: load_mapping_set(m.mapping_file, vocabulary, m.id) for m in monographs}
    return to_graph(monographs, sets, [_extra(paths)])


def test_the_release_turtle_is_the_turtle_writer_on_the_ntriples(built: Path) -> None:
    graph = new_graph().parse(built / "build" / "monokg.nt", format="nt")
    assert (built / "build" / "monokg.ttl").read_bytes() == to_turtle(graph)


def test_a_parallel_build_writes_what_one_graph_gives(corpus: Path, tmp_path: Path) -> None:
    build(ProjectPaths(corpus), jobs=2, use_cache=False)
    graph = one_graph(corpus)
    files = corpus / "build"
    for suffix, writer in WRITERS.items():
        assert (files / f"monokg{suffix}").read_bytes() == writer(graph), suffix
    serial = tmp_path / "serial"
    import shutil
    shutil.copytree(corpus, serial, ignore=shutil.ignore_patterns("build", ".monokg-cache"))
    build(ProjectPaths(serial), jobs=1, use_cache=False)
    assert release_files(serial / "build") == release_files(files)


def test_a_cached_rebuild_changes_no_byte_and_sees_an_edit(corpus: Path) -> None:
    paths = ProjectPaths(corpus)
    build(paths, jobs=2)
    before = release_files(corpus / "build")
    assert (corpus / ".monokg-cache" / "part").is_dir()
    build(paths, jobs=2)
    assert release_files(corpus / "build") == before
    claims = min((corpus / "data" / "monographs").glob("synth-00002-nl/claims/*.yaml"))
    text = claims.read_text(encoding="utf-8")
    edited = text.replace("statement: 'Synthetica", "statement: 'Edited Synthetica", 1)
    assert edited != text
    claims.write_text(edited, encoding="utf-8")
    try:
        build(paths, jobs=2)
        assert b"Edited Synthetica" in (corpus / "build" / "monokg.nt").read_bytes()
    finally:
        claims.write_text(text, encoding="utf-8")


def inject(monkeypatch: pytest.MonkeyPatch,
           extra: Callable[[str], list[tuple[URIRef, URIRef, object]]],
           drop: Callable[[str, Graph], list[tuple[object, object, object]]] | None = None
           ) -> None:
    """Add (and drop) triples to each monograph's lines as it is assembled (in this process)."""
    original = release_stage.build_part

    def patched(context, folder, use_cache=True):
        part, errors = original(context, folder, use_cache)
        mono_id = part.monograph.id
        graph = graph_of(part.lines)
        for triple in (drop(mono_id, graph) if drop else []):
            graph.remove(triple)
        for triple in extra(mono_id):
            graph.add(triple)
        part.lines = ntriples_lines(graph)
        return part, errors
    monkeypatch.setattr(release_stage, "build_part", patched)


def finding_keys(findings: list) -> set[tuple[str, str | None, str]]:
    return {(f.focus, f.path, f.message) for f in findings if f.severity == "Violation"}


def test_per_monograph_validation_finds_what_the_whole_graph_shows(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def extra(mono_id: str) -> list[tuple[URIRef, URIRef, object]]:
        # A shared term typed as a quote selector, with a different quote in each monograph:
        # only the two monographs together break "exactly one oa:exact".
        triples: list[tuple[URIRef, URIRef, object]] = [
            (SHARED, OA.exact, Literal(f"quote of {mono_id}"))]
        if mono_id.endswith("1-nl"):
            triples.append((SHARED, RDF.type, OA.TextQuoteSelector))
        return triples

    def drop(mono_id: str, graph: Graph) -> list[tuple[object, object, object]]:
        # A private mistake: one claim of the first monograph loses its English label.
        if not mono_id.endswith("1-nl"):
            return []
        claim = next(iter(graph.subjects(RDF.type, MKG.DosageClaim)))
        return [(claim, RDFS.label, o) for o in graph.objects(claim, RDFS.label)
                if getattr(o, "language", None) == "en"]

    inject(monkeypatch, extra, drop)
    release = assemble(ProjectPaths(corpus), jobs=1, use_cache=False)
    assert len(release.parts) == 2
    whole, _ = check_shapes(graph_of(release.lines), release.shapes, release.ontology)
    with pytest.raises(NonConformance) as failure:
        check_release(release)
    assert failure.value.stage == "validation (SHACL)"
    expected = finding_keys(whole)
    assert {focus for focus, _, _ in expected} >= {"MESH:D999999999"}
    assert len({focus for focus, _, _ in expected}) >= 2
    assert finding_keys(failure.value.findings) == expected


def test_a_contradiction_across_two_monographs_is_found(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from monokg.check.reason import check_consistency

    def extra(mono_id: str) -> list[tuple[URIRef, URIRef, object]]:
        kind = MKG.ChemicalEntity if mono_id.endswith("1-nl") else MKG.HealthTopic
        return [(SHARED, RDF.type, kind)]

    inject(monkeypatch, extra)
    release = assemble(ProjectPaths(corpus), jobs=1, use_cache=False)
    for part in release.parts:  # each monograph alone is consistent ...
        check_consistency(release.ontology, graph_of(part.lines))
    with pytest.raises(NonConformance) as failure:  # ... together they are not
        check_release(release)
    assert failure.value.stage.startswith("reasoning")
    assert any("D999999999" in f.focus for f in failure.value.findings)


def test_an_ontology_beyond_the_direct_check_is_reasoned_over_by_hermit(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from monokg.check.reason import axioms_outside_direct_check

    project = tmp_path / "project"
    shutil.copytree(corpus, project, ignore=shutil.ignore_patterns("build", ".monokg-cache"))
    ontology = project / "ontology" / "monokg.ttl"
    # An inverse property: outside what the direct check decides, so HermiT must see the data.
    ontology.write_text(ontology.read_text(encoding="utf-8") + (
        "\ndcterms:hasPart a owl:ObjectProperty ; owl:inverseOf dcterms:isPartOf ;\n"
        '    rdfs:label "has part"@en , "heeft deel"@nl ;\n'
        '    skos:definition "Includes the object as a part."@en .\n'), encoding="utf-8")

    def extra(mono_id: str) -> list[tuple[URIRef, URIRef, object]]:
        kind = MKG.ChemicalEntity if mono_id.endswith("1-nl") else MKG.HealthTopic
        return [(SHARED, RDF.type, kind)]

    inject(monkeypatch, extra)
    release = assemble(ProjectPaths(project), jobs=1, use_cache=False)
    assert axioms_outside_direct_check(release.ontology)
    with pytest.raises(NonConformance) as failure:
        check_release(release)
    assert failure.value.stage == "reasoning (HermiT)"
    assert any("D999999999" in f.focus for f in failure.value.findings)
