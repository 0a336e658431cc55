"""The search log for the organizers' dashboard: what was searched, how it went; no personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.catalog.models import utcnow
from catalogue.extensions import db


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
