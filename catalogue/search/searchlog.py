"""The search log for the organizers' dashboard: what was searched, how it went; no personal data.

Rows are buffered in memory and written in one transaction every LOG_BATCH searches or LOG_SECONDS,
whichever comes first (one commit per search was a quarter of a search's time on SQLite; see
bench/search.py). A query on the log in this process writes the buffer first, and so does a normal
exit; a crash loses at most the buffer."""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from datetime import datetime

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import JSON, Boolean, DateTime, Integer, String, event, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.catalog.models import utcnow
from catalogue.extensions import db

LOG_BATCH = 50
LOG_SECONDS = 2.0
EXTENSION = "catalogue_search_log"


class SearchLogEntry(db.Model):
    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    query: Mapped[str] = mapped_column(String(500), index=True)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    results: Mapped[int] = mapped_column(Integer)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    latency_ms: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))  # page | api | cli


class SearchLog:
    """This process's buffer of search-log rows for one app."""

    def __init__(self, app):
        self.app = app
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._since = time.monotonic()
        app.extensions[EXTENSION] = self
        atexit.register(_flush_at_exit, weakref.ref(self))

    def record(self, **row) -> None:
        """Buffer one search (stamped now); write the buffer if it is full or old enough."""
        row.setdefault("created_at", utcnow())
        with self._lock:
            self._rows.append(row)
            due = len(self._rows) >= LOG_BATCH or time.monotonic() - self._since >= LOG_SECONDS
        if due:
            self.flush()

    @property
    def pending(self) -> int:
        return len(self._rows)

    def flush(self) -> None:
        """Write the buffered rows in one transaction (they are dropped if that fails: the log is
        for the dashboard, and a visitor's search must not fail for it)."""
        with self._lock:
            rows, self._rows, self._since = self._rows, [], time.monotonic()
        if not rows:
            return
        try:
            with self.app.app_context(), Session(db.engine) as session:
                session.execute(insert(SearchLogEntry), rows)
                session.commit()
        except Exception:
            self.app.logger.exception("Could not write %d search-log rows", len(rows))


def _flush_at_exit(ref) -> None:
    log = ref()
    if log is not None:
        log.flush()


def install() -> None:
    """Flush the buffered log before any query that reads it (installing twice changes nothing)."""
    if not event.contains(FlaskSession, "do_orm_execute", _flush_before_reading):
        event.listen(FlaskSession, "do_orm_execute", _flush_before_reading)


def _flush_before_reading(state) -> None:
    """Whoever reads the log in this process sees every search made so far."""
    if not has_app_context():
        return
    log = current_app.extensions.get(EXTENSION)
    if log is not None and log.pending and state.is_select and any(
        mapper.class_ is SearchLogEntry for mapper in state.all_mappers
    ):
        log.flush()
