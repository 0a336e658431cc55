"""The app for the serving benchmarks (bench/run.py), with two baseline routes.

/bench/base is a Flask route registered here on the app object (the product gets no extra
route): it renders the product's base.html with no search, through the same request hooks and
context processors (language, navigation, visit plan) as /search. /hello is answered here
before Flask: a reference figure for the server and the HTTP client alone. Every other path goes
to create_app() on the instance named by BENCH_INSTANCE.

BENCH_SEARCH_CACHE, when set, is passed as CATALOGUE_SEARCH_CACHE (entries of the per-process
search result cache; 0 disables it); unset, the app's default holds.

Made to run with gunicorn --preload: importing this module warms the app before the workers fork
(one /search page loads the Chinese dictionaries and the Jinja templates, one /bench/base page),
then closes what must not be shared across fork (the SQLAlchemy pool; the Whoosh searcher, whose
segment files' offsets a seek-and-read would share between workers), and gc.freeze()s what is
left so that the workers' garbage collections do not write to the shared pages.
Run: BENCH_INSTANCE=/path gunicorn --preload -w 2 --chdir bench wsgi:application
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from urllib.parse import quote

from flask import render_template

from catalogue import create_app
from catalogue.extensions import db
from catalogue.search.service import search_service

_instance = os.environ["BENCH_INSTANCE"]
_config = {
    "INSTANCE_PATH": _instance, "CATALOGUE_DEMO": False, "CATALOGUE_SECRET_KEY": "bench",
    "CATALOGUE_DATABASE_URL": f"sqlite:///{Path(_instance) / 'catalogue.sqlite3'}",
    "RATELIMIT_ENABLED": False,
}
if os.environ.get("BENCH_SEARCH_CACHE"):
    _config["CATALOGUE_SEARCH_CACHE"] = int(os.environ["BENCH_SEARCH_CACHE"])
app = create_app(_config)

# compiled once, as render_template("name") would cache it (render_template_string compiles per call)
_BASE = app.jinja_env.from_string('{% extends "base.html" %}{% block title %}{{ _("Search") }}{% endblock %}')


@app.get("/bench/base")
def bench_base():
    """The product's base template, no search: the /search page's frame and its per-request work."""
    return render_template(_BASE)


WARM_QUERY = "预热芯片"  # Chinese (loads the dictionaries) and none of the benchmark's queries


def warm() -> None:
    client = app.test_client()
    for path in (f"/search?q={quote(WARM_QUERY)}", "/bench/base"):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"warming {path}: {response.status_code}")
    with app.app_context():
        search_service().index.close()
        db.engine.dispose()
    gc.collect()
    gc.freeze()


warm()
HELLO = b"Hello, world!"


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/hello":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
        return [HELLO]
    return app(environ, start_response)
