"""Common header synonyms (展品分类, 产品类别, ...), known-but-ignored contact columns, and a loud warning,
before Confirm, when an ignored column looks like one the catalogue uses."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalogue.catalog.models import Category, Exhibit
from catalogue.extensions import db
from catalogue.imports.headers import known_ignored, lookalike, match_header
from tests.imports.conftest import HEADERS, csv_bytes, row
from tests.organizer.test_imports import preview_of, upload

ROWS = [row(enterprise_zh="重庆芯联微电子有限公司", code=f"EX-{n}", exhibit_zh=f"展品{n}", category="芯片 > 车规芯片")
        for n in range(1, 9)]


def headers_with(**renamed) -> list[str]:
    return [renamed.get(h, h) for h in HEADERS]


@pytest.mark.parametrize(("header", "field"), [
    ("展品分类", "category"), ("产品类别", "category"), ("产品分类", "category"), ("Product Category", "category"),
    ("产品名称", "exhibit_name_zh"), ("参展企业", "enterprise_name_zh"), ("展位编号", "booth"),
    ("公司简介", "enterprise_description_zh"), ("产品介绍", "exhibit_description_zh"), ("官方网站", "website"),
])
def test_common_headers_name_their_fields(header, field):
    assert match_header(header) == field


@pytest.mark.parametrize("header", ["联系人", "联系电话", "邮箱", "电子邮件", "Contact Person", "E-mail", "Phone"])
def test_contact_columns_are_known_and_left_out_on_purpose(header):
    assert match_header(header) is None and known_ignored(header) and lookalike(header) is None


@pytest.mark.parametrize(("header", "field"), [
    ("展品类型", "category"), ("Catgory", "category"), ("Main Category", "category"), ("Webiste", "website"),
])
def test_look_alikes_of_known_headers_are_spotted(header, field):
    assert lookalike(header)[0] == field


def test_a_file_with_展品分类_imports_its_categories(runner, write_file):
    path = write_file("list.csv", csv_bytes(ROWS, headers_with(Category="展品分类")))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    exhibits = db.session.scalars(select(Exhibit)).all()
    assert len(exhibits) == 8 and all(x.category is not None and x.category.name_zh == "车规芯片" for x in exhibits)
    assert db.session.scalar(select(Category).where(Category.name_zh == "芯片")) is not None


def test_the_preview_warns_before_confirm_about_a_look_alike_column(editor_client):
    data = csv_bytes([[*r, "张三"] for r in ROWS], [*headers_with(Category="展品类型"), "联系人"])
    _, page = preview_of(editor_client, upload(editor_client, data, "list.csv"))
    warning = re.search(r'<div class="warning" role="alert">(.*?)</div>', page, re.S)
    assert warning and page.index('class="warning"') < page.index("Confirm the import")
    assert "展品类型" in warning[1] and "展品类别" in warning[1] and "(category)" in warning[1]
    assert "Not imported on purpose (the catalogue does not keep contact details and notes): 联系人" in page
    assert "Ignored columns:" not in page  # every ignored column is explained
    chinese = editor_client.get(re.search(r'/organizer/imports/previews/\w+', page)[0] + "?lang=zh")
    assert "确认之前请检查这些列" in chinese.get_data(as_text=True)


def test_the_dry_run_warns_too(runner, write_file):
    path = write_file("list.csv", csv_bytes(ROWS, headers_with(Category="展品类型")))
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert "WARNING: the column '展品类型' is ignored, but it looks like '展品类别' (category)" in result.output


def test_the_preview_shows_old_and_new_values_of_a_change(editor_client, runner, write_file):
    runner.invoke(args=["import", str(write_file("a.csv", csv_bytes([row(
        enterprise_zh="重庆芯联微电子有限公司", booth="N1-A01", code="EX-1", exhibit_zh="车规级MCU芯片", tags="MCU")])))])
    data = csv_bytes([row(enterprise_zh="重庆芯联微电子有限公司", booth="N1-A09", code="EX-1", exhibit_zh="车规级MCU芯片",
                          tags="MCU, AEC-Q100")])
    _, page = preview_of(editor_client, upload(editor_client, data, "b.csv"))
    assert "Tags: <del>MCU</del> → <ins>MCU, AEC-Q100</ins>" in page
