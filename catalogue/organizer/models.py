"""Organizer accounts: who may sign in to the organizer console, and with which role."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from catalogue.catalog.models import utcnow
from catalogue.extensions import db

ROLES = ("admin", "editor")


class Organizer(UserMixin, db.Model):
    __tablename__ = "organizer"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10), default="editor")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # part of every session's user id: bumping it (logout, password, role, deactivation) ends them all
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @validates("email")
    def _lower_email(self, _field: str, value: str) -> str:
        return normalise_email(value)

    @validates("role")
    def _known_role(self, _field: str, value: str) -> str:
        if value not in ROLES:
            raise ValueError(f"Unknown role '{value}'; use admin or editor.")
        return value

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    def get_id(self) -> str:  # what Flask-Login keeps in the session
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """Every session signed in as this organizer ends on its next request."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def label(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<Organizer {self.email} {self.role}>"


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()
