"""Search documents built from the database (the source of truth); no Whoosh here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.catalog.rules import lineage
from catalogue.search import crosslang, synonyms

CHUNK = 500


class CategoryPaths:
    """Each category's slug path (itself and its ancestors) and their names, read once."""

    def __init__(self, session: Session):
        rows = session.execute(
            select(Category.id, Category.slug, Category.parent_id, Category.name, Category.name_zh)
        ).all()
        by_id = {row.id: row for row in rows}
        self.slugs: dict[int, list[str]] = {}
        self.names: dict[int, list[str]] = {}  # both languages, root first
        self.ancestors: dict[int, set[int]] = {}  # the category and every category above it
        for cid in by_id:
            above = [by_id[c] for c in lineage(cid, lambda c: by_id[c].parent_id if c in by_id else None)
                     if c in by_id]
            self.slugs[cid] = [row.slug for row in above]
            self.names[cid] = [n for row in above for n in (row.name, row.name_zh) if n]
            self.ancestors[cid] = {row.id for row in above}
        self.glossary = synonyms.glossary(session)  # the shipped one and the organizers' groups

    def of(self, category_id: int | None) -> list[str]:
        return self.slugs.get(category_id, []) if category_id else []

    def names_of(self, category_id: int | None) -> list[str]:
        return self.names.get(category_id, []) if category_id else []


