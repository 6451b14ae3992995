"""MDB commands: create an MDB with its proposed agenda, list and show meetings, close one as
its regievoerder, and write the summary PDF (medical or non-medical version)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from mdbtriage.cli import EXIT_REFUSED, Context, cli, fail, parse_date_option, pass_ctx, say
from mdbtriage.cli.shared import RECORD_ID
from mdbtriage.core.meetings import (
    AGENDA_REASONS,
    AGENDA_STATUSES,
    MEETING_STATUSES,
    SUMMARY_VERSIONS,
    MeetingError,
    SummaryRefused,
)
from mdbtriage.core.validation import format_date
from mdbtriage.store import meetings as repo
from mdbtriage.store.outputs import OutputRefused, check_output, file_problem


def _meeting_or_fail(context: Context, meeting_id: int) -> repo.Meeting:
    try:
        return repo.get_meeting(context.store(), meeting_id)
    except MeetingError as error:
        fail(f"Argument MEETING_ID, waarde '{meeting_id}': {error}")


@cli.command("mdb-create")
@click.option("--team", required=True, metavar="TEAM", help="Het team van de MDB.")
@click.option("--on", "on", required=True, metavar="DATUM", help="Datum van de MDB.")
@click.option("--regievoerder", metavar="VA_ID", help="De regievoerder (standaard de team-VA).")
@pass_ctx
def mdb_create(context: Context, team: str, on: str, regievoerder: str | None) -> None:
    """Maak een MDB aan met de voorgestelde agenda; drukt het MDB-nummer af."""
    day = parse_date_option(on, "--on")
    assert day is not None
    store = context.store()
    try:
        meeting_id = repo.create_meeting(
            store, team=team, held_on=day, actor=context.actor(), regievoerder_id=regievoerder
        )
    except MeetingError as error:
        fail(f"MDB niet aangemaakt: {error}")
    items = repo.agenda(store, meeting_id)
    counts = {s: sum(1 for i in items if i.status == s) for s in AGENDA_STATUSES}
    click.echo(meeting_id)
    say(
        f"MDB {meeting_id} voor {team} op {format_date(day)} aangemaakt: {len(items)} zaken "
        f"voorgesteld ({counts['bespreken']} bespreken, {counts['niet_gereed']} niet gereed, "
        f"{counts['standaardroute']} standaardroute)."
    )
    for warning in repo.warnings(store, meeting_id):
        say(f"Let op: {warning}")


@cli.command("mdb-list")
@click.option("--team", metavar="TEAM", help="Alleen de MDB's van dit team.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_ctx
def mdb_list(context: Context, team: str | None, fmt: str) -> None:
    """De MDB's, de nieuwste eerst."""
    store = context.store()
    found = repo.list_meetings(store, team)
    counts = repo.agenda_sizes(store)
    if fmt == "json":
        json.dump(
            [
                {
                    "meeting_id": m.meeting_id,
                    "team": m.team_id,
                    "held_on": m.held_on.isoformat(),
                    "status": m.status,
                    "regievoerder": m.regievoerder_id,
                    "cases": counts.get(m.meeting_id, 0),
                }
                for m in found
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        sys.stdout.write("\n")
        return
    if not found:
        say("Er zijn nog geen MDB's. Maak er een met 'mdb-triage mdb-create --team T --on DATUM'.")
        return
    for m in found:
        click.echo(
            f"{m.meeting_id:>5}  {format_date(m.held_on)}  {m.team_id:<16} "
            f"{MEETING_STATUSES[m.status]:<16} {counts.get(m.meeting_id, 0):>3} zaken"
        )


@cli.command("mdb-show")
@click.argument("meeting_id", type=RECORD_ID)
@pass_ctx
def mdb_show(context: Context, meeting_id: int) -> None:
    """De agenda, de aanwezigen en de waarschuwingen van een MDB (zonder medische inhoud;
    gelogd: één regel per getoonde zaak)."""
    meeting = _meeting_or_fail(context, meeting_id)
    store = context.store()
    items = repo.read_agenda(store, meeting_id, context.actor())
    click.echo(f"{meeting.label} ({MEETING_STATUSES[meeting.status]})")
    found = repo.decisions(store, meeting_id)
    for item in items:
        decided = "besluit" if item.case_ref in found else ""
        click.echo(
            f"{item.position:>3}. {item.case_ref:<12} {AGENDA_STATUSES[item.status]:<15} "
            f"{item.klasse} {item.route:<10} {AGENDA_REASONS[item.reason]:<46} {decided}".rstrip()
        )
    present = [a for a in repo.attendees(store, meeting_id) if a.present]
    click.echo("Aanwezig: " + ", ".join(f"{a.name} ({a.role})" for a in present))
    for warning in repo.warnings(store, meeting_id) if not meeting.closed else []:
        say(f"Let op: {warning}")


@cli.command("mdb-close")
@click.argument("meeting_id", type=RECORD_ID)
@pass_ctx
def mdb_close(context: Context, meeting_id: int) -> None:
    """Bevestig de besluiten als regievoerder (--user) en sluit de MDB; maakt de taken aan."""
    _meeting_or_fail(context, meeting_id)
    store = context.store()
    try:
        task_ids = repo.close_meeting(store, meeting_id, context.actor(), today=date.today())
    except MeetingError as error:
        for problem in error.problems:
            say(problem)
        fail(f"MDB {meeting_id} niet gesloten.", EXIT_REFUSED)
    say(f"MDB {meeting_id} gesloten; {len(task_ids)} taken aangemaakt.")


@cli.command("mdb-summary")
@click.argument("meeting_id", type=RECORD_ID)
@click.option("--out", "out", required=True, metavar="BESTAND.pdf", help="Het PDF-bestand.")
@click.option(
    "--versie",
    "--version-kind",
    "versie",
    type=click.Choice(list(SUMMARY_VERSIONS)),
    default="niet-medisch",
    show_default=True,
    help="Medisch (VA, AIOS, SMV) of zonder medische inhoud.",
)
@click.option("--datum", "--on", "datum", metavar="DATUM", help="Afdrukdatum (standaard vandaag).")
@pass_ctx
def mdb_summary(
    context: Context, meeting_id: int, out: str, versie: str, datum: str | None
) -> None:
    """Schrijf het MDB-verslag als PDF (gelogd: één regel per cliënt)."""
    from mdbtriage.reports.mdb_summary import build_summary_pdf

    try:
        check_output(Path(out), context.path, "Optie --out")
    except OutputRefused as error:
        fail(f"{error}; er is niets geschreven.")
    printed_on = parse_date_option(datum, "--on/--datum") or date.today()
    meeting = _meeting_or_fail(context, meeting_id)
    store = context.store()
    actor = context.actor()
    try:
        data = repo.summary(
            store, meeting_id, actor=actor, printed_on=printed_on, medical=versie == "medisch"
        )
    except SummaryRefused as refused:
        fail(
            f"Geweigerd: {refused}. Gebruik --versie niet-medisch.",
            EXIT_REFUSED,
        )
    pdf = build_summary_pdf(data)
    try:
        repo.export_summary(store, actor, data, pdf, Path(out))
    except OSError as error:
        fail(f"{out}: het verslag kan niet worden geschreven ({file_problem(error)})")
    say(
        f"{meeting.label}: {SUMMARY_VERSIONS[versie]} geschreven naar {out} "
        f"({len(data.cases)} zaken)."
    )
    if data.chain_head:
        say(
            "Ketenkop van het toegangslogboek in dit verslag (anker voor 'mdb-triage check "
            f"--anchor'): {data.chain_head}"
        )
