"""From the visitor's text to results: queries (never Whoosh query syntax), partial-match fallback,
facets and name completion."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from whoosh.analysis import STOP_WORDS
from whoosh.query import And, AndMaybe, Or, Phrase, Query, Term

from catalogue.search import crosslang, ranking
from catalogue.search.analysis import (
    CODE_BOOST,
    GRAM_BOOSTS,
    PINYIN_BOOSTS,
    TEXT_BOOSTS,
    bigrams,
    clean,
    normalise,
    runs,
)
from catalogue.search.request import (
    TYPES,
    Hit,
    SearchRequest,
    SearchResponse,
    Suggestion,
    empty_response,
)
from catalogue.search.snippets import snippet
from catalogue.search.spelling import (
    CHINESE_STOP_WORDS,
    CHUNK,
    Vocabulary,
    corrected,
    whole_syllables,
)

# Typo forgiveness applies to the fields a visitor types in English, at a discount.
FUZZY_BOOSTS = {"name": 2.0, "name_zh": 2.0, "tags": 1.2, "enterprise_name": 1.0,
                "category_names": 0.6, "description": 0.4}
_PINYIN = re.compile(r"[a-z]+")
MAX_UNITS = 20


@dataclass
class Unit:
    """One thing the visitor asked for (a word, a CJK run, a phrase or a code) and its query.
    parts: what the partial-match fallback counts instead of query (a CJK run: each of its words;
    none: the query itself)."""

    query: Query
    optional: bool = False
    parts: list[Query] | None = None


def _word_unit(vocabulary: Vocabulary, word: str) -> Unit | None:
    tokens = vocabulary.analyse(word)
    if not tokens:
        return None
    parts = [Or([Term(f, token, boost=b) for f, b in TEXT_BOOSTS.items()]) for token in tokens]
    query = parts[0] if len(parts) == 1 else And(parts)
    # Typos: the stems of nearby indexed words, in the fields people type in English.
    stems = {t for w in vocabulary.similar(word) for t in vocabulary.analyse(w)} - set(tokens)
    fuzzy = [Term(f, stem, boost=b) for stem in sorted(stems) for f, b in FUZZY_BOOSTS.items()]
    folded = word.casefold()
    pinyin = [Term(f, folded, boost=b) for f, b in PINYIN_BOOSTS.items()]
    if fuzzy or _PINYIN.fullmatch(folded):
        query = Or([query, *fuzzy, *(pinyin if _PINYIN.fullmatch(folded) else [])])
    return Unit(query, optional=folded in STOP_WORDS)


def _cjk_unit(vocabulary: Vocabulary, run: str) -> Unit:
    """All the words of the run (or all its bigrams); for the fallback, each word on its own."""
    words = vocabulary.analyse(run)
    kept = [w for w in words if w not in CHINESE_STOP_WORDS] or words
    per_word = [Or([Term(f, w, boost=b) for f, b in TEXT_BOOSTS.items()]) for w in kept]
    segmented = And(per_word)
    grams = [And([Term(f, g) for g in bigrams(run)], boost=b) for f, b in GRAM_BOOSTS.items()]
    optional = len(run) == 1 and run in CHINESE_STOP_WORDS
    parts = None
    if len(kept) > 1:
        parts = [Or([query, *(And([Term(f, g) for g in bigrams(w)], boost=b)
                              for f, b in GRAM_BOOSTS.items())])
                 for query, w in zip(per_word, kept, strict=True)]
    return Unit(Or([segmented, *grams]), optional=optional, parts=parts)


def _code_unit(vocabulary: Vocabulary, key: str, text: str) -> Unit:
    """A code typed whole: documents with that code first, then those with all its words."""
    words = [u.query for u in _plain_units(vocabulary, text)]
    queries = [Term("codes", key, boost=CODE_BOOST)]
    if words:
        queries.append(words[0] if len(words) == 1 else And(words))
    return Unit(Or(queries))


def _plain_units(vocabulary: Vocabulary, text: str) -> list[Unit]:
    found = []
    for piece, _start, _end, cjk in runs(text):
        unit = _cjk_unit(vocabulary, piece) if cjk else _word_unit(vocabulary, piece)
        if unit is not None:
            found.append(unit)
    return found


def _phrase_unit(vocabulary: Vocabulary, text: str) -> Unit:
    tokens = vocabulary.analyse(text)
    return Unit(Or([Phrase(f, tokens, boost=b) for f, b in TEXT_BOOSTS.items()]))


def units(vocabulary: Vocabulary, text: str) -> list[Unit]:
    """The units of a (normalised) query: codes typed whole (the whole query, or a word between
    spaces), words, CJK runs and quoted Latin phrases; only the first MAX_UNITS count."""
    key = vocabulary.is_code(text) if any(c.isspace() for c in text) else None
    if key:
        return [_code_unit(vocabulary, key, text)]
    found: list[Unit] = []
    for match in CHUNK.finditer(text):
        quoted, plain = match.groups()
        chunk = quoted if quoted is not None else plain
        key = vocabulary.is_code(chunk)
        if key:
            found.append(_code_unit(vocabulary, key, chunk))
            continue
        pieces = list(runs(chunk))
        if quoted is not None and len(pieces) > 1 and not any(p[3] for p in pieces):
            found.append(_phrase_unit(vocabulary, quoted))
            continue
        found.extend(_plain_units(vocabulary, chunk))
    return found[:MAX_UNITS]


def strict_query(found: list[Unit]) -> Query:
    """All words required (stop words only add to the score, unless there is nothing else)."""
    required = [u.query for u in found if not u.optional]
    optional = [u.query for u in found if u.optional]
    if not required:
        required, optional = optional, []
    query = required[0] if len(required) == 1 else And(required)
    return AndMaybe(query, Or(optional)) if optional else query


def required_queries(found: list[Unit]) -> list[Query]:
    """What the partial-match fallback counts: the required units' parts (each word of a CJK run
    on its own), else all of them."""
    chosen = [u for u in found if not u.optional] or found
    return [q for u in chosen for q in (u.parts or [u.query])][:2 * MAX_UNITS]


class DocSets:
    """Documents as boolean arrays over the open reader's document numbers, made from the cached
    postings (ranking.postings). Array algebra in C is much faster than Whoosh's matchers, or
    Python sets, for knowing *which* documents match; ranking.rank then only scores those."""

    def __init__(self, searcher, cache: dict):
        self.searcher, self.reader, self.cache = searcher, searcher.reader(), cache
        self.size = self.reader.doc_count_all()

    def none(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    def ids(self, fieldname: str, value: str) -> np.ndarray:
        """The documents with the term: its cached postings' sorted document numbers."""
        return ranking.postings(self.searcher, self.cache, fieldname, clean(value)).ids

    def term(self, fieldname: str, value: str) -> np.ndarray:
        docs = self.none()
        docs[self.ids(fieldname, value)] = True
        return docs

    def has(self, docnum: int, fieldname: str, value: str) -> bool:
        ids = self.ids(fieldname, value)
        i = int(ids.searchsorted(docnum))
        return i < len(ids) and int(ids[i]) == docnum

    def of(self, query: Query) -> np.ndarray:
        if isinstance(query, Term):
            return self.term(query.fieldname, query.text)
        if isinstance(query, Or):
            docs = self.none()
            for sub in query.subqueries:
                if isinstance(sub, Term):
                    docs[self.ids(sub.fieldname, sub.text)] = True
                else:
                    docs |= self.of(sub)
            return docs
        if isinstance(query, And):
            docs = self.of(query.subqueries[0])
            for sub in query.subqueries[1:]:
                if not docs.any():
                    break
                docs &= self.of(sub)
            return docs
        if isinstance(query, AndMaybe):
            return self.of(query.a)
        docs = self.none()  # phrases
        docs[list(self.searcher.docs_for_query(query))] = True
        return docs

    def type_counts(self, docs: np.ndarray) -> list[tuple[str, int]]:
        """[(type, how many of docs have it)] for TYPES."""
        return [(t, int(np.count_nonzero(docs[self.ids("type", t)]))) for t in TYPES]

    def category_counts(self, docs: np.ndarray) -> Counter:
        """How many of docs are under each category (a document counts for every ancestor)."""
        if "slugs" not in self.cache:  # merging the segments' word lists costs, so once
            self.cache["slugs"] = [b.decode("utf-8") for b in self.reader.lexicon("category_slugs")]
        counts = Counter()
        for slug in self.cache["slugs"]:
            count = int(np.count_nonzero(docs[self.ids("category_slugs", slug)]))
            if count:
                counts[slug] = count
        return counts


