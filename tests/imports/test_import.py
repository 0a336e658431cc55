"""The importer end to end through `flask import`: real files, a real database, all or nothing."""

from __future__ import annotations

from sqlalchemy import select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db
from tests.conftest import count
from tests.imports.conftest import CODE_A, csv_bytes, row, xlsx_bytes

CHIP = row(
    enterprise="Chongqing Xinlian Microelectronics Co., Ltd.", enterprise_zh="重庆芯联微电子有限公司",
    credit_code=CODE_A, hall="N1", booth="N1-A01", website="https://www.xinlian.example.cn",
    code="EX-001", exhibit="Automotive MCU chip", exhibit_zh="车规级MCU芯片",
    category="Integrated circuits > Chips", tags="MCU，车规级、automotive",
)
RADAR = row(
    enterprise_zh="重庆雷视科技有限公司", hall="N2", booth="N2-B03",
    code="EX-002", exhibit_zh="4D毫米波雷达", category="传感器",
)


def run_import(runner, path, *args):
    return runner.invoke(args=["import", str(path), *args])


def test_import_creates_records_and_categories(runner, write_file):
    result = run_import(runner, write_file("list.csv", csv_bytes([CHIP, RADAR])))
    assert result.exit_code == 0, result.output
    assert "Enterprises: 2 to create" in result.output
    assert "Exhibits: 2 to create" in result.output
    assert "New categories: Integrated circuits; Integrated circuits > Chips; 传感器" in result.output
    db.session.expire_all()
    chip = db.session.scalar(select(Exhibit).where(Exhibit.exhibit_code == "EX-001"))
    assert chip.name_zh == "车规级MCU芯片"
    assert chip.tags == ["MCU", "车规级", "automotive"]
    assert [c.name for c in chip.category.path()] == ["Integrated circuits", "Chips"]
    assert chip.enterprise.credit_code == CODE_A
    radar = db.session.scalar(select(Exhibit).where(Exhibit.exhibit_code == "EX-002"))
    assert radar.category.name_zh == "传感器" and radar.category.slug == "chuan-gan-qi"


def test_reimporting_the_same_file_changes_nothing(runner, write_file):
    path = write_file("list.csv", csv_bytes([CHIP, RADAR]))
    assert run_import(runner, path).exit_code == 0
    versions = db.session.execute(select(Exhibit.id, Exhibit.version)).all()
    result = run_import(runner, path)
    assert result.exit_code == 0
    assert "Enterprises: 0 to create, 0 to update, 2 unchanged" in result.output
    assert "Exhibits: 0 to create, 0 to update, 2 unchanged" in result.output
    assert "New categories" not in result.output
    db.session.expire_all()
    assert db.session.execute(select(Exhibit.id, Exhibit.version)).all() == versions
    assert count(Category) == 3


def test_an_edited_file_updates_in_place_and_blank_cells_keep_values(runner, write_file):
    assert run_import(runner, write_file("v1.csv", csv_bytes([CHIP]))).exit_code == 0
    edited = row(
        enterprise_zh="重庆芯联微电子有限公司", booth="N1-A09",  # matched by Chinese name; other cells blank
        exhibit_zh="车规级MCU芯片", exhibit_description="Now AEC-Q100 grade 1.",
    )
    result = run_import(runner, write_file("v2.csv", csv_bytes([edited])))
    assert result.exit_code == 0, result.output
    assert "Enterprises: 0 to create, 1 to update" in result.output
    assert "Exhibits: 0 to create, 1 to update" in result.output
    db.session.expire_all()
    assert count(Enterprise) == 1 and count(Exhibit) == 1
    enterprise = db.session.scalar(select(Enterprise))
    assert enterprise.booth == "N1-A09"
    assert enterprise.website == "https://www.xinlian.example.cn"  # blank cell did not erase it
    exhibit = db.session.scalar(select(Exhibit))
    assert exhibit.description == "Now AEC-Q100 grade 1."
    assert exhibit.exhibit_code == "EX-001" and exhibit.tags == ["MCU", "车规级", "automotive"]


