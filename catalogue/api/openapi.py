"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from catalogue.catalog.models import MAX_ID  # larger ids are simply not found
from catalogue.search.request import MAX_QUERY_CHARS, TYPES

JSON = dict[str, Any]

API_VERSION = "1.0.0"
MAX_PAGE = 100_000  # the same limit as the visitor pages


def _ref(name: str, kind: str = "schemas") -> JSON:
    return {"$ref": f"#/components/{kind}/{name}"}


def _nullable(type_: str, **extra: Any) -> JSON:
    return {"type": [type_, "null"], **extra}


TEXT = _nullable("string")
URL = {"type": "string", "format": "uri", "description": "The visitor page (HTML)."}

CATEGORY_FIELDS: JSON = {
    "slug": {"type": "string"},
    "name": TEXT,
    "name_zh": TEXT,
}

EXHIBIT_FIELDS: JSON = {
    "id": {"type": "integer"},
    "exhibit_code": TEXT,
    "name": TEXT,
    "name_zh": TEXT,
    "description": TEXT,
    "description_zh": TEXT,
    "tags": {"type": "array", "items": {"type": "string"}},
    "category": {"anyOf": [_ref("CategoryRef"), {"type": "null"}]},
}

ENTERPRISE_FIELDS: JSON = {
    "id": {"type": "integer"},
    "name": TEXT,
    "name_zh": TEXT,
    "credit_code": _nullable("string", description="Unified social credit code (18 characters)."),
    "hall": TEXT,
    "booth": TEXT,
    "website": _nullable("string", format="uri"),
    "description": TEXT,
    "description_zh": TEXT,
    "url": URL,
    "exhibit_count": {"type": "integer", "minimum": 0},
}


def _object(description: str, properties: JSON) -> JSON:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
    }


def _page_of(item: str) -> JSON:
    return _object(
        f"One page of {item} records.",
        {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0, "description": "Matches on all pages."},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
        },
    )


def _schemas() -> JSON:
    return {
        "CategoryRef": _object("A category, short form.", CATEGORY_FIELDS),
        "CategoryNode": _object(
            "A category in the tree.",
            {
                **CATEGORY_FIELDS,
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Exhibits in this category and all its sub-categories.",
                },
                "children": {"type": "array", "items": _ref("CategoryNode")},
            },
        ),
        "ExhibitEnterprise": _object(
            "The enterprise showing an exhibit, and where.",
            {"id": {"type": "integer"}, "name": TEXT, "name_zh": TEXT, "booth": TEXT, "hall": TEXT},
        ),
        "Exhibit": _object(
            "An exhibit. Of name and name_zh at least one is set.",
            {**EXHIBIT_FIELDS, "enterprise": _ref("ExhibitEnterprise"), "url": URL},
        ),
        "EnterpriseExhibit": _object(
            "An exhibit listed under its enterprise (no nested enterprise).",
            {**EXHIBIT_FIELDS, "url": URL},
        ),
        "Enterprise": _object(
            "An exhibiting enterprise. Of name and name_zh at least one is set.",
            ENTERPRISE_FIELDS,
        ),
        "EnterpriseDetail": _object(
            "An enterprise with its exhibits.",
            {
                **ENTERPRISE_FIELDS,
                "exhibits": {"type": "array", "items": _ref("EnterpriseExhibit")},
            },
        ),
        "SearchHit": _object(
            "One search result.",
            {
                "type": {"type": "string", "enum": list(TYPES)},
                "id": {"type": "integer"},
                "name": TEXT,
                "name_zh": TEXT,
                "snippet": {
                    "type": "string",
                    "description": "HTML-escaped text; matches are wrapped in <mark>…</mark>, the only markup.",
                },
                "score": {"type": "number"},
                "url": URL,
            },
        ),
        "SearchResults": _object(
            "A page of search results with facets.",
            {
                "query": {"type": "string"},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "partial": {
                    "type": "boolean",
                    "description": "True when no result has every word and the closest partial matches are shown.",
                },
                "items": {"type": "array", "items": _ref("SearchHit")},
                "facets": _object(
                    "Counts over all matches of the query.",
                    {
                        "category": {
                            "type": "array",
                            "description": "Exhibits per category (sub-categories included); with a type filter, "
                                           "documents of that type. A count is the total of the same search with "
                                           "category=<slug> and type=exhibit (or the type asked for).",
                            "items": _object("A category facet.", {**CATEGORY_FIELDS, "count": {"type": "integer"}}),
                        },
                        "type": {
                            "type": "array",
                            "items": _object(
                                "A type facet.", {"value": {"type": "string"}, "count": {"type": "integer"}}
                            ),
                        },
                    },
                ),
                "did_you_mean": {"type": ["string", "null"], "description": "A spelling from the catalogue's own words "
                                 "(also when the results already came from it, e.g. 'battery managment')."},
            },
        ),
        "Suggestions": _object(
            "Completions for what the visitor is typing.",
            {
                "suggestions": {
                    "type": "array",
                    "maxItems": 10,
                    "items": _object(
                        "A name that starts with, or whose pinyin starts with, the prefix.",
                        {
                            "text": {"type": "string"},
                            "type": {"type": "string", "enum": list(TYPES)},
                            "id": {"type": "integer"},
                            "url": URL,
                        },
                    ),
                }
            },
        ),
        "ExhibitPage": _page_of("Exhibit"),
        "EnterprisePage": _page_of("Enterprise"),
        "Error": _object(
            "The error envelope of every 4xx and 5xx response.",
            {
                "error": _object(
                    "What went wrong.",
                    {
                        "code": {"type": "string", "examples": ["invalid_parameter", "not_found"]},
                        "message": {"type": "string"},
                    },
                )
            },
        ),
    }


