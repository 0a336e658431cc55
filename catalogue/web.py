"""The web edge shared by every page: the UI language, request arguments, template helpers, and the
one place that turns errors into pages or into the JSON error envelope."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from catalogue.catalog.models import MAX_ID
from catalogue.catalog.rules import has_cjk, query_text
from catalogue.errors import CatalogueError, InvalidParameter, NotFound

LANGUAGES = ("en", "zh")
LANG_COOKIE = "lang"
MAX_PAGE = 100_000


def pick_language() -> str:
    """?lang= first, then the remembered cookie, then the browser's Accept-Language."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


# Request arguments

def page_arg() -> int:
    """?page= as a page number; anything that is not a positive integer means page 1."""
    page = request.args.get("page", type=int)
    return min(page, MAX_PAGE) if page and page > 0 else 1


def per_page() -> int:
    return current_app.config["PER_PAGE"]


def text_arg(name: str) -> str | None:
    return query_text(request.args.get(name, "")).strip()[:200] or None


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


PAGE_ARGS = frozenset({"q", "type", "category", "hall", "page", "per_page", "lang"})


def page_variant() -> tuple | None:
    """What a page's links and wording depend on besides its data: the language, the address
    (url_with keeps every query argument) and the script root. None when an argument outside
    PAGE_ARGS is present: such pages are not worth keeping (anyone can make endless variants)."""
    if not request.args.keys() <= PAGE_ARGS:
        return None
    return g.get("lang"), request.script_root, request.path, tuple(sorted(request.args.items(multi=True)))


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
    return Markup("".join(f' {name}="{escape(value)}"' for name, value in attrs.items()))


def template_helpers() -> dict:
    """What every template may use: the UI language and the bilingual field pickers."""
    lang = g.get("lang", "en")
    other = "en" if lang == "zh" else "zh"

    def tr(obj, field: str = "name") -> str:
        """The object's field in the UI language, falling back to the other one."""
        return obj.pick(field, lang) if obj is not None else ""

    def tr_other(obj, field: str = "name") -> str:
        """The object's field in the other language, when it says something the UI one does not."""
        if obj is None:
            return ""
        text = obj.pick(field, other)
        return "" if text == obj.pick(field, lang) else text

    def paragraphs(text: str | None) -> Markup:
        parts = [p.strip() for p in (text or "").split("\n") if p.strip()]
        return Markup("".join(f"<p>{escape(p)}</p>" for p in parts))

    return {
        "lang": lang,
        "tr": tr,
        "tr_other": tr_other,
        "paragraphs": paragraphs,
        "url_with": url_with,
        "autocomplete_attrs": autocomplete_attrs,
        "html_lang": "zh-Hans" if lang == "zh" else "en",
        "other_html_lang": "en" if lang == "zh" else "zh-Hans",
    }


# Errors: pages for people, the JSON envelope under /api/

def wants_json() -> bool:
    return request.path.startswith("/api/")


def envelope(code: str, message: str, status: int, headers: dict | None = None):
    return jsonify({"error": {"code": code, "message": message}}), status, headers or {}


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CatalogueError)
    def catalogue_error(error: CatalogueError):
        if wants_json():
            return envelope(error.code, error.message, error.status)
        return render_template("errors/error.html", status=error.status, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        if wants_json():
            headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
            return envelope(code, error.description or error.name, error.code or 500, headers)
        return (
            render_template("errors/error.html", status=error.code, message=error.description),
            error.code,
        )

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return http_error(InternalServerError())


class IdConverter(IntegerConverter):
    """`<id:name>`: a record id, 0 to MAX_ID; a larger one names no record (404), and no database
    column could hold it (2^31 overflows PostgreSQL's integer, 2^63 SQLite's)."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, max=MAX_ID)


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter  # before any blueprint's rules are added

    @app.before_request
    def refuse_nul() -> None:
        """No record's name, slug or hall holds a NUL, and PostgreSQL refuses one in a query (a 500):
        a path with one names nothing, a parameter with one is malformed (a query `q` is cleaned)."""
        if "\x00" in request.path:
            raise NotFound("There is no such page.")
        for name, value in request.args.items(multi=True):
            if "\x00" in value and name != "q":
                raise InvalidParameter(f"The parameter '{name[:50]}' must not contain a NUL character.")

    @app.before_request
    def set_language() -> None:
        g.lang = pick_language()

    @app.after_request
    def remember_language(response):
        asked = request.args.get("lang")
        if asked in LANGUAGES and request.cookies.get(LANG_COOKIE) != asked:
            response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.template_filter("lang_of")
    def lang_of(text: str | None) -> str:
        """The lang attribute for a piece of catalogue text: zh-Hans if it has Chinese, else en."""
        return "zh-Hans" if has_cjk(text or "") else "en"

    app.context_processor(template_helpers)
    _register_error_pages(app)
