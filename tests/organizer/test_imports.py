"""Uploading an exhibitor list in the browser: preview, error report, confirm (all or nothing), limits."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.imports import jobs, uploads
from catalogue.imports.history import ImportBatch
from tests.conftest import count, csrf_token, log_in
from tests.imports.conftest import CODE_A, HEADERS, row, xlsx_bytes

CHIP = row(
    enterprise="Chongqing Xinlian Microelectronics Co., Ltd.", enterprise_zh="重庆芯联微电子有限公司",
    credit_code=CODE_A, hall="N1", booth="N1-A01", website="https://www.xinlian.example.cn",
    code="EX-001", exhibit="Automotive MCU chip", exhibit_zh="车规级MCU芯片",
    category="Integrated circuits > Chips", tags="MCU，车规级",
)
RADAR = row(enterprise_zh="重庆雷视科技有限公司", hall="N2", booth="N2-B03", code="EX-002",
            exhibit_zh="4D毫米波雷达", category="传感器")
BAD_CODE = row(enterprise_zh="重庆坏码科技有限公司", credit_code="91350100M000100Y44", code="EX-003",
               exhibit_zh="坏码展品")
BAD_SITE = row(enterprise_zh="重庆坏站科技有限公司", website="ftp://files.example.cn", code="EX-004",
               exhibit_zh="坏站展品")


def upload(client, data: bytes, name: str = "list.xlsx", token: str | None = None):
    token = token or csrf_token(client, "/organizer/imports/new")
    return client.post("/organizer/imports/new", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def preview_of(client, response) -> tuple[str, str]:
    """Follow an upload's redirect to its preview; (preview id, page)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    preview_id = re.search(r"/previews/([0-9a-f]{32})", location).group(1)
    uploads.wait_for_preview(preview_id, 30)
    page = client.get(location)
    assert page.status_code == 200
    return preview_id, page.get_data(as_text=True)


def confirm(client, page: str):
    """Post the preview's Confirm form as the browser would."""
    fields = dict(re.findall(r'<input[^>]*name="(csrf_token|preview_id)"[^>]*value="([^"]*)"', page))
    assert set(fields) == {"csrf_token", "preview_id"}, page
    return client.post("/organizer/imports/confirm", data=fields)


def test_the_preview_lists_rows_counts_and_new_categories_and_commits_nothing(editor_client, app):
    data = xlsx_bytes([CHIP, RADAR])
    _, page = preview_of(editor_client, upload(editor_client, data))
    assert 'data-count="enterprises-create">2<' in page
    assert 'data-count="exhibits-create">2<' in page
    for path in ("Integrated circuits", "Integrated circuits &gt; Chips", "传感器"):
        assert f"<li>{path}</li>" in page
    assert "车规级MCU芯片" in page and "4D毫米波雷达" in page
    assert page.count('class="row-create"') == 2
    assert "Confirm the import" in page
    assert count(Enterprise) == count(Exhibit) == count(Category) == 0
    stored = Path(app.instance_path) / "uploads" / f"{hashlib.sha256(data).hexdigest()}.xlsx"
    assert stored.read_bytes() == data


def test_confirm_commits_and_confirming_again_changes_nothing(editor_client):
    data = xlsx_bytes([CHIP, RADAR])
    _, page = preview_of(editor_client, upload(editor_client, data))
    response = confirm(editor_client, page)
    assert response.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert response.headers["Location"] == f"/organizer/imports/{batch.id}"
    assert (batch.checksum, batch.filename, batch.actor) == (
        hashlib.sha256(data).hexdigest(), "list.xlsx", "editor@example.org")
    assert batch.organizer_id == editor_client.organizer.id
    assert batch.counts["exhibits"]["create"] == 2 and batch.counts["categories"] == 3
    assert count(Enterprise) == 2 and count(Exhibit) == 2 and count(Category) == 3
    versions = db.session.execute(select(Exhibit.id, Exhibit.version).order_by(Exhibit.id)).all()

    again = confirm(editor_client, page)  # the same preview, confirmed twice
    assert again.status_code == 302
    history = editor_client.get(again.headers["Location"]).get_data(as_text=True)
    assert f"Already imported as import #{batch.id}" in history
    db.session.expire_all()
    assert count(ImportBatch) == 1
    assert db.session.execute(select(Exhibit.id, Exhibit.version).order_by(Exhibit.id)).all() == versions

    _, second_preview = preview_of(editor_client, upload(editor_client, data))
    assert 'data-count="exhibits-unchanged">2<' in second_preview
    assert "A file with this checksum was already imported" in second_preview


