"""Benchmark `monokg build` from one monograph to a million triples, against a naive pipeline.

    .venv/bin/python benchmarks/run.py [--sizes real,10k,100k,1m] [--repeat 3]

For the real monograph and synthetic corpora of about 10 k, 100 k and 1 M triples (made once by
`monokg synth` and kept in benchmarks/.corpora/, git-ignored) it prints, side by side:
- `monokg build` as a process, cold (--no-cache): wall time, peak memory, time of each stage,
  triples per second; and a rebuild with nothing changed (warm cache);
- `monokg site` (the static site, a step of its own after the build) as a process: wall time,
  CPU time, peak memory, files written;
- the naive pipeline (benchmarks/baseline.py: one rdflib graph, HermiT and pySHACL on the whole
  graph, rdflib's serialisers) on the same data, and the ratio;
- the raw floor: pyoxigraph parsing the N-Triples and writing Turtle, N-Triples and JSON-LD;
- monokg's writers beside pyoxigraph's serialisers on the same lines (CPU seconds);
- whether both pipelines give isomorphic graphs and the same verdicts;
- the example queries (queries/*.rq, else benchmarks/queries/*.rq) on pyoxigraph's store:
  p50 and p95;
- `monokg check` on the real monograph: cold, warm, and after editing one claim;
- the slope of build time against corpus size.
Medians over --repeat runs. The table is also written as JSON (benchmarks/results/).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPORA = HERE / ".corpora"
RESULTS = HERE / "results"
MONOKG = Path(sys.executable).with_name("monokg")
#: Target triples per synthetic size name.
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PROJECT_PARTS = ("monokg.toml", "ontology", "shapes", "data", "queries", "vendor")
SEED = 7


def _pss(pid: int) -> int:
    """Proportional set size (bytes): resident memory with pages shared between processes
    (forked workers) divided among them, so a sum over processes counts each page once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree_rss(pid: int) -> int:
    """Memory (PSS, bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _pss(current)
        todo += children.get(current, [])
    return total


def run_measured(command: list[str], timeout: float) -> dict[str, Any]:
    """Run a command; wall time, exit code, peak RSS of its process tree and of its largest
    process (GNU time), and its output."""
    report = Path(tempfile.mkstemp(suffix=".time")[1])
    started = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", str(report), *command],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    peak = 0
    stop = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(process.pid))
            stop.wait(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        out, err = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this run started, nothing else
        out, err = process.communicate()
        timed_out = True
    wall = time.perf_counter() - started
    stop.set()
    poller.join()
    try:
        fields = report.read_text().strip().splitlines()[-1].split()
        largest, cpu = int(fields[0]) * 1024, float(fields[1]) + float(fields[2])
    except (OSError, ValueError, IndexError):
        largest, cpu = 0, 0.0
    report.unlink(missing_ok=True)
    # CPU seconds (user + system, the process and every child it waited for: workers, JVMs)
    # show the work done whatever else the machine was running at the time.
    return {"wall": wall, "cpu": cpu, "rc": process.returncode, "timed_out": timed_out,
            "peak_tree_rss": peak, "peak_process_rss": largest, "stdout": out, "stderr": err}


def copy_real(target: Path) -> Path:
    """The project's own inputs, copied (so build/ of the repository is never touched)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


def corpus(name: str, per_monograph: int) -> Path:
    """The synthetic corpus of a size, generated once and kept."""
    count = max(1, round(SIZES[name] / per_monograph))
    folder = CORPORA / f"{name}-{count}-seed{SEED}"
    if not (folder / "monokg.toml").is_file():
        if folder.exists():
            shutil.rmtree(folder)
        subprocess.run([str(MONOKG), "synth", "--root", str(ROOT), "--out", str(folder),
                        "--monographs", str(count), "--seed", str(SEED)], check=True)
    return folder


