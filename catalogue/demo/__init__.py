"""The bundled demo catalogue: the Science City pavilion (illustrative entries), loaded through the importer."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.extensions import db
from catalogue.imports.apply import import_data, limits_from

HERE = Path(__file__).parent
CATEGORIES = HERE / "categories.csv"
PAVILION = HERE / "pavilion.csv"


@dataclass
class DemoOutcome:
    exhibits_total: int
    enterprises_total: int
    counts: dict


def ensure_categories() -> int:
    """Create the demo's bilingual category tree where its slugs are missing; returns how many were made."""
    existing = {c.slug: c for c in db.session.scalars(select(Category))}
    made = 0
    with CATEGORIES.open(encoding="utf-8", newline="") as handle:
        for position, row in enumerate(csv.DictReader(handle)):
            if row["slug"] in existing:
                continue
            parent = existing.get(row["parent_slug"]) if row["parent_slug"] else None
            category = Category(slug=row["slug"], name=row["name"], name_zh=row["name_zh"],
                                parent=parent, position=position)
            db.session.add(category)
            existing[row["slug"]] = category
            made += 1
    db.session.flush()
    return made


def load_demo() -> DemoOutcome:
    """Load (or refresh) the demo catalogue and commit; loading it twice changes nothing."""
    ensure_categories()
    result = import_data(PAVILION.read_bytes(), PAVILION.name, limits_from(current_app.config))
    if not result.applied:
        db.session.rollback()
        raise RuntimeError("the bundled demo file did not import: " + "; ".join(map(str, result.plan.problems)))
    db.session.commit()
    return DemoOutcome(
        exhibits_total=db.session.scalar(select(func.count()).select_from(Exhibit)),
        enterprises_total=db.session.scalar(select(func.count()).select_from(Enterprise)),
        counts=result.plan.counts(),
    )
