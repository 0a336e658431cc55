"""What a visitor asks of the search and what they get back: requests, hits, responses and
suggestions; the one owner of the query's length limit and of the result types."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from catalogue.catalog.queries import get_category
from catalogue.errors import CatalogueError
from catalogue.search.analysis import clean

MAX_QUERY_CHARS = 500
TYPES = ("exhibit", "enterprise")
MAX_PER_PAGE = 500
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u300c": '"', "\u300d": '"'})


class InvalidQuery(CatalogueError):
    """A query the visitor must change (the message is meant for them)."""

    code = "invalid_query"
    status = 400


@dataclass
class SearchRequest:
    """What the visitor asked: free text, optional filters (category matches sub-categories)."""

    text: str
    type: str | None = None
    category: str | None = None
    hall: str | None = None
    page: int = 1
    per_page: int = 20
    lang: str | None = None  # "en"/"zh": snippets from that description, else the best matching one

    def paging(self) -> tuple[int, int]:
        """(page, per_page) as answered: page at least 1, per_page between 1 and MAX_PER_PAGE."""
        return max(1, int(self.page)), min(max(1, int(self.per_page)), MAX_PER_PAGE)


@dataclass
class Hit:
    """One result; snippet is escaped HTML whose only markup is <mark>."""

    id: str
    type: str
    db_id: int
    name: str | None
    name_zh: str | None
    snippet: str
    score: float
    hall: str | None
    booth: str | None
    category_slug: str | None


@dataclass
class SearchResponse:
    """A page of results. facets: {"category": [(slug, count)] by count, counting a document
    under its category and every ancestor, exhibits only unless a type is asked for (so a count
    equals what that filter, with type=exhibit when no type was asked for, would give);
    "type": [("exhibit", n), ("enterprise", m)]}. Each facet ignores its own filter. partial:
    no document had every word, these have the most of them."""

    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    did_you_mean: str | None = None
    partial: bool = False


@dataclass
class Suggestion:
    """A name completing a prefix (in the language, or the pinyin, that matched)."""

    text: str
    type: str
    db_id: int


def empty_response(query: str) -> SearchResponse:
    return SearchResponse(query, 0, [], {"category": [], "type": [(t, 0) for t in TYPES]})


def validate(request: SearchRequest) -> str:
    """The normalised query text; raises InvalidQuery for what no search could answer."""
    if not isinstance(request.text, str):
        raise InvalidQuery("The query must be text.")
    check_limits(request.text, request.type)
    return normalise_query(request.text)


def normalise_query(text: str) -> str:
    return unicodedata.normalize("NFKC", clean(text)).translate(_QUOTES).strip()


def check_limits(text: str, kind: str | None) -> None:
    """Refuse a query longer than MAX_QUERY_CHARS or a type other than TYPES."""
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"The query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}.")
    if kind not in (None, *TYPES):
        raise InvalidQuery("type must be 'exhibit' or 'enterprise'.")


def search_request(args, page: int = 1, per_page: int = 20) -> SearchRequest:
    """A search request from query-string arguments (q, type, category, hall), validated."""
    text = args.get("q", "") or ""
    kind = args.get("type") or None
    check_limits(text, kind)
    category = args.get("category") or None
    if category:
        get_category(category)  # an unknown slug is a 404, as in the lists
    return SearchRequest(text, kind, category, args.get("hall") or None, page, per_page)
