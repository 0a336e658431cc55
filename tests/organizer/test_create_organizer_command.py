"""`flask create-organizer`: the password from stdin, the checks, and how it is stored."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from catalogue.extensions import db
from catalogue.organizer.models import Organizer


def organizer(email: str) -> Organizer | None:
    return db.session.scalar(select(Organizer).where(Organizer.email == email))


def test_creates_an_admin_with_the_password_from_stdin(runner):
    result = runner.invoke(args=["create-organizer", "Chen.Li@Example.org", "--role", "admin", "--name", "Chen Li"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin chen.li@example.org." in result.output
    created = organizer("chen.li@example.org")
    assert (created.role, created.name, created.active) == ("admin", "Chen Li", True)
    assert check_password_hash(created.password_hash, "a long enough password")


def test_the_password_is_hashed_with_scrypt_at_n_2_17(runner):
    runner.invoke(args=["create-organizer", "mei@example.org", "--role", "editor"], input="another password\n")
    method, salt, digest = organizer("mei@example.org").password_hash.split("$")
    assert method == "scrypt:131072:8:1"
    assert len(salt) >= 16 and len(digest) == 128


def test_the_signed_in_account_works_through_the_login_form(app, runner):
    from tests.conftest import log_in

    runner.invoke(args=["create-organizer", "mei@example.org", "--role", "editor"], input="another password\n")
    response = log_in(app.test_client(), "mei@example.org", "another password")
    assert response.status_code == 302


def test_a_short_password_is_refused(runner):
    result = runner.invoke(args=["create-organizer", "mei@example.org", "--role", "editor"], input="short\n")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert organizer("mei@example.org") is None


def test_no_password_on_stdin_is_refused(runner):
    result = runner.invoke(args=["create-organizer", "mei@example.org", "--role", "editor"], input="")
    assert result.exit_code == 1
    assert "no password on stdin" in result.output


def test_an_existing_email_is_refused_and_left_alone(runner, make_organizer):
    existing = make_organizer(email="mei@example.org", role="editor")
    before = existing.password_hash
    result = runner.invoke(args=["create-organizer", "MEI@example.org", "--role", "admin"], input="a new password!\n")
    assert result.exit_code == 1
    assert "already an organizer with the email mei@example.org" in result.output
    db.session.refresh(existing)
    assert (existing.role, existing.password_hash) == ("editor", before)


def test_an_unknown_role_or_a_bad_email_is_refused(runner):
    bad_role = runner.invoke(args=["create-organizer", "mei@example.org", "--role", "owner"], input="x" * 12 + "\n")
    assert bad_role.exit_code == 2
    assert "'owner' is not one of 'admin', 'editor'" in bad_role.output
    bad_email = runner.invoke(args=["create-organizer", "not-an-email", "--role", "editor"], input="x" * 12 + "\n")
    assert bad_email.exit_code == 1
    assert "is not an email address" in bad_email.output


def test_the_role_is_required(runner):
    result = runner.invoke(args=["create-organizer", "mei@example.org"], input="x" * 12 + "\n")
    assert result.exit_code == 2
    assert "--role" in result.output
