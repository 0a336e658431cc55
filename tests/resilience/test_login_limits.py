"""The sign-in rate limit holds per node across its workers without Redis (gunicorn -w 3)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.security import generate_password_hash

from catalogue.extensions import db
from catalogue.organizer.models import Organizer
from tests.conftest import FIXTURE_PASSWORD_METHOD, ORGANIZER_PASSWORD
from tests.resilience.nodes import Browser, forms_of, node_env

pytestmark = pytest.mark.resilience
log = logging.getLogger(__name__)

ATTEMPTS = 24
THREADS = 6


def attempt(port: int, email: str, password: str) -> int:
    """One browser: load the login page (session and CSRF token), post the form; the status."""
    browser = Browser(port)
    status, _, page = browser.get("/organizer/login")
    assert status == 200, status
    fields = {**forms_of(page)[0]["fields"], "email": email, "password": password}
    status, _, _ = browser.post("/organizer/login", fields)
    return status


def test_five_a_minute_hold_across_three_workers(shared_app, tmp_path, servers):
    db.session.add(Organizer(email="mei@example.org", role="editor",
                             password_hash=generate_password_hash(ORGANIZER_PASSWORD, method=FIXTURE_PASSWORD_METHOD)))
    db.session.commit()
    server = servers(node_env(shared_app, tmp_path / "node"), "node", workers=3)
    server.wait_ready()
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(lambda n: attempt(server.port, "mei@example.org", f"guess {n}"), range(ATTEMPTS)))
    log.info("%d attempts on 3 workers: %d checked, %d refused with 429", ATTEMPTS, statuses.count(200),
             statuses.count(429))
    assert statuses.count(200) == 5, statuses  # per worker it would be up to 15
    assert statuses.count(429) == ATTEMPTS - 5
    workers = {line.split()[-1] for line in server.log().splitlines() if "Catalogue worker ready" in line}
    assert len(workers) == 3
