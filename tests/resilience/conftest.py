"""Fixtures for resilience tests: a demo database that several processes share, and servers that
are always stopped."""

from __future__ import annotations

import pytest

from tests.conftest import close_app, make_app
from tests.resilience.nodes import Server


@pytest.fixture
def shared_app(tmp_path):
    """The demo catalogue in a fresh database (SQLite file or PostgreSQL schema) that the test's
    server processes and commands share; an app context of this process is pushed for checks."""
    app = make_app(tmp_path / "main", demo=True)
    with app.app_context():
        yield app
    close_app(app)


@pytest.fixture
def servers(tmp_path):
    """Start gunicorn servers: `servers(env, name, workers=1)`; all are stopped when the test ends."""
    started: list[Server] = []

    def start(env: dict, name: str, workers: int = 1) -> Server:
        server = Server(env, tmp_path / name, workers)
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()
