"""What the visitor and console pages show of cross-language search: the synonyms console (zh and
en), machine-matched hints, the category shortcut, and "also searched as" on /about."""

from __future__ import annotations

import re

from catalogue.catalog.models import Category
from catalogue.extensions import db
from catalogue.search import synonyms
from tests.conftest import csrf_token


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


def test_an_admin_adds_edits_and_deletes_a_group_in_the_console(admin_client, make_exhibit):
    exhibit = make_exhibit(name=None, name_zh="小蛮腰灯光秀", tags=[])
    token = csrf_token(admin_client, "/organizer/synonyms")
    response = admin_client.post("/organizer/synonyms", data={
        "csrf_token": token, "zh": "小蛮腰；广州塔", "en": "Canton Tower", "abbreviations": ""})
    assert response.status_code == 302
    group = synonyms.list_groups()[0]
    assert (group.zh, group.en) == ("小蛮腰;广州塔", "Canton Tower")
    found = admin_client.get("/search?q=canton+tower&lang=en")
    assert f"/exhibits/{exhibit.id}" in found.get_data(as_text=True)
    admin_client.post(f"/organizer/synonyms/{group.id}", data={
        "csrf_token": token, "zh": "小蛮腰", "en": "Canton Tower;Guangzhou Tower", "abbreviations": ""})
    db.session.expire_all()
    assert synonyms.list_groups()[0].en == "Canton Tower;Guangzhou Tower"
    admin_client.post(f"/organizer/synonyms/{group.id}/delete", data={"csrf_token": token})
    assert synonyms.list_groups() == []


def test_a_bad_group_is_refused_with_the_reason_in_the_ui_language(admin_client):
    token = csrf_token(admin_client, "/organizer/synonyms")
    response = admin_client.post("/organizer/synonyms?lang=zh", data={
        "csrf_token": token, "zh": "芯", "en": "chip", "abbreviations": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert "中文词“芯”必须是中文，且至少两个字。" in page
    assert 'value="chip"' in response.get_data(as_text=True)  # what was typed is kept
    assert synonyms.list_groups() == []


def test_the_console_page_speaks_either_language(admin_client):
    synonyms.save_group(None, synonyms.check("广州塔", "Canton Tower", ""))
    db.session.commit()
    english = text_of(admin_client.get("/organizer/synonyms?lang=en"))
    chinese = text_of(admin_client.get("/organizer/synonyms?lang=zh"))
    assert "Chinese terms" in english and "1 group" in english
    assert "中文词" in chinese and "共 1 组" in chinese
    assert "Chinese terms" not in chinese and "Abbreviations" not in chinese
    assert "中文词" not in english


def test_editors_cannot_open_the_synonyms_page(editor_client):
    assert editor_client.get("/organizer/synonyms").status_code == 403


def test_about_lists_what_each_term_is_also_searched_as(client, app):
    synonyms.save_group(None, synonyms.check("广州塔;小蛮腰", "Canton Tower", ""))
    db.session.commit()
    page = text_of(client.get("/about?lang=en"))
    assert "广州塔 — also searched as 小蛮腰, Canton Tower" in page
    assert "也可搜索" in text_of(client.get("/about?lang=zh"))


def test_one_language_entries_show_a_labelled_machine_matched_hint(client, make_exhibit):
    chinese_only = make_exhibit(name=None, name_zh="碳化硅功率模块", tags=[])
    english_only = make_exhibit(name="Solid-state LiDAR", name_zh=None, tags=[])
    page = text_of(client.get("/search?q=power+module&lang=en"))
    assert "Machine-matched: silicon carbide power module" in page
    page = text_of(client.get("/search?q=激光雷达&lang=zh"))
    assert "机器匹配： 固态激光雷达" in page
    exhibit_page = text_of(client.get(f"/exhibits/{english_only.id}?lang=en"))
    assert "Machine-matched: 固态激光雷达" in exhibit_page
    db.session.refresh(chinese_only)
    assert chinese_only.name is None  # shown, never stored


def test_a_query_equal_to_a_category_name_offers_the_category_first(client, make_exhibit):
    category = Category(slug="icv", name="Intelligent connected new energy vehicles", name_zh="智能网联新能源汽车")
    db.session.add(category)
    db.session.commit()
    inside = [make_exhibit(name=f"Cockpit {n}", name_zh=f"座舱{n}", category=category, tags=[]) for n in range(3)]
    make_exhibit(name="EV charger", name_zh="新能源汽车充电桩", tags=[])
    response = client.get("/search?q=智能网联新能源汽车&lang=zh")
    html = response.get_data(as_text=True)
    assert "查看智能网联新能源汽车全部 3 件展品 →" in text_of(response)
    first = re.findall(r'href="/exhibits/(\d+)"', html)[:3]
    assert sorted(map(int, first)) == sorted(e.id for e in inside)
    english = text_of(client.get("/search?q=Intelligent+connected+new+energy+vehicles&lang=en"))
    assert "All 3 in Intelligent connected new energy vehicles →" in english
