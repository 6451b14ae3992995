"""The ``mdb-triage`` command line (README "Command line at a glance"). Messages to people go to
stderr in Dutch; machine output goes to stdout. Exit codes: 0 ok, 1 unexpected, 2 bad input,
3 refused by a rule.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from mdbtriage.cli import dutch
from mdbtriage.core.accounts import STAFF_CHANGES
from mdbtriage.core.csvsafe import safe_row
from mdbtriage.core.labels import service_short
from mdbtriage.core.model import Actor, Case
from mdbtriage.core.policy import DEFAULT_POLICY, PolicyError, available_policies, load_policy
from mdbtriage.core.triage import Placement, build_queue, placement_dict, placement_dicts
from mdbtriage.core.validation import (
    ValidationError,
    check_date_range,
    format_date,
    mask_bsn,
    parse_date,
)
from mdbtriage.store.database import (
    Store,
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreMissing,
    StoreNoAccess,
    StoreOnNetworkShare,
    StorePathInvalid,
    StoreTooNew,
    WrongPassphrase,
)
from mdbtriage.store.locations import ENV_USER, resolve_store_path, store_path_origin
from mdbtriage.store.lookups import team_exists
from mdbtriage.store.records import (
    get_staff,
)

dutch.install()

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT, EXIT_REFUSED = 0, 1, 2, 3
T = TypeVar("T")


def say(message: str) -> None:
    click.echo(message, err=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    say(message)
    sys.exit(code)


# Commands that need file access, not a staff sign-in (README, "Who acts."): they act, and
# are logged, under the operating-system account.
MAINTENANCE_COMMANDS = frozenset({"check", "backup", "restore", "encrypt", "decrypt"})
# On the office store the database owner's login (IT) runs these and nothing else (README,
# "Office store"); the maintenance commands need the owner's login there too.
OWNER_COMMANDS = frozenset({"import-staff", "account-create", "move-to-server", "demo"})
ENV_PASSWORD = "MDB_TRIAGE_PASSWORD"
ENV_NEW_PASSWORD = "MDB_TRIAGE_NEW_PASSWORD"
CLI_CHANNEL = "via de opdrachtregel"


@dataclass
class Context:
    db_option: str | None
    user_option: str | None
    command: str = ""
    _store: Store | None = None
    _passphrase: str | None = None
    _actor: Actor | None = None
    _via: str = ""

    @property
    def maintenance(self) -> bool:
        return self.command in MAINTENANCE_COMMANDS

    @property
    def office_url(self) -> str | None:
        """The office store's address when ``--db`` (else ``MDB_TRIAGE_DB``) is a URL."""
        import os

        from mdbtriage.store.database import is_office_location

        value = self.db_option or os.environ.get("MDB_TRIAGE_DB", "")
        return value.strip() if is_office_location(value) else None

    @property
    def path(self) -> Path:
        """The workstation store's file; for the office store the name it goes by in messages
        (``database … op server``)."""
        url = self.office_url
        if url is not None:
            from mdbtriage.store.office import OfficeBadInput, parse_url

            try:
                return Path(parse_url(url).where)
            except OfficeBadInput as error:
                fail(f"{store_path_origin(self.db_option)}: {error}", EXIT_BAD_INPUT)
        if self.db_option is not None and not self.db_option.strip():
            fail(
                "Optie --db is leeg: geef het pad van een opslagbestand of het adres van de "
                "kantooropslag (postgresql://…), of laat de optie weg voor de standaardlocatie",
                EXIT_BAD_INPUT,
            )
        return resolve_store_path(self.db_option)

    def passphrase(self) -> str:
        """The passphrase of the encrypted store: MDB_TRIAGE_PASSPHRASE, else asked once."""
        if self._passphrase is None:
            from mdbtriage.cli.passphrase import ask_passphrase

            given = ask_passphrase(self.path)
            if given is None:
                fail(
                    f"{self.path} is versleuteld (of het begin van het bestand is beschadigd): "
                    "geef de wachtwoordzin in MDB_TRIAGE_PASSPHRASE of op de vraag",
                    EXIT_REFUSED,
                )
            self._passphrase = given
        return self._passphrase

    def check_path(self) -> Path:
        """The store path, refused with exit 2 (naming ``--db`` or ``MDB_TRIAGE_DB`` and the
        value) when it names a folder or lies under a file."""
        from mdbtriage.store.database import check_store_path

        path = self.path
        try:
            check_store_path(path)
        except StorePathInvalid as error:
            fail(f"{store_path_origin(self.db_option)}: {error}", EXIT_BAD_INPUT)
        return path

    def _open_office(self, url: str) -> Store:
        import os

        from mdbtriage.store.office import OfficeBadInput, OfficeError
        from mdbtriage.store.office_store import OfficeStore

        def ask(prompt: str) -> str | None:
            if not _terminal():
                return None
            try:
                return getpass.getpass(prompt)
            except (EOFError, KeyboardInterrupt):
                return None

        try:
            return OfficeStore.open_url(
                url, password=os.environ.get(ENV_PASSWORD) or None, ask_password=ask
            )
        except OfficeBadInput as error:
            fail(f"{store_path_origin(self.db_option)}: {error}", EXIT_BAD_INPUT)
        except OfficeError as error:
            fail(f"Opslag geweigerd: {error}", error.exit_code)

    def store(self) -> Store:
        if self._store is None and self.office_url is not None:
            self._store = self._open_office(self.office_url)
            self._actor, self._via = self._office_sign_in(self._store)
        if self._store is None:
            from mdbtriage.store.safety import looks_encrypted

            path = self.check_path()
            key = self.passphrase() if looks_encrypted(path) else None
            try:
                self._store = Store.open(path, passphrase=key)
            except StorePathInvalid as error:
                fail(f"{store_path_origin(self.db_option)}: {error}", EXIT_BAD_INPUT)
            except (StoreLocked, StoreOnNetworkShare, WrongPassphrase) as error:
                fail(f"Opslag geweigerd: {error}", EXIT_REFUSED)
            except (StoreFull, StoreNoAccess) as error:
                fail(f"Opslag geweigerd: {error}", EXIT_REFUSED)
            except StoreMissing as error:
                fail(f"Opslag geweigerd: {error}\n{self._restore_hint(key)}", EXIT_REFUSED)
            except StoreCorrupt as error:
                if not _was_a_store(path):  # a file given by mistake, not a damaged store
                    fail(f"{store_path_origin(self.db_option)}: {error}", EXIT_BAD_INPUT)
                hint = self._restore_hint(key)
                fail(f"Opslag kan niet worden gebruikt: {error}\n{hint}", EXIT_UNEXPECTED)
            except StoreTooNew as error:
                fail(f"Opslag geweigerd: {error}", EXIT_REFUSED)
            except StoreError as error:
                fail(f"Opslag kan niet worden gebruikt: {error}", EXIT_UNEXPECTED)
            if not self.maintenance:
                self._actor, self._via = self._sign_in(self._store)
        return self._store

    def _restore_hint(self, key: str | None) -> str:
        """The newest good backup of a store that cannot be used, and the command that restores
        it (Dutch)."""
        import os
        import shlex

        from mdbtriage.store.backup import backup_dir, newest_good_backup
        from mdbtriage.store.crypt import ENV_PASSPHRASE

        good = newest_good_backup(self.path, key or os.environ.get(ENV_PASSPHRASE) or None)
        if good is None:
            return f"Er is geen goede reservekopie gevonden in {backup_dir(self.path)}."
        return (
            f"Nieuwste goede reservekopie: {good}\n"
            f"Terugzetten: mdb-triage --db {shlex.quote(str(self.path))} restore "
            f"{shlex.quote(str(good))}"
        )

    def actor(self) -> Actor:
        """Who acts: the signed-in person (README, "Who acts."). Maintenance commands act
        under the operating-system account (on the office store: the owner's login)."""
        if self.maintenance and self.office_url is None:
            return _os_actor()
        self.store()
        assert self._actor is not None
        return self._actor

    @property
    def accounts(self) -> bool:
        """Whether the store has accounts (else it is in set-up mode)."""
        from mdbtriage.store.accounts import has_accounts

        return has_accounts(self.store())

    def via(self) -> str:
        """The note for the log when nobody signed in with a password (set-up mode); empty for
        a signed-in person."""
        self.actor()
        return self._via

    def _sign_in(self, store: Store) -> tuple[Actor, str]:
        """The acting person and the log's note about how they were identified.

        With accounts: ``--user``/``MDB_TRIAGE_USER`` and the password (``MDB_TRIAGE_PASSWORD``
        or asked without echo); every refusal is logged and exits 3, only a wrong password
        counts towards the lock-out. Without accounts (set-up mode): ``--user`` names the person
        without a password (a sign-in record says so), else the operating-system account.
        """
        import os

        from mdbtriage.store.accounts import (
            REMOVED,
            AccountError,
            accounts_removed,
            has_account,
            has_accounts,
            log_sign_in,
            sign_in,
        )

        wanted = self.user_option or os.environ.get(ENV_USER)
        channel = f"{CLI_CHANNEL} ({self.command or 'mdb-triage'})"
        if not has_accounts(store):
            if accounts_removed(store):
                log_sign_in(store, _os_actor(), channel, "accounts buiten MDB Triage om verwijderd")
                fail(f"Aanmelden geweigerd: {REMOVED}.", EXIT_REFUSED)
            staff = get_staff(store, wanted) if wanted else None
            if wanted and staff is None and store.count("staff") == 0:
                # An empty store: nobody can be named yet; the first staff import is done
                # under the operating-system account.
                wanted = None
            if wanted:
                if staff is None:
                    fail(f"Gebruiker '{wanted}' (--user/{ENV_USER}) is geen bekende medewerker", 2)
                person = Actor.of_staff(staff)
                if not staff.active:
                    log_sign_in(store, person, channel, "medewerker is niet actief")
                    fail(f"Medewerker {wanted} is niet actief en mag niet werken", EXIT_REFUSED)
                via = (
                    "via opdrachtregel, opslag zonder accounts (inrichting), "
                    "--user zonder wachtwoord"
                )
                # The records of the command itself cannot show that no password was asked.
                log_sign_in(store, person, channel, via, refused=False)
                return person, via
            system = _os_actor()  # "os:…" in every record says no one signed in
            return system, f"via opdrachtregel, systeemaccount {system.name}, zonder --user"
        system = _os_actor()
        if not wanted:
            log_sign_in(store, system, channel, "geen --user opgegeven")
            fail(
                f"Aanmelden nodig: {self.path} heeft accounts. Geef uw personeelsnummer met "
                f"--user (of {ENV_USER}) en uw wachtwoord op de vraag of in {ENV_PASSWORD}.",
                EXIT_REFUSED,
            )
        staff = get_staff(store, wanted)
        if staff is None:
            log_sign_in(store, system, channel, f"onbekende gebruiker '{wanted}'")
            fail(
                f"Aanmelden geweigerd: '{wanted}' (--user/{ENV_USER}) is geen bekende medewerker.",
                EXIT_REFUSED,
            )
        person = Actor.of_staff(staff)
        if not has_account(store, staff.staff_id):
            log_sign_in(store, person, channel, "geen account")
            fail(
                f"Aanmelden als {wanted} geweigerd: {staff.name} heeft geen account; een "
                "teamleider maakt het aan met 'mdb-triage account-create'.",
                EXIT_REFUSED,
            )
        password = _ask_password(wanted)
        if not password:
            log_sign_in(store, person, channel, "geen wachtwoord gegeven")
            fail(
                f"Aanmelden als {wanted} geweigerd: geen wachtwoord. Geef het op de vraag (in een "
                f"terminal) of in {ENV_PASSWORD}.",
                EXIT_REFUSED,
            )
        try:
            sign_in(store, staff.staff_id, password, channel)
        except AccountError as error:
            fail(f"Aanmelden als {wanted} geweigerd: {error}.", EXIT_REFUSED)
        return person, ""

    def _office_sign_in(self, store: Store) -> tuple[Actor, str]:
        """Who acts on the office store: the staff member whose personnel number is the database
        login (``session_user``: the server authenticated it). The database owner's login (IT)
        runs the set-up and maintenance commands only. ``--user`` is not a sign-in there: when
        given, it must name the login's own staff member."""
        import os

        from mdbtriage.store.accounts import log_sign_in
        from mdbtriage.store.office import OfficeRefused
        from mdbtriage.store.office_store import OfficeStore, signed_in_staff

        assert isinstance(store, OfficeStore)
        login = store.login
        channel = f"{CLI_CHANNEL} ({self.command or 'mdb-triage'}), databaselogin {login}"
        wanted = self.user_option or os.environ.get(ENV_USER)
        if (self.maintenance or self.command in OWNER_COMMANDS) and store.is_owner():
            return Actor.database_owner(login), f"databaselogin {login} (eigenaar)"
        staff = get_staff(store, login)
        if staff is not None and wanted and wanted != staff.staff_id:
            person = Actor.of_staff(staff)
            log_sign_in(store, person, channel, f"--user {wanted} is niet de eigen login")
            fail(
                f"Aanmelden geweigerd: u bent bij de server aangemeld als {login}; --user "
                f"{wanted} (of {ENV_USER}) kan daar niet van afwijken.",
                EXIT_REFUSED,
            )
        if staff is not None and self.maintenance:
            fail(
                f"Geweigerd: '{self.command}' op de kantooropslag voert de eigenaar van de "
                "database (IT) uit, niet een medewerker.",
                EXIT_REFUSED,
            )
        try:
            staff = signed_in_staff(store, channel)
        except OfficeRefused as refused:
            fail(f"Aanmelden geweigerd: {refused}", EXIT_REFUSED)
        return Actor.of_staff(staff), ""

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_ctx = click.make_pass_decorator(Context)


