"""Relevance over the bilingual fixture catalogue: what a visitor types and what should come first."""

from __future__ import annotations

import re

import pytest

from catalogue.search.engine import SearchIndex, SearchRequest
from tests.search import corpus


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    index = SearchIndex(str(tmp_path_factory.mktemp("relevance")))
    documents = corpus.documents()
    # a rebuild and then a later commit, so that the index has several segments, as in use
    index.rebuild(documents[:-10], {"applied": 0}, corpus.words())
    index.apply(documents[-10:], [], {"applied": 1})
    yield index
    index.close()


def searched_text(doc_id: str) -> str:
    """Every searched text field of a fixture document (category names included), lower-cased."""
    doc = next(d for d in corpus.documents() if d["id"] == doc_id)
    fields = ("name", "name_zh", "enterprise_name", "description", "description_zh", "category_names")
    return " ".join([*(doc[f] or "" for f in fields), *doc["tags"]]).lower()


def ids(index, text, n=10, **filters):
    return [hit.id for hit in index.search(SearchRequest(text, per_page=n, **filters)).hits]


# (query, ids that must all be in the top 3), in the visitor's words.
TOP3 = [
    # Chinese
    ("激光雷达", ["exhibit:6", "exhibit:7", "exhibit:8"]),
    ("毫米波雷达", ["exhibit:34"]),
    ("动力电池", ["exhibit:11"]),
    ("碳化硅", ["exhibit:14", "exhibit:15"]),
    ("智慧城市", ["exhibit:22"]),
    ("数字孪生", ["exhibit:26"]),
    ("手术机器人", ["exhibit:32"]),
    ("车规级MCU芯片", ["exhibit:1"]),
    ("芯联", ["enterprise:1"]),
    ("重庆芯联微电子有限公司", ["enterprise:1"]),
    ("胎压", ["exhibit:39"]),
    # English, stemmed
    ("lidar", ["exhibit:6", "exhibit:7"]),
    ("LiDAR sensor", ["exhibit:6"]),
    ("sensors", ["exhibit:40"]),
    ("sodium batteries", ["exhibit:55"]),
    ("microcontroller", ["exhibit:1"]),
    ("silicon carbide", ["exhibit:15"]),
    ("smart city", ["exhibit:22"]),
    ("surgical robots", ["exhibit:32"]),
    ("medical imaging", ["exhibit:30"]),
    ("digital twin", ["exhibit:26"]),
    # mixed scripts, both ways
    ("MCU芯片", ["exhibit:1"]),
    ("5G芯片", ["exhibit:18", "exhibit:19"]),
    ("SiC 衬底", ["exhibit:15"]),
    ("5G小基站", ["exhibit:20"]),
    # typos, by characters
    ("lidr", ["exhibit:6", "exhibit:7"]),
    ("batery pack", ["exhibit:11"]),
    ("semiconductr", ["exhibit:42"]),
    ("microcontroler", ["exhibit:1"]),
    ("ultrasund", ["exhibit:33"]),
    # swapped neighbours count as one typo
    ("snesor", ["exhibit:40"]),
    ("vehicel", ["exhibit:38"]),
    ("cihp", ["exhibit:54"]),
    # category names, either language, any level of the path
    ("智慧城市", ["exhibit:23"]),
    ("医疗器械", ["exhibit:30", "exhibit:31"]),
    # codes typed whole
    ("SC-2024-014", ["exhibit:14"]),
    # pinyin: joined, initials, per syllable
    ("jgld", ["exhibit:6", "exhibit:7", "exhibit:8"]),
    ("jiguang leida", ["exhibit:6", "exhibit:7", "exhibit:8"]),
    ("jiguangleida", ["exhibit:6"]),
    ("haomibo", ["exhibit:34"]),
    ("xinlian", ["enterprise:1"]),
    # an exhibit found by its enterprise's name
    ("Xinlian MCU", ["exhibit:1"]),
    ("Guangyu robots", ["exhibit:8"]),
    ("博晟 角雷达", ["exhibit:35"]),
    # quoted phrases
    ('"power management"', ["exhibit:2"]),
    ('"battery swap"', ["exhibit:45"]),
]


@pytest.mark.parametrize(("text", "expected"), TOP3, ids=[q for q, _ in TOP3])
def test_expected_results_come_in_the_top_three(index, text, expected):
    assert set(expected) <= set(ids(index, text, n=3))


