"""Sessions end: a saved cookie is worthless after logout, a password or role change and
deactivation, and every session ends 8 hours after its sign-in however much it is used."""

from __future__ import annotations

import time

import pytest

from catalogue.extensions import db
from catalogue.organizer import accounts
from catalogue.organizer.auth import LOGIN_AT
from tests.conftest import csrf_token, log_in


def saved_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A new browser that only has the saved session cookie: the dashboard's status code."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/organizer/").status_code


def test_a_cookie_saved_before_logout_is_signed_out_after_it(app, editor_client):
    cookie = saved_cookie(editor_client)
    assert replay(app, cookie) == 200  # the copy works while the session lasts
    editor_client.post("/organizer/logout", data={"csrf_token": csrf_token(editor_client, "/organizer/")})
    assert editor_client.get("/organizer/").status_code == 302
    assert replay(app, cookie) == 302  # to the login page


def test_signing_in_again_does_not_revive_a_logged_out_cookie(app, editor_client):
    cookie = saved_cookie(editor_client)
    editor_client.post("/organizer/logout", data={"csrf_token": csrf_token(editor_client, "/organizer/")})
    assert log_in(app.test_client(), "editor@example.org").status_code == 302
    assert replay(app, cookie) == 302


@pytest.mark.parametrize("change", ["deactivate-reactivate", "role", "password"])
def test_account_changes_end_the_accounts_sessions(app, admin_client, make_organizer, change):
    editor = make_organizer(email="mei@example.org", role="editor")
    client = app.test_client()
    assert log_in(client, "mei@example.org").status_code == 302
    cookie = saved_cookie(client)
    acting = admin_client.organizer
    if change == "deactivate-reactivate":  # reactivating must not revive the old cookies
        accounts.set_active(editor, False, acting)
        accounts.set_active(editor, True, acting)
    elif change == "role":
        accounts.change_role(editor, "admin", acting)
    else:
        accounts.change_password(editor, "a new Passphrase 2026")
    db.session.commit()
    assert replay(app, cookie) == 302
    assert client.get("/organizer/").status_code == 302
    assert admin_client.get("/organizer/").status_code == 200  # other accounts' sessions go on


def _with_login_at(app, cookie: str, login_at: float) -> str:
    """The same session, re-signed with another sign-in time (as the server's key allows)."""
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(cookie)
    data[LOGIN_AT] = login_at
    return serializer.dumps(data)


def test_a_session_ends_eight_hours_after_signing_in_however_much_it_is_used(app, editor_client):
    cookie = saved_cookie(editor_client)
    now = time.time()
    almost = _with_login_at(app, cookie, now - 8 * 3600 + 120)
    browser = app.test_client()
    browser.set_cookie("session", almost)
    assert browser.get("/organizer/").status_code == 200
    renewed = app.session_interface.get_signing_serializer(app).loads(saved_cookie(browser))
    assert renewed[LOGIN_AT] == pytest.approx(now - 8 * 3600 + 120)  # using it does not move the start
    assert replay(app, _with_login_at(app, cookie, now - 8 * 3600 - 60)) == 302
    assert replay(app, _with_login_at(app, cookie, now + 3600)) == 302  # not from the future either


def test_a_cookie_from_before_session_versions_is_signed_out(app, editor_client):
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(saved_cookie(editor_client))
    data["_user_id"] = str(editor_client.organizer.id)  # the old form: the id alone
    assert replay(app, serializer.dumps(data)) == 302
