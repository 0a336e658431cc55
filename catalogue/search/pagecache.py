"""Rendered search results shared by every process of this node: the page cache.

A /search page is a search, then 20 cards and the facets rendered from the database's records:
about ten times the work of the page's frame. A visitor's search is mostly one that someone typed
before, so the rendered results (the page's content block, the same for every visitor) are kept
in a SQLite file beside the index, where every worker of this node finds what any of them rendered.
The frame around them (navigation, language switch, visit plan) is still rendered per request.

A page is keyed by the index state it was rendered on (the generation and Whoosh's commit
generation: every change to the catalogue commits to the index, see outbox.py) and by everything
the content depends on: the page's language, its path and its query arguments. A process that has
caught up with a change looks pages up under the new state, so it never finds one rendered before
the change; the rows of older states are deleted as new pages are written. The file holds up to
`size` pages (the oldest written go first) and is emptied when the app starts, so a new release
never serves pages of the old templates.

Losing the file loses nothing: every failure to read or write it is logged and the page is
rendered as if it were not there.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import zlib
from dataclasses import dataclass

log = logging.getLogger(__name__)

PRUNE_EVERY = 50  # pages written by a process between deletions of old states and surplus rows

_SCHEMA = ("CREATE TABLE IF NOT EXISTS pages (key BLOB PRIMARY KEY, state TEXT NOT NULL, "
           "total INTEGER NOT NULL, partial INTEGER NOT NULL, html BLOB NOT NULL)")


@dataclass(frozen=True)
class CachedPage:
    html: str
    total: int  # what the search log records for the search it answers
    partial: bool


class PageCache:
    def __init__(self, path: str, size: int):
        self.path = path
        self.size = max(0, int(size))
        self.hits = 0  # pages this process served from the file (for tests and benchmarks)
        self._local = threading.local()  # a connection per thread, and per process after a fork
        self._writes = 0
        self._inherited: list[sqlite3.Connection] = []

    @staticmethod
    def key(state: str, *parts: object) -> bytes:
        return hashlib.blake2b(repr((state, *parts)).encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            if self._local.pid == os.getpid():
                return connection
            # opened before a fork: never closed (nor used) here, SQLite's locks belong to the parent
            self._inherited.append(connection)
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")  # a cache: a page lost in a crash is rendered again
            connection.execute(_SCHEMA)
        except sqlite3.Error:
            connection.close()
            raise
        self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def get(self, key: bytes) -> CachedPage | None:
        try:
            row = self._connection().execute(
                "SELECT total, partial, html FROM pages WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            page = CachedPage(zlib.decompress(row[2]).decode("utf-8"), row[0], bool(row[1]))
        except (sqlite3.Error, zlib.error, UnicodeDecodeError):
            log.warning("Could not read the search page cache %s", self.path, exc_info=True)
            self._reset_if_corrupt()
            return None
        self.hits += 1
        return page

    def put(self, key: bytes, state: str, page: CachedPage) -> None:
        data = zlib.compress(page.html.encode("utf-8"), 1)
        try:
            connection = self._connection()
            connection.execute("INSERT OR REPLACE INTO pages (key, state, total, partial, html) VALUES (?, ?, ?, ?, ?)",
                               (key, state, page.total, int(page.partial), data))
            self._writes += 1
            if self._writes % PRUNE_EVERY == 0:
                self._prune(connection, state)
        except sqlite3.Error:
            log.warning("Could not write to the search page cache %s", self.path, exc_info=True)
            self._reset_if_corrupt()

    def _prune(self, connection: sqlite3.Connection, state: str) -> None:
        """Delete the pages of other index states, and the oldest written beyond size."""
        connection.execute("DELETE FROM pages WHERE state != ?", (state,))
        connection.execute("DELETE FROM pages WHERE rowid <= (SELECT max(rowid) FROM pages) - ?", (self.size,))

    def clear(self) -> None:
        """Empty the file (at start: pages rendered by an earlier release may not be served)."""
        try:
            self._connection().execute("DELETE FROM pages")
        except sqlite3.Error:
            log.warning("Could not empty the search page cache %s", self.path, exc_info=True)
            self._reset_if_corrupt()
        self.close()  # a process that starts the app may fork its workers next (gunicorn's preload)

    def close(self) -> None:
        """Close this thread's connection (before a fork: each process opens its own)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            connection.close()
            self._local.connection = None

    def _reset_if_corrupt(self) -> None:
        """A file SQLite cannot read as a database is removed, to be made anew on the next use."""
        try:
            with sqlite3.connect(self.path, timeout=5) as probe:
                probe.execute("SELECT count(*) FROM pages").fetchone()
            probe.close()
        except sqlite3.DatabaseError as error:
            if "malformed" in str(error) or "not a database" in str(error):
                self.close()
                for suffix in ("", "-wal", "-shm"):
                    try:
                        os.unlink(self.path + suffix)
                    except OSError:
                        pass
