"""Postings and ranking: Whoosh's own BM25F scores, decoded once per term and added up in bulk.

Whoosh scores a flat Or of terms one posting at a time through a tree of matchers, several method
calls per posting, decoding every posting block again on every search (and with optimize=False,
which we need for whoosh-community/whoosh#446, it scores every posting of every term). Here a term's
postings are decoded once per open searcher, a block at a time, into arrays of document numbers and
weights, kept as numpy arrays while memory allows; a search then computes the BM25F scores of the
documents it already knows match (the searcher's B and K1, its idf and average field length: the
very numbers Whoosh computes) and adds up boost x score, a whole term at a time in C. A query with
a phrase, or another weighting model, goes back to Whoosh's searcher.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.query import Query, Term
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from catalogue.search.analysis import CATEGORY_LABEL_BOOST, CATEGORY_PART_BOOST, schema_dict_id
from catalogue.search.docfields import phrase_key

MAX_CACHED_BYTES = 30_000_000  # of postings per open searcher (5 bytes each, mostly)


def can_rank(searcher, leaves: list[Query]) -> bool:
    """True when rank() scores these leaves exactly as Whoosh would."""
    return type(searcher.weighting) is BM25F and all(type(leaf) is Term for leaf in leaves)


def category_leaves(searcher, text: str) -> list[Term]:
    """A query that is a category's name, whole, or two or more of its words in a row: terms that
    rank the exhibits in (or below) that category first (none where the index lacks the fields)."""
    schema = searcher.schema
    if "category_parts" not in schema:
        return []
    key = phrase_key(text, schema_dict_id(schema))
    reader = searcher.reader()
    return [Term(field, key, boost=boost)
            for field, boost in (("category_labels", CATEGORY_LABEL_BOOST), ("category_parts", CATEGORY_PART_BOOST))
            if key and (field, key) in reader]


def rank(searcher, cache: dict, leaves: list[Term], selected: np.ndarray, limit: int
         ) -> list[tuple[int, float]]:
    """The best `limit` of the selected documents (a boolean array over document numbers) as
    (docnum, score), best first (ties: lower docnum first, as Whoosh's collector orders them).
    Each leaf's boost x score is added in leaf order, as Whoosh adds them, so the sums are the same
    floats; documents that match no leaf are left out."""
    totals = np.zeros(len(selected), dtype=np.float64)
    touched = np.zeros(len(selected), dtype=bool)
    for leaf in leaves:
        found = postings(searcher, cache, leaf.fieldname, leaf.text)
        if not len(found.ids):
            continue
        keep = selected[found.ids]
        docs = found.ids[keep]
        if len(docs):
            # a term's document numbers are distinct
            totals[docs] += scores(searcher, cache, leaf.fieldname, found.idf, docs, found.weights[keep]) * leaf.boost
            touched[docs] = True
    found = np.flatnonzero(touched)
    ranked = totals[found]
    if len(found) > limit:  # keep the limit best (and any tied with the last of them)
        floor = np.partition(ranked, len(ranked) - limit)[len(ranked) - limit]
        best = ranked >= floor
        found, ranked = found[best], ranked[best]
    order = np.lexsort((found, -ranked))[:limit]
    return [(int(found[i]), float(ranked[i])) for i in order]


class Postings(NamedTuple):
    """A term's postings in the open searcher: document numbers (ascending, int32), their weights
    (term frequency times any field boost: uint8 where every one is a whole number below 256,
    float32 where that holds them exactly, else float64) and the term's idf (0 in an unscored
    field). Scores are computed from these when ranking (scores()), so a cached posting costs 5
    bytes, not the 12 of a number and a score."""

    ids: np.ndarray
    weights: np.ndarray
    idf: float


_EMPTY = Postings(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.uint8), 0.0)


def _compact(weights: np.ndarray) -> np.ndarray:
    """weights (float64) in the smallest type that gives back the same floats."""
    if not len(weights) or not np.isfinite(weights).all():
        return weights
    low, high = weights.min(), weights.max()
    for kind, fits in ((np.uint8, low >= 0 and high <= 255), (np.float32, -3e38 < low and high < 3e38)):
        if fits:
            small = weights.astype(kind)
            if np.array_equal(small.astype(np.float64), weights):
                return small
    return weights


ENTRY_BYTES = 300  # what a cached term costs besides its arrays: key, tuple, array headers


def postings(searcher, cache: dict, fieldname: str, text: str) -> Postings:
    """A term's postings in the open searcher, deleted documents left out; cached (at most
    MAX_CACHED_BYTES of them, the least recently used dropped first)."""
    store: OrderedDict = cache.setdefault("postings", OrderedDict())
    key = (fieldname, text)
    if key in store:
        store.move_to_end(key)
        return store[key]
    reader = searcher.reader()
    all_ids, all_weights = [], []
    # a term not in the index is remembered too (and counted): with several segments the lookup is not cheap
    for segment, base in reader.leaf_readers() if key in reader else []:
        if key not in segment:
            continue
        blocks = list(_blocks(segment.postings(fieldname, text)))
        if not blocks:
            continue
        ids = np.concatenate([block_ids for block_ids, _w in blocks])
        weights = np.concatenate([np.asarray(w, dtype=np.float64) for _i, w in blocks])
        if segment.has_deletions():
            keep = ~np.isin(ids, _deleted(segment))
            ids, weights = ids[keep], weights[keep]
        all_ids.append(ids + base if base else ids)
        all_weights.append(weights)
    if not all_ids or not sum(map(len, all_ids)):
        found = _EMPTY
    else:
        idf = searcher.idf(fieldname, text) if searcher.schema[fieldname].scorable else 0.0
        found = Postings(np.concatenate(all_ids).astype(np.int32), _compact(np.concatenate(all_weights)), idf)
    size = cache.get("postings_bytes", 0) + _cost(found)
    while store and size > MAX_CACHED_BYTES:
        _key, dropped = store.popitem(last=False)
        size -= _cost(dropped)
    store[key], cache["postings_bytes"] = found, size
    return found


def _cost(found: Postings) -> int:
    return ENTRY_BYTES + found.ids.nbytes + found.weights.nbytes


def scores(searcher, cache: dict, fieldname: str, idf: float, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The BM25F scores of a term's postings for the documents ids, with their weights; in an
    unscored field the weight, as in Whoosh. The expression and its order are Whoosh's bm25(), with
    the searcher's K1 and B, idf and average field length, so the floats are the same."""
    weights = weights.astype(np.float64)
    if not searcher.schema[fieldname].scorable:
        return weights
    norms, lengths = _norms(searcher, cache, fieldname)
    return idf * ((weights * (searcher.weighting.K1 + 1)) / (weights + norms[lengths[ids]]))


