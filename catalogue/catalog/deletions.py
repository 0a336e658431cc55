"""Deleted enterprises and exhibits: each deletion is recorded with the deleted values, and the latest
one not yet restored can be put back (as new records, checked by the same rules as any save)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.catalog import operations
from catalogue.catalog.models import Category, Enterprise, Exhibit, utcnow
from catalogue.errors import CatalogueError
from catalogue.extensions import db
from catalogue.messages import N_

ENTERPRISE_ATTRS = operations.ENTERPRISE_ATTRS
EXHIBIT_ATTRS = tuple(a for a in operations.EXHIBIT_ATTRS if a != "enterprise_id")


class Deletion(db.Model):
    """One deleted enterprise (with its exhibits) or exhibit, as it was just before the delete."""

    __tablename__ = "deletion"

    id: Mapped[int] = mapped_column(primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizer.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20))  # enterprise | exhibit
    record_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    # {"enterprise": {...}, "exhibits": [{...}, ...]} or {"exhibit": {...}, "enterprise_id": n}
    deleted: Mapped[dict] = mapped_column(JSON)
    restored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    restored_by: Mapped[str | None] = mapped_column(String(254))
    restored_id: Mapped[int | None] = mapped_column(Integer)  # the record made by the restore

    @property
    def exhibit_count(self) -> int:
        return len(self.deleted.get("exhibits", [])) if self.kind == "enterprise" else 1


class RestoreRefused(CatalogueError):
    code = "restore_refused"
    status = 409


def _values(record, attrs: tuple[str, ...]) -> dict:
    return {attr: list(value) if isinstance(value := getattr(record, attr), list) else value for attr in attrs}


def delete_recorded(record: Enterprise | Exhibit, actor: str, organizer_id: int | None) -> Deletion:
    """Delete an enterprise (with its exhibits) or an exhibit, recording the values (flushes)."""
    if isinstance(record, Enterprise):
        kind = "enterprise"
        deleted = {"enterprise": _values(record, ENTERPRISE_ATTRS),
                   "exhibits": [_values(x, EXHIBIT_ATTRS) for x in record.exhibits]}
    else:
        kind = "exhibit"
        deleted = {"exhibit": _values(record, EXHIBIT_ATTRS), "enterprise_id": record.enterprise_id}
    found = Deletion(actor=actor, organizer_id=organizer_id, kind=kind, record_id=record.id,
                     label=(record.name_zh or record.name or "")[:300], deleted=deleted)
    db.session.add(found)
    (operations.delete_enterprise if kind == "enterprise" else operations.delete_exhibit)(record)
    return found


def latest_deletion() -> Deletion | None:
    """The deletion that Restore applies to: the most recent one not restored yet."""
    return db.session.scalar(
        select(Deletion).where(Deletion.restored_at.is_(None)).order_by(Deletion.id.desc()).limit(1))


def restore(deletion: Deletion, actor: str) -> Enterprise | Exhibit:
    """Re-create what a deletion removed (flushes); raise RestoreRefused with the reason it cannot."""
    if deletion.restored_at is not None:
        raise RestoreRefused(N_("This deletion was already restored."))
    latest = latest_deletion()
    if latest is None or latest.id != deletion.id:
        raise RestoreRefused(N_("Only the latest deletion can be restored."))
    try:
        if deletion.kind == "enterprise":
            made = operations.save_enterprise(dict(deletion.deleted["enterprise"]))
            for values in deletion.deleted["exhibits"]:
                operations.save_exhibit(_exhibit_values(values, made.id))
        else:
            owner = deletion.deleted["enterprise_id"]
            if db.session.get(Enterprise, owner) is None:
                raise RestoreRefused(N_("The exhibit's enterprise was deleted too; restore the enterprise first."))
            made = operations.save_exhibit(_exhibit_values(deletion.deleted["exhibit"], owner))
    except operations.InvalidRecord as invalid:
        raise RestoreRefused(N_("It cannot be restored: %(reasons)s", reasons=list(invalid.errors.values()))) from invalid
    deletion.restored_at, deletion.restored_by, deletion.restored_id = utcnow(), actor, made.id
    db.session.flush()
    return made


def _exhibit_values(values: dict, enterprise_id: int) -> dict:
    """Stored exhibit values for a save; a category deleted since leaves the exhibit uncategorised."""
    values = {**values, "enterprise_id": enterprise_id}
    if values.get("category_id") and db.session.get(Category, values["category_id"]) is None:
        values["category_id"] = None
    return values
