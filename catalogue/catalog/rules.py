"""Pure rules for catalogue values: text characters, name keys, slugs, credit codes, websites, tags,
category lineage, and spreadsheet-safe cells."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable
from typing import TypeVar
from urllib.parse import urlsplit

from catalogue.messages import N_

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
TAG_SEPARATORS = re.compile(r"[,，、;；]")
PATH_SEPARATORS = re.compile(r"\s*[>›»]\s*")

# Characters no stored text may hold: C0 and C1 controls (tab, newline and carriage return are
# whitespace, handled below), lone surrogates and the non-characters U+FFFE/U+FFFF, which XML
# (hence XLSX) cannot carry and PostgreSQL text refuses (NUL).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LINE_BREAKS = re.compile(r"\r\n?")
FOLD = re.compile(r"\s*[\t\n\r]\s*")
FORMULA_STARTS = frozenset("=+-@")  # and their full-width and small forms, see formula_start()

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def has_cjk(text: str) -> bool:
    """True when text contains a Chinese character."""
    return bool(CJK.search(text))


def control_character(text: str) -> str | None:
    """The first character of text that no stored text may hold (see CONTROL), or None."""
    found = CONTROL.search(text)
    return found.group() if found else None


def tidy_text(text: str, multiline: bool = False) -> str:
    """Text as stored: forbidden characters removed; line breaks kept (as \\n) only when multiline.

    Multi-line text (descriptions) keeps newlines and tabs; any other text has every tab and line
    break, with the spaces around it, folded into one space."""
    text = CONTROL.sub("", text)
    return LINE_BREAKS.sub("\n", text) if multiline else FOLD.sub(" ", text)


def query_text(text: str) -> str:
    """A query-string value with every control character (tab and newline too) made a space."""
    return CONTROL.sub(" ", text).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def formula_start(text: str) -> bool:
    """True when a spreadsheet would read text as a formula: it starts with = + - @ in any width, tab or CR."""
    if not text:
        return False
    first = text[0]
    return first in "\t\r" or unicodedata.normalize("NFKC", first) in FORMULA_STARTS


def name_key(name: str | None) -> str | None:
    """The matching key of a name: full-width folded, case-folded, punctuation and spaces dropped."""
    if not name:
        return None
    text = unicodedata.normalize("NFKC", name).casefold()
    key = "".join(ch for ch in text if ch.isalnum())
    return key or None


def slugify(text: str) -> str:
    """An ASCII slug; Chinese is spelled in pinyin."""
    text = unicodedata.normalize("NFKC", text)
    if has_cjk(text):
        # imported here: a process that only searches never loads pypinyin's 40 MB of phrases
        from pypinyin import lazy_pinyin

        text = " ".join(lazy_pinyin(text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:80] or "category"


def split_path(text: str) -> list[str]:
    """Split a category path like '集成电路 > 芯片' into its names."""
    return [part.strip() for part in PATH_SEPARATORS.split(text) if part.strip()]


def split_tags(text: str) -> list[str]:
    """Split a tag cell on , ， 、 ; ；, dropping blanks and repeats (case-insensitively)."""
    tags: list[str] = []
    seen: set[str] = set()
    for part in TAG_SEPARATORS.split(text):
        tag = " ".join(part.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def credit_code_problem(code: str) -> str | None:
    """Why code is not a valid unified social credit code (GB 32100-2015), or None."""
    if len(code) != 18:
        return N_("must be 18 characters long, not %(length)s", length=len(code))
    bad = sorted({ch for ch in code if ch not in CREDIT_ALPHABET})
    if bad:
        return N_("contains %(chars)s, which no credit code uses (I, O, S, V, Z are never used)",
                  chars=", ".join(repr(ch) for ch in bad))
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(code, CREDIT_WEIGHTS, strict=False))
    expected = CREDIT_ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        return N_("has a wrong check digit: the last character should be %(expected)s, not %(found)s",
                  expected=expected, found=code[17])
    return None


def normalise_credit_code(code: str) -> str:
    """Upper-case and remove spaces and full-width forms."""
    return "".join(unicodedata.normalize("NFKC", code).upper().split())


def website_problem(url: str) -> str | None:
    """Why url cannot be stored as a website, or None."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"}:
        return N_("must be an http:// or https:// address")
    if not parts.hostname or "." not in parts.hostname:
        return N_("has no valid host name")
    return None


def normalise_website(url: str) -> str:
    """Add http:// to a bare host name such as www.example.cn."""
    url = url.strip()
    if re.match(r"^[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}(/|$)", url):
        return "http://" + url
    return url


N = TypeVar("N", bound=Hashable)


def lineage(node: N, parent_of: Callable[[N], N | None]) -> list[N]:
    """The node and every node above it, root first (a cycle in damaged data ends the walk)."""
    nodes: list[N] = []
    seen: set = set()
    while node is not None and node not in seen:
        seen.add(node)
        nodes.append(node)
        node = parent_of(node)
    return nodes[::-1]


def neutralise(text: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula (= + - @, full-width ＝ ＋ － ＠ too) with '.

    The importer removes exactly that prefix again (see formula_start)."""
    return "'" + text if formula_start(text) else text
