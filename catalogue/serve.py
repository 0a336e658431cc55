"""gunicorn settings for production: ``gunicorn -c python:catalogue.serve -w 4 'catalogue:create_app()'``.

preload_app: the master process creates the app once and, before it forks the workers, loads what
every worker reads but never changes: jieba's dictionary with the index's own words (about 60 MB),
the pinyin syllable table and OpenCC (``service.warm``). The workers share those pages with the
master instead of each building its own copy; ``gc.freeze()`` keeps the garbage collector from
writing to (and so copying) them. The master holds no open index files and no database connection
when it forks: each worker opens its own.
"""

from __future__ import annotations

import gc

from flask import Flask

from catalogue.search.service import warm

preload_app = True


def when_ready(server) -> None:
    """In the master, after the app is loaded and before the first worker is forked."""
    app = server.app.wsgi()
    if isinstance(app, Flask):
        warm(app)
    else:  # wrapped in other middleware: the workers load what they need themselves
        server.log.warning("The WSGI application is not the Flask app itself: nothing was warmed before the fork")
    gc.freeze()
