"""Who is signed in: Flask-Login set-up, role decorators and safe `next` addresses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue.extensions import db, login_manager
from catalogue.organizer.models import Organizer


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "organizer.login"


@login_manager.user_loader
def _load_organizer(organizer_id: str) -> Organizer | None:
    """The signed-in organizer; a deactivated account is signed out on its next request."""
    if not (organizer_id.isascii() and organizer_id.isdigit()):
        return None
    organizer = db.session.get(Organizer, int(organizer_id))
    return organizer if organizer is not None and organizer.active else None


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
