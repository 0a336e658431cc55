"""Fixtures: an app on a fresh migrated database (SQLite, or PostgreSQL when
CATALOGUE_TEST_DATABASE_URL is set), its client and CLI runner, a shared demo app, and factories."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import uuid

import pytest
from alembic import command as alembic_command
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text

from catalogue import create_app
from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db

PG_URL = os.environ.get("CATALOGUE_TEST_DATABASE_URL")


class Template:
    """The migrated empty schema, made once per test session: a SQLite file to copy, or (PostgreSQL) the
    migrations' SQL, run in each test's own schema. Running Alembic for every test was most of its setup."""

    def __init__(self, directory):
        self.sqlite_file = directory / "template.sqlite3"
        self.sql: str | None = None
        database = Database(directory)
        app = create_app({
            "TESTING": True, "INSTANCE_PATH": str(directory / "instance"), "CATALOGUE_SECRET_KEY": "test-secret",
            "CATALOGUE_INDEX_DIR": str(directory / "search-index"), "CATALOGUE_DEMO": False, **database.config(),
        })
        with app.app_context():
            if PG_URL:
                buffer = io.StringIO()
                config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
                config.output_buffer = buffer
                alembic_command.upgrade(config, "head", sql=True)
                self.sql = buffer.getvalue()
            db.session.remove()
            db.engine.dispose()
        if not PG_URL:
            shutil.copyfile(database.path, self.sqlite_file)  # disposed: the WAL is checkpointed into it
        database.drop()


class Database:
    """A throw-away database: a SQLite file, or a PostgreSQL schema of its own (from the template when given)."""

    def __init__(self, directory, template: Template | None = None):
        self.schema = None
        if PG_URL:
            self.schema = f"t_{uuid.uuid4().hex[:12]}"
            self.url = PG_URL
            engine = create_engine(PG_URL)
            with engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
                if template is not None:
                    connection.execute(text(f'SET LOCAL search_path TO "{self.schema}"'))
                    connection.exec_driver_sql(template.sql.replace("BEGIN;", "").replace("COMMIT;", ""))
            engine.dispose()
        else:
            directory.mkdir(parents=True, exist_ok=True)
            self.path = directory / "catalogue.sqlite3"
            if template is not None:
                shutil.copyfile(template.sqlite_file, self.path)
            self.url = f"sqlite:///{self.path}"

    def config(self) -> dict:
        options = {"pool_pre_ping": True}
        if self.schema:
            options["connect_args"] = {"options": f"-csearch_path={self.schema}"}
        return {"CATALOGUE_DATABASE_URL": self.url, "SQLALCHEMY_ENGINE_OPTIONS": options}

    def drop(self) -> None:
        if self.schema:
            engine = create_engine(PG_URL)
            with engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            engine.dispose()


class Client(FlaskClient):
    """A test client whose requests each start signed out of Flask-Login's and Flask-WTF's caches in g.

    The app fixture holds one app context for the whole test and Flask reuses it, and its g, for every
    request; without this, the organizer loaded by one request (or its CSRF token) would leak into
    the next, even into another client's."""

    def open(self, *args, **kwargs):
        if has_app_context():
            for cached in ("_login_user", "csrf_token"):
                g.pop(cached, None)
        return super().open(*args, **kwargs)


def make_app(directory, demo: bool = False, template: Template | None = None, **overrides):
    """An app on a new database: migrated from scratch (and with the demo loaded, when demo), or a copy of
    the session's migrated template."""
    database = Database(directory, template)
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(directory / "instance"),
        "CATALOGUE_INDEX_DIR": str(directory / "search-index"),
        "CATALOGUE_SECRET_KEY": "test-secret",
        "CATALOGUE_DEMO": demo,
        **database.config(),
        **overrides,
    }
    app = create_app(config)
    app.extensions["test_database"] = database
    app.test_client_class = Client
    return app


