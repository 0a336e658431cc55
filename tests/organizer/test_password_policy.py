"""Password policy: common and trivially weak passwords are refused with a clear message in both
languages, wherever a password is set (admin page, commands, the organizer's own password page)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from catalogue.extensions import db
from catalogue.organizer.models import Organizer
from catalogue.organizer.passwords import common_passwords, weakness
from tests.conftest import ORGANIZER_PASSWORD, csrf_token, log_in

WEAK = {
    "aaaaaaaaaa": "one of the most common passwords",
    "1234567890": "one of the most common passwords",
    " " * 10: "at least 5 different characters",
    "zzzzzzzzzzzz": "at least 5 different characters",
    "password12": "one of the most common passwords",
    "Password123!": "one of the most common passwords",
    "qwertyuiop": "one of the most common passwords",
    "woaini1314!": "one of the most common passwords",
    "hello world 2026": "one of the most common passwords",
    "8264019375": "digits only",
    "vwxyzvwxyzvw": "simple pattern",
    "klmnopqrstu": "simple pattern",
    "密码密码密码密码密码": "at least 5 different characters",
    "mei.lin-2026-mei.lin": "name of your email address",
}
GOOD = [ORGANIZER_PASSWORD, "a long enough password", "a new password!", "展会目录的密码要足够长", "Tr0ub4dor&3-horse"]
ZH_COMMON = "这是最常见的密码之一"


def organizer(email: str) -> Organizer:
    db.session.expire_all()
    return db.session.scalar(select(Organizer).where(Organizer.email == email))


@pytest.mark.parametrize("password", GOOD)
def test_good_passwords_pass(app, password):
    assert weakness(password, "mei.lin@example.org") is None


def test_the_bundled_list_is_small_lower_case_and_has_the_usual_heads():
    common = common_passwords()
    assert 300 <= len(common) <= 5000
    assert {"123456", "password", "qwerty", "iloveyou", "woaini1314", "1qaz2wsx"} <= common
    assert all(word == word.lower() and word == word.strip("\n") for word in common)


@pytest.mark.parametrize(("password", "why"), WEAK.items(), ids=[repr(p) for p in WEAK])
def test_the_admin_page_refuses_weak_passwords_and_says_why(admin_client, password, why):
    page = "/organizer/organizers"
    response = admin_client.post(page, data={
        "csrf_token": csrf_token(admin_client, page), "email": "mei.lin@example.org", "role": "editor",
        "password": password, "confirm": password})
    assert response.status_code == 400
    assert why in response.get_data(as_text=True)
    assert organizer("mei.lin@example.org") is None


def test_the_refusal_is_in_chinese_on_the_chinese_page(admin_client):
    page = "/organizer/organizers"
    admin_client.get(f"{page}?lang=zh")
    response = admin_client.post(page, data={
        "csrf_token": csrf_token(admin_client, page), "email": "mei@example.org", "role": "editor",
        "password": "password12", "confirm": "password12"})
    html = response.get_data(as_text=True)
    assert ZH_COMMON in html and "most common" not in html


def test_create_organizer_refuses_a_common_password(runner):
    result = runner.invoke(args=["create-organizer", "mei@example.org", "--role", "editor"], input="1234567890\n")
    assert result.exit_code == 1
    assert "one of the most common passwords" in result.output
    assert organizer("mei@example.org") is None


def test_change_password_command(app, runner, make_organizer):
    make_organizer(email="mei@example.org")
    client = app.test_client()
    assert log_in(client, "mei@example.org").status_code == 302
    weak = runner.invoke(args=["change-password", "MEI@example.org"], input="password12\n")
    assert weak.exit_code == 1 and "one of the most common passwords" in weak.output
    assert "Nothing was changed." in weak.output
    assert check_password_hash(organizer("mei@example.org").password_hash, ORGANIZER_PASSWORD)
    assert client.get("/organizer/").status_code == 200  # a refused change ends nothing

    done = runner.invoke(args=["change-password", "MEI@example.org"], input="a brand-new passphrase\n")
    assert done.exit_code == 0, done.output
    assert "Changed the password of mei@example.org; their sessions have ended." in done.output
    stored = organizer("mei@example.org").password_hash
    assert stored.startswith("scrypt:131072:8:1$") and check_password_hash(stored, "a brand-new passphrase")
    assert client.get("/organizer/").status_code == 302
    assert log_in(app.test_client(), "mei@example.org").status_code == 200  # the old password is refused
    assert log_in(app.test_client(), "mei@example.org", "a brand-new passphrase").status_code == 302

    unknown = runner.invoke(args=["change-password", "nobody@example.org"], input="a brand-new passphrase\n")
    assert unknown.exit_code == 1 and "there is no organizer with the email nobody@example.org" in unknown.output


PAGE = "/organizer/password"


def change(client, current: str, new: str, again: str | None = None):
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "current": current,
                                   "password": new, "confirm": new if again is None else again})


def test_the_password_page_is_linked_and_bilingual(editor_client):
    assert f'href="{PAGE}"' in editor_client.get("/organizer/").get_data(as_text=True)
    english = editor_client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Change your password" in english and "Current password" in english and "修改" not in english
    chinese = editor_client.get(f"{PAGE}?lang=zh").get_data(as_text=True)
    assert "修改密码" in chinese and "当前密码" in chinese and "Current password" not in chinese


def test_the_password_page_checks_the_current_password_the_policy_and_the_repeat(editor_client):
    email = editor_client.organizer.email
    wrong = change(editor_client, "not my password", "a brand-new passphrase")
    assert wrong.status_code == 400 and "The current password is not right." in wrong.get_data(as_text=True)
    weak = change(editor_client, ORGANIZER_PASSWORD, "password12")
    assert weak.status_code == 400 and "one of the most common passwords" in weak.get_data(as_text=True)
    differ = change(editor_client, ORGANIZER_PASSWORD, "a brand-new passphrase", "a brand-new passphrasE")
    assert differ.status_code == 400 and "The two new passwords differ." in differ.get_data(as_text=True)
    editor_client.get(f"{PAGE}?lang=zh")
    chinese = change(editor_client, ORGANIZER_PASSWORD, "ababababab").get_data(as_text=True)
    assert "密码至少需要包含 5 个不同的字符" in chinese
    assert check_password_hash(organizer(email).password_hash, ORGANIZER_PASSWORD)


def test_changing_ones_password_keeps_this_session_and_ends_the_others(app, editor_client):
    email = editor_client.organizer.email
    elsewhere = app.test_client()
    assert log_in(elsewhere, email).status_code == 302
    response = change(editor_client, ORGANIZER_PASSWORD, "a brand-new passphrase")
    assert response.status_code == 302 and response.headers["Location"] == "/organizer/"
    assert "Your password is changed." in editor_client.get("/organizer/").get_data(as_text=True)
    assert elsewhere.get("/organizer/").status_code == 302
    assert log_in(app.test_client(), email, "a brand-new passphrase").status_code == 302
