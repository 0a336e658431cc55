"""Bring the database to the current schema, and fill an empty one with the demo catalogue."""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import inspect

from catalogue.extensions import db
from catalogue.locks import SCHEMA_LOCK, deployment_lock


def prepare_database(app: Flask) -> None:
    """Upgrade to the head revision (once across workers); load the demo into a new database."""
    with app.app_context():
        if _at_head():
            return
        with deployment_lock(db.engine, SCHEMA_LOCK, Path(app.instance_path) / "schema.lock"):
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
