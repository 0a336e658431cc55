"""The index follows the database: commits reach it, rollbacks leave no trace, crashes lose nothing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select, text

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.search.engine import SearchRequest
from catalogue.search.outbox import OutboxEntry
from catalogue.search.service import search_service
from tests.conftest import PG_URL


def found(query: str, **filters) -> set[str]:
    response = search_service().index.search(SearchRequest(query, per_page=100, **filters))
    return {hit.id for hit in response.hits}


# what committed_late() tests need: PostgreSQL hands out ids before commit (SQLite at commit)
late_ids = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL, whose ids are handed out before commit; "
                              "set CATALOGUE_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def committed_late(app, enterprise_id: int):
    """A "Slow spectrometer" exhibit flushed in a session of its own (so it takes its outbox id now)
    and committed only when the block ends; the block runs in another app context, with its own
    session (a second request, open across the first one's commit)."""
    slow = app.app_context()
    slow.push()
    try:
        db.session.add(Exhibit(enterprise_id=enterprise_id, name="Slow spectrometer", tags=[]))
        db.session.flush()
        fast = app.app_context()
        fast.push()
        try:
            yield
        finally:
            fast.pop()
        db.session.commit()
    finally:
        slow.pop()


def test_a_commit_reaches_the_index(make_exhibit):
    exhibit = make_exhibit(name="Solid-state lidar", name_zh="固态激光雷达")
    assert f"exhibit:{exhibit.id}" in found("激光雷达")
    assert f"exhibit:{exhibit.id}" in found("lidar")
    assert search_service().check().clean


def test_a_rollback_leaves_no_trace(app, make_enterprise):
    enterprise = make_enterprise()
    before = db.session.scalar(select(func.count()).select_from(OutboxEntry))
    db.session.add(Exhibit(enterprise=enterprise, name="Ghost radar", tags=[]))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxEntry)) == before
    assert found("ghost radar") == set()
    assert search_service().check().clean


def test_updates_and_deletes_follow(make_exhibit):
    exhibit = make_exhibit(name="Battery pack", name_zh="动力电池包")
    exhibit_id = f"exhibit:{exhibit.id}"
    exhibit.name = "Battery management system"
    db.session.commit()
    assert exhibit_id in found("management")
    db.session.delete(exhibit)
    db.session.commit()
    assert exhibit_id not in found("battery")
    assert search_service().check().clean


def test_an_enterprise_rename_reaches_its_exhibits(make_enterprise, make_exhibit):
    enterprise = make_enterprise(name="Old Name Ltd", name_zh="旧名有限公司")
    exhibit = make_exhibit(enterprise=enterprise, name="Wafer prober")
    enterprise.name = "Yunxin Semiconductor Ltd"
    db.session.commit()
    assert f"exhibit:{exhibit.id}" in found("yunxin")
    assert search_service().check().clean


def test_moving_a_category_changes_its_exhibits_filters(make_category, make_exhibit):
    chips = make_category(slug="chips", name="Chips", name_zh="芯片")
    parent = make_category(slug="integrated-circuits", name="Integrated circuits", name_zh="集成电路")
    exhibit = make_exhibit(name="RISC-V microcontroller", category=chips)
    assert f"exhibit:{exhibit.id}" not in found("microcontroller", category="integrated-circuits")
    chips.parent = parent
    db.session.commit()
    assert f"exhibit:{exhibit.id}" in found("microcontroller", category="integrated-circuits")
    assert search_service().check().clean


def test_check_index_names_drift_and_reindex_repairs_it(app, runner, make_exhibit):
    exhibit = make_exhibit(name="Thermal camera")
    # A write that goes around the ORM (and so around the outbox) makes the index stale.
    db.session.execute(text("UPDATE exhibit SET name = 'Infrared camera' WHERE id = :id"), {"id": exhibit.id})
    db.session.commit()
    result = runner.invoke(args=["check-index"])
    assert result.exit_code == 1
    assert f"1 out of date in the index: exhibit:{exhibit.id}" in result.output
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "Rebuilt the search index" in result.output
    assert f"exhibit:{exhibit.id}" in found("infrared")
    result = runner.invoke(args=["check-index"])
    assert result.exit_code == 0, result.output
    assert "matches the database" in result.output


def test_a_missing_index_is_rebuilt_at_start(app, make_exhibit):
    import shutil

    exhibit = make_exhibit(name="Edge gateway")
    shutil.rmtree(app.config["CATALOGUE_INDEX_DIR"])
    assert not search_service().index.exists()
    search_service().ensure_index()  # what every start runs
    assert f"exhibit:{exhibit.id}" in found("gateway")
    assert search_service().check().clean


