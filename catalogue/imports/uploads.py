"""Uploaded exhibitor lists: stored by checksum, previewed (in a background thread for long files), error reports.

A preview is a JSON file under instance/uploads/previews/, so any worker can show its progress and result.
It belongs to the organizer who uploaded the file and records the file's name as uploaded: only that
organizer (or an admin) sees or confirms it, and a confirm takes the name from the preview."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app

from catalogue.catalog.models import utcnow
from catalogue.extensions import db
from catalogue.imports.apply import limits_from, take_snapshot
from catalogue.imports.headers import ignored_columns
from catalogue.imports.plan import Plan, plan_import
from catalogue.imports.read import read_table
from catalogue.imports.sheet import UnreadableFile
from catalogue.locks import file_lock
from catalogue.messages import N_, to_data

CHECKSUM = re.compile(r"^[0-9a-f]{64}$")
PREVIEW_ID = re.compile(r"^[0-9a-f]{32}$")
EXTENSION = re.compile(r"^[a-z0-9]{1,5}$")
STALE_SECONDS = 15 * 60  # a running preview not updated for this long died with its worker
_threads: dict[str, threading.Thread] = {}


@dataclass(frozen=True)
class Upload:
    checksum: str
    filename: str
    path: Path


def upload_directory() -> Path:
    return Path(current_app.instance_path) / "uploads"


def clean_filename(name: str | None) -> str:
    """The file's own name (no folders, no control characters), at most 255 characters."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] or "upload"


def store_upload(data: bytes, filename: str) -> Upload:
    """Keep the uploaded bytes as instance/uploads/<sha256>.<ext>."""
    checksum = hashlib.sha256(data).hexdigest()
    suffix = Path(filename).suffix.lower().lstrip(".")
    ext = suffix if EXTENSION.match(suffix) else "dat"
    directory = upload_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{checksum}.{ext}"
    if not path.exists():
        temporary = directory / f".{checksum}.{uuid.uuid4().hex}.part"
        temporary.write_bytes(data)
        os.replace(temporary, path)
    return Upload(checksum, filename, path)


def upload_of(preview: dict) -> Upload | None:
    """The stored upload a preview was made of, under the name it was uploaded with; None once removed."""
    path = upload_directory() / preview["path"]
    if not CHECKSUM.match(preview.get("checksum") or "") or not path.is_file():
        return None
    return Upload(preview["checksum"], preview["filename"], path)


# --- previews -----------------------------------------------------------------------------


class PreviewBusy(Exception):
    """The organizer's previous preview is still running (one at a time each); `preview` is its state."""

    def __init__(self, preview: dict):
        super().__init__(preview["id"])
        self.preview = preview


def running_preview(owner: int) -> dict | None:
    """The organizer's preview that is still running, or None."""
    try:
        held = _owner_marker(owner).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    preview = load_preview(held)  # a preview whose worker died (stale) counts as failed
    return preview if preview is not None and preview["state"] == "running" else None


def start_preview(upload: Upload, owner: int, wait: float) -> str:
    """Plan the upload against the catalogue in a thread; wait up to `wait` seconds for it. Returns its id.

    One preview per organizer at a time: PreviewBusy while their previous one is still running."""
    preview_id = uuid.uuid4().hex
    marker = _owner_marker(owner)
    with file_lock(marker.with_suffix(".lock")):  # two uploads at once: one of them starts
        running = running_preview(owner)
        if running is not None:
            raise PreviewBusy(running)
        _write(preview_id, {
            "id": preview_id, "state": "running", "stage": "reading", "done": 0, "total": None, "owner": owner,
            "checksum": upload.checksum, "filename": upload.filename, "path": upload.path.name,
            "started": utcnow().isoformat(), "updated": utcnow().isoformat(),
        })
        _write_atomically(marker, preview_id)
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run, args=(app, preview_id), name=f"preview-{preview_id}", daemon=True)
    _threads[preview_id] = thread
    thread.start()
    thread.join(wait)
    return preview_id


def finished_preview(upload: Upload, plan: Plan, owner: int) -> str:
    """Keep a preview of a plan made elsewhere (a confirm that found errors); returns its id."""
    preview_id = uuid.uuid4().hex
    now = utcnow().isoformat()
    _write(preview_id, {
        "id": preview_id, "state": "done", "stage": "done", "done": len(plan.rows), "total": len(plan.rows),
        "owner": owner,
        "checksum": upload.checksum, "filename": upload.filename, "path": upload.path.name,
        "started": now, "updated": now, "result": summarise(plan),
    })
    return preview_id


