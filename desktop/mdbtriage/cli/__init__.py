"""The ``mdb-triage`` command line (contract.md). Messages to people go to stderr in Dutch;
machine output goes to stdout. Exit codes: 0 ok, 1 unexpected, 2 bad input, 3 refused by a rule.
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
from mdbtriage.core.csvsafe import safe_row
from mdbtriage.core.model import Actor
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
    StoreLocked,
    StoreOnNetworkShare,
    StoreTooNew,
    WrongPassphrase,
)
from mdbtriage.store.locations import ENV_USER, resolve_store_path
from mdbtriage.store.records import (
    CaseRow,
    get_staff,
    open_cases,
)

dutch.install()

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT, EXIT_REFUSED = 0, 1, 2, 3
T = TypeVar("T")


def say(message: str) -> None:
    click.echo(message, err=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    say(message)
    sys.exit(code)


@dataclass
class Context:
    db_option: str | None
    user_option: str | None
    _store: Store | None = None
    _passphrase: str | None = None

    @property
    def path(self) -> Path:
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

    def store(self) -> Store:
        if self._store is None:
            from mdbtriage.store.safety import looks_encrypted

            key = self.passphrase() if looks_encrypted(self.path) else None
            try:
                self._store = Store.open(self.path, passphrase=key)
            except (StoreLocked, StoreOnNetworkShare, WrongPassphrase) as error:
                fail(f"Opslag geweigerd: {error}", EXIT_REFUSED)
            except StoreCorrupt as error:
                from mdbtriage.store.backup import newest_good_backup

                good = newest_good_backup(self.path, key)
                hint = (
                    f"Nieuwste goede reservekopie: {good}\n"
                    f"Terugzetten: mdb-triage --db '{self.path}' restore '{good}'"
                    if good
                    else "Er is geen goede automatische reservekopie gevonden."
                )
                fail(f"Opslag kan niet worden gebruikt: {error}\n{hint}", EXIT_UNEXPECTED)
            except StoreTooNew as error:
                fail(f"Opslag geweigerd: {error}", EXIT_REFUSED)
            except StoreError as error:
                fail(f"Opslag kan niet worden gebruikt: {error}", EXIT_UNEXPECTED)
        return self._store

    def actor(self) -> Actor:
        """Who acts: ``--user``/``MDB_TRIAGE_USER`` as a staff id, else the OS account."""
        import os

        wanted = self.user_option or os.environ.get(ENV_USER)
        if wanted:
            staff = get_staff(self.store(), wanted)
            if staff is None:
                fail(f"Gebruiker '{wanted}' (--user/{ENV_USER}) is geen bekende medewerker", 2)
            if not staff.active:
                fail(f"Medewerker {wanted} is niet actief en mag niet werken", EXIT_REFUSED)
            return Actor(user_id=staff.staff_id, name=staff.name, role=staff.role)
        try:
            account = getpass.getuser()
        except (KeyError, OSError):
            account = "onbekend"
        return Actor.system_account(account)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_ctx = click.make_pass_decorator(Context)


def parse_date_option(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return check_date_range(parse_date(value))
    except ValidationError as error:
        fail(f"Optie {name}, waarde '{value}': {error}")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db", "db", metavar="PAD", help="Opslagbestand (anders MDB_TRIAGE_DB of de standaardlocatie)."
)
@click.option(
    "--user",
    "user",
    metavar="STAFF_ID",
    help="Wie handelt (anders MDB_TRIAGE_USER of het systeemaccount).",
)
@click.version_option(package_name="mdb-triage", message="MDB Triage %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None) -> None:
    """MDB Triage: werkvoorraad, MDB-sessies en taakdelegatie voor sociaal-medische teams.

    Zonder opdracht opent de desktoptoepassing.
    """
    context = Context(db_option=db, user_option=user)
    ctx.obj = context
    ctx.call_on_close(context.close)
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


@cli.command()
@pass_ctx
def gui(context: Context) -> None:
    """Open de desktoptoepassing."""
    from mdbtriage.ui.app import run_app

    sys.exit(run_app(context.path))


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
    """One CSV import, streamed (see ``store.imports``): exit 2 when it is refused."""
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
        sys.exit(EXIT_BAD_INPUT)


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
    _run_import(context, file, "staff", skip_invalid, context.actor())


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
)


def _queue_table(placements: list[Placement], rows: dict[str, CaseRow]) -> str:
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
                p.facts.service,
                row.client_name[:24],
                mask_bsn(row.bsn),
                format_date(p.facts.received_on),
                str(p.waiting_weeks),
                str(p.overdue_days) if p.overdue_days else "",
                "ja" if p.over_six_months else "",
                p.route.code,
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


@cli.command()
@click.option("--on", "on", metavar="DATUM", help="Peildatum (standaard vandaag).")
@click.option("--team", metavar="TEAM", help="Alleen de zaken van dit team.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--policy",
    "policy_id",
    default=DEFAULT_POLICY,
    show_default=True,
    help="Prioriteringsbeleid (" + ", ".join(available_policies()) + ").",
)
@pass_ctx
def queue(context: Context, on: str | None, team: str | None, fmt: str, policy_id: str) -> None:
    """De werkvoorraad in triagevolgorde op een datum."""
    day = parse_date_option(on, "--on") or date.today()
    try:
        policy = load_policy(policy_id)
    except PolicyError as error:
        fail(f"Optie --policy: {error}")
    store = context.store()
    if team and not store.conn.execute("SELECT 1 FROM teams WHERE team_id = ?", (team,)).fetchone():
        fail(f"Optie --team, waarde '{team}': dit team bestaat niet in {store.path}")
    rows = open_cases(store, team)
    placements = build_queue((r.facts for r in rows), day, policy)
    from mdbtriage.store.audit import AuditEntry, log

    with store.atomic() as conn:
        log(
            conn,
            context.actor(),
            AuditEntry(
                event="export" if fmt != "table" else "search",
                purpose="werkvoorraad opvragen",
                details=f"queue --on {day.isoformat()} --team {team or '*'} --format {fmt}: "
                f"{len(placements)} zaken",
            ),
        )
    if fmt == "json":
        json.dump(
            placement_dicts(placements, policy),
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(QUEUE_CSV_COLUMNS)
        for p in placements:
            d: dict[str, Any] = placement_dict(p, policy)
            d["flags"] = " | ".join(d["flags"])
            d["reasons"] = " | ".join(d["reasons"])
            d["over_six_months"] = "ja" if d["over_six_months"] else "nee"
            writer.writerow(safe_row(d[c] for c in QUEUE_CSV_COLUMNS))
    else:
        by_ref = {r.facts.case_ref: r for r in rows}
        if not placements:
            say("De werkvoorraad is leeg. Vul de opslag met 'mdb-triage demo' of 'import-cases'.")
        else:
            click.echo(_queue_table(placements, by_ref), nl=False)
            say(f"{len(placements)} zaken op {format_date(day)} volgens {policy.name}.")


@cli.command()
@pass_ctx
def check(context: Context) -> None:
    """Controleer de opslag (integriteit, verwijzingen, schemaversie)."""
    store = context.store()
    problems = store.integrity_problems()
    if problems:
        for problem in problems[:50]:
            say(f"Probleem: {problem}")
        fail(f"{store.path} is beschadigd: {len(problems)} problemen gevonden.", EXIT_UNEXPECTED)
    say(
        f"{store.path} is in orde: schemaversie {store.schema_version()}, "
        f"{store.count('cases')} zaken, {store.count('staff')} medewerkers, "
        f"{store.count('audit_log')} logregels."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: click's own errors keep exit code 2; anything unexpected becomes 1."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="mdb-triage",
            standalone_mode=True,
        )
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except StoreError as error:
        say(f"Opslagfout: {error}")
        return EXIT_UNEXPECTED
    except Exception as error:
        say(f"Onverwachte fout: {type(error).__name__}: {error}")
        return EXIT_UNEXPECTED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())


# Command modules register themselves on ``cli`` when imported (one line per module).
# isort: off
from mdbtriage.cli import maintenance as _maintenance  # noqa: E402, F401
from mdbtriage.cli import herbeoordeling as _herbeoordeling  # noqa: E402, F401
from mdbtriage.cli import meetings as _meetings  # noqa: E402, F401
from mdbtriage.cli import tasks as _tasks  # noqa: E402, F401
from mdbtriage.cli import forecast as _forecast  # noqa: E402, F401
# isort: on
