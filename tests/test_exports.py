"""Exports: the same graph in every format, no blank nodes, and reproducible bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from .conftest import ROOT, release_files


@pytest.fixture(scope="module")
def turtle(built: Path) -> Graph:
    return Graph().parse(built / "build" / "monokg.ttl", format="turtle")


def test_ntriples_hold_the_same_graph(built: Path, turtle: Graph) -> None:
    nt = Graph().parse(built / "build" / "monokg.nt", format="nt")
    assert isomorphic(nt, turtle)


def test_jsonld_expands_to_exactly_the_turtle_graph(built: Path, turtle: Graph) -> None:
    document = json.loads((built / "build" / "monokg.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=nquads, format="nt"), turtle)


def test_the_context_file_is_the_context_of_the_document(built: Path) -> None:
    document = json.loads((built / "build" / "monokg.jsonld").read_text(encoding="utf-8"))
    context = json.loads((built / "build" / "monokg.context.jsonld").read_text(encoding="utf-8"))
    assert context["@context"] == document["@context"]


def test_no_blank_nodes_in_the_data(turtle: Graph) -> None:
    assert not [t for t in turtle if any(isinstance(x, BNode) for x in t)]


def test_the_committed_release_is_what_a_fresh_build_writes(built: Path) -> None:
    fresh, committed = release_files(built / "build"), release_files(ROOT / "build")
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"build/ is stale, run `monokg build` and commit: {stale}"


def test_a_second_build_changes_no_byte(built: Path) -> None:
    from monokg.paths import ProjectPaths
    from monokg.pipeline import build

    before = release_files(built / "build")
    build(ProjectPaths(built))
    assert release_files(built / "build") == before