def _was_a_store(path: Path) -> bool:
    """Whether a file that cannot be read as a store is a damaged store rather than a wrong
    file given: it is an SQLite file (or looks like an encrypted one), or shows the signs a
    store leaves (its seal, changes in its WAL file, backups or kept copies of it). A store's
    seal is gone while it is open, so after a crash only its content may tell."""
    from mdbtriage.store.safety import SQLITE_MAGIC, looks_encrypted, predecessor_signs

    try:
        with path.open("rb") as handle:
            start = handle.read(len(SQLITE_MAGIC))
    except OSError:
        start = b""
    return start == SQLITE_MAGIC or looks_encrypted(path) or bool(predecessor_signs(path))


def _os_actor() -> Actor:
    """The operating-system account, for maintenance and for set-up mode without ``--user``."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "onbekend"
    return Actor.system_account(account)


def _terminal() -> bool:
    """Whether a person can be asked a password: stdin is a terminal."""
    return sys.stdin.isatty()


def _ask_password(staff_id: str) -> str | None:
    """``MDB_TRIAGE_PASSWORD``, else asked without echo when stdin is a terminal, else None."""
    import os

    given = os.environ.get(ENV_PASSWORD)
    if given:
        return given
    if not _terminal():
        return None
    try:
        return getpass.getpass(f"Wachtwoord van {staff_id}: ")
    except (EOFError, KeyboardInterrupt):
        return None


def refuse(context: Context, event: str, purpose: str, reason: str) -> NoReturn:
    """Log a refusal by a role rule as ``geweigerd`` and exit 3 with the rule in Dutch."""
    from mdbtriage.store.access_log import record_access

    actor = context.actor()
    record_access(context.store(), actor, event, purpose, reason, outcome="geweigerd")
    fail(
        f"Geweigerd: {reason} (u bent aangemeld als {actor.user_id}, rol {actor.role}).",
        EXIT_REFUSED,
    )


def require_team_lead(context: Context, what: str, purpose: str) -> Actor:
    """The signed-in person when a team lead (or in set-up mode anyone); else refused, logged."""
    from mdbtriage.store.accounts import AccountRefused, check_team_lead

    actor = context.actor()
    try:
        check_team_lead(context.store(), actor, what, purpose)
    except AccountRefused as refused:
        fail(
            f"Geweigerd: {refused} (u bent aangemeld als {actor.user_id}, rol {actor.role}).",
            EXIT_REFUSED,
        )
    return actor


def check_team_option(store: Store, team: str) -> str:
    """A ``--team`` value that names a team of the store; else exit 2 naming it."""
    if not team_exists(store, team):
        fail(f"Optie --team, waarde '{team}': dit team bestaat niet in {store.path}")
    return team


def parse_date_option(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return check_date_range(parse_date(value))
    except ValidationError as error:
        fail(f"Optie {name}, waarde '{value}': {error}")


# The command modules (``mdbtriage.cli.<module>``) register their commands on ``cli`` when they
# are imported, and they are imported when one of their commands is asked for: starting the
# desktop or running one command does not load the others (about 0.1 s of every start);
# ``--help`` and a mistyped command load them all. tests/cli/test_command_modules.py holds this
# table against what the modules register.
COMMAND_MODULES: dict[str, str] = {
    "audit": "audit",
    "import-central": "central",
    "adopt-ruleset": "delegations",
    "delegate": "delegations",
    "delegations": "delegations",
    "revoke": "delegations",
    "rulesets": "delegations",
    "who-may": "delegations",
    "absence-add": "forecast",
    "forecast": "forecast",
    "import-absences": "forecast",
    "herbeoordeling": "herbeoordeling",
    "backup": "maintenance",
    "decrypt": "maintenance",
    "encrypt": "maintenance",
    "restore": "maintenance",
    "mdb-close": "meetings",
    "mdb-create": "meetings",
    "mdb-list": "meetings",
    "mdb-show": "meetings",
    "mdb-summary": "meetings",
    "move-to-server": "server",
    "server-init": "server",
    "assign": "tasks",
    "complete": "tasks",
    "reject": "tasks",
    "review-stats": "tasks",
    "sign-off": "tasks",
    "tasks": "tasks",
    "te-accorderen": "tasks",
}


def load_command_modules() -> None:
    """Import every command module (each registers its commands on ``cli``)."""
    import importlib

    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f"mdbtriage.cli.{module}")


class StoreGuard(click.Group):
    """The command group: a store that stays in use after the automatic retry, a full disk or a
    folder without write permission met halfway a command is exit 3 with a Dutch message, never
    a traceback (README "Reliability: checks at start, backups, restore": a store in use is
    refused by a rule). A command's module is imported when the command is asked for."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            import importlib

            importlib.import_module(f"mdbtriage.cli.{module}")
        elif cmd_name not in self.commands:
            load_command_modules()  # a mistyped command: click suggests from all of them
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_command_modules()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        from mdbtriage.store.database import db_errors, is_busy, is_full, refusal_for

        try:
            return super().invoke(ctx)
        except (StoreLocked, StoreFull, StoreNoAccess) as error:
            fail(f"Geweigerd: {error}", EXIT_REFUSED)
        except db_errors() as error:
            context = ctx.obj if isinstance(ctx.obj, Context) else None
            path = context.path if context is not None else Path(".")
            refusal = (
                refusal_for(path, error, "opslaan") if is_busy(error) or is_full(error) else None
            )
            if refusal is None:
                raise
            fail(f"Geweigerd: {refusal}", EXIT_REFUSED)


