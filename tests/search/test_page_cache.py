"""The page cache: /search results rendered once are served again to any worker of the node, for the
same query, language and address on the same index state and release; every change to the index
makes them be rendered anew, and the frame around them (visit plan, navigation) is still each
visitor's own."""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3

import pytest

from catalogue import create_app
from catalogue.extensions import db
from catalogue.search import pagecache
from catalogue.search.engine import SearchIndex
from catalogue.search.pagecache import CachedPage, PageCache
from catalogue.search.searchlog import SearchLogEntry
from catalogue.search.service import search_service
from tests.conftest import close_app, make_app
from tests.visit.conftest import plan_form_token


def content(html: str) -> str:
    """The page's content block (the part the page cache keeps)."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def rows() -> int:
    """Pages in the node's file (0 when nothing has made it yet)."""
    with contextlib.closing(sqlite3.connect(search_service().pages.path)) as connection:
        made = connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'pages'").fetchone()[0]
        return connection.execute("SELECT count(*) FROM pages").fetchone()[0] if made else 0


def served_from_cache(client, path: str) -> tuple[bool, str]:
    """GET path: whether the page cache answered it, and the page."""
    pages = search_service().pages
    hits = pages.hits
    page = client.get(path)
    assert page.status_code == 200
    return pages.hits == hits + 1, page.text


@contextlib.contextmanager
def another_process(app):
    """A second app on the same instance, database and index (its own index object and cache
    connection), as another worker of the node would have; its context is pushed."""
    other = create_app({key: app.config[key] for key in (
        "TESTING", "INSTANCE_PATH", "CATALOGUE_INDEX_DIR", "CATALOGUE_SECRET_KEY", "CATALOGUE_DEMO",
        "CATALOGUE_DATABASE_URL", "SQLALCHEMY_ENGINE_OPTIONS")})
    try:
        with other.app_context():
            yield other
    finally:
        with other.app_context():
            search_service().index.close()
            search_service().pages.close()
            db.session.remove()
            db.engine.dispose()


def test_a_repeated_search_page_is_served_from_the_cache_and_still_logged(app, client, make_exhibit):
    make_exhibit(name="Wafer prober", name_zh="晶圆探针台")
    cached, first = served_from_cache(client, "/search?q=晶圆&lang=zh")
    assert not cached and "晶圆探针台" in first
    cached, again = served_from_cache(client, "/search?q=晶圆&lang=zh")
    assert cached and again == first
    search_service().log.flush()
    logged = db.session.query(SearchLogEntry).filter_by(query="晶圆").all()
    assert [(entry.results, entry.source) for entry in logged] == [(1, "page"), (1, "page")]


def test_another_language_or_address_is_rendered_anew(app, client, make_exhibit):
    for n in range(25):
        make_exhibit(name=f"Radar module {n}", name_zh=f"雷达模组{n}")
    cached, english = served_from_cache(client, "/search?q=radar")
    assert not cached and "25 results for" in english
    for path in ("/search?q=radar&lang=zh", "/search?q=radar&page=2", "/search?q=radar&type=exhibit"):
        cached, page = served_from_cache(client, path)
        assert not cached and content(page) != content(english)
        assert served_from_cache(client, path)[0]
    assert "共找到 25 个结果" in client.get("/search?q=radar&lang=zh").text


def test_pages_with_other_query_arguments_are_not_kept(app, client, make_exhibit):
    make_exhibit(name="Radar module")
    for _ in range(2):
        cached, tracked = served_from_cache(client, "/search?q=radar&utm_source=poster")
        assert not cached
    assert "utm_source=poster" in content(tracked)  # its links keep the argument: it is its own page
    assert rows() == 0


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_commit_renders_the_page_anew(app, client, make_exhibit, change):
    exhibit = make_exhibit(name="Battery pack", name_zh="动力电池包")
    served_from_cache(client, "/search?q=battery")
    assert served_from_cache(client, "/search?q=battery")[0]
    if change == "edit":
        exhibit.name = "Battery management system"
    else:
        db.session.delete(exhibit)
    db.session.commit()
    cached, page = served_from_cache(client, "/search?q=battery")
    assert not cached and "Battery pack" not in page
    assert ("Battery management system" in page) if change == "edit" else ("0 results for" in page)


