"""Postings and ranking: Whoosh's own BM25F scores, decoded once per term and added up in bulk.

Whoosh scores a flat Or of terms one posting at a time through a tree of matchers, several method
calls per posting, decoding every posting block again on every search (and with optimize=False,
which we need for whoosh-community/whoosh#446, it scores every posting of every term). Here a term's
postings are decoded once per open searcher, a block at a time, into arrays of document numbers and
their BM25F scores (the searcher's B and K1, its idf and average field length: the very numbers
Whoosh computes), kept as numpy arrays while memory allows; a search then adds up boost x score
for the documents it already knows match, a whole term at a time in C. A query with a phrase, or another weighting model, goes back to
Whoosh's searcher.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterator

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.query import Query, Term
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from catalogue.search.analysis import CATEGORY_LABEL_BOOST, CATEGORY_PART_BOOST, schema_dict_id
from catalogue.search.docfields import phrase_key

MAX_CACHED_POSTINGS = 2_500_000  # per open searcher: 12 bytes each, so 30 MB at most
_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64))


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
        ids, term_scores = postings(searcher, cache, leaf.fieldname, leaf.text)
        if not len(ids):
            continue
        keep = selected[ids]
        docs = ids[keep]
        if len(docs):
            totals[docs] += term_scores[keep] * leaf.boost  # a term's document numbers are distinct
            touched[docs] = True
    found = np.flatnonzero(touched)
    scores = totals[found]
    if len(found) > limit:  # keep the limit best (and any tied with the last of them)
        floor = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        best = scores >= floor
        found, scores = found[best], scores[best]
    order = np.lexsort((found, -scores))[:limit]
    return [(int(found[i]), float(scores[i])) for i in order]


def postings(searcher, cache: dict, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers ascending, their BM25F scores) of a term in the open searcher; deleted
    documents left out. In an unscored field the score is the term's weight, as in Whoosh."""
    store: OrderedDict = cache.setdefault("postings", OrderedDict())
    key = (fieldname, text)
    if key in store:
        store.move_to_end(key)
        return store[key]
    reader = searcher.reader()
    if key not in reader:  # remembered too: with several segments the lookup is not cheap
        store[key] = _EMPTY
        return _EMPTY
    all_ids, all_scores = [], []
    scorable = searcher.schema[fieldname].scorable
    idf, k1_plus_1 = (searcher.idf(fieldname, text), searcher.weighting.K1 + 1) if scorable else (0, 0)
    for segment, base in reader.leaf_readers():
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
        if scorable:  # the expression and its order are Whoosh's bm25(), so the floats are the same
            norms, lengths = _norms(searcher, cache, segment, fieldname)
            weights = idf * ((weights * k1_plus_1) / (weights + norms[lengths(ids)]))
        all_ids.append(ids + base if base else ids)
        all_scores.append(weights)  # in an unscored field: the weight
    ids = np.concatenate(all_ids).astype(np.int32) if all_ids else _EMPTY[0]
    found = (ids, np.concatenate(all_scores)) if len(ids) else _EMPTY
    size = cache.get("postings_size", 0) + len(ids)
    while store and size > MAX_CACHED_POSTINGS:
        size -= len(store.popitem(last=False)[1][0])
    store[key], cache["postings_size"] = found, size
    return found


def _deleted(segment) -> np.ndarray:
    """The deleted document numbers of a segment."""
    perdoc = getattr(segment, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "deleted_docs"):
        return np.fromiter(perdoc.deleted_docs(), dtype=np.int64)
    return np.array([d for d in range(segment.doc_count_all()) if segment.is_deleted(d)], dtype=np.int64)


def _norms(searcher, cache: dict, segment, fieldname: str):
    """(norm by length byte, the length byte of a document in this segment) for a field, where
    norm = K1 * ((1 - B) + B * length / average length), Whoosh's BM25F denominator less tf."""
    key = ("norms", id(segment), fieldname)
    if key not in cache:
        weighting = searcher.weighting
        b = weighting._field_B.get(fieldname, weighting.B)
        k1, average = weighting.K1, searcher.avg_field_length(fieldname) or 1
        norms = np.array([k1 * ((1 - b) + b * byte_to_length(byte) / average) for byte in range(256)])
        cache[key] = (norms, _length_bytes(segment, fieldname))
    return cache[key]


def _length_bytes(segment, fieldname: str):
    """A function from an array of a segment's document numbers to their length bytes in the field."""
    try:  # the raw per-document column: one byte per document (whoosh.codec.whoosh3)
        column = segment._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = bytes(column._dbfile.get(column._basepos, column._count)) if column._fixedlen == 1 else None
    except AttributeError:  # no such column, or another codec: ask per document
        raw = None
    if raw is not None:
        missing = segment.doc_count_all() - len(raw)  # documents past the end: the default, 0
        table = np.frombuffer(raw + bytes(max(0, missing)), dtype=np.uint8)
        return table.__getitem__

    def length_bytes(docs: np.ndarray) -> np.ndarray:
        return np.array([length_to_byte(segment.doc_field_length(int(d), fieldname, 1)) for d in docs],
                        dtype=np.uint8)

    return length_bytes


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
