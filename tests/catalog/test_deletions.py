"""Deleting enterprises and exhibits: a confirmation page first, a danger style, a recorded history
with the deleted values, and a restore of the latest deletion by an admin."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from catalogue.catalog.deletions import Deletion
from catalogue.catalog.models import Enterprise, Exhibit
from catalogue.extensions import db
from tests.conftest import csrf_token

CODE = "91350100M000100Y43"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/organizer/"), **data})


def test_the_edit_page_links_to_a_confirmation_page_that_deletes_nothing(editor_client, make_exhibit):
    exhibit = make_exhibit(name_zh="车规级MCU芯片")
    edit = editor_client.get(f"/organizer/exhibits/{exhibit.id}").get_data(as_text=True)
    # no one-click form: a link styled as danger, unlike Save
    assert f'action="/organizer/exhibits/{exhibit.id}/delete"' not in edit
    assert re.search(rf'<a class="button-link danger" href="/organizer/exhibits/{exhibit.id}/delete">', edit)
    confirm = editor_client.get(f"/organizer/exhibits/{exhibit.id}/delete?lang=zh")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "删除“车规级MCU芯片”？" in page
    assert '<button type="submit" class="danger">删除该展品</button>' in page
    assert f'href="/organizer/exhibits/{exhibit.id}">取消</a>' in page
    assert count(Exhibit) == 1


def test_a_delete_without_its_form_token_is_refused(editor_client, make_exhibit):
    exhibit = make_exhibit()
    assert editor_client.post(f"/organizer/exhibits/{exhibit.id}/delete").status_code == 400
    assert count(Exhibit) == 1


def test_a_deleted_enterprise_is_recorded_with_its_values_and_exhibits(editor_client, make_exhibit,
                                                                          make_category):
    chips = make_category(name="Chips", name_zh="芯片")
    exhibit = make_exhibit(name_zh="车规级MCU芯片", exhibit_code="EX-1", category=chips, tags=["MCU"])
    enterprise = exhibit.enterprise
    enterprise.credit_code = CODE
    db.session.commit()
    enterprise_id = enterprise.id
    response = post(editor_client, f"/organizer/enterprises/{enterprise_id}/delete")
    assert response.status_code == 302 and count(Enterprise) == count(Exhibit) == 0
    flash = editor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Deleted Enterprise #{enterprise_id}" in flash
    deletion = db.session.scalar(select(Deletion))
    assert (deletion.kind, deletion.record_id, deletion.actor) == ("enterprise", enterprise_id, "editor@example.org")
    assert deletion.deleted["enterprise"]["credit_code"] == CODE
    stored = deletion.deleted["exhibits"][0]
    assert (stored["name_zh"], stored["exhibit_code"], stored["category_id"], stored["tags"]) == (
        "车规级MCU芯片", "EX-1", chips.id, ["MCU"])
    history = editor_client.get("/organizer/deletions/").get_data(as_text=True)
    assert CODE in history and "车规级MCU芯片" in history and "editor@example.org" in history
    assert ">Restore</button>" not in history  # editors do not restore


def test_an_admin_restores_the_latest_deletion(admin_client, make_exhibit, make_category):
    chips = make_category(name="Chips", name_zh="芯片")
    first = make_exhibit(name_zh="先删的展品")
    exhibit = make_exhibit(name_zh="车规级MCU芯片", exhibit_code="EX-1", category=chips, tags=["MCU"])
    enterprise_name = exhibit.enterprise.name_zh
    post(admin_client, f"/organizer/exhibits/{first.id}/delete")
    post(admin_client, f"/organizer/enterprises/{exhibit.enterprise_id}/delete")
    older, latest = db.session.scalars(select(Deletion).order_by(Deletion.id)).all()

    refused = post(admin_client, f"/organizer/deletions/{older.id}/restore")
    assert "Only the latest deletion can be restored." in admin_client.get(refused.headers["Location"]).get_data(
        as_text=True)
    restored = post(admin_client, f"/organizer/deletions/{latest.id}/restore")
    assert restored.status_code == 302
    db.session.expire_all()
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.name_zh == enterprise_name))
    assert restored.headers["Location"] == f"/organizer/enterprises/{enterprise.id}"
    (back,) = enterprise.exhibits
    assert (back.name_zh, back.exhibit_code, back.category_id, back.tags) == ("车规级MCU芯片", "EX-1", chips.id, ["MCU"])
    assert db.session.get(Deletion, latest.id).restored_by == "admin@example.org"
    again = post(admin_client, f"/organizer/deletions/{latest.id}/restore")
    assert "This deletion was already restored." in admin_client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_restore_that_would_break_the_rules_is_refused(admin_client, make_enterprise):
    enterprise = make_enterprise(name_zh="重庆芯联微电子有限公司")
    post(admin_client, f"/organizer/enterprises/{enterprise.id}/delete")
    make_enterprise(name_zh="重庆芯联微电子有限公司")  # the name was taken again since
    admin_client.set_cookie("lang", "zh")
    response = post(admin_client, f"/organizer/deletions/{db.session.scalar(select(Deletion.id))}/restore")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "无法恢复：已有其他展商名为“重庆芯联微电子有限公司”" in page
    assert count(Enterprise) == 1


def test_editors_cannot_restore(editor_client, make_exhibit):
    exhibit = make_exhibit()
    post(editor_client, f"/organizer/exhibits/{exhibit.id}/delete")
    deletion_id = db.session.scalar(select(Deletion.id))
    assert post(editor_client, f"/organizer/deletions/{deletion_id}/restore").status_code == 403
    assert db.session.get(Deletion, deletion_id).restored_at is None
