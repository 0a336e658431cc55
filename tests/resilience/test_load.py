"""Bounded load on loopback: ~50 concurrent searchers against gunicorn workers while an import
runs and an organizer edits an enterprise in the browser; nothing fails and nothing is lost.

CATALOGUE_LOAD_SECONDS sets how long the searchers run (default 20; the full run is 60:
`CATALOGUE_LOAD_SECONDS=60 pytest tests/resilience/test_load.py`)."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sqlite3
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from catalogue.catalog.models import Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.search import pagecache
from catalogue.search.service import CHECK_EVERY
from tests.resilience.nodes import (
    Browser,
    exhibitor_list,
    flask,
    flask_command,
    forms_of,
    node_env,
    request,
    search_total,
)

pytestmark = pytest.mark.resilience
log = logging.getLogger(__name__)

SECONDS = float(os.environ.get("CATALOGUE_LOAD_SECONDS", "20"))
SEARCHERS = 50
WORKERS = 3
PASSWORD = "load test password"
QUERIES = ["chip", "芯片", "sensor", "MCU芯片", "5G", "vehicle", "robot", "健康", "smart city", "battery",
           "sensr", "集成电路", "lidar", "Loadix", "quokkaware", "传感器", "software", "智慧城市"]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def searcher(port: int, deadline: float, tally: Tally, seed: int) -> None:
    rnd = random.Random(seed)
    while time.monotonic() < deadline:
        query = quote(rnd.choice(QUERIES))
        path = rnd.choice([f"/api/v1/search?q={query}", f"/api/v1/search?q={query}&type=exhibit&page=2",
                           f"/search?q={query}", f"/api/v1/suggest?q={query[:3]}"])
        started = time.monotonic()
        try:
            status, _, _ = request(port, "GET", path, timeout=60)
        except OSError as error:
            with tally.lock:
                tally.errors.append(f"{path}: {error!r}")
            continue
        tally.add(status, time.monotonic() - started)


def edit_enterprise(port: int, enterprise_id: int, description: str, outcome: dict) -> None:
    """What an organizer does in the browser: sign in, open the enterprise's form, change it, save."""
    try:
        browser = Browser(port)
        browser.log_in("load-editor@example.org", PASSWORD)
        status, _, page = browser.get(f"/organizer/enterprises/{enterprise_id}")
        assert status == 200, status
        form = next(f for f in forms_of(page) if "description" in f["fields"])
        status, location, page = browser.post(f"/organizer/enterprises/{enterprise_id}",
                                              {**form["fields"], "description": description})
        outcome["status"] = status
        outcome["saved"] = status == 302 and f"Saved Enterprise #{enterprise_id}" in browser.get(location)[2]
    except Exception as error:  # reported by the test's assertions
        outcome["error"] = repr(error)


def result_line(port: int, path: str) -> str:
    """The result count a /search page states."""
    status, _, body = request(port, "GET", path)
    assert status == 200, status
    return body.decode().split('class="result-count">', 1)[1].split("</h2>", 1)[0].strip()


def test_searches_an_import_and_an_edit_under_load(shared_app, tmp_path, servers):
    env = node_env(shared_app, tmp_path / "node")
    server = servers(env, "node", workers=WORKERS)
    created = flask(env, "create-organizer", "load-editor@example.org", "--role", "editor", input=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    csv = exhibitor_list(tmp_path / "loadix.csv", "Loadix", enterprises=20, exhibits_each=10)
    enterprise = db.session.scalar(select(Enterprise).order_by(Enterprise.id))
    exhibits_before = db.session.scalar(select(func.count()).select_from(Exhibit))
    server.wait_ready()

    tally, outcome = Tally(), {}
    deadline = time.monotonic() + SECONDS
    threads = [threading.Thread(target=searcher, args=(server.port, deadline, tally, n)) for n in range(SEARCHERS)]
    importer = None
    try:
        for thread in threads:
            thread.start()
        time.sleep(SECONDS * 0.2)
        importer = subprocess.Popen(flask_command("import", str(csv)), env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        time.sleep(SECONDS * 0.1)
        edit_enterprise(server.port, enterprise.id, "Now with quokkaware inside.", outcome)
        out, err = importer.communicate(timeout=SECONDS + 120)
    finally:
        if importer is not None and importer.poll() is None:
            importer.kill()
            importer.wait()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)

    latencies = sorted(tally.latencies)
    log.info(
        "%d requests in %.0f s by %d searchers on %d workers (%.0f/s); statuses %s; latency p50 %.0f ms, "
        "p95 %.0f ms, max %.0f ms; %d connection errors",
        len(latencies), SECONDS, SEARCHERS, WORKERS, len(latencies) / SECONDS, tally.statuses,
        1000 * statistics.median(latencies), 1000 * latencies[int(len(latencies) * 0.95)],
        1000 * latencies[-1], len(tally.errors),
    )
    assert importer.returncode == 0, err
    assert outcome.get("status") == 302 and outcome.get("saved"), outcome
    assert not tally.errors, tally.errors[:5]
    assert not [s for s in tally.statuses if s >= 500], tally.statuses
    assert set(tally.statuses) <= {200}, tally.statuses
    assert len(latencies) >= SEARCHERS
    server_log = server.log()
    assert "database is locked" not in server_log
    assert "Traceback" not in server_log, server_log[-5000:]

    # Nothing lost: the import's rows and the edit are in the database and found by search.
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Exhibit)) == exhibits_before + 200
    assert db.session.get(Enterprise, enterprise.id).description == "Now with quokkaware inside."
    assert search_total(server.port, "Loadix", type="exhibit") == 200
    assert search_total(server.port, "quokkaware", type="enterprise") == 1

    # The node's page cache, quiet now: a page the workers keep, then an edit. Every worker shows
    # the edit once it has caught up (it checks every CHECK_EVERY seconds), none the page kept before.
    path = "/search?q=wombatware&type=enterprise"
    before = {result_line(server.port, path) for _ in range(WORKERS * 3)}
    with contextlib.closing(sqlite3.connect(Path(env["CATALOGUE_INDEX_DIR"]) / pagecache.FILE)) as pages:
        assert pages.execute("SELECT count(*) FROM pages").fetchone()[0] >= 1
    edited: dict = {}
    edit_enterprise(server.port, enterprise.id, "Now with wombatware inside.", edited)
    assert edited.get("saved"), edited
    time.sleep(CHECK_EVERY + 0.1)
    after = {result_line(server.port, path) for _ in range(WORKERS * 4)}
    assert (before, after) == ({"0 results for “wombatware”"}, {"1 result for “wombatware”"})
    checked = flask(env, "check-index")
    assert checked.returncode == 0, checked.stdout + checked.stderr
