"""The locks that serialise work across processes: a file lock for one node, and a lock that every
node of a deployment shares (a PostgreSQL advisory lock; with SQLite, whose file is on one node, a file
lock beside it)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

SCHEMA_LOCK = 0x45_78_70_6F  # "Expo": schema upgrades
IMPORT_LOCK = 0x45_78_70_49  # "ExpI": one import or undo at a time


class Busy(Exception):
    """A lock asked for without waiting is held by someone else."""


@contextlib.contextmanager
def file_lock(path: Path | str, wait: bool = True) -> Iterator[None]:
    """An exclusive flock on path (created if missing), held for the block; Busy if wait is False and
    another process holds it."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(str(path)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def deployment_lock(engine: Engine, key: int, fallback: Path) -> Iterator[None]:
    """A lock that every process of the deployment shares, held for the block on a connection of its own
    (PostgreSQL: a session advisory lock; otherwise: a file lock on fallback)."""
    if engine.dialect.name != "postgresql":
        with file_lock(fallback):
            yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


def transaction_lock(session: Session, key: int, fallback: Path, wait: bool = True) -> None:
    """Take a deployment-wide lock that lasts until the session's transaction ends (commit, rollback or
    close): on PostgreSQL a transaction advisory lock, otherwise a file lock on fallback released by the
    session's after_transaction_end event. Busy if wait is False and someone else holds it."""
    if session.get_bind().dialect.name == "postgresql":
        if wait:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        elif not session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}):
            raise Busy(f"advisory lock {key}")
        return
    held = session.info.setdefault(_HELD, {})
    if key in held:
        return
    session.connection()  # begin the transaction whose end releases the lock
    Path(fallback).parent.mkdir(parents=True, exist_ok=True)
    handle = open(fallback, "a")  # noqa: SIM115  (closed when the transaction ends)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise Busy(str(fallback)) from None
    held[key] = handle
    if not event.contains(Session, "after_transaction_end", _release):
        event.listen(Session, "after_transaction_end", _release)


_HELD = "catalogue.locks.held"


def _release(session: Session, transaction) -> None:
    """Release the file locks taken in this session once its outermost transaction ends."""
    if transaction.parent is None and transaction.nested is False:
        for handle in session.info.pop(_HELD, {}).values():
            with contextlib.suppress(OSError):
                fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
