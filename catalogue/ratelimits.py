"""A rate-limit storage that every worker of a node shares, without Redis: a small SQLite file.

Flask-Limiter keeps its counters in a `limits` storage chosen by URI. "memory://" counts per
worker process (3 workers let 15 sign-in attempts a minute through, not 5); with CATALOGUE_REDIS_URL
the counters live in Redis, shared by every node. Otherwise the app uses this storage,
`catalogue-sqlite:///<instance>/ratelimits.sqlite3`: one file in the node's instance folder, so the
limits hold per node. It supports the fixed-window strategy (the one configured)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing

from limits.storage import Storage

SCHEME = "catalogue-sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS counter (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires REAL NOT NULL
)"""


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file; every call is one short transaction."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_options) -> None:
        super().__init__(uri, wrap_exceptions)
        self.path = (uri or "").partition("://")[2]
        if not self.path:
            raise ValueError(f"{SCHEME}:// needs a file: {SCHEME}:///path/to/ratelimits.sqlite3")
        with closing(self._connect()) as connection:
            connection.execute(SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        # autocommit mode: each statement, or an explicit BEGIN IMMEDIATE … COMMIT, is a transaction
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add amount to the key's window (a new window of `expiry` seconds if it had none)."""
        now = time.time()
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")  # one writer at a time across the node's workers
            try:
                connection.execute("DELETE FROM counter WHERE expires <= ?", (now,))
                connection.execute(
                    "INSERT INTO counter (key, count, expires) VALUES (?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count",
                    (key, amount, now + expiry),
                )
                (count,) = connection.execute("SELECT count FROM counter WHERE key = ?", (key,)).fetchone()
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return count

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def _row(self, key: str) -> tuple[int, float] | None:
        with closing(self._connect()) as connection:
            return connection.execute(
                "SELECT count, expires FROM counter WHERE key = ? AND expires > ?", (key, time.time())
            ).fetchone()

    def check(self) -> bool:
        try:
            with closing(self._connect()) as connection:
                connection.execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with closing(self._connect()) as connection:
            return connection.execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        with closing(self._connect()) as connection:
            connection.execute("DELETE FROM counter WHERE key = ?", (key,))
