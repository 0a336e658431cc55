"""Unbound Flask extensions, bound to the app in create_app()."""

import sqlite3

import click
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from catalogue.ratelimits import SQLiteStorage  # noqa: F401  (registers the catalogue-sqlite:// storage)


class Base(DeclarativeBase):
    pass


class LazyMigrate:
    """Flask-Migrate, imported only when a migration command or upgrade runs: alembic (with mako and
    pygments) is 11 MB that a search worker, and the master it forks from, never needs.

    init_app() puts a stand-in at app.extensions["migrate"] and a `db` command group that load the
    real Flask-Migrate (configured exactly as Migrate().init_app would be) on first use."""

    def init_app(self, app, db, directory: str) -> None:
        app.extensions["migrate"] = _MigrateConfig(app, db, directory)
        app.cli.add_command(_DbCommands("db", help="Perform database migrations (Flask-Migrate)."))


class _MigrateConfig:
    """app.extensions["migrate"] until Flask-Migrate is needed: `directory` and `db` as they are,
    any other attribute (`migrate`, `configure_args`, ...) from the real one, set up on first use."""

    def __init__(self, app, db, directory: str):
        self.app, self.db, self.directory = app, db, directory

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("app", "db", "directory"):  # copy, pickle, hasattr probes
            raise AttributeError(name)
        if self.app.extensions.get("migrate") is self:
            from flask_migrate import Migrate

            Migrate().init_app(self.app, self.db, directory=self.directory)  # replaces this stand-in
        return getattr(self.app.extensions["migrate"], name)


class _DbCommands(click.Group):
    """`flask db ...`: a name in `flask --help` until it is used; then Flask-Migrate's own command
    group (its options, callback and commands) parses and runs the command line."""

    def make_context(self, info_name, args, parent=None, **extra):
        # Flask-Migrate itself is set up for the app when its commands first read
        # app.extensions["migrate"] (the stand-in above)
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()
babel = Babel()
login_manager = LoginManager()
login_manager.session_protection = "strong"
csrf = CSRFProtect()
# Storage comes from RATELIMIT_STORAGE_URI, which create_app() sets from CATALOGUE_REDIS_URL
# (else the node's shared SQLite file, see ratelimits.py); each init_app() gives the limiter a fresh storage.
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL for concurrent readers, enforced foreign keys, and waiting rather than failing on locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
