"""The page cache: /search results rendered once are served again to any worker of the node, for the
same query, language and address on the same index state; every change to the index makes them be
rendered anew, and the frame around them (visit plan, navigation) is still each visitor's own."""

from __future__ import annotations

import re
import sqlite3

from catalogue import create_app
from catalogue.extensions import db
from catalogue.search import pagecache
from catalogue.search.engine import SearchIndex
from catalogue.search.searchlog import SearchLogEntry
from catalogue.search.service import search_service
from tests.conftest import close_app, make_app
from tests.visit.conftest import plan_form_token


def content(html: str) -> str:
    """The page's content block (the part the page cache keeps)."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def rows(app) -> int:
    with sqlite3.connect(search_service().pages.path) as connection:
        return connection.execute("SELECT count(*) FROM pages").fetchone()[0]


def test_a_repeated_search_page_is_served_from_the_cache_and_still_logged(app, client, make_exhibit):
    make_exhibit(name="Wafer prober", name_zh="晶圆探针台")
    pages = search_service().pages
    first = client.get("/search?q=晶圆&lang=zh")
    assert first.status_code == 200 and "晶圆探针台" in first.text
    hits = pages.hits
    again = client.get("/search?q=晶圆&lang=zh")
    assert pages.hits == hits + 1
    assert again.text == first.text
    search_service().log.flush()
    logged = db.session.query(SearchLogEntry).filter_by(query="晶圆").all()
    assert [entry.results for entry in logged] == [1, 1]


def test_another_language_or_address_is_rendered_anew(app, client, make_exhibit):
    for n in range(25):
        make_exhibit(name=f"Radar module {n}", name_zh=f"雷达模组{n}")
    pages = search_service().pages
    english = client.get("/search?q=radar")
    hits = pages.hits
    chinese = client.get("/search?q=radar&lang=zh")
    second = client.get("/search?q=radar&page=2")
    tracked = client.get("/search?q=radar&utm_source=poster")
    assert pages.hits == hits
    assert "25 results for" in english.text and "共找到 25 个结果" in chinese.text
    assert content(second.text) != content(english.text)
    # links keep the visitor's other query arguments, so that page is its own
    assert "utm_source=poster" in content(tracked.text) and "utm_source" not in content(english.text)


def test_a_commit_renders_the_page_anew(app, client, make_exhibit):
    exhibit = make_exhibit(name="Battery pack", name_zh="动力电池包")
    assert "Battery pack" in client.get("/search?q=battery").text
    exhibit.name = "Battery management system"
    db.session.commit()
    page = client.get("/search?q=battery").text
    assert "Battery management system" in page and "Battery pack" not in page
    db.session.delete(exhibit)
    db.session.commit()
    assert "0 results for" in client.get("/search?q=battery").text


def test_a_change_committed_by_another_process_renders_the_page_anew(app, client, make_exhibit):
    make_exhibit(name="Smart sensor", name_zh="智能传感器")
    service = search_service()
    assert "1 result for" in client.get("/search?q=sensor").text
    other = SearchIndex(service.index.root)  # another process's index object on the same directory
    try:
        other.apply([{"id": "exhibit:999999", "type": "exhibit", "db_id": 999999, "fingerprint": "x",
                      "name": "Pressure sensor", "name_zh": "压力传感器", "tags": []}], [], other.marker())
    finally:
        other.close()
    hits = service.pages.hits
    client.get("/search?q=sensor")
    assert service.pages.hits == hits  # the index changed: not the page rendered before


def test_a_rebuilt_generation_renders_the_page_anew(app, client, make_exhibit):
    exhibit = make_exhibit(name="Lidar unit", name_zh="激光雷达")
    assert "Lidar unit" in client.get("/search?q=lidar").text
    db.session.execute(db.text("UPDATE exhibit SET name = 'Lidar array' WHERE id = :id"), {"id": exhibit.id})
    db.session.commit()
    search_service().rebuild()
    page = client.get("/search?q=lidar").text
    assert "Lidar array" in page and "Lidar unit" not in page


def test_every_process_of_the_node_shares_the_pages(app, make_exhibit):
    make_exhibit(name="Wafer prober", name_zh="晶圆探针台")
    # a second process on the same instance: its own app, index object and cache connection
    second = create_app({key: app.config[key] for key in (
        "TESTING", "INSTANCE_PATH", "CATALOGUE_INDEX_DIR", "CATALOGUE_SECRET_KEY", "CATALOGUE_DEMO",
        "CATALOGUE_DATABASE_URL", "SQLALCHEMY_ENGINE_OPTIONS")})
    try:
        rendered = app.test_client().get("/search?q=wafer").text  # the first process renders the page
        with second.app_context():
            pages = search_service().pages
            hits = pages.hits
            served = second.test_client().get("/search?q=wafer").text
            assert pages.hits == hits + 1
        assert "Wafer prober" in content(served) and content(served) == content(rendered)
    finally:
        with second.app_context():
            search_service().index.close()
            db.session.remove()
            db.engine.dispose()


def test_the_file_is_emptied_when_the_app_starts(app, client, make_exhibit):
    make_exhibit(name="Wafer prober")
    client.get("/search?q=wafer")
    assert rows(app) == 1
    restarted = create_app({key: app.config[key] for key in (
        "TESTING", "INSTANCE_PATH", "CATALOGUE_INDEX_DIR", "CATALOGUE_SECRET_KEY", "CATALOGUE_DEMO",
        "CATALOGUE_DATABASE_URL", "SQLALCHEMY_ENGINE_OPTIONS")})
    try:
        assert rows(app) == 0  # a new release's templates never meet pages of the old ones
    finally:
        with restarted.app_context():
            search_service().index.close()
            db.session.remove()
            db.engine.dispose()


def test_the_frame_is_each_visitors_own(app, client, make_exhibit):
    exhibit = make_exhibit(name="Wafer prober")
    other = app.test_client()
    client.get("/search?q=wafer")
    form = {"kind": "exhibit", "id": str(exhibit.id), "csrf_token": plan_form_token(client, f"/exhibits/{exhibit.id}")}
    assert client.post("/plan/add", data={k: v for k, v in form.items() if v}).status_code in (302, 303)
    hits = search_service().pages.hits
    mine, theirs = client.get("/search?q=wafer").text, other.get("/search?q=wafer").text
    assert search_service().pages.hits == hits + 2
    count = re.compile(r"data-plan-count>(\d+)<")
    assert count.search(mine).group(1) == "1" and count.search(theirs).group(1) == "0"


def test_the_file_is_bounded_and_drops_older_states(app, client, make_exhibit, monkeypatch):
    monkeypatch.setattr(pagecache, "PRUNE_EVERY", 1)
    service = search_service()
    monkeypatch.setattr(service.pages, "size", 3)
    exhibit = make_exhibit(name="Chip tester", name_zh="芯片测试机")
    for text in ("chip", "tester", "芯片", "测试机", "chip tester"):
        client.get(f"/search?q={text}")
        assert rows(app) <= 3
    exhibit.name = "Chip handler"
    db.session.commit()
    client.get("/search?q=handler")
    with sqlite3.connect(service.pages.path) as connection:
        states = {state for (state,) in connection.execute("SELECT state FROM pages")}
    assert states == {service.index.state()}


def test_the_page_cache_can_be_turned_off(tmp_path, database_template):
    off = make_app(tmp_path, template=database_template, CATALOGUE_PAGE_CACHE=0)
    try:
        with off.app_context():
            assert search_service().pages is None
            client = off.test_client()
            assert client.get("/search?q=chip").status_code == 200
            assert not (search_service().root / "pages.sqlite3").exists()
    finally:
        close_app(off)


def test_a_damaged_file_is_replaced_and_never_fails_a_page(app, client, make_exhibit):
    make_exhibit(name="Robot arm", name_zh="机械臂")
    pages = search_service().pages
    client.get("/search?q=robot")
    pages.close()
    with open(pages.path, "wb") as damaged:
        damaged.write(b"this is not a database" * 1000)
    for suffix in ("-wal", "-shm"):
        (search_service().root / f"pages.sqlite3{suffix}").unlink(missing_ok=True)
    first = client.get("/search?q=robot")
    assert first.status_code == 200 and "Robot arm" in first.text
    client.get("/search?q=robot")
    hits = pages.hits
    assert "Robot arm" in client.get("/search?q=robot").text
    assert pages.hits == hits + 1  # the file was made anew and is used again