def leaves(query: Query, boost: float = 1.0) -> list[Query]:
    """The terms and phrases of a query, boosts multiplied down: as one flat Or they score a
    document like the nested query does, and Whoosh scores a flat Or far faster."""
    if type(query) is Term:  # a new Term: with_boost deep-copies
        return [Term(query.fieldname, query.text, boost=query.boost * boost)]
    if isinstance(query, (Term, Phrase)):
        return [query.with_boost(query.boost * boost)]
    if isinstance(query, AndMaybe):
        return leaves(query.a, boost) + leaves(query.b, boost)
    return [leaf for q in query.subqueries for leaf in leaves(q, boost * query.boost)]


def run_search(searcher, cache: dict, request: SearchRequest, text: str) -> SearchResponse:
    """Search the open searcher; text is the validated, normalised query."""
    if len(cache) > 20_000:
        cache.clear()
    vocabulary, sets = Vocabulary(searcher, cache), DocSets(searcher, cache)
    searched = crosslang.simplified(text)  # 機器人 finds 机器人
    found = units(vocabulary, searched)
    if not found:
        return empty_response(text)

    def narrowed(docs: np.ndarray, by_type: bool = True, by_category: bool = True) -> np.ndarray:
        if request.hall:
            docs = docs & sets.term("hall", request.hall)
        if by_type and request.type:
            docs = docs & sets.term("type", request.type)
        if by_category and request.category:
            docs = docs & sets.term("category_slugs", request.category)
        return docs

    query = strict_query(found)
    matched = sets.of(query)
    required = required_queries(found)
    counts: np.ndarray | None = None
    if not narrowed(matched).any() and len(required) > 1:
        # No document has every word: fall back to those that have the most of them. Every set
        # below keeps the documents with at least as many words as the best filtered result,
        # so the facets still add up to what their filters would show.
        counts = np.zeros(sets.size, dtype=np.int16)
        for q in required:
            counts += sets.of(q)
        matched, query = counts > 0, Or(required)
    threshold = int(counts[narrowed(matched)].max(initial=1)) if counts is not None else 0

    def pick(docs: np.ndarray) -> np.ndarray:
        return docs if counts is None else docs & (counts >= threshold)

    selected = pick(narrowed(matched))
    total = int(np.count_nonzero(selected))
    by_type = pick(narrowed(matched, by_type=False))
    by_category = pick(narrowed(matched, by_category=False))
    # a category holds exhibits: without a type filter its count is of exhibits, and the page
    # links it with type=exhibit, so the count is what the link shows
    categories = sets.category_counts(by_category if request.type else by_category & sets.term("type", "exhibit"))
    facets = {
        "category": sorted(categories.items(), key=lambda item: (-item[1], item[0])),
        "type": sets.type_counts(by_type),
    }
    page, per_page = request.paging()
    hits = []
    if total and (page - 1) * per_page < total:
        flat = leaves(query) + ranking.category_leaves(searcher, searched)
        terms: dict[str, set[str]] = {}
        for leaf in flat:
            if isinstance(leaf, Term):
                terms.setdefault(leaf.fieldname, set()).add(leaf.text)
        if ranking.can_rank(searcher, flat):
            ranked = ranking.rank(searcher, cache, flat, selected, page * per_page)
        else:  # a phrase: Whoosh scores it. optimize=False: Whoosh 2.7.4's block-quality
            # skipping can loop forever on unions (whoosh-community/whoosh#446)
            results = searcher.search(Or(flat), filter=set(np.flatnonzero(selected).tolist()),
                                      limit=page * per_page, optimize=False)
            ranked = [(hit.docnum, hit.score) for hit in results]
        hits = [_hit(searcher, sets, docnum, score, terms, request.lang)
                for docnum, score in ranked[(page - 1) * per_page:]]
    return SearchResponse(text, total, hits, facets,
                          _did_you_mean(vocabulary, sets, searched, narrowed),
                          counts is not None and total > 0)


