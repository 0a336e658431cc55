"""The search engine: a Whoosh index of exhibits and enterprises behind a database-free interface.

Layout of the index directory (shared by every process of a node):
``root/current`` is a symlink to ``root/gen-<n>``, a complete Whoosh index plus its jieba user
dictionary. ``apply`` commits into the current generation under Whoosh's write lock; ``rebuild``
builds the next generation beside it and swaps the symlink atomically. Readers check the symlink
and the index generation on every call and reopen only when either changed. An index built with
another schema (an older version's: see ``schema_is_current``) is rebuilt by the service at start;
until then ``apply`` leaves out the fields it does not have.

A document (``documents.py`` builds them from the database) is a dict with: ``id`` ("exhibit:7",
"enterprise:3"), ``type``, ``db_id``, ``fingerprint``; the searched text ``name``, ``name_zh``,
``enterprise_name`` (an exhibit's enterprise, both languages), ``tags`` (a list), ``description``,
``description_zh`` and ``category_names`` (the names, both languages, of the category and its
ancestors, for an enterprise those of all its exhibits' categories: weighted between tags and
descriptions, an enterprise's lower); ``codes`` (a list: exhibit code and booth, or credit code and
booth; found only when the visitor types one whole, case and width ignored, and then first);
``translations`` (a list: the other language's terms for its names and tags, from the glossary,
the organizers' synonyms and CC-CEDICT: ``crosslang.translations``) and ``category_labels`` (an
exhibit's category names, each whole, for a query that is one); and the filters ``category_slugs`` (the category and its ancestors), ``category_slug``, ``hall``
and ``booth``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import LockError

from catalogue.locks import file_lock
from catalogue.search.docfields import MARKER_ID, index_fields

from .analysis import (
    build_schema,
    register_userdict,
    schema_dict_id,
    schema_signature,
    write_userdict,
)
from .querying import run_search, run_suggest
from .request import (
    Hit,
    InvalidQuery,
    SearchRequest,
    SearchResponse,
    Suggestion,
    empty_response,
    validate,
)

__all__ = ["Hit", "InvalidQuery", "LockError", "SearchIndex", "SearchRequest", "SearchResponse",
           "Suggestion"]

CURRENT = "current"
# Segments as separate files: Whoosh reads a compound segment file through a BytesIO copy of each
# part, so every process that opened the index would hold a private copy of it (RSS = index size).
COMPOUND = False
_GEN = re.compile(r"^gen-(\d+)$")


def _in_schema(doc_fields: dict, names: set[str]) -> dict:
    """doc_fields without the fields (and their boosts) that an older index's schema lacks."""
    return {k: v for k, v in doc_fields.items()
            if k in names or (k.startswith("_") and k[1:].removesuffix("_boost") in names)}


class _PreadFile(StructFile):
    """A segment file whose random reads (term tables, posting blocks, columns) are one pread()
    each, instead of a seek and a read through three Python layers."""

    def get(self, position, length):
        return os.pread(self._fd, length, position)


class _Storage(FileStorage):
    def open_file(self, name, **kwargs):
        handle = open(self._fpath(name), "rb")  # noqa: SIM115 (the StructFile closes it)
        f = _PreadFile(handle, name=name, **kwargs)
        f._fd = handle.fileno()
        return f


def _close_held(held: list) -> None:
    if held[0] is not None:
        with contextlib.suppress(Exception):
            held[0].close()
        held[0] = None


RESULT_PAGE = 20  # hits: a response with up to this many counts once against the result cache's size


