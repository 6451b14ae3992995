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


@cli.command("move-to-server")
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))
@click.argument("url", metavar="URL")
@click.option(
    "--merge",
    is_flag=True,
    help="Voeg samen met wat de kantooropslag al bevat (een volgende werkplek van het kantoor).",
)
@click.option(
    "--prefer",
    type=click.Choice(["newer"]),
    help="Bij een zaak die in beide opslagen anders is: neem de laatst gewijzigde.",
)
def move_to_server_command(file: str, url: str, merge: bool, prefer: str | None) -> None:
    """Verhuis een werkplekopslag (FILE), toegangslogboek inbegrepen, naar de kantooropslag
    (URL): in een lege kantooropslag, of met --merge naast wat er al staat. Telt per tabel na
    en legt de verhuizing aan beide kanten vast. Uit te voeren door de eigenaar van de database
    (IT), met de desktoptoepassing op die werkplek gesloten."""
    from pathlib import Path

    from mdbtriage.cli import EXIT_BAD_INPUT, EXIT_UNEXPECTED
    from mdbtriage.store.crypt import ENV_PASSPHRASE
    from mdbtriage.store.database import Store, StoreError
    from mdbtriage.store.move import MoveError, default_actor, move_to_server
    from mdbtriage.store.office import OfficeBadInput, OfficeError
    from mdbtriage.store.office_store import OfficeStore
    from mdbtriage.store.safety import looks_encrypted

    source_path = Path(file)
    if not source_path.is_file():
        fail(f"Argument FILE, waarde '{file}': geen opslagbestand (bestaat niet)", EXIT_BAD_INPUT)
    try:
        target = OfficeStore.open_url(
            url, password=os.environ.get(ENV_PASSWORD) or None, ask_password=_ask_password
        )
    except OfficeBadInput as error:
        fail(f"Argument URL: {error}", EXIT_BAD_INPUT)
    except OfficeError as error:
        fail(f"Kantooropslag geweigerd: {error}", error.exit_code)
    try:
        if not target.is_owner():
            fail(
                f"Geweigerd: verhuizen doet de eigenaar van de database (IT), niet {target.login}.",
                EXIT_REFUSED,
            )
        key = os.environ.get(ENV_PASSPHRASE) if looks_encrypted(source_path) else None
        try:
            source = Store.open(source_path, passphrase=key)
        except StoreError as error:
            fail(f"Werkplekopslag geweigerd: {error}", EXIT_REFUSED)
        try:
            report = move_to_server(
                source,
                target,
                default_actor(target.login),
                merge=merge,
                prefer_newer=prefer == "newer",
                progress=lambda table: say(f"  {table} …"),
            )
        except MoveError as error:
            fail(f"Verhuizen geweigerd: {error}", EXIT_REFUSED)
        except StoreError as error:
            fail(f"Verhuizen mislukt: {error}; er is niets verhuisd", EXIT_UNEXPECTED)
        finally:
            source.close()
    finally:
        target.close()
    say(f"Verhuisd van {source_path} naar {target.path}:")
    for table, (rows, carried) in report.counts.items():
        if rows:
            already = report.merged.get(table, 0)
            say(
                f"  {table}: {carried} overgenomen"
                + (f", {already} stonden er al" if already else "")
            )
    if report.log_range and report.source_range:
        say(
            f"  toegangslogboek: regels {report.source_range[0]}–{report.source_range[1]} als "
            f"{report.log_range[0]}–{report.log_range[1]}; ketenkop van de bron "
            f"{report.source_head or 'leeg'}"
        )
    if report.conflicts:
        say(f"  {len(report.conflicts)} zaken verschilden; de laatst gewijzigde is genomen.")
    say(
        "Maak nu logins voor de medewerkers (mdb-triage --db URL account-create STAFF_ID): "
        "wachtwoorden van de werkplek gaan niet mee."
    )
