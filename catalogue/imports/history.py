"""Import history: each committed import is a batch recording what it replaced, so the latest can be undone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.catalog.models import Category, Enterprise, Exhibit, utcnow
from catalogue.errors import CatalogueError
from catalogue.extensions import db
from catalogue.imports.apply import ImportResult
from catalogue.imports.plan import ENTERPRISE_FIELDS, EXHIBIT_FIELDS
from catalogue.locks import IMPORT_LOCK, transaction_lock
from catalogue.messages import N_, Message

COMMAND_LINE = "command line"
MODELS = {"category": Category, "enterprise": Enterprise, "exhibit": Exhibit}
CREATED_ATTRS = {
    "category": ("slug", "name", "name_zh", "parent_id"),
    "enterprise": tuple(ENTERPRISE_FIELDS.values()),
    "exhibit": (*EXHIBIT_FIELDS.values(), "enterprise_id", "category_id"),
}


class ImportBatch(db.Model):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizer.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))  # the organizer's e-mail, or "command line"
    filename: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256 of the file, hex
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(254))

    changes: Mapped[list[BatchChange]] = relationship(
        back_populates="batch", order_by="BatchChange.id", cascade="all, delete-orphan"
    )

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


class BatchChange(db.Model):
    """One record a batch created or updated: the values it replaced (before) and left (after, with version)."""

    __tablename__ = "import_batch_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # category | enterprise | exhibit
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # create | update
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

    batch: Mapped[ImportBatch] = relationship(back_populates="changes")


class UndoRefused(CatalogueError):
    code = "undo_refused"
    status = 409


def record_batch(
    result: ImportResult, checksum: str, actor: str = COMMAND_LINE, organizer_id: int | None = None
) -> ImportBatch | None:
    """Record an applied import (after its flush); None when it changed nothing."""
    applied = result.changes
    if applied is None or not (applied.created or applied.updated):
        return None
    counts = result.plan.counts()
    batch = ImportBatch(
        organizer_id=organizer_id, actor=actor, filename=result.filename[:255], checksum=checksum,
        counts={**counts, "categories": len(result.plan.categories)},
    )
    for kind, record in applied.created:
        after = {attr: getattr(record, attr) for attr in CREATED_ATTRS[kind]}
        batch.changes.append(BatchChange(kind=kind, record_id=record.id, action="create", before=None,
                                         after={**after, "version": record.version}))
    for kind, record, before in applied.updated:
        after = {attr: getattr(record, attr) for attr in before}
        label = {"name": record.name, "name_zh": record.name_zh}  # for the history page; undo reads `before`
        batch.changes.append(BatchChange(kind=kind, record_id=record.id, action="update", before=before,
                                         after={**label, **after, "version": record.version}))
    db.session.add(batch)
    db.session.flush()
    return batch


def latest_batch() -> ImportBatch | None:
    """The batch that Undo applies to: the most recent one not undone yet."""
    return db.session.scalar(
        select(ImportBatch).where(ImportBatch.undone_at.is_(None)).order_by(ImportBatch.id.desc()).limit(1)
    )


def committed_with_checksum(checksum: str) -> ImportBatch | None:
    """The latest batch (not undone) that imported a file with this checksum."""
    return db.session.scalar(
        select(ImportBatch)
        .where(ImportBatch.checksum == checksum, ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc()).limit(1)
    )


def undo_batch(batch: ImportBatch, actor: str) -> None:
    """Restore the state before the batch (flushes); raise UndoRefused with the reasons it cannot."""
    latest = latest_batch()
    if batch.undone:
        raise UndoRefused(N_("Import #%(id)s was already undone.", id=batch.id))
    if latest is None or latest.id != batch.id:
        raise UndoRefused(N_("Only the latest import can be undone; undo import #%(id)s first.", id=latest.id))
    records, reasons = {}, []
    for change in batch.changes:
        record = db.session.get(MODELS[change.kind], change.record_id)
        name = _describe(change, record)
        if record is None:
            reasons.append(N_("%(record)s was deleted after this import.", record=name))
        elif record.version != change.after["version"]:
            reasons.append(N_("%(record)s was changed after this import.", record=name))
        records[(change.kind, change.record_id)] = record
    created = [c for c in batch.changes if c.action == "create"]
    created_exhibits = {c.record_id for c in created if c.kind == "exhibit"}
    for change in created:
        record = records[(change.kind, change.record_id)]
        if change.kind == "enterprise" and record is not None:
            added = [x for x in record.exhibits if x.id not in created_exhibits]
            if added:
                reasons.append(N_("%(record)s has %(num)s exhibit(s) added after this import.",
                                   record=_describe(change, record), num=len(added)))
    if reasons:
        raise UndoRefused(N_("This import cannot be undone: %(reasons)s", reasons=reasons))
    _restore(batch, records)
    _carry_versions(batch)
    batch.undone_at, batch.undone_by = utcnow(), actor
    db.session.flush()


def _carry_versions(batch: ImportBatch) -> None:
    """A restored record is as the previous import left it: move that import's version on, so it can be undone too."""
    for change in batch.changes:
        if change.action != "update":
            continue
        record = db.session.get(MODELS[change.kind], change.record_id)
        earlier = db.session.scalars(
            select(BatchChange).join(ImportBatch)
            .where(BatchChange.kind == change.kind, BatchChange.record_id == change.record_id,
                   BatchChange.batch_id < batch.id, ImportBatch.undone_at.is_(None))
            .order_by(BatchChange.batch_id.desc()).limit(1)
        ).first()
        # an import updates each record in one flush, so it found the record at its `after` version - 1
        if earlier is not None and earlier.after["version"] == change.after["version"] - 1:
            earlier.after = {**earlier.after, "version": record.version}