def test_a_change_committed_by_another_process_renders_the_page_anew(app, client, make_exhibit):
    make_exhibit(name="Smart sensor", name_zh="智能传感器")
    served_from_cache(client, "/search?q=sensor")
    assert served_from_cache(client, "/search?q=sensor")[0]
    index = search_service().index
    other = SearchIndex(index.root)  # another process's index object on the same directory
    try:
        other.apply([{"id": "exhibit:999999", "type": "exhibit", "db_id": 999999, "fingerprint": "x",
                      "name": "Pressure sensor", "name_zh": "压力传感器", "tags": []}], [], other.marker())
    finally:
        other.close()
    cached, page = served_from_cache(client, "/search?q=sensor")
    assert not cached and "2 results for" in page  # the index's count (the new document has no record)


def test_a_rebuilt_generation_renders_the_page_anew(app, client, make_exhibit):
    exhibit = make_exhibit(name="Lidar unit", name_zh="激光雷达")
    served_from_cache(client, "/search?q=lidar")
    assert served_from_cache(client, "/search?q=lidar")[0]
    db.session.execute(db.text("UPDATE exhibit SET name = 'Lidar array' WHERE id = :id"), {"id": exhibit.id})
    db.session.commit()
    search_service().rebuild()
    cached, page = served_from_cache(client, "/search?q=lidar")
    assert not cached and "Lidar array" in page and "Lidar unit" not in page


def test_no_page_is_kept_or_served_while_the_index_is_behind(app, client, make_exhibit, monkeypatch):
    exhibit = make_exhibit(name="Robot arm", name_zh="机械臂")
    served_from_cache(client, "/search?q=robot")
    assert served_from_cache(client, "/search?q=robot")[0]
    service = search_service()
    # the catch-up after the next commit fails (a full disk): the database moves on, the index not
    monkeypatch.setattr(service.index, "apply", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("disk full")))
    exhibit.name = "Robot gripper"
    db.session.commit()
    for _ in range(2):
        cached, page = served_from_cache(client, "/search?q=robot")
        assert not cached and "Robot gripper" in page  # the records as they are now, not the page kept before
    monkeypatch.undo()
    service.catch_up()
    served_from_cache(client, "/search?q=robot")
    assert served_from_cache(client, "/search?q=robot")[0]


def test_a_response_the_index_could_not_give_is_not_kept(app, client, make_exhibit, monkeypatch):
    make_exhibit(name="Wafer prober")
    service = search_service()
    monkeypatch.setattr(service.index, "search", lambda request: (_ for _ in ()).throw(OSError("read error")))
    monkeypatch.setattr(service, "_rebuild_if_unreadable", lambda: False)
    assert "0 results for" in client.get("/search?q=wafer").text  # no error page: no results
    assert rows() == 0
    monkeypatch.undo()
    assert "1 result for" in client.get("/search?q=wafer").text


def test_every_process_of_the_node_shares_the_pages(app, client, make_exhibit):
    make_exhibit(name="Wafer prober", name_zh="晶圆探针台")
    rendered = client.get("/search?q=wafer").text  # this process renders the page
    with another_process(app) as second:
        cached, served = served_from_cache(second.test_client(), "/search?q=wafer")
    assert cached and "Wafer prober" in content(served) and content(served) == content(rendered)


def test_pages_of_another_release_are_not_served(app, client, make_exhibit):
    make_exhibit(name="Wafer prober")
    client.get("/search?q=wafer")
    assert served_from_cache(client, "/search?q=wafer")[0]
    pages = search_service().pages
    key = pages.key(search_service().index.state(), "variant")
    pages.put(key, CachedPage("<p>old release</p>", 1, False))
    newer = PageCache(pages.path, pages.size, release_id="another release")
    try:
        assert newer.get(newer.key(search_service().index.state(), "variant")) is None
        assert pages.get(key).html == "<p>old release</p>"
    finally:
        newer.close()


