"""/api/v1/search and /api/v1/suggest: the SPEC 4 shapes, facets, escaping, and no 500 for any q."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.api.openapi import build_document
from tests.api.test_openapi import Contract


@pytest.fixture
def catalogue(make_category, make_enterprise, make_exhibit):
    ic = make_category(slug="integrated-circuits", name="Integrated circuits", name_zh="集成电路")
    chips = make_category(slug="chips", name="Chips", name_zh="芯片", parent=ic)
    company = make_enterprise(name="Xinlian Microelectronics", name_zh="重庆芯联微电子有限公司", hall="N1", booth="N1-A01")
    mcu = make_exhibit(enterprise=company, name="Automotive MCU chip", name_zh="车规级MCU芯片", category=chips,
                       description="An AEC-Q100 <script>alert(1)</script> microcontroller.", tags=["MCU", "车规级"])
    lidar = make_exhibit(name="Solid-state lidar", name_zh="固态激光雷达", tags=["LiDAR"])
    return {"company": company, "mcu": mcu, "lidar": lidar, "chips": chips}


def test_search_returns_the_documented_shape(client, catalogue):
    response = client.get("/api/v1/search?q=芯片")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"query", "total", "page", "per_page", "items", "facets", "did_you_mean"}
    assert body["query"] == "芯片" and body["page"] == 1 and body["per_page"] == 20
    first = body["items"][0]
    assert set(first) == {"type", "id", "name", "name_zh", "snippet", "score", "url"}
    assert (first["type"], first["id"]) == ("exhibit", catalogue["mcu"].id)
    assert first["url"].endswith(f"/exhibits/{catalogue['mcu'].id}")
    # without a type, a category counts its exhibits (what category=chips&type=exhibit gives);
    # the enterprise that matched is counted with type=enterprise
    assert {"slug": "chips", "name": "Chips", "name_zh": "芯片", "count": 1} in body["facets"]["category"]
    firms = client.get("/api/v1/search?q=芯片&type=enterprise").get_json()
    assert {"slug": "chips", "name": "Chips", "name_zh": "芯片", "count": 1} in firms["facets"]["category"]
    assert {"value": "exhibit", "count": 1} in body["facets"]["type"]
    assert {"value": "enterprise", "count": 1} in body["facets"]["type"]
    Contract(build_document()).check(response, "/api/v1/search")


def test_snippets_escape_html_and_mark_only_matches(client, catalogue):
    items = client.get("/api/v1/search?q=microcontroller").get_json()["items"]
    snippet = items[0]["snippet"]
    assert "<mark>microcontroller</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_enterprise_names_find_exhibits_and_pinyin_works(client, catalogue):
    ids = {(i["type"], i["id"]) for i in client.get("/api/v1/search?q=芯联").get_json()["items"]}
    assert ("enterprise", catalogue["company"].id) in ids and ("exhibit", catalogue["mcu"].id) in ids
    ids = {i["id"] for i in client.get("/api/v1/search?q=jgld").get_json()["items"]}
    assert catalogue["lidar"].id in ids
    ids = {i["id"] for i in client.get("/api/v1/search?q=MCU芯片&type=exhibit").get_json()["items"]}
    assert ids == {catalogue["mcu"].id}


def test_search_filters_and_bad_parameters(client, catalogue):
    body = client.get("/api/v1/search?q=chip&category=integrated-circuits&type=exhibit").get_json()
    assert [i["id"] for i in body["items"]] == [catalogue["mcu"].id]
    assert client.get("/api/v1/search?q=chip&type=booth").status_code == 400
    long = client.get("/api/v1/search", query_string={"q": "x" * 501})
    assert long.status_code == 400 and long.get_json()["error"]["code"] == "invalid_query"
    assert client.get("/api/v1/search?q=chip&per_page=101").status_code == 400
    assert client.get("/api/v1/search?q=chip&category=nope").get_json()["error"]["code"] == "not_found"


def test_suggest_completes_names_in_both_languages_and_pinyin(client, catalogue):
    def texts(prefix):
        response = client.get("/api/v1/suggest", query_string={"q": prefix})
        assert response.status_code == 200
        Contract(build_document()).check(response, "/api/v1/suggest")
        return [s["text"] for s in response.get_json()["suggestions"]]

    assert "车规级MCU芯片" in texts("车规")
    assert "Automotive MCU chip" in texts("auto")
    assert "固态激光雷达" in texts("gutai")
    assert texts("") == [] and texts("zzzz") == []
    assert len(client.get("/api/v1/suggest?q=a").get_json()["suggestions"]) <= 10


def test_searches_are_logged_without_personal_data(client, catalogue):
    from sqlalchemy import select

    from catalogue.extensions import db
    from catalogue.search.searchlog import SearchLogEntry

    client.get("/api/v1/search?q=lidar&type=exhibit")
    client.get("/search?q=nothing-like-this")
    entries = db.session.scalars(select(SearchLogEntry).order_by(SearchLogEntry.id)).all()
    assert [(e.query, e.results, e.source) for e in entries] == [("lidar", 1, "api"), ("nothing-like-this", 0, "page")]
    assert entries[0].filters == {"type": "exhibit"} and entries[0].latency_ms >= 0
    assert not hasattr(SearchLogEntry, "ip") and not hasattr(SearchLogEntry, "user_agent")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=80) | st.sampled_from(['"unbalanced', "name:x", "*", "a OR", "(((", "芯片 AND", "\x00\x01"]))
def test_any_query_string_gives_200_or_400(client, catalogue, q):
    for path in ("/api/v1/search", "/api/v1/suggest", "/search"):
        response = client.get(path, query_string={"q": q})
        assert response.status_code in (200, 400), (path, q, response.status_code)


def test_search_command(runner, catalogue):
    result = runner.invoke(args=["search", "激光雷达"])
    assert result.exit_code == 0
    assert "1 result(s) for '激光雷达'" in result.output and "固态激光雷达" in result.output
    result = runner.invoke(args=["search", "batery lidr"])
    assert result.exit_code == 0


def test_search_command_refuses_a_too_long_query_cleanly(runner, catalogue):
    result = runner.invoke(args=["search", "a" * 600])
    assert result.exit_code == 2
    assert "the limit is 500" in result.output and "Traceback" not in result.output
