"""The dashboard: catalogue figures and SVG charts, searches of the last week, index health."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from catalogue.catalog.models import utcnow
from catalogue.extensions import db
from catalogue.organizer import dashboard


@pytest.fixture
def catalogue(make_category, make_enterprise, make_exhibit):
    chips = make_category(slug="chips", name="Chips", name_zh="芯片")
    sensors = make_category(slug="sensors", name="Sensors", name_zh="传感器")
    north = make_enterprise(hall="N1")
    south = make_enterprise(hall="S2")
    for _ in range(3):
        make_exhibit(enterprise=north, category=chips)
    make_exhibit(enterprise=south, category=sensors)
    make_exhibit(enterprise=south)  # uncategorised


def svg_bars(html: str, chart: str) -> list[tuple[str, str]]:
    """(label, value) for each bar of one chart on the page."""
    figure = re.search(rf'<figure class="chart" id="{chart}">(.*?)</figure>', html, re.S).group(1)
    assert "<svg" in figure
    labels = re.findall(r'class="bar-label"[^>]*>([^<]*)<', figure)
    values = re.findall(r'class="bar-value"[^>]*>([^<]*)<', figure)
    return list(zip(labels, values, strict=True))


def test_dashboard_shows_the_figures_and_charts_by_category_and_hall(editor_client, catalogue):
    html = editor_client.get("/organizer/").get_data(as_text=True)
    assert "<strong>5</strong> exhibits" in html
    assert "<strong>2</strong> enterprises" in html
    assert svg_bars(html, "chart-categories") == [("Chips", "3"), ("Sensors", "1"), ("Uncategorised", "1")]
    assert svg_bars(html, "chart-halls") == [("N1", "3"), ("S2", "2")]
    assert 'href="/categories/chips"' in html and 'href="/exhibits?hall=N1"' in html
    assert "<script" not in html.split("</head>")[1]


def test_the_longest_bar_is_full_width(editor_client, catalogue):
    html = editor_client.get("/organizer/").get_data(as_text=True)
    widths = re.findall(r'class="bar-fill"[^>]*width="([0-9.]+)"', html)
    assert "300.0" in widths and "100.0" in widths


def test_dashboard_in_chinese(editor_client, catalogue):
    html = editor_client.get("/organizer/?lang=zh").get_data(as_text=True)
    assert "各类别展品数" in html and "芯片" in html and "未分类" in html


def test_an_empty_catalogue_has_no_bars(editor_client):
    html = editor_client.get("/organizer/").get_data(as_text=True)
    assert "No exhibits yet." in html and "<svg" not in html


def log_search(query: str, results: int, days_ago: float = 0) -> None:
    from catalogue.search.searchlog import SearchLogEntry

    db.session.add(SearchLogEntry(query=query, filters={}, results=results, partial=False, latency_ms=5,
                                  source="page", created_at=utcnow() - timedelta(days=days_ago)))


def test_top_and_zero_result_searches_of_the_last_seven_days(editor_client):
    for query, results, times in [("chip", 5, 4), ("sensor", 2, 2), ("graphene", 0, 3), ("qubit", 0, 1)]:
        for _ in range(times):
            log_search(query, results)
    log_search("old news", 0, days_ago=8)
    db.session.commit()
    searches = dashboard.searches()
    assert searches["total"] == 10
    assert searches["top"] == [("chip", 4), ("graphene", 3), ("sensor", 2), ("qubit", 1)]
    assert searches["zero"] == [("graphene", 3), ("qubit", 1)]
    html = editor_client.get("/organizer/").get_data(as_text=True)
    assert "10 searches in the last 7 days." in html
    assert "old news" not in html
    assert 'href="/search?q=graphene"' in html


def test_index_health_says_current_waiting_or_unavailable(editor_client, app, make_exhibit, monkeypatch):
    make_exhibit(name="Graphene sensor")
    html = editor_client.get("/organizer/").get_data(as_text=True)
    assert "In step with the database." in html

    # Two changes committed by another process, which this node's index has not applied yet
    from sqlalchemy import insert

    from catalogue.catalog.models import utcnow
    from catalogue.search.outbox import OutboxEntry

    with db.engine.begin() as connection:
        connection.execute(insert(OutboxEntry), [
            {"kind": "exhibit", "record_id": 10_001, "enterprise_id": None, "created_at": utcnow()},
            {"kind": "exhibit", "record_id": 10_002, "enterprise_id": None, "created_at": utcnow()},
        ])
    html = editor_client.get("/organizer/").get_data(as_text=True)
    assert "2 changes are waiting; they are applied before the next search." in html

    def broken():
        raise RuntimeError("index is locked")

    import catalogue.organizer.dashboard as dashboard

    monkeypatch.setattr(dashboard, "search_service", broken)
    html = editor_client.get("/organizer/").get_data(as_text=True)
    assert "Index health is unavailable." in html and "In step with the database." not in html


def test_dashboard_lists_recent_imports(editor_client):
    from catalogue.imports import history

    assert "No imports yet." in editor_client.get("/organizer/").get_data(as_text=True)
    db.session.add(history.ImportBatch(actor="editor@example.org", filename="exhibitors-2026.xlsx",
                                       checksum="0" * 64, counts={}))
    db.session.commit()
    html = editor_client.get("/organizer/").get_data(as_text=True)
    assert "exhibitors-2026.xlsx" in html and "No imports yet." not in html
