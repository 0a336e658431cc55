"""Spelling: the index's own words as a vocabulary, typo distances, Chinese homophones, and the
"Did you mean" correction of a whole query."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import unicodedata
from bisect import bisect_left

from whoosh.automata.lev import levenshtein_automaton
from whoosh.support.levenshtein import distance

from catalogue.search.analysis import (
    GRAM_BOOSTS,
    PINYIN_BOOSTS,
    TEXT_BOOSTS,
    bigrams,
    code_key,
    is_cjk,
    runs,
    schema_dict_id,
    segment,
    segmenter,
)

# Chinese misspellings are looked up among the words of these fields (see Vocabulary.similar_cjk).
CJK_SPELL_FIELDS = ("name_zh", "tags", "category_names")
MAX_CJK_SPELL_CHARS = 12
MAX_CJK_SPELL_WORDS = 4
MAX_EXPANSIONS = 12
CHINESE_STOP_WORDS = frozenset("的了和与及或是在等之其")
CHUNK = re.compile(r'"([^"]*)"|([^\s"]+)')  # a quoted phrase, or a run without spaces or quotes


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
def _readings() -> dict[int, str]:
    """pypinyin's readings of each character ("líng,yuán"), by code point. Read from its JSON file:
    importing pypinyin would also load its phrase dictionary (about 40 MB), which searches never use."""
    spec = importlib.util.find_spec("pypinyin")
    path = os.path.join(spec.submodule_search_locations[0], "pinyin_dict.json") if spec else ""
    try:
        with open(path, encoding="utf-8") as f:
            return {int(code): readings for code, readings in json.load(f).items()}
    except OSError:  # another layout: the module has it (with the phrases)
        from pypinyin.pinyin_dict import pinyin_dict

        return pinyin_dict


@functools.lru_cache(maxsize=1)
def _characters_by_syllable() -> dict[str, str]:
    """Common ideographs (the basic block) by their toneless pinyin syllables."""
    pinyin_dict = _readings()
    found: dict[str, list[str]] = {}
    for code, readings in pinyin_dict.items():
        if 0x4E00 <= code <= 0x9FFF:
            for syllable in {_toneless(r) for r in readings.split(",")}:
                found.setdefault(syllable, []).append(chr(code))
    return {syllable: "".join(chars) for syllable, chars in found.items()}


@functools.lru_cache(maxsize=4096)
def whole_syllables(text: str) -> bool:
    """text is pinyin that splits into whole syllables ("xinpian"), not ending in an initial ("lid")."""
    syllables = _characters_by_syllable()
    ends = {0}
    for end in range(1, len(text) + 1):
        if any(end - n in ends and text[end - n:end] in syllables for n in range(1, 7)):
            ends.add(end)
    return len(text) in ends


def _toneless(reading: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", reading) if c.isascii())


@functools.lru_cache(maxsize=4096)
def homophones(char: str) -> str:
    """The ideographs sharing a (toneless) pinyin reading with char, char included."""
    readings = _readings().get(ord(char), "")
    by_syllable = _characters_by_syllable()
    return "".join(sorted({c for r in readings.split(",") if r
                           for c in by_syllable.get(_toneless(r), "")}))


def corrected(vocabulary: Vocabulary, text: str) -> str | None:
    """text with each word missing from the index replaced by its nearest indexed word (a CJK
    run: by the nearest indexed word as long, else each of its unknown words so); codes are
    left alone."""
    if any(c.isspace() for c in text) and vocabulary.is_code(text):
        return None
    codes = [m.span() for m in CHUNK.finditer(text) if vocabulary.is_code(m.group(1) or m.group(2) or "")]
    out, last = [], 0
    for word, start, end, cjk in runs(text):
        if any(s <= start < e for s, e in codes):
            continue
        if cjk:
            fix = _cjk_correction(vocabulary, word)
        elif max_edits(word):
            fix = _spelling(vocabulary, word)
        else:
            fix = None
        if fix:
            out += [text[last:start], fix]
            last = end
    return "".join(out) + text[last:] if out else None


def _spelling(vocabulary: Vocabulary, word: str) -> str | None:
    """The indexed spelling of a mistyped Latin word: its nearest indexed word when the word is
    unknown, or when only its stem is ("managment" stems like "management"), a near word that is
    more than another ending of it ("sensors" is not a typo of "sensor")."""
    if not vocabulary.known(word):
        return next(iter(vocabulary.similar(word)), None)
    folded = word.casefold()
    if ("spell", folded) in vocabulary.reader or any((f, folded) in vocabulary.reader for f in PINYIN_BOOSTS):
        return None
    return next((w for w in vocabulary.similar(word)
                 if len(os.path.commonprefix([folded, w])) < min(len(folded), len(w)) - 1), None)


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


