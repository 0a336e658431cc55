"""Import history and undo: each batch records what it replaced; undo restores exactly the state before it."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.imports.export import export_bytes
from catalogue.imports.history import BatchChange, ImportBatch
from tests.conftest import count, csrf_token
from tests.imports.conftest import CODE_A, csv_bytes, row
from tests.organizer.test_imports import confirm, preview_of, upload

BASE = [
    row(enterprise="Chongqing Xinlian Microelectronics Co., Ltd.", enterprise_zh="重庆芯联微电子有限公司",
        credit_code=CODE_A, hall="N1", booth="N1-A01", code="EX-001", exhibit="Automotive MCU chip",
        exhibit_zh="车规级MCU芯片", category="Integrated circuits > Chips", tags="MCU, automotive"),
    row(enterprise_zh="重庆雷视科技有限公司", hall="N2", booth="N2-B03", code="EX-002",
        exhibit_zh="4D毫米波雷达", category="传感器"),
]
EDITED = [
    # updates: the enterprise's booth and website, the chip's description and tags, and a move to a new category
    row(enterprise_zh="重庆芯联微电子有限公司", booth="N1-A09", website="www.xinlian.example.cn", code="EX-001",
        exhibit_zh="车规级MCU芯片", exhibit_description="Now AEC-Q100 grade 1.", tags="MCU, AEC-Q100",
        category="Integrated circuits > Power chips"),
    # creates: an exhibit for an existing enterprise, and a new enterprise with an exhibit in a new category
    row(enterprise_zh="重庆雷视科技有限公司", code="EX-005", exhibit_zh="车载摄像头", category="传感器"),
    row(enterprise_zh="重庆新能源电池有限公司", hall="S1", code="EX-006", exhibit_zh="固态电池",
        category="新能源 > 电池"),
]


def cli_import(runner, write_file, rows, name="base.csv"):
    result = runner.invoke(args=["import", str(write_file(name, csv_bytes(rows)))])
    assert result.exit_code == 0, result.output
    return result


def web_import(client, rows, name="edited.csv") -> ImportBatch:
    _, page = preview_of(client, upload(client, csv_bytes(rows), name))
    response = confirm(client, page)
    assert response.status_code == 302
    return db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))


def undo(client, batch_id: int):
    token = csrf_token(client, f"/organizer/imports/{batch_id}")
    response = client.post(f"/organizer/imports/{batch_id}/undo", data={"csrf_token": token})
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_command_line_import_is_recorded_as_a_batch(runner, write_file):
    result = cli_import(runner, write_file, BASE)
    batch = db.session.scalar(select(ImportBatch))
    assert f"Recorded as import #{batch.id}" in result.output
    assert batch.actor == "command line" and batch.organizer_id is None
    assert batch.filename == "base.csv"
    assert batch.checksum == hashlib.sha256(csv_bytes(BASE)).hexdigest()
    assert batch.counts["enterprises"]["create"] == 2 and batch.counts["exhibits"]["create"] == 2
    kinds = sorted((c.kind, c.action) for c in batch.changes)
    assert kinds == [("category", "create")] * 3 + [("enterprise", "create")] * 2 + [("exhibit", "create")] * 2
    again = runner.invoke(args=["import", str(write_file("base.csv", csv_bytes(BASE)))])
    assert again.exit_code == 0 and "Recorded" not in again.output  # nothing changed, nothing recorded
    assert count(ImportBatch) == 1


def test_a_batch_records_the_values_it_replaced_and_the_versions_it_left(runner, write_file, admin_client):
    cli_import(runner, write_file, BASE)
    batch = web_import(admin_client, EDITED)
    assert batch.actor == "admin@example.org"
    chip = db.session.scalar(select(Exhibit).where(Exhibit.exhibit_code == "EX-001"))
    change = db.session.scalar(select(BatchChange).where(
        BatchChange.batch_id == batch.id, BatchChange.kind == "exhibit", BatchChange.record_id == chip.id))
    assert change.action == "update"
    assert change.before["description"] is None
    assert change.before["tags"] == ["MCU", "automotive"]
    assert change.after["tags"] == ["MCU", "AEC-Q100"]
    assert change.before["category_id"] != change.after["category_id"] == chip.category_id
    assert change.after["version"] == chip.version == 2
    enterprise = change_for(batch, "enterprise", chip.enterprise_id)
    assert enterprise.before == {"booth": "N1-A01", "website": None}


def change_for(batch, kind, record_id):
    return next(c for c in batch.changes if c.kind == kind and c.record_id == record_id)


def test_undo_restores_exactly_the_catalogue_before_the_import(runner, write_file, admin_client):
    cli_import(runner, write_file, BASE)
    before, categories = export_bytes("json"), count(Category)
    batch = web_import(admin_client, EDITED)
    assert export_bytes("json") != before
    assert count(Category) == categories + 3  # Power chips, 新能源, 电池

    page = undo(admin_client, batch.id)
    assert f"Undid import #{batch.id}" in page
    db.session.expire_all()
    assert export_bytes("json") == before
    assert count(Category) == categories
    assert db.session.get(ImportBatch, batch.id).undone_by == "admin@example.org"  # marked, not deleted
    assert "undone by admin@example.org" in admin_client.get("/organizer/imports/").get_data(as_text=True)


def test_undo_is_refused_with_the_reason_after_a_later_edit_of_the_same_record(runner, write_file, admin_client):
    cli_import(runner, write_file, BASE)
    batch = web_import(admin_client, EDITED)
    chip = db.session.scalar(select(Exhibit).where(Exhibit.exhibit_code == "EX-001"))
    chip.description = "Edited by hand afterwards."
    db.session.commit()
    after_edit = export_bytes("json")

    page = undo(admin_client, batch.id)
    assert f"Exhibit #{chip.id} &#39;Automotive MCU chip&#39; (EX-001) was changed after this import." in page
    db.session.expire_all()
    assert export_bytes("json") == after_edit
    assert db.session.get(ImportBatch, batch.id).undone_at is None


def test_undo_is_refused_when_a_created_enterprise_got_exhibits_later(runner, write_file, admin_client, make_exhibit):
    batch = web_import(admin_client, BASE)
    radar_maker = db.session.scalar(select(Enterprise).where(Enterprise.name_zh == "重庆雷视科技有限公司"))
    make_exhibit(enterprise=radar_maker, name_zh="后加展品")
    page = undo(admin_client, batch.id)
    assert "has 1 exhibit(s) added after this import" in page
    assert count(Exhibit) == 3


def test_only_the_latest_import_can_be_undone_and_only_by_an_admin(runner, write_file, admin_client, make_organizer):
    cli_import(runner, write_file, BASE)
    first = db.session.scalar(select(ImportBatch))
    second = web_import(admin_client, EDITED)
    refused = undo(admin_client, first.id)
    assert f"Only the latest import can be undone; undo import #{second.id} first." in refused
    history = admin_client.get("/organizer/imports/").get_data(as_text=True)
    assert history.count(">Undo</button>") == 1

    from tests.conftest import _signed_in_client

    editor = _signed_in_client(admin_client.application, make_organizer(role="editor"))
    token = csrf_token(editor, "/organizer/imports/")
    assert editor.post(f"/organizer/imports/{second.id}/undo", data={"csrf_token": token}).status_code == 403
    assert ">Undo</button>" not in editor.get("/organizer/imports/").get_data(as_text=True)

    undo(admin_client, second.id)  # then the first one is the latest left, and undoes back to empty
    undo(admin_client, first.id)
    db.session.expire_all()
    assert count(Enterprise) == count(Exhibit) == count(Category) == 0
    assert export_bytes("json") == b"[]"


def test_the_history_and_the_dashboard_show_who_imported_what(runner, write_file, editor_client):
    cli_import(runner, write_file, BASE)
    batch = web_import(editor_client, EDITED)
    history = editor_client.get("/organizer/imports/").get_data(as_text=True)
    assert "command line" in history and "editor@example.org" in history
    assert "edited.csv" in history and batch.checksum[:12] in history
    assert ">Undo</button>" not in history  # editors do not undo
    detail = editor_client.get(f"/organizer/imports/{batch.id}").get_data(as_text=True)
    assert "Booth: N1-A01 → N1-A09" in detail
    dashboard = editor_client.get("/organizer/").get_data(as_text=True)
    assert f'href="/organizer/imports/{batch.id}">Import #{batch.id} edited.csv</a>' in dashboard
