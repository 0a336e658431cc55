"""Fixtures: an app on a fresh migrated database (SQLite, or PostgreSQL when
CATALOGUE_TEST_DATABASE_URL is set), its client and CLI runner, a shared demo app, and factories."""

from __future__ import annotations

import itertools
import os
import re
import uuid

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from catalogue import create_app
from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db

PG_URL = os.environ.get("CATALOGUE_TEST_DATABASE_URL")


class Database:
    """A throw-away database: a SQLite file, or a PostgreSQL schema of its own."""

    def __init__(self, directory):
        self.schema = None
        if PG_URL:
            self.schema = f"t_{uuid.uuid4().hex[:12]}"
            self.url = PG_URL
            engine = create_engine(PG_URL)
            with engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            engine.dispose()
        else:
            self.url = f"sqlite:///{directory / 'catalogue.sqlite3'}"

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


def make_app(directory, demo: bool = False, **overrides):
    database = Database(directory)
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


@pytest.fixture
def app(tmp_path):
    """A new app on an empty, migrated database; an app context is pushed for the test."""
    application = make_app(tmp_path)
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
