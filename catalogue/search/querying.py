"""From the visitor's text to results: requests and responses, queries (never Whoosh query
syntax), partial-match fallback, facets, spelling suggestions, snippets and name completion."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from bisect import bisect_left
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from whoosh import highlight
from whoosh.analysis import STOP_WORDS, Token
from whoosh.automata.lev import levenshtein_automaton
from whoosh.query import And, AndMaybe, Or, Phrase, Query, Term
from whoosh.support.levenshtein import distance

from . import ranking
from .analysis import (
    CODE_BOOST,
    GRAM_BOOSTS,
    PINYIN_BOOSTS,
    TEXT_BOOSTS,
    bigrams,
    clean,
    code_key,
    is_cjk,
    normalise,
    runs,
    schema_dict_id,
    segment,
    segmenter,
)

MAX_QUERY_CHARS = 500
SNIPPET_CHARS = 200
# Typo forgiveness applies to the fields a visitor types in English, at a discount.
FUZZY_BOOSTS = {"name": 2.0, "name_zh": 2.0, "tags": 1.2, "enterprise_name": 1.0,
                "category_names": 0.6, "description": 0.4}
# Chinese misspellings are looked up among the words of these fields (see Vocabulary.similar_cjk).
CJK_SPELL_FIELDS = ("name_zh", "tags", "category_names")
MAX_CJK_SPELL_CHARS = 12
MAX_CJK_SPELL_WORDS = 4
CHINESE_STOP_WORDS = frozenset("的了和与及或是在等之其")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u300c": '"', "\u300d": '"'})
_CHUNK = re.compile(r'"([^"]*)"|([^\s"]+)')
_PINYIN = re.compile(r"[a-z]+")
TYPES = ("exhibit", "enterprise")
MAX_PER_PAGE = 500
MAX_UNITS = 20
MAX_EXPANSIONS = 12
MAX_ANALYSED = 2000  # descriptions whose analysis is kept for the highlighter
MAX_SET_DOCUMENTS = 1_000_000  # document numbers kept in DocSets' sets, all terms together


class InvalidQuery(Exception):
    """A query the visitor must change (the message is meant for them)."""


@dataclass
class SearchRequest:
    """What the visitor asked: free text, optional filters (category matches sub-categories)."""

    text: str
    type: str | None = None
    category: str | None = None
    hall: str | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class Hit:
    """One result; snippet is escaped HTML whose only markup is <mark>."""

    id: str
    type: str
    db_id: int
    name: str | None
    name_zh: str | None
    snippet: str
    score: float
    hall: str | None
    booth: str | None
    category_slug: str | None


@dataclass
class SearchResponse:
    """A page of results. facets: {"category": [(slug, count)] by count, counting a document
    under its category and every ancestor (so a count equals what that filter would give);
    "type": [("exhibit", n), ("enterprise", m)]}. Each facet ignores its own filter. partial:
    no document had every word, these have the most of them."""

    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    did_you_mean: str | None = None
    partial: bool = False


@dataclass
class Suggestion:
    """A name completing a prefix (in the language, or the pinyin, that matched)."""

    text: str
    type: str
    db_id: int


def empty_response(query: str) -> SearchResponse:
    return SearchResponse(query, 0, [], {"category": [], "type": [(t, 0) for t in TYPES]})


def validate(request: SearchRequest) -> str:
    """The normalised query text; raises InvalidQuery for what no search could answer."""
    if not isinstance(request.text, str):
        raise InvalidQuery("The query must be text.")
    if len(request.text) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"The query is too long (at most {MAX_QUERY_CHARS} characters).")
    if request.type not in (None, *TYPES):
        raise InvalidQuery(f"Unknown type {request.type!r}: use exhibit or enterprise.")
    return normalise_query(request.text)


@dataclass
class Unit:
    """One thing the visitor asked for (a word, a CJK run, a phrase or a code) and its query.
    parts: what the partial-match fallback counts instead of query (a CJK run: each of its words;
    none: the query itself)."""

    query: Query
    optional: bool = False
    parts: list[Query] | None = None


def normalise_query(text: str) -> str:
    return unicodedata.normalize("NFKC", clean(text)).translate(_QUOTES).strip()


def max_edits(word: str) -> int:
    """Typos forgiven in a word, counted in characters: 1 from 4 letters, 2 from 8."""
    if not word.isalpha() or len(word) < 4:
        return 0
    return 2 if len(word) >= 8 else 1


class Vocabulary:
    """The open index's words: analysis with its analyzers, and nearby spellings (cached until
    the searcher is reopened)."""

    def __init__(self, searcher, cache: dict):
        self.searcher, self.reader, self.schema = searcher, searcher.reader(), searcher.schema
        self.cache = cache

    def analyse(self, text: str) -> list[str]:
        return [t.text for t in self.schema["name"].analyzer(text, mode="query")]

    def known(self, word: str) -> bool:
        folded = word.casefold()
        if ("spell", folded) in self.reader or any((f, folded) in self.reader for f in PINYIN_BOOSTS):
            return True
        return any((f, t) in self.reader for t in self.analyse(word) for f in TEXT_BOOSTS)

    def similar(self, word: str) -> list[str]:
        """Indexed words within max_edits(word) of word (same first letter), nearest and most
        frequent first."""
        folded = word.casefold()
        key = ("similar", folded)
        if key not in self.cache:
            found = []
            if max_edits(word):
                words = self.within("spell", folded, max_edits(word))
                # the automaton counts swapped neighbours as two edits: look those up exactly
                words.update(w for w in _swaps(folded) if ("spell", w) in self.reader)
                found = sorted((distance(folded, w), -self.reader.doc_frequency("spell", w), w)
                               for w in words if w != folded)
            self.cache[key] = [w for _d, _f, w in found[:MAX_EXPANSIONS]]
        return self.cache[key]

    def within(self, fieldname: str, text: str, edits: int) -> set[str]:
        """The field's words within `edits` of text, with its first letter: Whoosh's own
        terms_within walk (a Levenshtein DFA), over the field's word list held in memory (cached
        until reopened) rather than a binary search in the term file for every step."""
        key = ("lexicon", fieldname)
        if key not in self.cache:
            self.cache[key] = [t for t in self.reader.field_terms(fieldname) if isinstance(t, str)]
        words, found = self.cache[key], set()
        dfa = levenshtein_automaton(text, edits, 1).to_dfa()
        match = dfa.next_valid_string(words[0]) if words else None
        while match:
            i = bisect_left(words, match)
            if i == len(words):
                break
            if words[i] == match:
                found.add(match)
                match = dfa.next_valid_string(match + "\0")
            else:
                match = dfa.next_valid_string(words[i])
        return found

    def is_code(self, text: str) -> str | None:
        """The indexed form of text if it is a code (exhibit code, booth, credit code)."""
        key = code_key(text)
        return key if key and ("codes", key) in self.reader else None

    def cut(self, run: str) -> tuple[tuple[str, int, int], ...]:
        """The precise jieba cut of a CJK run, with offsets (what the query analyzer gives)."""
        return segment(run, schema_dict_id(self.schema), False)

    def known_cjk(self, run: str) -> bool:
        """Every word of the CJK run is indexed in a text field, or every bigram in a gram field
        (a run that is not known matches nothing)."""
        words = [w for w in self.analyse(run) if w not in CHINESE_STOP_WORDS]
        if all(any((f, w) in self.reader for f in TEXT_BOOSTS) for w in words):
            return True
        return any(all((f, g) in self.reader for g in bigrams(run)) for f in GRAM_BOOSTS)

    def similar_cjk(self, word: str) -> list[str]:
        """Indexed Chinese words (of names, tags, category names) as long as word and one
        character different, most frequent first: any character but the first (a Levenshtein
        automaton, as for Latin words), or the first replaced by a homophone (what a pinyin input
        method mistypes). Cached until the searcher is reopened."""
        key = ("similar_cjk", word)
        if key not in self.cache:
            found: set[str] = set()
            fieldnames = [f for f in CJK_SPELL_FIELDS if f in self.schema]  # an older index
            if 2 <= len(word) <= MAX_CJK_SPELL_CHARS and is_cjk(word):
                for fieldname in fieldnames:
                    for leaf, _base in self.reader.leaf_readers():
                        found.update(w for w in leaf.terms_within(fieldname, word, 1, prefix=1)
                                     if len(w) == len(word) and is_cjk(w))
                words = segmenter(schema_dict_id(self.schema)).FREQ
                for char in homophones(word[0]):
                    candidate = char + word[1:]
                    if words.get(candidate) and any((f, candidate) in self.reader for f in fieldnames):
                        found.add(candidate)
                found.discard(word)
            ranked = sorted(found, key=lambda w: (
                -sum(self.reader.doc_frequency(f, w) for f in fieldnames), w))
            self.cache[key] = ranked[:MAX_EXPANSIONS]
        return self.cache[key]


def _swaps(word: str) -> set[str]:
    """word with two neighbouring letters swapped, each way it can be (one Damerau edit)."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:]
            for i in range(len(word) - 1) if word[i] != word[i + 1]}


