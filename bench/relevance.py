"""Relevance of our search beside SQLite FTS5 (trigram, and unicode61 with jieba pre-segmentation)
over the cross-language suite in tests/search/relevance_suite.py: recall@10 and NDCG@10 per kind
of query and overall, side by side in one run.

Not part of pytest. Usage: python bench/relevance.py [--out bench/results/FILE.md]

All three index the same documents (the fixture catalogue plus its one-language entries). FTS5 gets
the text fields as they are, weighted like ours (bm25 column weights); ours also has what it derives
(translations, pinyin, traditional characters read as simplified). FTS5 trigram matches substrings of
3 characters or more, so shorter words (芯片, AI) are matched with LIKE over all the text instead.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import FTS_COLUMNS, FTS_WEIGHTS, build_fts, fts_search  # noqa: E402 (bench/search.py)

from catalogue.search.engine import SearchIndex, SearchRequest  # noqa: E402
from tests.search import relevance_suite as suite  # noqa: E402

K = 10


def ours(docs: list[dict], directory: str):
    index = SearchIndex(directory)
    index.rebuild(docs, {"applied": 0}, suite.words())
    return lambda text: [hit.id for hit in index.search(SearchRequest(text, per_page=K)).hits]


def trigram(docs: list[dict]):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, {', '.join(FTS_COLUMNS)}, "
                 "alltext UNINDEXED, tokenize='trigram')")
    rows = []
    for doc in docs:
        values = [doc.get(c) or "" for c in FTS_COLUMNS]
        values[FTS_COLUMNS.index("tags")] = " ".join(doc.get("tags") or [])
        rows.append((doc["id"], *values, " ".join(values).casefold()))
    conn.executemany(f"INSERT INTO docs VALUES ({', '.join('?' * (len(FTS_COLUMNS) + 2))})", rows)
    weights = ", ".join(["0", *map(str, FTS_WEIGHTS), "0"])

    def search(text: str) -> list[str]:
        words = text.casefold().split()
        long = [w for w in words if len(w) >= 3]
        short = [w for w in words if len(w) < 3]
        where = [*(["docs MATCH ?"] if long else []), *(["alltext LIKE ?"] * len(short))]
        params = [*([" AND ".join('"' + w.replace('"', '""') + '"' for w in long)] if long else []),
                  *(f"%{w}%" for w in short)]
        if not where:
            return []
        order = f"bm25(docs, {weights})" if long else "rowid"
        sql = f"SELECT doc_id FROM docs WHERE {' AND '.join(where)} ORDER BY {order} LIMIT {K}"
        return [row[0] for row in conn.execute(sql, params)]

    return search


def jieba_fts(docs: list[dict], path: str):
    conn, _seconds, _size = build_fts(docs, path)
    return lambda text: [row[0] for row in fts_search(conn, text)[1]][:K]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="also write the table (Markdown) to this file")
    args = parser.parse_args()
    docs = suite.documents()
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        engines = {"ours": ours(docs, tmp + "/index"), "FTS5 trigram": trigram(docs),
                   "FTS5 + jieba": jieba_fts(docs, tmp + "/fts.sqlite3")}
        scores: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for kind, text, expected, _k in suite.CASES:
            for name, search in engines.items():
                ranked = search(text)
                pair = (suite.recall(ranked, set(expected), K), suite.ndcg(ranked, set(expected), K))
                scores.setdefault((kind, name), []).append(pair)
                scores.setdefault(("all", name), []).append(pair)
    kinds = list(dict.fromkeys(kind for kind, *_rest in suite.CASES)) + ["all"]
    lines = [f"Relevance over {len(suite.CASES)} queries, {len(docs)} documents "
             f"(tests/search/relevance_suite.py): recall@{K} / NDCG@{K}", "",
             "| kind | queries | " + " | ".join(engines) + " |",
             "| --- | ---: | " + " | ".join("---:" for _ in engines) + " |"]
    for kind in kinds:
        cells = []
        for name in engines:
            pairs = scores[(kind, name)]
            cells.append(f"{statistics.fmean(p[0] for p in pairs):.2f} / {statistics.fmean(p[1] for p in pairs):.2f}")
        lines.append(f"| {kind} | {len(scores[(kind, 'ours')])} | " + " | ".join(cells) + " |")
    print("\n".join(lines))
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