def _deleted(segment) -> np.ndarray:
    """The deleted document numbers of a segment."""
    perdoc = getattr(segment, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "deleted_docs"):
        return np.fromiter(perdoc.deleted_docs(), dtype=np.int64)
    return np.array([d for d in range(segment.doc_count_all()) if segment.is_deleted(d)], dtype=np.int64)


def _norms(searcher, cache: dict, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
    """(norm by length byte, every document's length byte) for a field, where norm =
    K1 * ((1 - B) + B * length / average length), Whoosh's BM25F denominator less tf, and the
    length bytes are indexed by the reader's document numbers (all segments, one byte each)."""
    key = ("norms", fieldname)
    if key not in cache:
        weighting = searcher.weighting
        b = weighting._field_B.get(fieldname, weighting.B)
        k1, average = weighting.K1, searcher.avg_field_length(fieldname) or 1
        norms = np.array([k1 * ((1 - b) + b * byte_to_length(byte) / average) for byte in range(256)])
        reader = searcher.reader()
        lengths = np.zeros(reader.doc_count_all(), dtype=np.uint8)
        for segment, base in reader.leaf_readers():
            table = _length_bytes(segment, fieldname)
            lengths[base:base + len(table)] = table
        cache[key] = (norms, lengths)
    return cache[key]


def _length_bytes(segment, fieldname: str) -> np.ndarray:
    """The length byte of each of a segment's documents in the field."""
    count = segment.doc_count_all()
    try:  # the raw per-document column: one byte per document (whoosh.codec.whoosh3)
        column = segment._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:  # no document of the segment has the field: it has no postings to score
            return np.zeros(count, dtype=np.uint8)
        raw = bytes(column._dbfile.get(column._basepos, column._count)) if column._fixedlen == 1 else None
    except AttributeError:  # another codec: ask per document
        raw = None
    if raw is not None:  # documents past the end of the column have the default, 0
        return np.frombuffer(raw[:count] + bytes(max(0, count - len(raw))), dtype=np.uint8)
    return np.array([length_to_byte(segment.doc_field_length(d, fieldname, 1)) for d in range(count)],
                    dtype=np.uint8)


# How Whoosh 2.7.4 (whoosh3 codec) pickles a block's values (positions, characters): a tuple of
# bytes, each one written (pickle protocol 2) as a call of _codecs.encode on a str. Unpickling them
# is most of the cost of decoding a block of a positions field; ranking needs only ids and weights.
_VALUES_START = b"(c_codecs\nencode\n"  # MARK, then the first value's GLOBAL
_WITHOUT_VALUES = b"N\x87."  # None for the values, TUPLE3, STOP


def _ids_and_weights(matcher: W3LeafMatcher) -> tuple:
    """The current block's (delta-encoded ids, minified weights), without unpickling its values.

    The block is the pickle of (ids, weights, values) with protocol 2, where the outer tuple is a
    TUPLE3 at the end and a values tuple of 4 or more items starts with MARK and the one GLOBAL
    of the stream. Cut there and closed with None, it unpickles to (ids, weights, None); the ids
    and weights are ints and floats, whose opcodes cannot spell that GLOBAL. Anything else (a
    shorter block, values of fixed size, another layout) is unpickled whole, as Whoosh does.
    tests/search/test_ranking.py compares both decodings on every block of an index."""
    data = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    if matcher._compression:
        data = zlib.decompress(data)
    if matcher._blocklength > 3:
        cut = data.find(_VALUES_START)
        if cut > 0:
            ids, weights, _values = pickle.loads(data[:cut] + _WITHOUT_VALUES)
            return ids, weights
    ids, weights, _values = pickle.loads(data)
    return ids, weights


def _blocks(matcher) -> Iterator[tuple]:
    """(ids as an int64 array, weights) of a segment's postings, a block at a time, deleted
    documents included. Whoosh's own blocks are decoded here as W3LeafMatcher does, but without
    their values (_ids_and_weights) and with numpy's running sum instead of its delta_decode."""
    inner = getattr(matcher, "child", matcher)  # a FilterMatcher hides a segment's deletions
    if type(inner) is W3LeafMatcher and not inner._byteids:
        while inner.is_active():
            ids, weights = _ids_and_weights(inner)
            count = inner._blocklength
            if weights is None:
                weights = array("f", [1.0]) * count
            elif isinstance(weights, float):
                weights = array("f", [weights]) * count
            yield np.cumsum(np.asarray(ids, dtype=np.int64)), weights
            inner._next_block()
        return
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield np.array(ids, dtype=np.int64), weights
