"""Security headers on every response, Secure session cookies on https requests, trusted Host names
and the reverse proxies whose X-Forwarded-* headers are believed."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

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
    hops = int(app.config.get("CATALOGUE_PROXY_HOPS") or 0)
    if hops > 0:  # X-Forwarded-For/-Proto/-Host/-Prefix as set by that many proxies, no more
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)

    @app.before_request
    def trusted_ip_literal() -> None:
        """Werkzeug compares only what precedes the first ':' of a Host, so it takes any
        bracketed IPv6 literal for a trusted "[::1]": such a host must be listed exactly."""
        trusted = app.config.get("TRUSTED_HOSTS")
        if trusted and request.host.startswith("["):
            literal = request.host[: request.host.find("]") + 1]
            if literal not in trusted:
                raise BadRequest(f"The host {literal} is not trusted.")

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
