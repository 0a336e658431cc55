"""Who is signed in: Flask-Login set-up, role decorators and safe `next` addresses."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from catalogue.catalog.models import MAX_ID
from catalogue.extensions import db, login_manager
from catalogue.organizer.models import Organizer


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "organizer.login"


LOGIN_AT = "login_at"  # in the session: when the organizer signed in (seconds since the epoch)


@login_manager.user_loader
def _load_organizer(user_id: str) -> Organizer | None:
    """The signed-in organizer, checked on every request: the session must be younger than
    PERMANENT_SESSION_LIFETIME counted from the sign-in (not renewed by use), and carry the
    account's current session version (logout, a password or role change and deactivation bump it)."""
    organizer_id, _, version = user_id.partition(".")
    if not (organizer_id.isascii() and organizer_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    login_at = session.get(LOGIN_AT)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if not isinstance(login_at, int | float) or not 0 <= time.time() - login_at <= lifetime:
        return None
    organizer = db.session.get(Organizer, int(organizer_id)) if int(organizer_id) <= MAX_ID else None
    if organizer is None or not organizer.active or organizer.session_version != int(version):
        return None
    return organizer


def start_session(organizer: Organizer) -> None:
    """Sign the organizer in on a fresh session (and CSRF token) whose lifetime starts now."""
    session.clear()
    login_user(organizer, remember=False)
    session[LOGIN_AT] = int(time.time())
    session.permanent = True  # the cookie's expiry: PERMANENT_SESSION_LIFETIME, as the check above


@login_manager.unauthorized_handler
def _to_login():
    return redirect(url_for("organizer.login", next=request.full_path.rstrip("?")))


def current_organizer() -> Organizer | None:
    """The signed-in organizer, or None for a visitor."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def editor_required(view: Callable) -> Callable:
    """Any active organizer (editor or admin); visitors are sent to the login page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_organizer() is None:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


def admin_required(view: Callable) -> Callable:
    """Admins only: visitors are sent to the login page, editors get 403."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        organizer = current_organizer()
        if organizer is None:
            return login_manager.unauthorized()
        if not organizer.is_admin:
            abort(403, _("This page is for admins."))
        return view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no //host, scheme, backslash or control)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