def triples_per_monograph() -> int:
    """Triples of one synthetic monograph (to size the corpora)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "one"
        subprocess.run([str(MONOKG), "synth", "--root", str(ROOT), "--out", str(folder),
                        "--monographs", "1", "--seed", str(SEED)], check=True,
                       capture_output=True)
        run_measured([str(MONOKG), "build", "--root", str(folder), "--no-cache",
                      "--timings-json", str(Path(tmp) / "t.json")], 600)
        return int(json.loads((Path(tmp) / "t.json").read_text())["triples"])


def build_once(folder: Path, cache: bool, timeout: float) -> dict[str, Any]:
    timings = Path(tempfile.mkstemp(suffix=".json")[1])
    command = [str(MONOKG), "build", "--root", str(folder),
               "--cache" if cache else "--no-cache", "--timings-json", str(timings)]
    result = run_measured(command, timeout)
    if result["rc"] == 0:
        result["timings"] = json.loads(timings.read_text())
    timings.unlink(missing_ok=True)
    result["warnings"] = sum(line.startswith("warning:")
                             for line in str(result["stderr"]).splitlines())
    return result


def site_once(folder: Path, timeout: float) -> dict[str, Any]:
    """`monokg site` on a built project (into its build/site/)."""
    result = run_measured([str(MONOKG), "site", "--root", str(folder)], timeout)
    words = str(result["stdout"]).split()
    result["files"] = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
    return result


def baseline_once(folder: Path, timeout: float) -> dict[str, Any]:
    out = folder.parent / f"{folder.name}-baseline-out"
    shutil.rmtree(out, ignore_errors=True)
    report = Path(tempfile.mkstemp(suffix=".json")[1])
    result = run_measured([sys.executable, str(HERE / "baseline.py"), str(folder), str(out),
                           str(report)], timeout)
    if result["rc"] == 0:
        result["timings"] = json.loads(report.read_text())
    report.unlink(missing_ok=True)
    result["out"] = str(out)
    return result


def raw_floor(nt: Path, repeat: int) -> float:
    """pyoxigraph alone: parse the N-Triples, write Turtle, N-Triples and JSON-LD (median s)."""
    import pyoxigraph as ox

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        quads = list(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES))
        for fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD):
            ox.serialize(quads, format=fmt)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


#: The writers compared with pyoxigraph's serialisers: (name, suffix of the build's file,
#: pyoxigraph's format name).
WRITERS = (("Turtle", ".ttl", "TURTLE"), ("JSON-LD", ".jsonld", "JSON_LD"),
           ("N-Triples", ".nt", "N_TRIPLES"))


def writer_times(folder: Path, repeat: int) -> dict[str, float]:
    """CPU seconds (median of `repeat` rounds, in this process, each round running every
    measurement once in turn) of monokg's writers and pyoxigraph's on the same input: the
    build's sorted N-Triples lines and the project's prefixes.

    - `monokg <format>`: the release's writer, lines in, the file's bytes out (checked equal
      to the file the build wrote, so both sides do the whole job);
    - `pyoxigraph <format>`: pyoxigraph's serialiser alone, from triples parsed before
      the clock starts (the floor the writers are held to: at most 3x, issue 17);
    - `pyoxigraph parse`: pyoxigraph reading the lines, which the serialiser needs first
      and monokg's writers do not (lines in, bytes out is parse + serialise for pyoxigraph).
    """
    import pyoxigraph as ox

    from monokg.model.config import load_publication
    from monokg.rdf.graphs import new_graph, ntriples_of
    from monokg.rdf.jsonld import jsonld_of_lines
    from monokg.rdf.turtle import turtle_of_lines

    build = folder / "build"
    data = (build / "monokg.nt").read_bytes()
    lines = data.decode("utf-8").split("\n")[:-1]
    publication = load_publication(folder / "monokg.toml")
    bindings = [(p, str(n)) for p, n in publication.rebase(new_graph()).namespaces()]
    prefixes = dict(bindings)
    triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    ours = {".ttl": lambda: turtle_of_lines(lines, bindings),
            ".jsonld": lambda: jsonld_of_lines(lines, bindings)[0],
            ".nt": lambda: ntriples_of(lines)}
    def serialise(fmt: ox.RdfFormat) -> Callable[[], object]:
        return lambda: ox.serialize(triples, format=fmt, prefixes=prefixes)

    jobs: dict[str, Callable[[], object]] = {
        # the parser is lazy: read every triple
        "pyoxigraph parse": lambda: list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))}
    for name, suffix, fmt in WRITERS:
        assert ours[suffix]() == (build / f"monokg{suffix}").read_bytes(), suffix
        jobs[f"monokg {name}"] = ours[suffix]
        jobs[f"pyoxigraph {name}"] = serialise(getattr(ox.RdfFormat, fmt))
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            started = time.process_time()
            job()
            times[name].append(time.process_time() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def shacl_results(folder: Path, nt: Path) -> list[list[str | None]]:
    """(focus, path, shape, severity) of each SHACL result on the graph the build wrote, from
    the engine the build validates with, on the same ontology as baseline.py. The build's
    stderr mixes these warnings with those of its other checks (modality, evidence), which
    pySHACL does not make, so they are not counted from there."""
    from monokg.check.validate import check_shape_lines
    from monokg.curate.vocabulary import load_vocabulary
    from monokg.model.paths import ProjectPaths
    from monokg.rdf.graphs import ntriples_lines
    from monokg.rdf.read import load_shapes

    paths = ProjectPaths(folder)
    ontology = load_vocabulary(paths.ontology, paths.data / "units.tsv").ontology
    lines = nt.read_text(encoding="utf-8").splitlines() + ntriples_lines(ontology)
    return sorted([f.focus, f.path, f.shape, f.severity]
                  for f in check_shape_lines(lines, load_shapes(paths.shapes)))


def same_graph(ours: Path, theirs: Path) -> bool:
    """Whether two blank-node-free N-Triples files hold the same triples (isomorphic)."""
    import pyoxigraph as ox

    def triples(path: Path) -> set[str]:
        return {str(q.triple) for q in ox.parse(path=str(path),
                                                format=ox.RdfFormat.N_TRIPLES)}
    return triples(ours) == triples(theirs)


def query_times(nt: Path, runs: int = 30) -> dict[str, dict[str, float]]:
    """p50 and p95 (ms) of each example query on the in-memory pyoxigraph store `monokg query`
    answers from (data, ontology and dataset metadata: hedged-claims needs the ontology)."""
    import pyoxigraph as ox

    from monokg.surfaces.query import load_store

    store = load_store([p for p in (nt, nt.with_suffix(".owl.ttl"), nt.with_suffix(".void.ttl"))
                        if p.is_file()])
    files = sorted((ROOT / "queries").glob("*.rq")) or sorted((HERE / "queries").glob("*.rq"))
    out = {}
    for file in files:
        query = file.read_text(encoding="utf-8")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = store.query(query)
            if not isinstance(result, ox.QueryBoolean):
                rows = sum(1 for _ in result)  # noqa: F841 - drain the iterator
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[file.stem] = {"p50_ms": statistics.median(times),
                          "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))]}
    return out


def check_loop(folder: Path) -> dict[str, float]:
    """`monokg check` on a project: cold, warm (nothing changed), after editing one claim."""
    cache = folder / ".monokg-cache"
    shutil.rmtree(cache, ignore_errors=True)
    command = [str(MONOKG), "check", "--root", str(folder)]
    cold_run = run_measured(command, 600)
    warm_run = run_measured(command, 600)
    cold, warm = cold_run["wall"], warm_run["wall"]
    claims = min((folder / "data" / "monographs").glob("*/claims/*.yaml"))
    text = claims.read_text(encoding="utf-8")
    edited = text.replace("statement: ", "statement: Edited. ", 1)
    claims.write_text(edited, encoding="utf-8")
    after_edit = run_measured(command, 600)
    claims.write_text(text, encoding="utf-8")
    return {"cold_s": cold, "warm_s": warm, "after_edit_s": after_edit["wall"],
            "after_edit_rc": after_edit["rc"], "cold_cpu_s": cold_run["cpu"],
            "warm_cpu_s": warm_run["cpu"], "after_edit_cpu_s": after_edit["cpu"]}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="real,10k,100k,1m")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-repeat", type=int, default=None,
                        help="runs of the naive pipeline (default: --repeat, 1 at 1m)")
    parser.add_argument("--baseline-timeout", type=float, default=1800)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-warm", action="store_true",
                        help="skip the cached rebuild (it costs two more builds)")
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json",
                        help="where to write the figures (default benchmarks/results/latest.json)")
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    per = triples_per_monograph() if any(s in SIZES for s in sizes) else 0
    work = Path(tempfile.mkdtemp(prefix="monokg-bench-"))
    rows = []
    for size in sizes:
        folder = copy_real(work / "real") if size == "real" else corpus(size, per)
        print(f"== {size}: {folder}", file=sys.stderr, flush=True)
        shutil.rmtree(folder / ".monokg-cache", ignore_errors=True)
        cold = [build_once(folder, False, 3600) for _ in range(args.repeat)]
        if any(r["rc"] != 0 for r in cold):
            print(cold[-1]["stderr"], file=sys.stderr)
        # The site of the release the last cold build published (before the warm builds,
        # the first of which replaces build/ and with it the site).
        sites = [site_once(folder, 3600) for _ in range(args.repeat)] if any(
            r["rc"] == 0 for r in cold) else []
        if any(s["rc"] != 0 for s in sites):
            print(sites[-1]["stderr"], file=sys.stderr)
        good_sites = [s for s in sites if s["rc"] == 0]
        warm = None
        if not args.no_warm:
            build_once(folder, True, 3600)  # fills the cache
            warm = build_once(folder, True, 3600)
        ok = [r for r in cold if r["rc"] == 0]
        timings = ok[-1]["timings"] if ok else {}
        triples = int(timings.get("triples", 0))
        nt = folder / "build" / "monokg.nt"
        row: dict[str, Any] = {
            "size": size, "monographs": timings.get("monographs"), "triples": triples,
            "claims": timings.get("claims"),
            "build_s": median([float(r["wall"]) for r in ok]),
            "build_runs_s": [round(float(r["wall"]), 3) for r in cold],
            "build_cpu_s": median([float(r["cpu"]) for r in ok]),
            "build_peak_tree_rss_mb": max(int(r["peak_tree_rss"]) for r in cold) / 2**20,
            "build_peak_process_rss_mb": max(int(r["peak_process_rss"]) for r in cold) / 2**20,
            "build_rc": [r["rc"] for r in cold], "build_warnings": cold[-1]["warnings"],
            "stages_s": {k: median([float(r["timings"]["stages"][k]) for r in ok
                                    if k in r["timings"]["stages"]])
                         for k in timings.get("stages", {})},
            "site_s": median([float(s["wall"]) for s in good_sites]) if good_sites else None,
            "site_runs_s": [round(float(s["wall"]), 3) for s in sites],
            "site_cpu_s": median([float(s["cpu"]) for s in good_sites]) if good_sites else None,
            "site_peak_tree_rss_mb": max((int(s["peak_tree_rss"]) for s in sites), default=0)
            / 2**20,
            "site_files": good_sites[-1]["files"] if good_sites else 0,
            "warm_rebuild_s": warm["wall"] if warm else None,
            "warm_rebuild_cpu_s": warm["cpu"] if warm else None,
        }
        row["triples_per_s"] = triples / float(row["build_s"]) if triples else 0
        row["raw_floor_s"] = raw_floor(nt, args.repeat) if nt.is_file() else None
        row["writers_cpu_s"] = writer_times(folder, args.repeat) if nt.is_file() else {}
        row["queries"] = query_times(nt) if nt.is_file() else {}
        if not args.no_baseline:
            repeat = args.baseline_repeat or (1 if size == "1m" else args.repeat)
            base = [baseline_once(folder, args.baseline_timeout) for _ in range(repeat)]
            good = [b for b in base if b["rc"] == 0]
            row["baseline_s"] = median([float(b["wall"]) for b in good]) if good else None
            row["baseline_cpu_s"] = median([float(b["cpu"]) for b in good]) if good else None
            row["baseline_timed_out"] = any(b["timed_out"] for b in base)
            row["baseline_peak_tree_rss_mb"] = max(int(b["peak_tree_rss"]) for b in base) / 2**20
            if good:
                info = good[-1]["timings"]
                row["baseline_stages_s"] = info["stages"]
                row["baseline_verdict"] = info["verdict"]
                row["ratio"] = float(row["baseline_s"]) / float(row["build_s"])
                row["isomorphic"] = same_graph(nt, Path(str(good[-1]["out"])) / "monokg.nt")
                verdict = info["verdict"]
                row["same_verdict"] = (verdict.get("consistent") is True
                                       and verdict.get("violations") == 0) == (
                    0 in row["build_rc"]) and verdict.get("shacl_results") == \
                    shacl_results(folder, nt)
            else:
                print(base[-1]["stderr"][-2000:], file=sys.stderr)
            shutil.rmtree(folder.parent / f"{folder.name}-baseline-out", ignore_errors=True)
        if size == "real":
            row["check"] = check_loop(folder)
        rows.append(row)
        # The progress line leaves out the per-stage table and the SHACL results, which
        # run to thousands of lines at 1m; the JSON file keeps both.
        brief = {k: v for k, v in row.items() if k not in ("stages_s", "baseline_verdict")}
        print(json.dumps(brief, default=str), file=sys.stderr, flush=True)
    shutil.rmtree(work, ignore_errors=True)
    report = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                         f"{platform.python_implementation()} {platform.python_version()}",
              "load_average_at_end": os.getloadavg(), "repeat": args.repeat, "rows": rows}
    synthetic = [r for r in rows if r["size"] in SIZES and r["triples"]]
    if len(synthetic) >= 2:
        xs = [float(r["triples"]) / 1e6 for r in synthetic]
        ys = [float(r["build_s"]) for r in synthetic]
        mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mean_x) ** 2 for x in xs)
        report["slope_s_per_million_triples"] = slope
        report["intercept_s"] = mean_y - slope * mean_x
    report["targets"] = [{"target": t, "measured": m, "met": ok} for t, m, ok in targets(rows)]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    print_table(report)
    print(f"\n(JSON: {args.json})")


def print_table(report: dict[str, object]) -> None:
    """The figures as a Markdown table (pasted into the README)."""
    rows = report["rows"]
    assert isinstance(rows, list)
    print(f"\nmeasured {report['date']}, {report['machine']}, median of {report['repeat']}")
    print(f"load average at the end: {report['load_average_at_end']}")
    print("\n| corpus | monographs | triples | build (s) | build CPU (s) | triples/s | peak memory "
          "(MB): PSS tree / largest RSS | warm rebuild (s) | naive (s) | naive CPU (s) | naive / build | "
          "raw floor (s) | isomorphic, same verdicts |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        base = r.get("baseline_s")
        base_cpu = r.get("baseline_cpu_s")
        print(f"| {r['size']} | {r['monographs']} | {r['triples']:,} | {r['build_s']:.2f} | "
              f"{r['build_cpu_s']:.1f} | "
              f"{r['triples_per_s']:,.0f} | {r['build_peak_tree_rss_mb']:.0f} / "
              f"{r['build_peak_process_rss_mb']:.0f} | "
              f"{format(r['warm_rebuild_s'], '.2f') if r['warm_rebuild_s'] else 'n/a'} | "
              f"{format(base, '.1f') if base else 'n/a'} | "
              f"{format(base_cpu, '.1f') if base_cpu else 'n/a'} | "
              f"{format(r['ratio'], '.1f') + 'x' if r.get('ratio') else 'n/a'} | "
              f"{r['raw_floor_s']:.2f} | {r.get('isomorphic', 'n/a')}, "
              f"{r.get('same_verdict', 'n/a')} |")
    print("\n`monokg site` (the static site, after the build; not in the build's figures):")
    print("\n| corpus | files | site (s) | site CPU (s) | peak PSS (MB) | runs (s) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        if r.get("site_s") is not None:
            print(f"| {r['size']} | {r['site_files']:,} | {r['site_s']:.2f} | "
                  f"{r['site_cpu_s']:.1f} | {r['site_peak_tree_rss_mb']:.0f} | "
                  f"{', '.join(f'{s:.2f}' for s in r['site_runs_s'])} |")
    print("\nstages of `monokg build` (s, median):")
    for r in rows:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r["stages_s"].items())
        print(f"- {r['size']}: {stages}")
        if r.get("baseline_stages_s"):
            naive = ", ".join(f"{k} {v:.2f}" for k, v in r["baseline_stages_s"].items())
            print(f"  naive: {naive}")
    print("\nexample queries on pyoxigraph's store, p50 / p95 (ms):")
    for r in rows:
        queries = ", ".join(f"{k} {v['p50_ms']:.2f} / {v['p95_ms']:.2f}"
                            for k, v in r["queries"].items())
        print(f"- {r['size']}: {queries}")
    for r in rows:
        if "check" in r:
            c = r["check"]
            print(f"\n`monokg check` ({r['size']}): cold {c['cold_s']:.2f} s, warm "
                  f"{c['warm_s']:.2f} s, after editing one claim {c['after_edit_s']:.2f} s")
    if "slope_s_per_million_triples" in report:
        print(f"\nbuild time ~ {report['intercept_s']:.1f} s + "
              f"{report['slope_s_per_million_triples']:.1f} s per million triples")
    print_stage_table(rows)
    print_writer_table(rows)
    print_targets(rows)


#: Stages of the two pipelines side by side: (what, stages of `monokg build` summed, stage of
#: the naive pipeline).
SIDE_BY_SIDE = (
    ("reasoning", ("reason (ontology)", "reason (data)"), "reason (HermiT, whole graph)"),
    ("validation", ("validate",), "validate (pySHACL, whole graph)"),
    ("Turtle", ("export:ttl",), "export:ttl (rdflib)"),
    ("N-Triples", ("export:nt",), "export:nt (rdflib)"),
    ("JSON-LD", ("export:jsonld",), "export:jsonld (rdflib)"),
    ("graph files (parse + the three above)", ("export:write_graph_files",), None),
    ("manifest", ("export:write_manifest",), None),
)


def print_stage_table(rows: list[dict[str, object]]) -> None:
    """The main stages of `monokg build` beside the naive pipeline's (HermiT, pySHACL,
    rdflib's writers) on the same graph, per corpus (s, median; "-" where not measured)."""
    print("\n| stage | " + " | ".join(f"{r['size']}: build / naive (s)" for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for what, ours, theirs in SIDE_BY_SIDE:
        cells = []
        for r in rows:
            stages = r.get("stages_s") or {}
            naive = r.get("baseline_stages_s") or {}
            assert isinstance(stages, dict) and isinstance(naive, dict)
            found = [float(stages[k]) for k in ours if k in stages]
            mine = f"{sum(found):.2f}" if found else "-"
            other = f"{float(naive[theirs]):.2f}" if theirs and theirs in naive else "-"
            cells.append(f"{mine} / {other}")
        print(f"| {what} | " + " | ".join(cells) + " |")


def writer_ratios(row: dict[str, object]) -> dict[str, tuple[float, float]]:
    """Per format: (monokg's writer / pyoxigraph's serialiser, monokg's writer /
    (pyoxigraph's parse + serialiser)), on the same lines, CPU seconds."""
    cpu = row.get("writers_cpu_s") or {}
    assert isinstance(cpu, dict)
    out = {}
    for name, _, _ in WRITERS:
        if f"monokg {name}" in cpu:
            ours, theirs = cpu[f"monokg {name}"], cpu[f"pyoxigraph {name}"]
            out[name] = (ours / theirs, ours / (theirs + cpu["pyoxigraph parse"]))
    return out


def print_writer_table(rows: list[dict[str, object]]) -> None:
    """monokg's writers beside pyoxigraph's serialisers on the same lines (CPU s, median)."""
    print("\nwriters on the build's N-Triples lines, CPU s (median): monokg's writer (lines in, "
          "bytes out) / pyoxigraph's serialiser (triples parsed beforehand) = ratio; "
          "pyoxigraph's parse of the lines apart:")
    for r in rows:
        cpu = r.get("writers_cpu_s") or {}
        assert isinstance(cpu, dict)
        if not cpu:
            continue
        cells = [f"{name} {cpu[f'monokg {name}']:.3f} / {cpu[f'pyoxigraph {name}']:.3f} = "
                 f"{ratio:.1f}x ({both:.1f}x of parse + serialise)"
                 for name, (ratio, both) in writer_ratios(r).items()]
        print(f"- {r['size']}: " + "; ".join(cells) +
              f"; pyoxigraph parse {cpu['pyoxigraph parse']:.3f}")


def targets(rows: list[dict[str, Any]]) -> list[tuple[str, str, bool | None]]:
    """Issue 17's targets: (target, measured, met; None where this run did not measure it)."""
    by = {str(r["size"]): r for r in rows}
    out: list[tuple[str, str, bool | None]] = []
    big = by.get("1m")
    if big:
        wall, pss = float(big["build_s"]), float(big["build_peak_tree_rss_mb"])
        out.append(("1m build under 120 s wall", f"{wall:.1f} s (CPU {big['build_cpu_s']:.1f} s)",
                    wall < 120))
        out.append(("1m build under 2 GB peak PSS", f"{pss:,.0f} MB", pss < 2048))
    else:
        out.append(("1m build under 120 s wall and 2 GB peak PSS", "not run", None))
    site = big.get("site_s") if big else None
    if big and site is not None:
        measured = (f"{float(site):.1f} s (CPU {float(big['site_cpu_s']):.1f} s, "
                    f"{float(big['site_peak_tree_rss_mb']):,.0f} MB peak PSS)")
        out.append(("1m `monokg site` under 60 s wall", measured, float(site) < 60))
    else:
        out.append(("1m `monokg site` under 60 s wall", "not run", None))
    for size in ("100k", "1m"):
        ratio = by.get(size, {}).get("ratio")
        out.append((f"naive / build at {size} at least 5x (goal 10x)",
                    f"{float(ratio):.1f}x" if ratio else "not run",
                    float(ratio) >= 5 if ratio else None))
    real = by.get("real")
    if real:
        out.append(("real monograph, cold build under 2.5 s",
                    f"{float(real['build_s']):.2f} s (CPU {float(real['build_cpu_s']):.2f} s)",
                    float(real["build_s"]) < 2.5))
    else:
        out.append(("real monograph, cold build under 2.5 s", "not run", None))
    warm = [(str(r["size"]), float(r["warm_rebuild_s"]), float(r.get("warm_rebuild_cpu_s") or 0))
            for r in rows if r.get("warm_rebuild_s")]
    out.append(("rebuild with nothing changed under 0.5 s",
                ", ".join(f"{s} {w:.2f} s (CPU {c:.2f} s)" for s, w, c in warm) or "not run",
                all(w < 0.5 for _, w, _ in warm) if warm else None))
    check = real.get("check") if real else None
    if isinstance(check, dict):
        out.append(("`monokg check` after editing one claim under 0.3 s",
                    f"{check['after_edit_s']:.2f} s (CPU {check.get('after_edit_cpu_s', 0):.2f} s)",
                    check["after_edit_s"] < 0.3))
    else:
        out.append(("`monokg check` after editing one claim under 0.3 s", "not run", None))
    writers = [(str(r["size"]), writer_ratios(r)) for r in rows if r.get("writers_cpu_s")]
    out.append(("Turtle and JSON-LD writers at most 3x pyoxigraph's serialiser (CPU)",
                ", ".join(f"{size} Turtle {ratios['Turtle'][0]:.1f}x, JSON-LD "
                          f"{ratios['JSON-LD'][0]:.1f}x" for size, ratios in writers)
                or "not run",
                all(ratios[name][0] <= 3 for _, ratios in writers
                    for name in ("Turtle", "JSON-LD")) if writers else None))
    return out


def print_targets(rows: list[dict[str, object]]) -> None:
    print("\n| target | measured | met |\n|---|---|---|")
    for what, measured, met in targets(rows):
        print(f"| {what} | {measured} | "
              f"{'n/a' if met is None else 'met' if met else 'NOT MET'} |")


if __name__ == "__main__":
    main()
