"""Search and suggest latency through the API, beside SQLite FTS5 on the same corpus and queries.

Not part of pytest. Usage: python bench/search.py [--exhibits 100000] [--queries 1000]
[--stream 20000] [--zipf 1.0] [--profile]

The catalogue (bench/corpus.py) is inserted through the ORM in chunks on a plain session (so no
outbox rows), then the index is built by SearchService.rebuild(), as `flask reindex` does. Searches
go through the Flask test client (GET /api/v1/search: routing, the service, the search log and the
JSON), in fresh processes (not the one that built the catalogue): one for the distinct queries
with the result cache off (CATALOGUE_SEARCH_CACHE=0) and the suggestions, one for a seeded Zipf
stream drawn from them (corpus.zipf_stream) with the app's default cache. In each, every search
goes through the API and then through FTS5, interleaved, so both see the same load; FTS5 has no
result cache (SQLite's page cache is what it is).

The baseline is an FTS5 table (unicode61 + porter) over the same documents, its Chinese
pre-segmented by the same jieba dictionary (search mode for the text, precise cut for queries):
the fairest FTS5 setup for Chinese, since the trigram tokenizer cannot match 2-character words such
as 芯片. Its query is every word ANDed, ordered by bm25 with our field weights, LIMIT 20, plus a
COUNT(*) for the total.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import corpus

from catalogue.catalog.rules import split_tags

WARMUP = 50
FTS_COLUMNS = ("name", "name_zh", "tags", "enterprise_name", "description", "description_zh")
FTS_WEIGHTS = (5.0, 5.0, 3.0, 1.0, 1.0, 1.0)  # analysis.TEXT_BOOSTS, in FTS_COLUMNS order


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def figures(values: list[float]) -> str:
    return (f"p50 {percentile(values, 50):7.2f} ms  p95 {percentile(values, 95):7.2f} ms  "
            f"p99 {percentile(values, 99):7.2f} ms  mean {statistics.fmean(values):7.2f} ms")


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as info:
            memory = f", {int(info.readline().split()[1]) / 1024 / 1024:.1f} GiB memory"
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} cores{memory}, load average {load:.2f} at start "
            f"(other jobs may share these cores); Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")


# --- building -------------------------------------------------------------------------------


def make_app(instance: str, **config):
    """The app on a fresh instance directory (no demo), as the benchmarks use it."""
    from catalogue import create_app

    settings = {"INSTANCE_PATH": instance, "CATALOGUE_DEMO": False, "CATALOGUE_SECRET_KEY": "bench",
                "CATALOGUE_DATABASE_URL": f"sqlite:///{Path(instance) / 'catalogue.sqlite3'}",
                "RATELIMIT_ENABLED": False}
    settings.update(config)
    return create_app(settings)


def insert_catalogue(app, exhibits: int, seed: int = 2022, chunk: int = 2000) -> float:
    """Insert the generated catalogue through the ORM (plain session: no outbox); returns seconds."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from catalogue.catalog.models import Category, Enterprise, Exhibit
    from catalogue.demo import ensure_categories
    from catalogue.extensions import db

    started = time.perf_counter()
    with app.app_context():
        ensure_categories()
        db.session.commit()
        paths = {c["path"]: c["slug"] for c in corpus.categories()}
        with Session(db.engine, expire_on_commit=False) as session:
            ids = {slug: cid for cid, slug in session.execute(select(Category.id, Category.slug))}
            enterprise, pending = None, 0
            for row in corpus.exhibit_rows(exhibits, seed):
                if enterprise is None or enterprise.name != row["enterprise_name"]:
                    enterprise = Enterprise(
                        name=row["enterprise_name"], name_zh=row["enterprise_name_zh"], hall=row["hall"],
                        booth=row["booth"], website=row["website"],
                        description=row["enterprise_description"],
                        description_zh=row["enterprise_description_zh"])
                    session.add(enterprise)
                session.add(Exhibit(
                    enterprise=enterprise, exhibit_code=row["exhibit_code"], name=row["exhibit_name"] or None,
                    name_zh=row["exhibit_name_zh"] or None, category_id=ids[paths[row["category"]]],
                    description=row["exhibit_description"], description_zh=row["exhibit_description_zh"],
                    tags=split_tags(row["tags"])))
                pending += 1
                if pending % chunk == 0:
                    session.commit()
            session.commit()
    return time.perf_counter() - started


