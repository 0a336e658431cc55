"""ranking.rank gives exactly what Whoosh's own BM25F search gives for the same flat query and
filter: the same documents, order and scores (on an index of several segments with deletions)."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy.orm import Session
from whoosh.query import Or

from catalogue.extensions import db
from catalogue.search import ranking
from catalogue.search.analysis import schema_dict_id
from catalogue.search.docfields import index_fields
from catalogue.search.documents import CategoryPaths, documents_of
from catalogue.search.querying import DocSets, leaves, strict_query, units
from catalogue.search.service import search_service
from catalogue.search.spelling import Vocabulary

QUERIES = ["芯片", "chip", "智能 传感器", "lidar radar", "battery managment", "新能源汽车 电池", "xinpian",
           "module", "智能"]


@pytest.fixture
def catalogue(app, make_enterprise, make_exhibit):
    """Exhibits committed one by one (a segment each), some changed or deleted afterwards."""
    enterprise = make_enterprise(name="Yunxin Semiconductor", name_zh="云芯半导体")
    made = []
    for i, (name, name_zh, tags) in enumerate([
        ("Automotive MCU chip", "车规级MCU芯片", ["chip", "MCU"]),
        ("Smart sensor module", "智能传感器模组", ["sensor"]),
        ("Solid-state lidar", "固态激光雷达", ["lidar", "radar"]),
        ("Battery management system", "电池管理系统", ["battery", "新能源汽车"]),
        ("Power module", "功率模块", ["module", "chip"]),
        ("Smart cockpit chip", "智能座舱芯片", ["chip", "智能"]),
        ("Millimetre-wave radar", "毫米波雷达", ["radar"]),
        ("New energy vehicle battery pack", "新能源汽车电池包", ["battery"]),
    ]):
        made.append(make_exhibit(enterprise=enterprise, name=name, name_zh=name_zh, tags=tags,
                                 description=f"Exhibit {i}: {name}, a chip-level design for smart vehicles.",
                                 description_zh=f"展品{i}：{name_zh}，面向智能汽车的芯片级设计。"))
    made[1].name = "Smart pressure sensor module"
    db.session.delete(made[6])
    db.session.commit()
    # Whoosh merges small segments at each commit: write some documents again in segments of their own
    index = search_service().index
    ix = index._open(index._current())
    dict_id = schema_dict_id(ix.schema)
    with Session(db.engine) as session:
        for group in ([made[0].id, made[2].id], [made[4].id, made[5].id]):
            upserts, _deletes = documents_of(session, group, [], CategoryPaths(session))
            writer = ix.writer()
            for doc in upserts:
                writer.delete_by_term("id", doc["id"])
                writer.add_document(**index_fields(doc, dict_id))
            writer.commit(merge=False)
    return made


@pytest.mark.parametrize("text", QUERIES)
def test_rank_equals_whoosh_scoring(catalogue, text):
    index = search_service().index
    with index._lock:
        searcher = index._reader_searcher()
        segments = [segment for segment, _base in searcher.reader().leaf_readers()]
        assert len(segments) == 3 and segments[0].has_deletions()
        cache: dict = {}
        sets = DocSets(searcher, cache)
        found = units(Vocabulary(searcher, cache), text)
        query = strict_query(found)
        selected = sets.of(query)
        assert selected.any(), text
        flat = leaves(query)
        assert ranking.can_rank(searcher, flat)
        ours = ranking.rank(searcher, cache, flat, selected, 10)
        theirs = searcher.search(Or(flat), filter=set(np.flatnonzero(selected).tolist()), limit=10,
                                 optimize=False)
        assert [docnum for docnum, _score in ours] == [hit.docnum for hit in theirs]
        assert [score for _docnum, score in ours] == [hit.score for hit in theirs]  # the very same floats
        assert {int(d) for d in np.flatnonzero(selected)} == set(searcher.docs_for_query(query))


def test_blocks_decode_without_their_values_as_whoosh_does(catalogue):
    """ranking._ids_and_weights (the block's pickle cut before its positions) gives the ids and
    weights that unpickling the whole block gives, for every block of every term of every field
    in every segment; and the cut is taken wherever a block has positions to skip."""
    import pickle
    import zlib

    index = search_service().index
    cut = whole = 0
    with index._lock:
        searcher = index._reader_searcher()
        for segment, _base in searcher.reader().leaf_readers():
            for fieldname, text in segment.all_terms():
                if not isinstance(text, bytes) or fieldname not in searcher.schema:
                    continue
                matcher = segment.postings(fieldname, text)
                inner = getattr(matcher, "child", matcher)
                if type(inner) is not ranking.W3LeafMatcher or inner._byteids:
                    continue
                while inner.is_active():
                    raw = inner._postfile.get(inner._dataoffset, inner._nextoffset - inner._dataoffset)
                    data = zlib.decompress(raw) if inner._compression else raw
                    assert ranking._ids_and_weights(inner) == pickle.loads(data)[:2], (fieldname, text)
                    if inner._blocklength > 3 and ranking._VALUES_START in data:
                        cut += 1
                    whole += 1
                    inner._next_block()
    assert cut > 20 and whole > cut


def test_weights_are_kept_in_the_smallest_type_that_gives_them_back():
    whole = np.array([1.0, 2.0, 255.0])
    assert ranking._compact(whole).dtype == np.uint8
    boosted = np.array([1.5, 0.25, 300.0])  # a field boost times a frequency, exact in float32
    assert ranking._compact(boosted).dtype == np.float32
    fine = np.array([0.1, 2.0])  # 0.1 is not exact in float32
    assert ranking._compact(fine).dtype == np.float64
    for weights in (whole, boosted, fine, np.array([1e300, 1.0]), np.array([-1.0, np.inf])):
        assert np.array_equal(ranking._compact(weights).astype(np.float64), weights)


def test_the_postings_cache_counts_what_it_keeps_and_stays_within_its_bound(catalogue, monkeypatch):
    """Every cached term (a miss too) counts its arrays and ENTRY_BYTES; the least recently used
    go first once MAX_CACHED_BYTES is passed."""
    index = search_service().index
    with index._lock:
        searcher = index._reader_searcher()
        terms = [("description", t) for t in ("chip", "smart", "vehicl", "design", "level", "no-such-word")]
        cache: dict = {}
        for field, text in terms:
            ranking.postings(searcher, cache, field, text)
        store = cache["postings"]
        assert list(store) == terms
        assert cache["postings_bytes"] == sum(ranking._cost(p) for p in store.values())
        monkeypatch.setattr(ranking, "MAX_CACHED_BYTES", cache["postings_bytes"] - 1)
        ranking.postings(searcher, cache, *terms[0])  # a hit: moved to the end, nothing dropped
        assert len(store) == len(terms)
        ranking.postings(searcher, cache, "name", "chip")  # a new term: the oldest go
        assert ("description", "smart") not in store and list(store)[-2:] == [terms[0], ("name", "chip")]
        assert cache["postings_bytes"] == sum(ranking._cost(p) for p in store.values())
        assert cache["postings_bytes"] <= ranking.MAX_CACHED_BYTES
