"""Every route with a numeric id answers 404, never 500, for ids no database column can hold."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from tests.conftest import csrf_token

# 2^31 overflows PostgreSQL's integer columns; 2^63 overflows SQLite's (and Python's sqlite3 binding)
HUGE_IDS = [2**31, 2**63]
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(?P<name>\w+)>")


def numeric_rules(app) -> list[tuple[str, Rule]]:
    """(path with a placeholder for the numeric arguments, rule) for every rule with a numeric converter."""
    found = []
    for rule in app.url_map.iter_rules():
        numeric = {name for name, converter in rule._converters.items() if isinstance(converter, NumberConverter)}
        if numeric:
            path = ARGUMENT.sub(lambda m, numeric=numeric: "{id}" if m["name"] in numeric else "x", rule.rule)
            found.append((path, rule))
    return found


def test_every_numeric_route_is_checked(app):
    endpoints = {rule.endpoint for _, rule in numeric_rules(app)}
    # the organizer console's and the visitor pages' id routes are all there to check
    assert {"editing.enterprise", "editing.delete_category", "imports.undo", "organizer.reactivate",
            "catalog.exhibit", "visit.enterprise_qr", "api.exhibit"} <= endpoints, endpoints


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_huge_ids_are_404_on_every_route(app, admin_client, huge):
    token = csrf_token(admin_client, "/organizer/")
    checked = []
    for path, rule in numeric_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = path.replace("{id}", str(huge))
            response = admin_client.open(url, method=method, data={"csrf_token": token})
            checked.append((method, url, response.status_code))
    wrong = [c for c in checked if c[2] != 404]
    assert not wrong, wrong
    assert len(checked) >= 20, checked


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_a_huge_enterprise_filter_lists_no_exhibits(editor_client, make_exhibit, huge):
    make_exhibit(name="Listed exhibit")
    assert "Listed exhibit" in editor_client.get("/organizer/exhibits").get_data(as_text=True)
    response = editor_client.get(f"/organizer/exhibits?enterprise={huge}")
    assert response.status_code == 200
    assert "Listed exhibit" not in response.get_data(as_text=True)