def directory_size(path: str) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def rebuild_index(app) -> tuple[float, int, int]:
    """search_service().rebuild(): (seconds, documents, bytes of the index directory)."""
    from catalogue.search.service import search_service

    with app.app_context():
        started = time.perf_counter()
        count = search_service().rebuild()
        seconds = time.perf_counter() - started
        root = app.config["CATALOGUE_INDEX_DIR"]
        return seconds, count, directory_size(os.path.join(root, os.readlink(os.path.join(root, "current"))))


def documents(app) -> list[dict]:
    """Every search document, as the index gets them from the database."""
    from sqlalchemy.orm import Session

    from catalogue.extensions import db
    from catalogue.search.documents import all_documents

    with app.app_context(), Session(db.engine) as session:
        return list(all_documents(session))


# --- FTS5 baseline --------------------------------------------------------------------------


def _segmented(text: str, search: bool) -> list[str]:
    from catalogue.search.analysis import runs, segment

    words = []
    for run, _start, _end, cjk in runs(text or ""):
        words.extend(w for w, _s, _e in segment(run, None, search)) if cjk else words.append(run)
    return words


def build_fts(docs: list[dict], path: str) -> tuple[sqlite3.Connection, float, int]:
    """An FTS5 table (unicode61 + porter) over docs with Chinese pre-segmented; (conn, s, bytes)."""
    started = time.perf_counter()
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute(f"CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, {', '.join(FTS_COLUMNS)}, "
                 "tokenize='porter unicode61')")
    rows = []
    for doc in docs:
        values = {c: doc.get(c) or "" for c in FTS_COLUMNS}
        values["tags"] = " ".join(doc.get("tags") or [])
        rows.append((doc["id"], *(" ".join(_segmented(values[c], True)) for c in FTS_COLUMNS)))
    conn.executemany(f"INSERT INTO docs VALUES ({', '.join('?' * (len(FTS_COLUMNS) + 1))})", rows)
    conn.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    conn.commit()
    return conn, time.perf_counter() - started, os.path.getsize(path)


def fts_query(text: str) -> str | None:
    words = _segmented(text.casefold(), False)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words) or None


def fts_search(conn: sqlite3.Connection, text: str) -> tuple[int, list]:
    match = fts_query(text)
    if match is None:
        return 0, []
    weights = ", ".join(["0", *map(str, FTS_WEIGHTS)])  # doc_id first
    rows = conn.execute(f"SELECT doc_id, bm25(docs, {weights}) AS score FROM docs WHERE docs MATCH ? "
                        "ORDER BY score LIMIT 20", (match,)).fetchall()
    total = conn.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]
    return total, rows


# --- timing ---------------------------------------------------------------------------------


def timed(calls: list[str], call: Callable[[str], object]) -> list[float]:
    """Milliseconds of call(x) for each x."""
    times = []
    for item in calls:
        started = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def api_get(client, url: str) -> dict:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.get_data(as_text=True)[:200]}")
    return response.get_json()


def search_url(query: str) -> str:
    return f"/api/v1/search?q={quote(query)}"


def suggest_url(prefix: str) -> str:
    return f"/api/v1/suggest?q={quote(prefix)}"