def fingerprint(document: dict) -> str:
    """A digest of the document's content, so check-index can tell a stale entry from a fresh one."""
    body = json.dumps({k: v for k, v in document.items() if k != "fingerprint"}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(body.encode()).hexdigest()


def _finish(document: dict) -> dict:
    document["fingerprint"] = fingerprint(document)
    return document


def exhibit_document(exhibit: Exhibit, paths: CategoryPaths) -> dict:
    enterprise = exhibit.enterprise
    slugs = paths.of(exhibit.category_id)
    return _finish({
        "id": f"exhibit:{exhibit.id}",
        "type": "exhibit",
        "db_id": exhibit.id,
        "name": exhibit.name,
        "name_zh": exhibit.name_zh,
        "enterprise_name": " ".join(n for n in (enterprise.name, enterprise.name_zh) if n),
        "tags": list(exhibit.tags or []),
        "description": exhibit.description,
        "description_zh": exhibit.description_zh,
        "category_slugs": slugs,
        "category_slug": slugs[-1] if slugs else None,
        "category_names": " ".join(paths.names_of(exhibit.category_id)),
        "category_labels": paths.names_of(exhibit.category_id),
        "translations": crosslang.translations(
            [exhibit.name, exhibit.name_zh, *(exhibit.tags or [])], paths.glossary),
        "codes": [c for c in (exhibit.exhibit_code, enterprise.booth) if c],
        "hall": enterprise.hall,
        "booth": enterprise.booth,
    })


def enterprise_document(enterprise: Enterprise, paths: CategoryPaths) -> dict:
    slugs: list[str] = []
    names: list[str] = []
    for exhibit in enterprise.exhibits:
        slugs.extend(s for s in paths.of(exhibit.category_id) if s not in slugs)
        names.extend(n for n in paths.names_of(exhibit.category_id) if n not in names)
    return _finish({
        "id": f"enterprise:{enterprise.id}",
        "type": "enterprise",
        "db_id": enterprise.id,
        "name": enterprise.name,
        "name_zh": enterprise.name_zh,
        "enterprise_name": "",
        "tags": [],
        "description": enterprise.description,
        "description_zh": enterprise.description_zh,
        "category_slugs": slugs,
        "category_slug": None,
        "category_names": " ".join(names),
        "translations": crosslang.translations([enterprise.name, enterprise.name_zh], paths.glossary),
        "codes": [c for c in (enterprise.credit_code, enterprise.booth) if c],
        "hall": enterprise.hall,
        "booth": enterprise.booth,
    })


def all_documents(session: Session) -> Iterator[dict]:
    """Every exhibit and enterprise as a search document, read in chunks."""
    paths = CategoryPaths(session)
    yield from _enterprises(session, None, paths)
    last = 0
    while True:
        exhibits = session.scalars(
            select(Exhibit).where(Exhibit.id > last).order_by(Exhibit.id).limit(CHUNK)
            .options(selectinload(Exhibit.enterprise))
        ).all()
        if not exhibits:
            return
        for exhibit in exhibits:
            yield exhibit_document(exhibit, paths)
        last = exhibits[-1].id
        session.expunge_all()


def _enterprises(session: Session, ids: Iterable[int] | None, paths: CategoryPaths) -> Iterator[dict]:
    query = select(Enterprise).options(selectinload(Enterprise.exhibits)).order_by(Enterprise.id)
    if ids is None:
        last = 0
        while True:
            batch = session.scalars(query.where(Enterprise.id > last).limit(CHUNK)).all()
            if not batch:
                return
            yield from (enterprise_document(e, paths) for e in batch)
            last = batch[-1].id
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield from (enterprise_document(e, paths) for e in session.scalars(query.where(Enterprise.id.in_(ids[start:start + CHUNK]))))


def affected(session: Session, changes: Iterable[tuple[str, int, int | None]]) -> tuple[set[int], set[int]]:
    """The exhibits and enterprises whose documents a set of outbox changes (kind, id, enterprise) touch."""
    exhibit_ids: set[int] = set()
    enterprise_ids: set[int] = set()
    category_ids: set[int] = set()
    for kind, record_id, owner in changes:
        if kind == "exhibit":
            exhibit_ids.add(record_id)
            if owner:
                enterprise_ids.add(owner)
        elif kind == "enterprise":
            enterprise_ids.add(record_id)
        elif kind == "category":
            category_ids.add(record_id)
    if category_ids:  # a renamed or moved category changes the slug paths of every exhibit below it
        paths = CategoryPaths(session)
        below = {cid for cid, above in paths.ancestors.items() if category_ids & above}
        for exhibit_id, owner in session.execute(
            select(Exhibit.id, Exhibit.enterprise_id).where(Exhibit.category_id.in_(below or {-1}))
        ):
            exhibit_ids.add(exhibit_id)
            enterprise_ids.add(owner)
    owners = sorted(enterprise_ids)
    for start in range(0, len(owners), CHUNK):  # an enterprise's names count for its exhibits
        exhibit_ids.update(session.scalars(select(Exhibit.id).where(Exhibit.enterprise_id.in_(owners[start:start + CHUNK]))))
    ids = sorted(exhibit_ids)
    for start in range(0, len(ids), CHUNK):  # and an exhibit's categories for its enterprise
        enterprise_ids.update(session.scalars(select(Exhibit.enterprise_id).where(Exhibit.id.in_(ids[start:start + CHUNK]))))
    return exhibit_ids, enterprise_ids


def documents_of(session: Session, exhibit_ids: Iterable[int], enterprise_ids: Iterable[int],
                 paths: CategoryPaths | None = None) -> tuple[list[dict], list[str]]:
    """The current documents of these exhibits and enterprises, and the ids of those that are gone."""
    paths = paths or CategoryPaths(session)
    exhibit_ids, enterprise_ids = set(exhibit_ids), set(enterprise_ids)
    upserts: list[dict] = []
    ids = sorted(exhibit_ids)
    for start in range(0, len(ids), CHUNK):
        upserts.extend(exhibit_document(exhibit, paths) for exhibit in session.scalars(
            select(Exhibit).where(Exhibit.id.in_(ids[start:start + CHUNK])).options(selectinload(Exhibit.enterprise))
        ))
    upserts.extend(_enterprises(session, enterprise_ids, paths))
    found = {doc["id"] for doc in upserts}
    wanted = {f"exhibit:{i}" for i in exhibit_ids} | {f"enterprise:{i}" for i in enterprise_ids}
    return upserts, sorted(wanted - found)


def catalogue_words(session: Session) -> Iterator[str]:
    """The catalogue's own Chinese names and tags, for the segmenter's user dictionary."""
    for model in (Enterprise, Exhibit, Category):
        yield from (n for n in session.scalars(select(model.name_zh).where(model.name_zh.is_not(None))) if n)
    for tags in session.scalars(select(Exhibit.tags)):
        yield from (t for t in tags or [] if t)
