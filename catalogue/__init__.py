"""Expo Catalogue: the exhibitor and exhibit catalogue of a technology expo."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from catalogue.config import load_config
from catalogue.extensions import db, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = str(PROJECT_ROOT / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, commands; then the schema."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=(test_config or {}).get("INSTANCE_PATH"),
    )
    load_config(app, test_config)
    if not app.debug and not app.logger.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)

    from catalogue import errors, web
    from catalogue.api.views import bp as api_bp
    from catalogue.catalog import models  # noqa: F401  (registers the tables)
    from catalogue.catalog.views import bp as catalog_bp
    from catalogue.cli import register_commands

    web.init_app(app)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(api_bp)
    errors.init_app(app)
    register_commands(app)

    from catalogue.bootstrap import prepare_database

    prepare_database(app)
    return app
