"""A catch-up that touches most of the catalogue (an import) builds a new generation from the database and
swaps it in; it keeps the ids of transactions still open, a failed build leaves the old index serving and
the outbox waiting, and small changes afterwards still go in place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text
from whoosh import index as whoosh_index

from catalogue.catalog.models import Exhibit
from catalogue.extensions import db
from catalogue.imports.service import run_import
from catalogue.search import catchup
from catalogue.search.engine import SearchRequest
from catalogue.search.outbox import OutboxEntry
from catalogue.search.service import search_service
from tests.imports.conftest import row, xlsx_bytes
from tests.resilience.nodes import exhibitor_list
from tests.resilience.test_faults import limit_file_size
from tests.search.test_sync import committed_late, late_ids

QUERIES = ["芯片", "chip", "重庆", "雷达", "radar", "xinpian", "Chongqing Microelectronics 3"]


@pytest.fixture(autouse=True)
def rebuild_from(monkeypatch):
    """A threshold a test catalogue reaches (the shipped one is 10,000 documents)."""
    monkeypatch.setattr(catchup, "REBUILD_FROM", 5)


def exhibitor_xlsx(enterprises: int, exhibits_each: int) -> bytes:
    rows = [
        row(enterprise=f"Chongqing Microelectronics {e} Co., Ltd.", enterprise_zh=f"重庆微电子{e}号有限公司",
            hall="N1", booth=f"N1-{e:03d}", code=f"EX-{e}-{x}",
            exhibit=f"Automotive chip {e}-{x}" if x % 2 else f"Millimetre-wave radar {e}-{x}",
            exhibit_zh=f"车规级芯片{e}-{x}" if x % 2 else f"毫米波雷达{e}-{x}",
            category="集成电路 > 芯片" if x % 2 else "传感器", tags="芯片、MCU" if x % 2 else "雷达")
        for e in range(enterprises) for x in range(exhibits_each)
    ]
    return xlsx_bytes(rows)


def imported(data: bytes, filename: str = "list.xlsx") -> None:
    """Import a file as the organizer's confirm does, and commit (which catches the index up)."""
    outcome = run_import(data, filename)
    assert outcome.applied, outcome.result.plan.problems
    db.session.commit()


def generation() -> str:
    return os.readlink(search_service().root / "current")


def generations() -> list[str]:
    return sorted(p.name for p in search_service().root.glob("gen-*"))


def segments() -> int:
    """How many segments the current generation has."""
    reader = whoosh_index.open_dir(str(search_service().root / "current")).reader()
    try:
        return len(reader.leaf_readers())
    finally:
        reader.close()


def results() -> dict[str, list[tuple[str, float]]]:
    """The ranked hits of QUERIES, as a visitor gets them."""
    answers = {}
    for query in QUERIES:
        response = search_service().index.search(SearchRequest(query, per_page=100))
        answers[query] = [(hit.id, round(hit.score, 6)) for hit in response.hits]
    return answers


def found(query: str) -> set[str]:
    return {hit.id for hit in search_service().index.search(SearchRequest(query, per_page=100)).hits}


def newest_outbox_id() -> int:
    return db.session.scalar(select(func.max(OutboxEntry.id))) or 0


def test_an_import_of_most_of_the_catalogue_rebuilds_and_an_edit_afterwards_goes_in_place(app, runner,
                                                                                        make_exhibit):
    standing = make_exhibit(name="Standing oscilloscope")
    before = generation()

    imported(exhibitor_xlsx(enterprises=6, exhibits_each=8))  # 54 documents of 56
    assert generation() == f"gen-{int(before[4:]) + 1}"
    assert generations() == [generation()]  # the old one is gone
    assert segments() == 1
    assert search_service().index.marker() == {"applied": newest_outbox_id(), "gaps": {}}
    assert found("oscilloscope") == {f"exhibit:{standing.id}"}
    assert len(found("芯片")) == 6 * 4 + 6  # the chips, and their enterprises
    assert search_service().check().clean

    after_import = results()
    assert runner.invoke(args=["reindex"]).exit_code == 0  # what an operator's reindex builds
    assert results() == after_import

    rebuilt = generation()
    exhibit = db.session.scalar(select(Exhibit).where(Exhibit.exhibit_code == "EX-2-1"))
    exhibit.name = "Automotive lidar controller"  # touches its enterprise and 8 exhibits: not most
    db.session.commit()
    assert generation() == rebuilt  # written in place
    assert found("lidar") == {f"exhibit:{exhibit.id}"}
    assert search_service().check().clean


def test_a_small_catalogue_or_a_small_change_stays_in_place(app, monkeypatch):
    monkeypatch.setattr(catchup, "REBUILD_FROM", 100)
    before = generation()
    imported(exhibitor_xlsx(enterprises=3, exhibits_each=8))  # 27 documents, all new: under 100
    assert generation() == before
    assert len(found("芯片")) == 3 * 4 + 3
    assert search_service().check().clean


