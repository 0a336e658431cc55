"""Organizer editing: enterprises, exhibits and categories in the browser, and export downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import false, func, or_, select
from werkzeug.datastructures import FileStorage

from catalogue.catalog import operations
from catalogue.catalog.deletions import delete_recorded
from catalogue.catalog.images import InvalidImage, remove_image, store_image
from catalogue.catalog.models import MAX_ID, Category, Enterprise, Exhibit
from catalogue.catalog.queries import category_tree
from catalogue.catalog.rules import query_text
from catalogue.extensions import db
from catalogue.i18n import say
from catalogue.organizer.auth import current_organizer, editor_required
from catalogue.organizer.forms import (
    NONE,
    ActionForm,
    CategoryForm,
    EnterpriseForm,
    ExhibitForm,
    MoveExhibitsForm,
    form_values,
)
from catalogue.organizer.labels import record_label
from catalogue.web import page_arg

bp = Blueprint("editing", __name__, url_prefix="/organizer")

PER_PAGE = 50
KINDS = {
    "enterprise": (Enterprise, EnterpriseForm, operations.save_enterprise, "logo"),
    "exhibit": (Exhibit, ExhibitForm, operations.save_exhibit, "image"),
}


@bp.get("/enterprises")
@editor_required
def enterprises():
    query = select(Enterprise).order_by(Enterprise.name_zh, Enterprise.name, Enterprise.id)
    return _list("enterprise", _matching(query, Enterprise))


@bp.get("/exhibits")
@editor_required
def exhibits():
    query = select(Exhibit).order_by(Exhibit.enterprise_id, Exhibit.id)
    owner = request.args.get("enterprise", type=int)
    if owner:  # an id beyond MAX_ID names no enterprise (and would overflow the column)
        query = query.where(Exhibit.enterprise_id == owner if abs(owner) <= MAX_ID else false())
    return _list("exhibit", _matching(query, Exhibit))


@bp.route("/enterprises/new", methods=["GET", "POST"], defaults={"record_id": None})
@bp.route("/enterprises/<id:record_id>", methods=["GET", "POST"])
@editor_required
def enterprise(record_id: int | None):
    return _edit("enterprise", record_id)


@bp.route("/exhibits/new", methods=["GET", "POST"], defaults={"record_id": None})
@bp.route("/exhibits/<id:record_id>", methods=["GET", "POST"])
@editor_required
def exhibit(record_id: int | None):
    return _edit("exhibit", record_id)


@bp.route("/enterprises/<id:record_id>/delete", methods=["GET", "POST"])
@editor_required
def delete_enterprise(record_id: int):
    return _delete("enterprise", record_id)


@bp.route("/exhibits/<id:record_id>/delete", methods=["GET", "POST"])
@editor_required
def delete_exhibit(record_id: int):
    return _delete("exhibit", record_id)


def _delete(kind: str, record_id: int):
    """GET: the confirmation page (works without JavaScript); POST: delete, recorded for restore."""
    record = db.get_or_404(KINDS[kind][0], record_id)
    form = ActionForm()
    if request.method == "GET":
        return render_template("editing/delete.html", kind=kind, record=record, form=form)
    if not form.validate_on_submit():
        abort(400, _("The form expired; please try again."))
    organizer, name = current_organizer(), record.display_name(g.get("lang", "en"))
    delete_recorded(record, organizer.email, organizer.id)
    db.session.commit()  # images stay on disk: the deletion record refers to them, for a restore
    flash(_("Deleted %(record)s “%(name)s”. It is recorded under Deletions, where an admin can restore it.",
            record=record_label(kind, record_id), name=name))
    return redirect(url_for(f"editing.{kind}s"))


@bp.get("/categories")
@editor_required
def categories():
    return render_template("editing/categories.html", tree=category_tree())


@bp.route("/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/categories/<id:category_id>", methods=["GET", "POST"])
@editor_required
def category(category_id: int | None):
    record = db.get_or_404(Category, category_id) if category_id else None
    form = CategoryForm(obj=record)
    form.parent_id.choices = _category_choices(_("— top level —"), exclude=record)
    if request.method == "GET" and record is not None:
        form.parent_id.data = record.parent_id or NONE
    if form.validate_on_submit():
        try:
            saved = operations.save_category(form_values(form), record)
        except operations.InvalidRecord as invalid:
            db.session.rollback()
            _show_errors(form, invalid)
        else:
            db.session.commit()
            flash(_("Saved the category “%(name)s”.", name=saved.display_name(g.get("lang", "en"))))
            return redirect(url_for("editing.category", category_id=saved.id))
    status = 400 if form.errors else 200
    return _category_page(form, record), status


@bp.post("/categories/<id:category_id>/move")
@editor_required
def move_exhibits(category_id: int):
    record = db.get_or_404(Category, category_id)
    form = MoveExhibitsForm()
    form.target_id.choices = _category_choices(_("— no category —"), exclude=None)
    if form.validate_on_submit():
        target = db.session.get(Category, form.target_id.data) if form.target_id.data != NONE else None
        try:
            moved = operations.move_exhibits(record, target)
        except operations.InvalidRecord as invalid:
            db.session.rollback()
            flash(" ".join(say(m) for m in invalid.errors.values()), "error")
        else:
            db.session.commit()
            where = f"“{target.display_name(g.get('lang', 'en'))}”" if target else _("no category")
            flash(_("Moved %(num)s exhibit(s) to %(where)s.", num=moved, where=where))
    else:
        flash(_("Choose the category to move the exhibits to."), "error")
    return redirect(url_for("editing.category", category_id=record.id))


@bp.post("/categories/<id:category_id>/delete")
@editor_required
def delete_category(category_id: int):
    record = db.get_or_404(Category, category_id)
    if not ActionForm().validate_on_submit():
        abort(400, _("The form expired; please try again."))
    label = record.display_name(g.get("lang", "en"))
    try:
        operations.delete_category(record)
    except operations.CategoryInUse as in_use:
        db.session.rollback()
        form = CategoryForm(obj=record, formdata=None)
        form.parent_id.choices = _category_choices(_("— top level —"), exclude=record)
        form.parent_id.data = record.parent_id or NONE
        return _category_page(form, record, refusal=say(in_use.message)), 409
    db.session.commit()
    flash(_("Deleted the category “%(name)s”.", name=label))
    return redirect(url_for("editing.categories"))


@bp.get("/export.<fmt>")
@editor_required
def export(fmt: str):
    from catalogue.imports.export import FORMATS, export_bytes

    if fmt not in FORMATS:
        abort(404, "Export formats: csv, xlsx, json.")
    media = {"csv": "text/csv; charset=utf-8", "json": "application/json",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
    # content_type is sent as given (mimetype= would append a second "; charset=utf-8" to text/csv)
    return Response(export_bytes(fmt), content_type=media,
                    headers={"Content-Disposition": f'attachment; filename="catalogue.{fmt}"'})


# --- helpers --------------------------------------------------------------------------------


def _matching(query, model):
    q = query_text(request.args.get("q", "")).strip()[:200]
    if q:
        like = f"%{q}%"
        query = query.where(or_(model.name.ilike(like), model.name_zh.ilike(like)))
    return query


def _list(kind: str, query):
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = page_arg()
    items = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    pages = max(1, -(-total // PER_PAGE))
    return render_template(f"editing/{kind}s.html", items=items, total=total, page=page, pages=pages,
                           q=request.args.get("q", ""), delete_form=ActionForm())


def _edit(kind: str, record_id: int | None):
    model, form_class, save, image_field = KINDS[kind]
    record = db.get_or_404(model, record_id) if record_id else None
    form = form_class(obj=record)
    if kind == "exhibit":
        _exhibit_choices(form, record)
    if form.validate_on_submit():
        values = form_values(form)
        old_image, new_image = getattr(record, image_field, None), None
        upload = form[image_field].data
        try:
            if isinstance(upload, FileStorage) and upload.filename:
                new_image = values[image_field] = store_image(upload.read())
            elif form[f"remove_{image_field}"].data:
                values[image_field] = None
            saved = save(values, record)
        except InvalidImage as invalid:
            db.session.rollback()
            form[image_field].errors = [say(invalid.message)]
        except operations.InvalidRecord as invalid:
            db.session.rollback()
            remove_image(new_image)
            _show_errors(form, invalid)
        else:
            db.session.commit()
            if image_field in values and old_image != getattr(saved, image_field):
                remove_image(old_image)
            flash(_("Saved %(record)s “%(name)s”.", record=record_label(kind, saved.id),
                    name=saved.display_name(g.get("lang", "en"))))
            return redirect(url_for(f"editing.{kind}", record_id=saved.id))
    status = 400 if form.errors else 200
    return render_template(f"editing/{kind}.html", form=form, record=record, delete_form=ActionForm()), status


def _exhibit_choices(form: ExhibitForm, record: Exhibit | None) -> None:
    owners = db.session.execute(select(Enterprise.id, Enterprise.name, Enterprise.name_zh)
                                .order_by(Enterprise.name_zh, Enterprise.name)).all()
    form.enterprise_id.choices = [(NONE, _("— choose —"))] + [(i, zh or en) for i, en, zh in owners]
    form.category_id.choices = _category_choices(_("— no category —"), exclude=None)
    if request.method == "GET":
        if record is None:
            form.enterprise_id.data = request.args.get("enterprise", type=int) or NONE
        else:
            form.category_id.data = record.category_id or NONE
            form.tags.data = ", ".join(record.tags or [])


def _category_choices(none_label: str, exclude: Category | None) -> list[tuple[int, str]]:
    """Every category as (id, indented path label); `exclude` and its sub-categories left out."""
    choices = [(NONE, none_label)]

    def walk(nodes, depth):
        for node in nodes:
            if exclude is not None and node.category.id == exclude.id:
                continue
            label = node.category.name or node.category.name_zh or node.category.slug
            if node.category.name and node.category.name_zh:
                label += f" {node.category.name_zh}"
            choices.append((node.category.id, "\u00a0\u00a0" * depth + label))
            walk(node.children, depth + 1)

    walk(category_tree(), 0)
    return choices


def _category_page(form: CategoryForm, record: Category | None, refusal: str | None = None) -> str:
    move_form = None
    counts = {}
    if record is not None:
        move_form = MoveExhibitsForm(formdata=None)
        move_form.target_id.choices = [c for c in _category_choices(_("— no category —"), None) if c[0] != record.id]
        counts = {
            "exhibits": db.session.scalar(select(func.count()).where(Exhibit.category_id == record.id)),
            "children": db.session.scalar(select(func.count()).where(Category.parent_id == record.id)),
        }
    return render_template("editing/category.html", form=form, record=record, move_form=move_form,
                           counts=counts, refusal=refusal, delete_form=ActionForm())


def _show_errors(form, invalid: operations.InvalidRecord) -> None:
    for name, message in invalid.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, say(message)] if isinstance(field.errors, list) else [say(message)]
        else:
            form.form_errors.append(say(message))
