"""Shared fixtures: a private copy of the project, and one release built from the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
#: What a project consists of (everything the build reads).
PROJECT_PARTS = ("monokg.toml", "ontology", "shapes", "data", "queries", "vendor")


def copy_project(target: Path) -> Path:
    """Copy the inputs of the repository's project into ``target`` (no build/)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


def release_files(folder: Path) -> dict[str, bytes]:
    """Every file below a release folder, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private, writable copy of the project's inputs."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project copy built once per session; returns its root (outputs in root/build)."""
    from monokg.model.paths import ProjectPaths
    from monokg.pipeline import build

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    build(ProjectPaths(root))
    return root


@pytest.fixture(scope="session")
def built_site(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static site of the session's build (`monokg site --out`), written once, outside
    the build so that tests copying the built project do not copy it too."""
    from monokg.model.paths import ProjectPaths
    from monokg.pipeline import rewrite_site

    folder, _ = rewrite_site(ProjectPaths(built), tmp_path_factory.mktemp("site") / "site")
    return folder


@pytest.fixture(scope="session")
def raw_source() -> str:
    """The source of record, read straight from disk, independently of the build code."""
    return (ROOT / "data" / "sources" / "l-glutamine.nl.txt").read_bytes().decode("utf-8")


def literal(graph: Graph, subject: Node | None, predicate: URIRef) -> Literal:
    """The one literal value of a property (the test fails where there is none)."""
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), f"no literal {predicate} on {subject}"
    return value


def solutions(store: ox.Store, sparql: str) -> ox.QuerySolutions:
    """The rows of a SELECT query on an embedded store."""
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return result
