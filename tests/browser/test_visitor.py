"""A visitor in a real browser: search suggestions, language switch, the visit plan with and
without JavaScript, the hall map, keyboard-only use, and no Content-Security-Policy violations."""

from __future__ import annotations

import re

import pytest

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed: "
    "apt-get install chromium && pip install -e '.[test]'"
).expect

DETAIL = re.compile(r"/(exhibits|enterprises)/\d+$")


def suggest(page, box: str, text: str):
    """Type into a search box and wait for the suggestion list."""
    combobox = page.locator(box)
    combobox.fill(text)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    listbox = page.locator(f"#{combobox.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option").first).to_be_visible()
    return combobox, listbox


@pytest.mark.parametrize("text", ["芯片", "xinpian"])
def test_search_suggestions_are_picked_with_the_keyboard(page, text):
    page.goto("/?lang=zh")
    combobox, listbox = suggest(page, "#home-q", text)
    assert combobox.get_attribute("role") == "combobox"
    assert listbox.get_attribute("role") == "listbox"
    options = listbox.get_by_role("option")
    assert 1 <= options.count() <= 10
    assert "芯片" in options.first.inner_text()

    combobox.press("ArrowDown")
    combobox.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    assert combobox.get_attribute("aria-activedescendant") == second.get_attribute("id")
    combobox.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    chosen = options.first.locator(".suggestion-text").inner_text()

    combobox.press("Enter")
    page.wait_for_url(DETAIL)
    assert chosen in page.locator("h1").inner_text()


def test_escape_closes_the_suggestions_and_enter_then_searches(page):
    page.goto("/exhibits?lang=en")
    combobox, listbox = suggest(page, "#site-q", "chip")
    combobox.press("Escape")
    expect(listbox).to_be_hidden()
    expect(combobox).to_have_attribute("aria-expanded", "false")
    combobox.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=chip"))
    expect(page.locator("h1")).to_have_text("Search")


def test_the_language_switch_changes_and_remembers_the_language(page):
    page.goto("/exhibits?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("展品")
    page.goto("/enterprises")
    expect(page.locator("h1")).to_have_text("展商")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Enterprises")


def test_a_favourite_joins_the_plan_without_a_reload(page):
    page.goto("/exhibits?lang=en")
    card = page.locator("li.card").first
    name = card.locator(".card-title").inner_text()
    page.evaluate("window.stillHere = true")
    card.get_by_role("button", name=re.compile("^Add to plan")).click()
    expect(card.get_by_role("button")).to_contain_text("Remove from plan")
    expect(page.locator("[data-plan-count]")).to_have_text("1")
    expect(page.locator("[data-live-region]")).to_have_text("Added to your visit plan.")
    assert page.evaluate("window.stillHere") is True  # no navigation happened

    page.goto("/plan")
    expect(page.locator(".plan-stops")).to_contain_text(name)
    page.goto("/exhibits?lang=en")
    page.locator("li.card").first.get_by_role("button", name=re.compile("^Remove from plan")).click()
    expect(page.locator("[data-plan-count]")).to_have_text("0")


def test_a_favourite_joins_the_plan_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/enterprises?lang=zh")
    card = page.locator("li.card").nth(2)
    name = card.locator(".card-title").inner_text()
    card.get_by_role("button", name=re.compile("^加入参观计划")).click()
    page.wait_for_url(re.compile(r"/enterprises\?lang=zh$"))
    expect(page.locator("li.card").nth(2).get_by_role("button")).to_contain_text("移出参观计划")

    page.get_by_role("link", name=re.compile("我的参观计划")).click()
    expect(page.locator("h1")).to_have_text("我的参观计划")
    expect(page.locator(".plan-stops")).to_contain_text(name)
    page.get_by_role("button", name=re.compile("^移除")).click()
    expect(page.locator(".empty-plan")).to_be_visible()


def test_a_booth_on_the_hall_map_opens_its_enterprise(page):
    page.goto("/halls/N1?lang=en&q=chip")
    booth = page.locator("a.booth.is-match").first
    label = booth.get_attribute("aria-label")
    assert label.startswith("Booth N1-")
    booth.click()
    page.wait_for_url(DETAIL)
    enterprise = label.split(": ", 1)[1].removesuffix(" (highlighted)")
    expect(page.locator("h1")).to_have_text(enterprise)


def test_keyboard_only_skip_link_focus_and_search(page):
    page.goto("/exhibits?lang=en")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10  # shown when focused
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto("/exhibits?lang=en")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-q":
            break
    else:
        pytest.fail("the search box is not reachable with Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.type("sensor")
    expect(page.locator("#site-q")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")  # closes the suggestions, keeps the text
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=sensor"))


def test_the_pages_keep_to_the_content_security_policy(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    for url in ["/", "/exhibits", "/exhibits/1", "/enterprises/1", "/halls/N1", "/plan", "/search?q=chip",
                "/enterprises/1/sign"]:
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto("/exhibits")
    page.locator("#site-q").fill("chip")
    expect(page.locator("#site-q")).to_have_attribute("aria-expanded", "true")
    assert problems == []


def test_phone_width_has_no_sideways_scrolling(new_page):
    page = new_page(viewport={"width": 360, "height": 740})
    for url in ["/", "/exhibits", "/exhibits/1", "/enterprises/1", "/plan", "/halls/N1", "/search?q=chip"]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} is {width}px wide"
