"""`flask synonyms import PATH` and `flask synonyms export PATH`: the organizers' synonym groups."""

from __future__ import annotations

from pathlib import Path

import click

from catalogue.extensions import db
from catalogue.search import synonyms


@click.group("synonyms")
def synonyms_command() -> None:
    """Organizer synonym groups (zh | en | abbreviations), searched as one another."""


@synonyms_command.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_synonyms(path: Path) -> None:
    """Replace every synonym group with those of a UTF-8 file (one group a line); all or nothing."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        click.echo(f"{path.name}: not UTF-8 text (byte {error.start}); nothing was changed.", err=True)
        raise SystemExit(1) from None
    try:
        before, after = synonyms.import_groups(text)
    except synonyms.InvalidSynonyms as error:
        db.session.rollback()
        click.echo(f"{path.name}: {error.message} Nothing was changed.", err=True)
        raise SystemExit(1) from None
    db.session.commit()  # the search index catches up with the touched entries after the commit
    click.echo(f"Synonym groups: {after} (were {before}).")


@synonyms_command.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_synonyms(path: Path) -> None:
    """Write every synonym group to a UTF-8 file that `synonyms import` reads back."""
    text = synonyms.export_groups()
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {text.count(chr(10)) - 1} synonym group(s) to {path}.")
