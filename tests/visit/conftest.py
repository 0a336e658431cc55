"""Helpers for the visitor tools' tests: posting plan forms the way a browser without script does."""

from __future__ import annotations

import re

import pytest


def plan_form_token(client, *urls: str) -> str | None:
    """The CSRF token from the first of these pages that has a form (None when CSRF is off)."""
    for url in (*urls, "/enterprises"):
        match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
        if match:
            return match[1]
    return None


@pytest.fixture
def post_plan():
    """POST /plan/add or /plan/remove with a valid CSRF token, as the page's form would."""

    def post(client, action: str, kind: str, item_id, *, json: bool = False, **fields):
        data = {"kind": kind, "id": str(item_id), **fields}
        token = plan_form_token(client, f"/{kind}s/{item_id}")
        if token:
            data["csrf_token"] = token
        headers = {"Accept": "application/json"} if json else {}
        return client.post(f"/plan/{action}", data=data, headers=headers)

    return post
