"""Signing in and out: messages, redirects, cookies, rate limits, deactivated accounts."""

from __future__ import annotations

import pytest

from catalogue.extensions import db
from catalogue.organizer.views import LOGIN_LIMITS
from tests.conftest import ORGANIZER_PASSWORD, csrf_token, log_in

WRONG = "Email or password is incorrect."


def test_login_page_is_bilingual_and_has_a_csrf_token(client):
    english = client.get("/organizer/login?lang=en").get_data(as_text=True)
    chinese = client.get("/organizer/login?lang=zh").get_data(as_text=True)
    assert "Organizer sign-in" in english and 'name="csrf_token"' in english
    assert "组织者登录" in chinese


def test_an_organizer_signs_in_with_any_case_of_email_and_lands_on_the_dashboard(client, make_organizer):
    organizer = make_organizer(email="Mei@Example.org")
    assert organizer.email == "mei@example.org"
    response = log_in(client, "  MEI@example.ORG ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/"
    assert client.get("/organizer/").status_code == 200
    db.session.refresh(organizer)
    assert organizer.last_login_at is not None


def test_unknown_account_and_wrong_password_get_the_same_message(client, make_organizer):
    make_organizer(email="mei@example.org")
    unknown = log_in(client, "nobody@example.org")
    wrong = log_in(client, "mei@example.org", "not the password")
    for response in (unknown, wrong):
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)
    strip = lambda r: r.get_data(as_text=True).replace('value="nobody@example.org"', "").replace(  # noqa: E731
        'value="mei@example.org"', "")
    assert _without_tokens(strip(unknown)) == _without_tokens(strip(wrong))
    assert client.get("/organizer/").status_code == 302


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'value="[^"]*"', "", html)


def test_the_message_is_in_chinese_on_the_chinese_page(client, make_organizer):
    client.get("/organizer/login?lang=zh")
    response = log_in(client, "nobody@example.org")
    assert "电子邮件或密码不正确" in response.get_data(as_text=True)


