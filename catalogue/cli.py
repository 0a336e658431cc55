"""The flask commands: thin wrappers around the same operations the web uses."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from catalogue.extensions import db


def register_commands(app: Flask) -> None:
    for command in (load_demo_command, import_command, export_command):
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
    from catalogue.imports.apply import import_data, limits_from
    from catalogue.imports.read import UnreadableFile

    try:
        data = path.read_bytes()
        with ProgressBar("Importing") as bar:
            result = import_data(data, path.name, limits_from(current_app.config), dry_run, bar.show)
    except UnreadableFile as error:
        click.echo(f"{path.name}: {error}", err=True)
        raise SystemExit(1) from None
    plan = result.plan
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
    db.session.commit()
    click.echo("Imported.")


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
        lines.append("Ignored columns: " + ", ".join(plan.ignored_headers))
    return "\n".join(lines)


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(path: Path) -> None:
    """Export the catalogue to PATH (.csv, .xlsx or .json, by extension) in the import format."""
    from catalogue.imports.export import FORMATS, export_bytes

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.UsageError(f"PATH must end in .csv, .xlsx or .json, not '{path.suffix or path.name}'")
    path.write_bytes(export_bytes(fmt))
    click.echo(f"Exported the catalogue to {path}.")
