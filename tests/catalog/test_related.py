"""Related exhibits: the same category first, then the most shared tags; never the exhibit itself."""

from __future__ import annotations

from catalogue.catalog.queries import related_exhibits


def test_related_exhibits_rank_category_then_shared_tags(make_category, make_exhibit):
    chips, cars = make_category(), make_category()
    me = make_exhibit(name="MCU", category=chips, tags=["MCU", "车规级", "automotive"])
    same_category = make_exhibit(name="PMIC", category=chips, tags=[])
    two_tags = make_exhibit(name="Radar", category=cars, tags=["automotive", "车规级"])
    one_tag = make_exhibit(name="Gateway", category=cars, tags=["mcu"])
    make_exhibit(name="Unrelated", category=cars, tags=["battery", "MCU-like"])
    make_exhibit(name="Untagged")

    assert related_exhibits(me) == [same_category, two_tags, one_tag]
    assert related_exhibits(me, limit=2) == [same_category, two_tags]


def test_at_most_six_and_nothing_for_a_lone_exhibit(make_category, make_exhibit):
    chips = make_category()
    me = make_exhibit(category=chips)
    others = [make_exhibit(category=chips) for _ in range(8)]
    assert related_exhibits(me) == others[:6]
    assert related_exhibits(make_exhibit(tags=[])) == []


def test_the_exhibit_page_shows_related_exhibits(client, make_category, make_exhibit):
    chips = make_category()
    me = make_exhibit(name="MCU", category=chips)
    other = make_exhibit(name="PMIC", category=chips)
    html = client.get(f"/exhibits/{me.id}?lang=en").get_data(as_text=True)
    section = html[html.index('id="related-exhibits"'):]
    assert "Related exhibits" in section and f'href="/exhibits/{other.id}">PMIC</a>' in section
    assert f'href="/exhibits/{me.id}">' not in section
    assert "相关展品" in client.get(f"/exhibits/{me.id}?lang=zh").get_data(as_text=True)
