"""Export in the import format: every format re-imports as unchanged; formulas are neutralised."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from catalogue.catalog.models import Exhibit
from catalogue.catalog.rules import neutralise
from catalogue.demo import load_demo
from catalogue.extensions import db
from tests.imports.conftest import csv_bytes, row

RISKY = row(
    enterprise="=HYPERLINK(\"http://evil.example\",\"click\")", enterprise_zh="@风险企业",
    exhibit="+cmd|' /C calc'!A0", exhibit_zh="-5度低温电池",
    exhibit_description="\tindented", tags="-tag, =sum",
)


def full_state() -> list[tuple]:
    db.session.expire_all()
    return [
        (x.exhibit_code, x.name, x.name_zh, x.description, x.description_zh, tuple(x.tags),
         x.category_id, x.enterprise.name, x.enterprise.name_zh, x.enterprise.credit_code,
         x.enterprise.hall, x.enterprise.booth, x.enterprise.website, x.version, x.enterprise.version)
        for x in db.session.scalars(select(Exhibit).order_by(Exhibit.id))
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_reimporting_an_export_changes_nothing(runner, tmp_path, write_file, fmt):
    load_demo()
    assert runner.invoke(args=["import", str(write_file("risky.csv", csv_bytes([RISKY])))]).exit_code == 0
    before = full_state()
    path = tmp_path / f"catalogue.{fmt}"
    exported = runner.invoke(args=["export", str(path)])
    assert exported.exit_code == 0, exported.output
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Enterprises: 0 to create, 0 to update, 65 unchanged" in result.output
    assert "Exhibits: 0 to create, 0 to update, 113 unchanged" in result.output
    assert full_state() == before


def test_csv_and_xlsx_exports_neutralise_formulas(runner, tmp_path, write_file):
    assert runner.invoke(args=["import", str(write_file("risky.csv", csv_bytes([RISKY])))]).exit_code == 0
    runner.invoke(args=["export", str(tmp_path / "out.csv")])
    runner.invoke(args=["export", str(tmp_path / "out.xlsx")])
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+cmd" in text and "'@风险企业" in text and "'-5度低温电池" in text
    sheet = load_workbook(tmp_path / "out.xlsx").worksheets[0]
    values = [cell.value for cell in sheet[2]]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in values
    assert all(cell.data_type == "s" for cell in sheet[2] if cell.value)
    assert not any(str(v).startswith(("=", "+", "-", "@", "\t")) for v in values if v)


def test_json_export_lists_rows_with_export_headers(runner, tmp_path, write_file):
    runner.invoke(args=["import", str(write_file("risky.csv", csv_bytes([RISKY])))])
    runner.invoke(args=["export", str(tmp_path / "out.json")])
    items = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert items[0]["Exhibit Name (Chinese)"] == "-5度低温电池"  # JSON is not a spreadsheet: left as is
    assert items[0]["Tags"] == "-tag, =sum"


def test_export_refuses_an_unknown_extension(runner, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "out.pdf")])
    assert result.exit_code == 2
    assert ".csv, .xlsx or .json" in result.output


# Excel (with a Chinese or Japanese input method) takes a full-width ＝ ＋ － ＠ as the ASCII one
WIDE = row(
    enterprise="＝HYPERLINK(\"http://evil.example\",\"click\")", enterprise_zh="＠宽体企业",
    credit_code="", hall="N1", booth="N1-A01", code="W-1", exhibit="＋cmd|' /C calc'!A0",
    exhibit_zh="－5度低温电池", exhibit_description="﹦small form", tags="＝sum, ﹣tag",
)


def test_full_width_formula_starts_are_neutralised_in_csv_and_xlsx(runner, tmp_path, write_file):
    assert runner.invoke(args=["import", str(write_file("wide.csv", csv_bytes([WIDE])))]).exit_code == 0
    runner.invoke(args=["export", str(tmp_path / "out.csv")])
    runner.invoke(args=["export", str(tmp_path / "out.xlsx")])
    exported = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_bytes().decode("utf-8-sig"))))[1]
    sheet = [cell.value for cell in load_workbook(tmp_path / "out.xlsx").worksheets[0][2]]
    for values in (exported, sheet):
        for text in ("＝HYPERLINK", "＠宽体企业", "＋cmd", "－5度低温电池", "﹦small form", "＝sum, ﹣tag"):
            assert any(v == "'" + text or (v or "").startswith("'" + text) for v in values), (text, values)
        assert not any(v and v[0] in "＝＋－＠﹦﹢﹣﹫=+-@" for v in values), values


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_a_full_width_export_changes_nothing(runner, tmp_path, write_file, fmt):
    assert runner.invoke(args=["import", str(write_file("wide.csv", csv_bytes([WIDE])))]).exit_code == 0
    before = full_state()
    assert before[0][2] == "－5度低温电池"
    path = tmp_path / f"catalogue.{fmt}"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Exhibits: 0 to create, 0 to update, 1 unchanged" in result.output
    assert full_state() == before


def test_neutralise_prefixes_only_formula_starts():
    for start in "=+-@＝＋－＠﹦﹢﹣﹫":
        assert neutralise(f"{start}1") == f"'{start}1"
    assert neutralise("a＝b") == "a＝b" and neutralise("（1）") == "（1）" and neutralise("＃1") == "＃1"
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\r\nx") == "'\r\nx"
    assert neutralise("a=b") == "a=b"
    assert neutralise("'=already") == "'=already"


def test_export_to_an_unwritable_place_says_why(runner, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "no-such-dir" / "out.csv")])
    assert result.exit_code == 1
    assert "Cannot write" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("csv", "text/csv; charset=utf-8"),
    ("json", "application/json"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_export_downloads_send_one_exact_content_type(editor_client, fmt, content_type):
    response = editor_client.get(f"/organizer/export.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