def _restore(batch: ImportBatch, records: dict) -> None:
    """Delete created exhibits, put back updated values, then delete created enterprises and empty categories."""
    def of(kind: str, action: str) -> list:
        return [records[(c.kind, c.record_id)] for c in batch.changes if c.kind == kind and c.action == action]

    for exhibit in of("exhibit", "create"):
        db.session.delete(exhibit)
    for change in batch.changes:
        if change.action == "update":
            record = records[(change.kind, change.record_id)]
            for attr, value in (change.before or {}).items():
                setattr(record, attr, value)
    db.session.flush()
    db.session.expire_all()  # collections loaded before the restore must not cascade to moved exhibits
    for enterprise in of("enterprise", "create"):
        db.session.delete(db.session.get(Enterprise, enterprise.id))
    db.session.flush()
    for category in reversed(of("category", "create")):
        category = db.session.get(Category, category.id)
        used = db.session.scalar(select(func.count()).select_from(Exhibit).where(Exhibit.category_id == category.id))
        children = db.session.scalar(select(func.count()).select_from(Category).where(Category.parent_id == category.id))
        if not used and not children:
            db.session.delete(category)
            db.session.flush()


def _describe(change: BatchChange, record) -> Message:
    """E.g. "Exhibit #7 '智能传感器' (EX-0014161)": the code tells same-named exhibits apart."""
    values = change.after if record is None else {a: getattr(record, a, None) for a in ("name", "name_zh", "slug")}
    if record is not None and change.kind == "exhibit":
        values["exhibit_code"] = record.exhibit_code
    label = values.get("name") or values.get("name_zh") or values.get("slug") or ""
    code = values.get("exhibit_code")
    kind = {"enterprise": N_("Enterprise"), "exhibit": N_("Exhibit"), "category": N_("Category")}[change.kind]
    described = N_("%(kind)s #%(id)s '%(label)s'", kind=kind, id=change.record_id, label=label) if label else (
        N_("%(kind)s #%(id)s", kind=kind, id=change.record_id))
    return N_("%(record)s (%(code)s)", record=described, code=code) if code else described


def exclusive_import(wait: bool = True) -> None:
    """One import or undo at a time across the deployment, until this transaction ends; locks.Busy if
    wait is False and another one holds the lock."""
    transaction_lock(db.session, IMPORT_LOCK, Path(current_app.instance_path) / "import.lock", wait)