@click.group(
    cls=StoreGuard,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db",
    metavar="PAD|URL",
    help="Opslagbestand (werkplekopslag) of adres van de kantooropslag (postgresql://…); "
    "anders MDB_TRIAGE_DB of de standaardlocatie.",
)
@click.option(
    "--user",
    "user",
    metavar="STAFF_ID",
    help="Wie handelt (anders MDB_TRIAGE_USER); met accounts ook het wachtwoord, op de vraag "
    "of in MDB_TRIAGE_PASSWORD.",
)
@click.version_option(package_name="mdb-triage", message="MDB Triage %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None) -> None:
    """MDB Triage: werkvoorraad, MDB-sessies en taakdelegatie voor sociaal-medische teams.

    Zonder opdracht opent de desktoptoepassing.
    """
    context = Context(db_option=db, user_option=user, command=ctx.invoked_subcommand or "")
    ctx.obj = context
    ctx.call_on_close(context.close)
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


@cli.command()
@pass_ctx
def gui(context: Context) -> None:
    """Open de desktoptoepassing."""
    from mdbtriage.store.locations import default_store_path, explicit_location
    from mdbtriage.store.safety import prefetch_digest

    location: Path | str | None = context.office_url
    if location is None:
        location = context.path if explicit_location(context.db_option) else None
        # The seal check of the store reads the whole file: it runs while Qt loads.
        prefetch_digest(location or default_store_path())
    from mdbtriage.ui.app import run_app

    sys.exit(run_app(location))


@cli.command()
@click.option(
    "--cases",
    "n_cases",
    default=2000,
    show_default=True,
    type=click.IntRange(1, 2_000_000),
    help="Aantal zaken.",
)
@click.option(
    "--seed", default=2026, show_default=True, type=int, help="Startwaarde van de toevalsgenerator."
)
@click.option("--on", "on", metavar="DATUM", help="Peildatum (standaard vandaag).")
@click.option("--force", is_flag=True, help="Voeg ook toe aan een opslag die al zaken bevat.")
@pass_ctx
def demo(context: Context, n_cases: int, seed: int, on: str | None, force: bool) -> None:
    """Vul de opslag met een realistisch synthetisch team of district."""
    from mdbtriage.store.demo import load_demo

    today = parse_date_option(on, "--on") or date.today()
    store = context.store()
    require_team_lead(context, "demogegevens (met medewerkers) toevoegen", "demogegevens laden")
    existing = store.count("cases")
    if existing and not force:
        fail(
            f"{store.path} bevat al {existing} zaken; demogegevens zouden zich ermee vermengen. "
            "Kies een lege opslag met --db, of voeg toch toe met --force.",
            EXIT_REFUSED,
        )
    summary = load_demo(store, n_cases=n_cases, seed=seed, today=today, actor=context.actor())
    say(
        f"Demogegevens geladen in {store.path}: {summary.teams} teams, {summary.staff} "
        f"medewerkers, {summary.cases} zaken."
    )


def _run_import(context: Context, path: str, kind: str, skip_invalid: bool, actor: Actor) -> None:
    """One CSV import, streamed (see ``store.imports``): exit 2 when it is refused for its
    input, 3 when a rule refuses it (the last active team lead)."""
    from mdbtriage.store.imports import import_file

    report = import_file(
        context.store(),
        Path(path),
        kind,
        skip_invalid=skip_invalid,
        actor=actor,
        today=date.today(),
        skip_hint="Gebruik --skip-invalid om de geldige regels te importeren.",
    )
    for line in report.lines:
        say(line)
    if not report.written:
        sys.exit(EXIT_REFUSED if report.refused else EXIT_BAD_INPUT)


@cli.command("import-staff")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Importeer de geldige regels; bewaar de rest in FILE.rejected.csv.",
)
@pass_ctx
def import_staff(context: Context, file: str, skip_invalid: bool) -> None:
    """Importeer medewerkers uit een CSV-bestand."""
    actor = require_team_lead(context, STAFF_CHANGES, "medewerkers importeren")
    _run_import(context, file, "staff", skip_invalid, actor)


