"""Bounded load test of `monokg serve` on the loopback interface (not part of the test suite).

Starts `monokg serve` on a free 127.0.0.1 port, runs several concurrent clients for a fixed
time (and at most a fixed number of requests), then stops the server and prints throughput,
p50/p95/p99 latency and the error count. The mix: resource pages (HTML, Turtle, N-Triples,
JSON-LD), the home page and the example queries.

    .venv/bin/python benchmarks/loadtest.py [--root .] [--clients 8] [--seconds 60]

``--mixed``: fair scheduling. Two clients run a slow query (about 8 s alone: a count over a
cross product) back to back while the other clients look things up: cheap SPARQL (the example
queries, ``DESCRIBE <IRI>``) and, on monokg, resource pages. The same run against the Oxigraph
server (``oxigraph serve`` from the `oxigraph` package, on the same release files) prints the
lookup p50/p95/p99 and errors side by side.

    .venv/bin/python benchmarks/loadtest.py --mixed [--clients 6] [--seconds 30]
"""

from __future__ import annotations

import argparse
import http.client
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def requests_for(root: Path) -> list[tuple[str, str, str]]:
    """(kind, path, Accept) requests drawn from the build."""
    from monokg.model.config import load_publication
    from monokg.publish.site import load_site

    publication = load_publication(root / "monokg.toml")
    site = load_site(root / "build", publication, root / "queries")
    paths = [iri[len(site.base):] for iri in site.resources()]
    mix: list[tuple[str, str, str]] = [("home", "/", "text/html")]
    for path in random.Random(1).sample(paths, min(200, len(paths))):
        quoted = "/" + urllib.parse.quote(path)
        mix += [("html", quoted, "text/html"), ("turtle", quoted, "text/turtle"),
                ("ntriples", quoted + ".nt", "*/*"), ("jsonld", quoted, "application/ld+json")]
    for query in sorted((root / "queries").glob("*.rq")):
        url = "/sparql?" + urllib.parse.urlencode({"query": query.read_text(encoding="utf-8")})
        mix += [("sparql", url, "application/sparql-results+json")] * 20
    return mix


#: The slow query of the mixed run: about 8 s on the 15 k-triple release, in either store.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a ?f }"


def lookups_for(root: Path, query_path: str, pages: bool) -> list[tuple[str, str, str]]:
    """(kind, path, Accept) lookups: example queries and DESCRIBE (and pages, on monokg)."""
    mix = [(kind, path, accept) for kind, path, accept in requests_for(root)
           if pages and kind != "sparql"]
    for query in sorted((root / "queries").glob("*.rq")):
        url = f"{query_path}?" + urllib.parse.urlencode({"query": query.read_text("utf-8")})
        mix += [("query", url, "application/sparql-results+json")] * 40
    from monokg.model.config import load_publication
    from monokg.publish.site import load_site

    site = load_site(root / "build", load_publication(root / "monokg.toml"))
    for iri in random.Random(2).sample(site.resources(), 200):
        url = f"{query_path}?" + urllib.parse.urlencode({"query": f"DESCRIBE <{iri}>"})
        mix.append(("describe", url, "text/turtle"))
    return mix


