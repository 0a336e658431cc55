"""The organizer console's navigation: one link per console area that this app serves."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from catalogue.organizer.auth import current_organizer

# (path, English, Chinese, admins only); areas built elsewhere appear once their route exists
AREAS = [
    ("/organizer/", "Dashboard", "概览", False),
    ("/organizer/imports", "Imports", "导入", False),
    ("/organizer/enterprises", "Enterprises", "展商", False),
    ("/organizer/exhibits", "Exhibits", "展品", False),
    ("/organizer/categories", "Categories", "类别", False),
    ("/organizer/synonyms", "Synonyms", "同义词", True),
    ("/organizer/organizers", "Organizers", "组织者", True),
]


def served(path: str) -> bool:
    """Whether the app answers GET `path` (or redirects it to a trailing slash)."""
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


def console_links() -> list[dict]:
    organizer = current_organizer()
    if organizer is None:
        return []
    links = []
    for path, english, chinese, admins_only in AREAS:
        if (admins_only and not organizer.is_admin) or not served(path):
            continue
        here = request.path == path if path == "/organizer/" else request.path.startswith(path)
        links.append({"href": request.script_root + path, "en": english, "zh": chinese, "current": here})
    return links


def register(bp: Blueprint) -> None:
    @bp.app_context_processor
    def console_helpers() -> dict:
        return {"console_links": console_links, "current_organizer": current_organizer}