@pytest.mark.parametrize(("text", "expected"), [
    ("芯片", "exhibit:18"),                  # a name written "5G基带芯片"
    ("xinpian", "exhibit:1"),              # pinyin of 芯片 in 车规级MCU芯片
    ("chips", "exhibit:18"),                 # plural finds "chip"
    ("chip", "exhibit:54"),                  # singular finds "Chip design"
    ("芯联", "exhibit:4"),                   # the enterprise's exhibits follow it
    ("sodium", "exhibit:55"),
    ("batteries", "exhibit:11"),
])
def test_expected_result_is_found(index, text, expected):
    assert expected in ids(index, text, n=50)


def test_names_outweigh_tags_which_outweigh_descriptions(index):
    # "telematics" is in the name of 56, a tag of 38 and the description of 21.
    assert ids(index, "telematics") == ["exhibit:56", "exhibit:38", "exhibit:21"]


def test_exact_words_outrank_typo_neighbours(index):
    # "radar" is one edit from "lidar" but the exact matches come first
    top = ids(index, "lidar", n=4)
    assert set(top[:3]) == {"exhibit:6", "exhibit:7", "exhibit:8"}
    assert "exhibit:35" not in ids(index, "lidar", n=50)  # corner radar: no LiDAR anywhere


def test_stop_words_are_optional(index):
    assert ids(index, "the lidar for robots", n=1) == ["exhibit:8"]
    with_stop_word = index.search(SearchRequest("lidar for", per_page=50))
    assert {h.id for h in with_stop_word.hits} == set(ids(index, "lidar", n=50))


def test_all_words_are_required_before_falling_back(index):
    response = index.search(SearchRequest("lidar robots"))
    assert not response.partial
    assert {hit.id for hit in response.hits} == {"exhibit:8", "enterprise:2"}


def test_no_complete_match_falls_back_to_the_best_partial_matches(index):
    response = index.search(SearchRequest("chip banana"))
    assert response.partial
    assert response.total > 0
    assert all("chip" in searched_text(hit.id) for hit in response.hits)


def test_partial_matches_prefer_documents_with_more_words(index):
    response = index.search(SearchRequest("lidar robots banana", per_page=50))
    assert response.partial
    assert {hit.id for hit in response.hits} == {"exhibit:8", "enterprise:2"}


def test_nothing_matching_at_all_is_an_empty_response(index):
    response = index.search(SearchRequest("zzqqxx wwvvkk"))
    assert (response.total, response.hits, response.partial) == (0, [], False)


def test_a_chinese_run_with_a_typo_falls_back_to_its_words(index):
    # 电池官理 (for 电池管理) is cut into 电池 + 官理: no document has both, many have 电池
    exact = index.search(SearchRequest("电池管理", per_page=50))
    assert not exact.partial and {"exhibit:5", "exhibit:13"} <= {hit.id for hit in exact.hits}
    response = index.search(SearchRequest("电池官理", per_page=50))
    assert response.partial and response.total > 0
    assert all("电池" in searched_text(hit.id) for hit in response.hits)
    spaced = index.search(SearchRequest("电池 官理", per_page=50))
    assert [hit.id for hit in spaced.hits] == [hit.id for hit in response.hits]


def test_a_chinese_run_falls_back_to_the_documents_with_most_of_its_words(index):
    response = index.search(SearchRequest("激光雷达香蕉", per_page=50))
    assert response.partial
    assert set(ids(index, "激光雷达香蕉", n=3)) == {"exhibit:6", "exhibit:7", "exhibit:8"}
    assert {hit.id for hit in response.hits} == set(ids(index, "激光雷达", n=50))


@pytest.mark.parametrize(("text", "suggestion"), [
    ("batery", "battery"),
    ("lidr", "lidar"),
    ("semiconductr", "semiconductor"),
    ("batery pack", "battery pack"),
    ("Surgicl robot", "surgical robot"),
    # swapped neighbours (one Damerau edit), also in four-letter words
    ("snesor", "sensor"),
    ("sesnor", "sensor"),
    ("vehicel", "vehicle"),
    ("cihp", "chip"),
    ("chpi", "chip"),
    # Chinese: an indexed word as long, one character different
    ("电池官理", "电池管理"),
    ("电池 官理", "电池 管理"),
    ("激光雷打", "激光雷达"),
    ("官理芯片", "管理芯片"),  # 官理 alone is unknown: the word is corrected inside the run
    ("只慧城市", "智慧城市"),  # the first character, by a homophone
])
def test_did_you_mean_offers_the_indexed_spelling(index, text, suggestion):
    assert index.search(SearchRequest(text)).did_you_mean == suggestion


