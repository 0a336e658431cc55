"""The index as storage: commits with their marker, generations, several readers and writers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest
from whoosh import index as whoosh_index

from catalogue.search.engine import InvalidQuery, LockError, SearchIndex, SearchRequest


def make_doc(db_id: int, name: str = "Solid-state lidar", name_zh: str = "固态激光雷达",
             **overrides) -> dict:
    doc = {
        "id": f"exhibit:{db_id}", "type": "exhibit", "db_id": db_id, "fingerprint": f"v1-{db_id}",
        "name": name, "name_zh": name_zh, "enterprise_name": "Guangyu 光宇", "tags": [],
        "description": "An exhibit.", "description_zh": "一件展品。",
        "category_slugs": ["sensors", "automotive"], "category_slug": "sensors",
        "hall": "N2", "booth": "N2-B01",
    }
    return doc | overrides


def found(index: SearchIndex, text: str, **filters) -> set[str]:
    return {hit.id for hit in index.search(SearchRequest(text, per_page=100, **filters)).hits}


def generations(root) -> list[str]:
    return sorted(name for name in os.listdir(root) if name.startswith("gen-"))


@pytest.fixture
def root(tmp_path):
    return str(tmp_path / "search-index")


@pytest.fixture
def index(root):
    index = SearchIndex(root)
    yield index
    index.close()


def test_no_index_yet_answers_empty(index):
    assert not index.exists()
    assert index.marker() == {} and index.fingerprints() == {}
    assert index.search(SearchRequest("lidar")).total == 0
    assert index.suggest("li") == []


def test_apply_creates_the_index_with_documents_and_marker(index, root):
    index.apply([make_doc(1), make_doc(2, name="Corner radar", name_zh="角雷达")], [],
                {"applied": 7, "gaps": [5]})
    assert index.exists()
    assert index.marker() == {"applied": 7, "gaps": [5]}
    assert index.fingerprints() == {"exhibit:1": "v1-1", "exhibit:2": "v1-2"}
    assert found(index, "lidar") == {"exhibit:1"}
    assert os.readlink(os.path.join(root, "current")) == "gen-1"


def test_upsert_replaces_and_delete_removes(index):
    index.apply([make_doc(1), make_doc(2)], [], {"applied": 1})
    index.apply([make_doc(1, name="Corner radar", name_zh="角雷达", fingerprint="v2-1")], [],
                {"applied": 2})
    assert found(index, "radar") == {"exhibit:1"}
    assert found(index, "lidar") == {"exhibit:2"}
    index.apply([], ["exhibit:2", "exhibit:404"], {"applied": 3})
    assert found(index, "lidar") == set()
    assert index.fingerprints() == {"exhibit:1": "v2-1"}
    assert index.marker() == {"applied": 3}


def test_an_id_both_upserted_and_deleted_is_deleted(index):
    index.apply([make_doc(1), make_doc(1, name="duplicate"), make_doc(2)], ["exhibit:2"],
                {"applied": 1})
    assert index.fingerprints() == {"exhibit:1": "v1-1"}
    assert found(index, "duplicate") == {"exhibit:1"}


def test_marker_and_documents_never_disagree(index):
    index.apply([make_doc(1)], [], {"applied": 1})
    broken = make_doc(3) | {"db_id": "not a number"}
    with pytest.raises(ValueError):
        index.apply([make_doc(2), broken], ["exhibit:1"], {"applied": 2})
    assert index.marker() == {"applied": 1}
    assert index.fingerprints() == {"exhibit:1": "v1-1"}


def test_the_marker_is_not_a_search_result(index):
    index.apply([make_doc(1)], [], {"applied": 1})
    response = index.search(SearchRequest("marker applied"))
    assert response.total == 0
    assert sum(count for _type, count in index.search(SearchRequest("lidar")).facets["type"]) == 1


def test_writer_timeout_raises_lock_error(index, root):
    index.apply([make_doc(1)], [], {"applied": 1})
    holder = whoosh_index.open_dir(os.path.join(root, "current")).writer()
    try:
        with pytest.raises(LockError):
            index.apply([make_doc(2)], [], {"applied": 2}, timeout=0.2)
    finally:
        holder.cancel()
    assert index.marker() == {"applied": 1}
    index.apply([make_doc(2)], [], {"applied": 2}, timeout=1)
    assert index.marker() == {"applied": 2}


def test_a_second_instance_sees_the_first_ones_commits(root):
    writer, reader = SearchIndex(root), SearchIndex(root)
    writer.apply([make_doc(1)], [], {"applied": 1})
    assert found(reader, "lidar") == {"exhibit:1"}
    writer.apply([make_doc(2)], [], {"applied": 2})
    assert found(reader, "lidar") == {"exhibit:1", "exhibit:2"}
    assert reader.marker() == {"applied": 2}
    writer.close()
    reader.close()


def test_rebuild_swaps_in_a_new_generation_and_removes_the_old(index, root):
    index.apply([make_doc(1)], [], {"applied": 1})
    other = SearchIndex(root)
    assert found(other, "lidar") == {"exhibit:1"}  # keeps a searcher open on gen-1
    index.rebuild([make_doc(5, name="Corner radar", name_zh="角雷达")], {"applied": 9})
    assert found(other, "radar") == {"exhibit:5"}
    assert found(other, "lidar") == set()
    assert other.marker() == {"applied": 9}
    assert generations(root) == ["gen-2"]
    assert os.readlink(os.path.join(root, "current")) == "gen-2"
    assert [n for n in os.listdir(root) if n.startswith(".current")] == []
    index.apply([make_doc(6)], [], {"applied": 10})  # apply follows the swap
    assert found(other, "lidar") == {"exhibit:6"}
    other.close()


def test_a_failed_rebuild_leaves_the_current_generation(index, root):
    index.apply([make_doc(1)], [], {"applied": 1})

    def documents():
        yield make_doc(2)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        index.rebuild(documents(), {"applied": 2})
    assert generations(root) == ["gen-1"]
    assert index.marker() == {"applied": 1}
    assert found(index, "lidar") == {"exhibit:1"}


def test_apply_uses_the_user_dictionary_saved_by_rebuild(index, root):
    index.rebuild([], {"applied": 0}, words=["光宇激光雷达", "Guangyu"])
    index.apply([make_doc(1, name_zh="光宇激光雷达模组")], [], {"applied": 1})
    reader = whoosh_index.open_dir(os.path.join(root, "current")).reader()
    try:
        assert "光宇激光雷达" in {t.decode() for t in reader.lexicon("name_zh")}
    finally:
        reader.close()
    assert found(index, "光宇激光雷达") == {"exhibit:1"}


def test_another_process_commits_and_rebuilds(index, root):
    index.apply([make_doc(1)], [], {"applied": 1})
    assert found(index, "lidar") == {"exhibit:1"}
    script = textwrap.dedent(f"""
        from catalogue.search.engine import SearchIndex
        from tests.search.test_engine import make_doc
        index = SearchIndex({root!r})
        index.apply([make_doc(2)], [], {{"applied": 2}})
        index.rebuild([make_doc(3, name="Corner radar")], {{"applied": 3}})
        index.apply([make_doc(4)], [], {{"applied": 4}})
    """)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=os.getcwd(), timeout=120)
    assert found(index, "lidar") == {"exhibit:4"}
    assert found(index, "radar") == {"exhibit:3"}
    assert index.marker() == {"applied": 4}


def test_concurrent_searches_while_writing(index):
    index.apply([make_doc(i) for i in range(1, 21)], [], {"applied": 0})
    errors, totals = [], []

    def search():
        try:
            for _ in range(20):
                totals.append(index.search(SearchRequest("lidar")).total)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(1, 6):
        index.apply([make_doc(100 + n)], [], {"applied": n})
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(totals) <= set(range(20, 26))
    assert len(found(index, "lidar")) == 25


def test_query_limits(index):
    index.apply([make_doc(1)], [], {"applied": 1})
    with pytest.raises(InvalidQuery):
        index.search(SearchRequest("x" * 501))
    with pytest.raises(InvalidQuery):
        index.search(SearchRequest("lidar", type="booth"))
    assert index.search(SearchRequest("x" * 500)).total == 0
    assert index.search(SearchRequest("   ")).total == 0
    assert index.search(SearchRequest("lidar", page=0, per_page=0)).total == 1


NEWER_FIELDS = ("category_names", "codes")


def as_older_version(monkeypatch) -> None:
    """Make the engine build indexes as it did before category names and codes were indexed."""
    from catalogue.search import analysis, docfields, engine

    def build_schema(dict_id):
        schema = analysis.build_schema(dict_id)
        for name in NEWER_FIELDS:
            schema.remove(name)
        return schema

    def index_fields(doc, dict_id):
        return {k: v for k, v in docfields.index_fields(doc, dict_id).items()
                if not any(name in k for name in NEWER_FIELDS)}

    monkeypatch.setattr(engine, "build_schema", build_schema)
    monkeypatch.setattr(engine, "index_fields", index_fields)


def test_an_index_with_an_older_schema_is_not_current_but_still_takes_updates(index, monkeypatch):
    assert index.schema_is_current()  # no index yet: nothing to rebuild
    as_older_version(monkeypatch)
    index.rebuild([make_doc(1)], {"applied": 1})
    monkeypatch.undo()
    assert not index.schema_is_current()
    newer = make_doc(2, category_names="Sensors 传感器", codes=["N2-B01"])
    index.apply([newer], [], {"applied": 2})  # the fields it lacks are left out
    assert found(index, "lidar") == {"exhibit:1", "exhibit:2"}
    assert found(index, "传感器") == found(index, "N2-B01") == set()
    assert found(index, '"solid-state lidar"') == {"exhibit:1", "exhibit:2"}  # phrases too
    index.rebuild([make_doc(1), newer], {"applied": 2})
    assert index.schema_is_current()
    assert found(index, "传感器") == found(index, "n2-b01") == {"exhibit:2"}