def start(command: list[str], port: int, seconds: float = 60) -> subprocess.Popen:
    """A server process, once it answers HTTP on ``port`` (a bound socket is not enough:
    monokg binds before its query workers are up)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return process
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    process.kill()
    raise SystemExit(f"the server did not start: {' '.join(command)}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def run_clients(port: int, plans: list[list[tuple[str, str, str]]], seconds: float,
                max_requests: int) -> tuple[dict[str, list[float]], list[str], float]:
    """One client thread per plan, each drawing requests from its plan until the time is up.

    Returns the latencies by kind, the failures and the elapsed time."""
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    budget = [max_requests]
    deadline = time.monotonic() + seconds

    def client(seed: int, plan: list[tuple[str, str, str]]) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            kind, path, accept = rng.choice(plan)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": accept})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                failure = f"{kind} {path[:60]}: HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                ok, failure = False, f"{kind} {path[:60]}: {exc}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            took = time.perf_counter() - started
            with lock:
                latencies.setdefault(kind, []).append(took)
                if not ok:
                    errors.append(failure)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n, plan)) for n, plan in enumerate(plans)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 180)
    return latencies, errors, time.monotonic() - started


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


def mixed(args: argparse.Namespace, root: Path) -> int:
    """Lookups beside two slow queries, on monokg serve and on the Oxigraph server."""
    from monokg.model.config import load_publication
    from monokg.publish.site import release_files

    files = release_files(root / "build", load_publication(root / "monokg.toml"))
    binary = Path(sys.executable).parent / "oxigraph"
    rows = []
    folder = Path(tempfile.mkdtemp(prefix="monokg-loadtest-"))
    try:
        for name in ("monokg serve", "oxigraph serve"):
            port = free_port()
            if name == "monokg serve":
                query_path = "/sparql"
                server = start([sys.executable, "-c", "from monokg.cli import main; main()",
                                "serve", "--root", str(root), "--port", str(port),
                                "--workers", str(args.workers), "--timeout", "60"], port)
            else:
                query_path = "/query"
                subprocess.run([str(binary), "load", "--location", str(folder / "ox"),
                                "--file", *map(str, files)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                server = start([str(binary), "serve", "--location", str(folder / "ox"),
                                "--bind", f"127.0.0.1:{port}"], port)
            try:
                lookups = lookups_for(root, query_path, pages=name == "monokg serve")
                slow_path = f"{query_path}?" + urllib.parse.urlencode({"query": SLOW})
                plans = [[("slow", slow_path, "application/sparql-results+json")]] * 2
                plans += [lookups] * max(1, args.clients - 2)
                latencies, errors, elapsed = run_clients(port, plans, args.seconds,
                                                         args.max_requests)
            finally:
                stop(server)
            lookup = [t for kind, values in latencies.items() if kind != "slow"
                      for t in values]
            lookup_errors = [e for e in errors if not e.startswith("slow")]
            # Lookups stop at the deadline; the slow queries may run on past it.
            rows.append((name, len(lookup) / min(elapsed, args.seconds), lookup, lookup_errors,
                         latencies.get("slow", []), latencies))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"mixed run: 2 clients run the slow query back to back, {max(1, args.clients - 2)} "
          f"look things up, {args.seconds:g} s per server")
    print(f"{'server':16} {'lookups/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6}  slow queries done (median s)")
    for name, rate, lookup, lookup_errors, slow_done, _ in rows:
        median = statistics.median(slow_done) if slow_done else float("nan")
        print(f"{name:16} {rate:9.0f} {pct(lookup, 0.5):8.1f} {pct(lookup, 0.95):8.1f} "
              f"{pct(lookup, 0.99):8.1f} {len(lookup_errors):6}  {len(slow_done)} ({median:.1f})")
    for name, _, _, lookup_errors, _, latencies in rows:
        for kind in sorted(k for k in latencies if k != "slow"):
            values = latencies[kind]
            print(f"  {name:14} {kind:9} {len(values):6} requests  p50 {pct(values, 0.5):6.1f}"
                  f"  p95 {pct(values, 0.95):6.1f}  p99 {pct(values, 0.99):6.1f} ms")
        for failure in lookup_errors[:5]:
            print(f"  {name}: error: {failure}")
    return 1 if any(row[3] for row in rows) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2, help="query workers of the server")
    parser.add_argument("--mixed", action="store_true",
                        help="lookups beside two slow queries, on monokg and Oxigraph")
    args = parser.parse_args()
    root = args.root.resolve()
    if args.mixed:
        return mixed(args, root)
    mix = requests_for(root)
    port = free_port()
    server = start([sys.executable, "-c", "from monokg.cli import main; main()", "serve",
                    "--root", str(root), "--port", str(port), "--workers", str(args.workers)],
                   port)
    try:
        latencies, errors, elapsed = run_clients(port, [mix] * args.clients, args.seconds,
                                                 args.max_requests)
    finally:
        stop(server)
    every = [t for values in latencies.values() for t in values]
    print(f"{len(every)} requests by {args.clients} clients in {elapsed:.1f} s: "
          f"{len(every) / elapsed:.0f} requests/s, errors {len(errors)}")
    print(f"latency ms: p50 {pct(every, 0.5):.1f}  p95 {pct(every, 0.95):.1f}  "
          f"p99 {pct(every, 0.99):.1f}  max {max(every) * 1000:.1f}  "
          f"mean {statistics.fmean(every) * 1000:.1f}")
    for kind in sorted(latencies):
        values = latencies[kind]
        print(f"  {kind:9} {len(values):6} requests  p50 {pct(values, 0.5):6.1f}  "
              f"p95 {pct(values, 0.95):6.1f} ms")
    for failure in errors[:10]:
        print(f"  error: {failure}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
