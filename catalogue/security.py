"""Security headers on every response, Secure session cookies on https requests, trusted Host names
and the reverse proxies whose X-Forwarded-* headers are believed."""

from __future__ import annotations

import json
import re

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
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
_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::[0-9]{1,5})?")


def host_allowed(host: str, trusted: list[str]) -> bool:
    """Whether a Host header (name, optional port) names one of the trusted hosts: an exact name or
    bracketed IPv6 literal, or any subdomain of an entry that starts with a dot. Ports are ignored."""
    match = _HOST.fullmatch(host.strip().lower())
    if match is None:
        return False
    name = match.group(1)
    for entry in (t.strip().lower() for t in trusted):
        entry = entry[: entry.find("]") + 1] if entry.startswith("[") else entry.partition(":")[0]
        if name == entry or (entry.startswith(".") and (name == entry[1:] or name.endswith(entry))):
            return True
    return False


class TrustedHosts:
    """WSGI middleware: a request whose Host is not trusted gets 400 before the app sees it. This is
    instead of Flask's TRUSTED_HOSTS, whose matching of bracketed IPv6 literals differs between Werkzeug
    releases (3.1.8 takes any "[…]" for a trusted "[::1]", 3.1.9 none), so the rule is the same everywhere."""

    def __init__(self, app, trusted: list[str]):
        self.app, self.trusted = app, trusted

    def __call__(self, environ, start_response):
        if host_allowed(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "", self.trusted):
            return self.app(environ, start_response)
        if environ.get("PATH_INFO", "").startswith("/api/"):
            body = json.dumps({"error": {"code": "bad_request", "message": "This host name is not served here."}})
            kind = "application/json"
        else:
            body, kind = "400 Bad Request: this host name is not served here.\n", "text/plain; charset=utf-8"
        data = body.encode()
        start_response("400 BAD REQUEST", [("Content-Type", kind), ("Content-Length", str(len(data)))])
        return [data]


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure when CATALOGUE_SECURE_COOKIES says so, else when on https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config["CATALOGUE_SECURE_COOKIES"] is not None:
            return bool(app.config["CATALOGUE_SECURE_COOKIES"])
        return request.is_secure


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    trusted = app.config.get("CATALOGUE_HOSTS")
    if trusted is not None:  # None: any host ("*")
        app.wsgi_app = TrustedHosts(app.wsgi_app, trusted)
    hops = int(app.config.get("CATALOGUE_PROXY_HOPS") or 0)
    if hops > 0:  # X-Forwarded-For/-Proto/-Host/-Prefix as set by that many proxies, no more; outside the
        # host check, so that it checks the forwarded Host
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
