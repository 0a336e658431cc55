"""Organizer console: the history of deleted enterprises and exhibits, and restoring the latest one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalogue.catalog.deletions import Deletion, RestoreRefused, latest_deletion, restore
from catalogue.extensions import db
from catalogue.i18n import say
from catalogue.organizer.auth import admin_required, current_organizer, editor_required
from catalogue.organizer.forms import ActionForm
from catalogue.organizer.labels import record_label

bp = Blueprint("deletions", __name__, url_prefix="/organizer/deletions")


@bp.get("/")
@editor_required
def history():
    found = db.session.scalars(select(Deletion).order_by(Deletion.id.desc()).limit(200)).all()
    return render_template("editing/deletions.html", deletions=found, latest=latest_deletion(), form=ActionForm())


@bp.post("/<id:deletion_id>/restore")
@admin_required
def restore_deletion(deletion_id: int):
    found = db.get_or_404(Deletion, deletion_id)
    if not ActionForm().validate_on_submit():
        abort(400, _("The form expired; please try again."))
    try:
        made = restore(found, current_organizer().email)
    except RestoreRefused as refused:
        db.session.rollback()
        flash(say(refused.message), "error")
        return redirect(url_for("deletions.history"))
    db.session.commit()
    flash(_("Restored %(record)s “%(name)s”.", record=record_label(found.kind, made.id), name=found.label))
    return redirect(url_for(f"editing.{found.kind}", record_id=made.id))
