"""Visitor pages: home, exhibits, enterprises, categories, about, and the stored images."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory

from catalogue.catalog import queries
from catalogue.catalog.images import (
    MEDIA_TYPES,
    STORED_NAME,
    image_directory,
    make_thumbnail,
    thumbnail_path,
)
from catalogue.web import enterprise_arg, page_arg, per_page, text_arg

bp = Blueprint("catalog", __name__)


@bp.get("/")
def home():
    return render_template(
        "catalog/home.html",
        figures=queries.figures(),
        tree=queries.category_tree(),
        halls=queries.halls(),
    )


@bp.get("/exhibits")
def exhibits():
    category, hall, enterprise_id = text_arg("category"), text_arg("hall"), enterprise_arg()
    page = queries.list_exhibits(category, enterprise_id, hall, page_arg(), per_page())
    return render_template(
        "catalog/exhibits.html",
        page=page,
        category=queries.get_category(category) if category else None,
        enterprise=queries.get_enterprise(enterprise_id) if enterprise_id is not None else None,
        hall=hall,
        tree=queries.category_tree(),
        halls=queries.halls(),
    )


@bp.get("/exhibits/<id:exhibit_id>")
def exhibit(exhibit_id: int):
    exhibit = queries.get_exhibit(exhibit_id)
    others = [e for e in exhibit.enterprise.exhibits if e.id != exhibit.id]
    related = queries.related_exhibits(exhibit)
    return render_template("catalog/exhibit.html", exhibit=exhibit, others=others, related=related)


@bp.get("/enterprises")
def enterprises():
    category, hall = text_arg("category"), text_arg("hall")
    page = queries.list_enterprises(category, hall, page_arg(), per_page())
    return render_template(
        "catalog/enterprises.html",
        page=page,
        category=queries.get_category(category) if category else None,
        hall=hall,
        tree=queries.category_tree(),
        halls=queries.halls(),
    )


@bp.get("/enterprises/<id:enterprise_id>")
def enterprise(enterprise_id: int):
    enterprise = queries.get_enterprise(enterprise_id)
    page = queries.list_exhibits(enterprise=enterprise.id, page=page_arg(), per_page=per_page())
    return render_template("catalog/enterprise.html", enterprise=enterprise, page=page)


@bp.get("/categories/<slug>")
def category(slug: str):
    category = queries.get_category(slug)
    node = queries.find_node(queries.category_tree(), slug)
    page = queries.list_exhibits(category=slug, page=page_arg(), per_page=per_page())
    return render_template("catalog/category.html", category=category, node=node, page=page)


@bp.get("/about")
def about():
    return render_template("catalog/about.html", figures=queries.figures())


@bp.get("/images/<name>")
def image(name: str):
    """A stored image, with its own media type and no sniffing."""
    if not STORED_NAME.match(name):
        abort(404)
    return _send_image(image_directory(), name)


@bp.get("/images/thumbs/<name>")
def thumbnail(name: str):
    """A stored image's list thumbnail (made on first request for images older than thumbnails)."""
    if not STORED_NAME.match(name) or make_thumbnail(name) is None:
        abort(404)
    return _send_image(thumbnail_path(name).parent, name)


def _send_image(directory: Path, name: str):
    response = send_from_directory(directory, name, mimetype=MEDIA_TYPES[name.rsplit(".", 1)[1]],
                                   max_age=365 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
