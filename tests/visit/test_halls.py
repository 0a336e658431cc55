"""Hall maps: booth codes on a grid (derived or from instance/halls.json), highlights and links."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from catalogue.visit.halls import (
    InvalidHallLayout,
    Spot,
    hall_map,
    layout_for,
    parse_booth,
    read_layouts,
)


@pytest.mark.parametrize(
    "booth, spot",
    [
        ("N1-A03", Spot("A", 3)),
        ("n1-b12", Spot("B", 12)),
        ("A7", Spot("A", 7)),
        (" N1 - C 05 ", Spot("C", 5)),
        ("N2-A03", None),  # another hall's code
        ("Central stage", None),
        ("N1-A00", None),
        ("", None),
        (None, None),
    ],
)
def test_booth_codes_parse_into_row_and_position(booth, spot):
    assert parse_booth(booth, "N1") == spot


def firm(id_, booth):
    return SimpleNamespace(id=id_, booth=booth)


def test_the_layout_is_derived_from_the_booths_and_odd_ones_are_unplaced():
    firms = [firm(1, "N1-A01"), firm(2, "N1-B05"), firm(3, "N1-A03"), firm(4, "Stage"), firm(5, "N1-A03")]
    firms.append(firm(6, "N1-B02"))
    layout = layout_for("N1", [f.booth for f in firms])
    assert (layout.rows, layout.positions) == (["A", "B"], [1, 2, 3, 4, 5])
    drawn = hall_map(layout, firms, matches={2})
    assert [(b.code, [f.id for f in b.enterprises], b.match) for b in drawn.booths] == [
        ("N1-A01", [1], False), ("N1-A03", [3, 5], False), ("N1-B02", [6], False), ("N1-B05", [2], True),
    ]
    assert [f.id for f in drawn.unplaced] == [4]
    assert len(drawn.free) == 2 * 5 - 4


@pytest.mark.parametrize(("booths", "positions"), [
    (["N1-A01", "N1-A05", "N1-B03", "N1-B09"], [1, 3, 5, 7, 9]),  # one side of an aisle: odd numbers
    (["N1-A02", "N1-A06", "N1-B04"], [2, 4, 6]),
    (["N1-A01", "N1-A02", "N1-A06"], [1, 2, 3, 4, 5, 6]),  # both: every number
])
def test_booths_numbered_odd_or_even_only_leave_no_free_booth_between_them(booths, positions):
    layout = layout_for("N1", booths)
    assert layout.positions == positions
    drawn = hall_map(layout, [firm(i, b) for i, b in enumerate(booths)])
    assert [p for p, _x in drawn.column_labels] == positions
    assert drawn.unplaced == [] and len(drawn.free) == len(layout.rows) * len(positions) - len(booths)
    xs = [x for _p, x in drawn.column_labels]
    assert xs == sorted(xs) and len({b - a for a, b in zip(xs, xs[1:], strict=False)}) <= 1  # evenly spaced


def test_a_configured_layout_wins_and_booths_outside_it_are_unplaced():
    layout = layout_for("N1", ["N1-A01", "N1-C02", "N1-A30"], {"rows": ["a", "B"], "columns": 20, "title": "North"})
    assert (layout.rows, layout.columns, layout.title) == (["A", "B"], 20, "North")
    drawn = hall_map(layout, [firm(1, "N1-A01"), firm(2, "N1-C02"), firm(3, "N1-A30")])
    assert [b.code for b in drawn.booths] == ["N1-A01"]
    assert [f.id for f in drawn.unplaced] == [2, 3]


@pytest.mark.parametrize(
    "content", ["[1, 2]", "{", '{"N1": 3}', '{"N1": {"rows": "AB"}}', '{"N1": {"columns": 0}}']
)
def test_a_malformed_layout_file_is_reported(tmp_path, content):
    path = tmp_path / "halls.json"
    path.write_text(content)
    with pytest.raises(InvalidHallLayout):
        read_layouts(path)
    assert read_layouts(tmp_path / "missing.json") == {}


# The page


@pytest.fixture
def hall_n1(make_category, make_enterprise, make_exhibit):
    chips = make_category(slug="chips", name="Chips", name_zh="芯片")
    a = make_enterprise(name="Chip Co.", name_zh="芯片公司", hall="N1", booth="N1-A01")
    b = make_enterprise(name="Car Co.", name_zh="汽车公司", hall="N1", booth="N1-B03")
    c = make_enterprise(name="Stage Co.", hall="N1", booth="Main stage")
    make_exhibit(enterprise=a, name="MCU", name_zh="微控制器", category=chips)
    make_exhibit(enterprise=b, name="Lidar", name_zh="激光雷达")
    return a, b, c


def test_the_hall_page_draws_each_booth_as_a_named_link(client, hall_n1):
    a, b, c = hall_n1
    html = client.get("/halls/N1?lang=en").get_data(as_text=True)
    assert "<h1>Hall N1</h1>" in html and "<svg" in html
    link = re.search(rf'<a href="/enterprises/{a.id}" class="booth"\s+aria-label="([^"]+)">\s*<title>([^<]+)</title>', html)
    assert link and link[1] == link[2] == "Booth N1-A01: Chip Co."
    assert f'href="/enterprises/{b.id}" class="booth"' in html
    unplaced = html[html.index("Booths not on the map"):]
    assert f'href="/enterprises/{c.id}">Stage Co.</a>' in unplaced[: unplaced.index("</section>")]
    assert "style=" not in html and "<script>" not in html
    chinese = client.get("/halls/N1?lang=zh").get_data(as_text=True)
    assert "<h1>N1 馆</h1>" in chinese and 'aria-label="展位 N1-A01：芯片公司"' in chinese


@pytest.mark.parametrize("query", ["category=chips", "q=mcu", "q=微控制器", "q=chip+co"])
def test_booths_of_a_category_or_search_are_highlighted(client, hall_n1, query):
    a, b, _ = hall_n1
    html = client.get(f"/halls/N1?{query}&lang=en").get_data(as_text=True)
    assert f'href="/enterprises/{a.id}" class="booth is-match"' in html
    assert f'href="/enterprises/{b.id}" class="booth"' in html
    assert "1 booth highlighted" in html


def test_the_organizers_layout_file_names_and_shapes_the_hall(app, client, hall_n1):
    path = app.instance_path + "/halls.json"
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"N1": {"rows": ["A", "B", "C"], "columns": 12, "title": "North 1", "title_zh": "北一馆"},
                   "S9": {"title": "Empty hall"}}, f)
    html = client.get("/halls/N1?lang=zh").get_data(as_text=True)
    assert "<h1>北一馆</h1>" in html and html.count('class="booth-free"') == 3 * 12 - 2
    assert client.get("/halls/S9").status_code == 200  # configured, no booths yet


def test_an_unknown_hall_is_404(client, hall_n1):
    assert client.get("/halls/Z9").status_code == 404
    assert client.get("/halls/%3Cb%3E").status_code == 404


def test_pages_link_to_the_hall_map(client, hall_n1, make_exhibit):
    a, _, _ = hall_n1
    assert 'href="/halls/N1"' in client.get("/").get_data(as_text=True)
    assert f'href="/halls/N1?enterprise={a.id}"' in client.get(f"/enterprises/{a.id}").get_data(as_text=True)
    exhibit = a.exhibits[0]
    assert f'href="/halls/N1?enterprise={a.id}"' in client.get(f"/exhibits/{exhibit.id}").get_data(as_text=True)


def test_every_demo_hall_has_a_map(demo_client):
    for hall in ("N1", "N2", "N3", "S1"):
        html = demo_client.get(f"/halls/{hall}?lang=en").get_data(as_text=True)
        assert html.count('class="booth') > 5 and "Booths not on the map" not in html
        # the demo numbers booths 01, 03, 05…: no free column between each two
        labels = [int(n) for n in re.findall(r'<text class="axis" x="\d+" y="18"[^>]*>(\d+)</text>', html)]
        assert labels and all(n % 2 == 1 for n in labels), labels
