"""Catalogue records as the JSON objects of the API (the shapes documented in openapi.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.catalog.queries import CategoryNode, Page
from catalogue.visit.qr import public_url

JSON = dict[str, Any]


def category_ref(category: Category | None) -> JSON | None:
    """The short form of a category, as an exhibit carries it."""
    if category is None:
        return None
    return {"slug": category.slug, "name": category.name, "name_zh": category.name_zh}


def category_node_json(node: CategoryNode) -> JSON:
    """A node of the category tree with its count (sub-categories included) and children."""
    category = node.category
    return {
        "slug": category.slug,
        "name": category.name,
        "name_zh": category.name_zh,
        "count": node.count,
        "children": [category_node_json(child) for child in node.children],
    }


def exhibit_json(exhibit: Exhibit, *, with_enterprise: bool = True) -> JSON:
    """An exhibit; with its enterprise's name and booth unless listed under that enterprise."""
    data: JSON = {
        "id": exhibit.id,
        "exhibit_code": exhibit.exhibit_code,
        "name": exhibit.name,
        "name_zh": exhibit.name_zh,
        "description": exhibit.description,
        "description_zh": exhibit.description_zh,
        "tags": list(exhibit.tags or []),
        "category": category_ref(exhibit.category),
    }
    if with_enterprise:
        enterprise = exhibit.enterprise
        data["enterprise"] = {
            "id": enterprise.id,
            "name": enterprise.name,
            "name_zh": enterprise.name_zh,
            "booth": enterprise.booth,
            "hall": enterprise.hall,
        }
    data["url"] = public_url("catalog.exhibit", exhibit_id=exhibit.id)
    return data


def enterprise_json(enterprise: Enterprise, *, with_exhibits: bool = False) -> JSON:
    """An enterprise with its exhibit count; the detail form also lists the exhibits."""
    data: JSON = {
        "id": enterprise.id,
        "name": enterprise.name,
        "name_zh": enterprise.name_zh,
        "credit_code": enterprise.credit_code,
        "hall": enterprise.hall,
        "booth": enterprise.booth,
        "website": enterprise.website,
        "description": enterprise.description,
        "description_zh": enterprise.description_zh,
        "url": public_url("catalog.enterprise", enterprise_id=enterprise.id),
        "exhibit_count": len(enterprise.exhibits),
    }
    if with_exhibits:
        data["exhibits"] = [exhibit_json(e, with_enterprise=False) for e in enterprise.exhibits]
    return data


def page_json(page: Page, serialise: Callable[[Any], JSON]) -> JSON:
    """One page of a list: its items and the numbers to ask for the others."""
    return {
        "items": [serialise(item) for item in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }


def search_json(response, page: int, per_page: int, categories: dict[str, Category]) -> JSON:
    """A search response: hits with their page URLs, facets with category names."""
    facets = {
        "category": [
            {**(category_ref(categories[slug]) or {}), "count": count}
            for slug, count in response.facets.get("category", [])
            if slug in categories
        ],
        "type": [{"value": value, "count": count} for value, count in response.facets.get("type", [])],
    }
    return {
        "query": response.query,
        "total": response.total,
        "page": page,
        "per_page": per_page,
        "partial": response.partial,
        "items": [
            {
                "type": hit.type,
                "id": hit.db_id,
                "name": hit.name,
                "name_zh": hit.name_zh,
                "snippet": hit.snippet,
                "score": round(float(hit.score), 4),
                "url": record_url(hit.type, hit.db_id),
            }
            for hit in response.hits
        ],
        "facets": facets,
        "did_you_mean": response.did_you_mean,
    }


def record_url(kind: str, record_id: int) -> str:
    """The visitor page of an exhibit or enterprise."""
    if kind == "enterprise":
        return public_url("catalog.enterprise", enterprise_id=record_id)
    return public_url("catalog.exhibit", exhibit_id=record_id)
