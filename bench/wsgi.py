"""The app for the serving benchmarks (bench/run.py), plus /hello: the baseline route.

/hello is answered here, before the app, so that the product itself gets no extra route; every
other path goes to create_app() on the instance named by BENCH_INSTANCE.
Run: BENCH_INSTANCE=/path gunicorn -w 2 --chdir bench wsgi:application
"""

from __future__ import annotations

import os
from pathlib import Path

from catalogue import create_app

_instance = os.environ["BENCH_INSTANCE"]
app = create_app({
    "INSTANCE_PATH": _instance, "CATALOGUE_DEMO": False, "CATALOGUE_SECRET_KEY": "bench",
    "CATALOGUE_DATABASE_URL": f"sqlite:///{Path(_instance) / 'catalogue.sqlite3'}",
    "RATELIMIT_ENABLED": False,
})
HELLO = b"Hello, world!"


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/hello":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
        return [HELLO]
    return app(environ, start_response)