def load_preview(preview_id: str) -> dict | None:
    """The preview's state (running / done / failed) and, once done, its result."""
    if not PREVIEW_ID.match(preview_id or ""):
        return None
    try:
        preview = json.loads(_preview_path(preview_id).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if preview["state"] == "running":
        age = utcnow() - datetime.fromisoformat(preview["updated"])
        if age.total_seconds() > STALE_SECONDS:
            stopped = N_("The preview stopped (the server restarted); upload the file again.")
            preview.update(state="failed", error=str(stopped), error_message=to_data(stopped))
    return preview


def preview_for(preview_id: str, organizer_id: int, is_admin: bool) -> dict | None:
    """The preview if this organizer uploaded it or is an admin; None otherwise (shown as a 404)."""
    preview = load_preview(preview_id)
    if preview is None or not (is_admin or preview.get("owner") == organizer_id):
        return None
    return preview


def wait_for_preview(preview_id: str, timeout: float | None = None) -> None:
    """Block until a preview started by this process has finished (for tests and shutdown)."""
    thread = _threads.get(preview_id)
    if thread is not None:
        thread.join(timeout)


def _run(app: Flask, preview_id: str) -> None:
    with app.app_context():
        state = load_preview(preview_id)
        try:
            data = (upload_directory() / state["path"]).read_bytes()
            sheet = read_table(data, state["filename"], limits_from(app.config))
            _update(state, stage="matching", total=len(sheet.rows))
            snapshot, _ = take_snapshot(sheet)
            db.session.rollback()  # the snapshot is all this thread reads
            _update(state, stage="checking")
            plan = plan_import(sheet, snapshot)
            _update(state, stage="preparing")
            result = summarise(plan, lambda done: _update(state, done=done))
            _update(state, state="done", stage="done", done=len(sheet.rows), result=result)
        except UnreadableFile as error:
            _update(state, state="failed", error=str(error), error_message=to_data(error.args[0]))
        except Exception:
            app.logger.exception("Preview %s of %s failed", preview_id, state.get("filename"))
            failed = N_("The file could not be checked because of an unexpected error.")
            _update(state, state="failed", error=str(failed), error_message=to_data(failed))
        finally:
            _threads.pop(preview_id, None)
            _release(state.get("owner"), preview_id)


def _owner_marker(owner: int) -> Path:
    """The file naming the organizer's current preview."""
    return upload_directory() / "previews" / f"running-{int(owner)}"


def _release(owner: int | None, preview_id: str) -> None:
    """Let the organizer start another preview once this one has finished."""
    if owner is None:
        return
    marker = _owner_marker(owner)
    with file_lock(marker.with_suffix(".lock")):
        try:
            if marker.read_text(encoding="utf-8").strip() == preview_id:
                marker.unlink()
        except FileNotFoundError:
            pass


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def summarise(plan: Plan, progress=None) -> dict:
    """What the preview page shows, as JSON-ready data."""
    rows = []
    for n, outcome in enumerate(plan.rows, start=1):
        rows.append({
            "row": outcome.row, "label": outcome.label, "enterprise": outcome.enterprise,
            "exhibit": outcome.exhibit, "changes": list(outcome.changes),
            "problems": [to_data(p.message()) for p in outcome.problems],
        })
        if progress and n % 2000 == 0:
            progress(n)
    data_rows = {outcome.row for outcome in plan.rows}
    return {
        "ok": plan.ok,
        "counts": plan.counts(),
        "categories": [c.path for c in plan.categories],
        "ignored": list(plan.ignored_headers),
        "ignored_columns": ignored_columns(plan.ignored_headers),
        "problems": len(plan.problems),
        "other_problems": [to_data(p.message()) for p in plan.problems if p.row not in data_rows],
        "rows": rows,
    }


def _update(job: dict, **changes) -> None:
    job.update(changes, updated=utcnow().isoformat())
    _write(job["id"], job)


def _preview_path(preview_id: str) -> Path:
    return upload_directory() / "previews" / f"{preview_id}.json"


def _write(preview_id: str, state: dict) -> None:
    write_state(_preview_path(preview_id), state)


def write_state(path: Path, state: dict) -> None:
    """Write a background task's JSON state aside and rename it into place: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.{threading.get_ident()}.part")
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


# --- error report -------------------------------------------------------------------------


def error_report(preview: dict, render=str) -> bytes:
    """The uploaded rows as they were, with an Errors column (blank for good rows), as XLSX. Messages are written with render (the page's say)."""
    data = (upload_directory() / preview["path"]).read_bytes()
    sheet = read_table(data, preview["filename"], limits_from(current_app.config))
    problems = {row["row"]: row["problems"] for row in preview["result"]["rows"]}
    width = max([len(sheet.headers), *(len(source.cells) for source in sheet.rows)])
    # imported here, not at the top: a serving process never loads openpyxl (8 MB)
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    rows = workbook.create_sheet("Rows")  # the file's columns as they were: fix the rows and upload it again
    rows.append([_text_cell(rows, h) for h in (*_pad(sheet.headers, width), "Errors")])
    for source in sheet.rows:
        errors = "\n".join(render(p) for p in problems.get(source.number, []))
        rows.append([_text_cell(rows, c) for c in (*_pad(source.cells, width), errors)])
    if preview["result"]["other_problems"]:
        other = workbook.create_sheet("Other errors")
        other.append(["Errors"])
        for problem in preview["result"]["other_problems"]:
            other.append([_text_cell(other, render(problem))])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pad(cells, width: int) -> list[str]:
    return [*cells, *[""] * (width - len(cells))]


def _text_cell(worksheet, value: str):
    """A cell that holds the text as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = WriteOnlyCell(worksheet, ILLEGAL_CHARACTERS_RE.sub("", value or ""))
    cell.data_type = "s"
    return cell
