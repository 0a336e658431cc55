"""The exhibitor-list file reader: encodings, CSV and JSON, limits, and refusals by content."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from catalogue.imports.read import Limits, Problem, read_table
from tests.imports.conftest import COMPANY_ZH, MIB, encoded, refused, values

# --- CSV --------------------------------------------------------------------------------


def test_title_rows_are_skipped_and_rows_keep_spreadsheet_numbers() -> None:
    data = encoded(
        "2024 Expo exhibitor list,,,\n"
        ",,,\n"
        "展商名称*,展位号*,Ｈａｌｌ,Remarks\n"
        f"{COMPANY_ZH},N1-A01,N1,first\n"
        ",,,\n"
        "Second Co.,N1-A02,N1,\n"
    )
    sheet = read_table(data, "list.csv")
    assert sheet.fields == {"enterprise_name_zh": 0, "booth": 1, "hall": 2}
    assert sheet.ignored_headers == ("Remarks",)
    assert [row.number for row in sheet.rows] == [4, 6]
    assert sheet.rows[0].values == {"enterprise_name_zh": COMPANY_ZH, "booth": "N1-A01", "hall": "N1"}
    assert sheet.rows[0].cells == (COMPANY_ZH, "N1-A01", "N1", "first")
    assert sheet.rows[1].cells == ("Second Co.", "N1-A02", "N1", "")
    assert sheet.column_label("booth") == "B (展位号*)"
    assert sheet.problems == []


def test_utf8_csv() -> None:
    sheet = read_table(encoded(f"企业名称,展位号\n{COMPANY_ZH},A1\n"), "list.csv")
    assert sheet.encoding == "utf-8"
    assert values(sheet) == [{"enterprise_name_zh": COMPANY_ZH, "booth": "A1"}]


def test_utf8_bom_csv_header_is_not_polluted() -> None:
    sheet = read_table(encoded(f"企业名称,展位号\n{COMPANY_ZH},A1\n", "utf-8-sig"), "list.csv")
    assert sheet.encoding == "utf-8-sig"
    assert sheet.headers == ("企业名称", "展位号")
    assert values(sheet) == [{"enterprise_name_zh": COMPANY_ZH, "booth": "A1"}]


def test_gbk_csv() -> None:
    data = encoded(f"企业名称,展位号,企业简介\n{COMPANY_ZH},A1,集成电路设计\n", "gbk")
    sheet = read_table(data, "list.csv")
    assert sheet.encoding == "gb18030"
    assert values(sheet) == [
        {"enterprise_name_zh": COMPANY_ZH, "booth": "A1", "enterprise_description_zh": "集成电路设计"}
    ]


@pytest.mark.parametrize("rare", ["𠀀", "䶮"])
def test_gb18030_only_characters(rare: str) -> None:
    name = f"{rare}科技有限公司"
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    sheet = read_table(encoded(f"企业名称,展位号\n{name},A1\n", "gb18030"), "list.csv")
    assert sheet.encoding == "gb18030"
    assert sheet.rows[0].values["enterprise_name_zh"] == name


# A UTF-8 file with one cell pasted from a GBK file: it used to be read as GB18030, garbling every other
# Chinese cell without a word. It is refused, naming where the bytes are.
MIXED_ROWS = ["Acme,重庆岚芯通信芯片科技有限公司,N1-A01,边缘AI推理芯片", "Beta,重庆鸿峰先进封装有限公司,N2-B03,可穿戴设备系统级封装模组"]


def mixed_file(gbk_cells: list[tuple[int, str]], bom: bool = False) -> bytes:
    """UTF-8 rows (header in English) with some cells (row index, text) in GBK, as CRLF CSV."""
    lines = [b"Enterprise,Enterprise Name (Chinese),Booth,Exhibit Name (Chinese)"]
    for n in range(6):
        name, zh, booth, exhibit = MIXED_ROWS[n % 2].split(",")
        cells = [name.encode(), zh.encode(), f"{booth}{n}".encode(), exhibit.encode()]
        for row_index, text in gbk_cells:
            if row_index == n:
                cells[1] = text.encode("gbk")
        lines.append(b",".join(cells))
    return (codecs.BOM_UTF8 if bom else b"") + b"\r\n".join(lines) + b"\r\n"


@pytest.mark.parametrize("bom", [False, True])
def test_a_gbk_cell_in_a_utf8_file_is_refused_naming_its_row_and_column(bom: bool) -> None:
    data = mixed_file([(2, "北京雷达科技")], bom)
    assert data.decode("gb18030")  # the old reading: "valid" GB18030, every other Chinese cell garbled
    message = refused(data)
    assert message.startswith("The file is UTF-8 text except for bytes that are not UTF-8")
    assert "in row 4, column B (Enterprise Name (Chinese)) (bytes B1 B1 BE A9 C0 D7 B4 EF BF C6 BC BC)" in message
    assert "save the whole file as UTF-8 CSV again" in message


def test_several_foreign_cells_are_listed_up_to_five() -> None:
    message = refused(mixed_file([(n, "北京") for n in range(6)]))
    for row in range(2, 7):
        assert f"row {row}, column B (Enterprise Name (Chinese)) (bytes B1 B1 BE A9)" in message
    assert "row 7," not in message and "and 1 more cell(s)" in message


def test_gbk_files_are_still_read_whole_and_row_by_row() -> None:
    """Every row of the demo catalogue, and the whole of it, saved as GB18030 reads as GB18030."""
    demo = (Path(__file__).parents[2] / "catalogue" / "demo" / "pavilion.csv").read_text(encoding="utf-8")
    whole = read_table(demo.encode("gb18030"), "pavilion.csv")
    assert whole.encoding == "gb18030"
    assert values(whole) == values(read_table(demo.encode("utf-8"), "pavilion.csv"))
    header, *lines = demo.splitlines()
    for line in lines:
        assert read_table(f"{header}\n{line}\n".encode("gb18030"), "one.csv").encoding == "gb18030", line


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_refused_by_name(codec: str) -> None:
    message = refused(encoded("Enterprise,Booth\nAcme,A1\n", codec))
    assert message == "The file is UTF-16 text; save it as UTF-8 CSV"


def test_latin1_refused_with_offset() -> None:
    data = encoded("Enterprise,Booth\nCafé Ltd,A1\n", "latin-1")
    offset = data.index(b"\xe9")
    message = refused(data)
    assert "not UTF-8, GBK or GB18030" in message
    assert f"0xE9 at offset {offset}, line 2" in message


def test_tab_and_semicolon_delimiters() -> None:
    tab = read_table(encoded("Enterprise\tBooth\nAcme, Inc.\tA1\n"), "list.txt")
    semicolon = read_table(encoded("Enterprise;Booth\nAcme;A1\n"), "list.csv")
    assert values(tab) == [{"enterprise_name": "Acme, Inc.", "booth": "A1"}]
    assert values(semicolon) == [{"enterprise_name": "Acme", "booth": "A1"}]


def test_quoted_multiline_cell_counts_as_one_row() -> None:
    data = encoded(
        "Enterprise,Exhibit Description,Exhibit\n"
        '"Acme","Line one\nLine two\n\nLine four","Chip\nSet"\n'
        "Beta,Short,Board\n"
    )
    sheet = read_table(data, "list.csv")
    assert [row.number for row in sheet.rows] == [2, 3]
    assert sheet.rows[0].values["exhibit_description"] == "Line one\nLine two\n\nLine four"
    assert sheet.rows[0].values["exhibit_name"] == "Chip Set"


def test_malformed_csv_names_the_line() -> None:
    message = refused(encoded('Enterprise,Booth\nAcme,A1\n"Beta"x,A2\n'))
    assert "malformed at line 3" in message


def test_neutralised_formulas_are_restored() -> None:
    data = encoded(
        "Enterprise,Booth,Exhibit,Category,Tags,Hall,Website\n"
        "'=1+1,'+86,'-5,'@home,'abc,''=x,'\tTab\n"
    )
    row = read_table(data, "list.csv").rows[0].values
    assert row == {
        "enterprise_name": "=1+1",
        "booth": "+86",
        "exhibit_name": "-5",
        "category": "@home",
        "tags": "'abc",
        "hall": "''=x",
        "website": "Tab",
    }


def test_whitespace_is_stripped_and_folded() -> None:
    data = 'Enterprise,Booth,Description\r\n"\u3000 Acme\u00a0 ","A1 \t B2"," one\r\n two\rthree "\r\n'.encode()
    row = read_table(data, "list.csv").rows[0].values
    assert row == {"enterprise_name": "Acme", "booth": "A1 B2", "exhibit_description": "one\n two\nthree"}


def test_blank_rows_are_skipped() -> None:
    sheet = read_table(encoded("Enterprise,Booth\n\n , \u3000\nAcme,A1\n,\n"), "list.csv")
    assert [row.number for row in sheet.rows] == [4]


def test_control_characters_are_problems_with_row_and_column() -> None:
    data = encoded("Enterprise,Booth,Credit Code\nAcme,A1,9150\x01000\nBeta,A\x7f2,ok\x0b\n")
    sheet = read_table(data, "list.csv")
    assert [str(problem) for problem in sheet.problems] == [
        "Row 2, column C (Credit Code): contains a control character (U+0001)",
        "Row 3, column B (Booth): contains a control character (U+007F)",
        "Row 3, column C (Credit Code): contains a control character (U+000B)",
    ]
    assert sheet.problems[0] == Problem(2, "C (Credit Code)", "credit_code", "contains a control character (U+0001)")
    assert all("\x01" not in value and "\x7f" not in value for row in values(sheet) for value in row.values())


def test_nul_after_the_first_8_kib_is_a_problem() -> None:
    filler = "".join(f"Company {n},A{n}\n" for n in range(1000))
    data = encoded(f"Enterprise,Booth\n{filler}Nul\x00Co,B1\n")
    sheet = read_table(data, "list.csv")
    assert [str(problem) for problem in sheet.problems] == [
        "Row 1002, column A (Enterprise): contains a control character (U+0000)"
    ]


def test_nul_bytes_at_the_start_are_refused() -> None:
    assert "NUL" in refused(b"Enterprise,Booth\nAc\x00me,A1\n")


def test_cell_over_the_limit_is_a_problem() -> None:
    data = encoded(f"Enterprise,Description\nAcme,{'x' * 6001}\nBeta,{'y' * 5000}\n")
    sheet = read_table(data, "list.csv")
    assert [str(problem) for problem in sheet.problems] == [
        "Row 2, column B (Description): is 6,001 characters long; the limit is 5,000"
    ]
    small = read_table(data, "list.csv", Limits(max_cell_chars=3))
    assert len(small.problems) == 4


def test_rows_over_the_limit_are_refused() -> None:
    data = encoded("Enterprise,Booth\n" + "".join(f"C{n},A{n}\n" for n in range(4)))
    assert len(read_table(data, "list.csv", Limits(max_rows=4)).rows) == 4
    message = refused(data, limits=Limits(max_rows=3))
    assert "more than 3 rows" in message and "limit is 3" in message


def test_size_limit_and_empty_file() -> None:
    message = refused(b"Enterprise,Booth\n" + b"x,y\n" * 300_000, limits=Limits(max_bytes=MIB))
    assert message == "The file is 1.1 MiB; the limit is 1 MiB"
    assert refused(b"") == "The file is empty"
    assert refused(b" \r\n \r\n") == "The file contains no rows"


def test_missing_header_row_lists_what_was_found() -> None:
    message = refused(encoded("Name,Stand,Notes\nAcme,A1,x\n"))
    assert '"Name", "Stand", "Notes"' in message
    assert "Enterprise" in message and "展位号" in message


def test_duplicate_header_names_both_columns() -> None:
    message = refused(encoded("Booth,Enterprise,展位号\nA1,Acme,A1\n"))
    assert "A (Booth)" in message and "C (展位号)" in message


def test_problem_text_without_a_row() -> None:
    assert str(Problem(None, None, None, "The file is odd")) == "The file is odd"
    assert str(Problem(None, "B (Booth)", "booth", "is odd")) == "Column B (Booth): is odd"


# --- refusals by content ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Excel 97–2003 (.xls) file; save it as .xlsx or CSV"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "looks like a PDF document, not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a PNG image, not a spreadsheet"),
        (b"GIF89a\x01\x00", "looks like a GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "looks like a JPEG image"),
        (b"\x1f\x8b\x08\x00\x00\x00", "looks like a gzip archive"),
        (b"<!DOCTYPE html><html><table><tr><td>Enterprise</td></tr></table>", "HTML web page"),
        (b"Enterprise,Booth\n\x00\x01\x02\x03", "binary data (NUL bytes)"),
    ],
)
def test_non_spreadsheets_refused_by_name(data: bytes, expected: str) -> None:
    assert expected in refused(data, "list.xlsx")


# --- JSON -------------------------------------------------------------------------------


def test_json_array() -> None:
    items = [
        {"Enterprise": "Acme", "展位号": "A1", "Hall": 3, "Tags": None, "Notes": "x"},
        {"Enterprise": "Beta", "展位号": "A2", "Credit Code": "0012"},
        {"Enterprise": None, "展位号": None},
    ]
    sheet = read_table(json.dumps(items, ensure_ascii=False).encode(), "list.json")
    assert sheet.encoding is None
    assert sheet.headers == ("Enterprise", "展位号", "Hall", "Tags", "Notes", "Credit Code")
    assert sheet.ignored_headers == ("Notes",)
    assert [row.number for row in sheet.rows] == [2, 3]
    assert values(sheet) == [
        {"enterprise_name": "Acme", "booth": "A1", "hall": "3", "tags": "", "credit_code": ""},
        {"enterprise_name": "Beta", "booth": "A2", "hall": "", "tags": "", "credit_code": "0012"},
    ]


def test_json_rows_object_and_control_character() -> None:
    document = {"rows": [{"exhibit_name": "Chip\u0000", "booth": "A1"}]}
    sheet = read_table(json.dumps(document).encode("utf-8-sig"), "list.json")
    assert [str(problem) for problem in sheet.problems] == [
        "Row 2, column A (exhibit_name): contains a control character (U+0000)"
    ]
    assert sheet.rows[0].values == {"exhibit_name": "Chip", "booth": "A1"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"items": []}', "must be an array of objects"),
        ("[1, 2]", "Item 1 of the JSON rows is not an object"),
        ("[]", "contains no rows"),
        ('[{"Name": "x"}]', "No JSON key is a known header"),
        ('[{"Enterprise": "x"', "not valid JSON"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_bad_json_refused(text: str, expected: str) -> None:
    assert expected in refused(text.encode(), "list.json")