@cli.command("import-cases")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Importeer de geldige regels; bewaar de rest in FILE.rejected.csv.",
)
@pass_ctx
def import_cases(context: Context, file: str, skip_invalid: bool) -> None:
    """Importeer zaken uit een CSV-bestand."""
    _run_import(context, file, "cases", skip_invalid, context.actor())


QUEUE_CSV_COLUMNS = (
    "position",
    "class",
    "case_ref",
    "service",
    "route",
    "lead_role",
    "received_on",
    "waiting_days",
    "overdue_days",
    "over_six_months",
    "flags",
    "reasons",
    "term_ends_on",
    "team",
)


def _queue_table(placements: list[Placement], rows: dict[str, Case]) -> str:
    header = (
        "pos",
        "kl",
        "zaak",
        "dienst",
        "cliënt",
        "BSN",
        "ontvangen",
        "wk",
        "termijn+",
        ">6m",
        "route",
        "regie",
        "signalen",
    )
    lines = [header]
    for p in placements:
        row = rows[p.case_ref]
        lines.append(
            (
                str(p.position),
                p.klasse,
                p.case_ref,
                service_short(p.facts.service),
                row.client_name[:24],
                mask_bsn(row.bsn),
                format_date(p.facts.received_on),
                str(p.waiting_weeks),
                str(p.overdue_days) if p.overdue_days else "",
                "ja" if p.over_six_months else "",
                p.route.name,
                p.route.lead_role,
                ", ".join(p.flags),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = io.StringIO()
    for line in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])]
        out.write("  ".join([*cells, line[-1]]).rstrip() + "\n")
    return out.getvalue()


