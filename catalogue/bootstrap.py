"""Bring the database to the current schema, and fill an empty one with the demo catalogue."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from catalogue.extensions import db

ADVISORY_LOCK_ID = 0x45_78_70_6F  # "Expo": serialises schema upgrades across PostgreSQL nodes


def prepare_database(app: Flask) -> None:
    """Upgrade to the head revision (once across workers); load the demo into a new database."""
    with app.app_context():
        if _at_head():
            return
        with _exclusive(app):
            if _at_head():  # another worker did it while we waited
                return
            was_new = not inspect(db.engine).has_table("enterprise")
            upgrade(directory=app.extensions["migrate"].directory)
            if was_new and app.config["CATALOGUE_DEMO"]:
                from catalogue.demo import load_demo
                from catalogue.search.service import search_service

                outcome = load_demo()
                documents = search_service().rebuild()
                app.logger.info(
                    "New database: created the schema, loaded the demo catalogue (%d exhibits from %d "
                    "enterprises) and built the search index (%d documents) in %s",
                    outcome.exhibits_total, outcome.enterprises_total, documents, _where(),
                )
            elif was_new:
                from catalogue.search.service import search_service

                search_service().rebuild()  # an index left from another database must not linger
                app.logger.info("New database: created the schema and an empty search index in %s", _where())
            else:
                app.logger.info("Upgraded the database schema in %s", _where())


def _where() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def _at_head() -> bool:
    script = ScriptDirectory.from_config(
        current_app.extensions["migrate"].migrate.get_config(
            current_app.extensions["migrate"].directory
        )
    )
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == set(script.get_heads())


@contextlib.contextmanager
def _exclusive(app: Flask) -> Iterator[None]:
    """Hold a lock that every worker and node of this deployment shares."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": ADVISORY_LOCK_ID})
                connection.commit()
        return
    lock_path = Path(app.instance_path) / "schema.lock"
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