def _weight(response: SearchResponse) -> int:
    return max(1, -(-len(response.hits) // RESULT_PAGE))


class SearchIndex:
    """The catalogue's search index under one directory; see the module docstring.

    results: how many search responses of a default page (20 hits; larger pages count as several)
    this object keeps (0: none), keyed by the index generation they were computed on and the whole
    request. Every change to the index (a commit here or in
    another process, a swapped generation) makes the next search reopen the searcher, which drops
    them all; a response depends on nothing but the index and the request (the search log is
    written by the caller for every search, cached or not)."""

    def __init__(self, root: str, results: int = 0):
        self.root = os.path.abspath(root)
        self._results_size = max(0, int(results))
        self._results: OrderedDict = OrderedDict()
        self._results_weight = 0  # the cached responses' hits, in pages of RESULT_PAGE
        self.result_hits = 0  # searches answered from the result cache (for tests and benchmarks)
        self._lock = threading.Lock()
        self._target: str | None = None
        # the open searcher lives in a list that a finalizer closes when this index is dropped
        # unclosed (its segment files are real open files)
        self._held: list = [None]
        weakref.finalize(self, _close_held, self._held)
        self._cache: dict = {}

    @property
    def _searcher(self):
        return self._held[0]

    @_searcher.setter
    def _searcher(self, searcher) -> None:
        self._held[0] = searcher

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
        return _Storage(directory).open_index()

    def exists(self) -> bool:
        target = self._current()
        return target is not None and whoosh_index.exists_in(os.path.join(self.root, target))

    def schema_is_current(self) -> bool:
        """False when the current generation was built with another schema than this version's
        (say, before a field was added): it must be rebuilt. True when there is no index."""
        target = self._current()
        if target is None or not whoosh_index.exists_in(os.path.join(self.root, target)):
            return True
        return schema_signature(self._open(target).schema) == schema_signature(build_schema(None))

    # --- writing ----------------------------------------------------------------------------

    def apply(self, upserts: list[dict], deletes: list[str], marker: dict,
              timeout: float = 30.0, optimize: bool = False) -> None:
        """One commit: replace the upserted documents, delete the ids (an id in both is deleted),
        and store marker with them; optimize: merge every segment into one. Raises LockError if
        the write lock is not free in time."""
        deleted = set(deletes)
        latest = {doc["id"]: doc for doc in upserts if doc["id"] not in deleted}
        for _attempt in range(5):
            target = self._current() or self._create_first()
            try:
                ix = self._open(target)
                # analyse before taking the lock, so that other writers wait less
                dict_id, known = schema_dict_id(ix.schema), set(ix.schema.names())
                fields = [_in_schema(index_fields(doc, dict_id), known) for doc in latest.values()]
                writer = ix.writer(timeout=timeout, compound=COMPOUND)
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
            writer.commit(optimize=optimize)
            return
        raise LockError("The index generation kept changing; try again.")

    def _create_first(self) -> str:
        os.makedirs(self.root, exist_ok=True)
        with file_lock(os.path.join(self.root, "generations.lock")):
            target = self._current()
            if target is None:
                target = self._new_generation()
                whoosh_index.create_in(os.path.join(self.root, target), build_schema(None))
                self._swap(target)
            return target

    def rebuild(self, documents: Iterable[dict], marker: dict, words: Iterable[str] = ()) -> None:
        """Build a complete new generation from documents, then swap it in and drop old ones."""
        os.makedirs(self.root, exist_ok=True)
        with file_lock(os.path.join(self.root, "generations.lock")):
            target = self._new_generation()
            directory = os.path.join(self.root, target)
            try:
                dict_id = write_userdict(directory, words)
                ix = whoosh_index.create_in(directory, build_schema(dict_id))
                writer = ix.writer(limitmb=128, compound=COMPOUND)
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
        try:
            old_ix = old and whoosh_index.exists_in(os.path.join(self.root, old)) and whoosh_index.open_dir(
                os.path.join(self.root, old))
        except Exception:  # corrupt: no writer can open it either, so there is none to wait for
            old_ix = None
        if old_ix:
            from whoosh.util.filelock import try_for

            lock = old_ix.lock("WRITELOCK")
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
            # reopened, not refresh()ed: refresh() shares segment readers with the old searcher,
            # so that cannot be closed, and the files of the segments it dropped stay open
            self._close_searcher()
            return self._reader_searcher()
        return self._searcher

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher, self._target, self._cache = None, None, {}
        self._results, self._results_weight = OrderedDict(), 0

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

    def state(self) -> str | None:
        """The generation and the commit searches now read (None: no index): it changes with every
        change to the index, and the result cache and the page cache are keyed by it."""
        with self._lock:
            searcher = self._reader_searcher()
            return None if searcher is None else self._state_of(searcher)

    def _state_of(self, searcher) -> str:
        return f"{self._target}/{searcher.reader().generation()}"

    def search(self, request: SearchRequest) -> SearchResponse:
        """Ranked, filtered, faceted and paginated results for the visitor's text (treat them as
        read-only: the same response may be given again from the result cache)."""
        text = validate(request)
        with self._lock:
            searcher = self._reader_searcher()
            if searcher is None or not text:
                return empty_response(text)
            if not self._results_size:
                return run_search(searcher, self._cache, request, text)
            key = (self._state_of(searcher), text, request.type, request.category, request.hall,
                   *request.paging(), request.lang)
            response = self._results.get(key)
            if response is not None:
                self._results.move_to_end(key)
                self.result_hits += 1
                return response
            response = run_search(searcher, self._cache, request, text)
            self._results[key] = response
            self._results_weight += _weight(response)
            while self._results and self._results_weight > self._results_size:
                self._results_weight -= _weight(self._results.popitem(last=False)[1])
            return response

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Names (either language, or their pinyin) completing prefix, best first."""
        with self._lock:
            searcher = self._reader_searcher()
            if searcher is None or not isinstance(prefix, str):
                return []
            return run_suggest(searcher, prefix, limit)