# --format for the commands that write a table, or JSON or CSV for scripts, on stdout.
TABLE_JSON_CSV = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)


@cli.command()
@click.option("--on", "on", metavar="DATUM", help="Peildatum (standaard vandaag).")
@click.option("--team", metavar="TEAM", help="Alleen de zaken van dit team.")
@TABLE_JSON_CSV
@click.option(
    "--policy",
    "policy_id",
    default=None,
    help="Prioriteringsbeleid ("
    + ", ".join(available_policies())
    + "); standaard het beleid van het team op die datum ("
    + DEFAULT_POLICY
    + ").",
)
@pass_ctx
def queue(
    context: Context, on: str | None, team: str | None, fmt: str, policy_id: str | None
) -> None:
    """De werkvoorraad in triagevolgorde op een datum."""
    from mdbtriage.store.delegations import policy_for

    day = parse_date_option(on, "--on") or date.today()
    try:
        chosen = load_policy(policy_id) if policy_id else None
    except PolicyError as error:
        fail(f"Optie --policy: {error}")
    store = context.store()
    if team:
        check_team_option(store, team)
    policy = chosen or policy_for(store, team, day)
    from mdbtriage.core.fast import long_lived
    from mdbtriage.store.access_log import record_access
    from mdbtriage.store.queue_view import cases_to_place

    # A quarter of a million rows are built and kept until they are written: without collector
    # passes over them (each would scan every row; some 0.4 s in all at that size).
    with long_lived():
        rows = cases_to_place(store, policy, team, on=day)
        placements = build_queue([r.facts for r in rows], day, policy)
        record_access(
            store,
            context.actor(),
            "export" if fmt != "table" else "search",
            "werkvoorraad opvragen",
            f"queue --on {day.isoformat()} --team {team or '*'} --format {fmt}: "
            f"{len(placements)} zaken",
        )
        if fmt == "json":
            json.dump(
                placement_dicts(placements, policy, {r.facts.case_ref: r.team for r in rows}),
                sys.stdout,
                ensure_ascii=False,
                indent=1,
            )
            sys.stdout.write("\n")
        elif fmt == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(QUEUE_CSV_COLUMNS)
            teams = {r.facts.case_ref: r.team for r in rows}
            for p in placements:
                d: dict[str, Any] = placement_dict(p, policy, teams.get(p.facts.case_ref))
                d["flags"] = " | ".join(d["flags"])
                d["reasons"] = " | ".join(d["reasons"])
                d["over_six_months"] = "ja" if d["over_six_months"] else "nee"
                d["term_ends_on"] = d["term_ends_on"] or ""
                writer.writerow(safe_row(d[c] for c in QUEUE_CSV_COLUMNS))
        else:
            by_ref = {r.facts.case_ref: r for r in rows}
            if not placements:
                say(
                    "De werkvoorraad is leeg. Vul de opslag met 'mdb-triage demo' of 'import-cases'."
                )
            else:
                click.echo(_queue_table(placements, by_ref), nl=False)
                say(f"{len(placements)} zaken op {format_date(day)} volgens {policy.name}.")


