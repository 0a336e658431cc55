"""The scale benchmark: import, search, serving, cold start and memory at N exhibits, each figure
beside its baseline (measured in the same process tree and the same run) and its target, written to
bench/results/<YYYY-MM-DD>.md with the machine's load average at the start and end of each phase.

Not part of pytest. Usage: python bench/run.py [--exhibits 100000] [--seconds 15] [--queries 1000]
[--stream 20000] [--zipf 1.0]. Needs gunicorn (pip install gunicorn); drives the load with wrk if it
is installed (apt-get install wrk), else with a bounded pool of Python threads (http.client).
Everything stays on loopback.

(a) import_data + commit of an N-row XLSX (the commit's catch-up indexes every row) vs
    SearchIndex.rebuild over the same documents, without the database;
(b) GET /api/v1/search and /api/v1/suggest vs SQLite FTS5 (bench/search.py), in fresh processes,
    each search through both, interleaved: the distinct queries with the result cache off
    (CATALOGUE_SEARCH_CACHE=0; no cache may serve a repeat), then a seeded Zipf stream drawn from
    them (bench/corpus.py zipf_stream) with the app's default cache;
(c) /search pages per second under gunicorn with catalogue.serve (preload, 2 workers) vs /bench/base on the same server
    (a Flask route rendering base.html with no search, bench/wsgi.py): the distinct queries with
    the caches off, then the whole Zipf stream once with them on (a second server, starting with no
    page kept), then once more with the page cache off (a third); /hello (before Flask) as a reference;
(d) cold start: spawning gunicorn (catalogue.serve) on the instance until the first 200 on /, the
    package's bytecode compiled first (as pip install does; compileall);
(e) each worker's peak RSS (VmHWM) after (c), with its PSS and private memory (smaps_rollup);
    where the memory goes: VmRSS step by step and tracemalloc by package and file, in fresh processes.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import http.client
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import corpus
import search

from catalogue.search import pagecache

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
WORKERS = 2
CONNECTIONS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- (a) import -----------------------------------------------------------------------------


def import_figures(app, xlsx: Path, tmp: str) -> dict:
    """import_data + commit (with its catch-up) vs SearchIndex.rebuild of the same documents."""
    from sqlalchemy.orm import Session

    from catalogue.demo import ensure_categories
    from catalogue.extensions import db
    from catalogue.imports.apply import import_data, limits_from
    from catalogue.search.documents import catalogue_words
    from catalogue.search.engine import SearchIndex
    from catalogue.search.service import search_service

    data = xlsx.read_bytes()
    with app.app_context():
        ensure_categories()  # the tree exists before an exhibitor list arrives
        db.session.commit()
        started = time.perf_counter()
        result = import_data(data, xlsx.name, limits_from(app.config))
        if not result.applied:
            raise SystemExit("the generated file was refused: " + "; ".join(map(str, result.plan.problems[:5])))
        planned = time.perf_counter() - started
        db.session.commit()
        total = time.perf_counter() - started
        index = search_service().index
        with index._lock:
            indexed = index._reader_searcher().doc_count() - 1  # less the marker
    docs = search.documents(app)
    with app.app_context(), Session(db.engine) as session:
        words = sorted(set(catalogue_words(session)))
    started = time.perf_counter()
    SearchIndex(os.path.join(tmp, "raw-index")).rebuild(iter(docs), {"applied": 0, "gaps": {}}, words)
    raw = time.perf_counter() - started
    shutil.rmtree(os.path.join(tmp, "raw-index"), ignore_errors=True)
    if indexed != len(docs):
        raise SystemExit(f"the import indexed {indexed} documents, the database has {len(docs)}")
    return {"planned": planned, "total": total, "raw": raw, "documents": len(docs), "docs": docs,
            "bytes": len(data)}


# --- (c), (d), (e) serving ------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(instance: str, workers: int, port: int, cache: int | None = None, pages: int | None = None):
    """A gunicorn master with the production settings (catalogue/serve.py: preload, warmed) serving
    bench/wsgi.py on the instance, the result cache at `cache` entries and the page cache at `pages`
    (None: the app's defaults)."""
    env = {k: v for k, v in os.environ.items() if k not in {"BENCH_SEARCH_CACHE", "BENCH_PAGE_CACHE"}}
    env.update(BENCH_INSTANCE=instance, PYTHONPATH=str(BENCH.parent))
    if cache is not None:
        env["BENCH_SEARCH_CACHE"] = str(cache)
    if pages is not None:
        env["BENCH_PAGE_CACHE"] = str(pages)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:catalogue.serve", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--chdir", str(BENCH), "--log-level", "warning", "--timeout", "120", "wsgi:application"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(port: int, path: str, timeout: float = 60) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_for(port: int, path: str, process, limit: float = 300) -> float:
    """Seconds until path answers 200 (polled every 10 ms)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        with contextlib.suppress(OSError):
            if get(port, path) == 200:
                return time.perf_counter() - started
        time.sleep(0.01)
    raise SystemExit(f"no 200 from {path} within {limit} s")


def load(port: int, paths: list[str], seconds: float, tmp: str) -> dict:
    """Requests per second over `seconds` with CONNECTIONS concurrent clients going through paths
    in order (cycling)."""
    if shutil.which("wrk"):
        script = Path(tmp) / "paths.lua"
        listed = ",\n".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
        script.write_text(f"local paths = {{{listed}}}\nlocal i = 0\n"
                          "request = function()\n  i = i % #paths + 1\n"
                          "  return wrk.format(\"GET\", paths[i])\nend\n")
        out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{int(seconds)}s", "--timeout", "30s",
                              "-s", str(script), f"http://127.0.0.1:{port}"],
                             capture_output=True, text=True, timeout=seconds + 60).stdout
        rate = float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))
        requests = int(next(line.split()[0] for line in out.splitlines() if " requests in " in line))
        errors = sum(int(w) for line in out.splitlines() if "Non-2xx" in line for w in line.split()[-1:])
        return {"rate": rate, "errors": errors, "requests": requests, "tool": "wrk"}
    deadline = time.perf_counter() + seconds
    figures = _clients(port, lambda n: paths[n % len(paths)] if time.perf_counter() < deadline else None)
    return {**figures, "rate": figures["requests"] / seconds}


def load_once(port: int, paths: list[str]) -> dict:
    """Requests per second going through paths once, in order, with CONNECTIONS concurrent clients
    (Python threads, http.client): the rate is len(paths) over the time from the first request to
    the last answer."""
    figures = _clients(port, lambda n: paths[n] if n < len(paths) else None)
    return {**figures, "rate": figures["requests"] / figures["seconds"]}


def _clients(port: int, path_for) -> dict:
    """CONNECTIONS Python threads (http.client) asking for path_for(0), path_for(1), … in turn until
    it gives None: the requests answered, the non-200 answers among them and the seconds taken."""
    done, errors, lock, position = [0], [0], threading.Lock(), [0]

    def client() -> None:
        while True:
            with lock:
                n = position[0]
                position[0] += 1
            path = path_for(n)
            if path is None:
                return
            status = get(port, path)
            with lock:
                done[0] += 1
                errors[0] += status != 200

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"errors": errors[0], "requests": done[0], "seconds": time.perf_counter() - started,
            "tool": "Python threads"}


def process_memory(pid: int) -> dict:
    """MB: VmHWM (peak resident), VmRSS, and from smaps_rollup Pss (shared pages divided among the
    processes mapping them) and Private (clean + dirty pages no other process maps)."""
    figures = search.status_mb(pid)
    pss = private = 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss += int(line.split()[1])
            elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                private += int(line.split()[1])
    return {"hwm": figures.get("VmHWM", 0.0), "rss": figures.get("VmRSS", 0.0), "pss": pss / 1024,
            "private": private / 1024}


def server_memory(master: int) -> dict:
    """process_memory of a gunicorn master and of each of its workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {"master": process_memory(master), "workers": [process_memory(int(pid)) for pid in children]}


def serving_figures(instance: str, queries: list[str], stream: list[str], warmup: list[str], seconds: float,
                    tmp: str) -> dict:
    """Three gunicorn servers in turn, each page kind beside /bench/base on the same server:
    distinct: the distinct queries with the result and page caches off (and /hello), each load run
      `seconds` long, cycling;
    zipf: the Zipf stream with the app's default caches, gone through once from its first search to
      its last, beside as many /bench/base pages gone through the same way;
    zipf_results: the same with the page cache off (what the page cache adds)."""
    search_paths = [f"/search?q={quote(q)}" for q in queries]
    stream_paths = [f"/search?q={quote(q)}" for q in stream]
    pages_file = Path(instance) / "search-index" / pagecache.FILE
    servers = {}
    for name, cache, pages, runs in (
            ("distinct", 0, 0, [("hello", ["/hello"]), ("base", ["/bench/base"]), ("search", search_paths)]),
            ("zipf", None, None, [("base", ["/bench/base"] * len(stream)), ("search", stream_paths)]),
            ("zipf_results", None, 0, [("base", ["/bench/base"] * len(stream)), ("search", stream_paths)])):
        for stale in pages_file.parent.glob(pages_file.name + "*"):  # each server starts with none kept
            stale.unlink()
        port = free_port()
        with gunicorn(instance, WORKERS, port, cache, pages) as process:
            wait_for(port, "/hello", process)
            for query in warmup:  # every worker opens its searcher (none of the measured queries)
                get(port, f"/search?q={quote(query)}")
            # the distinct queries are cycled for a fixed time; a stream is gone through once, in order
            figures = {key: load(port, paths, seconds, tmp) if name == "distinct" else load_once(port, paths)
                       for key, paths in runs}
            figures["memory"] = server_memory(process.pid)
        if pages_file.exists():
            with contextlib.closing(sqlite3.connect(pages_file)) as kept:
                figures["pages_kept"] = kept.execute("SELECT count(*) FROM pages").fetchone()[0]
        servers[name] = figures
    starts = []
    for _ in range(3):
        port = free_port()
        started = time.perf_counter()
        with gunicorn(instance, 1, port) as process:
            wait_for(port, "/", process)
            starts.append(time.perf_counter() - started)
    return {**servers, "starts": starts}


# --- evidence for missed targets ------------------------------------------------------------


def page_profile(app, queries: list[str]) -> tuple[float, float, str]:
    """Mean in-process milliseconds of a /search page and of the home page, and pyinstrument's
    account of the /search pages."""
    from pyinstrument import Profiler

    client = app.test_client()
    started = time.perf_counter()
    for _ in queries:
        client.get("/")
    home = (time.perf_counter() - started) / len(queries) * 1000
    profiler = Profiler(interval=0.0005)
    profiler.start()
    started = time.perf_counter()
    for query in queries:
        client.get(f"/search?q={quote(query)}")
    mean = (time.perf_counter() - started) / len(queries) * 1000
    profiler.stop()
    return mean, home, profiler.output_text(unicode=True, color=False, show_all=False)


def start_breakdown(instance: str) -> str:
    """Where a cold start goes: imports, create_app, the first / (measured in a fresh process)."""
    code = ("import time; t0 = time.perf_counter(); import catalogue; from catalogue import create_app; "
            "t1 = time.perf_counter(); import os\n"
            "from pathlib import Path; i = os.environ['BENCH_INSTANCE']\n"
            "app = create_app({'INSTANCE_PATH': i, 'CATALOGUE_DEMO': False, 'CATALOGUE_SECRET_KEY': 'bench', "
            "'CATALOGUE_DATABASE_URL': f'sqlite:///{Path(i) / \"catalogue.sqlite3\"}'}); t2 = time.perf_counter()\n"
            "status = app.test_client().get('/').status_code; t3 = time.perf_counter()\n"
            "app.test_client().get('/search?q=%E9%A2%84%E7%83%AD%E8%8A%AF%E7%89%87'); t4 = time.perf_counter()\n"
            "print(f'imports {t1 - t0:.2f} s, create_app {t2 - t1:.2f} s, first / {t3 - t2:.2f} s ({status}), '\n"
            "      f'first /search (what bench/wsgi.py warms before the fork) {t4 - t3:.2f} s')")
    env = {**os.environ, "BENCH_INSTANCE": instance, "PYTHONPATH": str(BENCH.parent)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    return (out.stdout.strip() or out.stderr.strip()[-500:])


def memory_breakdown(instance: str, queries: list[str], tmp: str) -> tuple[str, list[str]]:
    """Where a worker's memory goes, in fresh processes serving the distinct /search pages with the
    result cache at the app's default (every page a miss: the cache fills): VmRSS step by step
    (untraced), then tracemalloc's account of the live Python allocations (a traced run)."""
    spec = {"kind": "memory", "instance": instance, "config": {}, "queries": queries}
    steps = search.in_child(spec, tmp)["steps"]
    traced = search.in_child(spec, tmp, trace_memory=True)
    text = ("One process's resident memory (VmRSS) step by step, fresh, untraced: " + "; ".join(
        f"{name} {mb:.0f} MB" for name, mb in steps) + ". In a second fresh process under tracemalloc, "
        f"the Python allocations alive after the same pages come to {traced['traced'] / 2**20:.0f} MB (peak "
        f"{traced['peak'] / 2**20:.0f} MB); the rest of the resident memory is the interpreter, C "
        "libraries and allocator slack. By package:")
    lines = ["by package (MB):"] + [f"  {name:48} {size / 2**20:8.1f}" for name, size in traced["packages"]]
    lines += ["", "top 15 files (where each allocation was made; MB, blocks):"] + [
        f"  {name[-60:]:60} {size / 2**20:8.1f} {count:>10,}" for name, size, count in traced["files"]]
    return text, lines


# --- the report -----------------------------------------------------------------------------


def row(name: str, ours: str, baseline: str, ratio: str, target: str, met: bool | None) -> str:
    verdict = "—" if met is None else "met" if met else "**missed**"
    return f"| {name} | {ours} | {baseline} | {ratio} | {target} | {verdict} |"


def p50_95(values: list[float]) -> str:
    return f"{search.percentile(values, 50):.1f} / {search.percentile(values, 95):.1f} ms"


def memory_cell(server: dict) -> str:
    workers = server["memory"]["workers"]
    return (" / ".join(f"{w['hwm']:.0f}" for w in workers) + " MB (PSS " + " / ".join(f"{w['pss']:.0f}" for w in workers)
            + ", private " + " / ".join(f"{w['private']:.0f}" for w in workers) + " MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibits", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000, help="distinct queries")
    parser.add_argument("--stream", type=int, default=20_000, help="searches in the Zipf stream")
    parser.add_argument("--zipf", type=float, default=corpus.ZIPF_EXPONENT, help="the Zipf stream's exponent")
    parser.add_argument("--seconds", type=float, default=15, help="length of each load run")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--out", help="results file (default bench/results/<today>.md)")
    args = parser.parse_args()
    # A deployed package has its bytecode compiled (pip compiles it on install). A checkout run
    # with PYTHONDONTWRITEBYTECODE has none, and every process would compile the package's 80
    # modules again (0.1 s of each start in (d)): compile them once, as an install would.
    compileall.compile_dir(str(BENCH.parent / "catalogue"), quiet=1)
    began = time.perf_counter()
    machine = search.machine()
    lines = [f"scale benchmark: {args.exhibits:,} exhibits, {args.exhibits // 4:,} enterprises; {machine}"]
    print(lines[0], flush=True)
    queries = corpus.queries(args.queries, args.seed)
    stream = corpus.zipf_stream(queries, args.stream, args.seed, args.zipf)
    warmup = search.warmup_queries(queries, args.seed)
    loads: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        loads["(a) import"] = [os.getloadavg()[0]]
        xlsx = Path(tmp) / "catalogue.xlsx"
        corpus.write_xlsx(xlsx, corpus.exhibit_rows(args.exhibits, args.seed))
        instance = os.path.join(tmp, "instance")
        app = search.make_app(instance, IMPORT_MAX_ROWS=args.exhibits + 1, IMPORT_MAX_BYTES=1 << 30)
        imported = import_figures(app, xlsx, tmp)
        ratio_a = imported["total"] / imported["raw"]
        loads["(a) import"].append(os.getloadavg()[0])
        print(f"(a) import {imported['total']:.1f} s (read+plan+apply {imported['planned']:.1f} s) vs raw Whoosh "
              f"{imported['raw']:.1f} s = {ratio_a:.2f}x", flush=True)

        fts_path = os.path.join(tmp, "fts.sqlite3")
        search.build_fts(imported.pop("docs"), fts_path)[0].close()
        with app.app_context():
            from catalogue.search.service import search_service

            search_service().index.close()  # this process idles while fresh ones measure
        loads["(b) search"] = [os.getloadavg()[0]]
        results = search.measure_streams(instance, fts_path, queries, stream, warmup, args.seed, tmp)
        loads["(b) search"].append(os.getloadavg()[0])
        distinct, zipf, suggest = results["distinct"], results["zipf"], results["suggest"]
        api, fts = distinct["api"], distinct["fts"]
        ratio_b = search.percentile(api, 95) / search.percentile(fts, 95)
        ratio_zipf = search.percentile(zipf["api"], 95) / search.percentile(zipf["fts"], 95)
        suggest_p95 = search.percentile([t for ts in suggest.values() for t in ts], 95)
        print(f"(b) search p95 {search.percentile(api, 95):.1f} ms vs FTS5 {search.percentile(fts, 95):.1f} ms "
              f"= {ratio_b:.1f}x; Zipf stream p95 {search.percentile(zipf['api'], 95):.1f} ms vs FTS5 "
              f"{search.percentile(zipf['fts'], 95):.1f} ms = {ratio_zipf:.1f}x; suggest p95 {suggest_p95:.1f} ms",
              flush=True)

        loads["(c) serving, (d), (e)"] = [os.getloadavg()[0]]
        served = serving_figures(instance, queries, stream, warmup, args.seconds, tmp)
        loads["(c) serving, (d), (e)"].append(os.getloadavg()[0])
        plain, popular, unkept = served["distinct"], served["zipf"], served["zipf_results"]
        ratio_c = plain["search"]["rate"] / plain["base"]["rate"]
        ratio_cz = popular["search"]["rate"] / popular["base"]["rate"]
        ratio_cr = unkept["search"]["rate"] / unkept["base"]["rate"]
        ratio_hello = plain["base"]["rate"] / plain["hello"]["rate"]
        start = statistics.median(served["starts"])
        peak = max(w["hwm"] for s in (plain, popular, unkept) for w in s["memory"]["workers"])
        print(f"(c) /search {plain['search']['rate']:.0f}/s vs /bench/base {plain['base']['rate']:.0f}/s = "
              f"{ratio_c:.1%}; Zipf {popular['search']['rate']:.0f}/s vs {popular['base']['rate']:.0f}/s = "
              f"{ratio_cz:.1%} (page cache off: {ratio_cr:.1%}); /hello {plain['hello']['rate']:.0f}/s; (d) cold start {start:.2f} s; "
              f"(e) peak RSS {peak:.0f} MB", flush=True)

        evidence = []
        if min(ratio_c, ratio_cz) < 0.5:
            mean, home, profile = page_profile(app, queries[:150])
            evidence.append(("/search throughput", f"In-process (Flask test client, the import's process), "
                             f"one /search page takes {mean:.1f} ms of Python, the home page {home:.1f} ms. "
                             "pyinstrument over 150 /search pages:", profile))
        if start > 2:
            evidence.append(("Cold start", start_breakdown(instance), ""))
        if ratio_a > 1.5:
            evidence.append(("Import", f"read + plan + apply took {imported['planned']:.1f} s of the "
                             f"{imported['total']:.1f} s; the commit's catch-up took "
                             f"{imported['total'] - imported['planned']:.1f} s vs {imported['raw']:.1f} s for one "
                             "Whoosh build of the same documents.", ""))
        if ratio_b > 3:
            slow = sorted(zip(api, queries, strict=True), reverse=True)[:40]
            profile = search.profile_search(app, [q for _t, q in slow], os.path.join(tmp, "slow.html"))
            evidence.append(("Search p95", "The slowest API searches (ms, query, results): " + "; ".join(
                f"{t:.0f} `{q}` {distinct['totals'][q]}" for t, q in slow[:10]) + f". The search-log share of "
                f"API time: {sum(distinct['log']) / sum(api):.1%}. pyinstrument over the 40 slowest, run again "
                "in the import's process:", profile))
        memory_text, memory_lines = memory_breakdown(instance, queries, tmp)

    search_lines = search.search_report(results)
    cache = "on" if results["cache"] else "asked for (this checkout has none)"
    served_repeats = corpus.repeat_share(stream[:popular["search"]["requests"]])
    table = [
        "| figure | ours | baseline | ours / baseline | target | |",
        "|---|---|---|---|---|---|",
        row(f"(a) import of a {args.exhibits:,}-row XLSX ({imported['bytes'] / 1e6:.0f} MB): import_data + commit, "
            "database and index", f"{imported['total']:.1f} s", f"{imported['raw']:.1f} s raw Whoosh "
            f"(SearchIndex.rebuild of the same {imported['documents']:,} documents)", f"{ratio_a:.2f}x",
            "≤ 1.5x", ratio_a <= 1.5),
        row(f"(b) search p50 / p95 via GET /api/v1/search, {len(queries):,} distinct queries, result cache off",
            p50_95(api), p50_95(fts) + " FTS5", f"{ratio_b:.1f}x (p95)", "≤ 3x", ratio_b <= 3),
        row(f"(b) search p50 / p95, Zipf stream of {len(stream):,} (s = {args.zipf}, "
            f"{results['repeats']:.0%} repeats), result cache {cache}", p50_95(zipf["api"]),
            p50_95(zipf["fts"]) + " FTS5 (no result cache)", f"{ratio_zipf:.1f}x (p95)", "reported", None),
        row("(b) suggest p95 via GET /api/v1/suggest", f"{suggest_p95:.1f} ms", "—", "—", "≤ 20 ms",
            suggest_p95 <= 20),
        row(f"(c) /search pages per second, distinct queries, result and page caches off; gunicorn -c catalogue.serve, {WORKERS} "
            f"workers, {CONNECTIONS} connections ({plain['search']['tool']})", f"{plain['search']['rate']:.0f}/s",
            f"{plain['base']['rate']:.0f}/s /bench/base", f"{ratio_c:.1%}", "≥ 50%", ratio_c >= 0.5),
        row(f"(c) /search pages per second, the Zipf stream once through, result cache {cache}, page cache "
            f"on ({popular.get('pages_kept', 0):,} pages rendered and kept)",
            f"{popular['search']['rate']:.0f}/s", f"{popular['base']['rate']:.0f}/s /bench/base", f"{ratio_cz:.1%}",
            "≥ 50%", ratio_cz >= 0.5),
        row(f"(c) the same, page cache off (result cache {cache}): what the page cache adds",
            f"{unkept['search']['rate']:.0f}/s", f"{unkept['base']['rate']:.0f}/s /bench/base", f"{ratio_cr:.1%}",
            "—", None),
        row("(c) reference: /bench/base (Flask, base.html) vs /hello (before Flask)", f"{plain['base']['rate']:.0f}/s",
            f"{plain['hello']['rate']:.0f}/s /hello", f"{ratio_hello:.1%}", "—", None),
        row("(d) cold start: spawn gunicorn -c catalogue.serve (warming before the fork) to first 200 on / (median of 3)",
            f"{start:.2f} s", ", ".join(f"{s:.2f}" for s in served["starts"]) + " s", "—", "≤ 2 s", start <= 2),
        row("(e) peak RSS per worker (VmHWM after (c), preload), with PSS and private memory: distinct-query "
            "server", memory_cell(plain), "—", "—", "≤ 250 MB", max(w["hwm"] for w in plain["memory"]["workers"]) <= 250),
        row("(e) the same, Zipf-stream server (result cache filled, page cache on)", memory_cell(popular), "—", "—",
            "≤ 250 MB", max(w["hwm"] for w in popular["memory"]["workers"]) <= 250),
        row("(e) the same, Zipf-stream server, page cache off", memory_cell(unkept), "—", "—",
            "≤ 250 MB", max(w["hwm"] for w in unkept["memory"]["workers"]) <= 250),
    ]
    load_table = ["| phase | load average (1 min) at start | at end |", "|---|---|---|",
                  *(f"| {phase} | {pair[0]:.2f} | {pair[1]:.2f} |" for phase, pair in loads.items())]
    report = [
        f"# Scale benchmark, {dt.date.today().isoformat()}", "",
        f"`python bench/run.py --exhibits {args.exhibits}` ({(time.perf_counter() - began) / 60:.0f} minutes). "
        f"Corpus: bench/corpus.py, seed {args.seed}: {args.exhibits:,} exhibits, {args.exhibits // 4:,} "
        f"enterprises, {len(queries):,} distinct queries, a Zipf stream of {len(stream):,} searches drawn from "
        f"them (exponent {args.zipf}, {results['repeats']:.1%} repeat an earlier search).", "",
        f"Machine: {machine}; load average {os.getloadavg()[0]:.2f} at the end.", "",
        *table, "",
        *load_table, "",
        "## Search and suggest in detail (as bench/search.py prints them)", "", "```", *search_lines, "```", "",
        "(b) runs in fresh processes (not the one that imported): one for the distinct queries with "
        "CATALOGUE_SEARCH_CACHE=0 and the suggestions, one for the Zipf stream with the app's default cache; "
        "in each, every search goes through the API and then through FTS5, interleaved, so both see the "
        f"same load. Resident memory at their end: {distinct['rss']:.0f} MB and {zipf['rss']:.0f} MB.", "",
        f"FTS5 baseline: {search.__doc__.split('The baseline is ')[1].strip()}", "",
        "(c): three gunicorn servers in turn, each with the production "
        "settings of catalogue/serve.py (preload: the master loads jieba and the pinyin table, closes the "
        "database pool and the search index, gc.freeze()s, then forks). The first has BENCH_SEARCH_CACHE=0 and "
        f"BENCH_PAGE_CACHE=0 (no result cache, no page cache) and cycles through the distinct queries, each load "
        f"run {args.seconds:.0f} s. The second keeps the app's default caches (each worker's result cache; the "
        "node's page cache, its file removed before the server starts) and goes through as many /bench/base pages "
        f"as the stream has searches ({popular['base']['seconds']:.1f} s), then through the whole Zipf stream once, "
        f"in order, from its first search to its last ({popular['search']['requests']:,} pages in "
        f"{popular['search']['seconds']:.1f} s; {served_repeats:.1%} of them repeat an earlier search, so at "
        f"least {1 - served_repeats:.1%} are rendered anew). The third does the same with the page cache off "
        f"({unkept['base']['seconds']:.1f} s and {unkept['search']['seconds']:.1f} s). No change is made to the "
        "catalogue during these runs: every change to the index makes the caches render pages anew, so a "
        "catalogue edited while visitors search would see a lower figure. /bench/base is "
        "a Flask route added by bench/wsgi.py that renders base.html with no search (same language, navigation "
        "and visit-plan context); /hello is answered before Flask. Errors: " + ", ".join(
            f"{server} {key} {figures['errors']}"
            for server, runs in (("distinct", plain), ("Zipf", popular), ("Zipf, page cache off", unkept))
            for key, figures in runs.items() if key in {"hello", "base", "search"}) + ".", "",
        "(e): VmHWM is a worker's peak resident memory and counts the pages it shares with the master and the "
        "other worker; PSS divides shared pages among the processes that map them; private pages are the "
        "worker's own. The masters (the preloaded app): " + "; ".join(
            f"{server} VmRSS {runs['memory']['master']['rss']:.0f} MB, PSS {runs['memory']['master']['pss']:.0f} MB"
            for server, runs in (("distinct", plain), ("Zipf", popular), ("Zipf, page cache off", unkept))) + ".", "",
        "## Where memory goes", "", memory_text, "", "```", *memory_lines, "```", "",
    ]
    if evidence:
        report += ["## Targets missed: the gap explained", ""]
        for title, text, profile in evidence:
            report += [f"### {title}", "", text, ""]
            if profile:
                report += ["```", *profile.strip().splitlines()[:80], "```", ""]
    out = Path(args.out) if args.out else RESULTS / f"{dt.date.today().isoformat()}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(report))
    print("\n".join([*lines, *table, *load_table, *search_lines]))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
