"""catalogue.serve (gunicorn's preload): the master warms what searches read, then forks with no
open index and no database connection. The resilience tests run every server with these settings."""

from __future__ import annotations

import gc

from catalogue.extensions import db
from catalogue.search import analysis
from catalogue.search.engine import SearchRequest
from catalogue.search.service import search_service
from catalogue.serve import preload_app, when_ready


class _Server:  # what gunicorn hands when_ready: the arbiter, whose app loader gives the WSGI app
    def __init__(self, app):
        self.app = type("Loader", (), {"wsgi": lambda _self: app})()


def test_warm_loads_the_segmenter_and_leaves_nothing_open(app, make_exhibit):
    exhibit_id = make_exhibit(name="Automotive MCU", name_zh="车规级微控制器芯片").id
    search_service().rebuild()  # a generation with its own user dictionary (the catalogue's words)
    index = search_service().index
    dict_id = analysis.schema_dict_id(index._open(index._current()).schema)
    assert dict_id is not None
    analysis._segmenters.pop(dict_id, None)
    db.session.remove()
    assert preload_app is True
    try:
        when_ready(_Server(app))
    finally:
        gc.unfreeze()  # as a forked worker's would be: the test process goes on collecting
    assert dict_id in analysis._segmenters
    assert index._searcher is None
    assert db.engine.pool.checkedout() == 0
    with app.app_context():  # a forked worker opens its own searcher and finds the words
        hits = search_service().search(SearchRequest("车规级"), source="api").hits
        assert [hit.db_id for hit in hits] == [exhibit_id]


def test_a_serving_process_loads_no_migration_or_spreadsheet_code(tmp_path):
    """A worker that answers searches and pages never imports alembic (with mako and pygments),
    openpyxl or pkg_resources: 25 MB of every worker's memory. Two fresh processes: the first
    creates the instance (schema, demo, index), the second only serves."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from catalogue import create_app\n"
        "app = create_app({'INSTANCE_PATH': sys.argv[1], 'CATALOGUE_SECRET_KEY': 'x'})\n"
        "client = app.test_client()\n"
        "pages = [client.get(u).status_code for u in ('/', '/search?q=芯片', '/api/v1/search?q=lidar')]\n"
        "heavy = ['alembic', 'mako', 'pygments', 'openpyxl', 'pkg_resources', 'flask_migrate']\n"
        "print(json.dumps([pages, [m for m in heavy if m in sys.modules]]))\n"
    )
    run = [sys.executable, "-c", script, str(tmp_path / "instance")]
    first = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    assert json.loads(first.stdout.splitlines()[-1])[0] == [200, 200, 200]
    second = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    assert json.loads(second.stdout.splitlines()[-1]) == [[200, 200, 200], []]


def test_the_plain_segmenter_is_jiebas_own_dictionary(tmp_path, monkeypatch):
    """analysis._new_segmenter reads jieba's cache of its dictionary in one go instead of calling
    initialize(): the same table and total as jieba's own initialize(). With no cache (or a damaged
    one) jieba builds the table and writes the cache. In a cache directory of the test's own."""
    import os

    import jieba

    monkeypatch.setattr(analysis, "_JIEBA_CACHE", str(tmp_path))
    cache = tmp_path / "jieba.cache"
    first = analysis._new_segmenter()  # no cache yet: jieba's initialize() writes it
    assert cache.stat().st_size > 1_000_000
    ours = analysis._new_segmenter()  # read from the cache
    theirs = jieba.Tokenizer()
    theirs.tmp_dir = str(tmp_path)
    theirs.initialize()
    for segmenter in (first, ours):
        assert segmenter.initialized and segmenter.total == theirs.total and segmenter.FREQ == theirs.FREQ
    assert list(ours.cut("车规级微控制器芯片")) == ["车规级", "微控制器", "芯片"]
    with open(cache, "r+b") as f:
        f.truncate(100)  # damaged: marshal cannot read it
    again = analysis._new_segmenter()
    assert again.total == theirs.total and len(again.FREQ) == len(theirs.FREQ)
    assert os.path.getsize(cache) > 1_000_000  # jieba wrote it again
