"""Bring the database to the current schema, and fill an empty one with the demo catalogue."""

from __future__ import annotations

import ast
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import inspect, text

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
            from flask_migrate import upgrade  # alembic only when there is something to upgrade

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
    """Whether the database is at the migrations' head, read without alembic (11 MB that every
    worker would otherwise carry): the alembic_version table against head_revisions()."""
    if not inspect(db.engine).has_table("alembic_version"):
        return False
    with db.engine.connect() as connection:
        current = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return current == head_revisions(current_app.extensions["migrate"].directory)


def head_revisions(directory: str) -> set[str]:
    """The head revisions of a migrations directory, as alembic's ScriptDirectory.get_heads() gives
    them (tests/test_app.py compares the two): the revisions no other revision names as its
    down_revision. Each file's `revision` and `down_revision` are read as literals, never run."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (Path(directory) / "versions").glob("*.py"):
        found = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) or (isinstance(node, ast.AnnAssign) and node.value is not None):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                        found[target.id] = ast.literal_eval(node.value)
        if "revision" in found:
            revisions.add(found["revision"])
            down = found.get("down_revision")
            parents.update(down if isinstance(down, (tuple, list)) else [down] if down else [])
    return revisions - parents
