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
    "enterprise_name": ("Enterprise", "Enterprise Name", "Company", "Company Name", "Exhibitor", "Exhibitor Name"),
    "enterprise_name_zh": ("Enterprise Name (Chinese)",),
    "credit_code": ("Credit Code", "Unified Social Credit Code", "USCC"),
    "hall": ("Hall", "Hall No.", "Pavilion"),
    "booth": ("Booth", "Booth No.", "Booth No", "Booth Number", "Stand", "Stand No."),
    "website": ("Website", "Web Site", "Homepage", "URL"),
    "enterprise_description": ("Enterprise Description", "Company Profile"),
    "enterprise_description_zh": (),
    "exhibit_code": ("Exhibit Code", "Exhibit ID", "Product Code"),
    "exhibit_name": ("Exhibit", "Exhibit Name", "Product", "Product Name"),
    "exhibit_name_zh": ("Exhibit Name (Chinese)",),
    "category": ("Category", "Exhibit Category", "Product Category"),
    "exhibit_description": ("Exhibit Description", "Description"),
    "exhibit_description_zh": (),
    "tags": ("Tags", "Keywords", "Keyword"),
}

CHINESE_HEADERS: dict[str, tuple[str, ...]] = {
    "enterprise_name": ("企业英文名称", "公司英文名称", "展商英文名称"),
    "enterprise_name_zh": ("企业名称", "展商名称", "公司名称", "单位名称", "企业中文名称", "参展企业", "参展单位",
                           "参展商", "参展商名称"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "hall": ("展馆", "展厅", "馆号"),
    "booth": ("展位", "展位号", "展位编号"),
    "website": ("官网", "网址", "官方网站", "企业网址", "公司网址", "网站"),
    "enterprise_description": ("企业英文简介",),
    "enterprise_description_zh": ("企业简介", "公司简介", "企业介绍", "展商简介"),
    "exhibit_code": ("展品编号", "展品编码", "产品编号"),
    "exhibit_name": ("展品英文名称", "产品英文名称"),
    "exhibit_name_zh": ("展品名称", "产品名称", "展品中文名称"),
    "category": ("类别", "展品类别", "展品分类", "产品类别", "产品分类", "分类"),
    "exhibit_description": ("展品英文简介",),
    "exhibit_description_zh": ("展品简介", "展品介绍", "产品简介", "产品介绍", "展品描述"),
    "tags": ("关键词", "标签", "关键字"),
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


# Columns that exhibitor lists often carry but the catalogue does not keep (contact details stay out
# of the public catalogue): ignored on purpose, and said so in the preview.
KNOWN_IGNORED: frozenset[str] = frozenset(normalise_header(h) for h in (
    "联系人", "联系电话", "电话", "手机", "手机号", "邮箱", "电子邮箱", "电子邮件", "传真", "地址", "联系地址", "备注",
    "Contact", "Contact Person", "Phone", "Telephone", "Tel", "Mobile", "Email", "E-mail", "Fax", "Address",
    "Remarks", "Notes",
))
_CJK = re.compile(r"[\u3400-\u9fff]")


def known_ignored(text: str) -> bool:
    """Whether a header is one the catalogue knows and leaves out on purpose (contact details...)."""
    return normalise_header(text) in KNOWN_IGNORED


def ignored_columns(headers: tuple[str, ...] | list[str]) -> dict[str, list]:
    """Ignored headers sorted for the preview: known-but-unused ones, look-alikes, and the rest."""
    found: dict[str, list] = {"known": [], "lookalikes": [], "other": []}
    for header in headers:
        like = lookalike(header)
        if known_ignored(header):
            found["known"].append(header)
        elif like is not None:
            found["lookalikes"].append({"header": header, "field": like[0], "like": like[1]})
        else:
            found["other"].append(header)
    return found


def lookalike(text: str) -> tuple[str, str] | None:
    """For an unknown header that looks like a known one: (field, the known header it resembles)."""
    key = normalise_header(text)
    if not key or key in SYNONYMS or key in KNOWN_IGNORED:
        return None
    best: tuple[float, str, str] | None = None
    for known, field in SYNONYMS.items():
        score = _resemblance(key, known)
        if score and (best is None or score > best[0]):
            best = (score, field, known)
    if best is None:
        return None
    shown = next((h for h in (EXPORT_HEADERS[best[1]], *CHINESE_HEADERS[best[1]], *ENGLISH_HEADERS[best[1]])
                  if normalise_header(h) == best[2]), best[2])
    return best[1], shown


def _resemblance(a: str, b: str) -> float:
    """How alike two normalised headers are (0: not alike enough to mention)."""
    if _CJK.search(a) and _CJK.search(b):  # Chinese: characters in common, e.g. 展品类型 / 展品类别
        shared = len(set(a) & set(b))
        ratio = shared / max(len(set(a)), len(set(b)))
        return ratio if shared >= 2 and ratio >= 0.5 else 0
    if _CJK.search(a) or _CJK.search(b):
        return 0
    words_a, words_b = set(re.findall(r"[a-z]+", a)), set(re.findall(r"[a-z]+", b))
    if words_b and words_b <= words_a and len(b) >= 4:  # "Main Category" contains "category"
        return 0.6 + 0.1 * len(words_b)
    distance = _edit_distance(a, b)  # typing slips: "Catgory", "Webiste"
    return 1 - distance / max(len(a), len(b)) if distance <= max(1, min(len(a), len(b)) // 4) else 0


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (transpositions count once), for short strings such as headers."""
    previous = list(range(len(b) + 1))
    before: list[int] = []
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]