def close_app(app) -> None:
    log = app.extensions.get("catalogue_search_log")
    if log is not None:
        log.flush()  # before the database goes: buffered search-log rows would otherwise be written at exit
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    app.extensions["test_database"].drop()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Template:
    return Template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def app(tmp_path, database_template):
    """A new app on an empty, migrated database (a copy of the session's template); an app context is
    pushed for the test."""
    application = make_app(tmp_path, template=database_template)
    with application.app_context():
        yield application
    close_app(application)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """One app with the demo catalogue loaded, shared by read-only tests."""
    application = make_app(tmp_path_factory.mktemp("demo"), demo=True)
    yield application
    close_app(application)


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


_numbers = itertools.count(1)


def count(model) -> int:
    """How many rows the model's table holds."""
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def chips_tree(make_category):
    """Integrated circuits 集成电路 › Chips 芯片, and Core components 核心元器件 beside them."""
    ic = make_category(slug="integrated-circuits", name="Integrated circuits", name_zh="集成电路")
    chips = make_category(slug="chips", name="Chips", name_zh="芯片", parent=ic)
    core = make_category(slug="core-components", name="Core components", name_zh="核心元器件")
    return ic, chips, core


@pytest.fixture
def make_category(app):
    def make(**overrides) -> Category:
        n = next(_numbers)
        values = {"slug": f"category-{n}", "name": f"Category {n}", "name_zh": f"类别{n}"}
        category = Category(**{**values, **overrides})
        db.session.add(category)
        db.session.commit()
        return category

    return make


@pytest.fixture
def make_enterprise(app):
    def make(**overrides) -> Enterprise:
        n = next(_numbers)
        values = {
            "name": f"Enterprise {n} Co., Ltd.",
            "name_zh": f"企业{n}有限公司",
            "hall": "N1",
            "booth": f"N1-A{n:02d}",
        }
        enterprise = Enterprise(**{**values, **overrides})
        db.session.add(enterprise)
        db.session.commit()
        return enterprise

    return make


@pytest.fixture
def make_exhibit(app, make_enterprise):
    def make(**overrides) -> Exhibit:
        n = next(_numbers)
        if "enterprise" not in overrides and "enterprise_id" not in overrides:
            overrides["enterprise"] = make_enterprise()
        values = {"name": f"Exhibit {n}", "name_zh": f"展品{n}", "tags": []}
        exhibit = Exhibit(**{**values, **overrides})
        db.session.add(exhibit)
        db.session.commit()
        return exhibit

    return make


# Organizers: accounts, and clients signed in through the real login form (CSRF on)

# Fixture accounts get a cheap scrypt (N=2^10) so that signing in takes milliseconds, not ~0.4 s;
# the real cost (N=2^17) is what the command and the admin page store, and their tests check it.
FIXTURE_PASSWORD_METHOD = "scrypt:1024:8:1"
ORGANIZER_PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/organizer/login") -> str:
    """The CSRF token from the first form on the page at `url`, as the browser would send it."""
    response = client.get(url)
    match = CSRF_FIELD.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def log_in(client, email: str, password: str = ORGANIZER_PASSWORD, **kwargs):
    """Post the login form (with its CSRF token); returns the response."""
    token = csrf_token(client)
    return client.post(
        "/organizer/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs
    )


@pytest.fixture
def make_organizer(app):
    from werkzeug.security import generate_password_hash

    from catalogue.organizer.models import Organizer

    def make(email: str | None = None, role: str = "editor", password: str = ORGANIZER_PASSWORD, **overrides):
        organizer = Organizer(
            email=email or f"organizer{next(_numbers)}@example.org",
            role=role,
            password_hash=generate_password_hash(password, method=FIXTURE_PASSWORD_METHOD),
            **overrides,
        )
        db.session.add(organizer)
        db.session.commit()
        return organizer

    return make


def _signed_in_client(app, organizer):
    client = app.test_client()
    response = log_in(client, organizer.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.organizer = organizer
    return client


@pytest.fixture
def editor_client(app, make_organizer):
    """A client signed in as an editor (client.organizer)."""
    return _signed_in_client(app, make_organizer(email="editor@example.org", role="editor", name="Edith"))


@pytest.fixture
def admin_client(app, make_organizer):
    """A client signed in as an admin (client.organizer)."""
    return _signed_in_client(app, make_organizer(email="admin@example.org", role="admin", name="Ada"))
