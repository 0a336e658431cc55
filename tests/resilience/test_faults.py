"""Faults: a process killed mid-import or between commit and index, a deleted or corrupt index (at
start and while the app runs), an index that cannot be written. The database stays the truth and
the index finds its way back to it; visitors and organizers never see an error for it."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from catalogue import create_app
from catalogue.catalog.models import Enterprise
from catalogue.extensions import db
from catalogue.search.engine import SearchRequest
from catalogue.search.service import search_service
from tests.conftest import csrf_token
from tests.resilience.nodes import (
    counts,
    exhibitor_list,
    flask_command,
    get_json,
    reader,
    same_node,
    wait_for,
)
from tests.search.test_sync import run_child

pytestmark = pytest.mark.resilience

DAMAGES = ["deleted", "toc", "segments"]  # (Whoosh leaks the file it failed to read: see setup.cfg)


def found(query: str) -> set[str]:
    return {hit.id for hit in search_service().index.search(SearchRequest(query, per_page=100)).hits}


def total(query: str) -> int:
    return search_service().index.search(SearchRequest(query)).total


def api_hits(client, query: str) -> list[int]:
    response = client.get(f"/api/v1/search?q={query}&per_page=100")
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(item["id"] for item in response.json["items"])


def damage_index(root: Path, damage: str) -> None:
    """Delete the index, or overwrite its table of contents or its segments with garbage in place
    (same size, so that readers which have the files mapped read garbage rather than crash)."""
    if damage == "deleted":
        shutil.rmtree(root)
        return
    generation = (root / "current").resolve()
    pattern = {"toc": "_MAIN_*.toc", "segments": "MAIN_*"}[damage]  # compound (.seg) or one file per part
    files = [f for f in generation.glob(pattern) if f.stat().st_size and f.name != "MAIN_WRITELOCK"]
    assert files, sorted(p.name for p in generation.iterdir())
    for path in files:
        with open(path, "r+b") as handle:
            handle.write(os.urandom(path.stat().st_size))


# --- (a) kill -9 in the middle of an import ------------------------------------------------


def test_a_kill_during_an_import_leaves_the_database_and_the_index_as_they_were(app, runner, tmp_path,
                                                                                make_exhibit):
    make_exhibit(name="Resident radar")
    csv = exhibitor_list(tmp_path / "big.csv", "Killix", enterprises=300, exhibits_each=20)  # 6,000 rows
    before = counts()
    child = subprocess.Popen(flask_command("import", str(csv)), env=same_node(app, tmp_path),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines, thread = reader(child.stderr)
    try:
        # The progress bar appears once the first 1,000 exhibits are flushed: mid-transaction.
        wait_for(lines, "Importing", timeout=180)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        thread.join(timeout=30)
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert counts() == before
    result = runner.invoke(args=["check-index"])
    assert result.exit_code == 0, result.output
    assert found("Killix") == set()


# --- (b) kill -9 between commit and index, then a new process on the same node -------------


def test_after_a_kill_between_commit_and_index_a_restarted_node_answers_with_the_change(app, tmp_path,
                                                                                       servers):
    child = run_child(app, tmp_path, "kill", "Resurrected", 0)  # see tests/search/test_sync.py
    try:
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == -signal.SIGKILL, err
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.name == "Resurrected Ltd"))
    assert enterprise is not None
    assert f"enterprise:{enterprise.id}" not in search_service().index.fingerprints()

    server = servers(same_node(app, tmp_path), "restarted")
    server.wait_ready()
    status, body = get_json(server.port, "/api/v1/search?q=resurrected&type=enterprise")
    assert status == 200, body
    assert [item["id"] for item in body["items"]] == [enterprise.id]
    drift = search_service().check()
    assert drift.clean and drift.applied == 0  # the new process had already applied it


# --- (c) a deleted or corrupt index ---------------------------------------------------------


def restart_config(app) -> dict:
    keys = ("CATALOGUE_DATABASE_URL", "SQLALCHEMY_ENGINE_OPTIONS", "CATALOGUE_INDEX_DIR", "CATALOGUE_SECRET_KEY")
    return {"TESTING": True, "INSTANCE_PATH": app.instance_path, "CATALOGUE_DEMO": False,
            **{key: app.config[key] for key in keys}}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_index_is_rebuilt_when_the_app_starts(app, make_exhibit, damage, caplog):
    exhibit_id = make_exhibit(name="Edge gateway").id  # (read here: this session is not the restarted app's)
    search_service().index.close()  # this node is down while its index is damaged
    damage_index(Path(app.config["CATALOGUE_INDEX_DIR"]), damage)

    restarted = create_app(restart_config(app))  # would raise if the start did not repair the index
    with restarted.app_context():
        try:
            assert api_hits(restarted.test_client(), "gateway") == [exhibit_id]
            assert search_service().check().clean
        finally:
            search_service().index.close()
            db.session.remove()
            db.engine.dispose()
    expected = "Built the search index" if damage == "deleted" else "cannot be updated; rebuilding it"
    assert expected in caplog.text


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_index_under_a_running_app_never_fails_a_search(app, client, make_exhibit, damage, caplog):
    gateway = make_exhibit(name="Edge gateway")
    assert api_hits(client, "gateway") == [gateway.id]  # this process now has the index open
    damage_index(Path(app.config["CATALOGUE_INDEX_DIR"]), damage)

    for url in ("/api/v1/search?q=gateway", "/search?q=gateway", "/api/v1/suggest?q=gat", "/api/v1/search?q=edge"):
        assert client.get(url).status_code == 200, url
    router = make_exhibit(name="Edge router")  # its commit's catch-up repairs the index
    assert api_hits(client, "edge") == sorted([gateway.id, router.id])
    assert search_service().check().clean
    if damage != "deleted":
        assert "cannot be read; rebuilding it" in caplog.text


# --- (d) the index cannot be written ---------------------------------------------------------

FILE_SIZE_LIMIT = 1 << 20  # the database files stay below it; the import's index segment does not


def limit_file_size() -> None:
    """In the child: writes past 1 MiB fail with EFBIG (instead of SIGXFSZ killing the process)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def test_an_import_whose_index_write_fails_succeeds_and_the_outbox_keeps_it(app, tmp_path):
    csv = exhibitor_list(tmp_path / "fat.csv", "Fsizex", enterprises=15, exhibits_each=10, words=60)
    result = subprocess.run(flask_command("import", str(csv)), env=same_node(app, tmp_path), capture_output=True,
                            text=True, timeout=180, preexec_fn=limit_file_size)
    assert result.returncode == 0, result.stderr
    assert "Imported" in result.stdout
    assert "File too large" in result.stderr  # the index write really failed (EFBIG)
    assert counts()["exhibit"] == 150
    assert found("Fsizex") == set()

    drift = search_service().check()  # the fault is gone: this process catches up from the outbox
    assert drift.applied >= 150 and drift.clean
    assert total("Fsizex") == 150 + 15


