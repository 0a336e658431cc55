"""The search log for the organizers' dashboard: what was searched, how it went; no personal data.

Rows are buffered in memory and written in one transaction every LOG_BATCH searches or LOG_SECONDS,
whichever comes first (one commit per search was a quarter of a search's time on SQLite; see
bench/search.py). A query on the log in this process writes the buffer first, and so does a normal
exit; a crash loses at most the buffer.

The log stays bounded: rows older than CATALOGUE_SEARCH_LOG_DAYS days are folded into one row per
day and query (search_log_day) and deleted, by `flask prune-search-log` and automatically about once
an hour per process. A visitor counts once per query and day on the dashboard: each row carries a
visitor key, a keyed hash of the day, address and browser that cannot be turned back into them."""

from __future__ import annotations

import atexit
import hashlib
import hmac
import threading
import time
import weakref
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_start

from flask import current_app, has_app_context, has_request_context, request
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, delete, event, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.catalog.models import utcnow
from catalogue.extensions import db

LOG_BATCH = 50
LOG_SECONDS = 2.0
PRUNE_SECONDS = 3600.0
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
    visitor: Mapped[str | None] = mapped_column(String(16))  # visitor_key(); None outside a request


class SearchLogDay(db.Model):
    """One day's searches for one query, once its raw rows are pruned."""

    __tablename__ = "search_log_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(String(500), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer)  # every search
    visitors: Mapped[int] = mapped_column(Integer)  # each visitor once
    zero_visitors: Mapped[int] = mapped_column(Integer)  # visitors whose search found nothing


def visitor_key() -> str | None:
    """This request's visitor for the day: an HMAC of the date, address and User-Agent under the
    secret key, so a visitor repeating a search counts once and the log holds no address."""
    if not has_request_context():
        return None
    seen = f"{utcnow().date()}|{request.remote_addr}|{request.user_agent.string}"
    return hmac.new(current_app.secret_key.encode(), seen.encode(), hashlib.sha256).hexdigest()[:16]


@dataclass
class Pruned:
    rows: int
    days: int


def prune(session: Session, keep_days: int) -> Pruned:
    """Fold the rows of whole days older than keep_days into search_log_day and delete them;
    flushes, never commits. Concurrent runs cannot count a row twice: each deletes what it folds."""
    cutoff = datetime.combine(utcnow().date() - timedelta(days=max(keep_days, 0)), day_start(), UTC)
    gone = session.execute(
        delete(SearchLogEntry).where(SearchLogEntry.created_at < cutoff).returning(
            SearchLogEntry.id, SearchLogEntry.created_at, SearchLogEntry.query, SearchLogEntry.results,
            SearchLogEntry.visitor),
        execution_options={"synchronize_session": False},
    ).all()
    groups: dict[tuple[date, str], list] = defaultdict(lambda: [0, set(), set()])
    for row_id, created_at, query, results, visitor in gone:
        group = groups[_utc_day(created_at), query]
        who = visitor or f"#{row_id}"
        group[0] += 1
        group[1].add(who)
        if results == 0:
            group[2].add(who)
    if groups:
        values = [{"day": day, "query": query, "searches": n, "visitors": len(who), "zero_visitors": len(zero)}
                  for (day, query), (n, who, zero) in groups.items()]
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(SearchLogDay).values(values)
        session.execute(upsert.on_conflict_do_update(
            index_elements=["day", "query"],
            set_={name: getattr(SearchLogDay, name) + getattr(upsert.excluded, name)
                  for name in ("searches", "visitors", "zero_visitors")},
        ))
    session.flush()
    return Pruned(rows=len(gone), days=len({day for day, _ in groups}))


def _utc_day(moment: datetime) -> date:
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()


class SearchLog:
    """This process's buffer of search-log rows for one app."""

    def __init__(self, app):
        self.app = app
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._since = time.monotonic()
        self._next_prune = time.monotonic()  # the first write of this process prunes
        app.extensions[EXTENSION] = self
        atexit.register(_flush_at_exit, weakref.ref(self))

    def record(self, **row) -> None:
        """Buffer one search (stamped now); write the buffer if it is full or old enough."""
        row.setdefault("created_at", utcnow())
        row.setdefault("visitor", visitor_key())
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
                if time.monotonic() >= self._next_prune:
                    self._next_prune = time.monotonic() + PRUNE_SECONDS
                    prune(session, self.app.config["CATALOGUE_SEARCH_LOG_DAYS"])
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
