"""The dashboard's figures: the catalogue by category and hall, recent imports, searches, index health.

Imports, the search log and the search index belong to other areas; each panel is optional, so the
dashboard still renders when one of them is missing or failing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from catalogue.catalog import queries
from catalogue.catalog.models import Enterprise, Exhibit, utcnow
from catalogue.extensions import db

SEARCH_DAYS = 7
TOP = 10


@dataclass
class Bar:
    label: str
    value: int
    share: float  # of the largest value, 0..1
    key: str | None = None  # what the bar links to: a category slug or a hall


@dataclass
class Dashboard:
    figures: dict[str, int]
    by_category: list[Bar]
    by_hall: list[Bar]
    recent_imports: list | None = None  # None: the import history is not available
    searches: dict | None = None  # None: the search log is not available
    index: dict = field(default_factory=lambda: {"status": "unavailable"})


def bars(items: list[tuple[str, int, str | None]]) -> list[Bar]:
    """Bars scaled to the largest value."""
    top = max((value for _, value, _ in items), default=0) or 1
    return [Bar(label, value, value / top, key) for label, value, key in items]


def exhibits_by_category(lang: str) -> list[tuple[str, int, str | None]]:
    """Top-level categories with their exhibits (sub-categories included), and the uncategorised."""
    items = [(node.category.display_name(lang), node.count, node.category.slug) for node in queries.category_tree()]
    loose = db.session.scalar(select(func.count()).select_from(Exhibit).where(Exhibit.category_id.is_(None)))
    if loose:
        items.append(("Uncategorised" if lang != "zh" else "未分类", loose, None))
    return items


def exhibits_by_hall() -> list[tuple[str, int, str | None]]:
    rows = db.session.execute(
        select(Enterprise.hall, func.count(Exhibit.id))
        .outerjoin(Exhibit, Exhibit.enterprise_id == Enterprise.id)
        .group_by(Enterprise.hall)
        .order_by(Enterprise.hall)
    ).all()
    return [(hall or "—", count, hall) for hall, count in rows]


def recent_imports(limit: int = 5) -> list | None:
    try:
        from catalogue.imports.history import ImportBatch
    except ImportError:
        return None
    return list(db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))


def searches(days: int = SEARCH_DAYS, limit: int = TOP) -> dict | None:
    """The most frequent queries and those that found nothing, over the last `days` days."""
    try:
        from catalogue.search.searchlog import SearchLogEntry as Log
    except ImportError:
        return None
    since = utcnow() - timedelta(days=days)
    recent = Log.created_at >= since

    def top(*conditions) -> list[tuple[str, int]]:
        query = (
            select(Log.query, func.count().label("n"))
            .where(recent, Log.query != "", *conditions)
            .group_by(Log.query)
            .order_by(func.count().desc(), Log.query)
            .limit(limit)
        )
        return [(q, n) for q, n in db.session.execute(query).all()]

    total = db.session.scalar(select(func.count()).select_from(Log).where(recent)) or 0
    return {"days": days, "total": total, "top": top(), "zero": top(Log.results == 0)}


def index_health() -> dict:
    """The search index against the database: clean, drifting, or unavailable."""
    if "catalogue_search" not in current_app.extensions:  # this app runs without the search service
        return {"status": "unavailable"}
    try:
        from catalogue.search.service import search_service

        drift = search_service().check()
    except Exception:  # the search area is optional here; say so rather than fail the dashboard
        current_app.logger.warning("Index health unavailable on the dashboard", exc_info=True)
        return {"status": "unavailable"}
    return {
        "status": "clean" if drift.clean else "drift",
        "missing": len(drift.missing),
        "extra": len(drift.extra),
        "stale": len(drift.stale),
    }


def collect_dashboard(lang: str = "en") -> Dashboard:
    return Dashboard(
        figures=queries.figures(),
        by_category=bars(exhibits_by_category(lang)),
        by_hall=bars(exhibits_by_hall()),
        recent_imports=recent_imports(),
        searches=searches(),
        index=index_health(),
    )
