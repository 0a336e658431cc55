"""Rendered search results shared by every process of this node: the page cache.

A /search page is a search, then 20 cards and the facets rendered from the database's records:
several times the work of the page's frame. A visitor's search is mostly one that someone typed
before, so the rendered results (the page's content block, the same for every visitor) are kept
in a SQLite file beside the index, where every worker of this node finds what any of them rendered.
The frame around them (navigation, language switch, visit plan) is still rendered per request.

A page is keyed by the release (every file of the package and its templates and translations, as
found when the app starts: pages of an earlier release are never served), the index state it was
rendered on (the generation and Whoosh's commit generation: every change to the catalogue commits
to the index, see outbox.py) and everything the content depends on besides the database: the
query, the language and the address (web.page_variant). A process that has caught up with a change
looks pages up under the new state, so it never finds one rendered before the change. The file
holds about `size` pages: each process deletes the oldest written beyond that every PRUNE_EVERY
pages it writes.

Losing the file loses nothing. A read or write that fails (a busy file: after BUSY_SECONDS) is
logged and the page is rendered as if the cache were not there; a damaged file turns the cache off
in the process that found it, and is removed when the app next starts (`repair`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FILE = "pages.sqlite3"  # in the index directory, beside the generations
PRUNE_EVERY = 50  # pages a process writes between deletions of the oldest beyond the size
BUSY_SECONDS = 0.2  # a page rendered anew costs less than waiting longer for a busy file

_SCHEMA = "CREATE TABLE IF NOT EXISTS pages (key BLOB PRIMARY KEY, total INTEGER NOT NULL, " \
          "partial INTEGER NOT NULL, html BLOB NOT NULL)"


@dataclass(frozen=True)
class CachedPage:
    """A page's rendered content, and what the search log records for the search it answers."""

    html: str
    total: int
    partial: bool


def release(roots: Iterable[Path]) -> str:
    """A digest of every file under roots (path, size, modification time): it changes with a release."""
    digest = hashlib.blake2b(digest_size=16)
    for root in roots:
        for directory, dirs, names in os.walk(root):  # top-down, each level sorted: the same order every time
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(n for n in names if not n.endswith(".pyc")):
                path = os.path.join(directory, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class PageCache:
    """The node's rendered /search results in the SQLite file at path (see the module docstring)."""

    def __init__(self, path: str, size: int, release_id: str) -> None:
        self.path = path
        self.size = max(0, int(size))
        self.release = release_id
        self.hits = 0  # pages this process served from the file (for tests and benchmarks)
        self.broken = False  # the file is damaged: off in this process until the app next starts
        self._local = threading.local()  # a connection per thread, and per process after a fork
        self._inherited: list[sqlite3.Connection] = []
        self._writes = 0

    def key(self, state: str, *parts: object) -> bytes:
        """The key of the page rendered on index state for the request described by parts."""
        return hashlib.blake2b(repr((self.release, state, *parts)).encode("utf-8", "surrogatepass"),
                               digest_size=16).digest()

    def get(self, key: bytes) -> CachedPage | None:
        """The page stored under key, or None (also when the file cannot be read)."""
        if self.broken:
            return None
        try:
            row = self._connection().execute(
                "SELECT total, partial, html FROM pages WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            page = CachedPage(zlib.decompress(row[2]).decode("utf-8"), int(row[0]), bool(row[1]))
        except Exception as error:  # noqa: BLE001 - a page is rendered anew rather than refused
            self._failed("read", error)
            return None
        self.hits += 1
        return page

    def put(self, key: bytes, page: CachedPage) -> None:
        """Store page under key (nothing happens if the file cannot be written)."""
        if self.broken:
            return
        try:
            connection = self._connection()
            connection.execute("INSERT OR REPLACE INTO pages (key, total, partial, html) VALUES (?, ?, ?, ?)",
                               (key, page.total, int(page.partial), zlib.compress(page.html.encode("utf-8"), 1)))
            self._writes += 1
            if self._writes % PRUNE_EVERY == 0:
                connection.execute("DELETE FROM pages WHERE rowid <= (SELECT max(rowid) FROM pages) - ?",
                                   (self.size,))
        except Exception as error:  # noqa: BLE001 - the page was rendered: storing it is a bonus
            self._failed("write", error)

    def repair(self) -> None:
        """At start, before any worker opens the file: remove it if SQLite cannot read it."""
        try:
            with contextlib.closing(sqlite3.connect(self.path, timeout=BUSY_SECONDS)) as probe:
                probe.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            if not _damaged(error):
                return
            log.warning("The search page cache %s is damaged (%s); removing it", self.path, error)
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.unlink(self.path + suffix)
                except FileNotFoundError:
                    pass

    def close(self) -> None:
        """Close this thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            connection.close()
            self._local.connection = None

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            if self._local.pid == os.getpid():
                return connection
            # opened before a fork: never closed (nor used) here, SQLite's locks belong to the parent
            self._inherited.append(connection)
            self._local.connection = None
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")  # a cache: a page lost in a crash is rendered again
            connection.execute(_SCHEMA)
        except BaseException:
            connection.close()
            raise
        self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def _failed(self, what: str, error: Exception) -> None:
        if isinstance(error, sqlite3.DatabaseError) and _damaged(error):
            self.broken = True
            self.close()
            log.error("The search page cache %s is damaged (%s): off in this process until the app "
                      "restarts, which removes it", self.path, error)
        else:
            log.warning("Could not %s the search page cache %s: %s", what, self.path, error)


def _damaged(error: sqlite3.DatabaseError) -> bool:
    """Whether SQLite's error says the file is not a sound database (not merely busy or locked)."""
    return getattr(error, "sqlite_errorname", "") in {"SQLITE_CORRUPT", "SQLITE_NOTADB"} or any(
        words in str(error) for words in ("malformed", "not a database"))
