"""Real processes for resilience tests: app nodes (gunicorn on loopback), CLI commands, HTTP clients.

Every process started here is stopped by its starter in a `finally` (the `servers` fixture, or
subprocess.run's own timeout handling); nothing listens anywhere but 127.0.0.1."""

from __future__ import annotations

import csv
import http.client
import json
import os
import random
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

SECRET_KEY = "resilience-secret"  # one key for every node, as a deployment shares it
HOST = "127.0.0.1"


def database_url(app) -> str:
    """The test database as another process must name it: on PostgreSQL the test's own schema
    travels in the URL (`options=-csearch_path=…`, which psycopg hands to the server)."""
    database = app.extensions["test_database"]
    if database.schema is None:
        return database.url
    url = make_url(database.url).update_query_dict({"options": f"-csearch_path={database.schema}"})
    return url.render_as_string(hide_password=False)


def node_env(app, directory: Path, index_dir: Path | None = None, instance: Path | None = None) -> dict:
    """The environment of one app node: the shared database; its own instance folder and index."""
    return {
        **os.environ,
        "CATALOGUE_DATABASE_URL": database_url(app),
        "CATALOGUE_INDEX_DIR": str(index_dir or directory / "search-index"),
        "CATALOGUE_INSTANCE_PATH": str(instance or directory / "instance"),
        "CATALOGUE_SECRET_KEY": SECRET_KEY,
        "CATALOGUE_DEMO": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def same_node(app, directory: Path) -> dict:
    """The environment of a command or server on this test app's own node: its index and instance."""
    return node_env(app, directory, index_dir=Path(app.config["CATALOGUE_INDEX_DIR"]),
                    instance=Path(app.instance_path))


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "catalogue", *args]


def flask(env: dict, *args: str, input: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run `flask --app catalogue ARGS` to completion (killed if it outlives timeout)."""
    return subprocess.run(flask_command(*args), env=env, input=input, capture_output=True, text=True,
                          timeout=timeout)


def reader(stream) -> tuple[list[str], threading.Thread]:
    """Read a child's output lines into a list, in a thread (started), until the stream ends."""
    lines: list[str] = []
    thread = threading.Thread(target=lambda: lines.extend(stream), daemon=True)
    thread.start()
    return lines, thread


def wait_for(lines: list[str], text: str, timeout: float) -> None:
    """Until one of the lines read contains text (the child reached that point)."""
    deadline = time.monotonic() + timeout
    while not any(text in line for line in lines):
        assert time.monotonic() < deadline, "".join(lines)
        time.sleep(0.02)


def counts() -> dict[str, int]:
    """Rows per catalogue table (and the outbox and import history), freshly read."""
    from catalogue.catalog.models import Category, Enterprise, Exhibit
    from catalogue.extensions import db
    from catalogue.imports.history import BatchChange, ImportBatch
    from catalogue.search.outbox import OutboxEntry

    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Enterprise, Exhibit, Category, OutboxEntry, ImportBatch, BatchChange)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


GUNICORN_CONFIG = """
from catalogue.serve import preload_app, when_ready  # the production settings (preload, warmed master)

control_socket_disable = True  # gunicorn >= 24 would open one shared control socket under ~/.gunicorn


def post_worker_init(worker):
    worker.log.info("Catalogue worker ready: %s", worker.pid)
"""


class Server:
    """`gunicorn -w N 'catalogue:create_app()'` with catalogue.serve's settings on a free loopback port,
    logging to a file."""

    def __init__(self, env: dict, directory: Path, workers: int = 1):
        self.env, self.workers = env, workers
        directory.mkdir(parents=True, exist_ok=True)
        self.log_path = directory / "server.log"
        self.config = directory / "gunicorn_config.py"
        self.config.write_text(GUNICORN_CONFIG)
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        self.port = free_port()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"{HOST}:{self.port}",
                 "-c", str(self.config), "--timeout", "120", "--graceful-timeout", "5",
                 "catalogue:create_app()"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 120) -> None:
        """Until every worker has loaded the app (so no request waits for a worker's start)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            if self.log().count("Catalogue worker ready") >= self.workers:
                status, _ = get_json(self.port, "/api/v1/categories")
                if status == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"the server was not ready within {timeout} s:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        """SIGTERM to the server's process group (master and workers), then SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            self.process.wait(timeout=15)


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 60) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def get_json(port: int, path: str) -> tuple[int, dict | None]:
    try:
        status, _, body = request(port, "GET", path)
    except OSError:
        return 0, None
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def search_total(port: int, query: str, **params) -> int:
    status, body = get_json(port, "/api/v1/search?" + urlencode({"q": query, "per_page": 100, **params}))
    assert status == 200, (status, body)
    return body["total"]


class FormParser(HTMLParser):
    """The forms of a page: action and the fields a browser would submit (files left out)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif self.forms and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "file" or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif self.forms and tag == "textarea":
            self._textarea = attrs.get("name")
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def forms_of(page: str) -> list[dict]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


class Browser:
    """A browser over http.client: keeps cookies, sends one User-Agent, posts forms urlencoded."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"User-Agent": "resilience-browser/1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, response_headers, content = request(self.port, method, path, body, headers)
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        location = next((v for k, v in response_headers if k.lower() == "location"), None)
        return status, location, content.decode("utf-8", "replace")

    def get(self, path: str):
        return self._send("GET", path)

    def post(self, path: str, fields: dict):
        body = urlencode(fields).encode()
        return self._send("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def log_in(self, email: str, password: str) -> None:
        status, _, page = self.get("/organizer/login")
        assert status == 200, status
        fields = {**forms_of(page)[0]["fields"], "email": email, "password": password}
        status, location, page = self.post("/organizer/login", fields)
        assert status == 302, (status, page[:2000])


def exhibitor_list(path: Path, label: str, enterprises: int, exhibits_each: int, words: int = 0,
                   seed: int = 1) -> Path:
    """A CSV exhibitor list of new enterprises named `label …` with exhibits named `label …`;
    `words` random words per description make the search index large (for write-failure tests)."""
    rnd = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Enterprise", "Hall", "Booth", "Exhibit Code", "Exhibit", "Category",
                         "Exhibit Description", "Tags"])
        for e in range(enterprises):
            for x in range(exhibits_each):
                description = " ".join("".join(rnd.choices(string.ascii_lowercase, k=9)) for _ in range(words))
                writer.writerow([f"{label} Enterprise {e} Ltd", "S9", f"S9-{e:04d}", f"{label.upper()}-{e}-{x}",
                                 f"{label} exhibit {e}-{x}", "Resilience > Generated",
                                 description or f"A generated {label} exhibit.", f"{label}, generated"])
    return path


def query_path(query: str) -> str:
    return f"/api/v1/search?q={quote(query)}"