def test_rows_of_one_enterprise_are_merged_by_credit_code_or_name(runner, write_file):
    second = row(credit_code=CODE_A, code="EX-003", exhibit="Power module", category="Chips")
    third = row(enterprise="CHONGQING XINLIAN MICROELECTRONICS CO LTD", exhibit="SiC MOSFET")
    result = run_import(runner, write_file("list.csv", csv_bytes([CHIP, second, third])))
    assert result.exit_code == 0, result.output
    assert "Enterprises: 1 to create" in result.output
    assert "Exhibits: 3 to create" in result.output
    db.session.expire_all()
    assert count(Enterprise) == 1


def test_a_bad_row_commits_nothing_and_names_row_column_and_reason(runner, write_file):
    bad_code = row(enterprise="Bad Code Ltd", credit_code="91350100M000100Y44", exhibit="Thing")
    bad_site = row(enterprise="Bad Site Ltd", website="javascript:alert(1)")
    result = run_import(runner, write_file("list.csv", csv_bytes([CHIP, bad_code, bad_site])))
    assert result.exit_code == 1
    assert "Row 3, column C (Credit Code): '91350100M000100Y44' has a wrong check digit" in result.output
    assert "Row 4, column F (Website): 'javascript:alert(1)' must be an http:// or https:// address" in result.output
    assert "nothing was imported" in result.output
    assert count(Enterprise) == 0 and count(Exhibit) == 0 and count(Category) == 0


def test_every_kind_of_bad_row_is_reported(runner, write_file, make_category):
    parent_a = make_category(name="Vehicles", name_zh="汽车", slug="vehicles")
    parent_b = make_category(name="Phones", name_zh="手机", slug="phones")
    make_category(name="Sensors", name_zh="传感器", slug="vehicle-sensors", parent=parent_a)
    make_category(name="Sensors", name_zh="传感器2", slug="phone-sensors", parent=parent_b)
    rows = [
        CHIP,
        row(exhibit="Orphan exhibit"),  # no enterprise
        row(enterprise_zh="重庆芯联微电子有限公司", hall="S9"),  # conflicts with row 2's hall
        row(enterprise_zh="重庆芯联微电子有限公司", code="EX-001", exhibit="Again"),  # duplicate exhibit
        row(enterprise="Ambiguous Ltd", exhibit="Lidar", category="Sensors"),  # two categories match
        row(enterprise="Short Code Ltd", credit_code="9135", exhibit="X"),
        row(enterprise="No Name Exhibit Ltd", exhibit_description="only a description"),
        row(enterprise="Control Ltd", exhibit="Bad\x1bname"),
    ]
    result = run_import(runner, write_file("list.csv", csv_bytes(rows)))
    assert result.exit_code == 1
    out = result.output
    assert "Row 3, column B (Enterprise Name (Chinese)): an enterprise name (English or Chinese) or a valid credit code is required" in out
    assert "Row 4, column D (Hall): 'S9' conflicts with 'N1' given for the same enterprise in row 2" in out
    assert "Row 5, column I (Exhibit Code): this exhibit is already listed in row 2" in out
    assert "Row 6, column L (Category): 'Sensors' matches 'Vehicles > Sensors' and 'Phones > Sensors'; write the full path" in out
    assert "Row 7, column C (Credit Code): '9135' must be 18 characters long, not 4" in out
    assert "Row 8, column K (Exhibit Name (Chinese)): a new exhibit needs a name (English or Chinese)" in out
    assert "Row 9, column J (Exhibit): contains a control character (U+001B)" in out
    assert count(Enterprise) == 0 and count(Exhibit) == 0


