"""Print how long HermiT (reasoning) and pySHACL (validation) take, and how they grow.

Usage: .venv/bin/python scripts/measure_checks.py [FACTOR ...]   (default: 1 10 50)

The data graph of the repository is assembled once; for each factor, every claim (with its
span, selectors and dose) is copied FACTOR - 1 times under new IRIs, so the graph has FACTOR
times as many claims while the monograph, paragraphs and mappings stay as they are.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from monokg.assemble.release import assemble
from monokg.check.reason import check_consistency
from monokg.check.validate import check_shapes
from monokg.model.paths import ProjectPaths

ROOT = Path(__file__).resolve().parents[1]
PER_CLAIM = ("/claim/", "/span/", "/selector/", "/dose/", "/quantity/")


def _copy(node: Node, n: int) -> Node:
    if isinstance(node, URIRef) and any(p in str(node) for p in PER_CLAIM):
        text = str(node)
        if "#" in text:
            return node
        return URIRef(f"{text}-copy{n}")
    return node


def scaled(graph: Graph, factor: int) -> Graph:
    """The graph with every per-claim node copied factor - 1 times."""
    out = Graph()
    out.namespace_manager = graph.namespace_manager
    out += graph
    per_claim = [t for t in graph if any(isinstance(x, URIRef) and any(
        p in str(x) for p in PER_CLAIM) for x in t)]
    for n in range(1, factor):
        for s, p, o in per_claim:
            out.add((_copy(s, n), p, _copy(o, n)))
    return out


def main(factors: list[int]) -> None:
    release = assemble(ProjectPaths(ROOT))
    claims = release.claim_count
    print(f"{'claims':>7} {'triples':>8} {'HermiT s':>9} {'pySHACL s':>10} {'findings':>9}")
    for factor in factors:
        data = scaled(release.graph, factor)
        hermit = check_consistency(release.ontology, data)
        started = time.perf_counter()
        findings, _ = check_shapes(data, release.shapes, release.ontology)
        shacl = time.perf_counter() - started
        print(f"{claims * factor:>7} {len(data):>8} {hermit:>9.2f} {shacl:>10.2f} "
              f"{len(findings):>9}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 10, 50])
