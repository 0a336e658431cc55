"""Export the catalogue in the import format (CSV, XLSX, JSON); re-importing an export changes nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalogue.catalog.models import Category, Enterprise
from catalogue.catalog.rules import lineage, neutralise, tidy_text
from catalogue.extensions import db
from catalogue.imports.headers import DESCRIPTION_FIELDS, EXPORT_HEADERS, FIELDS

FORMATS = ("csv", "xlsx", "json")


def category_paths() -> dict[int, str]:
    """Each category's full path of names, e.g. 'Integrated circuits > Chips'."""
    categories = {c.id: c for c in db.session.scalars(select(Category))}
    return {
        cid: " > ".join(c.name or c.name_zh or c.slug for c in lineage(c, lambda c: categories.get(c.parent_id)))
        for cid, c in categories.items()
    }


def export_rows() -> Iterator[dict[str, str]]:
    """One row per exhibit, and one per enterprise without exhibits, with the import format's fields."""
    paths = category_paths()
    query = select(Enterprise).options(selectinload(Enterprise.exhibits)).order_by(Enterprise.id)
    for enterprise in db.session.scalars(query):
        company = {
            "enterprise_name": enterprise.name,
            "enterprise_name_zh": enterprise.name_zh,
            "credit_code": enterprise.credit_code,
            "hall": enterprise.hall,
            "booth": enterprise.booth,
            "website": enterprise.website,
            "enterprise_description": enterprise.description,
            "enterprise_description_zh": enterprise.description_zh,
        }
        if not enterprise.exhibits:
            yield _complete(company)
        for exhibit in enterprise.exhibits:
            yield _complete({
                **company,
                "exhibit_code": exhibit.exhibit_code,
                "exhibit_name": exhibit.name,
                "exhibit_name_zh": exhibit.name_zh,
                "category": paths.get(exhibit.category_id, ""),
                "exhibit_description": exhibit.description,
                "exhibit_description_zh": exhibit.description_zh,
                "tags": ", ".join(exhibit.tags or []),
            })


def _complete(values: dict) -> dict[str, str]:
    """All fields as text, without characters the importer refuses (legacy rows may hold some)."""
    return {f: tidy_text(values.get(f) or "", multiline=f in DESCRIPTION_FIELDS) for f in FIELDS}


def export_bytes(fmt: str) -> bytes:
    """The whole catalogue as a file of the given format."""
    rows = list(export_rows())
    headers = [EXPORT_HEADERS[f] for f in FIELDS]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([neutralise(row[f]) for f in FIELDS] for row in rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly
    if fmt == "xlsx":
        # imported here, not at the top: a serving process never loads openpyxl (8 MB)
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Exhibitors")
        sheet.append(headers)
        for row in rows:
            sheet.append([neutralise(row[f]) for f in FIELDS])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    if fmt == "json":
        items = [{EXPORT_HEADERS[f]: row[f] for f in FIELDS} for row in rows]
        return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
