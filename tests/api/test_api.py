"""The JSON API: lists, filters, pagination, details, the category tree and the error envelope."""

from __future__ import annotations

import pytest

EXHIBIT_KEYS = [
    "id", "exhibit_code", "name", "name_zh", "description", "description_zh", "tags",
    "category", "enterprise", "url",
]  # fmt: skip
ENTERPRISE_KEYS = [
    "id", "name", "name_zh", "credit_code", "hall", "booth", "website", "description",
    "description_zh", "url", "exhibit_count",
]  # fmt: skip


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.is_json
    assert list(response.json) == ["error"]
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    return response.json["error"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


# Lists and pagination


def test_exhibits_are_paginated(client, make_exhibit, make_enterprise):
    enterprise = make_enterprise()
    made = [make_exhibit(enterprise=enterprise).id for _ in range(25)]

    first = client.get("/api/v1/exhibits")
    assert first.status_code == 200
    assert {k: first.json[k] for k in ("total", "page", "per_page")} == {
        "total": 25, "page": 1, "per_page": 20,
    }  # fmt: skip
    assert list(first.json) == ["items", "total", "page", "per_page"]
    assert ids(first) == made[:20]
    assert ids(client.get("/api/v1/exhibits?page=2")) == made[20:]
    assert ids(client.get("/api/v1/exhibits?page=3&per_page=10")) == made[20:]
    past_the_end = client.get("/api/v1/exhibits?page=9")
    assert ids(past_the_end) == [] and past_the_end.json["total"] == 25
    assert len(ids(client.get("/api/v1/exhibits?per_page=100"))) == 25


def test_enterprises_are_paginated(client, make_enterprise):
    made = [make_enterprise(booth=f"N1-{n:03d}").id for n in range(7)]
    response = client.get("/api/v1/enterprises?per_page=3&page=3")
    assert ids(response) == made[6:]
    assert (response.json["total"], response.json["page"], response.json["per_page"]) == (7, 3, 3)


@pytest.mark.parametrize("path", ["/api/v1/exhibits", "/api/v1/enterprises"])
def test_per_page_above_the_limit_is_refused(client, path):
    error = assert_error(client.get(f"{path}?per_page=101"), 400, "invalid_parameter")
    assert "per_page" in error["message"] and "100" in error["message"]


@pytest.mark.parametrize(
    "query",
    [
        "page=0", "page=-1", "page=abc", "page=1.5", "page=+2", "page=%EF%BC%92",
        "page=99999999999999999999999999", "per_page=0", "per_page=x", "per_page=1e2",
        "enterprise=abc", "enterprise=0", "enterprise=99999999999999999999999", "hall=N1%00",
    ],
)  # fmt: skip
def test_malformed_parameters_are_refused_with_the_envelope(client, query):
    name = query.split("=")[0]
    error = assert_error(client.get(f"/api/v1/exhibits?{query}"), 400, "invalid_parameter")
    assert name in error["message"]


def test_empty_parameters_mean_no_filter(client, make_exhibit):
    exhibit = make_exhibit()
    response = client.get("/api/v1/exhibits?category=&enterprise=&hall=&page=&per_page=")
    assert ids(response) == [exhibit.id]
    assert response.json["per_page"] == 20


# Filters


def test_exhibit_category_filter_includes_sub_categories(client, chips_tree, make_exhibit):
    ic, chips, core = chips_tree
    on_ic, on_chips = make_exhibit(category=ic), make_exhibit(category=chips)
    make_exhibit(category=core)
    make_exhibit()

    listed = ids(client.get("/api/v1/exhibits?category=integrated-circuits"))
    assert sorted(listed) == [on_ic.id, on_chips.id]  # listed by booth; the factory numbers booths
    assert ids(client.get("/api/v1/exhibits?category=chips")) == [on_chips.id]


def test_exhibit_hall_and_enterprise_filters(client, make_enterprise, make_exhibit):
    north = make_enterprise(hall="N1", booth="N1-01")
    south = make_enterprise(hall="S2", booth="S2-01")
    north_exhibits = [make_exhibit(enterprise=north).id for _ in range(2)]
    south_exhibit = make_exhibit(enterprise=south)

    assert ids(client.get("/api/v1/exhibits?hall=S2")) == [south_exhibit.id]
    assert ids(client.get(f"/api/v1/exhibits?enterprise={north.id}")) == north_exhibits
    assert ids(client.get(f"/api/v1/exhibits?enterprise={north.id}&hall=S2")) == []
    assert client.get("/api/v1/exhibits?hall=S2").json["total"] == 1


def test_enterprise_filters(client, chips_tree, make_enterprise, make_exhibit):
    _, chips, core = chips_tree
    chip_maker = make_enterprise(hall="N1")
    component_maker = make_enterprise(hall="S2")
    make_exhibit(enterprise=chip_maker, category=chips)
    make_exhibit(enterprise=chip_maker, category=chips)
    make_exhibit(enterprise=component_maker, category=core)

    assert ids(client.get("/api/v1/enterprises?category=integrated-circuits")) == [chip_maker.id]
    assert ids(client.get("/api/v1/enterprises?hall=S2")) == [component_maker.id]
    listed = client.get("/api/v1/enterprises?category=chips").json["items"]
    assert listed[0]["exhibit_count"] == 2  # all its exhibits, not only those in the category


@pytest.mark.parametrize("path", ["/api/v1/exhibits", "/api/v1/enterprises"])
def test_unknown_category_is_not_found(client, path):
    error = assert_error(client.get(f"{path}?category=no-such-thing"), 404, "not_found")
    assert "no-such-thing" in error["message"]


# Details


def test_exhibit_detail(client, chips_tree, make_enterprise, make_exhibit):
    _, chips, _ = chips_tree
    enterprise = make_enterprise(
        name="Chongqing Chips Co.", name_zh="重庆芯片公司", hall="N1", booth="N1-A08"
    )
    exhibit = make_exhibit(
        enterprise=enterprise, category=chips, exhibit_code="SC-001", name="MCU chip",
        name_zh="MCU芯片", description="A 32-bit MCU.", description_zh="32位微控制器。",
        tags=["MCU", "车规级"],
    )  # fmt: skip

    response = client.get(f"/api/v1/exhibits/{exhibit.id}")
    assert response.status_code == 200
    assert list(response.json) == EXHIBIT_KEYS
    assert response.json == {
        "id": exhibit.id,
        "exhibit_code": "SC-001",
        "name": "MCU chip",
        "name_zh": "MCU芯片",
        "description": "A 32-bit MCU.",
        "description_zh": "32位微控制器。",
        "tags": ["MCU", "车规级"],
        "category": {"slug": "chips", "name": "Chips", "name_zh": "芯片"},
        "enterprise": {
            "id": enterprise.id,
            "name": "Chongqing Chips Co.",
            "name_zh": "重庆芯片公司",
            "booth": "N1-A08",
            "hall": "N1",
        },  # fmt: skip
        "url": f"http://localhost/exhibits/{exhibit.id}",
    }


def test_exhibit_without_category_or_english_name(client, make_exhibit):
    exhibit = make_exhibit(name=None, name_zh="智能座舱", category=None, tags=None)
    data = client.get(f"/api/v1/exhibits/{exhibit.id}").json
    assert (data["name"], data["name_zh"], data["category"], data["tags"]) == (
        None,
        "智能座舱",
        None,
        [],
    )


def test_enterprise_detail_lists_its_exhibits(client, chips_tree, make_enterprise, make_exhibit):
    _, chips, _ = chips_tree
    enterprise = make_enterprise(
        credit_code="91500000MA5U7JBP2H", website="https://example.com", description="Chips.",
        description_zh="芯片。",
    )  # fmt: skip
    first = make_exhibit(enterprise=enterprise, category=chips)
    second = make_exhibit(enterprise=enterprise)
    make_exhibit()  # another enterprise's

    response = client.get(f"/api/v1/enterprises/{enterprise.id}")
    assert response.status_code == 200
    data = response.json
    assert list(data) == [*ENTERPRISE_KEYS, "exhibits"]
    assert data["credit_code"] == "91500000MA5U7JBP2H"
    assert data["website"] == "https://example.com"
    assert (data["hall"], data["booth"]) == (enterprise.hall, enterprise.booth)
    assert data["url"] == f"http://localhost/enterprises/{enterprise.id}"
    assert data["exhibit_count"] == 2
    assert [e["id"] for e in data["exhibits"]] == [first.id, second.id]
    assert list(data["exhibits"][0]) == [k for k in EXHIBIT_KEYS if k != "enterprise"]
    assert data["exhibits"][0]["category"]["slug"] == "chips"


def test_enterprise_list_items_have_no_exhibits(client, make_exhibit):
    make_exhibit()
    assert list(client.get("/api/v1/enterprises").json["items"][0]) == ENTERPRISE_KEYS


@pytest.mark.parametrize("kind", ["exhibits", "enterprises"])
@pytest.mark.parametrize("raw_id", ["999999", "0", "abc", "-1", "1.0", "99999999999999999999999"])
def test_missing_or_malformed_id_is_not_found(client, kind, raw_id):
    response = client.get(f"/api/v1/{kind}/{raw_id}")
    assert_error(response, 404, "not_found")


def test_missing_record_names_the_id(client):
    assert "4242" in assert_error(client.get("/api/v1/exhibits/4242"), 404, "not_found")["message"]


# Category tree


def test_category_tree_counts_include_sub_categories(client, chips_tree, make_category, make_exhibit):
    ic, chips, core = chips_tree
    sensors = make_category(slug="sensors", name="Sensors", name_zh="传感器", parent=core)
    make_exhibit(category=ic)
    for _ in range(3):
        make_exhibit(category=chips)
    make_exhibit(category=sensors)

    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    assert response.json == [
        {
            "slug": "integrated-circuits", "name": "Integrated circuits", "name_zh": "集成电路",
            "count": 4,
            "children": [
                {"slug": "chips", "name": "Chips", "name_zh": "芯片", "count": 3, "children": []}
            ],
        },
        {
            "slug": "core-components", "name": "Core components", "name_zh": "核心元器件",
            "count": 1,
            "children": [
                {"slug": "sensors", "name": "Sensors", "name_zh": "传感器", "count": 1, "children": []}
            ],
        },
    ]  # fmt: skip


def test_empty_catalogue_has_an_empty_tree(client):
    assert client.get("/api/v1/categories").json == []


# Encoding and errors


def test_chinese_text_is_sent_as_utf8_characters(client, make_enterprise, make_exhibit):
    enterprise = make_enterprise(name_zh="重庆芯片有限公司")
    exhibit = make_exhibit(enterprise=enterprise, name_zh="车规级芯片")
    for path in (f"/api/v1/exhibits/{exhibit.id}", "/api/v1/exhibits", "/api/v1/enterprises"):
        response = client.get(path)
        assert response.mimetype == "application/json"
        body = response.get_data()  # JSON is UTF-8 by definition (RFC 8259), no charset parameter
        assert "重庆芯片有限公司".encode() in body
        assert b"\\u" not in body
    assert "车规级芯片".encode() in client.get("/api/v1/exhibits").get_data()


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v2/exhibits", "/api/v1/exhibits/1/x"]
)
def test_unknown_api_paths_get_the_envelope(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_wrong_method_gets_the_envelope(client, method):
    response = getattr(client, method)("/api/v1/exhibits")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


# The demo catalogue


def test_demo_catalogue_figures(demo_client):
    exhibits = demo_client.get("/api/v1/exhibits?per_page=1")
    assert exhibits.status_code == 200
    assert exhibits.json["total"] == 112
    assert demo_client.get("/api/v1/enterprises?per_page=1").json["total"] >= 60

    def find(nodes: list[dict], slug: str) -> dict | None:
        for node in nodes:
            if node["slug"] == slug:
                return node
            if found := find(node["children"], slug):
                return found
        return None

    chips = find(demo_client.get("/api/v1/categories").json, "chips")
    assert chips is not None and chips["count"] == 5
    assert demo_client.get("/api/v1/exhibits?category=chips").json["total"] == 5
