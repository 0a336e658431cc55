"""Confirming an import as a background job: a thread of the worker that took the request runs the import
(waiting for the import lock there, never in a request), and keeps its state in a JSON file under
instance/uploads/jobs/, so that any worker can show its progress and its result."""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from catalogue.catalog.models import utcnow
from catalogue.extensions import db
from catalogue.imports.history import ImportBatch
from catalogue.imports.service import Actor, run_import
from catalogue.imports.sheet import UnreadableFile
from catalogue.imports.uploads import Upload, finished_preview, upload_directory, write_state
from catalogue.messages import N_, to_data

JOB_ID = re.compile(r"^[0-9a-f]{32}$")
STALE_SECONDS = 15 * 60  # a running job not updated for this long died with its worker
_threads: dict[str, threading.Thread] = {}


def start_confirm(upload: Upload, actor: Actor, wait: float) -> str:
    """Import the upload in a thread; wait up to `wait` seconds for it to finish. Returns the job's id."""
    job_id = uuid.uuid4().hex
    now = utcnow().isoformat()
    _write(job_id, {
        "id": job_id, "state": "running", "stage": "waiting", "done": 0, "total": None,
        "checksum": upload.checksum, "filename": upload.filename, "path": upload.path.name,
        "actor": actor.name, "organizer_id": actor.organizer_id, "started": now, "updated": now,
    })
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run, args=(app, job_id), name=f"import-{job_id}", daemon=True)
    _threads[job_id] = thread
    thread.start()
    thread.join(wait)
    return job_id


def load_job(job_id: str) -> dict | None:
    """The job's state: running (stage waiting / importing / indexing), done (outcome imported / unchanged /
    errors, with batch_id or preview_id) or failed (error)."""
    if not JOB_ID.match(job_id or ""):
        return None
    try:
        job = json.loads(_path(job_id).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if job["state"] == "running" and (utcnow() - datetime.fromisoformat(job["updated"])).total_seconds() > STALE_SECONDS:
        _settle_stale(job)
    return job


def wait_for_job(job_id: str, timeout: float | None = None) -> None:
    """Block until a job started by this process has finished (for tests and shutdown)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def _run(app: Flask, job_id: str) -> None:
    with app.app_context():
        job = load_job(job_id)
        try:
            data = (upload_directory() / job["path"]).read_bytes()
            actor = Actor(job["actor"], job["organizer_id"])
            outcome = run_import(data, job["filename"], actor, progress=lambda done, total: _update(
                job, stage="importing", done=done, total=total))
            if not outcome.applied:
                db.session.rollback()
                upload = Upload(job["checksum"], job["filename"], upload_directory() / job["path"])
                preview_id = finished_preview(upload, outcome.result.plan, job["organizer_id"])
                _update(job, state="done", outcome="errors", preview_id=preview_id)
                return
            _update(job, stage="indexing")
            batch, earlier = outcome.batch, outcome.earlier
            db.session.commit()  # releases the import lock; the search index catches up in this thread
            _update(job, state="done", outcome="imported" if batch else "unchanged",
                    batch_id=batch.id if batch else None, earlier_id=earlier.id if earlier else None)
        except UnreadableFile as error:
            db.session.rollback()
            _update(job, state="failed", error=str(error), error_message=to_data(error.args[0]))
        except Exception:
            db.session.rollback()
            app.logger.exception("Import job %s of %s failed", job_id, job.get("filename"))
            _settle_stale(job, N_("The import stopped because of an unexpected error; nothing was imported."))
        finally:
            db.session.remove()
            _threads.pop(job_id, None)


def _settle_stale(job: dict, error: str | None = None) -> None:
    """A job that stopped without saying how it ended: done if its import was committed, else failed."""
    batch = db.session.scalar(
        select(ImportBatch).where(ImportBatch.checksum == job["checksum"],
                                  ImportBatch.created_at >= datetime.fromisoformat(job["started"]))
        .order_by(ImportBatch.id.desc()).limit(1)
    )
    if batch is not None:
        job.update(state="done", outcome="imported", batch_id=batch.id, earlier_id=None)
    else:
        error = error or N_("The import stopped (the server restarted); nothing was imported.")
        job.update(state="failed", error=str(error), error_message=to_data(error))


def _update(job: dict, **changes) -> None:
    job.update(changes, updated=utcnow().isoformat())
    _write(job["id"], job)


def _path(job_id: str) -> Path:
    return upload_directory() / "jobs" / f"{job_id}.json"


def _write(job_id: str, state: dict) -> None:
    write_state(_path(job_id), state)