@functools.lru_cache(maxsize=1)
def _characters_by_syllable() -> dict[str, str]:
    """Common ideographs (the basic block) by their toneless pinyin syllables."""
    from pypinyin.pinyin_dict import pinyin_dict

    found: dict[str, list[str]] = {}
    for code, readings in pinyin_dict.items():
        if 0x4E00 <= code <= 0x9FFF:
            for syllable in {_toneless(r) for r in readings.split(",")}:
                found.setdefault(syllable, []).append(chr(code))
    return {syllable: "".join(chars) for syllable, chars in found.items()}


def _toneless(reading: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", reading) if c.isascii())


@functools.lru_cache(maxsize=4096)
def homophones(char: str) -> str:
    """The ideographs sharing a (toneless) pinyin reading with char, char included."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = pinyin_dict.get(ord(char), "")
    by_syllable = _characters_by_syllable()
    return "".join(sorted({c for r in readings.split(",") if r
                           for c in by_syllable.get(_toneless(r), "")}))


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
    for match in _CHUNK.finditer(text):
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


def corrected(vocabulary: Vocabulary, text: str) -> str | None:
    """text with each word missing from the index replaced by its nearest indexed word (a CJK
    run: by the nearest indexed word as long, else each of its unknown words so); codes are
    left alone."""
    if any(c.isspace() for c in text) and vocabulary.is_code(text):
        return None
    codes = [m.span() for m in _CHUNK.finditer(text) if vocabulary.is_code(m.group(1) or m.group(2) or "")]
    out, last = [], 0
    for word, start, end, cjk in runs(text):
        if any(s <= start < e for s, e in codes):
            continue
        if cjk:
            fix = _cjk_correction(vocabulary, word)
        elif max_edits(word) and not vocabulary.known(word):
            fix = next(iter(vocabulary.similar(word)), None)
        else:
            fix = None
        if fix:
            out += [text[last:start], fix]
            last = end
    return "".join(out) + text[last:] if out else None


def _cjk_correction(vocabulary: Vocabulary, run: str) -> str | None:
    if vocabulary.known_cjk(run):
        return None
    nearest = vocabulary.similar_cjk(run)
    if nearest:
        return nearest[0]
    out, last, tried = [], 0, 0
    for word, start, end in vocabulary.cut(run):
        if start < last or len(word) < 2 or tried >= MAX_CJK_SPELL_WORDS:
            continue
        if any((f, word) in vocabulary.reader for f in TEXT_BOOSTS):
            continue
        tried += 1
        fix = next(iter(vocabulary.similar_cjk(word)), None)
        if fix:
            out += [run[last:start], fix]
            last = end
    return "".join(out) + run[last:] if out else None


# --- Snippets -------------------------------------------------------------------------------


class MarkFormatter(highlight.HtmlFormatter):
    """Escaped text with matches in a bare <mark>; an ellipsis where the fragment is cut."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self):
        super().__init__(tagname="mark", between="\u2026")

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_fragment(self, fragment, replace=False):
        body = super().format_fragment(fragment, replace)
        before = "\u2026" if fragment.startchar > 0 else ""
        after = "\u2026" if fragment.endchar < len(fragment.text) else ""
        return before + body + after


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text, quote=False)
    return html.escape(text[:SNIPPET_CHARS].rstrip(), quote=False) + "\u2026"


