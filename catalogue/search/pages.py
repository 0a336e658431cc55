"""What the visitor pages show from cross-language search: machine-matched name hints, the
category shortcut above results, and the organizers' synonym groups ("also searched as")."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import func, select

from catalogue.catalog.models import Category, Exhibit
from catalogue.catalog.queries import subtree_ids
from catalogue.extensions import db
from catalogue.search import crosslang, synonyms
from catalogue.search.analysis import normalise


@dataclass
class Hint:
    """A name in the language the entry lacks, matched word by word by the glossary (never stored)."""

    lang: str  # the hint's language: "zh" or "en"
    text: str

    @property
    def html_lang(self) -> str:
        return "zh-Hans" if self.lang == "zh" else "en"


def machine_hint(record) -> Hint | None:
    """The hint for an exhibit or enterprise that has a name in one language only."""
    if record is None:
        return None
    found = crosslang.hint(record.name, record.name_zh)
    return Hint(*found) if found else None


@dataclass
class Shortcut:
    """A category named by the whole query, offered above the results."""

    category: Category
    exhibits: int


def category_shortcut(query: str | None) -> Shortcut | None:
    """The category whose name (either language, traditional characters read as simplified) is
    the whole query, with how many exhibits it and the categories below it hold."""
    key = normalise(crosslang.simplified(query or ""))
    if not key:
        return None
    for category in db.session.scalars(select(Category).order_by(Category.id)):
        names = {normalise(crosslang.simplified(n)) for n in (category.name, category.name_zh) if n}
        if key in names:
            count = db.session.scalar(select(func.count(Exhibit.id))
                                      .where(Exhibit.category_id.in_(subtree_ids(category.id))))
            return Shortcut(category, count or 0)
    return None


def init_app(app: Flask) -> None:
    """Make the helpers available to every template."""
    app.jinja_env.globals.update(glossary_hint=machine_hint, category_shortcut=category_shortcut,
                                 also_searched_as=synonyms.also_searched_as)
