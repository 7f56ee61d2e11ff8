"""Bounded load test of `monokg serve` on the loopback interface (not part of the test suite).

Starts `monokg serve` on a free 127.0.0.1 port, runs several concurrent clients for a fixed
time (and at most a fixed number of requests), then stops the server and prints throughput,
p50/p95/p99 latency and the error count. The mix: resource pages (HTML, Turtle, N-Triples,
JSON-LD), the home page and the example queries.

    .venv/bin/python benchmarks/loadtest.py [--root .] [--clients 8] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import subprocess
import sys
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2, help="query workers of the server")
    args = parser.parse_args()
    root = args.root.resolve()
    mix = requests_for(root)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from monokg.cli import main; main()", "serve", "--root",
         str(root), "--port", str(port), "--workers", str(args.workers)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        ready = server.stdout.readline()
        if not ready.startswith("serving"):
            print(f"the server did not start: {ready!r}", file=sys.stderr)
            return 2
        latencies: dict[str, list[float]] = {}
        errors: list[str] = []
        lock = threading.Lock()
        budget = [args.max_requests]
        deadline = time.monotonic() + args.seconds

        def client(seed: int) -> None:
            rng = random.Random(seed)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                kind, path, accept = rng.choice(mix)
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
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                took = time.perf_counter() - started
                with lock:
                    latencies.setdefault(kind, []).append(took)
                    if not ok:
                        errors.append(failure)
            connection.close()

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 60)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

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
