"""Organizer synonym groups: the table, the CLI, and reindexing what a change touches."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.search import synonyms
from catalogue.search.engine import SearchRequest
from catalogue.search.outbox import OutboxEntry
from catalogue.search.service import search_service


def found(query: str) -> set[str]:
    response = search_service().index.search(SearchRequest(query, per_page=100))
    return {hit.id for hit in response.hits}


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxEntry))


def test_a_group_makes_its_terms_find_one_another_after_the_commit(make_exhibit):
    tower = make_exhibit(name=None, name_zh="小蛮腰灯光秀", tags=[])
    other = make_exhibit(name="Light show controller", name_zh="灯光控制台", tags=[])
    assert f"exhibit:{tower.id}" not in found("canton tower")
    before = outbox_count()
    synonyms.save_group(None, synonyms.check("小蛮腰;广州塔", "Canton Tower", ""))
    assert outbox_count() > before  # only queued: the index follows the commit
    db.session.commit()
    assert f"exhibit:{tower.id}" in found("canton tower")
    assert f"exhibit:{tower.id}" in found("广州塔")
    assert f"exhibit:{other.id}" not in found("canton tower")
    assert search_service().check().clean


def test_only_the_entries_that_mention_a_term_are_reindexed(make_exhibit):
    make_exhibit(name="Wafer prober", name_zh="晶圆探针台", tags=[])
    make_exhibit(name="Robot gripper", name_zh="机器人夹爪", tags=["gripper"])
    db.session.commit()
    before = outbox_count()
    synonyms.save_group(None, synonyms.check("", "gripper;end effector", "EOAT"))
    added = db.session.scalars(select(OutboxEntry.kind).where(OutboxEntry.id > 0).order_by(OutboxEntry.id.desc())
                               .limit(outbox_count() - before)).all()
    assert sorted(added) == ["exhibit"]  # the gripper only (its enterprise has no such word)
    db.session.commit()


def test_editing_and_deleting_a_group_updates_the_index(make_exhibit):
    exhibit = make_exhibit(name="Gripper", name_zh=None, tags=[])
    group = synonyms.save_group(None, synonyms.check("夹爪", "gripper", ""))
    db.session.commit()
    assert f"exhibit:{exhibit.id}" in found("夹爪")
    synonyms.save_group(group.id, synonyms.check("抓手", "gripper", ""))
    db.session.commit()
    assert f"exhibit:{exhibit.id}" in found("抓手")
    assert f"exhibit:{exhibit.id}" not in found("夹爪")
    synonyms.delete_group(group.id)
    db.session.commit()
    assert f"exhibit:{exhibit.id}" not in found("抓手")
    assert search_service().check().clean


@pytest.mark.parametrize(("columns", "message"), [
    (("芯", "", ""), "two characters or more"),
    (("chip", "", "IC"), "must be Chinese"),
    (("", "chip", ""), "at least two terms"),
    (("", "芯片", "IC"), "put it in the Chinese column"),
    (("芯片", "a" * 81, ""), "longer than 80"),
    (("芯片", "chip|IC", ""), "contains"),
])
def test_bad_groups_are_refused_with_the_reason(app, columns, message):
    with pytest.raises(synonyms.InvalidSynonyms, match=message):
        synonyms.check(*columns)


def test_cli_import_then_export_round_trips(app, runner, tmp_path, make_exhibit):
    exhibit = make_exhibit(name=None, name_zh="冷链物流箱", tags=[])
    source = tmp_path / "synonyms.tsv"
    source.write_text("# groups\n冷链;冷链物流 | cold chain | \n小蛮腰 | Canton Tower | \n", encoding="utf-8")
    result = runner.invoke(args=["synonyms", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "Synonym groups: 2 (were 0)" in result.output
    assert f"exhibit:{exhibit.id}" in found("cold chain")
    target = tmp_path / "out.tsv"
    result = runner.invoke(args=["synonyms", "export", str(target)])
    assert result.exit_code == 0, result.output
    lines = [line for line in target.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == ["冷链;冷链物流 | cold chain", "小蛮腰 | Canton Tower"]


def test_cli_import_of_a_bad_file_names_the_line_and_changes_nothing(app, runner, tmp_path):
    synonyms.save_group(None, synonyms.check("小蛮腰", "Canton Tower", ""))
    db.session.commit()
    source = tmp_path / "bad.tsv"
    source.write_text("冷链 | cold chain\n芯 | chip\n", encoding="utf-8")
    result = runner.invoke(args=["synonyms", "import", str(source)])
    assert result.exit_code == 1
    assert "line 2" in result.output and "Nothing was changed" in result.output
    assert [g.zh for g in synonyms.list_groups()] == ["小蛮腰"]
