"""The import history pages: counts as numbers, times in the expo's time zone."""

from __future__ import annotations

import re
from pathlib import Path

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
        assert re.search(r"enterprises \+1 ~1,\s*exhibits \+2 ~1", page), url


def test_no_template_reaches_a_dict_method_name_as_an_attribute():
    pattern = re.compile(r"\.(" + "|".join(DICT_METHODS) + r")\b(?!\s*\()")
    found = []
    for path in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # page.items is the visitor Page dataclass's list, not a dict
            if pattern.search(line.replace("page.items", "")):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert found == []
