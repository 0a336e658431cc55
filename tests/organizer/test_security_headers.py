"""Security headers on every kind of response; HSTS only over https."""

from __future__ import annotations

import pathlib
import re

import pytest

from catalogue.security import CONTENT_SECURITY_POLICY

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("url, status", [
    ("/", 200), ("/api/v1/exhibits", 200), ("/no-such-page", 404), ("/api/v1/no-such", 404),
    ("/organizer/login", 200), ("/organizer/", 302),
])
def test_every_response_has_the_security_headers(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (url, name)
    assert "Strict-Transport-Security" not in response.headers


def test_the_policy_is_strict():
    for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'"]:
        assert directive in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_hsts_only_over_https(client):
    response = client.get("https://localhost/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_an_error_page_from_an_exception_has_the_headers(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_no_template_needs_inline_script_or_style():
    """The CSP blocks inline scripts, style attributes and <style> elements; no template may rely on them."""
    root = pathlib.Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle\s*=", text) \
                or re.search(r"<style\b", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(template.name)
    assert offenders == []
