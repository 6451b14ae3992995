"""Commands for tasks: assign, complete, sign-off, reject, tasks, te-accorderen and
review-stats.

A refusal by a rule exits 3 with the rule's explanation; bad input exits 2.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Any

import click

from mdbtriage.cli import (
    Context,
    cli,
    fail,
    parse_date_option,
    pass_ctx,
    say,
)
from mdbtriage.cli.shared import (
    FORMAT,
    RECORD_ID,
    acting_as,
    emit_json,
    rules,
    session,
    text_table,
)
from mdbtriage.core.taakdelegatie import (
    TASK_STATUSES,
    acting_day_problem,
)
from mdbtriage.core.validation import format_date
from mdbtriage.store.access_log import (
    record_access,
)
from mdbtriage.store.delegations import (
    InputError,
    staff_or_error,
)
from mdbtriage.store.lookups import case_exists
from mdbtriage.store.records import get_staff
from mdbtriage.store.tasks import (
    TaskRow,
    TaskVersion,
    assign_task,
    list_tasks,
    reject_task,
    review_statistics,
    sign_off,
    submit_task,
    te_accorderen,
    versions_by_task,
)

# An edit that names the version it started from (``tasks --format json`` gives each task's
# ``version``): refused when the task changed since. Without it the command acts on the current.
_EXPECT_VERSION = click.option(
    "--expect-version",
    "expect_version",
    type=click.IntRange(1),
    metavar="VERSIE",
    help="Alleen als de taak nog deze versie heeft (tasks --format json); anders geweigerd "
    "met wie wat wanneer wijzigde.",
)


# The options of the task commands by the store's names of their parameters.
_OPTIONS = {"result": "--result", "reason": "--reason", "minutes": "--minutes"}


@contextmanager
def _named_options() -> Iterator[None]:
    """Bad input the store finds in one option (an empty result or reason): exit 2 naming the
    option and its value."""
    try:
        yield
    except InputError as error:
        fail(error.named(_OPTIONS))


def _acting_day(on: str | None, action: str) -> date:
    """Today, the only day ``assign``, ``complete``, ``sign-off`` and ``reject`` act on; an
    ``--on`` naming another day is bad input (exit 2), see core ``acting_day_problem``."""
    today = date.today()
    day = parse_date_option(on, "--on")
    problem = acting_day_problem(day, today, action) if day is not None else None
    if problem:
        fail(f"Optie --on, waarde '{on}': {problem}")
    return today


_ON_TODAY = click.option(
    "--on",
    "on",
    metavar="DATUM",
    help="Datum van de handeling: alleen vandaag (de standaard).",
)


# --- tasks ------------------------------------------------------------------------------------


@cli.command()
@click.argument("case_ref")
@click.argument("task")
@click.option("--to", "to", required=True, metavar="STAFF_ID", help="Wie de taak uitvoert.")
@click.option("--by", "by", metavar="VA_ID", help="De delegerende verzekeringsarts.")
@click.option("--due", metavar="DATUM", help="Uiterste datum.")
@_ON_TODAY
@pass_ctx
def assign(
    context: Context,
    case_ref: str,
    task: str,
    to: str,
    by: str | None,
    due: str | None,
    on: str | None,
) -> None:
    """Wijs een taak op een zaak toe; drukt het taaknummer af (exit 3 als de regelset het verbiedt)."""
    day = _acting_day(on, "toewijzen")
    due_day = parse_date_option(due, "--due")
    if due_day is not None and due_day < day:
        fail(f"Optie --due, waarde '{due}': de uiterste datum ligt voor de datum van toewijzing")
    store = context.store()
    actor, via = session(context)
    with rules():
        task_id = assign_task(
            store,
            actor,
            case_ref=case_ref,
            task_code=task.upper(),
            assignee_id=to,
            by_id=by,
            due=due_day,
            on=day,
            today=day,
            via=via,
        )
    created = list_tasks(store, case_ref=case_ref)
    row = next(t for t in created if t.task_id == task_id)
    click.echo(str(task_id))
    say(f"Taak {task_id} aangemaakt: {row.decision_reason}")


@cli.command()
@click.argument("task_id", type=RECORD_ID)
@click.option("--by", "by", required=True, metavar="STAFF_ID", help="Wie het resultaat inlevert.")
@click.option("--result", "result", required=True, metavar="TEKST", help="Het resultaat.")
@click.option(
    "--minutes",
    type=click.IntRange(1, 6000),
    metavar="MINUTEN",
    help="Bestede tijd (optioneel); de normen van de prognose worden ermee bijgesteld.",
)
@_ON_TODAY
@_EXPECT_VERSION
@pass_ctx
def complete(
    context: Context,
    task_id: int,
    by: str,
    result: str,
    minutes: int | None,
    on: str | None,
    expect_version: int | None,
) -> None:
    """Lever het resultaat van een taak in (gedelegeerd werk gaat naar 'te accorderen')."""
    _acting_day(on, "inleveren")
    actor, via = acting_as(context, by, "inleveren", task_id)
    with rules(), _named_options():
        status = submit_task(
            context.store(),
            actor,
            task_id,
            by,
            result,
            via=via,
            minutes=minutes,
            version=expect_version,
        )
    say(f"Taak {task_id} ingeleverd: {TASK_STATUSES[status]}.")


@cli.command("sign-off")
@click.argument("task_id", type=RECORD_ID)
@click.option("--by", "by", required=True, metavar="STAFF_ID", help="De delegerende arts.")
@click.option(
    "--result",
    "result",
    metavar="TEKST",
    help="Gewijzigd resultaat van de arts (de ingeleverde versie blijft bewaard).",
)
@_ON_TODAY
@_EXPECT_VERSION
@pass_ctx
def sign_off_command(
    context: Context,
    task_id: int,
    by: str,
    result: str | None,
    on: str | None,
    expect_version: int | None,
) -> None:
    """Accordeer een gedelegeerde taak (alleen door de delegerende verzekeringsarts)."""
    _acting_day(on, "accorderen")
    actor, via = acting_as(context, by, "accorderen", task_id)
    with rules():
        sign_off(context.store(), actor, task_id, by, result, via=via, version=expect_version)
    say(f"Taak {task_id} geaccordeerd door {by}" + (" (gewijzigd)." if result else "."))


@cli.command()
@click.argument("task_id", type=RECORD_ID)
@click.option("--by", "by", required=True, metavar="STAFF_ID", help="De delegerende arts.")
@click.option("--reason", "reason", required=True, metavar="TEKST", help="Waarom.")
@_ON_TODAY
@_EXPECT_VERSION
@pass_ctx
def reject(
    context: Context,
    task_id: int,
    by: str,
    reason: str,
    on: str | None,
    expect_version: int | None,
) -> None:
    """Wijs het resultaat van een gedelegeerde taak af; het telt dan niet."""
    _acting_day(on, "afwijzen")
    actor, via = acting_as(context, by, "afwijzen", task_id)
    with rules(), _named_options():
        reject_task(context.store(), actor, task_id, by, reason, via=via, version=expect_version)
    say(f"Taak {task_id} afgewezen door {by}.")


def _task_dict(t: TaskRow, stored: Sequence[TaskVersion] = ()) -> dict[str, Any]:
    """A task as JSON, with ``versions``: every handed-in result and every change by the VA,
    and the accordering of the last one (``geaccordeerd``) once the VA signed it."""
    d = asdict(t)
    d["status_label"] = TASK_STATUSES[t.status]
    d["assigned_on"] = t.assigned_on.isoformat()
    d["due_on"] = t.due_on.isoformat() if t.due_on else None
    found: list[dict[str, str | None]] = [
        {"kind": v.kind, "author_id": v.author_id, "result": v.result, "created_at": v.created_at}
        for v in stored
    ]
    if t.status == "geaccordeerd" and t.signed_by and found:
        found.append(
            {
                "kind": "geaccordeerd",
                "author_id": t.signed_by,
                "result": found[-1]["result"],
                "created_at": t.signed_at,
            }
        )
    d["versions"] = found
    return d


def _task_lines(rows: Sequence[TaskRow]) -> str:
    return text_table(
        ("taak", "zaak", "dienst", "taakcode", "uitvoerder", "onder", "status", "uiterlijk"),
        [
            (
                str(t.task_id),
                t.case_ref,
                t.service,
                t.task_code,
                f"{t.assignee_name} ({t.assignee_id})",
                t.delegating_va_id or "zelfstandig",
                TASK_STATUSES[t.status]
                + (" (steekproef: niet beoordeeld)" if t.reviewed is False else "")
                + (" (gewijzigd door VA)" if t.changed_by_va else ""),
                format_date(t.due_on) if t.due_on else "",
            )
            for t in rows
        ],
    )


def _show_tasks(context: Context, rows: list[TaskRow], fmt: str, what: str, empty: str) -> None:
    store = context.store()
    record_access(
        store,
        context.actor(),
        "export" if fmt == "json" else "search",
        "takenlijst opvragen",
        f"{what}: {len(rows)} taken",
    )
    if fmt == "json":
        stored = versions_by_task(store, [t.task_id for t in rows])
        emit_json([_task_dict(t, stored[t.task_id]) for t in rows])
    elif not rows:
        say(empty)
    else:
        click.echo(_task_lines(rows), nl=False)
        say(f"{len(rows)} taken.")


@cli.command("tasks")
@click.option("--to", "to", metavar="STAFF_ID", help="Alleen taken van deze medewerker.")
@click.option("--va", "va", metavar="VA_ID", help="Alleen taken onder delegatie van deze arts.")
@click.option("--case", "case_ref", metavar="REF", help="Alleen taken op deze zaak.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(list(TASK_STATUSES)),
    help="Alleen deze status (herhaalbaar).",
)
@FORMAT
@pass_ctx
def tasks_command(
    context: Context,
    to: str | None,
    va: str | None,
    case_ref: str | None,
    statuses: tuple[str, ...],
    fmt: str,
) -> None:
    """Taken, gefilterd op medewerker, arts, zaak of status."""
    store = context.store()
    # An unknown value is a typo, not an empty list (exit 2, as audit's filters).
    if case_ref is not None and not case_exists(store, case_ref):
        fail(f"Optie --case, waarde '{case_ref}': deze zaak bestaat niet in {store.path}")
    for option, staff_id in (("--to", to), ("--va", va)):
        if staff_id is not None and get_staff(store, staff_id) is None:
            fail(f"Optie {option}, waarde '{staff_id}': geen bekende medewerker in {store.path}")
    rows = list_tasks(store, assignee_id=to, va_id=va, case_ref=case_ref, statuses=statuses)
    what = f"tasks --to {to or '*'} --va {va or '*'} --case {case_ref or '*'}"
    _show_tasks(context, rows, fmt, what, "Geen taken gevonden met deze filters.")


@cli.command("te-accorderen")
@click.argument("va_id")
@FORMAT
@pass_ctx
def te_accorderen_command(context: Context, va_id: str, fmt: str) -> None:
    """De lijst 'te accorderen' van een verzekeringsarts."""
    store = context.store()
    with rules():
        staff_or_error(store, va_id, "Verzekeringsarts")
    rows = te_accorderen(store, va_id)
    _show_tasks(
        context, rows, fmt, f"te-accorderen {va_id}", f"Er wacht niets op accordering door {va_id}."
    )


@cli.command("review-stats")
@click.argument("va_id")
@FORMAT
@pass_ctx
def review_stats_command(context: Context, va_id: str, fmt: str) -> None:
    """Per gedelegeerde medewerker: ingeleverd, beoordeeld, gewijzigd, afgewezen, steekproef."""
    store = context.store()
    with rules():
        staff_or_error(store, va_id, "Verzekeringsarts")
    stats = review_statistics(store, va_id)
    if fmt == "json":
        emit_json([{**asdict(s), "changed_share": round(s.changed_share, 3)} for s in stats])
        return
    if not stats:
        say(f"{va_id} heeft nog geen gedelegeerd werk.")
        return
    names: dict[str, str] = {}
    for s in stats:
        person = get_staff(store, s.delegate_id)
        names[s.delegate_id] = person.name if person else ""
    click.echo(
        text_table(
            (
                "medewerker",
                "ingeleverd",
                "beoordeeld",
                "gewijzigd",
                "afgewezen",
                "niet in steekproef",
                "wacht",
            ),
            [
                (
                    f"{names[s.delegate_id]} ({s.delegate_id})",
                    str(s.submitted),
                    str(s.reviewed),
                    str(s.changed),
                    str(s.rejected),
                    str(s.not_sampled),
                    str(s.waiting),
                )
                for s in stats
            ],
        ),
        nl=False,
    )