def test_a_bad_file_shows_the_reasons_offers_an_error_report_and_commits_nothing(editor_client):
    data = xlsx_bytes([CHIP, BAD_CODE, BAD_SITE])
    preview_id, page = preview_of(editor_client, upload(editor_client, data, "bad list.xlsx"))
    assert "has a wrong check digit: the last character should be 3, not 4" in page
    assert "must be an http:// or https:// address" in page
    assert "Confirm the import" not in page
    assert "2 errors: nothing can be imported" in page

    report = editor_client.get(f"/organizer/imports/previews/{preview_id}/errors.xlsx")
    assert report.status_code == 200
    assert report.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="bad list-errors.xlsx"' in report.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(report.data)).worksheets[0]
    rows = [[cell or "" for cell in values] for values in sheet.iter_rows(values_only=True)]
    assert rows[0] == [*HEADERS, "Errors"]
    assert rows[1] == [*CHIP, ""]  # good rows are kept, their Errors cell blank
    assert rows[2][:-1] == BAD_CODE
    assert rows[2][-1] == ("Row 3, column C (Credit Code): '91350100M000100Y44' has a wrong check digit: "
                           "the last character should be 3, not 4")
    assert rows[3][-1].startswith("Row 4, column F (Website): 'ftp://files.example.cn' must be an http")

    fields = {"csrf_token": csrf_token(editor_client, "/organizer/imports/new"), "preview_id": preview_id}
    refused = editor_client.post("/organizer/imports/confirm", data=fields)
    assert refused.status_code == 302
    again = editor_client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "nothing was imported" in again
    assert count(Enterprise) == count(Exhibit) == count(Category) == count(ImportBatch) == 0


def test_the_error_report_keeps_formulas_as_text(editor_client):
    formula = row(enterprise_zh="=HYPERLINK(\"http://evil.example\")", credit_code="123")
    preview_id, _ = preview_of(editor_client, upload(editor_client, xlsx_bytes([formula])))
    report = editor_client.get(f"/organizer/imports/previews/{preview_id}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(report.data)).worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_ignored_columns_are_listed(editor_client):
    data = xlsx_bytes([[*CHIP, "call back"]], headers=[*HEADERS, "Sales notes"])
    _, page = preview_of(editor_client, upload(editor_client, data))
    assert "Ignored columns: Sales notes" in page


def test_an_unreadable_file_is_refused_with_its_reason(editor_client):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    _, page = preview_of(editor_client, upload(editor_client, png, "list.csv"))
    assert "The file looks like a PNG image, not a spreadsheet" in page
    assert "Nothing was imported" in page


def test_a_file_over_the_limit_gets_a_friendly_413_and_is_not_stored(editor_client, app):
    app.config["IMPORT_MAX_BYTES"] = 2_000
    app.config["MAX_CONTENT_LENGTH"] = 2_000 + 4_096
    token = csrf_token(editor_client, "/organizer/imports/new")
    for size in (3_000, 50_000):  # refused by our own check, then by the request size limit
        response = upload(editor_client, b"Enterprise\n" + b"x" * size, "big.csv", token)
        assert response.status_code == 413, size
        page = response.get_data(as_text=True)
        assert "The file is too large" in page and "at most 0 MiB (2,000 bytes)" in page
    assert not list((Path(app.instance_path) / "uploads").glob("*.csv"))


def test_a_long_preview_runs_in_the_background_with_a_refreshing_progress_page(editor_client, app, monkeypatch):
    app.config["IMPORT_PREVIEW_WAIT"] = 0
    release = threading.Event()
    real_plan = uploads.plan_import

    def slow_plan(sheet, snapshot):
        assert release.wait(30)
        return real_plan(sheet, snapshot)

    monkeypatch.setattr(uploads, "plan_import", slow_plan)
    response = upload(editor_client, xlsx_bytes([CHIP, RADAR]))
    location = response.headers["Location"]
    preview_id = location.rsplit("/", 1)[1]
    for _ in range(300):
        page = editor_client.get(location).get_data(as_text=True)
        if "Checking 2 rows" in page:
            break
        threading.Event().wait(0.01)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Rows done: 0 / 2" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script: the CSP forbids it
    release.set()
    uploads.wait_for_preview(preview_id, 30)
    done = editor_client.get(location).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in done
    assert 'data-count="exhibits-create">2<' in done


def test_unknown_previews_and_uploads_are_404(editor_client):
    assert editor_client.get("/organizer/imports/previews/" + "0" * 32).status_code == 404
    assert editor_client.get("/organizer/imports/previews/nonsense").status_code == 404
    for preview_id in ("../" * 5, "0" * 32, ""):
        fields = {"csrf_token": csrf_token(editor_client, "/organizer/imports/new"), "preview_id": preview_id}
        assert editor_client.post("/organizer/imports/confirm", data=fields).status_code == 404


# --- owners: a preview belongs to its uploader ------------------------------------------------


def test_another_editor_can_neither_see_nor_confirm_a_preview(app, editor_client, make_organizer):
    preview_id, page = preview_of(editor_client, upload(editor_client, xlsx_bytes([CHIP])))
    other = app.test_client()
    make_organizer(email="other@example.org", role="editor")
    assert log_in(other, "other@example.org").status_code == 302
    assert other.get(f"/organizer/imports/previews/{preview_id}").status_code == 404
    assert other.get(f"/organizer/imports/previews/{preview_id}/errors.xlsx").status_code == 404
    fields = {"csrf_token": csrf_token(other, "/organizer/imports/new"), "preview_id": preview_id}
    assert other.post("/organizer/imports/confirm", data=fields).status_code == 404
    assert count(ImportBatch) == count(Enterprise) == 0
    assert confirm(editor_client, page).status_code == 302  # its uploader still can
    assert count(ImportBatch) == 1


def test_another_editor_cannot_follow_an_import_job(app, editor_client, make_organizer):
    app.config["IMPORT_CONFIRM_WAIT"] = 0
    _, page = preview_of(editor_client, upload(editor_client, xlsx_bytes([CHIP])))
    location = confirm(editor_client, page).headers["Location"]
    job_id = re.search(r"/organizer/imports/jobs/([0-9a-f]{32})", location).group(1)
    jobs.wait_for_job(job_id, 60)
    other = app.test_client()
    make_organizer(email="other@example.org", role="editor")
    assert log_in(other, "other@example.org").status_code == 302
    assert other.get(f"/organizer/imports/jobs/{job_id}").status_code == 404
    assert editor_client.get(f"/organizer/imports/jobs/{job_id}").status_code == 302  # to its batch


def test_an_admin_sees_and_confirms_any_preview(app, editor_client, make_organizer):
    preview_id, _ = preview_of(editor_client, upload(editor_client, xlsx_bytes([CHIP]), "展商名单.xlsx"))
    admin = app.test_client()
    make_organizer(email="boss@example.org", role="admin")
    assert log_in(admin, "boss@example.org").status_code == 302
    page = admin.get(f"/organizer/imports/previews/{preview_id}")
    assert page.status_code == 200 and "展商名单.xlsx" in page.get_data(as_text=True)
    assert confirm(admin, page.get_data(as_text=True)).status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.filename, batch.actor) == ("展商名单.xlsx", "boss@example.org")


