"""Search latency of several checkouts on the same corpus and queries, interleaved under the same load.

Not part of pytest. Each checkout (a git worktree) builds its own instance once (the bench/corpus.py
catalogue through bench/search.py's insert_catalogue and rebuild_index, run with that checkout's
`catalogue` package), then one worker process per checkout answers searches through the Flask test
client (GET /api/v1/search, as bench/search.py times it). The driver sends every query to every
worker in turn, rotating which goes first, so all of them see the same load at the same moment.

Usage:
  python bench/compare_search.py build CHECKOUT INSTANCE [--exhibits 20000]
  python bench/compare_search.py compare LABEL=CHECKOUT:INSTANCE ... [--queries 1000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WARMUP = 100


def _use_checkout(checkout: str) -> None:
    """Import `catalogue` from checkout (before anything imports it), bench helpers from here."""
    sys.path[:0] = [str(Path(checkout).resolve()), str(BENCH)]


def build(checkout: str, instance: str, exhibits: int, seed: int) -> None:
    _use_checkout(checkout)
    import search

    os.makedirs(instance, exist_ok=True)
    app = search.make_app(instance)
    inserted = search.insert_catalogue(app, exhibits, seed)
    seconds, count, size = search.rebuild_index(app)
    print(f"{checkout}: insert {inserted:.1f} s, rebuild of {count:,} documents {seconds:.1f} s, "
          f"{size / 1e6:.0f} MB", flush=True)


def worker(checkout: str, instance: str) -> None:
    """Read a query a line (JSON) on stdin, answer `[milliseconds, total]` a line on stdout."""
    _use_checkout(checkout)
    import search

    app = search.make_app(instance)
    client = app.test_client()
    for line in sys.stdin:
        query = json.loads(line)
        started = time.perf_counter()
        total = search.api_get(client, search.search_url(query))["total"]
        print(json.dumps([(time.perf_counter() - started) * 1000, total]), flush=True)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank), as bench/search.py computes it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def compare(specs: list[str], count: int, seed: int, rounds: int) -> None:
    sys.path.insert(0, str(BENCH))
    import corpus

    workers = {}
    for spec in specs:
        label, _, rest = spec.partition("=")
        checkout, _, instance = rest.partition(":")
        workers[label] = subprocess.Popen(
            [sys.executable, __file__, "worker", checkout, instance], cwd=checkout,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(label: str, query: str) -> tuple[float, int]:
        proc = workers[label]
        proc.stdin.write(json.dumps(query) + "\n")
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{label}: worker ended")
        ms, total = json.loads(line)
        return ms, total

    labels = list(workers)
    loads = [os.getloadavg()[0]]
    for query in corpus.queries(WARMUP, seed + 100):
        for label in labels:
            ask(label, query)
    queries = corpus.queries(count, seed)
    times: dict[str, list[float]] = {label: [] for label in labels}
    totals: dict[str, list[int]] = {label: [] for label in labels}
    for round_ in range(rounds):
        for i, query in enumerate(queries):
            shift = (i + round_) % len(labels)
            for label in labels[shift:] + labels[:shift]:
                ms, total = ask(label, query)
                times[label].append(ms)
                if round_ == 0:
                    totals[label].append(total)
            if i % 250 == 0:
                loads.append(os.getloadavg()[0])
    loads.append(os.getloadavg()[0])
    for proc in workers.values():
        proc.stdin.close()
        proc.wait()
    print(f"{len(queries)} queries x {rounds} round(s), interleaved; load average (1 min) "
          f"{min(loads):.2f}-{max(loads):.2f} during the run; {os.cpu_count()} cores")
    first = labels[0]
    for label in labels:
        values = times[label]
        pairs = list(zip(totals[label], totals[first], strict=True))
        same = sum(a == b for a, b in pairs)
        lost = sum(1 for a, b in pairs if b and not a)
        print(f"{label:10} p50 {percentile(values, 50):6.2f} ms  p95 {percentile(values, 95):6.2f} ms  "
              f"p99 {percentile(values, 99):6.2f} ms  mean {sum(values) / len(values):6.2f} ms  "
              f"with results {sum(1 for t in totals[label] if t)}  same total as {first}: {same}, "
              f"none where {first} has some: {lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("checkout")
    b.add_argument("instance")
    b.add_argument("--exhibits", type=int, default=20_000)
    b.add_argument("--seed", type=int, default=2022)
    w = sub.add_parser("worker")
    w.add_argument("checkout")
    w.add_argument("instance")
    c = sub.add_parser("compare")
    c.add_argument("specs", nargs="+", help="LABEL=CHECKOUT:INSTANCE")
    c.add_argument("--queries", type=int, default=1000)
    c.add_argument("--seed", type=int, default=2022)
    c.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if args.command == "build":
        build(args.checkout, args.instance, args.exhibits, args.seed)
    elif args.command == "worker":
        worker(args.checkout, args.instance)
    else:
        compare(args.specs, args.queries, args.seed, args.rounds)


if __name__ == "__main__":
    main()
