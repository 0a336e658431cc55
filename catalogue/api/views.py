"""The JSON API (/api/v1) and its OpenAPI document (/api/openapi.json)."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request

from catalogue.api.openapi import MAX_ID, MAX_PAGE, build_document
from catalogue.api.serialise import (
    category_node_json,
    enterprise_json,
    exhibit_json,
    page_json,
    record_url,
    search_json,
)
from catalogue.catalog import queries
from catalogue.catalog.queries import categories_by_slug
from catalogue.catalog.rules import query_text
from catalogue.errors import InvalidParameter
from catalogue.search.request import check_limits, search_request
from catalogue.search.service import search_service

bp = Blueprint("api", __name__, url_prefix="/api")

DIGITS = re.compile(r"[0-9]{1,20}")


@bp.get("/openapi.json")
def openapi():
    config = current_app.config
    return jsonify(build_document(config["PER_PAGE"], config["MAX_PER_PAGE"]))


@bp.get("/v1/exhibits")
def exhibits():
    page = queries.list_exhibits(
        category=_text("category"),
        enterprise=_integer("enterprise", None, MAX_ID),
        hall=_text("hall"),
        **_paging(),
    )
    return jsonify(page_json(page, exhibit_json))


@bp.get("/v1/exhibits/<id:exhibit_id>")
def exhibit(exhibit_id: int):
    return jsonify(exhibit_json(queries.get_exhibit(exhibit_id)))


@bp.get("/v1/enterprises")
def enterprises():
    page = queries.list_enterprises(category=_text("category"), hall=_text("hall"), **_paging())
    return jsonify(page_json(page, enterprise_json))


@bp.get("/v1/enterprises/<id:enterprise_id>")
def enterprise(enterprise_id: int):
    return jsonify(enterprise_json(queries.get_enterprise(enterprise_id), with_exhibits=True))


@bp.get("/v1/search")
def search():
    paging = _paging()
    request_ = search_request(request.args, paging["page"], paging["per_page"])
    response = search_service().search(request_, source="api")
    return jsonify(search_json(response, paging["page"], paging["per_page"], categories_by_slug()))


@bp.get("/v1/suggest")
def suggest():
    prefix = _text("q") or ""
    check_limits(prefix, None)  # the limit the document states for q, as /search enforces it
    suggestions = search_service().suggest(prefix, limit=10)
    return jsonify({"suggestions": [
        {"text": s.text, "type": s.type, "id": s.db_id, "url": record_url(s.type, s.db_id)} for s in suggestions
    ]})


@bp.get("/v1/categories")
def categories():
    return jsonify([category_node_json(node) for node in queries.category_tree()])


def _paging() -> dict[str, int]:
    """page and per_page from the query string, within their documented limits."""
    default = current_app.config["PER_PAGE"]
    return {
        "page": _integer("page", 1, MAX_PAGE) or 1,
        "per_page": _integer("per_page", default, current_app.config["MAX_PER_PAGE"]) or default,
    }


def _integer(name: str, default: int | None, maximum: int) -> int | None:
    """A whole number from 1 to maximum; an absent or empty parameter gives the default."""
    value = request.args.get(name, "")
    if not value:
        return default
    if not DIGITS.fullmatch(value) or not 1 <= int(value) <= maximum:
        raise InvalidParameter(f"{name} must be a whole number from 1 to {maximum}.")
    return int(value)


def _text(name: str) -> str | None:
    """A text parameter without control characters (catalog/rules.py, as on the pages); absent or empty
    means no filter. (A NUL anywhere in the query string is refused by web.py.)"""
    return query_text(request.args.get(name, "")).strip() or None