def _responses() -> JSON:
    def error(description: str) -> JSON:
        return {
            "description": description,
            "content": {"application/json": {"schema": _ref("Error")}},
        }

    return {
        "InvalidParameter": error(
            "A parameter is malformed or out of range (invalid_parameter, invalid_query)."
        ),
        "NotFound": error("No such record or category (not_found)."),
        "Error": error("Any other error, in the error envelope."),
    }


def _parameters(per_page: int, max_per_page: int) -> JSON:
    def query(name: str, description: str, schema: JSON) -> JSON:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": schema,
        }

    return {
        "category": query(
            "category",
            "A category slug; its sub-categories are included. Unknown slugs give 404.",
            {"type": "string"},
        ),
        "enterprise": query(
            "enterprise", "An enterprise id.", {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        ),
        "hall": query("hall", "A hall, as the enterprises list it (e.g. N1).", {"type": "string"}),
        "q": query(
            "q",
            f"What to search for, in English, Chinese, pinyin or mixed; at most {MAX_QUERY_CHARS} characters.",
            {"type": "string", "maxLength": MAX_QUERY_CHARS},
        ),
        "type": query(
            "type", "Only exhibits or only enterprises.", {"type": "string", "enum": list(TYPES)}
        ),
        "page": query(
            "page",
            "The page number; past the last page the items are empty.",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        ),
        "per_page": query(
            "per_page",
            f"Records per page; above {max_per_page} is refused with 400.",
            {"type": "integer", "minimum": 1, "maximum": max_per_page, "default": per_page},
        ),
    }


ERROR_RESPONSES = {"400": "InvalidParameter", "404": "NotFound"}


def _operation(
    operation_id: str, summary: str, schema: JSON, params: list[JSON], errors: tuple[str, ...]
) -> JSON:
    responses: JSON = {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}}
    }
    responses |= {status: _ref(ERROR_RESPONSES[status], "responses") for status in errors}
    responses["default"] = _ref("Error", "responses")
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": params,
        "responses": responses,
    }


def _id_parameter(name: str, what: str) -> JSON:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"The {what} id.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


def build_document(per_page: int = 20, max_per_page: int = 100) -> JSON:
    """The OpenAPI 3.1 description of every /api/v1 endpoint."""
    p = {
        name: _ref(name, "parameters")
        for name in ("category", "enterprise", "hall", "page", "per_page", "q", "type")
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Expo Catalogue API",
            "version": API_VERSION,
            "description": "Read-only access to the expo's enterprises, exhibits and categories. "
            "Text fields come in English (name) and Chinese (name_zh); either may be null.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/exhibits": {
                "get": _operation(
                    "listExhibits",
                    "List exhibits, by hall, booth and id.",
                    _ref("ExhibitPage"),
                    [p["category"], p["enterprise"], p["hall"], p["page"], p["per_page"]],
                    ("400", "404"),
                )
            },
            "/exhibits/{exhibit_id}": {
                "get": _operation(
                    "getExhibit",
                    "One exhibit.",
                    _ref("Exhibit"),
                    [_id_parameter("exhibit_id", "exhibit")],
                    ("404",),
                )
            },
            "/enterprises": {
                "get": _operation(
                    "listEnterprises",
                    "List enterprises; with category, those showing an exhibit in it.",
                    _ref("EnterprisePage"),
                    [p["category"], p["hall"], p["page"], p["per_page"]],
                    ("400", "404"),
                )
            },
            "/enterprises/{enterprise_id}": {
                "get": _operation(
                    "getEnterprise",
                    "One enterprise with its exhibits.",
                    _ref("EnterpriseDetail"),
                    [_id_parameter("enterprise_id", "enterprise")],
                    ("404",),
                )
            },
            "/search": {
                "get": _operation(
                    "search",
                    "Search exhibits and enterprises; typos are forgiven and a query that matches "
                    "nothing in full falls back to the closest partial matches.",
                    _ref("SearchResults"),
                    [p["q"], p["category"], p["type"], p["hall"], p["page"], p["per_page"]],
                    ("400", "404"),
                )
            },
            "/suggest": {
                "get": _operation(
                    "suggest",
                    "Up to 10 completions of a prefix, for a search box.",
                    _ref("Suggestions"),
                    [p["q"]],
                    ("400",),
                )
            },
            "/categories": {
                "get": _operation(
                    "listCategories",
                    "The category tree: the top-level categories, each with its children.",
                    {"type": "array", "items": _ref("CategoryNode")},
                    [],
                    (),
                )
            },
        },
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(per_page, max_per_page),
            "responses": _responses(),
        },
    }
