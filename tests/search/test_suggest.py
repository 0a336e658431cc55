"""Name completion: what a prefix brings first when a Latin word and a pinyin reading compete."""

from __future__ import annotations

import pytest

from catalogue.search.engine import SearchIndex
from tests.search import corpus


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    battery = {**corpus.exhibit_doc(12), "id": "exhibit:900", "db_id": 900, "fingerprint": "fp-exhibit-900",
               "name": None, "name_zh": "全固态锂电池样品", "codes": []}
    index = SearchIndex(str(tmp_path_factory.mktemp("suggest")))
    index.rebuild([*corpus.documents(), battery], {"applied": 0}, [*corpus.words(), "全固态锂电池样品"])
    yield index
    index.close()


def test_a_word_typed_from_its_start_ranks_above_a_pinyin_reading_ending_in_an_initial(index):
    # "lid" is the start of the word LiDAR, and of li-d(ian) in 锂电池 only as a syllable plus an initial
    texts = [s.text for s in index.suggest("lid")]
    assert "全固态锂电池样品" in texts
    lidar = [t for t in texts if "lidar" in t.casefold()]
    assert len(lidar) >= 3 and texts[:len(lidar)] == lidar


@pytest.mark.parametrize(("prefix", "expected"), [("lidian", "全固态锂电池样品"), ("锂电", "全固态锂电池样品"),
                                                  ("xin", "芯片设计EDA工具")])
def test_whole_pinyin_syllables_and_chinese_still_complete_chinese_names(index, prefix, expected):
    texts = [s.text for s in index.suggest(prefix)]
    assert expected in texts[:2]
