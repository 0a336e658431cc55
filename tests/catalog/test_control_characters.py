"""Control characters in text: one rule (catalog/rules.py) for the importer, the console forms and the API.

Forms and imports refuse them with a message naming the field; query strings drop them; exports leave
out any that older rows still hold. Run on PostgreSQL too (CATALOGUE_TEST_DATABASE_URL), where a NUL
used to reach the driver and give a 500."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.catalog.rules import control_character, tidy_text
from catalogue.extensions import db
from catalogue.imports.read import read_table
from catalogue.organizer.models import Organizer
from tests.conftest import csrf_token, log_in

# NUL, other C0, DEL, C1 (NEL), a non-character: every one is refused the same way everywhere
REFUSED = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe"]
STRONG_PASSWORD = "Tq7#river-lantern"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, url: str, **data):
    token = csrf_token(client, "/organizer/")
    return client.post(url, data={"csrf_token": token, **data}, content_type="multipart/form-data")


def field_errors(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">(.*?)</p>', html))


ENTERPRISE = {"name": "Chongqing Radar Co.", "name_zh": "重庆雷达有限公司", "credit_code": "", "hall": "N1",
              "booth": "N1-A01", "website": "", "description": "", "description_zh": ""}


@pytest.mark.parametrize("char", REFUSED)
def test_the_rule_finds_every_refused_character_and_keeps_ordinary_text(char):
    assert control_character(f"芯片{char}MCU") == char
    assert control_character("车规级 MCU\t芯片\n第二行") is None  # tab and newline are whitespace
    assert tidy_text(f"a{char}b") == "ab"
    assert tidy_text("a \r\n b\tc") == "a b c"
    assert tidy_text("第一行\r\n\t第二行\r第三行", multiline=True) == "第一行\n\t第二行\n第三行"


@pytest.mark.parametrize("char", REFUSED)
def test_the_importer_refuses_the_same_characters_naming_row_and_column(char):
    data = json.dumps([{"Enterprise": "Radar Co.", "企业名称": f"重庆{char}雷达", "Booth": "N1-A01"}]).encode()
    [problem] = read_table(data, "x.json").problems
    assert str(problem).startswith("Row 2, column B (企业名称): contains ")
    assert f"(U+{ord(char):04X})" in str(problem)


# --- sign-in and organizer accounts -----------------------------------------------------------


@pytest.mark.parametrize("email", ["admin\x00@example.org", "admin@example.org\x01", "\x85admin@example.org"])
def test_a_control_character_in_the_login_email_is_refused_not_a_500(client, make_organizer, email):
    make_organizer(email="admin@example.org", role="admin")
    response = log_in(client, email)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Contains an invisible control character (U+" in html
    assert client.get("/organizer/").status_code == 302  # still signed out


def test_the_login_refusal_is_in_chinese_on_the_chinese_page(client):
    token = csrf_token(client, "/organizer/login?lang=zh")
    response = client.post("/organizer/login?lang=zh",
                           data={"email": "a\x00@example.org", "password": "x", "csrf_token": token})
    assert "包含无法保存的不可见控制字符（U+0000），请删除。" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["email", "name"])
def test_an_admin_cannot_create_an_organizer_with_a_control_character(admin_client, field):
    values = {"email": "new@example.org", "name": "New", field: "new\x00@example.org"}
    token = csrf_token(admin_client, "/organizer/organizers")
    response = admin_client.post("/organizer/organizers", data={
        "csrf_token": token, "role": "editor", "password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD, **values})
    assert response.status_code == 400
    assert "Contains an invisible control character (U+0000)" in response.get_data(as_text=True)
    assert count(Organizer) == 1


# --- editing forms ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "name_zh", "hall", "booth", "credit_code", "website",
                                   "description", "description_zh"])
@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x85"])
def test_the_enterprise_form_refuses_a_control_character_naming_the_field(editor_client, field, char):
    values = {**ENTERPRISE, field: f"{ENTERPRISE[field] or 'x'}{char}1"}
    response = post(editor_client, "/organizer/enterprises/new", **values)
    assert response.status_code == 400
    assert f"Contains an invisible control character (U+{ord(char):04X})" in field_errors(response)[field]
    assert "nothing was saved" in response.get_data(as_text=True)
    assert count(Enterprise) == 0


@pytest.mark.parametrize("field", ["exhibit_code", "name", "name_zh", "description", "description_zh", "tags"])
def test_the_exhibit_form_refuses_a_control_character_naming_the_field(editor_client, make_enterprise, field):
    owner = make_enterprise()
    make_exhibit_form = {"enterprise_id": str(owner.id), "exhibit_code": "EX-1", "name": "Radar",
                         "name_zh": "雷达", "category_id": "0", "description": "", "description_zh": "",
                         "tags": "雷达"}
    response = post(editor_client, "/organizer/exhibits/new", **{**make_exhibit_form, field: "EX\x00-2"})
    assert response.status_code == 400
    assert "(U+0000)" in field_errors(response)[field]
    assert count(Exhibit) == 0


@pytest.mark.parametrize("field", ["name", "name_zh", "slug"])
def test_the_category_form_refuses_a_control_character_naming_the_field(editor_client, field):
    values = {"name": "Radar", "name_zh": "雷达", "slug": "radar", "parent_id": "0", field: "ra\x00dar"}
    response = post(editor_client, "/organizer/categories/new", **values)
    assert response.status_code == 400
    assert "(U+0000)" in field_errors(response)[field]
    assert count(Category) == 0


def test_descriptions_keep_line_breaks_and_tabs_and_other_fields_fold_them(editor_client):
    response = post(editor_client, "/organizer/enterprises/new", **{
        **ENTERPRISE, "name": "Chongqing\r\nRadar  Co.", "description": "Line one\r\n\tLine two\rThree",
        "description_zh": "第一行\n第二行"})
    assert response.status_code == 302
    enterprise = db.session.scalar(select(Enterprise))
    assert enterprise.name == "Chongqing Radar  Co."
    assert enterprise.description == "Line one\n\tLine two\nThree"
    assert enterprise.description_zh == "第一行\n第二行"


# --- query strings ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/organizer/enterprises?q=a%00b", "/organizer/exhibits?q=%00%01",
                                 "/organizer/enterprises?q=%E9%9B%B7%00%E8%BE%BE"])
def test_console_list_queries_drop_control_characters(editor_client, make_enterprise, url):
    make_enterprise(name="Radar Works", name_zh="雷 达科技")
    response = editor_client.get(url)
    assert response.status_code == 200
    if "%E9%9B%B7" in url:  # 雷\x00达 searches for "雷 达"
        assert "雷 达科技" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["hall=N1%01", "hall=%C2%85N1", "hall=N1%1B"])
def test_visitor_filters_drop_control_characters(client, make_enterprise, query):
    make_enterprise(name="Radar Works", hall="N1")
    response = client.get(f"/enterprises?{query}&lang=en")
    assert response.status_code == 200
    assert "Radar Works" in response.get_data(as_text=True)  # the filter is hall N1


def test_a_nul_in_a_visitor_filter_is_a_400_not_a_500(client):  # web.py refuses NUL in every parameter but q
    assert client.get("/exhibits?hall=N1%00").status_code == 400


@pytest.mark.parametrize("char", ["%01", "%C2%85", "%7F", "%1B"])
def test_api_text_parameters_drop_control_characters(client, make_enterprise, char):
    # the OpenAPI document promises any string; the schema fuzz (tests/resilience) holds the API to it
    make_enterprise(name="Radar Works", hall="N1")
    make_enterprise(name="Far Works", hall="N2")
    response = client.get(f"/api/v1/enterprises?hall=N1{char}")
    assert response.status_code == 200
    assert [item["name"] for item in response.get_json()["items"]] == ["Radar Works"]


# --- exports of rows stored before the rule ---------------------------------------------------


def _legacy_rows() -> None:
    """Rows as an older version could store them (PostgreSQL never held NUL, so the legacy ones are others)."""
    enterprise = Enterprise(name="Legacy\x01 Radar\x1b Co.", name_zh="旧\x7f雷达\x85公司", hall="N1",
                            booth="N1-\x0bA01", description="Line\x02 one\r\nLine two")
    db.session.add(enterprise)
    db.session.flush()
    db.session.add(Exhibit(enterprise_id=enterprise.id, name="Radar\x9f", name_zh="雷达\x1f", tags=["a\x01b"]))
    db.session.commit()


def test_the_xlsx_export_survives_legacy_control_characters(editor_client, runner, tmp_path):
    _legacy_rows()
    response = editor_client.get("/organizer/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    values = [cell.value for cell in sheet[2]]
    assert "Legacy Radar Co." in values and "旧雷达公司" in values and "N1-A01" in values
    assert "Line one\nLine two" in values
    result = runner.invoke(args=["export", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
    assert load_workbook(tmp_path / "out.xlsx").worksheets[0]["A2"].value == "Legacy Radar Co."


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_exports_of_legacy_control_characters_reimport_cleanly(runner, tmp_path, fmt):
    _legacy_rows()
    path = tmp_path / f"catalogue.{fmt}"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    if fmt == "json":
        assert json.loads(path.read_text(encoding="utf-8"))[0]["Enterprise"] == "Legacy Radar Co."
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "control character" not in result.output
    db.session.expire_all()
    enterprise = db.session.scalar(select(Enterprise))
    assert (enterprise.name, enterprise.name_zh, enterprise.booth) == ("Legacy Radar Co.", "旧雷达公司", "N1-A01")
    assert enterprise.description == "Line one\nLine two"
    assert db.session.scalar(select(Exhibit)).tags == ["ab"]
