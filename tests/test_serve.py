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
