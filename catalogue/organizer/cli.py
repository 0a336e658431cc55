"""`flask create-organizer`: the first admin (and any organizer) from the command line."""

from __future__ import annotations

import sys

import click

from catalogue.extensions import db
from catalogue.organizer import accounts
from catalogue.organizer.models import ROLES


@click.command("create-organizer")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin (also manages organizers) or editor.")
@click.option("--name", default=None, help="The organizer's name, as shown in the console.")
def create_organizer_command(email: str, role: str, name: str | None) -> None:
    """Create an organizer account; the password comes from a prompt, or one line of stdin."""
    password = read_password()
    try:
        organizer = accounts.create_organizer(email, password, role, name)
    except accounts.AccountRefused as refused:
        db.session.rollback()
        click.echo(f"Error: {refused.message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Created {organizer.role} {organizer.email}.")


@click.command("change-password")
@click.argument("email")
def change_password_command(email: str) -> None:
    """Give an organizer a new password (prompt, or one line of stdin); their sessions end."""
    organizer = accounts.find_organizer(email)
    if organizer is None:
        click.echo(f"Error: there is no organizer with the email {accounts.normalise_email(email)}.", err=True)
        raise SystemExit(1)
    password = read_password()
    try:
        accounts.change_password(organizer, password)
    except accounts.AccountRefused as refused:
        db.session.rollback()
        click.echo(f"Error: {refused.message} Nothing was changed.", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Changed the password of {organizer.email}; their sessions have ended.")


def read_password() -> str:
    """A hidden prompt with confirmation on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    line = sys.stdin.readline()
    if not line:
        click.echo("Error: no password on stdin (give it as one line).", err=True)
        raise SystemExit(1)
    return line.rstrip("\r\n")
