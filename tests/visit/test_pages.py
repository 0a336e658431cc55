"""The visitor pages: listing, filters, pagination, detail pages, language, search and errors."""

from __future__ import annotations

import re

import pytest

from catalogue.catalog import queries
from catalogue.catalog.rules import CREDIT_ALPHABET, CREDIT_WEIGHTS


def text_of(response) -> str:
    return response.get_data(as_text=True)


def cards(html: str) -> int:
    return html.count('<li class="card">')


def credit_code(body: str) -> str:
    """A valid unified social credit code with these first 17 characters."""
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_ALPHABET[(31 - total % 31) % 31]


# Every page


@pytest.mark.parametrize("url", ["/", "/exhibits", "/enterprises", "/about", "/search"])
def test_every_page_has_the_layout_and_a_search_box(client, url):
    response = client.get(url)
    html = text_of(response)
    assert response.status_code == 200
    assert "Expo Catalogue" in html and "展会目录" in html
    assert all(f"<{tag}" in html for tag in ("header", "nav", "main", "footer"))
    assert 'action="/search"' in html and 'name="q"' in html
    q_input = re.search(r'<input id="([^"]+)" type="search" name="q"', html)
    assert q_input and re.search(rf'<label[^>]* for="{q_input[1]}"', html)
    assert '/static/css/site.css' in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(' src="/static/js/' in attrs and " defer" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=|\sstyle=", html)  # the CSP allows no inline code or style
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN, no external fonts


def test_stylesheet_is_served(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"PingFang SC" in response.data and b":focus-visible" in response.data
    response.close()


def test_language_switch_picks_chinese_names_and_is_remembered(client, make_exhibit):
    make_exhibit(name="Smart sensor", name_zh="智能传感器")

    english = text_of(client.get("/exhibits?lang=en"))
    assert '<html lang="en">' in english
    assert english.index("Smart sensor") < english.index("智能传感器")

    response = client.get("/exhibits?lang=zh")
    chinese = text_of(response)
    assert '<html lang="zh-Hans">' in chinese
    assert chinese.index("智能传感器") < chinese.index("Smart sensor")
    assert any(c.startswith("lang=zh;") for c in response.headers.getlist("Set-Cookie"))
    assert ">展品</a>" in chinese  # the nav speaks Chinese too

    remembered = text_of(client.get("/exhibits"))  # the test client keeps the cookie
    assert '<html lang="zh-Hans">' in remembered
    assert remembered.index("智能传感器") < remembered.index("Smart sensor")


def test_language_links_keep_the_other_arguments(client, chips_tree):
    html = text_of(client.get("/exhibits?category=chips&page=1&lang=en"))
    assert 'href="/exhibits?category=chips&amp;page=1&amp;lang=zh"' in html
    assert 'href="/exhibits?category=chips&amp;page=1&amp;lang=en"' in html


def test_empty_field_falls_back_to_the_other_language(client, make_exhibit):
    exhibit = make_exhibit(name=None, name_zh="仅中文名")
    html = text_of(client.get(f"/exhibits/{exhibit.id}?lang=en"))
    assert "<h1>仅中文名</h1>" in html


# Home and about


def test_home_shows_figures_category_tree_with_counts_and_halls(
    client, chips_tree, make_enterprise, make_exhibit
):
    ic, chips, core = chips_tree
    north, south = make_enterprise(hall="N1"), make_enterprise(hall="S2", booth="S2-B01")
    make_exhibit(enterprise=north, category=chips)
    make_exhibit(enterprise=north, category=chips)
    make_exhibit(enterprise=south, category=ic)
    make_exhibit(enterprise=south, category=core)

    html = text_of(client.get("/?lang=en"))
    assert "<strong>4</strong> exhibits" in html
    assert "<strong>2</strong> enterprises" in html
    assert "<strong>3</strong> categories" in html
    assert "<strong>2</strong> halls" in html
    assert re.search(r'href="/categories/integrated-circuits">Integrated circuits</a>\s*<span class="count"[^>]*>3<', html)
    assert re.search(r'href="/categories/chips">Chips</a>\s*<span class="count"[^>]*>2<', html)
    assert re.search(r'href="/categories/core-components">Core components</a>\s*<span class="count"[^>]*>1<', html)
    assert 'href="/exhibits?hall=N1"' in html and 'href="/exhibits?hall=S2"' in html

    chinese = text_of(client.get("/?lang=zh"))
    assert ">集成电路</a>" in chinese and "件展品" in chinese


def test_about_page_says_the_demo_is_illustrative_in_both_languages(client, make_exhibit):
    make_exhibit()
    for lang in ("en", "zh"):
        html = text_of(client.get(f"/about?lang={lang}"))
        assert "ILLUSTRATIVE" in html and "made up" in html
        assert "仅为示意" in html and "虚构" in html
    english = text_of(client.get("/about?lang=en"))
    assert "Western China (Chongqing) Science City" in english and "2022 Smart China Expo" in english
    assert "112 exhibits" in english and "60+ enterprises" in english and "5 chips" in english
    assert "currently lists 1 exhibits from 1 enterprises" in english
    chinese = text_of(client.get("/about?lang=zh"))
    assert "西部（重庆）科学城" in chinese and "112 件展品" in chinese and "5 款芯片" in chinese


# Exhibit list: items, filters, pagination


def test_exhibit_list_item_shows_names_enterprise_booth_and_category(
    client, chips_tree, make_enterprise, make_exhibit
):
    _, chips, _ = chips_tree
    acme = make_enterprise(name="Acme Chips Ltd.", name_zh="阿克米芯片", hall="N1", booth="N1-A07")
    exhibit = make_exhibit(enterprise=acme, name="Edge AI chip", name_zh="边缘智能芯片", category=chips)

    html = text_of(client.get("/exhibits?lang=en"))
    assert f'href="/exhibits/{exhibit.id}">Edge AI chip</a>' in html
    assert '<p class="other-name" lang="zh-Hans">边缘智能芯片</p>' in html
    assert f'href="/enterprises/{acme.id}">Acme Chips Ltd.</a>' in html
    assert "Booth N1-A07" in html and "Hall N1" in html
    assert 'href="/categories/chips">Chips</a>' in html


def test_category_filter_includes_sub_categories(client, chips_tree, make_exhibit):
    ic, chips, core = chips_tree
    make_exhibit(name="Wafer", category=ic)
    make_exhibit(name="MCU", category=chips)
    make_exhibit(name="Capacitor", category=core)

    html = text_of(client.get("/exhibits?category=integrated-circuits&lang=en"))
    assert ">Wafer</a>" in html and ">MCU</a>" in html and ">Capacitor</a>" not in html
    assert cards(html) == 2
    assert "Category: <strong>Integrated circuits</strong>" in html
    assert '<option value="integrated-circuits" selected>' in html
    assert 'href="/exhibits?lang=en" aria-label="Remove the category filter"' in html

    html = text_of(client.get("/exhibits?category=chips"))
    assert cards(html) == 1 and ">MCU</a>" in html


def test_hall_and_enterprise_filters_narrow_the_list(client, make_enterprise, make_exhibit):
    north = make_enterprise(name="North Co.", hall="N1")
    other_north = make_enterprise(name="Other North Co.", hall="N1")
    south = make_enterprise(name="South Co.", hall="S2")
    make_exhibit(enterprise=north, name="North A")
    make_exhibit(enterprise=other_north, name="North B")
    make_exhibit(enterprise=south, name="South A")

    html = text_of(client.get("/exhibits?hall=N1&lang=en"))
    assert cards(html) == 2 and ">South A</a>" not in html
    assert '<option value="N1" selected>' in html
    assert "Hall: <strong>N1</strong>" in html

    html = text_of(client.get(f"/exhibits?enterprise={south.id}&lang=en"))
    assert cards(html) == 1 and ">South A</a>" in html
    assert f'<input type="hidden" name="enterprise" value="{south.id}">' in html

    html = text_of(client.get(f"/exhibits?enterprise={north.id}&hall=S2"))
    assert cards(html) == 0 and "No exhibits match" in html


def test_pagination_shows_twenty_then_the_rest(client, make_enterprise, make_exhibit):
    enterprise = make_enterprise()
    for _ in range(25):
        make_exhibit(enterprise=enterprise)

    first = text_of(client.get("/exhibits?lang=en"))
    assert cards(first) == 20
    assert "Page 1 of 2" in first and 'rel="next" href="/exhibits?lang=en&amp;page=2"' in first

    second = text_of(client.get("/exhibits?page=2&lang=en"))
    assert cards(second) == 5
    assert "Page 2 of 2" in second and 'rel="prev"' in second and 'rel="next"' not in second
    assert "25 exhibits" in second

    assert "第 2 页，共 2 页" in text_of(client.get("/exhibits?page=2&lang=zh"))


@pytest.mark.parametrize("page", ["abc", "0", "-2", "1.5", "", "9" * 5000])
def test_a_bad_page_number_means_page_one(client, make_exhibit, page):
    make_exhibit()
    response = client.get(f"/exhibits?page={page}&lang=en")
    assert response.status_code == 200
    assert cards(text_of(response)) == 1


def test_a_page_past_the_end_is_empty_but_links_back(client, make_exhibit):
    make_exhibit()
    html = text_of(client.get("/exhibits?page=7&lang=en"))
    assert cards(html) == 0 and "no exhibits on this page" in html
    assert 'rel="prev" href="/exhibits?page=1&amp;lang=en"' in html


@pytest.mark.parametrize("url", ["/exhibits?category=no-such", "/exhibits?enterprise=4242", "/exhibits?enterprise=abc"])
def test_unknown_filters_give_the_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = text_of(response)
    assert "Page not found" in html and "找不到页面" not in html  # the client asks for no language: English
    assert 'href="/"' in html and 'href="/search"' in html


# Detail pages


def test_exhibit_page_shows_everything_about_the_exhibit(client, chips_tree, make_enterprise, make_exhibit):
    ic, chips, _ = chips_tree
    acme = make_enterprise(name="Acme", name_zh="阿克米", hall="N1", booth="N1-A07")
    exhibit = make_exhibit(
        enterprise=acme,
        name="Edge AI chip",
        name_zh="边缘智能芯片",
        exhibit_code="SCE-2022-001",
        category=chips,
        tags=["AI", "芯片"],
        description="Fast.\nFrugal.",
        description_zh="快速。",
    )
    sibling = make_exhibit(enterprise=acme, name="Sensor hub")

    response = client.get(f"/exhibits/{exhibit.id}?lang=en")
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1>Edge AI chip</h1>" in html and "边缘智能芯片" in html
    assert "<p>Fast.</p><p>Frugal.</p>" in html and "<p>快速。</p>" in html
    assert 'href="/search?q=AI">AI</a>' in html and ">芯片</a>" in html
    assert re.search(r'href="/categories/integrated-circuits">Integrated circuits</a>.*href="/categories/chips">Chips</a>', html, re.S)
    assert f'href="/enterprises/{acme.id}">Acme</a>' in html and "Booth N1-A07" in html
    assert "SCE-2022-001" in html
    assert f'href="/exhibits/{sibling.id}">Sensor hub</a>' in html
    assert cards(html) == 1  # the other exhibit, not this one


def test_enterprise_page_shows_details_and_its_exhibits(client, make_enterprise, make_exhibit):
    code = credit_code("91500000MA5U7AB1C")
    acme = make_enterprise(
        name="Acme", name_zh="阿克米", credit_code=code, hall="N2", booth="N2-C03",
        website="https://acme.example.cn", description="We make chips.", description_zh="我们做芯片。",
    )
    make_exhibit(enterprise=acme, name="Chip one")
    make_exhibit(enterprise=acme, name="Chip two")
    make_exhibit(name="Someone else's")

    html = text_of(client.get(f"/enterprises/{acme.id}?lang=en"))
    assert "<h1>Acme</h1>" in html and "阿克米" in html
    assert code in html and "Booth N2-C03" in html and "Hall N2" in html
    assert '<a href="https://acme.example.cn" rel="nofollow noopener">' in html
    assert "<p>We make chips.</p>" in html and "<p>我们做芯片。</p>" in html
    assert cards(html) == 2 and ">Chip one</a>" in html and "Someone else" not in html


def test_enterprise_without_optional_fields_renders(client, make_enterprise):
    bare = make_enterprise(name=None, name_zh="无名企业", hall=None, booth=None)
    html = text_of(client.get(f"/enterprises/{bare.id}?lang=en"))
    assert "<h1>无名企业</h1>" in html and "lists no exhibits" in html
    assert "rel=\"nofollow" not in html and "credit code" not in html


def test_enterprise_list_filters_by_hall_and_category(client, chips_tree, make_enterprise, make_exhibit):
    ic, chips, core = chips_tree
    chipmaker = make_enterprise(name="Chipmaker", hall="N1")
    parts = make_enterprise(name="Parts Co.", hall="N1")
    southern = make_enterprise(name="Southern", hall="S1")
    make_exhibit(enterprise=chipmaker, category=chips)
    make_exhibit(enterprise=parts, category=core)
    make_exhibit(enterprise=southern, category=ic)

    html = text_of(client.get("/enterprises?lang=en"))
    assert cards(html) == 3 and "1 exhibit<" in html
    html = text_of(client.get("/enterprises?hall=N1"))
    assert cards(html) == 2 and ">Southern</a>" not in html
    html = text_of(client.get("/enterprises?category=integrated-circuits"))
    assert cards(html) == 2 and ">Parts Co.</a>" not in html
    assert client.get("/enterprises?category=nope").status_code == 404


def test_category_page_shows_path_sub_categories_and_exhibits(client, chips_tree, make_exhibit):
    ic, chips, core = chips_tree
    for _ in range(3):
        make_exhibit(category=chips)
    make_exhibit(name="Wafer", category=ic)
    make_exhibit(name="Capacitor", category=core)

    html = text_of(client.get("/categories/integrated-circuits?lang=en"))
    assert "<h1>Integrated circuits</h1>" in html and "集成电路" in html
    assert re.search(r'href="/categories/chips">Chips</a>\s*<span class="count"[^>]*>3<', html)
    assert cards(html) == 4 and "4 exhibits" in html and ">Capacitor</a>" not in html

    html = text_of(client.get("/categories/chips?lang=zh"))
    assert '<span aria-current="page">芯片</span>' in html
    assert 'href="/categories/integrated-circuits">集成电路</a>' in html
    assert cards(html) == 3


def test_category_page_paginates(client, make_category, make_exhibit):
    category = make_category()
    for _ in range(21):
        make_exhibit(category=category)
    html = text_of(client.get(f"/categories/{category.slug}?page=2&lang=en"))
    assert cards(html) == 1 and "Page 2 of 2" in html


@pytest.mark.parametrize(
    "url",
    ["/exhibits/4242", "/enterprises/4242", "/categories/no-such-thing", "/no/such/page",
     "/exhibits/99999999999999999999999999"],
)
def test_unknown_things_give_the_friendly_404_in_either_language(client, url):
    response = client.get(url + "?lang=zh")
    assert response.status_code == 404
    html = text_of(response)
    assert "找不到页面" in html and "返回首页" in html and 'href="/search"' in html
    assert "404" in html
    english = text_of(client.get(url + "?lang=en"))
    assert "Page not found" in english and "Go to the home page" in english


# The demo catalogue (112 exhibits from the 2022 Smart China Expo pavilion, made-up companies)


def test_demo_home_and_about_show_the_demo_figures(demo_client):
    home = text_of(demo_client.get("/?lang=en"))
    assert "<strong>112</strong> exhibits" in home
    about = text_of(demo_client.get("/about?lang=en"))
    assert "currently lists 112 exhibits" in about and "ILLUSTRATIVE" in about


def test_demo_chips_category_lists_its_five_exhibits(demo_app, demo_client):
    with demo_app.app_context():
        chips = next(
            node for node in _walk(queries.category_tree()) if node.category.name_zh == "芯片"
        )
        slug = chips.category.slug
    assert chips.count == 5
    html = text_of(demo_client.get(f"/categories/{slug}?lang=zh"))
    assert cards(html) == 5 and "<h1>芯片</h1>" in html
    html = text_of(demo_client.get(f"/exhibits?category={slug}&lang=en"))
    assert cards(html) == 5 and "5 exhibits" in html


def test_demo_exhibit_pages_all_render(demo_client):
    first = text_of(demo_client.get("/exhibits?lang=en"))
    ids = re.findall(r'href="/exhibits/(\d+)"', first)
    assert len(set(ids)) == 20 and "Page 1 of 6" in first
    for exhibit_id in sorted(set(ids)):
        assert demo_client.get(f"/exhibits/{exhibit_id}?lang=zh").status_code == 200


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def test_a_category_page_leaves_its_own_name_off_the_cards_but_names_sub_categories(client, make_exhibit, chips_tree):
    ic, chips, _core = chips_tree
    make_exhibit(name="Own-level exhibit", category=ic)
    make_exhibit(name="Chip exhibit", category=chips)
    html = text_of(client.get("/categories/integrated-circuits?lang=zh"))
    cards = html[html.index('<ul class="cards">'):]
    assert cards.count("类别：") == 1 and ">芯片</a>" in cards and ">集成电路</a>" not in cards
    chips_page = text_of(client.get("/categories/chips?lang=en"))
    assert "Category:" not in chips_page[chips_page.index('<ul class="cards">'):]
    assert "Category:" in text_of(client.get("/exhibits?lang=en"))  # other lists still say it