def test_a_release_is_any_change_to_the_files(tmp_path):
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>{{ a }}</p>")
    before = pagecache.release([tmp_path])
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"bytecode")
    assert pagecache.release([tmp_path]) == before  # bytecode written at import is not a release
    template.write_text("<p>{{ b }}!</p>")
    assert pagecache.release([tmp_path]) != before


def test_the_frame_is_each_visitors_own(app, client, make_exhibit):
    exhibit = make_exhibit(name="Wafer prober")
    other = app.test_client()
    client.get("/search?q=wafer")
    form = {"kind": "exhibit", "id": str(exhibit.id), "csrf_token": plan_form_token(client, f"/exhibits/{exhibit.id}")}
    assert client.post("/plan/add", data={k: v for k, v in form.items() if v}).status_code in (302, 303)
    (mine_cached, mine), (theirs_cached, theirs) = (served_from_cache(client, "/search?q=wafer"),
                                                   served_from_cache(other, "/search?q=wafer"))
    assert mine_cached and theirs_cached
    count = re.compile(r"data-plan-count>(\d+)<")
    assert count.search(mine).group(1) == "1" and count.search(theirs).group(1) == "0"


def test_the_file_is_bounded(app, client, make_exhibit, monkeypatch):
    monkeypatch.setattr(pagecache, "PRUNE_EVERY", 1)
    monkeypatch.setattr(search_service().pages, "size", 3)
    make_exhibit(name="Chip tester", name_zh="芯片测试机")
    for n, text in enumerate(("chip", "tester", "芯片", "测试机", "chip tester"), start=1):
        client.get(f"/search?q={text}")
        assert rows() == min(n, 3)
    assert not served_from_cache(client, "/search?q=chip")[0]  # the oldest written went first
    assert served_from_cache(client, "/search?q=chip tester")[0]


def test_the_page_cache_can_be_turned_off(tmp_path, database_template):
    off = make_app(tmp_path, template=database_template, CATALOGUE_PAGE_CACHE=0)
    try:
        with off.app_context():
            assert search_service().pages is None
            assert off.test_client().get("/search?q=chip").status_code == 200
            assert not (search_service().root / pagecache.FILE).exists()
    finally:
        close_app(off)


def test_a_damaged_file_turns_the_cache_off_and_is_removed_at_start(app, client, make_exhibit, caplog):
    make_exhibit(name="Robot arm", name_zh="机械臂")
    pages = search_service().pages
    client.get("/search?q=robot")
    pages.close()
    with open(pages.path, "wb") as damaged:
        damaged.write(b"this is not a database" * 1000)
    with caplog.at_level(logging.ERROR, logger="catalogue.search.pagecache"):
        for _ in range(2):
            page = client.get("/search?q=robot")
            assert page.status_code == 200 and "Robot arm" in page.text
    assert pages.broken and "is damaged" in caplog.text
    with another_process(app) as restarted:  # the app's next start removes the file
        cached, page = served_from_cache(restarted.test_client(), "/search?q=robot")
        assert not cached and "Robot arm" in page
        assert served_from_cache(restarted.test_client(), "/search?q=robot")[0]


def test_a_busy_file_never_holds_a_page_up(app, client, make_exhibit, caplog):
    make_exhibit(name="Robot arm")
    client.get("/search?q=robot")
    with contextlib.closing(sqlite3.connect(search_service().pages.path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the file
        with caplog.at_level(logging.WARNING, logger="catalogue.search.pagecache"):
            page = client.get("/search?q=robots")
        holder.execute("ROLLBACK")
    assert page.status_code == 200 and "Could not" in caplog.text
    assert not search_service().pages.broken
