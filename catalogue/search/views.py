"""The visitor's search page (/search): the search service's answer, rendered with the records.

The page's content (catalog/_search_content.html) depends on the query, the language and the
address alone, so the search service may give it from its page cache (pagecache.py); the frame
around it (base.html: navigation, language switch, visit plan) is rendered for each visitor."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from markupsafe import Markup

from catalogue.catalog import queries
from catalogue.search.request import MAX_QUERY_CHARS, SearchRequest, SearchResponse, search_request
from catalogue.search.service import search_service
from catalogue.web import page_arg, page_variant, per_page

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    args = request.args.to_dict()
    args["q"] = args.get("q", "")[:MAX_QUERY_CHARS]  # the page shortens an over-long query; the API refuses it
    request_ = search_request(args, page_arg(), per_page())
    request_.lang = g.get("lang")  # snippets in the page's language
    if request_.text.strip():
        content = search_service().search_page(request_, page_variant(), lambda response: _content(request_, response))
    else:
        content = _content(request_, None)
    return render_template("catalog/search.html", query=request_.text, content=Markup(content))


def _content(request_: SearchRequest, response: SearchResponse | None) -> str:
    hits = queries.records_for_hits(response.hits) if response else []
    return render_template(
        "catalog/_search_content.html",
        query=request_.text,
        kind=request_.type,
        response=response,
        hits=hits,
        page=queries.Page(hits, response.total if response else 0, request_.page, request_.per_page),
        category=queries.get_category(request_.category) if request_.category else None,
        categories=queries.categories_by_slug() if response else {},
        # the tree is shown only instead of results: counting every category's exhibits is not free
        tree=queries.category_tree() if response is None or not response.total else [],
    )
