"""Read-only queries behind the visitor's tools: the plan's items and a hall's booths."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from catalogue.catalog import queries
from catalogue.catalog.models import Enterprise, Exhibit
from catalogue.extensions import db

MAX_MATCHES = 1000


def exhibits_by_ids(ids: list[int]) -> list[Exhibit]:
    if not ids:
        return []
    query = select(Exhibit).where(Exhibit.id.in_(ids)).options(
        selectinload(Exhibit.enterprise), selectinload(Exhibit.category)
    )
    return list(db.session.scalars(query))


def enterprises_by_ids(ids: list[int]) -> list[Enterprise]:
    if not ids:
        return []
    return list(db.session.scalars(select(Enterprise).where(Enterprise.id.in_(ids))))


def hall_enterprises(hall: str) -> list[Enterprise]:
    """The enterprises in a hall, by booth."""
    query = select(Enterprise).where(Enterprise.hall == hall).order_by(Enterprise.booth, Enterprise.id)
    return list(db.session.scalars(query))


def hall_counts() -> dict[str, tuple[int, int]]:
    """Each hall's (enterprises, exhibits)."""
    rows = db.session.execute(
        select(Enterprise.hall, func.count(func.distinct(Enterprise.id)), func.count(Exhibit.id))
        .outerjoin(Exhibit, Exhibit.enterprise_id == Enterprise.id)
        .where(Enterprise.hall.is_not(None))
        .group_by(Enterprise.hall)
    )
    return {hall: (enterprises, exhibits) for hall, enterprises, exhibits in rows}


def hall_exists(hall: str) -> bool:
    return db.session.scalar(select(func.count()).where(Enterprise.hall == hall)) > 0


def matching_enterprise_ids(hall: str, q: str | None, category: str | None) -> set[int]:
    """Enterprises in the hall whose name matches q or that show a matching exhibit (q and category)."""
    query = select(Exhibit.enterprise_id).join(Exhibit.enterprise).where(Enterprise.hall == hall)
    if category:
        query = query.where(Exhibit.category_id.in_(sorted(queries.subtree_ids(queries.get_category(category).id))))
    terms = queries.clean_query(q or "").split()[: queries.SEARCH_MAX_TERMS]
    for term in terms:
        query = query.where(or_(*queries.text_matches(term)))
    ids = set(db.session.scalars(query.distinct().limit(MAX_MATCHES)))
    if terms and not category:  # an enterprise's own name matches too
        names = select(Enterprise.id).where(Enterprise.hall == hall)
        for term in terms:
            names = names.where(
                or_(Enterprise.name.icontains(term, autoescape=True),
                    Enterprise.name_zh.icontains(term, autoescape=True))
            )
        ids |= set(db.session.scalars(names.limit(MAX_MATCHES)))
    return ids
