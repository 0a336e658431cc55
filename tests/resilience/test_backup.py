"""`flask backup PATH`: an online, consistent copy of the SQLite database; PostgreSQL is pg_dump's."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess

import pytest

from catalogue import create_app
from catalogue.extensions import db
from catalogue.search.engine import SearchRequest
from catalogue.search.service import search_service
from tests.conftest import PG_URL
from tests.resilience.nodes import (
    SECRET_KEY,
    counts,
    exhibitor_list,
    flask,
    flask_command,
    reader,
    same_node,
    wait_for,
)

pytestmark = pytest.mark.resilience
log = logging.getLogger(__name__)
sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite's online backup; on PostgreSQL the command "
                                 "refuses and names pg_dump (test_on_postgresql_the_command_names_pg_dump)")

QUERIES = ["chip", "芯片", "vehicle", "Backix", "Backix exhibit"]


def search_totals() -> dict[str, int]:
    return {q: search_service().search(SearchRequest(q), source="test").total for q in QUERIES}


@sqlite_only
def test_a_backup_never_overwrites_a_file_unless_forced(app, runner, tmp_path, make_exhibit):
    make_exhibit(name="Backed-up beacon")
    target = tmp_path / "catalogue-backup.sqlite3"
    target.write_text("an older backup")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "already exists; give --force to overwrite it" in result.output
    assert target.read_text() == "an older backup"

    result = runner.invoke(args=["backup", "--force", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT name FROM exhibit").fetchall() == [("Backed-up beacon",)]
    assert not list(tmp_path.glob(".catalogue-backup.sqlite3.partial-*"))


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set CATALOGUE_TEST_DATABASE_URL")
def test_on_postgresql_the_command_names_pg_dump(app, runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "catalogue.dump")])
    assert result.exit_code == 1
    assert "The database is PostgreSQL: back it up with pg_dump" in result.output
    assert "pg_dump -Fc --dbname='postgresql://" in result.output
    assert not (tmp_path / "catalogue.dump").exists()


@sqlite_only
def test_a_backup_taken_during_an_import_restores_to_a_consistent_state(shared_app, tmp_path):
    before = counts(), search_totals()
    csv = exhibitor_list(tmp_path / "backix.csv", "Backix", enterprises=100, exhibits_each=30)  # 3,000 rows
    backup = tmp_path / "during-import.sqlite3"
    importer = subprocess.Popen(flask_command("import", str(csv)), env=same_node(shared_app, tmp_path),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines, thread = reader(importer.stderr)
    try:
        wait_for(lines, "Importing", timeout=180)  # the import's transaction holds 1,000 new exhibits
        result = shared_app.test_cli_runner().invoke(args=["backup", str(backup)])
        import_still_running = importer.poll() is None
        importer.wait(timeout=300)
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
        thread.join(timeout=30)
        importer.stderr.close()
    assert result.exit_code == 0, result.output
    assert importer.returncode == 0, "".join(lines)
    assert import_still_running  # the backup really was taken during the import
    after = counts(), search_totals()
    assert after != before

    # Restore as docs/operations.md says, onto a node whose index holds the newer catalogue:
    # copy the file into place, then reindex.
    node = tmp_path / "restored"
    node.mkdir()
    shutil.copy(backup, node / "catalogue.sqlite3")
    shutil.copytree(shared_app.config["CATALOGUE_INDEX_DIR"], node / "search-index", symlinks=True)
    config = {"TESTING": True, "INSTANCE_PATH": str(node / "instance"), "CATALOGUE_DEMO": False,
              "CATALOGUE_DATABASE_URL": f"sqlite:///{node / 'catalogue.sqlite3'}",
              "CATALOGUE_INDEX_DIR": str(node / "search-index"), "CATALOGUE_SECRET_KEY": SECRET_KEY}
    env = {**same_node(shared_app, tmp_path), "CATALOGUE_INSTANCE_PATH": config["INSTANCE_PATH"],
           "CATALOGUE_DATABASE_URL": config["CATALOGUE_DATABASE_URL"],
           "CATALOGUE_INDEX_DIR": config["CATALOGUE_INDEX_DIR"]}
    reindexed = flask(env, "reindex")
    assert reindexed.returncode == 0, reindexed.stderr
    with sqlite3.connect(node / "catalogue.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restored_app = create_app(config)
    with restored_app.app_context():
        try:
            restored = counts(), search_totals()
            assert search_service().check().clean
        finally:
            search_service().index.close()
            db.session.remove()
            db.engine.dispose()
    assert restored in (before, after)
    log.info("the backup taken during the import holds the catalogue as it was %s it",
             "before" if restored == before else "after")
