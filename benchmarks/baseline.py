"""The naive pipeline, for comparison: one rdflib graph, HermiT and pySHACL on all of it, rdflib's
serialisers. Run as a process by ``run.py``:

    python benchmarks/baseline.py PROJECT_ROOT OUT_DIR RESULT_JSON

It reads the same inputs with the same loaders as ``monokg build`` (YAML claims, source texts,
mappings; the ontology, shapes and term files parsed by rdflib), then reasons over the whole
graph, validates the whole graph and writes Turtle (longturtle), N-Triples and JSON-LD with
rdflib. The result JSON holds the time of each stage and the verdicts.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(root: Path, out: Path, result: Path) -> None:
    """Run the naive pipeline on the project at ``root``."""
    timings: dict[str, float] = {}
    verdict: dict[str, object] = {}
    started = time.perf_counter()

    def stage(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = now - since
        return now

    from monokg.assemble.graph import to_graph
    from monokg.check.reason import check_consistency
    from monokg.check.validate import check_shapes
    from monokg.curate.claims import load_monograph
    from monokg.curate.mappings import load_local_concepts, load_mapping_set
    from monokg.curate.vocabulary import load_vocabulary
    from monokg.model.errors import NonConformance
    from monokg.model.paths import ProjectPaths
    from monokg.rdf.read import load_rdf, load_shapes

    paths = ProjectPaths(root)
    t = stage("imports", started)
    vocabulary = load_vocabulary(paths.ontology, paths.data / "units.tsv")
    monographs = [load_monograph(f, vocabulary, paths.sources, paths.mappings)
                  for f in paths.monograph_dirs()]
    sets = {m.id: load_mapping_set(m.mapping_file, vocabulary, m.id) for m in monographs
            if m.mapping_file.is_file()}
    extra = [load_local_concepts(paths.mappings / "local-concepts.ttl")]
    if (paths.data / "terms.ttl").is_file():
        extra.append(load_rdf(paths.data / "terms.ttl"))
    shapes = load_shapes(paths.shapes)
    graph = to_graph(monographs, sets, extra)
    t = stage("load (rdflib)", t)
    try:
        check_consistency(vocabulary.ontology, graph)
        verdict["consistent"] = True
    except NonConformance as exc:
        verdict["consistent"] = False
        verdict["contradictions"] = len(exc.findings)
    except Exception as exc:  # noqa: BLE001 - e.g. HermiT out of memory: record it, carry on
        verdict["consistent"] = f"error: {type(exc).__name__}"
    t = stage("reason (HermiT, whole graph)", t)
    findings, _ = check_shapes(graph, shapes, vocabulary.ontology)
    verdict["violations"] = sum(f.severity == "Violation" for f in findings)
    verdict["warnings"] = sum(f.severity != "Violation" for f in findings)
    verdict["shacl_results"] = sorted([f.focus, f.path, f.shape, f.severity] for f in findings)
    t = stage("validate (pySHACL, whole graph)", t)
    out.mkdir(parents=True, exist_ok=True)
    (out / "monokg.ttl").write_bytes(graph.serialize(format="longturtle", encoding="utf-8"))
    t = stage("export:ttl (rdflib)", t)
    (out / "monokg.nt").write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    t = stage("export:nt (rdflib)", t)
    (out / "monokg.jsonld").write_bytes(graph.serialize(format="json-ld", encoding="utf-8"))
    stage("export:jsonld (rdflib)", t)
    result.write_text(json.dumps({"seconds": time.perf_counter() - started, "stages": timings,
                                  "triples": len(graph), "verdict": verdict}, indent=1),
                      encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
