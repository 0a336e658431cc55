"""The visitor's search page (/search): the search service's answer, rendered with the records."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from catalogue.catalog import queries
from catalogue.search.request import MAX_QUERY_CHARS, search_request
from catalogue.search.service import search_service
from catalogue.web import page_arg, per_page

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    args = request.args.to_dict()
    args["q"] = args.get("q", "")[:MAX_QUERY_CHARS]  # the page shortens an over-long query; the API refuses it
    request_ = search_request(args, page_arg(), per_page())
    request_.lang = g.get("lang")  # snippets in the page's language
    response = search_service().search(request_) if request_.text.strip() else None
    hits = queries.records_for_hits(response.hits) if response else []
    return render_template(
        "catalog/search.html",
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
