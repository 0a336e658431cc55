"""The search engine: a Whoosh index of exhibits and enterprises behind a database-free interface.

Layout of the index directory (shared by every process of a node):
``root/current`` is a symlink to ``root/gen-<n>``, a complete Whoosh index plus its jieba user
dictionary. ``apply`` commits into the current generation under Whoosh's write lock; ``rebuild``
builds the next generation beside it and swaps the symlink atomically. Readers check the symlink
and the index generation on every call and reopen only when either changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterable

from whoosh import index as whoosh_index
from whoosh.index import LockError

from .analysis import (
    MARKER_ID,
    build_schema,
    index_fields,
    register_userdict,
    schema_dict_id,
    write_userdict,
)
from .querying import (
    Hit,
    InvalidQuery,
    SearchRequest,
    SearchResponse,
    Suggestion,
    empty_response,
    run_search,
    run_suggest,
    validate,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

__all__ = ["Hit", "InvalidQuery", "LockError", "SearchIndex", "SearchRequest", "SearchResponse",
           "Suggestion"]

CURRENT = "current"
_GEN = re.compile(r"^gen-(\d+)$")


@contextlib.contextmanager
def _exclusive(path: str):
    """An inter-process lock (flock) on path, held for the block; creating generations and
    swapping them is serialised with it."""
    with open(path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


class SearchIndex:
    """The catalogue's search index under one directory; see the module docstring."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        self._lock = threading.Lock()
        self._target: str | None = None
        self._searcher = None
        self._cache: dict = {}

    # --- generations ------------------------------------------------------------------------

    def _current(self) -> str | None:
        try:
            return os.readlink(os.path.join(self.root, CURRENT))
        except OSError:
            return None

    def _generations(self) -> list[int]:
        try:
            names = os.listdir(self.root)
        except FileNotFoundError:
            return []
        return sorted(int(m.group(1)) for m in map(_GEN.match, names) if m)

    def _new_generation(self) -> str:
        number = (self._generations() or [0])[-1] + 1
        while True:
            try:
                os.mkdir(os.path.join(self.root, f"gen-{number}"))
                return f"gen-{number}"
            except FileExistsError:
                number += 1

    def _swap(self, target: str) -> None:
        link = os.path.join(self.root, f".{CURRENT}-{os.getpid()}-{threading.get_ident()}")
        with contextlib.suppress(FileNotFoundError):
            os.remove(link)
        os.symlink(target, link)
        os.replace(link, os.path.join(self.root, CURRENT))

    def _open(self, target: str):
        directory = os.path.join(self.root, target)
        register_userdict(directory)
        return whoosh_index.open_dir(directory)

    def exists(self) -> bool:
        target = self._current()
        return target is not None and whoosh_index.exists_in(os.path.join(self.root, target))

    # --- writing ----------------------------------------------------------------------------

    def apply(self, upserts: list[dict], deletes: list[str], marker: dict,
              timeout: float = 30.0) -> None:
        """One commit: replace the upserted documents, delete the ids (an id in both is deleted),
        and store marker with them. Raises LockError if the write lock is not free in time."""
        deleted = set(deletes)
        latest = {doc["id"]: doc for doc in upserts if doc["id"] not in deleted}
        for _attempt in range(5):
            target = self._current() or self._create_first()
            try:
                ix = self._open(target)
                # analyse before taking the lock, so that other writers wait less
                fields = [index_fields(doc, schema_dict_id(ix.schema)) for doc in latest.values()]
                writer = ix.writer(timeout=timeout)
            except (OSError, whoosh_index.EmptyIndexError):
                if self._current() != target:
                    continue  # swapped and removed under us: use the new generation
                raise
            if self._current() != target:  # a rebuild swapped while we waited for the lock
                writer.cancel()
                continue
            try:
                with writer.searcher() as searcher:
                    for doc_id in [*latest, *deleted, MARKER_ID]:
                        writer.delete_by_term("id", doc_id, searcher=searcher)
                for doc_fields in fields:
                    writer.add_document(**doc_fields)
                writer.add_document(id=MARKER_ID, type="marker", marker=json.dumps(marker))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            return
        raise LockError("The index generation kept changing; try again.")

    def _create_first(self) -> str:
        os.makedirs(self.root, exist_ok=True)
        with _exclusive(os.path.join(self.root, "generations.lock")):
            target = self._current()
            if target is None:
                target = self._new_generation()
                whoosh_index.create_in(os.path.join(self.root, target), build_schema(None))
                self._swap(target)
            return target

    def rebuild(self, documents: Iterable[dict], marker: dict, words: Iterable[str] = ()) -> None:
        """Build a complete new generation from documents, then swap it in and drop old ones."""
        os.makedirs(self.root, exist_ok=True)
        with _exclusive(os.path.join(self.root, "generations.lock")):
            target = self._new_generation()
            directory = os.path.join(self.root, target)
            try:
                dict_id = write_userdict(directory, words)
                ix = whoosh_index.create_in(directory, build_schema(dict_id))
                writer = ix.writer(limitmb=128)
                try:
                    for doc in documents:
                        writer.add_document(**index_fields(doc, dict_id))
                    writer.add_document(id=MARKER_ID, type="marker", marker=json.dumps(marker))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit(optimize=True)
                self._swap_in(target)
            except BaseException:
                shutil.rmtree(directory, ignore_errors=True)
                raise
            for number in self._generations():
                if f"gen-{number}" != target and number < int(target[4:]):
                    shutil.rmtree(os.path.join(self.root, f"gen-{number}"), ignore_errors=True)

    def _swap_in(self, target: str) -> None:
        # Hold the old generation's write lock while swapping, so that a concurrent apply()
        # either commits before the swap or notices it and retries on the new generation.
        old = self._current()
        lock = None
        if old and whoosh_index.exists_in(os.path.join(self.root, old)):
            from whoosh.util.filelock import try_for

            lock = whoosh_index.open_dir(os.path.join(self.root, old)).lock("WRITELOCK")
            if not try_for(lock.acquire, timeout=60.0, delay=0.1):
                raise LockError("The current index is being written to; try again.")
        try:
            self._swap(target)
        finally:
            if lock is not None:
                lock.release()

    # --- reading ----------------------------------------------------------------------------

    def _reader_searcher(self):
        """The open searcher, reopened if another process committed or swapped generations.
        Call with self._lock held; None if there is no index."""
        target = self._current()
        if target != self._target or self._searcher is None:
            self._close_searcher()
            if target is None:
                return None
            try:
                self._searcher = self._open(target).searcher()
            except (OSError, whoosh_index.EmptyIndexError):
                if self._current() == target:
                    raise
                return self._reader_searcher()  # swapped and removed meanwhile: open the new one
            self._target = target
        elif not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
            self._cache = {}
        return self._searcher

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher, self._target, self._cache = None, None, {}

    def close(self) -> None:
        with self._lock:
            self._close_searcher()

    def marker(self) -> dict:
        with self._lock:
            searcher = self._reader_searcher()
            stored = searcher.document(id=MARKER_ID) if searcher else None
        return json.loads(stored["marker"]) if stored else {}

    def fingerprints(self) -> dict[str, str]:
        with self._lock:
            searcher = self._reader_searcher()
            if searcher is None:
                return {}
            return {f["id"]: f.get("fingerprint", "") for f in searcher.reader().all_stored_fields()
                    if f.get("type") != "marker"}

    def search(self, request: SearchRequest) -> SearchResponse:
        """Ranked, filtered, faceted and paginated results for the visitor's text."""
        text = validate(request)
        with self._lock:
            searcher = self._reader_searcher()
            if searcher is None or not text:
                return empty_response(text)
            return run_search(searcher, self._cache, request, text)

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Names (either language, or their pinyin) completing prefix, best first."""
        with self._lock:
            searcher = self._reader_searcher()
            if searcher is None or not isinstance(prefix, str):
                return []
            return run_suggest(searcher, prefix, limit)
