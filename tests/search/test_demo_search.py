"""The search contract end to end, on the bundled demo catalogue through /api/v1/search: Chinese
typos fall back and get a spelling, swapped letters are one typo, category names and codes find."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalogue.catalog.models import Enterprise, Exhibit
from catalogue.extensions import db


def search(client, text: str, **params) -> dict:
    response = client.get("/api/v1/search", query_string={"q": text, "per_page": 50, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def found(body: dict) -> list[tuple[str, int]]:
    return [(item["type"], item["id"]) for item in body["items"]]


def test_a_chinese_typo_falls_back_to_partial_matches_and_offers_the_spelling(demo_client):
    body = search(demo_client, "电池官理")
    assert body["partial"] is True and body["total"] > 0
    assert body["did_you_mean"] == "电池管理"
    assert all("电池" in (item["name_zh"] or "") + item["snippet"] for item in body["items"][:3])
    corrected = search(demo_client, body["did_you_mean"])
    assert corrected["partial"] is False and corrected["total"] > 0


def test_a_category_name_finds_its_exhibits(demo_client):
    assert search(demo_client, "智慧城市")["total"] >= 10
    assert search(demo_client, "smart city", type="exhibit")["total"] >= 10


def test_codes_find_their_exhibit_or_enterprise_first(demo_app, demo_client):
    with demo_app.app_context():
        exhibit = db.session.scalar(select(Exhibit).where(Exhibit.exhibit_code == "SC-2022-001"))
        enterprise = exhibit.enterprise
        at_booth = {("enterprise", enterprise.id)} | {("exhibit", e.id) for e in enterprise.exhibits}
        credit_code, booth = enterprise.credit_code, enterprise.booth
        assert db.session.scalar(select(Enterprise.id).where(Enterprise.booth == booth)) == enterprise.id
    assert found(search(demo_client, "SC-2022-001"))[0] == ("exhibit", exhibit.id)
    assert found(search(demo_client, "sc-2022-001"))[0] == ("exhibit", exhibit.id)
    assert found(search(demo_client, credit_code))[0] == ("enterprise", enterprise.id)
    assert set(found(search(demo_client, booth))) == at_booth


@pytest.mark.parametrize(("typo", "word"), [("snesor", "sensor"), ("vehicel", "vehicle"), ("cihp", "chip")])
def test_swapped_letters_are_one_typo(demo_client, typo, word):
    body = search(demo_client, typo)
    assert body["did_you_mean"] == word and body["total"] > 0
    assert word in (body["items"][0]["name"] or "").lower() + body["items"][0]["snippet"].lower()