@cli.command("account-create")
@click.argument("staff_id")
@pass_ctx
def account_create(context: Context, staff_id: str) -> None:
    """Maak een account (wachtwoord) voor een medewerker; alleen een teamleider. Het eerste
    account is dat van een teamleider en beëindigt de inrichting. Het wachtwoord komt uit
    MDB_TRIAGE_NEW_PASSWORD of wordt twee keer gevraagd."""
    from mdbtriage.store.accounts import AccountError, AccountRefused, create_account

    store = context.store()
    actor = context.actor()
    staff = get_staff(store, staff_id)
    if staff is None:
        fail(f"Argument STAFF_ID, waarde '{staff_id}': geen bekende medewerker in {store.path}")
    first = not context.accounts
    password = _ask_new_password(staff_id)
    try:
        create_account(store, actor, staff_id, password)
    except AccountRefused as refused:
        fail(f"Geweigerd: {refused}.", EXIT_REFUSED)
    except AccountError as error:
        fail(f"Account voor {staff_id} niet aangemaakt: {error}.")
    say(f"Account aangemaakt voor {staff.name} ({staff_id}, {staff.role}).")
    if first:
        say(
            "Dit is het eerste account: de inrichting is voorbij. Elke opdracht vraagt nu "
            f"--user en het wachtwoord (of {ENV_PASSWORD})."
        )