def snippet(schema, stored: dict, terms: dict[str, set[str]], matched=None,
            cache: dict | None = None) -> str:
    """A highlighted extract of the description with the most matches (else the first one).
    matched(fieldname), if given, says whether the document has any of the terms there (known
    from the postings: the highlighter is only run where it will mark something); cache, if
    given, keeps the analysis of the texts highlighted lately."""
    texts = [(f, stored.get(f) or "") for f in ("description", "description_zh")]
    best = ""
    for fieldname, text in texts:
        if text and terms.get(fieldname) and (matched is None or matched(fieldname)):
            fragmenter = highlight.ContextFragmenter(maxchars=150, surround=50)
            # highlight.highlight(text, terms, analyzer, fragmenter, MarkFormatter(), top=1,
            # mode="index"), with the tokens replayed from the cache, and of equally good
            # fragments the first (Whoosh's top_fragments breaks ties by memory address)
            tokens = highlight.set_matched_filter(_analysed(schema, cache, fieldname, text),
                                                  frozenset(terms[fieldname]))
            scorer = highlight.BasicFragmentScorer()
            top = max(fragmenter.fragment_tokens(text, tokens), key=scorer, default=None)
            marked = MarkFormatter()(text, [top] if top is not None and scorer(top) >= 1 else [])
            if marked.count("<mark>") > best.count("<mark>"):
                best = marked
    return best or _shorten(next((t for _f, t in texts if t), ""))


