"""The organizer console's navigation: one link per console area that this app serves."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from catalogue.organizer.auth import current_organizer
from catalogue.organizer.clock import local_time
from catalogue.organizer.labels import HELPERS

# (path, label, admins only); areas built elsewhere appear once their route exists
AREAS = [
    ("/organizer/", _l("Dashboard"), False),
    ("/organizer/imports", _l("Imports"), False),
    ("/organizer/enterprises", _l("Enterprises"), False),
    ("/organizer/exhibits", _l("Exhibits"), False),
    ("/organizer/categories", _l("Categories"), False),
    ("/organizer/deletions", _l("Deletions"), False),
    ("/organizer/synonyms", _l("Synonyms"), True),
    ("/organizer/organizers", _l("Organizers"), True),
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
    for path, label, admins_only in AREAS:
        if (admins_only and not organizer.is_admin) or not served(path):
            continue
        here = request.path == path if path == "/organizer/" else request.path.startswith(path)
        links.append({"href": request.script_root + path, "label": str(label), "current": here})
    return links


def register(bp: Blueprint) -> None:
    bp.add_app_template_filter(local_time, "local_time")

    @bp.app_context_processor
    def console_helpers() -> dict:
        return {"console_links": console_links, "current_organizer": current_organizer, **HELPERS}
