"""The app's search service: keeps this node's index in step with the outbox, and answers queries.

The database is the source of truth. After each commit, and before searches, the index applies the
outbox rows it has not applied yet; the last applied row is stored in the index in the same commit
as the documents, so a crash anywhere loses nothing: the next catch-up simply starts from there.
Applying a batch (in place, or as a new generation when it touches most of the catalogue) is catchup.py's."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from catalogue.extensions import db
from catalogue.locks import file_lock
from catalogue.search import catchup, outbox, pagecache, searchlog
from catalogue.search.analysis import schema_dict_id, segmenter
from catalogue.search.documents import all_documents
from catalogue.search.engine import SearchIndex
from catalogue.search.outbox import OutboxEntry
from catalogue.search.pagecache import CachedPage, PageCache
from catalogue.search.request import (
    MAX_QUERY_CHARS,
    InvalidQuery,
    SearchRequest,
    SearchResponse,
    Suggestion,
    empty_response,
)
from catalogue.search.searchlog import SearchLog
from catalogue.search.simplify import simplified
from catalogue.search.spelling import whole_syllables

CHECK_EVERY = 0.5  # seconds between "is the index behind?" checks per process


@dataclass
class Drift:
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not in the database
    stale: list[str] = field(default_factory=list)  # in both, but the index holds an older version
    applied: int = 0  # outbox entries applied by the catch-up that ran first

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.stale)


class SearchService:
    def __init__(self, app: Flask):
        self.app = app
        self.root = Path(app.config["CATALOGUE_INDEX_DIR"])
        self.index = SearchIndex(str(self.root), results=app.config.get("CATALOGUE_SEARCH_CACHE", 0))
        pages = app.config.get("CATALOGUE_PAGE_CACHE", 0)
        self.pages = PageCache(str(self.root / pagecache.FILE), pages, _release(app)) if pages else None
        self._behind = True  # until a catch-up or a check finds the index up to date with the database
        self._checked_at = 0.0
        self.log = SearchLog(app)

    def _sync_lock(self):
        """One process at a time brings this node's index up to date."""
        return file_lock(self.root / ".sync.lock")

    def catch_up(self) -> int:
        """Apply every outbox entry this index has not applied yet; returns how many were applied."""
        total = 0
        self._behind = True
        with self._sync_lock():
            while True:
                applied_now, more = catchup.apply_batch(self.index, db.engine)
                total += applied_now
                if not more:
                    self._behind = False
                    return total

    def catch_up_if_due(self) -> None:
        """Before a search: if another process or node committed changes, apply them (cheaply checked)."""
        now = time.monotonic()
        if now - self._checked_at < CHECK_EVERY:
            return
        self._checked_at = now
        try:
            marker = self.index.marker()
        except Exception:  # unreadable: the catch-up below fails too, and safely() repairs it
            marker = {"gaps": True}
        newest = db.session.scalar(select(func.max(OutboxEntry.id))) or 0
        if newest > int(marker.get("applied", 0)) or marker.get("gaps"):
            self.safely(self.catch_up)
        else:
            self._behind = False

    def rebuild(self) -> int:
        """Build a whole new index from the database and swap it in; returns the document count."""
        with self._sync_lock(), Session(db.engine) as session:
            newest = session.scalar(select(func.max(OutboxEntry.id))) or 0
            return catchup.rebuild_from(session, self.index, {"applied": newest, "gaps": {}})

    def ensure_index(self) -> None:
        """At start: build a missing index, rebuild one with an older schema, else catch up;
        rebuild one that cannot be read. Then remove the page cache's file if it is damaged."""
        self._ensure_index()
        if self.pages is not None:
            self.pages.repair()

    def _ensure_index(self) -> None:
        try:
            exists = self.index.exists()  # opens the index: raises if its files are corrupt
            current = self.index.schema_is_current()
        except Exception:
            exists = current = True  # there, but unreadable: the catch-up below fails and rebuilds it
        if not exists or not current:
            count = self.rebuild()
            self.app.logger.info("%s the search index (%d documents) in %s",
                                 "Built" if not exists else "Rebuilt, for the new schema,", count, self.root)
            return
        if self._ahead_of_database():
            count = self.rebuild()
            self.app.logger.info(
                "The search index in %s was ahead of the database (a restored or replaced database); "
                "rebuilt it (%d documents)", self.root, count,
            )
            return
        try:
            self.catch_up()
        except Exception:
            self.app.logger.exception("The search index in %s cannot be updated; rebuilding it", self.root)
            self.rebuild()

    def _ahead_of_database(self) -> bool:
        """True when the index has applied outbox entries the database does not have."""
        try:
            applied = int(self.index.marker().get("applied", 0))
        except Exception:
            return False  # unreadable: the catch-up fails and rebuilds it
        with Session(db.engine) as session:
            newest = session.scalar(select(func.max(OutboxEntry.id))) or 0
        return applied > newest

    def status(self) -> dict:
        """A cheap health figure: the index's last applied outbox entry against the newest one (no
        document is compared; `check` does that). waiting: entries not applied yet (they are, before
        the next search); ahead: the index has applied entries the database does not have."""
        marker = self.index.marker()
        applied = int(marker.get("applied", 0))
        with Session(db.engine) as session:
            newest = session.scalar(select(func.max(OutboxEntry.id))) or 0
            waiting = session.scalar(select(func.count()).select_from(OutboxEntry).where(
                or_(OutboxEntry.id > applied, OutboxEntry.id.in_([int(g) for g in marker.get("gaps", {})]))
            )) or 0
        return {"applied": applied, "newest": newest, "waiting": waiting, "ahead": applied > newest}

    def check(self) -> Drift:
        """Catch up, then compare every document's fingerprint with what the database says."""
        applied = self.catch_up()
        with Session(db.engine) as session:
            expected = {d["id"]: d["fingerprint"] for d in all_documents(session)}
        actual = self.index.fingerprints() if self.index.exists() else {}
        return Drift(
            missing=sorted(set(expected) - set(actual)),
            extra=sorted(set(actual) - set(expected)),
            stale=sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k]),
            applied=applied,
        )

    def search(self, request: SearchRequest, source: str = "page") -> SearchResponse:
        """Answer a query (after catching up with other processes' changes) and log it."""
        return self._answer(request, source)[0]

    def _answer(self, request: SearchRequest, source: str) -> tuple[SearchResponse, bool]:
        """search(), and whether the index answered (False: it could not be read, the response is empty)."""
        self.catch_up_if_due()
        started = time.perf_counter()
        response = self._reading(lambda: self.index.search(request), None)
        answered = response is not None
        if not answered:  # the index cannot be read even after a rebuild: no results, not an error
            response = empty_response(request.text.strip())
        if request.text.strip():
            self._log(request, response.total, response.partial, time.perf_counter() - started, source)
        return response, answered

    def search_page(self, request: SearchRequest, variant: tuple | None,
                    render: Callable[[SearchResponse], str]) -> str:
        """The /search page's rendered results: render(the search's response), or the page any
        process of this node rendered for the same variant (web.page_variant: the query, language and
        address; None: not kept) on the same index state. Either way the search is logged.

        Pages are neither read nor kept while this process knows its index to be behind the database
        (a catch-up pending or failed): the records rendered could then be newer than the state."""
        self.catch_up_if_due()
        if self.pages is None or variant is None or self._behind:
            return render(self.search(request))
        started = time.perf_counter()
        # read before the records are: a page is never older than the state it is kept under
        state = self._reading(self.index.state, None)
        key = self.pages.key(state, variant) if state else None
        cached = self.pages.get(key) if key else None
        if cached is not None:
            self._log(request, cached.total, cached.partial, time.perf_counter() - started, "page")
            return cached.html
        response, answered = self._answer(request, "page")
        html = render(response)
        if key and answered:
            self.pages.put(key, CachedPage(html, response.total, response.partial))
        return html

    def _log(self, request: SearchRequest, total: int, partial: bool, seconds: float, source: str) -> None:
        filters = {k: v for k, v in (("type", request.type), ("category", request.category),
                                     ("hall", request.hall)) if v}
        self.log.record(query=request.text.strip()[:MAX_QUERY_CHARS], filters=filters, results=total,
                        partial=partial, latency_ms=round(seconds * 1000), source=source)

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        self.catch_up_if_due()
        return self._reading(lambda: self.index.suggest(prefix, limit), [])

    def safely(self, work) -> None:
        """Index work after a commit must never fail the request: the outbox keeps the change."""
        try:
            work()
        except Exception:
            self.app.logger.exception("Search index update failed; the outbox keeps the changes for the next catch-up")
            self._rebuild_if_unreadable()

    def _reading(self, read, fallback):
        """Read the index; if that fails, repair a corrupt index and retry once, else give fallback:
        a visitor never sees an error from the index."""
        for attempt in (1, 2):
            try:
                return read()
            except InvalidQuery:
                raise
            except Exception:
                self.app.logger.exception("Could not read the search index in %s", self.root)
                if attempt == 2 or not self._rebuild_if_unreadable():
                    return fallback
        return fallback

    def _rebuild_if_unreadable(self) -> bool:
        """If a fresh reader cannot read the index (corrupt files), rebuild it from the database.
        An index that reads but cannot be written (full disk) is left alone: the outbox waits."""
        probe = SearchIndex(str(self.root))  # not self.index, whose open files may predate the damage
        try:
            probe.marker()
            return False
        except Exception:
            self.app.logger.exception("The search index in %s cannot be read; rebuilding it", self.root)
        finally:
            probe.close()
        try:
            self.rebuild()
        except Exception:
            self.app.logger.exception("Could not rebuild the search index in %s", self.root)
            return False
        return True


