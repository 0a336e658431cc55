"""Header matching: English and Chinese synonyms, normalisation, unknown headers."""

from __future__ import annotations

import pytest

from catalogue.imports.headers import (
    EXPORT_HEADERS,
    FIELDS,
    SYNONYMS,
    match_header,
    normalise_header,
)

# --- headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Enterprise", "enterprise_name"),
        ("  company  ", "enterprise_name"),
        ("EXHIBITOR", "enterprise_name"),
        ("企业英文名称", "enterprise_name"),
        ("企业名称", "enterprise_name_zh"),
        ("展商名称*", "enterprise_name_zh"),
        ("Enterprise Name (Chinese)", "enterprise_name_zh"),
        ("Enterprise Name（中文）", "enterprise_name_zh"),
        ("Unified  Social Credit   Code", "credit_code"),
        ("统一社会信用代码 *", "credit_code"),
        ("展馆", "hall"),
        ("展位号*", "booth"),
        ("Ｂｏｏｔｈ", "booth"),
        ("Ｂｏｏｔｈ　Ｎｏ．＊", "booth"),
        ("网址", "website"),
        ("Company Profile", "enterprise_description"),
        ("企业简介", "enterprise_description_zh"),
        ("Enterprise Description (Chinese)", "enterprise_description_zh"),
        ("Exhibit ID", "exhibit_code"),
        ("展品编号", "exhibit_code"),
        ("Product", "exhibit_name"),
        ("展品英文名称", "exhibit_name"),
        ("产品名称", "exhibit_name_zh"),
        ("exhibit_name_zh", "exhibit_name_zh"),
        ("展品类别", "category"),
        ("Description", "exhibit_description"),
        ("展品简介", "exhibit_description_zh"),
        ("展品介绍", "exhibit_description_zh"),
        ("Exhibit Description (Chinese)", "exhibit_description_zh"),
        ("Exhibit Description（中文）", "exhibit_description_zh"),
        ("Keywords", "tags"),
        ("标签", "tags"),
    ],
)
def test_header_synonyms(header: str, field: str) -> None:
    assert match_header(header) == field


@pytest.mark.parametrize("header", ["", "*", "Remarks", "备注", "Booth Number Two", "Enterprise*Name"])
def test_unknown_headers(header: str) -> None:
    assert match_header(header) is None


def test_every_field_accepts_its_own_name_and_export_header() -> None:
    assert FIELDS[0] == "enterprise_name" and FIELDS[-1] == "tags" and len(FIELDS) == 15
    assert list(EXPORT_HEADERS) == list(FIELDS)
    for field in FIELDS:
        assert match_header(field) == field
        assert match_header(EXPORT_HEADERS[field]) == field
    assert set(SYNONYMS.values()) == set(FIELDS)


def test_normalise_header() -> None:
    assert normalise_header("  Ｂｏｏｔｈ　　Ｎｏ．＊ ") == "booth no."
    assert normalise_header("Credit Code **") == "credit code *"
