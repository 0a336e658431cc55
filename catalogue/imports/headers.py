"""Column headers of the exhibitor list (SPEC 6.1): fields, synonyms and export headers."""

from __future__ import annotations

import re
import unicodedata

FIELDS: tuple[str, ...] = (
    "enterprise_name",
    "enterprise_name_zh",
    "credit_code",
    "hall",
    "booth",
    "website",
    "enterprise_description",
    "enterprise_description_zh",
    "exhibit_code",
    "exhibit_name",
    "exhibit_name_zh",
    "category",
    "exhibit_description",
    "exhibit_description_zh",
    "tags",
)

DESCRIPTION_FIELDS: frozenset[str] = frozenset(
    {
        "enterprise_description",
        "enterprise_description_zh",
        "exhibit_description",
        "exhibit_description_zh",
    }
)

# English headers of each field (SPEC 6.1); a `_zh` field also accepts its base field's
# English headers followed by "(Chinese)" or "（中文）".
ENGLISH_HEADERS: dict[str, tuple[str, ...]] = {
    "enterprise_name": ("Enterprise", "Enterprise Name", "Company", "Exhibitor"),
    "enterprise_name_zh": ("Enterprise Name (Chinese)",),
    "credit_code": ("Credit Code", "Unified Social Credit Code"),
    "hall": ("Hall",),
    "booth": ("Booth", "Booth No.", "Booth No"),
    "website": ("Website",),
    "enterprise_description": ("Enterprise Description", "Company Profile"),
    "enterprise_description_zh": (),
    "exhibit_code": ("Exhibit Code", "Exhibit ID"),
    "exhibit_name": ("Exhibit", "Exhibit Name", "Product"),
    "exhibit_name_zh": ("Exhibit Name (Chinese)",),
    "category": ("Category",),
    "exhibit_description": ("Exhibit Description", "Description"),
    "exhibit_description_zh": (),
    "tags": ("Tags", "Keywords"),
}

CHINESE_HEADERS: dict[str, tuple[str, ...]] = {
    "enterprise_name": ("企业英文名称",),
    "enterprise_name_zh": ("企业名称", "展商名称", "公司名称", "单位名称"),
    "credit_code": ("统一社会信用代码",),
    "hall": ("展馆",),
    "booth": ("展位", "展位号"),
    "website": ("官网", "网址"),
    "enterprise_description": (),
    "enterprise_description_zh": ("企业简介",),
    "exhibit_code": ("展品编号",),
    "exhibit_name": ("展品英文名称",),
    "exhibit_name_zh": ("展品名称", "产品名称"),
    "category": ("类别", "展品类别"),
    "exhibit_description": (),
    "exhibit_description_zh": ("展品简介", "展品介绍"),
    "tags": ("关键词", "标签"),
}

EXPORT_HEADERS: dict[str, str] = {
    "enterprise_name": "Enterprise",
    "enterprise_name_zh": "Enterprise Name (Chinese)",
    "credit_code": "Credit Code",
    "hall": "Hall",
    "booth": "Booth",
    "website": "Website",
    "enterprise_description": "Enterprise Description",
    "enterprise_description_zh": "企业简介",
    "exhibit_code": "Exhibit Code",
    "exhibit_name": "Exhibit",
    "exhibit_name_zh": "Exhibit Name (Chinese)",
    "category": "Category",
    "exhibit_description": "Exhibit Description",
    "exhibit_description_zh": "展品简介",
    "tags": "Tags",
}

_CHINESE_SUFFIXES = (" (Chinese)", "(Chinese)", " (中文)", "(中文)")
_WHITESPACE = re.compile(r"\s+")
# Zero-width characters that spreadsheets and editors leave around header text.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def normalise_header(text: str) -> str:
    """Return the comparable form of a header: NFKC, trimmed, no trailing `*`, casefolded."""
    value = unicodedata.normalize("NFKC", text).strip().strip(_INVISIBLE).strip()
    if value.endswith("*"):
        value = value[:-1].strip()
    return _WHITESPACE.sub(" ", value.casefold())


def _synonyms() -> dict[str, str]:
    """Build the normalised-header -> field table; refuse a header claimed by two fields."""
    table: dict[str, str] = {}

    def add(header: str, field: str) -> None:
        key = normalise_header(header)
        if table.setdefault(key, field) != field:
            raise ValueError(f"header {header!r} maps to both {table[key]} and {field}")

    for field in FIELDS:
        add(field, field)
        add(EXPORT_HEADERS[field], field)
        for header in ENGLISH_HEADERS[field] + CHINESE_HEADERS[field]:
            add(header, field)
        if field.endswith("_zh"):
            for header in ENGLISH_HEADERS[field.removesuffix("_zh")]:
                for suffix in _CHINESE_SUFFIXES:
                    add(header + suffix, field)
    return table


SYNONYMS: dict[str, str] = _synonyms()


def match_header(text: str) -> str | None:
    """Return the field a header names, or None if it names none."""
    return SYNONYMS.get(normalise_header(text))