@pytest.mark.parametrize("text", ["battery", "激光雷达", "xinpian", "chips", "5G芯片", "zzqqxx",
                                  "激光雷", "香蕉苹果", "SC-2024-001", "N1-A03"])
def test_no_did_you_mean_for_known_words_or_hopeless_ones(index, text):
    assert index.search(SearchRequest(text)).did_you_mean is None


def test_category_names_find_every_exhibit_below_them_in_both_languages(index):
    smart_city = {f"exhibit:{i}" for i, exhibit in corpus.EXHIBITS.items() if exhibit[1] == "smart-city"}
    for text in ("智慧城市", "smart city"):
        assert smart_city <= set(ids(index, text, n=50))
    # the exhibits come before the enterprises that only exhibit in the category
    found = ids(index, "智慧城市", n=50)
    assert set(found[:len(smart_city)]) == smart_city
    assert {"enterprise:6", "enterprise:9"} <= set(found[len(smart_city):])
    # a parent category's name finds the exhibits of its sub-categories
    assert {"exhibit:6", "exhibit:39", "exhibit:10"} <= set(ids(index, "Automotive", n=50))


def test_a_category_name_ranks_its_exhibits_before_tags_and_tags_before_descriptions(index):
    # "sensor": the name of 7's category (Sensors, singular or plural), a tag of 43, a word of
    # 23's description
    found = ids(index, "sensor", n=50)
    assert found.index("exhibit:7") < found.index("exhibit:43") < found.index("exhibit:23")


@pytest.mark.parametrize(("text", "first"), [
    ("SC-2024-001", "exhibit:1"),
    ("sc-2024-001", "exhibit:1"),
    ("\uff33\uff23\uff0d\uff12\uff10\uff12\uff14\uff0d\uff10\uff10\uff11", "exhibit:1"),  # full width
    (corpus.credit_code(3), "enterprise:3"),
    (corpus.credit_code(3).lower(), "enterprise:3"),
    ("SC-2024-014 carbide", "exhibit:14"),
    ('"SC-2024-014"', "exhibit:14"),
    ("碳化硅 SC-2024-015", "exhibit:15"),
])
def test_a_code_typed_whole_finds_its_document_first(index, text, first):
    response = index.search(SearchRequest(text))
    assert [hit.id for hit in response.hits][:1] == [first]
    assert not response.partial


def test_a_booth_finds_its_enterprise_and_its_exhibits(index):
    expected = {"enterprise:1"} | {f"exhibit:{i}" for i, e in corpus.EXHIBITS.items() if e[0] == 1}
    assert set(ids(index, "N1-A03", n=50)) == expected
    assert set(ids(index, "n1-a03", n=50, type="enterprise")) == {"enterprise:1"}


def test_part_of_a_code_is_not_a_code(index):
    assert index.search(SearchRequest("SC-2024")).total == 0
    assert index.search(SearchRequest("N1-A0")).total == 0


def test_type_filter_and_its_facet(index):
    response = index.search(SearchRequest("lidar", type="enterprise"))
    assert [hit.id for hit in response.hits] == ["enterprise:2"]
    assert response.total == 1
    # the type facet ignores the type filter, so the visitor sees what switching would give
    assert dict(response.facets["type"]) == {"exhibit": 6, "enterprise": 1}


def test_category_filter_includes_sub_categories(index):
    response = index.search(SearchRequest("芯片", category="semiconductors", per_page=50))
    assert response.total > 0
    categories = {hit.category_slug for hit in response.hits}
    assert categories <= {"semiconductors", "integrated-circuits", "chips", "power-devices", None}
    assert "chips" in categories


def test_category_facet_counts_each_level_and_ignores_its_own_filter(index):
    unfiltered = index.search(SearchRequest("radar", per_page=50))
    # without a type, a category counts its exhibits: what the category and type=exhibit give
    filtered = index.search(SearchRequest("radar", category="smart-city", type="exhibit", per_page=50))
    facet = dict(unfiltered.facets["category"])
    assert facet["sensors"] <= facet["automotive"]
    assert facet["smart-city"] == filtered.total
    assert index.search(SearchRequest("radar", category="smart-city")).total > filtered.total  # + its enterprise
    assert filtered.facets["category"] == unfiltered.facets["category"]
    counts = [count for _slug, count in unfiltered.facets["category"]]
    assert counts == sorted(counts, reverse=True)


def test_hall_filter(index):
    response = index.search(SearchRequest("雷达", hall="N2", per_page=50))
    assert response.total > 0
    assert {hit.hall for hit in response.hits} == {"N2"}
    assert "exhibit:36" in [hit.id for hit in response.hits]  # Bosheng's traffic radar, hall N2


