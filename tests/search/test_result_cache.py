"""The search result cache: a repeated search is answered from it, and every change to the index
(a commit here, a commit by another process, a rebuilt generation, a delete) drops it."""

from __future__ import annotations

import pytest

from catalogue.extensions import db
from catalogue.search.engine import SearchIndex, SearchRequest
from catalogue.search.searchlog import SearchLogEntry
from catalogue.search.service import search_service
from tests.conftest import close_app, make_app


def ask(text: str, **options):
    return search_service().search(SearchRequest(text, per_page=50, **options))


def names(response) -> set[str]:
    return {hit.name for hit in response.hits}


def test_a_repeated_search_is_answered_from_the_cache_and_still_logged(app, make_exhibit):
    make_exhibit(name="Wafer prober", name_zh="晶圆探针台")
    index = search_service().index
    first = ask("晶圆")
    hits = index.result_hits
    again = ask("晶圆")
    assert again is first
    assert index.result_hits == hits + 1
    search_service().log.flush()
    assert db.session.query(SearchLogEntry).filter_by(query="晶圆").count() == 2


@pytest.mark.parametrize("other", [{"lang": "zh"}, {"page": 2}, {"type": "enterprise"}, {"hall": "N1"},
                                   {"category": "chips"}])
def test_any_other_request_is_computed_anew(app, make_exhibit, other):
    make_exhibit(name="Wafer prober")
    index = search_service().index
    first = ask("wafer")
    hits = index.result_hits
    assert ask("wafer", **other) is not first
    assert index.result_hits == hits


def test_a_commit_drops_the_cached_results(app, make_exhibit):
    exhibit = make_exhibit(name="Battery pack", name_zh="动力电池包")
    assert names(ask("battery")) == {"Battery pack"}
    exhibit.name = "Battery management system"
    db.session.commit()
    assert names(ask("battery")) == {"Battery management system"}
    db.session.delete(exhibit)
    db.session.commit()
    assert names(ask("battery")) == set()


def test_a_commit_by_another_process_drops_the_cached_results(app, make_exhibit):
    make_exhibit(name="Smart sensor", name_zh="智能传感器")
    index = search_service().index
    assert names(ask("传感器")) == {"Smart sensor"}
    # another process: its own SearchIndex object on the same directory writes a document
    other = SearchIndex(index.root)
    try:
        other.apply([{"id": "exhibit:999999", "type": "exhibit", "db_id": 999999, "fingerprint": "x",
                      "name": "Pressure sensor", "name_zh": "压力传感器", "tags": []}], [],
                    other.marker())
    finally:
        other.close()
    hits = index.result_hits
    assert names(index.search(SearchRequest("传感器", per_page=50))) == {"Smart sensor", "Pressure sensor"}
    assert index.result_hits == hits


def test_a_rebuilt_generation_drops_the_cached_results(app, make_exhibit):
    exhibit = make_exhibit(name="Lidar unit", name_zh="激光雷达")
    index = search_service().index
    generation = index._current()
    assert names(ask("lidar")) == {"Lidar unit"}
    # the database changes without the index hearing of it; only a rebuild brings it in
    db.session.execute(db.text("UPDATE exhibit SET name = 'Lidar array' WHERE id = :id"), {"id": exhibit.id})
    db.session.commit()
    assert names(ask("lidar")) == {"Lidar unit"}  # the same generation: still the cached answer
    search_service().rebuild()
    assert index._current() != generation
    assert names(ask("lidar")) == {"Lidar array"}


def test_the_cache_is_bounded_and_can_be_turned_off(tmp_path, database_template):
    bounded = make_app(tmp_path / "a", template=database_template, CATALOGUE_SEARCH_CACHE=2)
    off = make_app(tmp_path / "b", template=database_template, CATALOGUE_SEARCH_CACHE=0)
    try:
        for application, kept in ((bounded, 2), (off, 0)):
            with application.app_context():
                index = search_service().index
                answered = []
                for text in ("chip", "radar", "sensor", "chip", "sensor"):
                    hits = index.result_hits
                    index.search(SearchRequest(text))
                    answered.append(index.result_hits > hits)
                # room for two: "chip" was dropped for "sensor", so only the last "sensor" is cached
                assert answered == [False, False, False, False, kept > 0]
                assert len(index._results) == kept
    finally:
        close_app(bounded)
        close_app(off)


def test_large_pages_count_as_several(tmp_path, database_template):
    app = make_app(tmp_path / "a", template=database_template, CATALOGUE_SEARCH_CACHE=10)
    try:
        with app.app_context():
            index = search_service().index
            for n in range(120):
                index.apply([{"id": f"exhibit:{n}", "type": "exhibit", "db_id": n, "fingerprint": "x",
                              "name": f"Radar unit {n}", "tags": []}], [], index.marker())
            index.search(SearchRequest("radar", per_page=100))  # 100 hits: 5 default pages
            index.search(SearchRequest("radar", per_page=100, page=2))  # 20 hits: 1 page
            assert len(index._results) == 2 and index._results_weight == 6
            index.search(SearchRequest("unit", per_page=100))  # 11 pages in all: the oldest goes
            assert len(index._results) == 2 and index._results_weight == 6
    finally:
        close_app(app)
