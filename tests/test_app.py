from sqlalchemy import inspect, text

from catalogue.extensions import db


def test_new_database_is_migrated_to_head(app):
    tables = set(inspect(db.engine).get_table_names())
    assert {"category", "enterprise", "exhibit", "alembic_version"} <= tables
    version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == "0001"


def test_factories_make_bilingual_records(make_exhibit):
    exhibit = make_exhibit(name=None, name_zh="芯片")
    assert exhibit.display_name("en") == "芯片"
    assert exhibit.enterprise.display_name("zh").startswith("企业")