def _analysed(schema, cache: dict | None, fieldname: str, text: str):
    """The field analyzer's tokens of text (index mode, with characters), from the cache of the
    last MAX_ANALYSED texts when there; one Token object, reset for each token, as analyzers do."""
    store = cache.setdefault("analysed", OrderedDict()) if cache is not None else OrderedDict()
    key = (fieldname, text)
    found = store.get(key)
    if found is None:
        found = tuple((t.text, t.startchar, t.endchar) for t in schema[fieldname].analyzer(
            text, chars=True, mode="index", removestops=False))
        store[key] = found
        while len(store) > MAX_ANALYSED:
            store.popitem(last=False)
    else:
        store.move_to_end(key)
    token = Token(positions=False, chars=True, removestops=False, mode="index")
    for word, start, end in found:
        token.text, token.startchar, token.endchar = word, start, end
        token.boost, token.stopped = 1.0, False
        yield token


# --- Running a search -----------------------------------------------------------------------


class DocSets:
    """Sets of document numbers per term and per query, for the open reader (cached until it is
    reopened). Set algebra is much faster than Whoosh's matchers for knowing *which* documents
    match; ranking.rank then only scores those."""

    def __init__(self, searcher, cache: dict):
        self.searcher, self.reader, self.cache = searcher, searcher.reader(), cache

    def term(self, fieldname: str, value: str) -> set[int]:
        """The documents with the term (the most recently used sets are kept, MAX_SET_DOCUMENTS
        documents in all, about 60 bytes each; the rest is rebuilt from the cached postings)."""
        value = clean(value)
        store: OrderedDict = self.cache.setdefault("termsets", OrderedDict())
        key = (fieldname, value)
        found = store.get(key)
        if found is not None:
            store.move_to_end(key)
            return found
        found = set(ranking.postings(self.searcher, self.cache, fieldname, value)[0])
        size = self.cache.get("termsets_size", 0) + len(found)
        while store and size > MAX_SET_DOCUMENTS:
            size -= len(store.popitem(last=False)[1])
        store[key], self.cache["termsets_size"] = found, size
        return found

    def ids(self, fieldname: str, value: str):
        """The documents with the term, as the array of the cached postings."""
        return ranking.postings(self.searcher, self.cache, fieldname, clean(value))[0]

    def of(self, query: Query) -> set[int]:
        if isinstance(query, Term):
            return self.term(query.fieldname, query.text)
        if isinstance(query, Or):  # a term's sorted document numbers do as well as its set here
            return set().union(*(self.ids(q.fieldname, q.text) if isinstance(q, Term) else self.of(q)
                                 for q in query.subqueries))
        if isinstance(query, And):
            docs = set(self.of(query.subqueries[0]))
            for sub in query.subqueries[1:]:
                docs &= self.of(sub) if docs else set()
            return docs
        if isinstance(query, AndMaybe):
            return set(self.of(query.a))
        return set(self.searcher.docs_for_query(query))  # phrases

    def type_counts(self, docs: set[int]) -> list[tuple[str, int]]:
        """[(type, how many of docs have it)] for TYPES. The most common type is counted as what
        the others and the untyped documents (the marker) leave: a set intersection less."""
        typed = {t: self.term("type", t) for t in TYPES}
        if "untyped" not in self.cache:
            self.cache["untyped"] = set(range(self.reader.doc_count_all())).difference(*typed.values())
        common = max(TYPES, key=lambda t: len(typed[t]))
        counts = {t: len(docs & typed[t]) for t in TYPES if t != common}
        counts[common] = len(docs) - sum(counts.values()) - len(docs & self.cache["untyped"])
        return [(t, counts[t]) for t in TYPES]

    def category_counts(self, docs: set[int]) -> Counter:
        """How many of docs are under each category (a document counts for every ancestor):
        one C-level set intersection per category."""
        if "slugs" not in self.cache:  # merging the segments' word lists costs, so once
            self.cache["slugs"] = [b.decode("utf-8") for b in self.reader.lexicon("category_slugs")]
        counts = Counter()
        for slug in self.cache["slugs"]:
            count = len(docs & self.term("category_slugs", slug))
            if count:
                counts[slug] = count
        return counts