def test_ids_of_transactions_still_open_are_watched_after_a_rebuild(app):
    """PostgreSQL hands out outbox ids before commit: a rebuild must keep watching the ids it skipped."""
    imported(exhibitor_xlsx(enterprises=4, exhibits_each=5))
    rebuilt = generation()
    exhibits = db.session.execute(select(Exhibit.id, Exhibit.enterprise_id).order_by(Exhibit.id)).all()
    hole = newest_outbox_id() + 1  # a transaction still open holds this id
    # Most of the catalogue changes in transactions that commit with higher ids (raw SQL: the test
    # writes the outbox rows itself, so that it can leave the hole).
    db.session.execute(text("UPDATE exhibit SET description = 'Now with quibbleton sensors.'"))
    db.session.execute(insert(OutboxEntry), [
        {"id": hole + 1 + n, "kind": "exhibit", "record_id": exhibit_id, "enterprise_id": owner}
        for n, (exhibit_id, owner) in enumerate(exhibits)
    ])
    db.session.commit()
    assert search_service().catch_up() == len(exhibits)
    assert generation() != rebuilt  # most of it: rebuilt
    marker = search_service().index.marker()
    assert marker["applied"] == hole + len(exhibits)
    assert set(marker["gaps"]) == {str(hole)}
    assert len(found("quibbleton")) == len(exhibits)

    # The open transaction commits its change, with the id it was given before the rebuild.
    late_id, late_owner = exhibits[0]
    db.session.execute(text("UPDATE exhibit SET name = 'Latecomer spectrometer' WHERE id = :id"), {"id": late_id})
    db.session.execute(insert(OutboxEntry).values(id=hole, kind="exhibit", record_id=late_id,
                                                  enterprise_id=late_owner))
    db.session.commit()
    rebuilt = generation()
    assert search_service().catch_up() == 1
    assert found("latecomer") == {f"exhibit:{late_id}"}
    assert generation() == rebuilt  # one enterprise's documents: in place
    assert search_service().index.marker()["gaps"] == {}
    assert search_service().check().clean


@late_ids
def test_a_transaction_that_commits_after_an_import_rebuilt_the_index_is_applied(app, make_enterprise):
    enterprise = make_enterprise(name="Late Ltd")
    with committed_late(app, enterprise.id):
        before = generation()
        imported(exhibitor_xlsx(enterprises=4, exhibits_each=5))  # higher ids; rebuilds
        assert generation() != before
        assert found("spectrometer") == set()
    assert len(found("spectrometer")) == 1
    assert search_service().check().clean


CHILD = textwrap.dedent("""
    import json, sys
    from catalogue import create_app
    from catalogue.extensions import db
    from catalogue.imports.service import run_import
    from catalogue.search import catchup
    catchup.REBUILD_FROM = 10
    app = create_app(json.loads(sys.argv[1]))
    with app.app_context():
        with open(sys.argv[2], "rb") as handle:
            assert run_import(handle.read(), "fat.csv").applied
        db.session.commit()
""")


def test_a_rebuild_that_fails_part_way_leaves_the_old_generation_and_the_outbox(app, tmp_path, make_exhibit):
    standing = make_exhibit(name="Standing oscilloscope")
    before, marker = generation(), search_service().index.marker()
    csv = exhibitor_list(tmp_path / "fat.csv", "Fsizex", enterprises=15, exhibits_each=10, words=60)
    keys = ("CATALOGUE_DATABASE_URL", "SQLALCHEMY_ENGINE_OPTIONS", "CATALOGUE_INDEX_DIR", "CATALOGUE_SECRET_KEY")
    config = {"INSTANCE_PATH": str(tmp_path / "child"), "CATALOGUE_DEMO": False, **{k: app.config[k] for k in keys}}
    # The child's file writes stop at 1 MiB: the new generation's segment files do not fit.
    child = subprocess.run([sys.executable, "-c", CHILD, json.dumps(config), str(csv)], capture_output=True,
                           text=True, timeout=180, preexec_fn=limit_file_size)
    assert child.returncode == 0, child.stderr  # the import is committed all the same
    assert "File too large" in child.stderr and "rebuild_from" in child.stderr, child.stderr

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Exhibit)) == 151
    assert generation() == before and generations() == [before]  # the failed build left nothing
    assert search_service().index.marker() == marker
    assert found("oscilloscope") == {f"exhibit:{standing.id}"}  # the old generation still answers
    assert found("Fsizex") == set()
    assert search_service().status()["waiting"] >= 150  # the outbox keeps the import

    drift = search_service().check()  # this process can write: the next catch-up applies everything
    assert drift.applied >= 150 and drift.clean
    assert generation() != before
    assert search_service().index.search(SearchRequest("Fsizex")).total == 150 + 15
    assert Path(search_service().root, generation()).is_dir()
