"""Helpers for import tests: write real CSV and XLSX files in the import format."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from catalogue.imports.read import Limits, Sheet, UnreadableFile, read_table

HEADERS = [
    "Enterprise", "Enterprise Name (Chinese)", "Credit Code", "Hall", "Booth", "Website",
    "Enterprise Description", "企业简介", "Exhibit Code", "Exhibit", "Exhibit Name (Chinese)",
    "Category", "Exhibit Description", "展品简介", "Tags",
]
MIB = 1024 * 1024
COMPANY_ZH = "重庆芯联微电子有限公司"


def encoded(text: str, encoding: str = "utf-8") -> bytes:
    """Encode CSV text written with \\n line ends as CRLF, like a spreadsheet would save it."""
    return text.replace("\n", "\r\n").encode(encoding)


def refused(data: bytes, filename: str = "list.csv", limits: Limits | None = None) -> str:
    """Read a file that must be refused; return the message."""
    with pytest.raises(UnreadableFile) as caught:
        read_table(data, filename, limits or Limits())
    return str(caught.value)


def save_xlsx(path: Path, rows: list[list[object]], second_sheet: list[list[object]] | None = None) -> bytes:
    """Write a workbook with openpyxl and return its bytes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if second_sheet is not None:
        other = workbook.create_sheet("Other")
        for row in second_sheet:
            other.append(row)
    workbook.save(path)
    return path.read_bytes()


def values(sheet: Sheet) -> list[dict[str, str]]:
    return [row.values for row in sheet.rows]


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