def _ask_new_password(staff_id: str) -> str:
    """``MDB_TRIAGE_NEW_PASSWORD``, else asked twice without echo in a terminal; exit 2 else."""
    import os

    given = os.environ.get(ENV_NEW_PASSWORD)
    if given:
        return given
    if not _terminal():
        fail(
            f"Geen wachtwoord voor {staff_id}: geef het op de vraag (in een terminal) of in "
            f"{ENV_NEW_PASSWORD}; er is niets gewijzigd."
        )
    first = getpass.getpass(f"Nieuw wachtwoord voor {staff_id}: ")
    if getpass.getpass("Nogmaals: ") != first:
        fail("De twee wachtwoorden verschillen; er is niets gewijzigd.")
    return first


@cli.command()
@click.option(
    "--anchor",
    "anchor",
    metavar="HASH|RESERVEKOPIE",
    help="Controleer ook dat deze ketenkop van het toegangslogboek (of die van deze "
    "reservekopie) er nog in staat.",
)
@pass_ctx
def check(context: Context, anchor: str | None) -> None:
    """Controleer de opslag (integriteit, verwijzingen, schemaversie) en de hashketen van het
    toegangslogboek; met --anchor ook dat een eerder genoteerde ketenkop er nog in staat."""
    from mdbtriage.store.access_log import chain_anchor, chain_break, chain_head

    wanted = _anchor_hash(context, anchor) if anchor is not None else None
    store = context.store()
    problems = store.integrity_problems()
    if problems:
        for problem in problems[:50]:
            say(f"Probleem: {problem}")
        _log_check(context, "mislukt", f"{len(problems)} problemen: {problems[0]}")
        fail(f"{store.path} is beschadigd: {len(problems)} problemen gevonden.", EXIT_UNEXPECTED)
    broken = chain_break(store)
    if broken is not None:
        _log_check(context, "mislukt", broken.message())
        fail(f"{store.path}: {broken.message()}.", EXIT_UNEXPECTED)
    if wanted is not None:
        found = chain_anchor(store, wanted)
        if found is None:
            _log_check(context, "mislukt", f"ketenkop {wanted} (--anchor) niet gevonden")
            fail(
                f"{store.path}: toegangslogboek: de ketenkop {wanted} (--anchor) komt er niet "
                "meer in voor: het logboek is na dat moment herschreven of ingekort.",
                EXIT_UNEXPECTED,
            )
        say(f"Ketenkop {wanted} (--anchor) gevonden bij logregel {found}.")
    _log_check(context, "gelukt", f"in orde{f'; ketenkop {wanted} gevonden' if wanted else ''}")
    say(
        f"{store.path} is in orde: schemaversie {store.schema_version()}, "
        f"{store.count('cases')} zaken, {store.count('staff')} medewerkers, "
        f"{store.count('audit_log')} logregels, hashketen klopt "
        f"(kop {chain_head(store) or 'leeg'})."
    )


