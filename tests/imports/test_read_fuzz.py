"""Property tests: any bytes give a Sheet or UnreadableFile, never another exception."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.imports.read import Limits, Sheet, UnreadableFile, read_table

FILENAMES = st.sampled_from(["list.csv", "list.xlsx", "list.json", "list.txt"])
HEADERS = ["Enterprise", "展位号", "Exhibit Description", "Notes"]
FIELD_OF = {0: "enterprise_name", 1: "booth", 2: "exhibit_description"}
CONTROL = {chr(n) for n in range(32) if chr(n) not in "\t\n\r"} | {chr(n) for n in range(0x7F, 0xA0)}


def read_or_refuse(data: bytes, filename: str, limits: Limits | None = None) -> Sheet | None:
    """Read bytes; a refusal must be UnreadableFile with a non-empty message."""
    try:
        return read_table(data, filename, limits or Limits())
    except UnreadableFile as refusal:
        assert str(refusal)
        return None


def small_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Enterprise", "展位号", "Credit Code", "Exhibit Description"])
    sheet.append(["Acme", "A1", "0012", "Line one\nLine two"])
    sheet.append(["重庆芯联微电子有限公司", 12, 3.5, "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = small_xlsx()

prefixes = st.sampled_from([b"", b"PK\x03\x04", b"[", b'{"rows": [', b"\xef\xbb\xbf", b"Enterprise,Booth\n"])


@settings(max_examples=200, deadline=None)
@given(prefix=prefixes, body=st.binary(max_size=2048), filename=FILENAMES)
def test_arbitrary_bytes(prefix: bytes, body: bytes, filename: str) -> None:
    sheet = read_or_refuse(prefix + body, filename)
    if sheet is not None:
        assert all(isinstance(value, str) for row in sheet.rows for value in row.values.values())


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(
        st.dictionaries(st.sampled_from(HEADERS + ["Hall", "tags", "x"]), json_scalars | st.lists(json_scalars, max_size=3)),
        max_size=5,
    )
)
def test_arbitrary_json_rows(items: list[dict[str, object]]) -> None:
    sheet = read_or_refuse(json.dumps(items).encode(), "list.json")
    if sheet is not None:
        assert [row.number for row in sheet.rows] == sorted({row.number for row in sheet.rows})
        for row in sheet.rows:
            assert all(isinstance(value, str) for value in row.values.values())


cell_text = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(cell_text, min_size=4, max_size=4), max_size=8), bom=st.booleans())
def test_csv_cells_under_valid_headers(rows: list[list[str]], bom: bool) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([HEADERS, *rows])
    data = buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")
    try:
        sheet = read_table(data, "list.csv")
    except UnreadableFile as refusal:  # only a NUL in the first 8 KiB may refuse such a file
        assert "\x00" in data[:8192].decode("utf-8", "ignore")
        assert "NUL" in str(refusal)
        return
    assert sheet.fields == {"enterprise_name": 0, "booth": 1, "exhibit_description": 2}
    reported = {(problem.row, problem.field) for problem in sheet.problems}
    by_number = {row.number: row for row in sheet.rows}
    for position, cells in enumerate(rows, start=2):
        if any(char.isalnum() for cell in cells for char in cell):
            assert position in by_number, "a row with content was dropped"
        row = by_number.get(position)
        if row is None:
            continue
        assert len(row.cells) >= 4 and list(row.cells[:4]) == cells
        for index, field in FIELD_OF.items():
            value = row.values[field]
            assert isinstance(value, str)
            assert value == value.strip()
            if field != "exhibit_description":
                assert "\n" not in value and "\r" not in value
            assert "\r" not in value
            if (position, field) not in reported:
                assert not CONTROL & set(value)
                assert len(value) <= Limits().max_cell_chars
            assert "\x00" not in value
            raw = cells[index]
            if raw.isprintable() and not raw.startswith("'") and raw.strip() == raw:
                assert value == raw


@settings(max_examples=200, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.integers(1, len(XLSX)),
)
def test_mutated_xlsx(edits: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(XLSX)
    for position, byte in edits:
        data[position] = byte
    read_or_refuse(bytes(data[:cut]), "list.xlsx")


def test_unmutated_xlsx_reads() -> None:
    sheet = read_table(XLSX, "list.xlsx")
    assert [row.values["credit_code"] for row in sheet.rows] == ["0012", "3.5"]
    assert sheet.rows[1].values["exhibit_description"] == "=1+1"
