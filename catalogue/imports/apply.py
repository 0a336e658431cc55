"""Run an import against the database: snapshot what the file may touch, plan, apply. Flushes only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.catalog.rules import name_key, normalise_credit_code
from catalogue.extensions import db
from catalogue.imports.categories import KnownCategory
from catalogue.imports.plan import (
    ENTERPRISE_FIELDS,
    EXHIBIT_FIELDS,
    KnownEnterprise,
    KnownExhibit,
    Plan,
    Snapshot,
    plan_import,
)
from catalogue.imports.read import read_table
from catalogue.imports.sheet import Limits, Sheet

CHUNK = 500  # ids per IN (...) clause, well under every database's parameter limit
Progress = Callable[[int, int], None]  # (exhibits done, exhibits in all)


@dataclass
class Applied:
    """What apply_plan changed: the records it created and, for those it updated, the values replaced."""

    created: list[tuple[str, object]] = field(default_factory=list)  # (kind, record)
    updated: list[tuple[str, object, dict]] = field(default_factory=list)  # (kind, record, before)


@dataclass
class ImportResult:
    plan: Plan
    applied: bool
    filename: str
    changes: Applied | None = None  # set when applied

    @property
    def ok(self) -> bool:
        return self.plan.ok


def limits_from(config) -> Limits:
    return Limits(config["IMPORT_MAX_BYTES"], config["IMPORT_MAX_ROWS"], config["IMPORT_MAX_CELL_CHARS"],
                  config["IMPORT_MAX_CELLS"])


def import_data(
    data: bytes, filename: str, limits: Limits, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Read, plan and (unless dry_run or any row is bad) apply a file; the caller commits."""
    sheet = read_table(data, filename, limits)
    snapshot, records = take_snapshot(sheet)
    plan = plan_import(sheet, snapshot)
    applied = plan.ok and not dry_run
    changes = apply_plan(plan, records, progress) if applied else None
    return ImportResult(plan, applied, filename, changes)


def take_snapshot(sheet: Sheet) -> tuple[Snapshot, dict]:
    """The stored enterprises, exhibits and categories that rows of this sheet can match."""
    codes, names, exhibit_codes = set(), set(), set()
    for row in sheet.rows:
        v = row.values
        if v.get("credit_code"):
            codes.add(normalise_credit_code(v["credit_code"]))
        for f in ("enterprise_name", "enterprise_name_zh"):
            if name_key(v.get(f)):
                names.add(name_key(v[f]))
        if v.get("exhibit_code"):
            exhibit_codes.add(v["exhibit_code"])
    enterprises = {
        e.id: e
        for e in _chunked(Enterprise, codes, lambda c: Enterprise.credit_code.in_(c))
        + _chunked(Enterprise, names, lambda n: or_(Enterprise.name_key.in_(n), Enterprise.name_zh_key.in_(n)))
    }
    exhibits = {
        x.id: x
        for x in _chunked(Exhibit, exhibit_codes, lambda c: Exhibit.exhibit_code.in_(c))
        + _chunked(Exhibit, set(enterprises), lambda ids: Exhibit.enterprise_id.in_(ids))
    }
    categories = db.session.scalars(select(Category)).all()
    snapshot = Snapshot(
        enterprises=[
            KnownEnterprise(e.id, {a: getattr(e, a) for a in ENTERPRISE_FIELDS.values()})
            for e in enterprises.values()
        ],
        exhibits=[
            KnownExhibit(x.id, x.enterprise_id, x.category_id, {a: getattr(x, a) for a in EXHIBIT_FIELDS.values()})
            for x in exhibits.values()
        ],
        categories=[KnownCategory(c.id, c.slug, c.name, c.name_zh, c.parent_id) for c in categories],
    )
    return snapshot, {"enterprise": enterprises, "exhibit": exhibits}


def apply_plan(plan: Plan, records: dict, progress: Progress | None = None) -> Applied:
    """Create and update what the plan says, in order: categories, enterprises, exhibits."""
    refs: dict = {}
    applied = Applied()
    for new in plan.categories:
        category = Category(slug=new.slug, name=new.name, name_zh=new.name_zh, parent_id=_id(refs, new.parent))
        db.session.add(category)
        db.session.flush()
        refs[new.ref] = category.id
        applied.created.append(("category", category))
    created: list[tuple[str, Enterprise]] = []
    for change in plan.enterprises:
        if change.action == "create":
            enterprise = Enterprise(**change.values)
            db.session.add(enterprise)
            created.append((change.ref, enterprise))
            applied.created.append(("enterprise", enterprise))
        elif change.action == "update":
            record = records["enterprise"][change.ref]
            applied.updated.append(("enterprise", record, _assign(record, change.values)))
    db.session.flush()
    refs.update({ref: enterprise.id for ref, enterprise in created})
    done = 0
    for change in plan.exhibits:
        values = dict(change.values)
        if "enterprise" in values:
            values["enterprise_id"] = _id(refs, values.pop("enterprise"))
        if "category" in values:
            values["category_id"] = _id(refs, values.pop("category"))
        if change.action == "create":
            exhibit = Exhibit(**values)
            db.session.add(exhibit)
            applied.created.append(("exhibit", exhibit))
        elif change.action == "update":
            record = records["exhibit"][change.ref]
            applied.updated.append(("exhibit", record, _assign(record, values)))
        done += 1
        if progress and done % 1000 == 0:
            db.session.flush()
            progress(done, len(plan.exhibits))
    db.session.flush()
    if progress:
        progress(done, len(plan.exhibits))
    return applied


def _id(refs: dict, ref):
    return refs.get(ref, ref) if isinstance(ref, str) else ref


def _assign(record, values: dict) -> dict:
    """Set the values; return the ones they replaced (lists copied)."""
    before = {}
    for attr, value in values.items():
        old = getattr(record, attr)
        before[attr] = list(old) if isinstance(old, list) else old
        setattr(record, attr, value)
    return before


def _chunked(model, keys: Iterable, where) -> list:
    keys = sorted(keys)
    found = []
    for start in range(0, len(keys), CHUNK):
        found.extend(db.session.scalars(select(model).where(where(keys[start : start + CHUNK]))).all())
    return found