def _hit(searcher, sets: DocSets, docnum: int, score: float | None, terms: dict[str, set[str]],
         lang: str | None = None) -> Hit:
    stored = searcher.stored_fields(docnum)

    def matched(fieldname: str) -> bool:
        return any(sets.has(docnum, fieldname, t) for t in terms[fieldname])

    return Hit(id=stored["id"], type=stored["type"], db_id=stored["db_id"],
               name=stored.get("name"), name_zh=stored.get("name_zh"),
               snippet=snippet(searcher.schema, stored, terms, matched, sets.cache, lang),
               score=float(score or 0.0),
               hall=stored.get("hall"), booth=stored.get("booth"),
               category_slug=stored.get("category_slug"))


def _did_you_mean(vocabulary: Vocabulary, sets: DocSets, text: str, narrowed) -> str | None:
    fix = corrected(vocabulary, text)
    if not fix or fix.casefold() == text.casefold():
        return None
    found = units(vocabulary, fix)
    return fix if found and narrowed(sets.of(strict_query(found))).any() else None


# --- Name completion ------------------------------------------------------------------------

MAX_PREFIX_CHARS = 64
MAX_SUGGESTIONS = 50


def run_suggest(searcher, prefix: str, limit: int) -> list[Suggestion]:
    """Names whose start (rank 0) or a later word (rank 1) completes prefix; shorter first."""
    prefix, limit = normalise(prefix), min(limit, MAX_SUGGESTIONS)
    if not prefix or len(prefix) > MAX_PREFIX_CHARS or limit < 1:
        return []
    reader = searcher.reader()
    variants = sorted({prefix, prefix.replace(" ", "")})
    cap = max(limit * 5, 50)
    found: dict[int, tuple[int, str]] = {}
    for rank in (0, 1):
        for lang in ("e", "z"):
            for variant in variants:
                for btext in reader.expand_prefix("suggest", f"{rank}{lang}|{variant}"):
                    for docnum in reader.postings("suggest", btext).all_ids():
                        found.setdefault(docnum, (rank, lang))
                    if len(found) >= cap * (rank + 1):
                        break
        if len(found) >= limit:
            break
    suggestions = []
    # "lid" read as pinyin is li + d(ian): below names with the words it starts ("LiDAR")
    mixed = not whole_syllables(prefix.replace(" ", ""))
    for docnum, (rank, lang) in found.items():
        stored = searcher.stored_fields(docnum)
        shown = stored.get("name") if lang == "e" else stored.get("name_zh")
        shown = shown or stored.get("name") or stored.get("name_zh")
        if shown and stored.get("type") in TYPES:
            by_initials = mixed and lang == "z" and prefix not in normalise(shown)
            suggestions.append((by_initials, rank, len(shown), shown.casefold(), docnum,
                                Suggestion(shown, stored["type"], stored["db_id"])))
    suggestions.sort(key=lambda s: s[:5])
    return [s[-1] for s in suggestions[:limit]]