def _log_check(context: Context, outcome: str, details: str) -> None:
    """The check's record in the access log, under the operating-system account (it reads every
    client's data); a store too damaged to take it is reported all the same."""
    from mdbtriage.store.access_log import record_access
    from mdbtriage.store.database import db_errors

    try:
        record_access(
            context.store(), context.actor(), "read", "opslag controleren", details, outcome=outcome
        )
    except db_errors(StoreError):
        pass


def _anchor_hash(context: Context, anchor: str) -> str:
    """The head named by ``--anchor``: a SHA-256 in hex, or read from a backup file."""
    from mdbtriage.store import audit_chain
    from mdbtriage.store.safety import looks_encrypted

    text = anchor.strip().lower()
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        return text
    path = Path(anchor)
    if not path.is_file():
        fail(
            f"Optie --anchor, waarde '{anchor}': geen ketenkop (64 hexadecimale tekens) en geen "
            "bestaande reservekopie"
        )
    try:
        if context.office_url is not None:  # a dump of the office store (pg_dump)
            from mdbtriage.store.office_backup import dump_head

            found = dump_head(path)
        else:
            key = context.passphrase() if looks_encrypted(path) else None
            found = audit_chain.file_head(path, key)
    except StoreError as error:
        fail(f"Optie --anchor, waarde '{anchor}': {error}")
    if found is None:
        fail(
            f"Optie --anchor, waarde '{anchor}': deze reservekopie heeft nog geen hashketen "
            "(gemaakt voor versie 8 van de opslag) of een leeg toegangslogboek"
        )
    return found


def _not_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # bytes the system could not read as UTF-8 (kept as surrogates)
        return True
    return False


def _unreadable_input(args: Sequence[str]) -> str | None:
    """The first argument or MDB_TRIAGE_ variable that is not UTF-8 text, as a Dutch message;
    a secret's value is never repeated."""
    import os

    def readable(value: str) -> str:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")

    for number, arg in enumerate(args, start=1):
        if _not_utf8(arg):
            return (
                f"Argument {number}, waarde '{readable(arg)}': bevat tekens die geen UTF-8 zijn (� staat "
                "voor wat niet te lezen is); typ de waarde opnieuw of kies een bestandsnaam met "
                "gewone tekens"
            )
    for name in sorted(os.environ):
        if name.startswith("MDB_TRIAGE_") and _not_utf8(os.environ[name]):
            secret = any(word in name for word in ("PASSWORD", "PASSPHRASE"))
            shown = "" if secret else f", waarde '{readable(os.environ[name])}'"
            return f"{name}{shown}: bevat tekens die geen UTF-8 zijn; zet de variabele opnieuw"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: click's own errors keep exit code 2; anything unexpected becomes 1."""
    unreadable = _unreadable_input(list(argv) if argv is not None else sys.argv[1:])
    if unreadable is not None:
        say(unreadable)
        return EXIT_BAD_INPUT
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="mdb-triage",
            standalone_mode=True,
        )
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except (StoreLocked, StoreFull, StoreNoAccess) as error:
        say(f"Geweigerd: {error}")
        return EXIT_REFUSED
    except StoreError as error:
        say(f"Opslagfout: {error}")
        return EXIT_UNEXPECTED
    except Exception as error:
        say(f"Onverwachte fout: {type(error).__name__}: {error}")
        return EXIT_UNEXPECTED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
