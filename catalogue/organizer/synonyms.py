"""Organizer console: synonym groups for search (admins), in English and Chinese through gettext."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.extensions import db
from catalogue.organizer.auth import admin_required
from catalogue.organizer.forms import ActionForm
from catalogue.search import synonyms

bp = Blueprint("synonyms", __name__, url_prefix="/organizer/synonyms")


@bp.get("")
@admin_required
def index():
    return _page()


@bp.post("")
@admin_required
def create():
    return _save(None)


@bp.post("/<id:group_id>")
@admin_required
def update(group_id: int):
    return _save(group_id)


@bp.post("/<id:group_id>/delete")
@admin_required
def delete(group_id: int):
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("synonyms.index"))
    try:
        synonyms.delete_group(group_id)
    except synonyms.CatalogueError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Deleted the synonym group; the entries that mention it are being reindexed."))
    return redirect(url_for("synonyms.index"))


def _save(group_id: int | None):
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("synonyms.index"))
    form = request.form
    try:
        terms = synonyms.check(form.get("zh", ""), form.get("en", ""), form.get("abbreviations", ""))
        synonyms.save_group(group_id, terms)
    except synonyms.CatalogueError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _page(draft=form, editing=group_id), 400
    db.session.commit()
    flash(_("Saved the synonym group; the entries that mention it are being reindexed."))
    return redirect(url_for("synonyms.index"))


def _page(draft=None, editing: int | None = None) -> str:
    return render_template("organizer/synonyms.html", groups=synonyms.list_groups(), form=ActionForm(),
                           draft=draft or {}, editing=editing)
