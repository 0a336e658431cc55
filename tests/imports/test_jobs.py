"""Confirming an import as a background job: progress page, result page, the lock waited for in the job
(never in a request), and an import committed by a job that then died still reported as imported."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.catalog.models import Exhibit
from catalogue.extensions import db
from catalogue.imports import jobs, uploads
from catalogue.imports.history import ImportBatch
from catalogue.locks import IMPORT_LOCK, transaction_lock
from tests.conftest import csrf_token
from tests.organizer.test_imports import CHIP, RADAR, confirm, count, preview_of, upload, xlsx_bytes

JOB = re.compile(r"/organizer/imports/jobs/([0-9a-f]{32})")


@contextlib.contextmanager
def another_import_running(app):
    """Hold the import lock in a transaction of another session, as a long import on another worker does."""
    with Session(db.engine) as session:
        transaction_lock(session, IMPORT_LOCK, Path(app.instance_path) / "import.lock")
        try:
            yield
        finally:
            session.rollback()


def only_job(app) -> str:
    found = list((Path(app.instance_path) / "uploads" / "jobs").glob("*.json"))
    assert len(found) == 1, found
    return found[0].stem


def test_a_confirm_that_takes_longer_than_the_wait_shows_progress_then_the_result(editor_client, app):
    app.config["IMPORT_CONFIRM_WAIT"] = 0
    _, page = preview_of(editor_client, upload(editor_client, xlsx_bytes([CHIP, RADAR])))
    with another_import_running(app):
        response = confirm(editor_client, page)  # returns while the job waits for the lock
        assert response.status_code == 302
        job_id = JOB.fullmatch(response.headers["Location"]).group(1)
        progress = editor_client.get(response.headers["Location"])
        html = progress.get_data(as_text=True)
        assert progress.status_code == 200 and "Waiting for another import to finish…" in html
        assert '<meta http-equiv="refresh" content="2">' in html
        assert jobs.load_job(job_id)["state"] == "running" and count(Exhibit) == 0
    jobs.wait_for_job(job_id, 60)
    done = editor_client.get(f"/organizer/imports/jobs/{job_id}")
    batch = db.session.scalar(select(ImportBatch))
    assert done.status_code == 302 and done.headers["Location"] == f"/organizer/imports/{batch.id}"
    result = editor_client.get(done.headers["Location"]).get_data(as_text=True)
    assert f"Imported list.xlsx as import #{batch.id}." in result
    assert count(Exhibit) == 2 and batch.actor == "editor@example.org"


def test_undo_while_another_import_runs_is_refused_at_once(admin_client, app):
    _, page = preview_of(admin_client, upload(admin_client, xlsx_bytes([CHIP])))
    assert confirm(admin_client, page).status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    token = csrf_token(admin_client, f"/organizer/imports/{batch.id}")
    with another_import_running(app):
        response = admin_client.post(f"/organizer/imports/{batch.id}/undo", data={"csrf_token": token})
    assert response.status_code == 302
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Another import is running; undo this one when it has finished." in html
    db.session.expire_all()
    assert count(Exhibit) == 1 and db.session.get(ImportBatch, batch.id).undone_at is None


def test_a_job_that_died_after_its_commit_is_reported_as_imported(editor_client, app):
    _, page = preview_of(editor_client, upload(editor_client, xlsx_bytes([CHIP])))
    response = confirm(editor_client, page)
    batch = db.session.scalar(select(ImportBatch))
    job_id = only_job(app)
    # The worker died between the commit and writing the result: the job file still says "running", long ago.
    path = Path(app.instance_path) / "uploads" / "jobs" / f"{job_id}.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    state.update(state="running", stage="indexing", updated="2000-01-01T00:00:00+00:00")
    path.write_text(json.dumps(state), encoding="utf-8")
    assert response.status_code == 302
    result = editor_client.get(f"/organizer/imports/jobs/{job_id}")
    assert result.status_code == 302 and result.headers["Location"] == f"/organizer/imports/{batch.id}"


def test_a_job_that_died_before_its_commit_says_nothing_was_imported(editor_client, app):
    preview_id, _ = preview_of(editor_client, upload(editor_client, xlsx_bytes([CHIP])))
    fields = uploads.load_preview(preview_id)
    job_id = "0" * 32
    path = Path(app.instance_path) / "uploads" / "jobs" / f"{job_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "id": job_id, "state": "running", "stage": "importing", "done": 0, "total": 1,
        "checksum": fields["checksum"], "filename": fields["filename"], "path": f"{fields['checksum']}.xlsx",
        "actor": "editor@example.org", "organizer_id": editor_client.organizer.id,
        "started": "2000-01-01T00:00:00+00:00", "updated": "2000-01-01T00:00:00+00:00",
    }), encoding="utf-8")
    result = editor_client.get(f"/organizer/imports/jobs/{job_id}")
    assert result.status_code == 302 and result.headers["Location"] == "/organizer/imports/new"
    page = editor_client.get("/organizer/imports/new").get_data(as_text=True)
    assert "The import stopped (the server restarted); nothing was imported." in page
    assert count(Exhibit) == 0