def test_an_edit_while_the_index_cannot_be_written_is_saved_and_applied_later(app, editor_client,
                                                                              make_enterprise, caplog):
    enterprise = make_enterprise(name="Steady Ltd")
    root = Path(app.config["CATALOGUE_INDEX_DIR"])
    away = root.with_name("index-away")
    root.rename(away)
    root.write_text("the index root is a file now")  # every index write fails, even as root
    try:
        fields = {"name": "Steady Ltd", "name_zh": enterprise.name_zh, "credit_code": "", "hall": "N1",
                  "booth": enterprise.booth, "website": "", "description": "Now with wobblefrost sensors.",
                  "description_zh": "", "csrf_token": csrf_token(editor_client, "/organizer/")}
        response = editor_client.post(f"/organizer/enterprises/{enterprise.id}", data=fields)
        assert response.status_code == 302, response.get_data(as_text=True)
        assert editor_client.get("/api/v1/search?q=wobblefrost").status_code == 200  # no error for visitors
        assert "Search index update failed" in caplog.text
    finally:
        root.unlink()
        away.rename(root)
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).description == "Now with wobblefrost sensors."
    assert found("wobblefrost") == set()
    drift = search_service().check()
    assert drift.applied >= 1 and drift.clean
    assert found("wobblefrost") == {f"enterprise:{enterprise.id}"}
