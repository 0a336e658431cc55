"""Expo Catalogue: the exhibitor and exhibit catalogue of a technology expo."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

from catalogue.config import load_config
from catalogue.extensions import csrf, db, limiter, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = str(PROJECT_ROOT / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, commands; then the schema."""
    from catalogue.imports.read import require_safe_xml

    require_safe_xml()
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("CATALOGUE_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        # CATALOGUE_INSTANCE_PATH: an instance folder of its own (e.g. per node, or per test server)
        instance_path=os.path.abspath(instance_path) if instance_path else None,
    )
    load_config(app, test_config)
    if not app.debug and not app.logger.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    limiter.init_app(app)

    from catalogue import i18n, security, web
    from catalogue.api.views import bp as api_bp
    from catalogue.bootstrap import prepare_database
    from catalogue.cli import register_commands
    from catalogue.organizer import auth as organizer_auth
    from catalogue.organizer import deletions, editing, imports
    from catalogue.organizer import synonyms as synonyms_console
    from catalogue.organizer.views import bp as organizer_bp
    from catalogue.search import pages as search_pages
    from catalogue.search import service as search
    from catalogue.search.views import bp as search_bp
    from catalogue.visit.pages import bp as pages_bp
    from catalogue.visit.views import bp as visit_bp

    web.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(pages_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(visit_bp)
    app.register_blueprint(api_bp)
    organizer_auth.init_app(app)
    app.register_blueprint(organizer_bp)
    app.register_blueprint(synonyms_console.bp)
    app.register_blueprint(editing.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(deletions.bp)
    security.init_app(app)
    register_commands(app)
    search.init_app(app)
    search_pages.init_app(app)

    prepare_database(app)
    with app.app_context():
        search.search_service().ensure_index()
    return app