def leaves(query: Query, boost: float = 1.0) -> list[Query]:
    """The terms and phrases of a query, boosts multiplied down: as one flat Or they score a
    document like the nested query does, and Whoosh scores a flat Or far faster."""
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
    found = units(vocabulary, text)
    if not found:
        return empty_response(text)

    def narrowed(docs: set[int], by_type: bool = True, by_category: bool = True) -> set[int]:
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
    counts: Counter | None = None
    if not narrowed(matched) and len(required) > 1:
        # No document has every word: fall back to those that have the most of them. Every set
        # below keeps the documents with at least as many words as the best filtered result,
        # so the facets still add up to what their filters would show.
        counts = Counter(d for q in required for d in sets.of(q))
        matched, query = set(counts), Or(required)
    threshold = max([counts[d] for d in narrowed(matched)] + [1]) if counts else 0

    def pick(docs: set[int]) -> set[int]:
        return docs if counts is None else {d for d in docs if counts[d] >= threshold}

    selected = pick(narrowed(matched))
    by_type = pick(narrowed(matched, by_type=False))
    by_category = pick(narrowed(matched, by_category=False))
    categories = sets.category_counts(by_category)
    facets = {
        "category": sorted(categories.items(), key=lambda item: (-item[1], item[0])),
        "type": sets.type_counts(by_type),
    }
    page = max(1, int(request.page))
    per_page = min(max(1, int(request.per_page)), MAX_PER_PAGE)
    hits = []
    if selected and (page - 1) * per_page < len(selected):
        flat = leaves(query)
        terms: dict[str, set[str]] = {}
        for leaf in flat:
            if isinstance(leaf, Term):
                terms.setdefault(leaf.fieldname, set()).add(leaf.text)
        if ranking.can_rank(searcher, flat):
            ranked = ranking.rank(searcher, cache, flat, selected, page * per_page)
        else:  # a phrase: Whoosh scores it. optimize=False: Whoosh 2.7.4's block-quality
            # skipping can loop forever on unions (whoosh-community/whoosh#446)
            results = searcher.search(Or(flat), filter=selected, limit=page * per_page,
                                      optimize=False)
            ranked = [(hit.docnum, hit.score) for hit in results]
        hits = [_hit(searcher, sets, docnum, score, terms) for docnum, score in ranked[(page - 1) * per_page:]]
    return SearchResponse(text, len(selected), hits, facets,
                          _did_you_mean(vocabulary, sets, text, narrowed),
                          counts is not None and bool(selected))


def _hit(searcher, sets: DocSets, docnum: int, score: float | None, terms: dict[str, set[str]]) -> Hit:
    stored = searcher.stored_fields(docnum)

    def matched(fieldname: str) -> bool:
        return any(docnum in sets.term(fieldname, t) for t in terms[fieldname])

    return Hit(id=stored["id"], type=stored["type"], db_id=stored["db_id"],
               name=stored.get("name"), name_zh=stored.get("name_zh"),
               snippet=snippet(searcher.schema, stored, terms, matched, sets.cache),
               score=float(score or 0.0),
               hall=stored.get("hall"), booth=stored.get("booth"),
               category_slug=stored.get("category_slug"))


def _did_you_mean(vocabulary: Vocabulary, sets: DocSets, text: str, narrowed) -> str | None:
    fix = corrected(vocabulary, text)
    if not fix or fix.casefold() == text.casefold():
        return None
    found = units(vocabulary, fix)
    return fix if found and narrowed(sets.of(strict_query(found))) else None


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
    for docnum, (rank, lang) in found.items():
        stored = searcher.stored_fields(docnum)
        shown = stored.get("name") if lang == "e" else stored.get("name_zh")
        shown = shown or stored.get("name") or stored.get("name_zh")
        if shown and stored.get("type") in TYPES:
            suggestions.append((rank, len(shown), shown.casefold(), docnum,
                                Suggestion(shown, stored["type"], stored["db_id"])))
    suggestions.sort(key=lambda s: s[:4])
    return [s[-1] for s in suggestions[:limit]]
