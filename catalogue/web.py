"""Request-wide helpers for pages: the UI language and template helpers."""

from __future__ import annotations

from flask import Flask, g, request
from markupsafe import Markup, escape

from catalogue.catalog.errors import InvalidParameter, NotFound
from catalogue.catalog.rules import has_cjk

LANGUAGES = ("en", "zh")
LANG_COOKIE = "lang"


def pick_language() -> str:
    """?lang= first, then the remembered cookie, then the browser's Accept-Language."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def init_app(app: Flask) -> None:
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

    @app.context_processor
    def template_helpers() -> dict:
        lang = g.get("lang", "en")

        def tr(obj, field: str = "name") -> str:
            """The object's field in the UI language, falling back to the other one."""
            return obj.pick(field, lang) if obj is not None else ""

        def paragraphs(text: str | None) -> Markup:
            parts = [p.strip() for p in (text or "").split("\n") if p.strip()]
            return Markup("".join(f"<p>{escape(p)}</p>" for p in parts))

        return {"lang": lang, "tr": tr, "paragraphs": paragraphs}
