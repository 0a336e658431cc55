"""Read-only catalogue queries for pages and the API: lists with filters, the category tree, figures."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.errors import NotFound
from catalogue.extensions import db


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class CategoryNode:
    category: Category
    count: int  # exhibits in this category and all of its sub-categories
    children: list[CategoryNode] = field(default_factory=list)


def category_tree() -> list[CategoryNode]:
    """Every category as a tree, each with its exhibit count including sub-categories."""
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()
    direct = dict(
        db.session.execute(
            select(Exhibit.category_id, func.count()).group_by(Exhibit.category_id)
        ).all()
    )
    nodes = {c.id: CategoryNode(c, direct.get(c.id, 0)) for c in categories}
    roots: list[CategoryNode] = []
    for c in categories:
        (nodes[c.parent_id].children if c.parent_id in nodes else roots).append(nodes[c.id])

    def total(node: CategoryNode) -> int:
        node.count += sum(total(child) for child in node.children)
        return node.count

    for root in roots:
        total(root)
    return roots


def find_node(tree: list[CategoryNode], slug: str) -> CategoryNode | None:
    """The node of the category with this slug, searched depth-first."""
    for node in tree:
        if node.category.slug == slug:
            return node
        found = find_node(node.children, slug)
        if found:
            return found
    return None


def subtree_ids(category_id: int) -> set[int]:
    """The ids of the category and all categories below it."""
    parents = dict(db.session.execute(select(Category.id, Category.parent_id)).all())
    ids, frontier = {category_id}, {category_id}
    while frontier:
        frontier = {cid for cid, parent in parents.items() if parent in frontier} - ids
        ids |= frontier
    return ids


def get_category(slug: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise NotFound(f"There is no category '{slug}'.")
    return category


def get_exhibit(exhibit_id: int) -> Exhibit:
    exhibit = db.session.get(Exhibit, exhibit_id)
    if exhibit is None:
        raise NotFound(f"There is no exhibit {exhibit_id}.")
    return exhibit


def get_enterprise(enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"There is no enterprise {enterprise_id}.")
    return enterprise


def list_exhibits(
    category: str | None = None,
    enterprise: int | None = None,
    hall: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Exhibits filtered by category slug (with sub-categories), enterprise id and hall."""
    query = select(Exhibit).join(Exhibit.enterprise)
    if category:
        query = query.where(Exhibit.category_id.in_(sorted(subtree_ids(get_category(category).id))))
    if enterprise is not None:
        query = query.where(Exhibit.enterprise_id == enterprise)
    if hall:
        query = query.where(Enterprise.hall == hall)
    query = query.options(selectinload(Exhibit.enterprise), selectinload(Exhibit.category))
    return _page(query.order_by(Enterprise.hall, Enterprise.booth, Exhibit.id), page, per_page)


def list_enterprises(
    category: str | None = None, hall: str | None = None, page: int = 1, per_page: int = 20
) -> Page:
    """Enterprises filtered by hall and by having an exhibit in a category (with sub-categories)."""
    query = select(Enterprise)
    if category:
        ids = sorted(subtree_ids(get_category(category).id))
        query = query.where(
            Enterprise.id.in_(select(Exhibit.enterprise_id).where(Exhibit.category_id.in_(ids)))
        )
    if hall:
        query = query.where(Enterprise.hall == hall)
    query = query.options(selectinload(Enterprise.exhibits))
    return _page(query.order_by(Enterprise.hall, Enterprise.booth, Enterprise.id), page, per_page)


def halls() -> list[str]:
    """The halls that have at least one enterprise, in order."""
    return list(
        db.session.scalars(
            select(Enterprise.hall).where(Enterprise.hall.is_not(None)).distinct().order_by(Enterprise.hall)
        )
    )


def figures() -> dict[str, int]:
    """The catalogue's headline numbers."""
    return {
        "exhibits": db.session.scalar(select(func.count()).select_from(Exhibit)) or 0,
        "enterprises": db.session.scalar(select(func.count()).select_from(Enterprise)) or 0,
        "categories": db.session.scalar(select(func.count()).select_from(Category)) or 0,
        "halls": len(halls()),
    }


def _page(query, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(list(items), total, page, per_page)


SEARCH_MAX_TERMS = 10


def clean_query(q: str) -> str:
    """The query with control characters (NUL breaks SQL drivers) as spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in q).split())


def text_matches(term: str) -> list:
    """Conditions: an exhibit's names, descriptions or tags contain the term (any case)."""
    matches = [
        Exhibit.name.icontains(term, autoescape=True),
        Exhibit.name_zh.icontains(term, autoescape=True),
        Exhibit.description.icontains(term, autoescape=True),
        Exhibit.description_zh.icontains(term, autoescape=True),
    ]
    if any(ch.isalnum() for ch in term):  # punctuation alone would match the JSON syntax itself
        # Tags are JSON text, which may spell non-ASCII as \uXXXX escapes: match both forms.
        tags = cast(Exhibit.tags, String)
        for form in dict.fromkeys((term, json.dumps(term)[1:-1])):
            matches.append(tags.icontains(form, autoescape=True))
    return matches


RELATED_CANDIDATES = 200


def related_exhibits(exhibit: Exhibit, limit: int = 6) -> list[Exhibit]:
    """Other exhibits like this one: the same category first, then the most shared tags."""
    tags = {tag.casefold() for tag in exhibit.tags or [] if tag}
    alike = []
    if exhibit.category_id is not None:
        alike.append(Exhibit.category_id == exhibit.category_id)
    tag_text = cast(Exhibit.tags, String)
    for tag in sorted(tags)[:SEARCH_MAX_TERMS]:
        for form in dict.fromkeys((json.dumps(tag)[1:-1], tag)):
            alike.append(tag_text.icontains(f'"{form}"', autoescape=True))
    if not alike:
        return []
    query = (
        select(Exhibit)
        .where(Exhibit.id != exhibit.id, or_(*alike))
        .options(selectinload(Exhibit.enterprise), selectinload(Exhibit.category))
        .order_by(Exhibit.id)
        .limit(RELATED_CANDIDATES)
    )

    def rank(other: Exhibit) -> tuple:
        shared = len(tags & {tag.casefold() for tag in other.tags or []})
        same_category = exhibit.category_id is not None and other.category_id == exhibit.category_id
        return (not same_category, -shared, other.id)

    candidates = [e for e in db.session.scalars(query) if e.category_id == exhibit.category_id
                  or tags & {tag.casefold() for tag in e.tags or []}]
    return sorted(candidates, key=rank)[:limit]


def categories_by_slug() -> dict[str, Category]:
    """Every category, by slug (for naming facets)."""
    return {c.slug: c for c in db.session.scalars(select(Category))}


def records_for_hits(hits: list) -> list[tuple]:
    """(hit, record) for search hits, in ranked order; hits whose record is gone are left out."""
    ids = {"exhibit": [h.db_id for h in hits if h.type == "exhibit"],
           "enterprise": [h.db_id for h in hits if h.type == "enterprise"]}
    found = {}
    if ids["exhibit"]:
        query = select(Exhibit).where(Exhibit.id.in_(ids["exhibit"]))
        query = query.options(joinedload(Exhibit.enterprise), joinedload(Exhibit.category))  # one query
        found.update({("exhibit", x.id): x for x in db.session.scalars(query)})
    if ids["enterprise"]:
        query = select(Enterprise).where(Enterprise.id.in_(ids["enterprise"]))
        found.update({("enterprise", e.id): e for e in db.session.scalars(query)})
    return [(hit, found[(hit.type, hit.db_id)]) for hit in hits if (hit.type, hit.db_id) in found]