class LogTimer:
    """Wraps SearchService._log to add up the time the search-log writes take."""

    def __init__(self, service):
        self.service, self.original, self.times = service, service._log, []

    def __enter__(self):
        def log(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.times.append((time.perf_counter() - started) * 1000)

        self.service._log = log
        return self

    def __exit__(self, *exc):
        del self.service._log  # back to the class's method


def measure_search(app, conn: sqlite3.Connection, queries: list[str], warmup: list[str]) -> dict:
    """API search and FTS5 latencies over queries in order, interleaved (each query through the API,
    then the same query through FTS5, so both see the same machine load), after a short warm-up."""
    from catalogue.search.service import search_service

    client = app.test_client()
    for query in warmup:
        api_get(client, search_url(query))
        fts_search(conn, query)
    api, fts, totals, fts_totals = [], [], {}, {}
    with app.app_context():
        service = search_service()
    with LogTimer(service) as log:
        for query in queries:
            started = time.perf_counter()
            totals[query] = api_get(client, search_url(query))["total"]
            middle = time.perf_counter()
            fts_totals[query] = fts_search(conn, query)[0]
            api.append((middle - started) * 1000)
            fts.append((time.perf_counter() - middle) * 1000)
    return {"api": api, "fts": fts, "log": log.times, "totals": totals, "fts_totals": fts_totals}


def measure_suggest(app, prefixes: dict[str, list[str]]) -> dict[str, list[float]]:
    client = app.test_client()
    for prefix in prefixes["en"][:20]:
        api_get(client, suggest_url(prefix))
    return {lang: timed(items, lambda p: api_get(client, suggest_url(p))) for lang, items in prefixes.items()}


def profile_search(app, queries: list[str], path: str) -> str:
    """pyinstrument over the API searches; the text report (also saved as HTML at path)."""
    from pyinstrument import Profiler

    client = app.test_client()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for query in queries:
        api_get(client, search_url(query))
    profiler.stop()
    Path(path).write_text(profiler.output_html())
    return profiler.output_text(unicode=True, color=False, show_all=False)


def search_cache_known() -> bool:
    """Whether this checkout's catalogue/ reads CATALOGUE_SEARCH_CACHE (the per-process result cache)."""
    import catalogue

    return any("CATALOGUE_SEARCH_CACHE" in f.read_text(encoding="utf-8")
               for f in Path(catalogue.__file__).parent.rglob("*.py"))


# --- measuring in a fresh process -----------------------------------------------------------


def status_mb(pid: int | str = "self") -> dict[str, float]:
    """A process's memory figures from /proc/<pid>/status (VmRSS, VmHWM, ...), MB."""
    return {line.split(":")[0]: int(line.split()[1]) / 1024
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("Vm") and line.endswith(" kB")}


def rss_mb() -> float:
    """This process's resident memory (VmRSS), MB."""
    return status_mb()["VmRSS"]


TRACE_FRAMES = 1  # more frames would charge json.loads etc. to their callers, but make the run many times slower
REPO = str(Path(__file__).resolve().parent.parent) + "/"


@functools.cache
def _short(filename: str) -> str:
    """A traced file's name relative to site-packages or the repository; "" for the standard library."""
    for marker in ("site-packages/", "dist-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    if filename.startswith(REPO):
        return filename[len(REPO):]
    if filename.startswith("<frozen importlib"):
        return "(import system: module code and constants)"
    return ""


def _owner(traceback) -> str:
    """Whom an allocation is charged to: its innermost frame outside the standard library (with
    TRACE_FRAMES = 1, its own file; a standard-library file such as json's decoder.py stands alone)."""
    for frame in reversed(traceback):  # most recent last (statistics() sorts them oldest first)
        if name := _short(frame.filename):
            return name
    return "(standard library: " + Path(traceback[-1].filename).name + ")"


def _package(owner: str) -> str:
    if owner.startswith("("):
        return owner
    parts = owner.split("/")
    return "/".join(parts[:2]) if parts[0] in ("catalogue", "bench") and len(parts) > 2 else parts[0]


def _search_child(spec: dict) -> dict:
    """(b) in a fresh process: the API and FTS5 interleaved over spec's queries, then suggest."""
    load = [os.getloadavg()[0]]
    app = make_app(spec["instance"], **spec["config"])
    conn = sqlite3.connect(spec["fts"], check_same_thread=False)
    result = measure_search(app, conn, spec["queries"], spec["warmup"])
    conn.close()
    if spec.get("suggest_seed") is not None:
        result["suggest"] = measure_suggest(app, corpus.prefixes(spec["suggest_seed"]))
    load.append(os.getloadavg()[0])
    return {**result, "rss": rss_mb(), "load": load}


def _memory_child(spec: dict) -> dict:
    """Where a worker's memory goes, in a fresh process: VmRSS step by step and, when tracemalloc
    traces (python -X tracemalloc), the Python allocations alive after the /search pages."""
    import tracemalloc

    steps = [("imports", rss_mb())]
    app = make_app(spec["instance"], **spec["config"])
    steps.append(("create_app", rss_mb()))
    client = app.test_client()
    client.get("/search?q=" + quote("芯片"))
    steps.append(("first search (the Chinese dictionaries)", rss_mb()))
    for query in spec["queries"]:
        client.get("/search?q=" + quote(query))
    steps.append((f"after {len(spec['queries'])} /search pages", rss_mb()))
    out: dict = {"steps": steps}
    if tracemalloc.is_tracing():
        snapshot = tracemalloc.take_snapshot()
        files: dict[str, list[int]] = {}
        for stat in snapshot.statistics("traceback"):  # one per distinct traceback
            entry = files.setdefault(_owner(stat.traceback), [0, 0])
            entry[0] += stat.size
            entry[1] += stat.count
        packages: dict[str, int] = {}
        for owner, (size, _count) in files.items():
            packages[_package(owner)] = packages.get(_package(owner), 0) + size
        top = sorted(files.items(), key=lambda item: -item[1][0])[:15]
        out.update(traced=sum(size for size, _count in files.values()), peak=tracemalloc.get_traced_memory()[1],
                   files=[(owner, size, count) for owner, (size, count) in top],
                   packages=sorted(packages.items(), key=lambda item: -item[1])[:12])
    return out


def in_child(spec: dict, tmp: str, trace_memory: bool = False, timeout: float = 3600) -> dict:
    """Run spec (kind "search" or "memory") in a fresh Python process; its JSON result."""
    path = Path(tempfile.mkstemp(prefix=f"child-{spec['kind']}-", suffix=".json", dir=tmp)[1])
    path.write_text(json.dumps({**spec, "out": f"{path}.out"}))
    repo = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")]))}
    flags = ["-X", f"tracemalloc={TRACE_FRAMES}"] if trace_memory else []
    done = subprocess.run([sys.executable, *flags, __file__, "--child", str(path)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if done.returncode:
        raise SystemExit(f"the {spec['kind']} child failed:\n{done.stderr[-3000:]}")
    return json.loads(Path(f"{path}.out").read_text())


def measure_streams(instance: str, fts: str, queries: list[str], stream: list[str], warmup: list[str],
                    seed: int, tmp: str) -> dict:
    """(b): the distinct queries with the result cache off, then the Zipf stream with it on (the
    app's default size), each in its own fresh process with FTS5 interleaved."""
    common = {"kind": "search", "instance": instance, "fts": fts, "warmup": warmup}
    distinct = in_child({**common, "queries": queries, "config": {"CATALOGUE_SEARCH_CACHE": 0},
                         "suggest_seed": seed}, tmp)
    zipf = in_child({**common, "queries": stream, "config": {}}, tmp)
    return {"distinct": distinct, "zipf": zipf, "suggest": distinct.pop("suggest"),
            "repeats": corpus.repeat_share(stream), "cache": search_cache_known()}


def warmup_queries(queries: list[str], seed: int) -> list[str]:
    """Warm-up searches that are none of the measured queries (so no cache is primed with them)."""
    measured = set(queries)
    return [q for q in corpus.queries(WARMUP, seed + 100) if q not in measured]


# --- report ---------------------------------------------------------------------------------


def search_report(results: dict) -> list[str]:
    """The printed lines: API search beside FTS5 for both streams, search-log share, suggest."""
    distinct, zipf, suggest = results["distinct"], results["zipf"], results["suggest"]
    api, fts = distinct["api"], distinct["fts"]
    ratio = percentile(api, 95) / percentile(fts, 95)
    zipf_ratio = percentile(zipf["api"], 95) / percentile(zipf["fts"], 95)
    log_share = sum(distinct["log"]) / sum(api) * 100
    matched = sum(1 for t in distinct["totals"].values() if t)
    fts_matched = sum(1 for t in distinct["fts_totals"].values() if t)
    cache = "on (the app's default size)" if results["cache"] else "asked for, but this checkout has none"
    all_suggest = [t for times in suggest.values() for t in times]
    lines = [
        f"search  API  (GET /api/v1/search, {len(api)} distinct queries, result cache off): {figures(api)}",
        f"search  FTS5 (MATCH + bm25 LIMIT 20 + COUNT, same queries, interleaved):  {figures(fts)}",
        f"        p95 ratio API/FTS5: {ratio:.1f}x (goal <= 3x: {'met' if ratio <= 3 else 'MISSED'}); "
        f"queries with results: ours {matched}, FTS5 {fts_matched} (ours adds typos, pinyin, bigrams, fallback)",
        f"        search_log write per search: p50 {percentile(distinct['log'], 50):.2f} ms, "
        f"{log_share:.1f}% of total API time",
        f"search  API  (Zipf stream of {len(zipf['api']):,}, {results['repeats']:.1%} repeats, result cache "
        f"{cache}): {figures(zipf['api'])}",
        f"search  FTS5 (the same stream, interleaved; no result cache): {figures(zipf['fts'])}",
        f"        p95 ratio API/FTS5 on the Zipf stream: {zipf_ratio:.1f}x",
    ]
    for lang, times in suggest.items():
        lines.append(f"suggest {lang:6} ({len(times)} prefixes of 1-3 characters): {figures(times)}")
    p95 = percentile(all_suggest, 95)
    lines.append(f"suggest all: p95 {p95:.2f} ms (goal <= 20 ms: {'met' if p95 <= 20 else 'MISSED'})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibits", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--stream", type=int, default=20_000, help="searches in the Zipf stream")
    parser.add_argument("--zipf", type=float, default=corpus.ZIPF_EXPONENT, help="the Zipf exponent")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--profile", action="store_true", help="also profile the API searches (pyinstrument)")
    parser.add_argument("--instance", help="keep the built instance in this directory and reuse it next time")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # a spec file: measure in this fresh process
    args = parser.parse_args()
    if args.child:
        spec = json.loads(Path(args.child).read_text())
        result = (_search_child if spec["kind"] == "search" else _memory_child)(spec)
        Path(spec["out"]).write_text(json.dumps(result))
        return
    print(f"search benchmark: {args.exhibits:,} exhibits, {args.exhibits // 4:,} enterprises; {machine()}")
    queries = corpus.queries(args.queries, args.seed)
    stream = corpus.zipf_stream(queries, args.stream, args.seed, args.zipf)
    with contextlib.ExitStack() as stack:
        tmp = args.instance or stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-search-"))
        fts_path = os.path.join(tmp, "fts.sqlite3")
        app = make_app(tmp)
        if os.path.exists(fts_path):
            print(f"reusing the catalogue, index and FTS5 table in {tmp}")
        else:
            inserted = insert_catalogue(app, args.exhibits, args.seed)
            print(f"database  ORM insert in chunks (plain session, no outbox): {inserted:7.1f} s")
            seconds, count, size = rebuild_index(app)
            print(f"index     search_service().rebuild() of {count:,} documents: {seconds:7.1f} s, "
                  f"{size / 1e6:.0f} MB on disk")
            conn, fts_seconds, fts_size = build_fts(documents(app), fts_path)
            conn.close()
            print(f"baseline  FTS5 build over the same documents (with jieba):  {fts_seconds:7.1f} s, "
                  f"{fts_size / 1e6:.0f} MB on disk")
        with app.app_context():
            from catalogue.search.service import search_service

            search_service().index.close()  # the measuring processes open their own
        children = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-children-"))
        results = measure_streams(tmp, fts_path, queries, stream, warmup_queries(queries, args.seed),
                                  args.seed, children)
        for line in search_report(results):
            print(line)
        print(f"load average (1 min): {results['distinct']['load'][0]:.2f} at the start, "
              f"{results['zipf']['load'][1]:.2f} at the end")
        if args.profile:
            print(profile_search(app, queries[:300], os.path.join(tempfile.gettempdir(), "bench-search.html")))


if __name__ == "__main__":
    main()
