"""Organizer imports: upload, preview, error report, confirm; the import history and undo."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from catalogue.extensions import db
from catalogue.i18n import say
from catalogue.imports import jobs, uploads
from catalogue.imports.history import (
    ImportBatch,
    UndoRefused,
    committed_with_checksum,
    exclusive_import,
    latest_batch,
    undo_batch,
)
from catalogue.imports.service import Actor
from catalogue.locks import Busy
from catalogue.organizer.auth import admin_required, current_organizer, editor_required
from catalogue.organizer.clock import in_expo_zone
from catalogue.organizer.forms import ActionForm, ConfirmImportForm, UploadForm
from catalogue.web import page_arg

bp = Blueprint("imports", __name__, url_prefix="/organizer/imports")

ROWS_PER_PAGE = 200
SHOW = ("all", "error", "create", "update", "unchanged")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error=None):
    return render_template("imports/too_large.html", limit=current_app.config["IMPORT_MAX_BYTES"]), 413


@bp.get("/")
@editor_required
def history():
    batches = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(200)).all()
    return render_template("imports/history.html", batches=batches, latest=latest_batch(), form=ActionForm())


@bp.get("/<id:batch_id>")
@editor_required
def batch(batch_id: int):
    found = db.get_or_404(ImportBatch, batch_id)
    return render_template("imports/batch.html", batch=found, latest=latest_batch(), form=ActionForm())


@bp.post("/<id:batch_id>/undo")
@admin_required
def undo(batch_id: int):
    found = db.get_or_404(ImportBatch, batch_id)
    if not ActionForm().validate_on_submit():
        abort(400, _("The form expired; please try again."))
    try:
        exclusive_import(wait=False)  # a request never waits for another import to finish
        undo_batch(found, current_organizer().email)
    except Busy:
        db.session.rollback()
        flash(_("Another import is running; undo this one when it has finished."), "error")
    except UndoRefused as refused:
        db.session.rollback()
        flash(say(refused.message), "error")
    else:
        db.session.commit()
        flash(_("Undid import #%(id)s (%(file)s); the catalogue is as it was before it.", id=batch_id,
                file=found.filename))
    return redirect(url_for("imports.batch", batch_id=batch_id))


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new():
    form = UploadForm()
    owner = current_organizer().id
    if form.validate_on_submit() and isinstance(form.file.data, FileStorage):
        try:
            running = uploads.running_preview(owner)
            if running is not None:  # one preview per organizer at a time: refused before storing
                raise uploads.PreviewBusy(running)
            data = form.file.data.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
            if len(data) > current_app.config["IMPORT_MAX_BYTES"]:
                return too_large()
            upload = uploads.store_upload(data, uploads.clean_filename(form.file.data.filename))
            preview_id = uploads.start_preview(upload, owner, wait=current_app.config.get("IMPORT_PREVIEW_WAIT", 3.0))
        except uploads.PreviewBusy as busy:
            return _new_page(form, busy.preview), 409
        return redirect(url_for("imports.preview", preview_id=preview_id))
    return _new_page(form, uploads.running_preview(owner)), 400 if form.errors else 200


def _new_page(form: UploadForm, running: dict | None) -> str:
    """The upload form; while the organizer's previous file is still being checked, a notice saying so."""
    busy = _("Your previous file, %(name)s, is still being checked. Wait until its preview is ready, "
             "then upload the next file.", name=running["filename"]) if running else None
    return render_template("imports/new.html", form=form, limit=current_app.config["IMPORT_MAX_BYTES"],
                           busy=busy, running=running)


@bp.get("/previews/<preview_id>")
@editor_required
def preview(preview_id: str):
    found = _own_preview(preview_id) or abort(404, _("This preview does not exist (any more)."))
    if found["state"] != "done":
        return render_template("imports/progress.html", preview=found)
    show = request.args.get("show", "error" if not found["result"]["ok"] else "all")
    show = show if show in SHOW else "all"
    rows = [r for r in found["result"]["rows"] if show == "all" or show in (r["enterprise"], r["exhibit"])]
    page = page_arg()
    confirm = ConfirmImportForm(formdata=None, preview_id=found["id"])
    return render_template(
        "imports/preview.html", preview=found, result=found["result"], show=show, total=len(rows),
        rows=rows[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE], page=page,
        pages=max(1, -(-len(rows) // ROWS_PER_PAGE)), form=confirm,
        imported=committed_with_checksum(found["checksum"]),
    )


@bp.get("/previews/<preview_id>/errors.xlsx")
@editor_required
def error_report(preview_id: str):
    found = _own_preview(preview_id)
    if not found or found["state"] != "done":
        abort(404, _("This preview does not exist (any more)."))
    name = found["filename"].rsplit(".", 1)[0] + "-errors.xlsx"
    return Response(uploads.error_report(found, render=say), mimetype=XLSX,
                    headers={"Content-Disposition": _attachment(name)})


@bp.post("/confirm")
@editor_required
def confirm():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400, _("The form expired; upload the file again."))
    organizer = current_organizer()
    found = _own_preview(form.preview_id.data) or abort(404, _("This preview does not exist (any more)."))
    upload = uploads.upload_of(found)  # the name recorded at upload, never one sent with the confirm
    if upload is None:
        abort(404, _("The uploaded file is no longer here; upload it again."))
    job_id = jobs.start_confirm(upload, Actor(organizer.email, organizer.id),
                                wait=current_app.config.get("IMPORT_CONFIRM_WAIT", 3.0))
    if jobs.load_job(job_id)["state"] == "running":  # its progress page, at an address that can be reloaded
        return redirect(url_for("imports.job", job_id=job_id))
    return _job_page(job_id)


@bp.get("/jobs/<job_id>")
@editor_required
def job(job_id: str):
    return _job_page(job_id)


def _job_page(job_id: str):
    """A running import's progress page; a finished one's result, as a message on the page it leads to."""
    found = jobs.load_job(job_id)
    organizer = current_organizer()
    if found is None or not (organizer.is_admin or found.get("organizer_id") == organizer.id):
        abort(404, _("This import does not exist (any more)."))  # like previews: its organizer's, or an admin's
    if found["state"] == "running":
        return render_template("imports/job.html", job=found)
    if found["state"] == "failed":
        flash(say(found.get("error_message") or found["error"]), "error")
        return redirect(url_for("imports.new"))
    if found["outcome"] == "errors":
        flash(_("The catalogue changed since the preview and the file now has errors; nothing was imported."),
              "error")
        return redirect(url_for("imports.preview", preview_id=found["preview_id"]))
    if found["outcome"] == "unchanged":
        earlier = db.session.get(ImportBatch, found["earlier_id"]) if found.get("earlier_id") else None
        flash(_("Already imported as import #%(id)s on %(when)s: nothing in the catalogue changed.", id=earlier.id,
                when=f"{in_expo_zone(earlier.created_at):%Y-%m-%d %H:%M} ({in_expo_zone(earlier.created_at).tzinfo})")
              if earlier else _("Nothing to import: the catalogue already holds everything in this file."))
        return redirect(url_for("imports.history"))
    flash(_("Imported %(file)s as import #%(id)s.", file=found["filename"], id=found["batch_id"]))
    return redirect(url_for("imports.batch", batch_id=found["batch_id"]))


def _own_preview(preview_id: str) -> dict | None:
    """The preview if the signed-in organizer uploaded it (admins see every one); None otherwise."""
    organizer = current_organizer()
    return uploads.preview_for(preview_id, organizer.id, organizer.is_admin)


def _attachment(name: str) -> str:
    from urllib.parse import quote

    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