def _release(app: Flask) -> str:
    """What the page cache's pages depend on besides the request and the index: the package's code
    and translations (app.root_path) and the templates (bytecode left out: it is written as modules
    are imported)."""
    return pagecache.release([Path(app.root_path), Path(app.root_path, app.template_folder)])


def search_service() -> SearchService:
    return current_app.extensions["catalogue_search"]


def init_app(app: Flask) -> None:
    """The search service of this app, and the session events that keep the index in step: outbox rows
    written in each transaction and applied after its commit, the search log flushed before it is read."""
    app.extensions["catalogue_search"] = SearchService(app)
    outbox.install(after_commit)
    searchlog.install()


def warm(app: Flask) -> None:
    """Load what searches read and never change, in this process: the Chinese segmenter for the
    current index's user dictionary, the pinyin syllable table and OpenCC. Then close the index and
    the database connections, so that processes forked from this one open their own (gunicorn's
    preload: catalogue/serve.py)."""
    with app.app_context():
        service = search_service()
        target = service.index._current()
        if target is not None:
            segmenter(schema_dict_id(service.index._open(target).schema))
        whole_syllables("xinpian")
        simplified("機器人")
        service.index.close()
        if service.pages is not None:
            service.pages.close()
        db.session.remove()
        db.engine.dispose()


def after_commit() -> None:
    """Called after a commit that wrote outbox rows: bring this process's index up to date."""
    service = search_service()
    service.safely(service.catch_up)
