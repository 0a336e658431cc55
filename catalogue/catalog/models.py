"""The catalogue's tables: Category (a tree), Enterprise (exhibitor) and Exhibit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from catalogue.catalog.rules import lineage, name_key
from catalogue.extensions import db

# Ids are INTEGER columns: 32-bit on PostgreSQL, which refuses a larger number in a query (a 500),
# so every id taken from a URL, a parameter or a cookie is checked against this first.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class Bilingual:
    """Picks the field for the UI language, falling back to the other language."""

    def pick(self, field: str, lang: str) -> str:
        en, zh = getattr(self, field) or "", getattr(self, f"{field}_zh") or ""
        first, second = (zh, en) if lang == "zh" else (en, zh)
        return first or second

    def display_name(self, lang: str = "en") -> str:
        return self.pick("name", lang)


class Category(Bilingual, db.Model):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # bumped on every update; check-index compares it

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.position, Category.id"
    )
    exhibits: Mapped[list[Exhibit]] = relationship(back_populates="category")

    def path(self) -> list[Category]:
        """The category and its ancestors, root first."""
        return lineage(self, lambda c: c.parent)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Enterprise(Bilingual, db.Model):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(300))
    name_zh: Mapped[str | None] = mapped_column(String(300))
    name_key: Mapped[str | None] = mapped_column(String(300), index=True)
    name_zh_key: Mapped[str | None] = mapped_column(String(300), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    hall: Mapped[str | None] = mapped_column(String(50), index=True)
    booth: Mapped[str | None] = mapped_column(String(50))
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    description_zh: Mapped[str | None] = mapped_column(Text)
    logo: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # bumped on every update; check-index compares it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    exhibits: Mapped[list[Exhibit]] = relationship(
        back_populates="enterprise", order_by="Exhibit.id", cascade="all, delete-orphan"
    )

    @validates("name", "name_zh")
    def _keep_keys(self, field: str, value: str | None) -> str | None:
        setattr(self, f"{field}_key", name_key(value))
        return value

    def __repr__(self) -> str:
        return f"<Enterprise {self.id} {self.name or self.name_zh}>"


class Exhibit(Bilingual, db.Model):
    __tablename__ = "exhibit"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    exhibit_code: Mapped[str | None] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))
    name_zh: Mapped[str | None] = mapped_column(String(300))
    name_key: Mapped[str | None] = mapped_column(String(300), index=True)
    name_zh_key: Mapped[str | None] = mapped_column(String(300), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("category.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    description_zh: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    image: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # bumped on every update; check-index compares it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    enterprise: Mapped[Enterprise] = relationship(back_populates="exhibits")
    category: Mapped[Category | None] = relationship(back_populates="exhibits")

    @validates("name", "name_zh")
    def _keep_keys(self, field: str, value: str | None) -> str | None:
        setattr(self, f"{field}_key", name_key(value))
        return value

    def __repr__(self) -> str:
        return f"<Exhibit {self.id} {self.name or self.name_zh}>"