def test_the_history_records_the_uploaded_name_not_one_sent_with_the_confirm(editor_client):
    data = xlsx_bytes([CHIP])
    preview_id, _ = preview_of(editor_client, upload(editor_client, data, "exhibitors 2026.xlsx"))
    fields = {"csrf_token": csrf_token(editor_client, "/organizer/imports/new"), "preview_id": preview_id,
              "checksum": hashlib.sha256(data).hexdigest(), "filename": "<b>forged</b>.xlsx"}
    response = editor_client.post("/organizer/imports/confirm", data=fields)
    assert response.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert batch.filename == "exhibitors 2026.xlsx"
    assert "forged" not in editor_client.get("/organizer/imports/").get_data(as_text=True)


# --- one preview per organizer at a time ------------------------------------------------------


def test_a_second_upload_while_the_first_is_checked_is_refused_clearly(app, editor_client, make_organizer,
                                                                         monkeypatch):
    app.config["IMPORT_PREVIEW_WAIT"] = 0
    release = threading.Event()
    real_plan = uploads.plan_import

    def slow_plan(sheet, snapshot):
        assert release.wait(30)
        return real_plan(sheet, snapshot)

    monkeypatch.setattr(uploads, "plan_import", slow_plan)
    first = upload(editor_client, xlsx_bytes([CHIP]), "第一批.xlsx")
    first_id = first.headers["Location"].rsplit("/", 1)[1]
    second_data = xlsx_bytes([RADAR])
    refused = upload(editor_client, second_data, "second.xlsx")
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "Your previous file, 第一批.xlsx, is still being checked. Wait until its preview is ready" in html
    assert f'href="/organizer/imports/previews/{first_id}"' in html
    stored = Path(app.instance_path) / "uploads" / f"{hashlib.sha256(second_data).hexdigest()}.xlsx"
    assert not stored.exists()  # refused before it was stored
    zh = editor_client.get("/organizer/imports/new?lang=zh").get_data(as_text=True)
    assert "您的上一个文件（第一批.xlsx）仍在检查中。请等它的预览完成后再上传下一个文件。" in zh

    other = app.test_client()  # the limit is per organizer: someone else may upload meanwhile
    make_organizer(email="other@example.org", role="editor")
    assert log_in(other, "other@example.org").status_code == 302
    others = upload(other, xlsx_bytes([BAD_CODE]), "other.xlsx")
    assert others.status_code == 302

    release.set()
    uploads.wait_for_preview(first_id, 30)
    uploads.wait_for_preview(others.headers["Location"].rsplit("/", 1)[1], 30)
    assert "still being checked" not in editor_client.get("/organizer/imports/new").get_data(as_text=True)
    _, page = preview_of(editor_client, upload(editor_client, second_data, "second.xlsx"))
    assert "4D毫米波雷达" in page
