"""Organizer editing: enterprises, exhibits and categories in the browser, and export downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import false, func, or_, select
from werkzeug.datastructures import FileStorage

from catalogue.catalog import operations
from catalogue.catalog.images import InvalidImage, remove_image, store_image
from catalogue.catalog.models import MAX_ID, Category, Enterprise, Exhibit
from catalogue.catalog.queries import category_tree
from catalogue.catalog.rules import query_text
from catalogue.extensions import db
from catalogue.organizer.auth import editor_required
from catalogue.organizer.forms import (
    NONE,
    ActionForm,
    CategoryForm,
    EnterpriseForm,
    ExhibitForm,
    MoveExhibitsForm,
    form_values,
)
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


@bp.post("/enterprises/<id:record_id>/delete")
@editor_required
def delete_enterprise(record_id: int):
    return _delete("enterprise", record_id)


@bp.post("/exhibits/<id:record_id>/delete")
@editor_required
def delete_exhibit(record_id: int):
    return _delete("exhibit", record_id)


def _delete(kind: str, record_id: int):
    model = KINDS[kind][0]
    record = db.get_or_404(model, record_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; please try again.")
    images = [record.logo, *(x.image for x in record.exhibits)] if kind == "enterprise" else [record.image]
    label = record.name or record.name_zh
    (operations.delete_enterprise if kind == "enterprise" else operations.delete_exhibit)(record)
    db.session.commit()
    for name in images:
        remove_image(name)
    flash(f"Deleted the {kind} '{label}'.")
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
    form.parent_id.choices = _category_choices("— top level —", exclude=record)
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
            flash(f"Saved the category '{saved.name or saved.name_zh}'.")
            return redirect(url_for("editing.category", category_id=saved.id))
    status = 400 if form.errors else 200
    return _category_page(form, record), status


@bp.post("/categories/<id:category_id>/move")
@editor_required
def move_exhibits(category_id: int):
    record = db.get_or_404(Category, category_id)
    form = MoveExhibitsForm()
    form.target_id.choices = _category_choices("— no category —", exclude=None)
    if form.validate_on_submit():
        target = db.session.get(Category, form.target_id.data) if form.target_id.data != NONE else None
        try:
            moved = operations.move_exhibits(record, target)
        except operations.InvalidRecord as invalid:
            db.session.rollback()
            flash(" ".join(invalid.errors.values()), "error")
        else:
            db.session.commit()
            where = f"'{target.name or target.name_zh}'" if target else "no category"
            flash(f"Moved {moved} exhibit(s) to {where}.")
    else:
        flash("Choose the category to move the exhibits to.", "error")
    return redirect(url_for("editing.category", category_id=record.id))


@bp.post("/categories/<id:category_id>/delete")
@editor_required
def delete_category(category_id: int):
    record = db.get_or_404(Category, category_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; please try again.")
    label = record.name or record.name_zh
    try:
        operations.delete_category(record)
    except operations.CategoryInUse as in_use:
        db.session.rollback()
        form = CategoryForm(obj=record, formdata=None)
        form.parent_id.choices = _category_choices("— top level —", exclude=record)
        form.parent_id.data = record.parent_id or NONE
        return _category_page(form, record, refusal=in_use.message), 409
    db.session.commit()
    flash(f"Deleted the category '{label}'.")
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
            form[image_field].errors = [invalid.message]
        except operations.InvalidRecord as invalid:
            db.session.rollback()
            remove_image(new_image)
            _show_errors(form, invalid)
        else:
            db.session.commit()
            if image_field in values and old_image != getattr(saved, image_field):
                remove_image(old_image)
            flash(f"Saved the {kind} '{saved.name or saved.name_zh}'.")
            return redirect(url_for(f"editing.{kind}", record_id=saved.id))
    status = 400 if form.errors else 200
    return render_template(f"editing/{kind}.html", form=form, record=record, delete_form=ActionForm()), status


def _exhibit_choices(form: ExhibitForm, record: Exhibit | None) -> None:
    owners = db.session.execute(select(Enterprise.id, Enterprise.name, Enterprise.name_zh)
                                .order_by(Enterprise.name_zh, Enterprise.name)).all()
    form.enterprise_id.choices = [(NONE, "— choose —")] + [(i, zh or en) for i, en, zh in owners]
    form.category_id.choices = _category_choices("— no category —", exclude=None)
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
        move_form.target_id.choices = [c for c in _category_choices("— no category —", None) if c[0] != record.id]
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
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)
