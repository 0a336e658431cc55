"""The visit plan: a cookie of ids, forms that work without script, JSON for the script, /plan and CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from catalogue.visit.plan import MAX_ITEMS, Plan, natural_key, parse_plan


def plan_cookie(client) -> str | None:
    cookie = client.get_cookie("plan")
    return cookie.value if cookie else None


# The cookie format (pure)


@pytest.mark.parametrize(
    "value, items",
    [
        ("x12.e7.x40", (("exhibit", 12), ("enterprise", 7), ("exhibit", 40))),
        ("x12.x12.e7", (("exhibit", 12), ("enterprise", 7))),
        ("x0.x-1.y5.x1e3.e 3.x" + "9" * 30 + ".e05.x5", (("exhibit", 5),)),
        ("", ()),
        (None, ()),
        ("<script>.x3", (("exhibit", 3),)),
    ],
)
def test_a_cookie_is_parsed_keeping_only_valid_ids(value, items):
    assert parse_plan(value).items == items


def test_a_plan_round_trips_and_holds_at_most_200_items():
    plan = Plan()
    for n in range(1, MAX_ITEMS + 50):
        plan = plan.add("exhibit", n)
    assert len(plan) == MAX_ITEMS and plan.full
    assert parse_plan(plan.cookie_value()) == plan
    assert len(parse_plan(plan.cookie_value() + ".e1.e2")) == MAX_ITEMS
    assert plan.remove("exhibit", 1).add("enterprise", 9).has("enterprise", 9)


def test_booths_sort_naturally():
    booths = ["N1-A10", "N1-A9", None, "N1-B01", "N1-A01"]
    assert sorted(booths, key=natural_key) == ["N1-A01", "N1-A9", "N1-A10", "N1-B01", None]


# Adding and removing, without and with script


def test_adding_without_script_sets_the_cookie_and_goes_back(client, make_exhibit, post_plan):
    exhibit = make_exhibit(name="Edge AI chip")
    response = post_plan(client, "add", "exhibit", exhibit.id, next=f"/exhibits/{exhibit.id}?lang=en")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/exhibits/{exhibit.id}?lang=en"
    assert plan_cookie(client) == f"x{exhibit.id}"
    set_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("plan="))
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie

    page = client.get(f"/exhibits/{exhibit.id}?lang=en").get_data(as_text=True)
    assert 'action="/plan/remove"' in page and "Remove from plan" in page
    assert '<span class="plan-count" data-plan-count>1</span>' in page

    post_plan(client, "remove", "exhibit", exhibit.id)
    assert plan_cookie(client) == ""
    assert "Add to plan" in client.get(f"/exhibits/{exhibit.id}?lang=en").get_data(as_text=True)


def test_the_script_gets_json_and_the_same_cookie(client, make_enterprise, post_plan):
    enterprise = make_enterprise()
    response = post_plan(client, "add", "enterprise", enterprise.id, json=True)
    assert response.status_code == 200
    assert response.json == {"in_plan": True, "count": 1, "message": "Added to your visit plan."}
    assert plan_cookie(client) == f"e{enterprise.id}"
    client.get("/?lang=zh")
    response = post_plan(client, "remove", "enterprise", enterprise.id, json=True)
    assert response.json == {"in_plan": False, "count": 0, "message": "已移出参观计划。"}


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"])
def test_the_return_address_stays_on_this_site(client, make_exhibit, post_plan, next_url):
    exhibit = make_exhibit()
    response = post_plan(client, "add", "exhibit", exhibit.id, next=next_url)
    assert response.headers["Location"] == "/plan"


@pytest.mark.parametrize("kind, item_id", [("exhibit", "abc"), ("booth", "1"), ("exhibit", "0"), ("exhibit", "9" * 30)])
def test_bad_plan_changes_are_refused(client, make_exhibit, post_plan, kind, item_id):
    make_exhibit()
    assert post_plan(client, "add", kind, item_id).status_code == 400
    assert plan_cookie(client) is None


def test_unknown_items_are_404_and_posts_need_the_csrf_token(client, make_exhibit, post_plan):
    exhibit = make_exhibit()
    assert post_plan(client, "add", "exhibit", exhibit.id + 1000).status_code == 404
    assert client.post("/plan/add", data={"kind": "exhibit", "id": str(exhibit.id)}).status_code == 400
    assert plan_cookie(client) is None


def test_a_full_plan_refuses_more(client, make_exhibit, post_plan):
    exhibit = make_exhibit()
    client.set_cookie("plan", ".".join(f"e{n}" for n in range(1, MAX_ITEMS + 1)))
    response = post_plan(client, "add", "exhibit", exhibit.id)
    assert response.status_code == 409 and "full" in response.get_data(as_text=True)


# The plan page and its CSV


@pytest.fixture
def planned(client, make_enterprise, make_exhibit):
    """A plan of an enterprise in N2 and two exhibits of enterprises in N1 (booths A10 and A9)."""
    far = make_enterprise(name="Far Co.", name_zh="远方公司", hall="N2", booth="N2-A01")
    late = make_enterprise(name="Late Co.", hall="N1", booth="N1-A10")
    early = make_enterprise(name="Early Co.", hall="N1", booth="N1-A9")
    x1 = make_exhibit(enterprise=late, name="=HYPERLINK(\"http://x\")", name_zh="公式")
    x2 = make_exhibit(enterprise=early, name="Sensor", name_zh="传感器", exhibit_code="SC-1")
    make_exhibit(enterprise=early, name="Not chosen")
    client.set_cookie("plan", f"e{far.id}.x{x1.id}.x{x2.id}.x999999")
    return far, late, early, x1, x2


def test_the_plan_lists_booths_in_walking_order(client, planned):
    html = client.get("/plan?lang=en").get_data(as_text=True)
    assert html.index("Early Co.") < html.index("Late Co.") < html.index("Far Co.")
    assert ">Sensor</a>" in html and "Not chosen" not in html
    assert "Booth N1-A9" in html and 'href="/plan.csv"' in html
    assert html.count('action="/plan/remove"') == 3
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html


def test_an_empty_plan_explains_itself(client):
    html = client.get("/plan?lang=zh").get_data(as_text=True)
    assert "参观计划还是空的" in html and "plan.csv" not in html


def test_the_csv_has_a_bom_one_row_per_exhibit_and_no_formulas(client, planned):
    far, late, early, x1, x2 = planned
    response = client.get("/plan.csv?lang=en")
    assert response.mimetype == "text/csv"
    assert 'filename="visit-plan.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Hall", "Booth", "Enterprise"]
    assert [r[1] for r in rows[1:]] == ["N1-A9", "N1-A10", "N2-A01"]
    assert rows[1][4:7] == ["Sensor", "传感器", "SC-1"]
    assert rows[2][4] == "'=HYPERLINK(\"http://x\")"
    assert rows[3][3] == "远方公司" and rows[3][7] == f"http://localhost/enterprises/{far.id}"
    assert "展馆" in client.get("/plan.csv?lang=zh").data.decode("utf-8-sig").splitlines()[0]


def test_the_csv_neutralises_full_width_formula_starts(client, make_enterprise, make_exhibit):
    wide = make_enterprise(name="＠Wide Co.", name_zh="＝宽体公司", hall="N1", booth="－A01")
    exhibit = make_exhibit(enterprise=wide, name="＋cmd|' /C calc'!A0", name_zh="﹦展品")
    client.set_cookie("plan", f"x{exhibit.id}")
    rows = list(csv.reader(io.StringIO(client.get("/plan.csv?lang=en").data.decode("utf-8-sig"))))
    assert rows[1][1:6] == ["'－A01", "'＠Wide Co.", "'＝宽体公司", "'＋cmd|' /C calc'!A0", "'﹦展品"]


def test_cards_offer_the_plan_button_with_the_csrf_field(client, make_exhibit):
    make_exhibit(name="Lidar")
    html = client.get("/exhibits?lang=en").get_data(as_text=True)
    form = re.search(r'<form class="plan-toggle".*?</form>', html, re.S)[0]
    assert 'action="/plan/add"' in form and 'name="csrf_token"' in form
    assert '<span class="visually-hidden">: Lidar</span>' in form
