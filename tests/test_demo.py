"""The bundled demo catalogue: the Science City pavilion's figures, loaded through the importer."""

from sqlalchemy import func, select

from catalogue.catalog.models import Category, Enterprise, Exhibit
from catalogue.catalog.queries import category_tree, find_node
from catalogue.demo import load_demo
from catalogue.extensions import db


def test_demo_has_the_pavilions_figures(demo_app):
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Exhibit)) == 112
        enterprises = db.session.scalar(select(func.count()).select_from(Enterprise))
        assert 60 < enterprises <= 70
        tree = category_tree()
        assert find_node(tree, "chips").count == 5
        assert find_node(tree, "integrated-circuits").count > 5
        slugs = {node.category.slug for node in tree}
        assert {"integrated-circuits", "core-components", "intelligent-vehicles", "smart-city",
                "software", "life-health"} <= slugs


def test_demo_is_bilingual(demo_app):
    with demo_app.app_context():
        missing = db.session.scalar(
            select(func.count()).select_from(Exhibit).where((Exhibit.name.is_(None)) | (Exhibit.name_zh.is_(None)))
        )
        assert missing == 0
        assert db.session.scalar(select(func.count()).select_from(Category).where(Category.name_zh.is_(None))) == 0


def test_loading_the_demo_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["load-demo"])
    assert "112 exhibits" in first.output and "112 exhibits created" in first.output
    second = runner.invoke(args=["load-demo"])
    assert second.exit_code == 0
    assert "0 exhibits created, 112 unchanged" in second.output
    assert db.session.scalar(select(func.count()).select_from(Exhibit)) == 112


def test_first_start_loads_the_demo_and_says_so(tmp_path, caplog):
    from tests.conftest import close_app, make_app

    with caplog.at_level("INFO"):
        application = make_app(tmp_path, demo=True)
    try:
        lines = [r.getMessage() for r in caplog.records if "demo catalogue" in r.getMessage()]
        assert len(lines) == 1 and "112 exhibits from" in lines[0]
        with application.app_context():
            assert load_demo().counts["exhibits"]["unchanged"] == 112
    finally:
        close_app(application)
