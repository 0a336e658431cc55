"""The sign-in rate limits' keys, and the known-browser cookie that keeps an account's owner from
being locked out by someone else's failed attempts.

Per address every attempt counts (LOGIN_LIMITS). Per account only failed attempts count, and a
browser that has signed in to the account before (it holds a signed `known_browser` cookie naming
the account, for KNOWN_DAYS days) is exempt from the per-account limit: guesses from everywhere
throttle the account for new browsers, but the owner's own browser still gets in from any address
(the per-address limit still applies to it)."""

from __future__ import annotations

from flask import Response, current_app, request
from flask_limiter import RequestLimit
from itsdangerous import BadSignature, URLSafeTimedSerializer

from catalogue.organizer.models import Organizer, normalise_email

COOKIE = "known_browser"
KNOWN_DAYS = 90
MAX_ACCOUNTS = 5  # accounts one browser is remembered for


def account_key() -> str:
    """The per-account rate-limit key: the submitted email."""
    return "account:" + normalise_email(request.form.get("email", ""))[:254]


def failed(response: Response) -> bool:
    """Whether a sign-in attempt counts against the account: anything but a successful sign-in."""
    return response.status_code != 302


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="catalogue-known-browser")


def _known_ids() -> list[int]:
    try:
        ids = _serializer().loads(request.cookies.get(COOKIE, ""), max_age=KNOWN_DAYS * 24 * 3600)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def known_browser() -> bool:
    """Whether this browser signed in to the account being tried before (exempt from its limit)."""
    from catalogue.organizer.accounts import find_organizer

    ids = _known_ids()
    if not ids:
        return False
    organizer = find_organizer(request.form.get("email", ""))
    if organizer is None or organizer.id not in ids:
        return False
    current_app.logger.info("Sign-in to %s from a browser that signed in to it before (address %s)",
                            organizer.email, request.remote_addr)
    return True


def remember_browser(response: Response, organizer: Organizer) -> Response:
    """Mark this browser as one the organizer signs in from."""
    ids = [organizer.id] + [i for i in _known_ids() if i != organizer.id]
    response.set_cookie(
        COOKIE, _serializer().dumps(ids[:MAX_ACCOUNTS]), max_age=KNOWN_DAYS * 24 * 3600,
        path=request.script_root + "/organizer/login", httponly=True, samesite="Lax", secure=request.is_secure,
    )
    return response


def log_account_throttled(limit: RequestLimit) -> None:
    """Log that an account's sign-in is throttled after failed attempts (new browsers must wait)."""
    current_app.logger.warning(
        "Sign-in to %s throttled after failed attempts (%s); last attempt from %s. Browsers that signed "
        "in to it before still get in.", normalise_email(request.form.get("email", ""))[:254], limit.limit,
        request.remote_addr,
    )


def log_address_throttled(limit: RequestLimit) -> None:
    current_app.logger.warning("Sign-in attempts from %s throttled (%s)", request.remote_addr, limit.limit)
