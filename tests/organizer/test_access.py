"""Every organizer page refuses visitors; admin pages refuse editors; every form needs its CSRF token."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.organizer.models import Organizer
from tests.conftest import csrf_token

ADMIN_PAGES = ["/organizer/organizers", "/organizer/synonyms"]


def organizer_urls(app) -> list[tuple[str, str]]:
    """(method, address) for every organizer route except the login page, with sample arguments."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/organizer") or rule.endpoint == "organizer.login":
            continue
        values = dict.fromkeys(rule.arguments, 1)  # 1 suits int and string converters alike
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, adapter.build(rule.endpoint, values, method=method)))
    return found


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Organizer, Enterprise, Exhibit, Category)}


@pytest.fixture
def seeded(make_organizer, make_exhibit):
    make_organizer(email="admin@example.org", role="admin")
    make_exhibit()


def test_there_are_organizer_routes_to_check(app):
    methods = {method for method, _ in organizer_urls(app)}
    assert {"GET", "POST"} <= methods
    assert len(organizer_urls(app)) >= 6


def test_visitors_are_sent_to_the_login_page_from_every_organizer_page(app, client, seeded):
    for method, url in organizer_urls(app):
        if method != "GET":
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/organizer/login?next="), url


def test_visitors_cannot_change_anything_with_or_without_a_csrf_token(app, client, seeded):
    before = counts()
    token = csrf_token(client)  # a visitor can get a token from the login page; it must not be enough
    for method, url in organizer_urls(app):
        if method == "GET":
            continue
        refused = client.open(url, method=method, data={"email": "x@example.org", "role": "admin"})
        assert refused.status_code == 400, (method, url)  # no CSRF token
        redirected = client.open(url, method=method, data={"csrf_token": token, "email": "x@example.org",
                                                           "password": "p" * 12, "confirm": "p" * 12})
        assert redirected.status_code == 302, (method, url)
        assert redirected.headers["Location"].startswith("/organizer/login"), (method, url)
    assert counts() == before


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_editors_get_403_on_admin_pages(editor_client, url):
    response = editor_client.get(url)
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


def test_editors_cannot_manage_organizers(editor_client, make_organizer):
    other = make_organizer(role="admin")
    token = csrf_token(editor_client, "/organizer/")
    for action, data in [("role", {"role": "editor"}), ("deactivate", {})]:
        response = editor_client.post(f"/organizer/organizers/{other.id}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 403
    created = editor_client.post("/organizer/organizers", data={
        "csrf_token": token, "email": "new@example.org", "role": "admin",
        "password": "p" * 12, "confirm": "p" * 12,
    })
    assert created.status_code == 403
    db.session.refresh(other)
    assert (other.role, other.active) == ("admin", True)
    assert db.session.scalar(select(Organizer).where(Organizer.email == "new@example.org")) is None


def test_editors_see_the_dashboard_but_no_organizers_link(editor_client):
    page = editor_client.get("/organizer/").get_data(as_text=True)
    assert "Dashboard" in page
    assert "/organizer/organizers" not in page


def test_a_form_post_without_a_csrf_token_is_refused(admin_client):
    response = admin_client.post("/organizer/organizers", data={
        "email": "new@example.org", "role": "editor", "password": "p" * 12, "confirm": "p" * 12,
    })
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert db.session.scalar(select(Organizer).where(Organizer.email == "new@example.org")) is None


def test_a_csrf_token_from_another_session_is_refused(app, admin_client):
    stranger = app.test_client()
    foreign = csrf_token(stranger)
    response = admin_client.post("/organizer/logout", data={"csrf_token": foreign})
    assert response.status_code == 400
    assert admin_client.get("/organizer/").status_code == 200  # still signed in


def test_logout_needs_a_post_with_its_token(admin_client):
    assert admin_client.get("/organizer/logout").status_code == 405
    token = csrf_token(admin_client, "/organizer/")
    response = admin_client.post("/organizer/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert admin_client.get("/organizer/").status_code == 302
