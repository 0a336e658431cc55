"""The cell limit (IMPORT_MAX_CELLS, rows × columns): a workbook within the byte limits but with millions
of cells is refused before openpyxl parses them (it used to cost about a minute of CPU), and a sheet
whose rows are padded far to the right stops being read once it passes the limit."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet import _reader

from catalogue.imports.apply import limits_from
from catalogue.imports.read import Limits, UnreadableFile, read_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Enterprise</t></is></c>' \
             b'<c r="B1" t="inlineStr"><is><t>Booth</t></is></c></row>'


def workbook_with_sheet(rows) -> bytes:
    """A real workbook made by openpyxl whose first worksheet's XML is replaced by HEADER_ROW and `rows`
    (raw <row> elements, streamed into the zip: millions of cells in a few MiB, as the attack run did)."""
    template = io.BytesIO()
    Workbook().save(template)
    source = zipfile.ZipFile(template)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, source.read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode() + HEADER_ROW)
            for row in rows:
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def styled_blank_rows(count: int, columns: int):
    """Rows of blank cells with varied styles (so they do not compress like a zip bomb)."""
    for n in range(2, count + 2):
        yield b"<row>" + b"".join(b'<c s="%d"/>' % ((n * 7 + c * 13) % 97 % 10) for c in range(columns)) + b"</row>"


@pytest.fixture
def parsed_rows(monkeypatch):
    """How many worksheet rows openpyxl has parsed (its parser wrapped, not replaced)."""
    counted = {"rows": 0}
    real = _reader.WorkSheetParser.parse_row

    def parse_row(self, element):
        counted["rows"] += 1
        return real(self, element)

    monkeypatch.setattr(_reader.WorkSheetParser, "parse_row", parse_row)
    return counted


def test_a_workbook_of_millions_of_blank_cells_is_refused_before_any_is_parsed(parsed_rows):
    data = workbook_with_sheet(styled_blank_rows(2_600, 1_000))  # 2.6 million cells in about 2 MiB
    assert len(data) < 5 * 1024 * 1024
    with pytest.raises(UnreadableFile) as refused:
        read_table(data, "list.xlsx")  # the default limit: 2,000,000
    assert str(refused.value) == (
        "The workbook's sheets have 2,600,002 cells (rows × columns, blank cells included); the limit is "
        "2,000,000. Delete the unused rows, columns and sheets (not just their contents), or save the list as CSV")
    assert parsed_rows["rows"] == 0


def test_rows_padded_far_to_the_right_stop_being_read_at_the_limit(parsed_rows):
    # one blank cell in the last column (XFD) per row: openpyxl hands out each row 16,384 cells wide
    rows = (b'<row r="%d"><c r="XFD%d" s="1"/></row>' % (n, n) for n in range(2, 100_002))
    data = workbook_with_sheet(rows)
    with pytest.raises(UnreadableFile) as refused:
        read_table(data, "list.xlsx", Limits(max_cells=1_000_000))
    assert str(refused.value).startswith(
        "The sheet has more than 1,000,000 cells (rows × columns, blank cells included); the limit is 1,000,000.")
    assert parsed_rows["rows"] <= 1_000_000 // 16_384 + 2  # 62 of the 100,001 rows


def test_a_workbook_within_the_limit_is_read(parsed_rows):
    rows = [b'<row><c t="inlineStr"><is><t>Acme %d</t></is></c><c t="inlineStr"><is><t>A%d</t></is></c>'
            b"</row>" % (n, n) for n in range(1, 501)]
    sheet = read_table(workbook_with_sheet(rows), "list.xlsx", Limits(max_cells=1_002))
    assert len(sheet.rows) == 500 and sheet.rows[-1].values == {"enterprise_name": "Acme 500", "booth": "A500"}
    assert parsed_rows["rows"] == 501
    with pytest.raises(UnreadableFile, match="have 1,002 cells .* the limit is 1,001"):
        read_table(workbook_with_sheet(rows), "list.xlsx", Limits(max_cells=1_001))


def test_csv_rows_count_too():
    data = b"Enterprise,Booth\r\n" + b"Acme,A1" + b"," * 98 + b"\r\n" + (b"," * 99 + b"\r\n") * 100
    with pytest.raises(UnreadableFile) as refused:
        read_table(data, "list.csv", Limits(max_cells=5_000))
    assert str(refused.value).startswith("The sheet has more than 5,000 cells (rows × columns")
    assert len(read_table(data, "list.csv", Limits(max_cells=20_000)).rows) == 1


def test_the_limit_is_configured_by_import_max_cells(app):
    assert limits_from(app.config).max_cells == 2_000_000
    app.config["IMPORT_MAX_CELLS"] = 10
    assert limits_from(app.config).max_cells == 10
