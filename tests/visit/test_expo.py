"""The home page names the expo (name, dates, venue: instance config with the demo's values as
defaults) and lists its halls with their titles (instance/halls.json) and counts."""

from __future__ import annotations

import json
import re

import pytest

from catalogue.visit.expo import InvalidExpoDates, expo, hall_summaries, parse_dates

DEMO = {
    "CATALOGUE_EXPO_NAME": "2022 Smart China Expo", "CATALOGUE_EXPO_NAME_ZH": "2022中国国际智能产业博览会",
    "CATALOGUE_EXPO_DATES": "2022-08-22/2022-08-24",
    "CATALOGUE_EXPO_VENUE": "Western China (Chongqing) Science City pavilion, Chongqing",
    "CATALOGUE_EXPO_VENUE_ZH": "重庆 · 中国西部（重庆）科学城展馆",
}


def test_the_expo_reads_in_the_page_language_with_the_other_name_beside():
    english, chinese = expo(DEMO, "en"), expo(DEMO, "zh")
    assert (english.name, english.other_name) == ("2022 Smart China Expo", "2022中国国际智能产业博览会")
    assert english.dates.replace("\u2009", " ") == "22 – 24 Aug 2022" and "Chongqing" in english.venue
    assert chinese.name == "2022中国国际智能产业博览会" and chinese.dates.startswith("2022年8月22日")
    assert chinese.venue.startswith("重庆")
    only_english = expo({**DEMO, "CATALOGUE_EXPO_NAME_ZH": "", "CATALOGUE_EXPO_DATES": ""}, "zh")
    assert (only_english.name, only_english.other_name, only_english.dates) == ("2022 Smart China Expo", "", "")


@pytest.mark.parametrize("text", ["2022-13-01", "22 August", "2022-08-24/2022-08-22"])
def test_malformed_dates_are_refused_with_the_setting_named(text):
    with pytest.raises(InvalidExpoDates, match="CATALOGUE_EXPO_DATES"):
        parse_dates(text)


def test_halls_take_their_titles_from_the_layout_file_in_the_page_language():
    layouts = {"N1": {"title": "North hall 1", "title_zh": "北1馆"}, "S9": {"title": "South stage"}}
    found = hall_summaries({"N1": (3, 7), "N2": (1, 2)}, layouts, "zh")
    assert [(h.hall, h.title, h.enterprises, h.exhibits) for h in found] == [
        ("N1", "北1馆", 3, 7), ("N2", None, 1, 2), ("S9", "South stage", 0, 0)]


def test_the_demo_home_page_names_the_expo_and_counts_each_hall(demo_client):
    english = demo_client.get("/?lang=en").get_data(as_text=True)
    assert "2022 Smart China Expo" in english and "Western China (Chongqing) Science City pavilion" in english
    assert re.search(r"22\s*–\s*24 Aug 2022", english)
    assert '<span class="other-name" lang="zh-Hans">2022中国国际智能产业博览会</span>' in english
    halls = english[english.index('<ul class="hall-cards">'):]
    assert re.search(r'href="/halls/N1">Hall N1.*?href="/exhibits\?hall=N1">41 exhibits.*?22 enterprises', halls, re.S)
    chinese = demo_client.get("/?lang=zh").get_data(as_text=True)
    assert "2022中国国际智能产业博览会" in chinese and "中国西部（重庆）科学城展馆" in chinese
    assert re.search(r"2022年8月22日\s*–\s*24日", chinese)


def test_the_expo_and_hall_titles_are_configurable(app, client, make_enterprise, make_exhibit):
    app.config.update(CATALOGUE_EXPO_NAME="Spring Robotics Fair", CATALOGUE_EXPO_NAME_ZH="春季机器人展",
                      CATALOGUE_EXPO_DATES="2027-04-02", CATALOGUE_EXPO_VENUE="Hall of Industry",
                      CATALOGUE_EXPO_VENUE_ZH="")
    with open(app.instance_path + "/halls.json", "w", encoding="utf-8") as f:
        json.dump({"N1": {"title": "North 1", "title_zh": "北一馆"}}, f)
    firm = make_enterprise(name="Robot Co.", hall="N1", booth="N1-A01")
    make_exhibit(enterprise=firm)
    make_exhibit(enterprise=firm)
    html = client.get("/?lang=zh").get_data(as_text=True)
    assert "春季机器人展" in html and "2022" not in html and "2027年4月2日" in html
    assert "Hall of Industry" in html  # no Chinese venue: the English one stands in
    assert re.search(r'href="/halls/N1">北一馆.*?共 2 件展品.*?共 1 家展商', html, re.S)
    app.config["CATALOGUE_EXPO_DATES"] = "next spring"  # malformed: left out, not a 500
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Spring Robotics Fair" in html and "next spring" not in html
