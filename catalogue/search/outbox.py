"""The search outbox: every change to the catalogue writes a row in the same transaction.

Captured by session events (installed by the search service's init_app), so no ORM write path can forget
one; the index applies rows after commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import BigInteger, DateTime, Integer, String, event, insert, inspect
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.catalog.models import Category, Enterprise, Exhibit, utcnow
from catalogue.extensions import db

KINDS = {Exhibit: "exhibit", Enterprise: "enterprise", Category: "category"}
PENDING = "search_outbox_written"


class OutboxEntry(db.Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[int | None] = mapped_column(Integer)  # exhibits: the owner, before and after
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def changed_records(session) -> set[tuple[str, int, int | None]]:
    """(kind, id, enterprise id) for every catalogue object this flush inserts, updates or deletes."""
    found: set[tuple[str, int, int | None]] = set()
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in [*session.new, *dirty, *session.deleted]:
        kind = KINDS.get(type(obj))
        if kind is None or obj.id is None:
            continue
        if kind != "exhibit":
            found.add((kind, obj.id, None))
            continue
        history = inspect(obj).attrs.enterprise_id.history
        for owner in {obj.enterprise_id, *history.deleted}:
            found.add((kind, obj.id, owner))
    return found


def install(on_commit: Callable[[], None]) -> None:
    """Write outbox rows in every flush that changes the catalogue, and call on_commit after a commit
    that wrote some (a rollback forgets them). Installing twice changes nothing."""
    global _on_commit
    _on_commit = on_commit
    for name, listener in (("after_flush", _write_outbox), ("after_commit", _apply_after_commit),
                           ("after_rollback", _forget_on_rollback)):
        if not event.contains(FlaskSession, name, listener):
            event.listen(FlaskSession, name, listener)


_on_commit: Callable[[], None] | None = None


def _write_outbox(session, _context) -> None:
    rows = [
        {"kind": kind, "record_id": rid, "enterprise_id": owner, "created_at": utcnow()}
        for kind, rid, owner in sorted(changed_records(session), key=str)
    ]
    if rows:
        session.connection().execute(insert(OutboxEntry), rows)
        session.info[PENDING] = True


def _apply_after_commit(session) -> None:
    if session.info.pop(PENDING, False) and _on_commit is not None:
        _on_commit()


def _forget_on_rollback(session) -> None:
    session.info.pop(PENDING, None)
