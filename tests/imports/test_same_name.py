"""Same-named exhibits of one enterprise (issue 14): distinct exhibit codes are distinct exhibits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalogue.catalog.models import Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.imports.export import export_bytes
from catalogue.imports.history import ImportBatch
from tests.conftest import count
from tests.imports.conftest import csv_bytes, row, xlsx_bytes
from tests.imports.test_undo import undo
from tests.organizer.test_imports import confirm, preview_of, upload

MAKER = "重庆智感科技有限公司"
SENSOR_A = row(enterprise_zh=MAKER, hall="N3", booth="N3-C01", code="EX-0004161", exhibit_zh="智能传感器",
               exhibit="Smart sensor", exhibit_description_zh="温湿度型号", tags="传感器、温湿度")
SENSOR_B = row(enterprise_zh=MAKER, code="EX-0014161", exhibit_zh="智能传感器", exhibit="Smart sensor",
               exhibit_description_zh="压力型号", tags="传感器、压力")
FILLER = [row(enterprise_zh=MAKER, code=f"EX-{n:07d}", exhibit_zh=f"展品{n}") for n in range(3)]


def cli(runner, write_file, name: str, data: bytes):
    return runner.invoke(args=["import", str(write_file(name, data))])


def state() -> list[tuple]:
    db.session.expire_all()
    return [(x.id, x.exhibit_code, x.name_zh, x.description_zh, tuple(x.tags), x.enterprise_id, x.version)
            for x in db.session.scalars(select(Exhibit).order_by(Exhibit.id))]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_two_exhibits_with_one_name_and_distinct_codes_import_as_two(runner, write_file, fmt):
    rows = [SENSOR_A, *FILLER, SENSOR_B]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    result = cli(runner, write_file, f"list.{fmt}", data)
    assert result.exit_code == 0, result.output
    assert "Exhibits: 5 to create, 0 to update, 0 unchanged" in result.output
    sensors = db.session.scalars(select(Exhibit).where(Exhibit.name_zh == "智能传感器").order_by(Exhibit.id)).all()
    assert [(x.exhibit_code, x.description_zh, x.tags) for x in sensors] == [
        ("EX-0004161", "温湿度型号", ["传感器", "温湿度"]), ("EX-0014161", "压力型号", ["传感器", "压力"])]
    assert sensors[0].enterprise_id == sensors[1].enterprise_id and count(Enterprise) == 1

    before = state()
    again = cli(runner, write_file, f"again.{fmt}", data)
    assert again.exit_code == 0, again.output
    assert "Enterprises: 0 to create, 0 to update, 1 unchanged" in again.output
    assert "Exhibits: 0 to create, 0 to update, 5 unchanged" in again.output
    assert state() == before


def test_a_repeated_exhibit_code_is_still_refused(runner, write_file):
    result = cli(runner, write_file, "list.csv", csv_bytes([SENSOR_A, SENSOR_A]))
    assert result.exit_code == 1
    assert "Row 3, column I (Exhibit Code): this exhibit is already listed in row 2" in result.output
    assert count(Exhibit) == 0


@pytest.mark.parametrize("order", ["coded first", "code-less first"])
def test_a_codeless_row_named_like_a_coded_row_is_refused_naming_both_rows(runner, write_file, order):
    codeless = row(enterprise_zh=MAKER, exhibit_zh="智能传感器", exhibit_description_zh="没有编号")
    rows = [SENSOR_A, FILLER[0], codeless] if order == "coded first" else [codeless, FILLER[0], SENSOR_A]
    result = cli(runner, write_file, "list.csv", csv_bytes(rows))
    assert result.exit_code == 1
    codeless_row, coded_row = (4, 2) if order == "coded first" else (2, 4)
    assert (f"Row {codeless_row}, column K (Exhibit Name (Chinese)): this row has no exhibit code and names the "
            f"same exhibit as row {coded_row} (exhibit code EX-0004161); give it its exhibit code, or "
            "another name") in result.output
    assert "1 error(s)" in result.output
    assert count(Exhibit) == count(Enterprise) == 0


def test_two_codeless_rows_with_one_name_are_still_refused(runner, write_file):
    first = row(enterprise_zh=MAKER, exhibit_zh="智能传感器")
    second = row(enterprise_zh=MAKER, exhibit="Smart sensor", exhibit_zh="智能 传感器")
    result = cli(runner, write_file, "list.csv", csv_bytes([first, second]))
    assert result.exit_code == 1
    assert "Row 3, column K (Exhibit Name (Chinese)): this exhibit is already listed in row 2" in result.output
    assert count(Exhibit) == 0


def test_a_codeless_row_matching_two_stored_exhibits_is_refused_naming_them(runner, write_file):
    assert cli(runner, write_file, "v1.csv", csv_bytes([SENSOR_A, SENSOR_B])).exit_code == 0
    before = state()
    vague = row(enterprise_zh=MAKER, exhibit_zh="智能传感器", exhibit_description_zh="改了")
    result = cli(runner, write_file, "v2.csv", csv_bytes([vague]))
    assert result.exit_code == 1
    assert ("Row 2, column K (Exhibit Name (Chinese)): '智能传感器' matches 2 exhibits of this enterprise "
            "(exhibit codes EX-0004161, EX-0014161); give the exhibit code") in result.output
    assert state() == before


def test_a_codeless_row_is_told_apart_by_its_other_name(runner, write_file):
    model_a = row(enterprise_zh=MAKER, code="EX-1", exhibit_zh="智能传感器", exhibit="Smart sensor S1")
    model_b = row(enterprise_zh=MAKER, code="EX-2", exhibit_zh="智能传感器", exhibit="Smart sensor S2")
    assert cli(runner, write_file, "v1.csv", csv_bytes([model_a, model_b])).exit_code == 0
    edit = row(enterprise_zh=MAKER, exhibit_zh="智能传感器", exhibit="smart sensor s2", exhibit_description="New")
    result = cli(runner, write_file, "v2.csv", csv_bytes([edit]))
    assert result.exit_code == 0, result.output
    assert "Exhibits: 0 to create, 1 to update, 0 unchanged" in result.output
    db.session.expire_all()
    described = db.session.scalars(select(Exhibit.exhibit_code).where(Exhibit.description == "New")).all()
    assert described == ["EX-2"]


def test_a_codeless_row_still_updates_the_one_stored_exhibit_of_its_name(runner, write_file):
    assert cli(runner, write_file, "v1.csv", csv_bytes([SENSOR_A])).exit_code == 0
    edit = row(enterprise_zh=MAKER, exhibit_zh="智能传感器", exhibit_description_zh="新简介")
    result = cli(runner, write_file, "v2.csv", csv_bytes([edit]))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(Exhibit.description_zh)).all() == ["新简介"]


def test_a_new_code_under_a_stored_name_with_another_code_creates_an_exhibit(runner, write_file):
    assert cli(runner, write_file, "v1.csv", csv_bytes([SENSOR_A])).exit_code == 0
    before = state()
    result = cli(runner, write_file, "v2.csv", csv_bytes([SENSOR_B]))
    assert result.exit_code == 0, result.output
    assert "Exhibits: 1 to create, 0 to update, 0 unchanged" in result.output
    after = state()
    assert after[0] == before[0]  # the stored EX-0004161 is untouched
    assert after[1][1:4] == ("EX-0014161", "智能传感器", "压力型号")


def test_codes_given_later_go_to_the_stored_codeless_exhibit_then_to_new_ones(runner, write_file):
    codeless = row(enterprise_zh=MAKER, exhibit_zh="智能传感器", exhibit_description_zh="温湿度型号")
    assert cli(runner, write_file, "v1.csv", csv_bytes([codeless])).exit_code == 0
    (stored_id, *_), = state()
    result = cli(runner, write_file, "v2.csv", csv_bytes([SENSOR_A, SENSOR_B]))
    assert result.exit_code == 0, result.output
    assert "Exhibits: 1 to create, 1 to update, 0 unchanged" in result.output
    after = state()
    assert [(x[0], x[1], x[3]) for x in after] == [
        (stored_id, "EX-0004161", "温湿度型号"), (after[1][0], "EX-0014161", "压力型号")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_an_export_with_same_named_exhibits_reimports_unchanged(runner, tmp_path, write_file, fmt):
    assert cli(runner, write_file, "list.csv", csv_bytes([SENSOR_A, *FILLER, SENSOR_B])).exit_code == 0
    before = state()
    path = tmp_path / f"catalogue.{fmt}"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Exhibits: 0 to create, 0 to update, 5 unchanged" in result.output
    assert state() == before


def test_the_web_preview_shows_both_as_create_and_undo_restores_exactly(runner, write_file, admin_client):
    assert cli(runner, write_file, "base.csv", csv_bytes([FILLER[0]])).exit_code == 0
    before = export_bytes("json")
    _, page = preview_of(admin_client, upload(admin_client, xlsx_bytes([SENSOR_A, SENSOR_B]), "sensors.xlsx"))
    assert 'data-count="exhibits-create">2<' in page
    assert page.count('class="row-create"') == 2 and page.count("智能传感器") >= 2
    assert "Confirm the import" in page
    assert confirm(admin_client, page).status_code == 302
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert batch.counts["exhibits"]["create"] == 2
    assert count(Exhibit) == 3

    assert f"Undid import #{batch.id}" in undo(admin_client, batch.id)
    db.session.expire_all()
    assert export_bytes("json") == before
    assert count(Exhibit) == 1


def test_the_editor_keeps_same_named_exhibits_apart_by_code(runner, write_file, admin_client):
    from tests.organizer.test_editing import errors, exhibit_form, post

    assert cli(runner, write_file, "list.csv", csv_bytes([SENSOR_A, SENSOR_B])).exit_code == 0
    first, second = db.session.scalars(select(Exhibit).order_by(Exhibit.id)).all()
    edited = post(admin_client, f"/organizer/exhibits/{second.id}", **exhibit_form(
        second.enterprise_id, exhibit_code="EX-0014161", name_zh="智能传感器", description_zh="压力型号，新版"))
    assert edited.status_code == 302, errors(edited)
    db.session.expire_all()
    assert db.session.get(Exhibit, second.id).description_zh == "压力型号，新版"

    codeless = post(admin_client, f"/organizer/exhibits/{second.id}", **exhibit_form(
        second.enterprise_id, name_zh="智能传感器"))
    assert codeless.status_code == 400
    assert ("This enterprise already has an exhibit called &#39;智能传感器&#39;; two exhibits of one name "
            "need exhibit codes.") in errors(codeless)
    db.session.expire_all()
    assert db.session.get(Exhibit, second.id).exhibit_code == "EX-0014161"
    third = post(admin_client, "/organizer/exhibits/new", **exhibit_form(
        first.enterprise_id, exhibit_code="EX-0024161", name_zh="智能传感器"))
    assert third.status_code == 302, errors(third)
    assert count(Exhibit) == 3


def test_an_undo_refusal_tells_same_named_exhibits_apart_by_code(runner, write_file, admin_client):
    _, page = preview_of(admin_client, upload(admin_client, xlsx_bytes([SENSOR_A, SENSOR_B]), "sensors.xlsx"))
    assert confirm(admin_client, page).status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    second = db.session.scalar(select(Exhibit).where(Exhibit.exhibit_code == "EX-0014161"))
    second.description_zh = "手工改过"
    db.session.commit()
    refused = undo(admin_client, batch.id)
    assert f"Exhibit #{second.id} &#39;Smart sensor&#39; (EX-0014161) was changed after this import." in refused
    assert "(EX-0004161) was changed" not in refused
    assert count(Exhibit) == 2
