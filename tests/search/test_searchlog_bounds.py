"""The search log stays bounded and visitors cannot stuff the dashboard: a visitor counts once per
query and day, and rows older than CATALOGUE_SEARCH_LOG_DAYS become per-day totals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from catalogue.catalog.models import utcnow
from catalogue.extensions import db
from catalogue.organizer import dashboard
from catalogue.search.searchlog import SearchLogDay, SearchLogEntry


def search(client, query: str, address: str = "203.0.113.7", agent: str = "Firefox/128") -> None:
    response = client.get(f"/api/v1/search?q={query}", environ_base={"REMOTE_ADDR": address},
                          headers={"User-Agent": agent})
    assert response.status_code == 200


def old_row(query: str, days_ago: float, results: int = 1, visitor: str | None = None) -> SearchLogEntry:
    return SearchLogEntry(query=query, filters={}, results=results, partial=False, latency_ms=3, source="page",
                          visitor=visitor, created_at=utcnow() - timedelta(days=days_ago))


def test_one_visitor_repeating_a_query_counts_once(client, make_exhibit):
    make_exhibit(name="Solid-state lidar", name_zh="固态激光雷达")
    for _ in range(25):
        search(client, "spam-query")  # no results: would also top the "found nothing" table
    search(client, "激光雷达", address="198.51.100.1")
    search(client, "激光雷达", address="198.51.100.2")
    search(client, "激光雷达", address="198.51.100.2", agent="Safari/17")
    searches = dashboard.searches()
    assert searches["top"] == [("激光雷达", 3), ("spam-query", 1)]
    assert searches["zero"] == [("spam-query", 1)]
    assert searches["total"] == 28  # every search still counts in the total
    keys = db.session.scalars(select(SearchLogEntry.visitor).distinct()).all()
    assert len(keys) == 4 and all(len(key) == 16 for key in keys)
    assert not any("203.0.113.7" in key or "198.51" in key for key in keys)  # no address in the log


def test_prune_folds_old_days_into_daily_totals(app, runner):
    db.session.add_all([old_row("芯片", 40, visitor="a"), old_row("芯片", 40, visitor="a"),
                        old_row("芯片", 40, results=0, visitor="b"), old_row("芯片", 41),
                        old_row("graphene", 35, results=0), old_row("recent", 2)])
    db.session.commit()
    result = runner.invoke(args=["prune-search-log", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Folded 5 search-log row(s) from 3 day(s)" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(SearchLogEntry.query)).all() == ["recent"]
    days = {(d.query, (utcnow().date() - d.day).days): (d.searches, d.visitors, d.zero_visitors)
            for d in db.session.scalars(select(SearchLogDay))}
    assert days == {("芯片", 40): (3, 2, 1), ("芯片", 41): (1, 1, 0), ("graphene", 35): (1, 1, 1)}
    # the dashboard over a longer span reads the totals and the raw rows together
    searches = dashboard.searches(days=60)
    assert searches["total"] == 6
    assert searches["top"] == [("芯片", 3), ("graphene", 1), ("recent", 1)]
    assert searches["zero"] == [("graphene", 1), ("芯片", 1)]
    # running it again finds nothing more to fold and changes no total
    assert "Folded 0 search-log row(s)" in runner.invoke(args=["prune-search-log", "--days", "30"]).output
    assert dashboard.searches(days=60) == searches


def test_the_app_prunes_by_itself_after_the_configured_days(app, client):
    app.config["CATALOGUE_SEARCH_LOG_DAYS"] = 7
    db.session.add_all([old_row("stale", 9) for _ in range(30)] + [old_row("fresh", 3)])
    db.session.commit()
    search(client, "today")
    db.session.expire_all()
    # reading the log writes this process's buffer, whose first write also prunes
    assert sorted(db.session.scalars(select(SearchLogEntry.query))) == ["fresh", "today"]
    assert db.session.scalar(select(func.sum(SearchLogDay.searches))) == 30
