"""The app for the serving benchmarks (bench/run.py), with two baseline routes.

/bench/base is a Flask route registered here on the app object (the product gets no extra
route): it renders the product's base.html with no search, through the same request hooks and
context processors (language, navigation, visit plan) as /search. /hello is answered here
before Flask: a reference figure for the server and the HTTP client alone. Every other path goes
to create_app() on the instance named by BENCH_INSTANCE.

BENCH_SEARCH_CACHE and BENCH_PAGE_CACHE, when set, are passed as CATALOGUE_SEARCH_CACHE (entries
of each process's search result cache) and CATALOGUE_PAGE_CACHE (pages of the node's page cache);
0 turns one off; unset, the app's defaults hold.

Run with the production settings (catalogue/serve.py: preload, the master warmed, then forked
with no open index or database connection):
BENCH_INSTANCE=/path gunicorn -c python:catalogue.serve -w 2 --chdir bench wsgi:application
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import render_template

from catalogue import create_app

_instance = os.environ["BENCH_INSTANCE"]
_config = {
    "INSTANCE_PATH": _instance, "CATALOGUE_DEMO": False, "CATALOGUE_SECRET_KEY": "bench",
    "CATALOGUE_DATABASE_URL": f"sqlite:///{Path(_instance) / 'catalogue.sqlite3'}",
    "RATELIMIT_ENABLED": False,
}
for _name, _key in (("BENCH_SEARCH_CACHE", "CATALOGUE_SEARCH_CACHE"), ("BENCH_PAGE_CACHE", "CATALOGUE_PAGE_CACHE")):
    if os.environ.get(_name):
        _config[_key] = int(os.environ[_name])
app = create_app(_config)

# compiled once, as render_template("name") would cache it (render_template_string compiles per call)
_BASE = app.jinja_env.from_string('{% extends "base.html" %}{% block title %}{{ _("Search") }}{% endblock %}')


@app.get("/bench/base")
def bench_base():
    """The product's base template, no search: the /search page's frame and its per-request work."""
    return render_template(_BASE)


HELLO = b"Hello, world!"


def _hello(wsgi_app):
    """/hello answered before the app's own WSGI handling (its host check, routing, hooks)."""

    def middleware(environ, start_response):
        if environ.get("PATH_INFO") == "/hello":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
            return [HELLO]
        return wsgi_app(environ, start_response)

    return middleware


app.wsgi_app = _hello(app.wsgi_app)
application = app  # the Flask app itself: catalogue.serve warms it before the fork
