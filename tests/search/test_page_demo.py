"""The /search page on the demo catalogue: snippets in the page's language, facet counts that match
the pages they lead to, and corrected queries that say so."""

from __future__ import annotations

import html as html_lib
import re

import pytest

TOTAL = re.compile(r'<h2 id="results-heading" class="result-count">\s*(?:“[^”]*”共找到 )?(\d+)')


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def total(html: str) -> int:
    return int(TOTAL.search(html)[1])


def facet_links(html: str) -> list[tuple[str, int]]:
    """(address, count) of each facet in the wide-screen facet column."""
    aside = html[html.index('<aside class="facets facets-wide"'):]
    aside = aside[:aside.index("</aside>")]
    return [(html_lib.unescape(href), int(count)) for href, count in
            re.findall(r'<a href="([^"]+)"[^>]*>.*?</a> <span class="count">(\d+)</span>', aside, re.S)]


@pytest.mark.parametrize("query", ["芯片", "sensor", "电池", "chip"])
def test_every_facet_count_is_the_total_of_the_page_it_links_to(demo_client, query):
    first = page(demo_client, f"/search?q={query}&lang=en")
    links = facet_links(first)
    assert len(links) >= 3
    for url, count in links:
        assert total(page(demo_client, url)) == count, url
        for deeper, deeper_count in facet_links(page(demo_client, url))[:4]:  # and one level down
            assert total(page(demo_client, deeper)) == deeper_count, deeper


def test_the_chips_facet_counts_the_five_chips_not_their_enterprises_too(demo_client):
    counts = dict((url, n) for url, n in facet_links(page(demo_client, "/search?q=芯片&lang=zh")))
    chips = next(n for url, n in counts.items() if "category=chips" in url)
    assert chips == 5


@pytest.mark.parametrize(("lang", "other"), [("zh", "en"), ("en", "zh-Hans")])
def test_snippets_are_in_the_page_language(demo_client, lang, other):
    html = page(demo_client, f"/search?q=芯片&lang={lang}")
    snippets = re.findall(r'<p class="snippet" lang="([^"]+)">', html)
    assert len(snippets) == 20  # every demo entry has both descriptions
    assert other not in snippets


def test_a_query_answered_under_a_corrected_spelling_says_so(demo_client):
    body = demo_client.get("/api/v1/search?q=battery+managment").get_json()
    assert body["total"] > 0 and body["did_you_mean"] == "battery management"
    english = page(demo_client, "/search?q=battery+managment&lang=en")
    assert re.search(r'Showing results for <a href="[^"]*q=battery\+management[^"]*">battery management</a>\.', english)
    chinese = page(demo_client, "/search?q=battery+managment&lang=zh")
    assert re.search(r'显示的是 <a href="[^"]+">battery management</a> 的结果', chinese)
    # inflections are not typos: no correction for a word the catalogue has in another form
    assert demo_client.get("/api/v1/search?q=sensors").get_json()["did_you_mean"] is None
