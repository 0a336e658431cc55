"""The bundled demo catalogue: the Science City pavilion (illustrative entries), loaded through the importer."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.catalog.operations import save_category
from catalogue.extensions import db
from catalogue.imports.service import Actor, run_import

HERE = Path(__file__).parent
CATEGORIES = HERE / "categories.csv"
PAVILION = HERE / "pavilion.csv"
DEMO_ACTOR = Actor("demo catalogue")


@dataclass
class DemoOutcome:
    exhibits_total: int
    enterprises_total: int
    counts: dict


def ensure_categories() -> int:
    """Create the demo's bilingual category tree where its slugs are missing; returns how many were made."""
    existing = {c.slug: c.id for c in db.session.scalars(select(Category))}
    made = 0
    with CATEGORIES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["slug"] in existing:
                continue
            values = {"slug": row["slug"], "name": row["name"], "name_zh": row["name_zh"],
                      "parent_id": existing.get(row["parent_slug"])}
            existing[row["slug"]] = save_category(values).id
            made += 1
    return made


def load_demo() -> DemoOutcome:
    """Load (or refresh) the demo catalogue through the importer and commit (recorded in the import
    history, so an admin can undo it); loading it twice changes nothing."""
    ensure_categories()
    result = run_import(PAVILION.read_bytes(), PAVILION.name, DEMO_ACTOR).result
    if not result.applied:
        db.session.rollback()
        raise RuntimeError("the bundled demo file did not import: " + "; ".join(map(str, result.plan.problems)))
    db.session.commit()
    return DemoOutcome(
        exhibits_total=db.session.scalar(select(func.count()).select_from(Exhibit)),
        enterprises_total=db.session.scalar(select(func.count()).select_from(Enterprise)),
        counts=result.plan.counts(),
    )