def test_a_credit_code_that_contradicts_the_stored_one_is_refused(runner, write_file, make_enterprise):
    make_enterprise(name_zh="重庆芯联微电子有限公司", credit_code=CODE_A)
    other_code = "91110000802100433B"  # a valid code of another enterprise
    result = run_import(runner, write_file("list.csv", csv_bytes([row(enterprise_zh="重庆芯联微电子有限公司", credit_code=other_code)])))
    assert result.exit_code == 1
    assert f"'{other_code}' differs from the credit code {CODE_A} stored for '重庆芯联微电子有限公司'" in result.output


def test_categories_match_names_and_paths_in_either_language(runner, write_file, make_category):
    ic = make_category(name="Integrated circuits", name_zh="集成电路", slug="integrated-circuits")
    chips = make_category(name="Chips", name_zh="芯片", slug="chips", parent=ic)
    rows = [
        row(enterprise="A Ltd", exhibit="One", category="芯片"),
        row(enterprise="A Ltd", exhibit="Two", category="集成电路 > 芯片"),
        row(enterprise="A Ltd", exhibit="Three", category="ＩＮＴＥＧＲＡＴＥＤ CIRCUITS › chips"),
        row(enterprise="A Ltd", exhibit="Four", category="集成电路 > 封装测试"),
    ]
    result = run_import(runner, write_file("list.csv", csv_bytes(rows)))
    assert result.exit_code == 0, result.output
    assert "New categories: 集成电路 > 封装测试" in result.output
    db.session.expire_all()
    by_name = {x.name: x.category for x in db.session.scalars(select(Exhibit))}
    assert by_name["One"].id == by_name["Two"].id == by_name["Three"].id == chips.id
    assert by_name["Four"].parent_id == ic.id and by_name["Four"].name_zh == "封装测试"


def test_an_exhibit_code_moves_an_exhibit_to_another_enterprise(runner, write_file):
    assert run_import(runner, write_file("v1.csv", csv_bytes([CHIP]))).exit_code == 0
    moved = row(enterprise_zh="重庆两江芯片有限公司", code="EX-001")
    result = run_import(runner, write_file("v2.csv", csv_bytes([moved])))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    exhibit = db.session.scalar(select(Exhibit))
    assert exhibit.enterprise.name_zh == "重庆两江芯片有限公司"
    assert exhibit.name_zh == "车规级MCU芯片"


def test_dry_run_reports_counts_and_commits_nothing(runner, write_file):
    result = run_import(runner, write_file("list.csv", csv_bytes([CHIP, RADAR])), "--dry-run")
    assert result.exit_code == 0
    assert "Exhibits: 2 to create, 0 to update, 0 unchanged" in result.output
    assert "Dry run: nothing was committed." in result.output
    assert count(Enterprise) == 0 and count(Category) == 0


def test_gbk_csv_and_xlsx_import_alike(runner, write_file):
    gbk = run_import(runner, write_file("gbk.csv", csv_bytes([RADAR], encoding="gbk")))
    assert gbk.exit_code == 0, gbk.output
    leading_zero = row(enterprise="Zero Ltd", code="007", exhibit="Zero-padded exhibit")
    xlsx = run_import(runner, write_file("list.xlsx", xlsx_bytes([RADAR, leading_zero])))
    assert xlsx.exit_code == 0, xlsx.output
    assert "Exhibits: 1 to create, 0 to update, 1 unchanged" in xlsx.output
    db.session.expire_all()
    assert db.session.scalar(select(Exhibit.name).where(Exhibit.exhibit_code == "007")) == "Zero-padded exhibit"


def test_an_unreadable_file_is_refused_by_name(runner, write_file):
    result = run_import(runner, write_file("list.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 not a sheet"))
    assert result.exit_code == 1
    assert "PDF" in result.output
    assert count(Enterprise) == 0


def test_import_limits_come_from_configuration(app, runner, write_file):
    app.config["IMPORT_MAX_ROWS"] = 1
    result = run_import(runner, write_file("list.csv", csv_bytes([CHIP, RADAR])))
    assert result.exit_code == 1
    assert "1" in result.output and "rows" in result.output
    assert count(Exhibit) == 0
