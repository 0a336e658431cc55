"""Editing enterprises, exhibits and categories in the browser, with the importer's rules; export downloads."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.imports.export import export_bytes
from tests.conftest import count, csrf_token

CODE_A = "91350100M000100Y43"
ENTERPRISE = {"name": "Chongqing Xinlian Microelectronics Co., Ltd.", "name_zh": "重庆芯联微电子有限公司",
              "credit_code": "", "hall": "N1", "booth": "N1-A01", "website": "", "description": "",
              "description_zh": ""}


def post(client, url: str, **data):
    token = csrf_token(client, "/organizer/")
    return client.post(url, data={"csrf_token": token, **data}, content_type="multipart/form-data")


def errors(response) -> list[str]:
    return re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', response.get_data(as_text=True))


def exhibit_form(enterprise_id: int, **values) -> dict:
    return {"enterprise_id": str(enterprise_id), "exhibit_code": "", "name": "", "name_zh": "",
            "category_id": "0", "description": "", "description_zh": "", "tags": "", **values}


# --- enterprises ---------------------------------------------------------------------------


def test_an_editor_creates_and_edits_an_enterprise(editor_client):
    response = post(editor_client, "/organizer/enterprises/new",
                    **{**ENTERPRISE, "credit_code": " 91350100m000100y43 ", "website": "www.xinlian.example.cn"})
    assert response.status_code == 302
    enterprise = db.session.scalar(select(Enterprise))
    assert response.headers["Location"] == f"/organizer/enterprises/{enterprise.id}"
    assert enterprise.credit_code == CODE_A  # normalised as the importer does
    assert enterprise.website == "http://www.xinlian.example.cn"
    assert enterprise.name_zh_key == "重庆芯联微电子有限公司"

    page = editor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved Enterprise #" in page and 'value="N1-A01"' in page
    edited = post(editor_client, f"/organizer/enterprises/{enterprise.id}",
                  **{**ENTERPRISE, "booth": "N1-A09", "name": ""})
    assert edited.status_code == 302
    db.session.expire_all()
    assert (enterprise.booth, enterprise.name, enterprise.version) == ("N1-A09", None, 2)


@pytest.mark.parametrize("values, field_error", [
    ({"credit_code": "91350100M000100Y44"},
     "&#39;91350100M000100Y44&#39; has a wrong check digit: the last character should be 3, not 4."),
    ({"credit_code": "12345"}, "must be 18 characters long, not 5"),
    ({"website": "ftp://files.example.cn"}, "The website must be an http:// or https:// address."),
    ({"website": "javascript:alert(1)"}, "The website must be an http:// or https:// address."),
    ({"name": "", "name_zh": "  "}, "Give the enterprise a name in English or Chinese (or both)."),
    ({"hall": "H" * 51}, "Field cannot be longer than 50 characters."),
])
def test_invalid_enterprise_values_are_refused_with_the_importers_messages(editor_client, values, field_error):
    response = post(editor_client, "/organizer/enterprises/new", **{**ENTERPRISE, **values})
    assert response.status_code == 400
    assert any(field_error in message for message in errors(response)), errors(response)
    assert "nothing was saved" in response.get_data(as_text=True)
    assert count(Enterprise) == 0


def test_credit_codes_and_names_must_be_unique(editor_client, make_enterprise):
    make_enterprise(name="Other Co.", name_zh="别的公司", credit_code=CODE_A)
    response = post(editor_client, "/organizer/enterprises/new", **{**ENTERPRISE, "credit_code": CODE_A})
    assert response.status_code == 400
    assert f"Another enterprise already has the credit code {CODE_A}." in errors(response)
    same_name = post(editor_client, "/organizer/enterprises/new", **{**ENTERPRISE, "name_zh": "别的 公司"})
    assert "Another enterprise is already called &#39;别的 公司&#39;; imports match enterprises by name." in (
        errors(same_name))
    assert count(Enterprise) == 1


def test_deleting_an_enterprise_deletes_its_exhibits(editor_client, make_exhibit):
    exhibit = make_exhibit()
    response = post(editor_client, f"/organizer/enterprises/{exhibit.enterprise_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/organizer/enterprises"
    assert count(Enterprise) == count(Exhibit) == 0


# --- exhibits ------------------------------------------------------------------------------


def test_an_editor_creates_an_exhibit_with_tags_and_a_category(editor_client, make_enterprise, make_category):
    owner, chips = make_enterprise(), make_category(name="Chips", name_zh="芯片")
    response = post(editor_client, "/organizer/exhibits/new", **exhibit_form(
        owner.id, exhibit_code="EX-1", name_zh="车规级MCU芯片", category_id=str(chips.id), tags="MCU，车规级、MCU"))
    assert response.status_code == 302
    exhibit = db.session.scalar(select(Exhibit))
    assert (exhibit.enterprise_id, exhibit.category_id, exhibit.tags) == (owner.id, chips.id, ["MCU", "车规级"])
    page = editor_client.get(f"/organizer/exhibits/{exhibit.id}").get_data(as_text=True)
    assert 'value="MCU, 车规级"' in page
    assert f'<option selected value="{chips.id}">' in page


def test_exhibit_codes_must_be_unique_and_a_name_is_required(editor_client, make_exhibit):
    existing = make_exhibit(exhibit_code="EX-1")
    duplicate = post(editor_client, "/organizer/exhibits/new",
                     **exhibit_form(existing.enterprise_id, exhibit_code="EX-1", name="Another"))
    assert duplicate.status_code == 400
    assert "Another exhibit already has the exhibit code EX-1." in errors(duplicate)
    nameless = post(editor_client, "/organizer/exhibits/new", **exhibit_form(existing.enterprise_id))
    assert "Give the exhibit a name in English or Chinese (or both)." in errors(nameless)
    no_owner = post(editor_client, "/organizer/exhibits/new", **exhibit_form(0, name="Orphan"))
    assert "Choose the enterprise that shows this exhibit." in errors(no_owner)
    assert count(Exhibit) == 1


def test_an_exhibit_moves_to_another_category_and_enterprise(editor_client, make_exhibit, make_category,
                                                             make_enterprise):
    old, new, other = make_category(), make_category(), make_enterprise()
    exhibit = make_exhibit(category=old, exhibit_code="EX-9")
    response = post(editor_client, f"/organizer/exhibits/{exhibit.id}", **exhibit_form(
        other.id, exhibit_code="EX-9", name=exhibit.name, category_id=str(new.id)))
    assert response.status_code == 302
    db.session.expire_all()
    assert (exhibit.category_id, exhibit.enterprise_id) == (new.id, other.id)


# --- categories ----------------------------------------------------------------------------


def test_an_editor_creates_a_sub_category_with_a_pinyin_slug(editor_client, make_category):
    parent = make_category(name="Integrated circuits", name_zh="集成电路")
    response = post(editor_client, "/organizer/categories/new", name="", name_zh="芯片", slug="",
                    parent_id=str(parent.id))
    assert response.status_code == 302
    chips = db.session.scalar(select(Category).where(Category.name_zh == "芯片"))
    assert (chips.slug, chips.parent_id) == ("xin-pian", parent.id)
    sibling = post(editor_client, "/organizer/categories/new", name="Chips", name_zh="芯片", slug="",
                   parent_id=str(parent.id))
    assert sibling.status_code == 400
    assert "&#39;芯片&#39; already exists at this level; category paths must be unambiguous." in errors(sibling)
    taken = post(editor_client, "/organizer/categories/new", name="Other", name_zh="", slug="xin-pian",
                 parent_id="0")
    assert "Another category already uses the address /categories/xin-pian." in errors(taken)


def test_a_category_cannot_be_placed_under_its_own_sub_category(editor_client, make_category):
    parent = make_category()
    child = make_category(parent=parent)
    response = post(editor_client, f"/organizer/categories/{parent.id}", name=parent.name, name_zh="",
                    slug=parent.slug, parent_id=str(child.id))
    assert response.status_code == 400
    db.session.expire_all()
    assert parent.parent_id is None


def test_a_category_with_exhibits_is_not_deleted_and_its_exhibits_can_be_moved(editor_client, make_category,
                                                                               make_exhibit):
    sensors, radar = make_category(name="Sensors"), make_category(name="Radar")
    exhibits = [make_exhibit(category=sensors) for _ in range(3)]
    refused = post(editor_client, f"/organizer/categories/{sensors.id}/delete")
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "&#39;Sensors&#39; still has 3 exhibit(s); move them to another category first." in page
    assert "Move all 3 exhibits of this category to" in page  # the move is offered right there
    assert count(Category) == 2

    moved = post(editor_client, f"/organizer/categories/{sensors.id}/move", target_id=str(radar.id))
    assert moved.status_code == 302
    assert "Moved 3 exhibit(s) to “Radar”." in editor_client.get(moved.headers["Location"]).get_data(
        as_text=True)
    db.session.expire_all()
    assert {x.category_id for x in exhibits} == {radar.id}
    assert {x.version for x in exhibits} == {2}

    deleted = post(editor_client, f"/organizer/categories/{sensors.id}/delete")
    assert deleted.status_code == 302
    assert db.session.get(Category, sensors.id) is None


def test_a_category_with_sub_categories_is_not_deleted(editor_client, make_category):
    parent = make_category(name="Vehicles")
    make_category(parent=parent)
    refused = post(editor_client, f"/organizer/categories/{parent.id}/delete")
    assert refused.status_code == 409
    assert "still has 1 sub-categor(ies)" in refused.get_data(as_text=True)
    assert count(Category) == 2


# --- export --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, media", [
    ("csv", "text/csv"), ("json", "application/json"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_export_downloads_equal_the_command_line_export(editor_client, make_exhibit, fmt, media):
    make_exhibit(name="=HYPERLINK(1)", tags=["a", "b"])
    response = editor_client.get(f"/organizer/export.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == media
    assert response.headers["Content-Disposition"] == f'attachment; filename="catalogue.{fmt}"'
    if fmt == "xlsx":  # a workbook's zip carries timestamps; compare what it holds
        def cells(data):
            return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))

        assert cells(response.data) == cells(export_bytes("xlsx"))
    else:
        assert response.data == export_bytes(fmt)


def test_an_unknown_export_format_is_404(editor_client):
    assert editor_client.get("/organizer/export.pdf").status_code == 404


def test_the_console_pages_list_the_catalogue_in_both_languages(editor_client, make_exhibit, make_category):
    chips = make_category(name="Chips", name_zh="芯片")
    exhibit = make_exhibit(category=chips, name="Automotive MCU", exhibit_code="EX-7")
    pages = {
        "/organizer/enterprises": exhibit.enterprise.name_zh,
        f"/organizer/enterprises?q={exhibit.enterprise.name[:10]}": exhibit.enterprise.name_zh,
        "/organizer/exhibits": "EX-7",
        f"/organizer/exhibits?enterprise={exhibit.enterprise_id}": "Automotive MCU",
        "/organizer/categories": "芯片",
        f"/organizer/categories/{chips.id}": "Move the 1 exhibit of this category to",
        "/organizer/categories/new": "Parent category",
        f"/organizer/exhibits/new?enterprise={exhibit.enterprise_id}": f'<option selected value="{exhibit.enterprise_id}">',
        "/organizer/enterprises/new": "Unified social credit code",
        "/organizer/imports/": "No imports yet.",
        "/organizer/imports/new": "Exhibitor list",
    }
    for url, expected in pages.items():
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert expected in response.get_data(as_text=True), url
    chinese = editor_client.get("/organizer/categories?lang=zh").get_data(as_text=True)
    assert "添加类别" in chinese
    assert editor_client.get("/organizer/enterprises?q=nothing-like-this").get_data(as_text=True).count("<tr>") == 2
