"""Any text a visitor can type gives a response or InvalidQuery, never another error; and none
of it reaches Whoosh's query syntax or the index's internal fields."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.search.engine import InvalidQuery, SearchIndex, SearchRequest, SearchResponse
from tests.search import corpus

SYNTAX = ['field:x', 'type:marker', 'id:__marker__', 'name:', '*', '?', 'li*', 'l?dar', '"',
          '"lidar', 'lidar"', '(', ')', '((chip', 'AND', 'OR', 'NOT', 'ANDNOT', 'ANDMAYBE', '^2',
          'chip^10', '~', 'lidr~2', '[a TO z]', '{', '}', '\\', '/', '-', '+', '<script>', '&',
          '\x00', '\x07', '\u200b', '\ufeff', '😀', '🇨🇳', '芯片', '激光雷达', 'MCU', 'xinpian',
          '５Ｇ', '\u3000', 'ﬁ', 'İ', 'ß']

visitor_text = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(SYNTAX), max_size=12).map(" ".join),
    st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=6)), max_size=10).map("".join),
    st.text(alphabet=st.sampled_from('芯片a*?:"()^~ \n\t'), min_size=480, max_size=520),
)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    index = SearchIndex(str(tmp_path_factory.mktemp("fuzz")))
    index.rebuild(corpus.documents(), {"applied": 0}, corpus.words())
    yield index
    index.close()


@settings(max_examples=300, deadline=None)
@given(text=visitor_text, kind=st.sampled_from([None, "exhibit", "enterprise"]),
       category=st.sampled_from([None, "chips", "semiconductors", "nonexistent", "*"]),
       page=st.integers(-3, 5))
def test_search_answers_or_rejects_any_text(index, text, kind, category, page):
    try:
        response = index.search(SearchRequest(text, type=kind, category=category, page=page,
                                              per_page=5))
    except InvalidQuery as error:
        assert len(text) > 500 and str(error)
        return
    assert isinstance(response, SearchResponse)
    assert len(response.hits) <= 5 and response.total >= len(response.hits)
    assert all(hit.type in ("exhibit", "enterprise") for hit in response.hits)
    for hit in response.hits:
        assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0
    assert sum(n for _t, n in response.facets["type"]) >= response.total


@settings(max_examples=300, deadline=None)
@given(prefix=visitor_text, limit=st.integers(-1, 12))
def test_suggest_answers_any_text(index, prefix, limit):
    suggestions = index.suggest(prefix, limit)
    assert len(suggestions) <= max(limit, 0)
    assert all(s.type in ("exhibit", "enterprise") and s.text for s in suggestions)


@pytest.mark.parametrize("text", ["*", "?", "*:*", "**", "?*?", "type:*", "[*]", "{?}"])
def test_wildcards_and_ranges_match_nothing(index, text):
    assert index.search(SearchRequest(text)).total == 0


@pytest.mark.parametrize("text", ["type:marker", "id:__marker__", "applied", "category_slugs:chips",
                                  "fingerprint:fp-exhibit-1", "db_id:1"])
def test_internal_fields_are_out_of_reach(index, text):
    response = index.search(SearchRequest(text))
    assert all(hit.type != "marker" for hit in response.hits)
    assert response.total < len(corpus.documents()) / 4


def test_field_syntax_is_just_words(index):
    # "name:lidar" is the words "name" and "lidar": no document has "name", so the best
    # partial matches are the lidar ones
    response = index.search(SearchRequest("name:lidar", per_page=50))
    lidar = index.search(SearchRequest("lidar", per_page=50))
    assert response.partial
    assert {h.id for h in response.hits} == {h.id for h in lidar.hits}


def test_boolean_operators_are_just_words(index):
    # NOT, AND and OR are stop words: they neither exclude nor combine
    lidar = {h.id for h in index.search(SearchRequest("lidar", per_page=50)).hits}
    assert {h.id for h in index.search(SearchRequest("NOT lidar", per_page=50)).hits} == lidar
    assert index.search(SearchRequest("lidar OR banana")).partial


def test_wildcards_do_not_expand(index):
    assert index.search(SearchRequest("li*")).total == index.search(SearchRequest("li")).total
