"""The import history pages: counts as numbers, times in the expo's time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from catalogue import create_app
from catalogue.extensions import db
from tests.conftest import close_app, make_app
from tests.imports.test_undo import BASE, EDITED, web_import

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
DICT_METHODS = ("update", "items", "keys", "values", "get", "pop", "copy", "clear", "setdefault", "popitem")


def test_the_history_and_batch_pages_show_counts_not_python_objects(editor_client):
    web_import(editor_client, BASE, "base.csv")
    batch = web_import(editor_client, EDITED, "edited.csv")
    for url in ("/organizer/imports/", f"/organizer/imports/{batch.id}"):
        page = editor_client.get(url).get_data(as_text=True)
        assert "built-in method" not in page and "&lt;" not in page, url
        # edited.csv: enterprises 1 created, 1 updated; exhibits 2 created, 1 updated
        assert re.search(r"Enterprises \+1 ~1,\s*Exhibits \+2 ~1", page), url


def test_no_template_reaches_a_dict_method_name_as_an_attribute():
    pattern = re.compile(r"\.(" + "|".join(DICT_METHODS) + r")\b(?!\s*\()")
    found = []
    for path in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # page.items is the visitor Page dataclass's list, not a dict; quoted text (endpoint names
            # such as 'synonyms.update') is not an attribute
            code = re.sub(r"'[^']*'|\"[^\"]*\"", "''", line.replace("page.items", ""))
            if pattern.search(code):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert found == []


def test_times_are_shown_in_the_expo_time_zone_with_the_zone_named(editor_client):
    batch = web_import(editor_client, BASE, "base.csv")
    batch.created_at = datetime(2022, 8, 22, 1, 30, tzinfo=UTC)
    db.session.commit()
    for url in ("/organizer/imports/", f"/organizer/imports/{batch.id}", "/organizer/"):
        page = editor_client.get(url).get_data(as_text=True)
        assert '<time datetime="2022-08-22T09:30+08:00">2022-08-22 09:30' in page, url
        assert "(Asia/Shanghai, UTC+08:00)" in page and " UTC<" not in page, url


def test_the_time_zone_is_configurable_and_checked(tmp_path):
    from catalogue.organizer.clock import local_time

    app = make_app(tmp_path, CATALOGUE_TIMEZONE="Europe/Berlin")
    try:
        with app.app_context():
            shown = local_time(datetime(2022, 8, 22, 1, 30, tzinfo=UTC))
            assert "2022-08-22 03:30" in shown and "Europe/Berlin, UTC+02:00" in shown
    finally:
        close_app(app)
    with pytest.raises(RuntimeError, match="CATALOGUE_TIMEZONE: 'Mars/Olympus'"):  # refused before any database
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "bad"), "CATALOGUE_TIMEZONE": "Mars/Olympus",
                    "CATALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'bad.sqlite3'}", "CATALOGUE_SECRET_KEY": "x"})
    assert not (tmp_path / "bad.sqlite3").exists()
