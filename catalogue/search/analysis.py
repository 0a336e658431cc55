"""Text analysis for the catalogue index: mixed Chinese/English tokenizers, pinyin and the schema."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from whoosh import fields
from whoosh.analysis import RegexTokenizer, StemFilter, Token, Tokenizer

from catalogue.search.simplify import simplified

# Every CJK range we segment as Chinese: ideographs (URO, extensions A-G, compatibility), the
# iteration/zero marks, and Japanese kana (no spaces between words either).
CJK = (
    "\u3005\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f\U0002f800-\U0002fa1f"
)
CJK_RUN = re.compile(f"[{CJK}]+")
WORD = re.compile(r"[^\W_]+")
_SPLIT = re.compile(f"([{CJK}]+)")
_CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACES = re.compile(r"\s+")

USERDICT_FILE = "userdict.txt"
_JIEBA_CACHE = os.path.join(tempfile.gettempdir(), "catalogue-jieba")
_MAX_SEGMENTERS = 3


def clean(text: str) -> str:
    """Text with control characters and lone surrogates replaced by spaces."""
    return _CONTROL_OR_SURROGATE.sub(" ", text)


def normalise(text: str) -> str:
    """NFKC, case-folded, cleaned, whitespace collapsed: the form used for keys and prefixes."""
    text = unicodedata.normalize("NFKC", clean(text)).casefold()
    return _SPACES.sub(" ", text).strip()


def is_cjk(text: str) -> bool:
    return bool(CJK_RUN.fullmatch(text))


def runs(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """(run, start, end, is_cjk) for each word: Latin/digit runs and CJK runs, split apart."""
    for match in WORD.finditer(text):
        offset = match.start()
        for piece in _SPLIT.split(match.group()):
            if piece:
                yield piece, offset, offset + len(piece), is_cjk(piece)
                offset += len(piece)


# --- Chinese segmentation -------------------------------------------------------------------

_segmenters: OrderedDict[str | None, object] = OrderedDict()
_userdicts: dict[str, str] = {}
_lock = threading.Lock()


def _import_jieba():
    """jieba, imported without pkg_resources: jieba 0.42 imports it (6 MB and 0.1 s, deprecated) only
    to open its own data files, and opens them by path when it is missing. Hiding it for the length of
    this import changes nothing for anyone else (sys.modules is put back)."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    hidden = "pkg_resources" not in sys.modules
    if hidden:
        sys.modules["pkg_resources"] = None  # an import of it raises ImportError
    try:
        import jieba
    finally:
        if hidden:
            del sys.modules["pkg_resources"]
    return jieba


def _new_segmenter(base=None):
    """A jieba tokenizer: the plain dictionary, or (base given) a copy of base's, to which a user
    dictionary is then added. The copy is a new table over the same word and count objects (a C-level
    dict copy), about a third of the memory of loading the dictionary again."""
    jieba = _import_jieba()

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    os.makedirs(_JIEBA_CACHE, exist_ok=True)
    segmenter.tmp_dir = _JIEBA_CACHE
    if base is None:
        try:  # what initialize() loads from jieba's own cache of its dictionary, read in one go:
            # marshal.load() on the open file (as jieba does) reads it object by object, 0.5 s slower
            with open(os.path.join(_JIEBA_CACHE, "jieba.cache"), "rb") as cache:
                segmenter.FREQ, segmenter.total = marshal.loads(cache.read())
            segmenter.initialized = True
        except (OSError, EOFError, ValueError, TypeError):  # none yet (or damaged): jieba makes it
            segmenter.initialize()
    else:  # what initialize() sets, taken from base (jieba 0.42)
        segmenter.FREQ, segmenter.total, segmenter.initialized = dict(base.FREQ), base.total, True
    return segmenter


def segmenter(dict_id: str | None = None):
    """The jieba tokenizer for a user dictionary (None: the plain dictionary), created lazily."""
    with _lock:
        if dict_id not in _userdicts:
            dict_id = None
        if dict_id in _segmenters:
            _segmenters.move_to_end(dict_id)
            return _segmenters[dict_id]
        if None not in _segmenters:
            _segmenters[None] = _new_segmenter()
            if dict_id is None:
                return _segmenters[None]
        seg = _new_segmenter(_segmenters[None])
        with contextlib.suppress(FileNotFoundError), open(_userdicts[dict_id], "rb") as words:
            seg.load_userdict(words)
        _segmenters[dict_id] = seg
        while len(_segmenters) > _MAX_SEGMENTERS:  # the plain one stays: the others are made from it
            del _segmenters[next(k for k in _segmenters if k is not None)]
        return seg


