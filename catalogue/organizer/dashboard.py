"""The dashboard's figures: the catalogue by category and hall, recent imports, searches, index health."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import String, cast, func, literal, select

from catalogue.catalog import queries
from catalogue.catalog.models import Enterprise, Exhibit, utcnow
from catalogue.extensions import db
from catalogue.imports.history import ImportBatch
from catalogue.search.searchlog import SearchLogDay as Day
from catalogue.search.searchlog import SearchLogEntry as Log
from catalogue.search.service import search_service

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
    recent_imports: list
    searches: dict
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


def recent_imports(limit: int = 5) -> list:
    return list(db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))


def searches(days: int = SEARCH_DAYS, limit: int = TOP) -> dict:
    """The most frequent queries and those that found nothing, over the last `days` days (today
    included), each visitor counted once per query and day: from the raw rows and, for days
    already pruned, from their per-day totals."""
    first_day = utcnow().date() - timedelta(days=days - 1)
    recent = Log.created_at >= datetime.combine(first_day, time(), UTC)
    who = func.count(func.distinct(func.coalesce(Log.visitor, literal("#") + cast(Log.id, String))))

    def top(zero: bool) -> list[tuple[str, int]]:
        counted: Counter[str] = Counter()
        raw = select(Log.query, who).where(recent, Log.query != "").group_by(Log.query)
        for query, n in db.session.execute(raw.where(Log.results == 0) if zero else raw):
            counted[query] += n
        daily = select(Day.query, func.sum(Day.zero_visitors if zero else Day.visitors)).where(
            Day.day >= first_day, Day.query != "").group_by(Day.query)
        for query, n in db.session.execute(daily):
            counted[query] += n or 0
        ranked = sorted(((q, n) for q, n in counted.items() if n), key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    tops = {"top": top(False), "zero": top(True)}  # first: selecting log rows writes the buffer
    total = db.session.scalar(select(func.count()).select_from(Log).where(recent)) or 0
    total += db.session.scalar(select(func.sum(Day.searches)).where(Day.day >= first_day)) or 0
    return {"days": days, "total": total, **tops}


def index_health() -> dict:
    """This node's index against the outbox (cheap: no document is compared): current, waiting for
    changes, ahead of the database (a restored backup), or unavailable."""
    try:
        status = search_service().status()
    except Exception:  # an unreadable index must not take the dashboard down; say so instead
        current_app.logger.warning("Index health unavailable on the dashboard", exc_info=True)
        return {"status": "unavailable"}
    if status["ahead"]:
        return {**status, "status": "ahead"}
    return {**status, "status": "waiting" if status["waiting"] else "current"}


def collect_dashboard(lang: str = "en") -> Dashboard:
    return Dashboard(
        figures=queries.figures(),
        by_category=bars(exhibits_by_category(lang)),
        by_hall=bars(exhibits_by_hall()),
        recent_imports=recent_imports(),
        searches=searches(),
        index=index_health(),
    )
