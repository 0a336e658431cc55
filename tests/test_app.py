from sqlalchemy import inspect, text

from catalogue.extensions import db


def test_new_database_is_migrated_to_head(app):
    tables = set(inspect(db.engine).get_table_names())
    assert {"category", "enterprise", "exhibit", "search_outbox", "search_log", "organizer", "alembic_version"} <= tables
    version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == migrations_head(app)


def migrations_head(app) -> str:
    """The one head revision of the migrations directory."""
    from alembic.script import ScriptDirectory

    migrate = app.extensions["migrate"]
    (head,) = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory)).get_heads()
    return head


def test_factories_make_bilingual_records(make_exhibit):
    exhibit = make_exhibit(name=None, name_zh="芯片")
    assert exhibit.display_name("en") == "芯片"
    assert exhibit.enterprise.display_name("zh").startswith("企业")


def test_an_older_database_is_upgraded_on_start(tmp_path, caplog):
    from flask_migrate import downgrade

    from tests.conftest import close_app, make_app

    first = make_app(tmp_path)
    with first.app_context():
        downgrade(directory=first.extensions["migrate"].directory, revision="0001")
        assert "search_outbox" not in inspect(db.engine).get_table_names()
    url, options = first.config["CATALOGUE_DATABASE_URL"], first.config["SQLALCHEMY_ENGINE_OPTIONS"]
    with first.app_context():
        db.engine.dispose()
    with caplog.at_level("INFO"):
        second = make_app_on(tmp_path, url, options)
    try:
        assert any("Upgraded the database schema" in r.getMessage() for r in caplog.records)
        with second.app_context():
            assert "search_outbox" in inspect(db.engine).get_table_names()
    finally:
        with second.app_context():
            db.engine.dispose()
        close_app(first)


def make_app_on(directory, url, options):
    from catalogue import create_app

    return create_app({
        "TESTING": True, "INSTANCE_PATH": str(directory / "instance2"), "CATALOGUE_DEMO": False,
        "CATALOGUE_SECRET_KEY": "x", "CATALOGUE_INDEX_DIR": str(directory / "index2"),
        "CATALOGUE_DATABASE_URL": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
    })


def test_the_head_check_reads_the_migrations_as_alembic_does(app, tmp_path):
    """bootstrap.head_revisions (no alembic in a serving process) gives alembic's heads: for our
    migrations, and for a directory with two branches and a merge of them."""
    from alembic.script import ScriptDirectory

    from catalogue.bootstrap import head_revisions

    assert head_revisions(app.extensions["migrate"].directory) == {migrations_head(app)}
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, down in [("a1", None), ("b2", "a1"), ("c3", "a1"), ("d4", ("b2", "c3")), ("e5", "b2")]:
        (versions / f"{name}.py").write_text(f"revision = {name!r}\ndown_revision = {down!r}\n")
    assert head_revisions(str(tmp_path)) == {"d4", "e5"}
    assert head_revisions(str(tmp_path)) == set(ScriptDirectory(str(tmp_path)).get_heads())


def test_flask_db_commands_load_flask_migrate_when_used(app):
    """`flask db` is a stand-in until used: its help, and a downgrade and upgrade through it, are
    Flask-Migrate's own."""
    from catalogue.extensions import _DbCommands, _MigrateConfig

    assert type(app.extensions["migrate"]) is _MigrateConfig and type(app.cli.commands["db"]) is _DbCommands
    runner = app.test_cli_runner()
    assert "--directory" in runner.invoke(args=["db", "--help"]).output
    assert "downgrade" in runner.invoke(app.cli.commands["db"], ["--help"]).output  # the group on its own
    assert type(app.extensions["migrate"]) is _MigrateConfig  # help loads the commands, not the config
    version = "SELECT version_num FROM alembic_version"
    result = runner.invoke(args=["db", "downgrade", "--", "-1"])
    assert result.exit_code == 0, result.output
    head = migrations_head(app)
    assert db.session.execute(text(version)).scalar() != head
    db.session.rollback()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(text(version)).scalar() == head