def register_userdict(directory: str) -> str | None:
    """Make the user dictionary saved in directory known; returns its id (None if there is none)."""
    path = os.path.join(directory, USERDICT_FILE)
    try:
        with open(path, "rb") as f:
            content = f.read()
    except FileNotFoundError:
        return None
    dict_id = hashlib.sha1(content).hexdigest()[:16]
    with _lock:
        _userdicts[dict_id] = path  # the newest copy: older generations get removed
    return dict_id


def write_userdict(directory: str, words: Iterable[str]) -> str | None:
    """Save the CJK runs of words as a jieba user dictionary in directory; returns its id."""
    base = segmenter(None)
    entries: dict[str, int] = {}
    for word in words:
        for run in CJK_RUN.findall(normalise(word or "")):
            run = simplified(run)
            if 2 <= len(run) <= 30 and run not in entries:
                entries[run] = max(int(base.suggest_freq(run, False)), 3)
    if not entries:
        return None
    lines = "".join(f"{word} {freq}\n" for word, freq in sorted(entries.items()))
    with open(os.path.join(directory, USERDICT_FILE), "w", encoding="utf-8") as f:
        f.write(lines)
    return register_userdict(directory)


@functools.lru_cache(maxsize=20_000)
def segment(run: str, dict_id: str | None, search: bool) -> tuple[tuple[str, int, int], ...]:
    """jieba words of a CJK run with offsets, in text order: the precise cut, or (search) also
    every dictionary word inside a longer word (jieba itself only adds 2- and 3-character ones).
    Traditional characters are read as simplified (OpenCC t2s keeps the offsets), so 機器人 is
    indexed and searched as 机器人."""
    seg = segmenter(dict_id)
    run = simplified(run)
    found = {(w, s, e) for w, s, e in seg.tokenize(run, mode="search" if search else "default")
             if w.strip() and run[s:e] == w}
    if search:
        for _word, start, end in [t for t in found if t[2] - t[1] > 4]:
            for size in range(4, end - start):
                for i in range(start, end - size + 1):
                    if seg.FREQ.get(run[i:i + size]):
                        found.add((run[i:i + size], i, i + size))
    return tuple(sorted(found, key=lambda t: (t[1], -t[2])))


# --- Whoosh tokenizers (picklable: plain attributes only) ------------------------------------


def _token(token, text, start, end, pos, positions, chars, start_char):
    """token (one Token reused for every token of a value, as Whoosh's own tokenizers do) set
    to the next word."""
    token.text = text
    token.boost = 1.0
    token.stopped = False
    if positions:
        token.pos = pos
    if chars:
        token.startchar = start_char + start
        token.endchar = start_char + end
    return token


class MixedTokenizer(Tokenizer):
    """Latin/digit runs (NFKC, case-folded) and jieba words of CJK runs, in text order.

    Indexing uses jieba's search mode (every sub-word); queries (mode="query") the precise cut.
    """

    def __init__(self, dict_id: str | None = None, cjk: bool = True):
        self.dict_id = dict_id
        self.cjk = cjk

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kw):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kw)
        pos = start_pos
        for run, start, end, cjk in runs(clean(value)):
            if not cjk:
                text = unicodedata.normalize("NFKC", run).casefold()
                yield _token(token, text, start, end, pos, positions, chars, start_char)
                pos += 1
            elif self.cjk:
                for word, s, e in segment(run, self.dict_id, search=mode != "query"):
                    yield _token(token, word, start + s, start + e, pos, positions, chars, start_char)
                    pos += 1


class CjkGramTokenizer(Tokenizer):
    """Single characters and character bigrams of CJK runs (so abbreviations still match)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kw):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kw)
        pos = start_pos
        for run, start, _end, cjk in runs(clean(value)):
            if not cjk:
                continue
            for text, s in cjk_grams(simplified(run)):
                yield _token(token, text, start + s, start + s + len(text), pos, positions, chars,
                             start_char)
                pos += 1


def cjk_grams(run: str) -> list[tuple[str, int]]:
    """(gram, offset) for every character and every pair of neighbours in a CJK run."""
    grams = []
    for i, char in enumerate(run):
        grams.append((char, i))
        if i + 1 < len(run):
            grams.append((run[i:i + 2], i))
    return grams


def bigrams(run: str) -> list[str]:
    """What a query run must contain in the gram fields: its bigrams (or the single character)."""
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


# --- Pinyin ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=100_000)
def char_pinyin(run: str) -> tuple[str, ...]:
    """One lower-case pinyin syllable per character of a CJK run ("" where there is none)."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(run, errors=lambda chars: ["" for _ in chars])
    if len(syllables) != len(run):
        syllables = [lazy_pinyin(c, errors=lambda chars: [""])[0] for c in run]
    return tuple(re.sub("[^a-z]", "", s.lower()) for s in syllables)


