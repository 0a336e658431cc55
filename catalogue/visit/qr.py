"""QR codes (SVG) that point to a page's canonical, public address."""

from __future__ import annotations

import io

import segno
from flask import current_app, request, url_for


def public_url(endpoint: str, **values: object) -> str:
    """The page's absolute address: on CATALOGUE_BASE_URL when set (the expo's public host),
    else on the host this request came to."""
    base = current_app.config.get("CATALOGUE_BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)[len(request.script_root):]
    return base.rstrip("/") + path


def qr_svg(url: str, title: str) -> bytes:
    """A QR code for url as a standalone SVG document (dark modules on white, a quiet zone)."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=8, border=4, title=title, svgclass=None, lineclass=None, light="#fff")
    return out.getvalue()
