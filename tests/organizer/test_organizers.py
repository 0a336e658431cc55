"""Admins manage organizers in the browser: create, change role, deactivate; one admin always remains."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.organizer.models import Organizer
from tests.conftest import csrf_token, log_in

PAGE = "/organizer/organizers"


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, PAGE), **data})


def test_admins_see_every_organizer(admin_client, make_organizer):
    make_organizer(email="edith@example.org", name="Edith")
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "admin@example.org" in html and "edith@example.org" in html and "Edith" in html
    assert 'href="/organizer/organizers"' in html  # the nav shows admins the Organizers link


def test_an_admin_creates_an_organizer_who_can_then_sign_in(app, admin_client):
    response = post(admin_client, PAGE, email="New.Editor@example.org", name="New", role="editor",
                    password="a long password", confirm="a long password")
    assert response.status_code == 302
    assert "Created new.editor@example.org (editor)." in admin_client.get(PAGE).get_data(as_text=True)
    created = db.session.scalar(select(Organizer).where(Organizer.email == "new.editor@example.org"))
    assert created.password_hash.startswith("scrypt:131072:8:1$")
    assert log_in(app.test_client(), "new.editor@example.org", "a long password").status_code == 302


@pytest.mark.parametrize("fields, message", [
    ({"password": "short", "confirm": "short"}, "Use 10 to 1024 characters."),
    ({"password": "a long password", "confirm": "another password"}, "The two passwords differ."),
    ({"email": "", "password": "a long password", "confirm": "a long password"}, "Please fill this in."),
    ({"email": "admin@example.org", "password": "a long password", "confirm": "a long password"},
     "There is already an organizer with the email admin@example.org"),
    ({"email": "nope", "password": "a long password", "confirm": "a long password"}, "is not an email address"),
])
def test_creating_an_organizer_explains_what_is_wrong(admin_client, fields, message):
    data = {"email": "someone@example.org", "role": "editor", **fields}
    response = post(admin_client, PAGE, **data)
    html = response.get_data(as_text=True) if response.status_code != 302 else admin_client.get(PAGE).get_data(as_text=True)
    assert message in html
    assert db.session.scalar(select(Organizer).where(Organizer.email == "someone@example.org")) is None


def test_an_admin_changes_a_role_and_deactivates_and_reactivates(app, admin_client, make_organizer):
    editor = make_organizer(email="edith@example.org")
    editor_session = app.test_client()
    assert log_in(editor_session, "edith@example.org").status_code == 302

    assert post(admin_client, f"/organizer/organizers/{editor.id}/role", role="admin").status_code == 302
    db.session.refresh(editor)
    assert editor.role == "admin"
    assert editor_session.get(PAGE).status_code == 302  # a role change ends the account's sessions
    assert log_in(editor_session, "edith@example.org").status_code == 302
    assert editor_session.get(PAGE).status_code == 200  # signed in again, with the new role

    assert post(admin_client, f"/organizer/organizers/{editor.id}/deactivate").status_code == 302
    db.session.refresh(editor)
    assert editor.active is False
    assert editor_session.get("/organizer/").status_code == 302  # signed out

    assert post(admin_client, f"/organizer/organizers/{editor.id}/reactivate").status_code == 302
    db.session.refresh(editor)
    assert editor.active is True


def test_the_last_admin_cannot_be_demoted_or_deactivated(admin_client):
    me = admin_client.organizer
    for action, data, message in [("role", {"role": "editor"}, "You cannot demote your own account."),
                                  ("deactivate", {}, "You cannot deactivate your own account.")]:
        assert post(admin_client, f"/organizer/organizers/{me.id}/{action}", **data).status_code == 302
        assert message in admin_client.get(PAGE).get_data(as_text=True)
        db.session.refresh(me)
        assert (me.role, me.active) == ("admin", True)


def test_admins_cannot_remove_themselves_even_with_another_admin(admin_client, make_organizer):
    make_organizer(email="second@example.org", role="admin")
    me = admin_client.organizer
    post(admin_client, f"/organizer/organizers/{me.id}/deactivate")
    post(admin_client, f"/organizer/organizers/{me.id}/role", role="editor")
    db.session.refresh(me)
    assert (me.role, me.active) == ("admin", True)
    assert "You cannot demote your own account." in admin_client.get(PAGE).get_data(as_text=True)


def test_another_admin_can_be_demoted_but_not_the_last_active_one(admin_client, make_organizer):
    from catalogue.organizer import accounts

    second = make_organizer(email="second@example.org", role="admin")
    assert post(admin_client, f"/organizer/organizers/{second.id}/role", role="editor").status_code == 302
    db.session.refresh(second)
    assert second.role == "editor"

    # the rule itself: with one active admin left, nobody (not even another admin) removes them
    with pytest.raises(accounts.AccountRefused, match="last active admin"):
        accounts.set_active(admin_client.organizer, False, acting=second)


def test_an_unknown_organizer_is_404(admin_client):
    assert post(admin_client, "/organizer/organizers/999999/deactivate").status_code == 404


def test_the_page_is_in_chinese_too(admin_client):
    html = admin_client.get(PAGE + "?lang=zh").get_data(as_text=True)
    assert "添加组织者" in html and "退出登录" in html
