"""Security headers on every response, and Secure session cookies on https requests."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000"


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure when CATALOGUE_SECURE_COOKIES says so, else when on https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config["CATALOGUE_SECURE_COOKIES"] is not None:
            return bool(app.config["CATALOGUE_SECURE_COOKIES"])
        return request.is_secure


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