def test_an_index_with_an_older_schema_is_rebuilt_at_start(app, make_category, make_exhibit, monkeypatch):
    from tests.search.test_engine import as_older_version

    city = make_category(name="Smart city", name_zh="智慧城市")
    exhibit = make_exhibit(name="Street light", name_zh="路灯", category=city, exhibit_code="SL-1")
    as_older_version(monkeypatch)
    search_service().rebuild()  # what an earlier version left on disk
    monkeypatch.undo()
    assert found("智慧城市") == found("SL-1") == set()
    search_service().ensure_index()  # what every start runs
    assert search_service().index.schema_is_current()
    assert found("sl-1") == {f"exhibit:{exhibit.id}"}
    assert found("智慧城市") == {f"exhibit:{exhibit.id}", f"enterprise:{exhibit.enterprise_id}"}
    assert search_service().check().clean


CHILD = textwrap.dedent("""
    import os, signal, sys
    from sqlalchemy import event
    from flask_sqlalchemy.session import Session
    from catalogue import create_app
    from catalogue.catalog.models import Enterprise, Exhibit
    from catalogue.extensions import db
    import json
    config = json.loads(sys.argv[1])
    app = create_app(config)
    mode, label = sys.argv[2], sys.argv[3]
    with app.app_context():
        if mode == "kill":
            # Die like kill -9 right after the database commit, before the index hears of it.
            event.listen(Session, "after_commit", lambda s: os.kill(os.getpid(), signal.SIGKILL), insert=True)
        enterprise = Enterprise(name=f"{label} Ltd")
        db.session.add(enterprise)
        db.session.commit()
        for n in range(int(sys.argv[4])):
            db.session.add(Exhibit(enterprise=enterprise, name=f"{label} module {n}", tags=[]))
            db.session.commit()
""")


def run_child(app, tmp_path, mode: str, label: str, count: int) -> subprocess.Popen:
    import json

    keys = ("CATALOGUE_DATABASE_URL", "SQLALCHEMY_ENGINE_OPTIONS", "CATALOGUE_INDEX_DIR", "CATALOGUE_SECRET_KEY")
    config = {"INSTANCE_PATH": str(tmp_path / f"child-{label}"), "CATALOGUE_DEMO": False,
              **{k: app.config[k] for k in keys}}
    return subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(config), mode, label, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_kill_between_commit_and_index_loses_nothing(app, tmp_path):
    child = run_child(app, tmp_path, "kill", "Killed", 0)
    _, err = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL, err
    db.session.expire_all()
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.name == "Killed Ltd"))
    assert enterprise is not None  # committed before the kill
    drift = search_service().index.fingerprints()
    assert f"enterprise:{enterprise.id}" not in drift  # the index never heard of it
    check = search_service().check()  # catches up from the outbox first
    assert check.applied >= 1 and check.clean
    assert f"enterprise:{enterprise.id}" in found("killed")


def test_two_processes_writing_at_once_lose_nothing(app, tmp_path):
    children = [run_child(app, tmp_path, "write", label, 15) for label in ("Alpha", "Bravo")]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Exhibit)) == 30
    assert len(found("alpha module")) == 15 + 1 or len(found("alpha module")) >= 15
    assert {f"exhibit:{x}" for x in db.session.scalars(select(Exhibit.id))} <= found("module")
    assert search_service().check().clean


@late_ids
def test_a_transaction_that_commits_late_is_still_applied(app, make_enterprise):
    enterprise = make_enterprise(name="Late Ltd")
    with committed_late(app, enterprise.id):
        db.session.add(Exhibit(enterprise_id=enterprise.id, name="Fast spectrometer", tags=[]))
        db.session.commit()  # a higher outbox id, applied first
        assert len(found("spectrometer")) == 1
    assert len(found("spectrometer")) == 2
    assert search_service().check().clean


def test_category_deletion_updates_its_exhibits(make_category, make_exhibit):
    sensors = make_category(slug="sensors", name="Sensors", name_zh="传感器")
    exhibit = make_exhibit(name="MEMS gyroscope", category=sensors)
    assert f"exhibit:{exhibit.id}" in found("gyroscope", category="sensors")
    db.session.delete(sensors)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Category)) == 0
    assert search_service().check().clean
    assert os.path.isdir(search_service().root)


def test_an_index_ahead_of_the_database_is_rebuilt_at_start(app, make_exhibit):
    """A database restored from a backup (or replaced) must not be shadowed by a newer index."""
    kept = make_exhibit(name="Kept oscilloscope")
    gone = make_exhibit(name="Vanished oscilloscope")
    # What a restore of an older backup looks like to the index: rows and outbox entries gone.
    db.session.execute(text("DELETE FROM exhibit WHERE id = :id"), {"id": gone.id})
    db.session.execute(text("DELETE FROM search_outbox WHERE id > (SELECT MIN(id) FROM search_outbox)"))
    db.session.commit()
    search_service().ensure_index()  # what every start runs
    assert found("oscilloscope") == {f"exhibit:{kept.id}"}
    assert search_service().check().clean