def test_a_deactivated_organizer_cannot_sign_in_and_is_signed_out(app, make_organizer):
    organizer = make_organizer(email="gone@example.org")
    client = app.test_client()
    assert log_in(client, "gone@example.org").status_code == 302
    organizer.active = False
    db.session.commit()
    assert client.get("/organizer/").status_code == 302  # the live session ends
    response = log_in(client, "gone@example.org")
    assert WRONG in response.get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "//evil.example/steal", "https://evil.example/", "http:evil.example", "\\\\evil.example",
    "/\\evil.example", "javascript:alert(1)", "evil.example", "/\r\nSet-Cookie:x=1", "\t//evil.example",
    "/\t/evil.example", "https:/\\evil.example",
])
def test_next_never_leaves_the_site(client, make_organizer, target):
    make_organizer(email="mei@example.org")
    token = csrf_token(client)
    response = client.post("/organizer/login", query_string={"next": target},
                           data={"email": "mei@example.org", "password": ORGANIZER_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/"


def test_next_returns_to_the_page_asked_for(client, make_organizer):
    make_organizer(email="admin@example.org", role="admin")
    sent = client.get("/organizer/organizers?x=1")
    assert sent.headers["Location"] == "/organizer/login?next=/organizer/organizers?x%3D1"
    token = csrf_token(client, sent.headers["Location"])
    response = client.post(sent.headers["Location"], data={
        "email": "admin@example.org", "password": ORGANIZER_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/organizer/organizers?x=1"


def test_a_signed_in_organizer_visiting_login_goes_to_the_dashboard(editor_client):
    response = editor_client.get("/organizer/login?next=//evil.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organizer/"


def test_session_cookie_is_httponly_lax_and_lasts_eight_hours(client, make_organizer):
    make_organizer(email="mei@example.org")
    response = log_in(client, "mei@example.org")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http here
    assert "Expires=" in cookie
    assert client.application.permanent_session_lifetime.total_seconds() == 8 * 3600
    assert not any(c.startswith("remember_token") for c in response.headers.getlist("Set-Cookie"))


def test_session_cookie_is_secure_on_https(client, make_organizer):
    make_organizer(email="mei@example.org")
    token = csrf_token(client)
    response = client.post("https://localhost/organizer/login", headers={"Referer": "https://localhost/organizer/login"},
                           data={"email": "mei@example.org", "password": ORGANIZER_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie


def test_secure_cookies_can_be_forced_by_config(tmp_path):
    from tests.conftest import close_app, make_app

    forced = make_app(tmp_path, CATALOGUE_SECURE_COOKIES=True)
    try:
        response = forced.test_client().get("/organizer/login")
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
        assert "Secure" in cookie
    finally:
        close_app(forced)


def test_the_sixth_bad_login_in_a_minute_gets_429_in_both_languages(client, make_organizer):
    assert LOGIN_LIMITS.startswith("5 per minute")
    make_organizer(email="mei@example.org")
    for n in range(5):
        response = log_in(client, f"guess{n}@example.org")
        assert response.status_code == 200, n
    blocked = log_in(client, "mei@example.org")  # even the right password, from this address
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.get_data(as_text=True)
    assert "Retry-After" in blocked.headers
    client.get("/organizer/login?lang=zh")
    chinese = log_in(client, "mei@example.org")
    assert chinese.status_code == 429
    assert "请求过于频繁" in chinese.get_data(as_text=True)
    assert client.get("/organizer/login").status_code == 200  # the page itself still shows


def test_one_account_is_limited_across_addresses(app, make_organizer):
    make_organizer(email="mei@example.org")
    attempts = [("10.0.0.1", 3), ("10.0.0.2", 2)]
    for address, times in attempts:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        for _ in range(times):
            assert log_in(client, "MEI@example.org", "wrong password").status_code == 200
    third = app.test_client()
    third.environ_base["REMOTE_ADDR"] = "10.0.0.3"
    assert log_in(third, "mei@example.org").status_code == 429
    assert log_in(third, "someone-else@example.org").status_code == 200  # that address is not blocked


def test_signing_in_successfully_does_not_count_against_the_account(app, make_organizer):
    make_organizer(email="mei@example.org")
    for n in range(8):  # more than the limit, each from its own address
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.1.{n}"
        assert log_in(client, "mei@example.org").status_code == 302, n


def _throttle(app, email: str) -> None:
    """Five failed attempts on the account from five addresses: its per-account limit is reached."""
    for n in range(5):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.2.{n}"
        assert log_in(client, email, "wrong password").status_code == 200


def test_the_owners_browser_gets_in_from_a_new_address_while_the_account_is_throttled(app, make_organizer, caplog):
    make_organizer(email="mei@example.org")
    laptop = app.test_client()
    laptop.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert log_in(laptop, "mei@example.org").status_code == 302
    laptop.post("/organizer/logout", data={"csrf_token": csrf_token(laptop, "/organizer/")})
    _throttle(app, "mei@example.org")

    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert log_in(stranger, "mei@example.org").status_code == 429  # a new browser waits
    assert "Sign-in to mei@example.org throttled after failed attempts" in caplog.text

    laptop.environ_base["REMOTE_ADDR"] = "203.0.113.30"  # the owner's laptop on another network
    assert log_in(laptop, "mei@example.org").status_code == 302
    assert "from a browser that signed in to it before" in caplog.text


def test_a_browser_known_to_one_account_is_not_exempt_on_another(app, make_organizer):
    make_organizer(email="mei@example.org")
    make_organizer(email="lin@example.org")
    browser = app.test_client()
    assert log_in(browser, "lin@example.org").status_code == 302
    browser.post("/organizer/logout", data={"csrf_token": csrf_token(browser, "/organizer/")})
    _throttle(app, "mei@example.org")
    browser.environ_base["REMOTE_ADDR"] = "203.0.113.31"
    assert log_in(browser, "mei@example.org").status_code == 429
    browser.set_cookie("known_browser", "forged.value", path="/organizer/login")
    assert log_in(browser, "mei@example.org").status_code == 429


def test_without_redis_the_limits_live_in_a_file_of_the_nodes_instance_folder(app):
    from pathlib import Path

    uri = app.config["RATELIMIT_STORAGE_URI"]
    assert uri == f"catalogue-sqlite:///{Path(app.instance_path) / 'ratelimits.sqlite3'}"
