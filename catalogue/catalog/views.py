"""Visitor pages: home, exhibits, enterprises, categories, simple search and about."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from markupsafe import escape as escape_html

from catalogue.catalog import queries
from catalogue.catalog.errors import NotFound
from catalogue.catalog.models import MAX_ID  # larger ids are not stored: asking for them is a 404
from catalogue.search.service import MAX_QUERY, search_request, search_service

bp = Blueprint("catalog", __name__)

MAX_PAGE = 100_000


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


@bp.get(f"/exhibits/<int(max={MAX_ID}):exhibit_id>")
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


@bp.get(f"/enterprises/<int(max={MAX_ID}):enterprise_id>")
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


@bp.get("/search")
def search():
    args = request.args.to_dict()
    args["q"] = args.get("q", "")[:MAX_QUERY]  # the page shortens an over-long query; the API refuses it
    request_ = search_request(args, page_arg(), per_page())
    response = search_service().search(request_) if request_.text.strip() else None
    hits = queries.records_for_hits(response.hits) if response else []
    return render_template(
        "catalog/search.html",
        query=request_.text,
        kind=request_.type,
        response=response,
        hits=hits,
        page=queries.Page(hits, response.total if response else 0, request_.page, request_.per_page),
        category=queries.get_category(request_.category) if request_.category else None,
        categories=queries.categories_by_slug() if response else {},
        tree=queries.category_tree(),
    )


@bp.get("/about")
def about():
    return render_template("catalog/about.html", figures=queries.figures())


def page_arg() -> int:
    """?page= as a page number; anything that is not a positive integer means page 1."""
    page = request.args.get("page", type=int)
    return min(page, MAX_PAGE) if page and page > 0 else 1


def per_page() -> int:
    return current_app.config["PER_PAGE"]


def text_arg(name: str) -> str | None:
    return request.args.get(name, "").strip()[:200] or None


def enterprise_arg() -> int | None:
    raw = text_arg("enterprise")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID):
        raise NotFound(f"There is no enterprise '{raw}'.")
    return int(raw)


def url_with(**changes: object) -> str:
    """The current page's address with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    if request.url_rule is not None and request.endpoint:
        path = url_for(request.endpoint, **(request.view_args or {}))
    else:  # an address that matched no route: keep it, but never as a scheme-relative URL
        path = request.script_root + "/" + request.path.lstrip("/\\")
    return f"{path}?{urlencode(args)}" if args else path


@bp.app_context_processor
def ui_helpers() -> dict:
    lang = g.get("lang", "en")
    other = "en" if lang == "zh" else "zh"

    def t(english: str, chinese: str) -> str:
        """The UI string in the UI language (kept for pages not yet on gettext catalogues)."""
        return chinese if lang == "zh" else english

    def tr_other(obj, field: str = "name") -> str:
        """The object's field in the other language, when it says something the UI one does not."""
        if obj is None:
            return ""
        text = obj.pick(field, other)
        return "" if text == obj.pick(field, lang) else text

    return {
        "t": t,
        "tr_other": tr_other,
        "url_with": url_with,
        "autocomplete_attrs": autocomplete_attrs,
        "html_lang": "zh-Hans" if lang == "zh" else "en",
        "other_html_lang": "en" if lang == "zh" else "zh-Hans",
    }


def autocomplete_attrs() -> Markup:
    """The data-* attributes that static/js/autocomplete.js reads from a search form."""
    attrs = {
        "data-suggest": request.script_root + "/api/v1/suggest",
        "data-type-exhibit": _("Exhibit"),
        "data-type-enterprise": _("Enterprise"),
        "data-type-category": _("Category"),
        "data-msg-results": _("%(num)s suggestions. Use the up and down arrow keys to choose.", num="{n}"),
        "data-msg-none": _("No suggestions."),
        "data-label-list": _("Suggestions"),
    }
    return Markup("".join(f' {name}="{escape_html(value)}"' for name, value in attrs.items()))
