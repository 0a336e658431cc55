"""The flask commands: thin wrappers around the same operations the web uses."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from catalogue.extensions import db


def register_commands(app: Flask) -> None:
    from catalogue.organizer.cli import change_password_command, create_organizer_command
    from catalogue.search.commands import synonyms_command

    app.cli.add_command(create_organizer_command)
    app.cli.add_command(change_password_command)
    app.cli.add_command(synonyms_command)
    for command in (
        load_demo_command, import_command, export_command, reindex_command, check_index_command,
        search_command, backup_command, prune_search_log_command,
    ):
        app.cli.add_command(command)


@click.command("load-demo")
def load_demo_command() -> None:
    """Load the bundled demo catalogue (Science City pavilion, illustrative entries)."""
    from catalogue.demo import load_demo

    outcome = load_demo()
    counts = outcome.counts
    click.echo(
        f"Demo catalogue: {outcome.exhibits_total} exhibits from {outcome.enterprises_total} enterprises "
        f"({counts['exhibits']['create']} exhibits created, {counts['exhibits']['unchanged']} unchanged)."
    )


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; commit nothing.")
def import_command(path: Path, dry_run: bool) -> None:
    """Import an exhibitor list (CSV, XLSX or JSON); all or nothing."""
    from catalogue.imports.service import run_import
    from catalogue.imports.sheet import UnreadableFile

    try:
        with ProgressBar("Importing") as bar:
            outcome = run_import(path.read_bytes(), path.name, dry_run=dry_run, progress=bar.show)
    except UnreadableFile as error:
        db.session.rollback()
        click.echo(f"{path.name}: {error}", err=True)
        raise SystemExit(1) from None
    plan = outcome.result.plan
    click.echo(describe(plan))
    if not plan.ok:
        db.session.rollback()
        click.echo(f"{len(plan.problems)} error(s); nothing was imported:", err=True)
        for problem in plan.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was committed.")
        return
    if len(plan.exhibits) >= 1000:
        click.echo("Committing; the search index follows (this can take a while for a large file)…")
    db.session.commit()  # the search index catches up right after the commit
    batch = outcome.batch  # history and undo cover the command too
    click.echo(f"Imported. Recorded as import #{batch.id} in the history." if batch else "Imported.")


class ProgressBar:
    """A click progress bar that appears once the total is known, and only for long work."""

    def __init__(self, label: str, threshold: int = 1000):
        self.label, self.threshold, self.bar = label, threshold, None

    def show(self, done: int, total: int) -> None:
        if self.bar is None and total >= self.threshold:
            self.bar = click.progressbar(length=total, label=self.label, show_pos=True, file=click.get_text_stream("stderr"))
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.bar.pos)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def describe(plan) -> str:
    """The counts an organizer sees in the preview, as lines of text."""
    counts = plan.counts()
    lines = [
        f"{kind.capitalize()}: {c['create']} to create, {c['update']} to update, {c['unchanged']} unchanged"
        for kind, c in counts.items()
    ]
    if plan.categories:
        lines.append("New categories: " + "; ".join(c.path for c in plan.categories))
    if plan.ignored_headers:
        from catalogue.imports.headers import ignored_columns

        columns = ignored_columns(plan.ignored_headers)
        for like in columns["lookalikes"]:
            lines.append(f"WARNING: the column '{like['header']}' is ignored, but it looks like '{like['like']}' "
                         f"({like['field']}); rename it to '{like['like']}' if it holds that, or its values are lost")
        if columns["known"]:
            lines.append("Ignored on purpose (the catalogue does not keep them): " + ", ".join(columns["known"]))
        if columns["other"]:
            lines.append("Ignored columns: " + ", ".join(columns["other"]))
    return "\n".join(lines)


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(path: Path) -> None:
    """Export the catalogue to PATH (.csv, .xlsx or .json, by extension) in the import format."""
    from catalogue.imports.export import FORMATS, export_bytes

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.UsageError(f"PATH must end in .csv, .xlsx or .json, not '{path.suffix or path.name}'")
    try:
        path.write_bytes(export_bytes(fmt))
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror or error}") from None
    click.echo(f"Exported the catalogue to {path}.")


@click.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the database into a new directory and swap it in."""
    from catalogue.search.service import search_service

    count = search_service().rebuild()
    click.echo(f"Rebuilt the search index: {count} documents.")


@click.command("check-index")
def check_index_command() -> None:
    """Compare the search index with the database; exit 1 and name the drift if they differ."""
    from catalogue.search.service import search_service

    drift = search_service().check()
    if drift.applied:
        click.echo(f"Applied {drift.applied} pending change(s) first.")
    if drift.clean:
        click.echo("The search index matches the database.")
        return
    for label, ids in (("missing from the index", drift.missing), ("in the index but not in the database",
                       drift.extra), ("out of date in the index", drift.stale)):
        if ids:
            shown = ", ".join(ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
            click.echo(f"{len(ids)} {label}: {shown}", err=True)
    click.echo("Run 'flask --app catalogue reindex' to rebuild the index.", err=True)
    raise SystemExit(1)


@click.command("search")
@click.argument("query")
@click.option("--type", "kind", type=click.Choice(["exhibit", "enterprise"]), help="Only this type.")
@click.option("--category", help="Only this category (slug), with its sub-categories.")
@click.option("--limit", default=10, show_default=True, help="How many results.")
def search_command(query: str, kind: str | None, category: str | None, limit: int) -> None:
    """Search the catalogue as a visitor would."""
    from catalogue.errors import CatalogueError
    from catalogue.search.request import search_request
    from catalogue.search.service import search_service

    try:
        request = search_request({"q": query, "type": kind, "category": category}, per_page=limit)
        response = search_service().search(request, source="cli")
    except CatalogueError as error:  # too long, or an unknown category
        raise click.UsageError(error.message) from None
    note = " (no result has every word; showing the closest)" if response.partial else ""
    click.echo(f"{response.total} result(s) for '{query}'{note}")
    if response.did_you_mean:
        click.echo(f"Did you mean: {response.did_you_mean}")
    for hit in response.hits:
        names = " / ".join(n for n in (hit.name, hit.name_zh) if n)
        place = f"  [{hit.booth}]" if hit.booth else ""
        click.echo(f"{hit.score:7.2f}  {hit.type:<10} {hit.db_id:>6}  {names}{place}")


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def backup_command(path: Path, force: bool) -> None:
    """Copy the SQLite database to PATH while the app runs (on PostgreSQL: use pg_dump)."""
    from catalogue.backup import BackupRefused, backup_database

    try:
        backup = backup_database(db.engine, path, force)
    except BackupRefused as refused:
        click.echo(f"Error: {refused}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Backed up {backup.source} to {backup.path} ({backup.size:,} bytes; integrity check ok).")


@click.command("prune-search-log")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Keep this many whole days of raw rows (default: CATALOGUE_SEARCH_LOG_DAYS).")
def prune_search_log_command(days: int | None) -> None:
    """Fold search-log rows older than the kept days into per-day totals and delete them."""
    from catalogue.search.searchlog import prune

    keep = current_app.config["CATALOGUE_SEARCH_LOG_DAYS"] if days is None else days
    pruned = prune(db.session, keep)
    db.session.commit()
    click.echo(f"Folded {pruned.rows} search-log row(s) from {pruned.days} day(s) into daily totals; "
               f"kept the last {keep} day(s).")
