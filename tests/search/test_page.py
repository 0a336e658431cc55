"""The visitor's search page (/search): the Whoosh index, kept in step with the database through the outbox."""

from __future__ import annotations

import pytest

from tests.visit.test_pages import text_of


def results(html: str) -> int:
    return html.count('<li class="card result">')


def test_search_finds_names_tags_and_descriptions_in_any_case(client, make_exhibit):
    make_exhibit(name="Smart Sensor", name_zh="智能传感器")
    make_exhibit(name="Robot arm", tags=["机器人", "Automation"])
    make_exhibit(name="Battery pack", description="Solid-state SENSOR inside")
    make_exhibit(name="Unrelated")

    html = text_of(client.get("/search?q=sensor&lang=en"))
    assert results(html) == 2 and ">Smart Sensor</a>" in html and ">Battery pack</a>" in html
    assert html.index("Smart Sensor") < html.index("Battery pack")  # a name weighs more than a description
    assert "2 results for “sensor”" in html
    assert 'value="sensor"' in html
    assert "<mark>SENSOR</mark>" in html  # the snippet marks the match

    assert ">Robot arm</a>" in text_of(client.get("/search?q=机器人"))
    assert ">Robot arm</a>" in text_of(client.get("/search?q=automation"))
    assert ">Smart Sensor</a>" in text_of(client.get("/search?q=传感器"))
    assert results(text_of(client.get("/search?q=smart+sensor"))) == 1


def test_search_forgives_typos_and_offers_a_spelling(client, make_exhibit):
    make_exhibit(name="Power battery module", name_zh="动力电池模组")
    html = text_of(client.get("/search?q=batery&lang=en"))
    assert ">Power battery module</a>" in html
    # the results are those of the corrected spelling, and the page says so
    assert "Showing results for" in html and ">battery</a>" in html and "Did you mean" not in html


def test_search_falls_back_to_partial_matches_and_says_so(client, make_exhibit):
    make_exhibit(name="Automotive MCU chip")
    html = text_of(client.get("/search?q=chip+banana&lang=en"))
    assert ">Automotive MCU chip</a>" in html
    assert "No result has all of your words" in html


def test_search_filters_by_type_and_category_with_facets(client, make_exhibit, make_enterprise, chips_tree):
    _, chips, _ = chips_tree
    company = make_enterprise(name="Radar Works Ltd", name_zh="雷达科技有限公司")
    make_exhibit(enterprise=company, name="Imaging radar", category=chips)
    make_exhibit(name="Radar test bench")
    html = text_of(client.get("/search?q=radar&lang=en"))
    assert results(html) == 3
    assert 'href="/search?q=radar&amp;lang=en&amp;type=enterprise"' in html  # the type facet
    assert results(text_of(client.get("/search?q=radar&type=enterprise"))) == 1
    by_parent = text_of(client.get("/search?q=radar&category=integrated-circuits&lang=en"))
    # the exhibit, and its enterprise (which shows something in that category); not the test bench
    assert results(by_parent) == 2 and ">Imaging radar</a>" in by_parent and ">Radar Works Ltd</a>" in by_parent
    assert client.get("/search?q=radar&category=no-such-category").status_code == 404


@pytest.mark.parametrize("q", ["%", "_", "\\", "'", '"', "<script>", "a" * 5000, "[", "\x00", "title:x", "*", "a AND (b"])
def test_odd_queries_are_literal_and_never_fail(client, make_exhibit, q):
    make_exhibit(name="Plain", tags=["one", "two"])
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    html = text_of(response)
    assert results(html) == 0
    assert "<script>" not in html


def test_search_caps_the_query_at_500_characters(client, make_exhibit):
    make_exhibit(name="x" * 300)
    html = text_of(client.get("/search", query_string={"q": "y" * 600}))
    assert f'value="{"y" * 500}"' in html and "“" + "y" * 500 + "”" in html


def test_empty_search_shows_the_category_tree(client, chips_tree):
    html = text_of(client.get("/search?q=+&lang=en"))
    assert 'href="/categories/chips">Chips</a>' in html and "browse by category" in html


def test_search_results_paginate(client, make_exhibit):
    for n in range(23):
        make_exhibit(name=f"Gadget {n}")
    html = text_of(client.get("/search?q=gadget&page=2&lang=en"))
    assert results(html) == 3 and "Page 2 of 2" in html
    assert 'rel="prev" href="/search?q=gadget&amp;page=1&amp;lang=en"' in html
