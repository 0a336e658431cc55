"""Helpers for import tests: write real CSV and XLSX files in the import format."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

HEADERS = [
    "Enterprise", "Enterprise Name (Chinese)", "Credit Code", "Hall", "Booth", "Website",
    "Enterprise Description", "企业简介", "Exhibit Code", "Exhibit", "Exhibit Name (Chinese)",
    "Category", "Exhibit Description", "展品简介", "Tags",
]
# Valid unified social credit codes (GB 32100-2015 check digits).
CODE_A = "91350100M000100Y43"


def csv_bytes(rows: list[list[str]], headers: list[str] = HEADERS, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(**values) -> list[str]:
    """A row in HEADERS order from field-like keyword names."""
    order = [
        "enterprise", "enterprise_zh", "credit_code", "hall", "booth", "website", "description",
        "description_zh", "code", "exhibit", "exhibit_zh", "category", "exhibit_description",
        "exhibit_description_zh", "tags",
    ]
    unknown = set(values) - set(order)
    assert not unknown, unknown
    return [values.get(key, "") for key in order]


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, data: bytes):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write
