"""The office store's set-up command: ``server-init URL [--team-lead STAFF_ID]`` (README
"Office store: set-up for IT"),
run by the database owner (IT). The office store's module, and with it psycopg, is imported only
when the command runs."""

from __future__ import annotations

import getpass
import os
import sys

import click

from mdbtriage.cli import ENV_PASSWORD, EXIT_REFUSED, cli, fail, say


def _ask_password(prompt: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


@cli.command("server-init")
@click.argument("url", metavar="URL")
@click.option(
    "--team-lead",
    "team_lead",
    metavar="STAFF_ID",
    help="De databaselogin van de teamleider (personeelsnummer): wordt lid van de groep TL.",
)
def server_init_command(url: str, team_lead: str | None) -> None:
    """Richt de kantooropslag in of werk haar bij (PostgreSQL): het schema, de groepsrollen per
    rol en de rechten. Uit te voeren door de eigenaar van de database (IT); nog een keer
    uitvoeren verandert niets.

    URL: postgresql://[gebruiker@]server[:poort]/database[?sslmode=verify-full…], zonder
    wachtwoord (dat komt uit MDB_TRIAGE_PASSWORD, PGPASSWORD, ~/.pgpass of de vraag).
    """
    from mdbtriage.store.office import OfficeError, server_init

    try:
        report = server_init(
            url,
            team_lead,
            password=os.environ.get(ENV_PASSWORD) or None,
            ask_password=_ask_password,
        )
    except OfficeError as error:
        fail(str(error), error.exit_code if error.exit_code in (2, 3) else EXIT_REFUSED)
    for line in report.lines():
        say(line)