def test_facets_count_all_matches_not_just_the_page(index):
    response = index.search(SearchRequest("雷达", per_page=2))
    assert len(response.hits) == 2
    assert sum(count for _type, count in response.facets["type"]) == response.total > 2


def test_pagination(index):
    everything = ids(index, "传感器", n=100)
    first = index.search(SearchRequest("传感器", per_page=2, page=1))
    second = index.search(SearchRequest("传感器", per_page=2, page=2))
    beyond = index.search(SearchRequest("传感器", per_page=2, page=99))
    assert [h.id for h in first.hits + second.hits] == everything[:4]
    assert beyond.hits == [] and beyond.total == first.total == len(everything)


def test_hits_carry_display_fields(index):
    hit = index.search(SearchRequest("车规级MCU芯片")).hits[0]
    assert (hit.id, hit.type, hit.db_id) == ("exhibit:1", "exhibit", 1)
    assert (hit.name, hit.name_zh) == ("Automotive MCU chip", "车规级MCU芯片")
    assert (hit.hall, hit.booth, hit.category_slug) == ("N1", "N1-A03", "chips")
    assert hit.score > 0


def test_snippet_marks_matches_in_the_matching_language(index):
    english = index.search(SearchRequest("liquid cooling")).hits[0]
    chinese = index.search(SearchRequest("液冷")).hits[0]
    assert "<mark>liquid</mark> <mark>cooling</mark>" in english.snippet
    assert "<mark>液冷</mark>" in chinese.snippet or "液冷" in chinese.snippet
    assert english.id == chinese.id == "exhibit:11"


def test_snippet_is_short_and_has_no_markup_but_mark(index):
    for hit in index.search(SearchRequest("sensor", per_page=50)).hits:
        assert len(re.sub(r"</?mark>", "", hit.snippet)) <= 210
        assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0


def test_snippet_escapes_html_from_the_catalogue(index):
    consulting = index.search(SearchRequest("market research")).hits[0]
    assert consulting.id == "enterprise:11"
    assert "&lt;script&gt;" in consulting.snippet and "<script>" not in consulting.snippet
    solar = index.search(SearchRequest("solar")).hits[0]
    assert "&lt;b&gt;<mark>Solar</mark>&lt;/b&gt;" in solar.snippet


def test_snippet_falls_back_to_the_first_description(index):
    hit = index.search(SearchRequest("jgld")).hits[0]
    assert "<mark>" not in hit.snippet and hit.snippet.startswith("A solid-state LiDAR")


def test_enterprise_without_exhibits_is_searchable_without_categories(index):
    response = index.search(SearchRequest("明德咨询"))
    assert [hit.id for hit in response.hits][:1] == ["enterprise:11"]


@pytest.mark.parametrize(("prefix", "expected_first", "contains"), [
    ("芯", "芯片设计EDA工具", "电源管理芯片"),
    ("xin", "芯片设计EDA工具", "Xinyuan SiC Semiconductor"),
    ("MC", "Automotive MCU chip", "Automotive MCU chip"),
    ("激光", "固态激光雷达", "光宇激光雷达科技有限公司"),
    ("jgld", "固态激光雷达", "机械式激光雷达"),
    ("jiguang lei", "固态激光雷达", "机器人激光雷达"),
    ("Guang", "Guangyu LiDAR Technology", "Guangyu LiDAR Technology"),
    ("smart", "Smart waste bin", "Smart city operations platform"),
])
def test_suggest_completes_names_in_both_languages_and_pinyin(index, prefix, expected_first,
                                                              contains):
    suggestions = index.suggest(prefix)
    texts = [s.text for s in suggestions]
    assert texts[0] == expected_first
    assert contains in texts
    assert len(suggestions) <= 10


def test_suggest_ranks_names_starting_with_the_prefix_first_then_shorter(index):
    texts = [s.text for s in index.suggest("芯")]
    starting = [t for t in texts if t.startswith("芯")]
    assert texts[:len(starting)] == starting
    rest = texts[len(starting):]
    assert [len(t) for t in rest] == sorted(len(t) for t in rest)


def test_suggest_returns_both_kinds_with_their_ids(index):
    suggestions = index.suggest("guangyu")
    assert ("enterprise", 2) in {(s.type, s.db_id) for s in suggestions}
    assert {s.type for s in index.suggest("激光")} == {"exhibit", "enterprise"}


def test_suggest_respects_the_limit(index):
    assert len(index.suggest("x", limit=3)) == 3
    assert index.suggest("", limit=3) == [] and index.suggest("   ") == []
