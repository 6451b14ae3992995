"""Capacity commands: the forecast per team (with what-if settings) and absences."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date

import click

from mdbtriage.cli import (
    TABLE_JSON_CSV,
    Context,
    check_team_option,
    cli,
    fail,
    parse_date_option,
    pass_ctx,
    say,
)
from mdbtriage.core.forecast import (
    DEFAULT_WEEKS,
    MAX_WEEKS,
    Forecast,
    Scenario,
    inputs_sentence,
    target_sentences,
)
from mdbtriage.core.model import ROLES
from mdbtriage.core.policy import PolicyError
from mdbtriage.core.taakdelegatie import available_rulesets
from mdbtriage.core.validation import format_date, parse_date
from mdbtriage.store.delegations import policy_for
from mdbtriage.store.forecast import CapacityError, add_absence, team_forecast
from mdbtriage.store.lookups import team_ids, team_of

FORECAST_CSV_COLUMNS = ("week_start", "backlog", "wia_over_six_months")


def _extra_hours(values: tuple[str, ...]) -> dict[str, float]:
    extra: dict[str, float] = {}
    for value in values:
        role, sep, hours = value.partition("=")
        role = role.strip().upper()
        if not sep or role not in ROLES:
            fail(
                f"Optie --extra-hours, waarde '{value}': schrijf ROL=UREN met een rol uit "
                f"{', '.join(ROLES)}, bijvoorbeeld VA=16"
            )
        try:
            number = float(hours.replace(",", "."))
        except ValueError:
            number = float("nan")
        if not -1000 <= number <= 1000:  # also false for nan: not a number
            fail(
                f"Optie --extra-hours, waarde '{value}': uren per week tussen -1000 en 1000 "
                "(negatief: minder uren, bijvoorbeeld door afwezigheid)"
            )
        extra[role] = extra.get(role, 0.0) + number
    return extra


def _share(value: float | None, option: str) -> float | None:
    if value is None:
        return None
    if not 0 <= value <= 100:
        fail(f"Optie {option}, waarde '{value:g}': een percentage van 0 tot en met 100")
    return value / 100


def _team(context: Context, team: str | None) -> str:
    store = context.store()
    if team:
        return check_team_option(store, team)
    teams = team_ids(store)
    own = context.actor().user_id
    own_team = team_of(store, own)
    if own_team is not None:
        return own_team
    if len(teams) == 1:
        return str(teams[0])
    fail(f"Optie --team ontbreekt: kies een van {', '.join(teams) or '(geen teams)'}")


def _table(result: Forecast, team: str) -> str:
    out = io.StringIO()
    out.write(
        f"Prognose team {team} vanaf {format_date(result.on)} (een schatting, geen toezegging)\n"
    )
    roles = [r for r in ("VA", "AIOS", "SMV", "AD", "RIB", "PB") if r in result.capacity]
    header = ["week van", "achterstand", "WIA > 6 mnd"] + [
        f"{r} gepland/beschikbaar" for r in roles
    ]
    rows = [header]
    for i, start in enumerate(result.week_starts):
        rows.append(
            [
                format_date(start),
                str(result.backlog[i]),
                str(result.over_six_months[i]),
                *(f"{result.planned[r][i]:.0f}/{result.capacity[r][i]:.0f} uur" for r in roles),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        out.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() + "\n")
    for sentence in target_sentences(result):
        out.write(sentence + "\n")
    out.write(inputs_sentence(result) + "\n")
    return out.getvalue()


@cli.command("forecast")
@click.option("--team", metavar="TEAM", help="Het team (standaard uw eigen team).")
@click.option("--on", "on", metavar="DATUM", help="Vanaf deze datum (standaard vandaag).")
@click.option(
    "--weeks",
    type=click.IntRange(1, MAX_WEEKS),
    default=DEFAULT_WEEKS,
    show_default=True,
    help="Aantal weken vooruit.",
)
@click.option(
    "--extra-hours",
    "extra",
    multiple=True,
    metavar="ROL=UREN",
    help="Wat-als: uren per week erbij voor een rol (herhaalbaar), bv. VA=16; negatief: "
    "minder uren, bv. SMV=-32 voor een afwezige SMV.",
)
@click.option(
    "--delegation-share",
    type=float,
    metavar="PROCENT",
    help="Wat-als: deel van het delegeerbare VA-werk dat wordt gedelegeerd.",
)
@click.option(
    "--other-work-share",
    type=float,
    metavar="PROCENT",
    help="Wat-als: deel van de uren voor ander werk.",
)
@click.option(
    "--ruleset",
    type=click.Choice(available_rulesets()),
    help="Wat-als: een andere regelset voor taakdelegatie.",
)
@TABLE_JSON_CSV
@pass_ctx
def forecast_command(
    context: Context,
    team: str | None,
    on: str | None,
    weeks: int,
    extra: tuple[str, ...],
    delegation_share: float | None,
    other_work_share: float | None,
    ruleset: str | None,
    fmt: str,
) -> None:
    """Capaciteitsprognose: wanneer is elke zaak klaar en haalt het team zijn doelen?"""
    day = parse_date_option(on, "--on") or date.today()
    scenario = Scenario(
        extra_hours=_extra_hours(extra),
        delegation_share=_share(delegation_share, "--delegation-share"),
        other_work_share=_share(other_work_share, "--other-work-share"),
    )
    chosen = _team(context, team)
    try:
        policy = policy_for(context.store(), chosen, day)
    except PolicyError as error:
        fail(f"Beleid: {error}", 1)
    result = team_forecast(
        context.store(),
        context.actor(),
        chosen,
        day,
        policy,
        weeks=weeks,
        scenario=scenario,
        ruleset_id=ruleset,
    )
    if fmt == "json":
        json.dump(result.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(FORECAST_CSV_COLUMNS)
        for i, start in enumerate(result.week_starts):
            writer.writerow([start.isoformat(), result.backlog[i], result.over_six_months[i]])
    else:
        click.echo(_table(result, chosen), nl=False)


@cli.command("absence-add")
@click.argument("staff_id")
@click.argument("starts_on")
@click.argument("ends_on")
@click.option("--reason", default="", help="Reden (bijvoorbeeld verlof, cursus).")
@pass_ctx
def absence_add(context: Context, staff_id: str, starts_on: str, ends_on: str, reason: str) -> None:
    """Leg een afwezigheid vast (van en tot en met een datum) voor de prognose."""
    days = []
    for name, value in (("STARTS_ON", starts_on), ("ENDS_ON", ends_on)):
        try:
            days.append(parse_date(value))
        except ValueError as error:
            fail(f"Argument {name}, waarde '{value}': {error}")
    try:
        absence_id = add_absence(
            context.store(), context.actor(), staff_id, days[0], days[1], reason
        )
    except CapacityError as error:
        fail(f"Afwezigheid niet vastgelegd: {error}")
    say(
        f"Afwezigheid {absence_id} vastgelegd: {staff_id} {format_date(days[0])} t/m "
        f"{format_date(days[1])}."
    )


@cli.command("import-absences")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def import_absences(context: Context, file: str) -> None:
    """Lees afwezigheden in (CSV: staff_id, starts_on, ends_on, optioneel reason); alles of niets."""
    from pathlib import Path

    from mdbtriage.core.absences import parse_absences
    from mdbtriage.core.csvimport import RowError
    from mdbtriage.store.forecast import add_absences, unknown_staff

    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as error:
        fail(f"Argument FILE, waarde '{file}': kan het bestand niet lezen ({error.strerror})")
    rows, problems = parse_absences(data)
    store = context.store()
    unknown = unknown_staff(store, {r.staff_id for r in rows})
    problems += [
        RowError(r.line, "staff_id", r.staff_id, "onbekende medewerker")
        for r in rows
        if r.staff_id in unknown
    ]
    if problems:
        problems.sort(key=lambda p: p.line)
        for problem in problems[:100]:
            say(problem.message(path.name))
        if len(problems) > 100:
            say(f"… en nog {len(problems) - 100} problemen.")
        fail(
            f"Import van {path.name} geweigerd: {len(problems)} problemen; er is niets geschreven."
        )
    count = add_absences(
        store,
        context.actor(),
        [(r.staff_id, r.starts_on, r.ends_on, r.reason) for r in rows],
        path.name,
    )
    say(f"{path.name}: {count} afwezigheden vastgelegd.")