def pinyin_terms(text: str, dict_id: str | None) -> tuple[set[str], set[str], set[str]]:
    """(joined, syllables, initials) pinyin terms of the CJK parts of text and of its words."""
    joined, syllables, initials = set(), set(), set()
    for run, _start, _end, cjk in runs(normalise(text)):
        if not cjk:
            continue
        per_char = char_pinyin(run)
        syllables.update(s for s in per_char if s)
        spans = [(0, len(run))] + [(s, e) for _w, s, e in segment(run, dict_id, search=True)]
        for s, e in spans:
            full = "".join(per_char[s:e])
            if full:
                joined.add(full)
            if e - s >= 2:
                initials.add("".join(p[:1] for p in per_char[s:e]))
    return joined, syllables, initials


# --- Schema ---------------------------------------------------------------------------------

# Fields searched with the mixed analyzer, and their weights: an exhibit's own names, tags and
# category names above its enterprise's name and its descriptions; translations (the other
# language, from the glossary and CC-CEDICT: crosslang.py) below direct matches. An enterprise's
# category names are indexed at ENTERPRISE_CATEGORY_BOOST of that.
TEXT_BOOSTS = {
    "name": 5.0, "name_zh": 5.0, "tags": 3.0, "category_names": 3.0, "enterprise_name": 1.0,
    "description": 1.0, "description_zh": 1.0, "translated": 1.5,
}
ENTERPRISE_CATEGORY_BOOST = 0.5
# A code (exhibit code, booth, credit code) typed whole: exact, normalised, and weighted above names.
CODE_BOOST = 12.0
GRAM_BOOSTS = {"grams": 2.0, "enterprise_grams": 1.0}
# pinyin, initials, syllables: of names; pinyin_more: of tags, category names and the
# enterprise's name (joined and initials) and of the descriptions' words (joined)
PINYIN_BOOSTS = {"pinyin": 2.0, "initials": 1.5, "syllables": 0.5, "pinyin_more": 1.0}
# A query equal to the name of an exhibit's category (or of one above it), case, width and script
# ignored; or equal to two or more of its words in a row (新能源汽车 of 智能网联新能源汽车).
CATEGORY_LABEL_BOOST = 40.0
CATEGORY_PART_BOOST = 40.0


def text_analyzer(dict_id: str | None):
    return MixedTokenizer(dict_id) | StemFilter()


def schema_signature(schema: fields.Schema) -> list[tuple[str, str]]:
    """The fields of a schema and their kinds: an index whose signature differs from
    build_schema's was written by an older version and must be rebuilt."""
    return sorted((name, type(field).__name__) for name, field in schema.items())


def code_key(code: str) -> str:
    """How a code is indexed and looked up: NFKC, case-folded, whitespace collapsed."""
    return normalise(code)


def schema_dict_id(schema: fields.Schema) -> str | None:
    """The user dictionary an index's analyzers were built with."""
    return schema["name"].analyzer[0].dict_id


def build_schema(dict_id: str | None) -> fields.Schema:
    """The index schema; dict_id names the user dictionary its Chinese analyzers load."""
    text = text_analyzer(dict_id)
    keys = RegexTokenizer(r"[^\n]+")
    grams = CjkGramTokenizer()
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        type=fields.ID(stored=True),
        db_id=fields.STORED(),
        fingerprint=fields.STORED(),
        marker=fields.STORED(),
        name=fields.TEXT(analyzer=text, stored=True),
        name_zh=fields.TEXT(analyzer=text, stored=True),
        enterprise_name=fields.TEXT(analyzer=text),
        tags=fields.TEXT(analyzer=text),
        description=fields.TEXT(analyzer=text, stored=True),
        description_zh=fields.TEXT(analyzer=text, stored=True),
        category_names=fields.TEXT(analyzer=text),
        translated=fields.TEXT(analyzer=text),
        category_labels=fields.TEXT(analyzer=keys, phrase=False),
        category_parts=fields.TEXT(analyzer=keys, phrase=False),
        codes=fields.TEXT(analyzer=keys, phrase=False),
        grams=fields.TEXT(analyzer=grams, phrase=False),
        enterprise_grams=fields.TEXT(analyzer=grams, phrase=False),
        pinyin=fields.TEXT(analyzer=keys, phrase=False),
        syllables=fields.TEXT(analyzer=keys, phrase=False),
        initials=fields.TEXT(analyzer=keys, phrase=False),
        pinyin_more=fields.TEXT(analyzer=keys, phrase=False),
        spell=fields.TEXT(analyzer=MixedTokenizer(dict_id, cjk=False), phrase=False),
        suggest=fields.TEXT(analyzer=keys, phrase=False),
        hall=fields.ID(stored=True),
        booth=fields.ID(stored=True),
        category_slugs=fields.KEYWORD(commas=True),
        category_slug=fields.ID(stored=True),
    )
    return schema
