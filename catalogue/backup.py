"""Online backups of the catalogue database: SQLite's backup API; PostgreSQL has pg_dump for this."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, Engine


class BackupRefused(Exception):
    """The backup cannot be taken as asked; the message says why and what to do instead."""


@dataclass
class Backup:
    path: Path
    size: int  # bytes
    source: str  # the database, password hidden


def pg_dump_command(url: URL, path: Path) -> str:
    """The documented PostgreSQL backup command for this database (password left to PGPASSWORD/.pgpass)."""
    libpq = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return f"pg_dump -Fc --dbname='{libpq.render_as_string(hide_password=False)}' -f {path}"


def backup_database(engine: Engine, path: Path, force: bool = False) -> Backup:
    """Copy the SQLite database behind engine to path, consistently, while the app keeps running.

    The copy is written beside path and renamed into place only once it is complete and passes
    SQLite's integrity check, so path never holds half a backup."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        raise BackupRefused(
            "The database is PostgreSQL: back it up with pg_dump, e.g.\n  "
            f"{pg_dump_command(url, path)}\n(restore with pg_restore, then 'flask --app catalogue reindex'; "
            "see docs/operations.md)."
        )
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise BackupRefused(f"Only a SQLite database file can be backed up this way, not {url.render_as_string()}.")
    if path.exists() and not force:
        raise BackupRefused(f"{path} already exists; give --force to overwrite it.")
    if path.is_dir():
        raise BackupRefused(f"{path} is a directory; give the backup file's name.")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    raw = engine.raw_connection()  # the app's connection settings (busy timeout, WAL)
    try:
        target = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(target)  # one step: a consistent snapshot of a WAL database
            target.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
            verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
        if verdict != "ok":
            raise BackupRefused(f"The copy failed SQLite's integrity check: {verdict}")
        os.replace(partial, path)
    finally:
        raw.close()
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial)
    return Backup(path, path.stat().st_size, url.render_as_string(hide_password=True))
