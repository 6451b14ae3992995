"""Commands for tasks, taakdelegatie and the access log: assign, complete, sign-off, reject,
tasks, te-accorderen, delegate, revoke, delegations, adopt-ruleset, rulesets, who-may,
review-stats and audit.

A refusal by a rule exits 3 with the rule's explanation; bad input exits 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import click

from mdbtriage.cli import (
    EXIT_BAD_INPUT,
    EXIT_REFUSED,
    Context,
    cli,
    fail,
    parse_date_option,
    pass_ctx,
    refuse,
    say,
)
from mdbtriage.core.accounts import may_read_log_of_others
from mdbtriage.core.model import ROLES, SERVICES, Actor
from mdbtriage.core.taakdelegatie import (
    TASK_STATUSES,
    acting_day_problem,
    available_rulesets,
    delegation_start_problem,
    load_ruleset,
    ruleset_on,
)
from mdbtriage.core.validation import ValidationError, format_date, parse_bsn
from mdbtriage.store import audit_chain
from mdbtriage.store.access_log import (
    EVENT_LABELS,
    chain_hashes,
    chain_head,
    in_log,
    record_access,
    store_records,
)
from mdbtriage.store.delegations import (
    Refused,
    TaakdelegatieError,
    add_delegation,
    adopt_ruleset,
    adoptions,
    list_delegations,
    revoke_delegation,
    staff_or_error,
)
from mdbtriage.store.lookups import case_exists, case_team, client_id_by_bsn
from mdbtriage.store.records import get_staff
from mdbtriage.store.tasks import (
    TaskRow,
    TaskVersion,
    assign_task,
    get_task,
    list_tasks,
    reject_task,
    review_statistics,
    sign_off,
    submit_task,
    te_accorderen,
    versions_by_task,
    who_may,
)
from mdbtriage.store.versions import StaleEdit

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
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


@contextmanager
def _rules() -> Iterator[None]:
    """Turn the store's refusals and input errors into the command line's exit codes (README
    "Command line at a glance")."""
    try:
        yield
    except Refused as refused:
        for reason in refused.reasons:
            say(f"Geweigerd: {reason}")
        sys.exit(EXIT_REFUSED)
    except StaleEdit as stale:
        say(f"Geweigerd: {stale}")
        sys.exit(EXIT_REFUSED)
    except TaakdelegatieError as error:
        fail(f"Ongeldige invoer: {error}", EXIT_BAD_INPUT)


def _session(context: Context) -> tuple[Actor, str]:
    """The acting user, and the note for the log when nobody signed in with a password.

    Signed in, the note is empty. In set-up mode (no accounts) it says how the person was
    named (``via opdrachtregel, systeemaccount jan, zonder --user``), so every record of the
    action shows it was not an authenticated session.
    """
    return context.actor(), context.via()


def _acting_as(
    context: Context, staff_id: str, verb: str, task_id: int | None = None
) -> tuple[Actor, str]:
    """The actor for an action a named person does (``--by``) and the log note of
    :func:`_session`.

    In set-up mode without ``--user`` the person named by ``--by`` is logged as the user (the
    command names them), with the note that no one signed in. A signed-in person (or a
    ``--user``) who is someone else is refused (nobody acts in another's name); the refusal
    record carries the task's case and client.
    """
    store = context.store()
    with _rules():
        staff = staff_or_error(store, staff_id, "Medewerker (--by)")
        task = get_task(store, task_id) if task_id is not None else None
        if task_id is not None and task is None:
            raise TaakdelegatieError(f"taak {task_id} bestaat niet")
    user, via = _session(context)
    if user.user_id.startswith("os:"):
        return Actor.of_staff(staff), via
    if user.user_id != staff.staff_id:
        about = f" (taak {task.task_id}, {task.task_code})" if task else ""
        record_access(
            store,
            user,
            "change",
            verb,
            f"{user.user_id} probeerde te {verb} namens {staff.staff_id}{about}",
            client_id=task.client_id if task else None,
            case_ref=task.case_ref if task else None,
            outcome="geweigerd",
        )
        fail(
            f"Geweigerd: u bent aangemeld als {user.user_id} en kunt niet {verb} namens "
            f"{staff.staff_id}.",
            EXIT_REFUSED,
        )
    return user, via


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [tuple(header), *(tuple(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for line in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])]
        out.append("  ".join([*cells, line[-1]]).rstrip())
    return "\n".join(out) + "\n"


def _emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def _today(on: str | None) -> date:
    return parse_date_option(on, "--on") or date.today()


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
    actor, via = _session(context)
    with _rules():
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
@click.argument("task_id", type=int)
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
    actor, via = _acting_as(context, by, "inleveren", task_id)
    with _rules():
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
@click.argument("task_id", type=int)
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
    actor, via = _acting_as(context, by, "accorderen", task_id)
    with _rules():
        sign_off(context.store(), actor, task_id, by, result, via=via, version=expect_version)
    say(f"Taak {task_id} geaccordeerd door {by}" + (" (gewijzigd)." if result else "."))


@cli.command()
@click.argument("task_id", type=int)
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
    actor, via = _acting_as(context, by, "afwijzen", task_id)
    with _rules():
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
    return _table(
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
        _emit_json([_task_dict(t, stored[t.task_id]) for t in rows])
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
    rows = list_tasks(
        context.store(), assignee_id=to, va_id=va, case_ref=case_ref, statuses=statuses
    )
    what = f"tasks --to {to or '*'} --va {va or '*'} --case {case_ref or '*'}"
    _show_tasks(context, rows, fmt, what, "Geen taken gevonden met deze filters.")


@cli.command("te-accorderen")
@click.argument("va_id")
@FORMAT
@pass_ctx
def te_accorderen_command(context: Context, va_id: str, fmt: str) -> None:
    """De lijst 'te accorderen' van een verzekeringsarts."""
    store = context.store()
    with _rules():
        staff_or_error(store, va_id, "Verzekeringsarts")
    rows = te_accorderen(store, va_id)
    _show_tasks(
        context, rows, fmt, f"te-accorderen {va_id}", f"Er wacht niets op accordering door {va_id}."
    )


# --- delegations and rule sets ----------------------------------------------------------------


@cli.command()
@click.argument("va_id")
@click.argument("staff_id")
@click.option("--task", "tasks", multiple=True, required=True, metavar="TAAK", help="Herhaalbaar.")
@click.option(
    "--service",
    "services",
    multiple=True,
    type=click.Choice(list(SERVICES)),
    help="Alleen bij deze dienst (herhaalbaar; zonder: elke dienst die de regelset toestaat).",
)
@click.option(
    "--from", "valid_from", metavar="DATUM", help="Ingangsdatum: vandaag (standaard) of later."
)
@click.option("--until", "valid_to", metavar="DATUM", help="Einddatum (optioneel).")
@click.option(
    "--review",
    "review",
    type=int,
    default=100,
    show_default=True,
    help="Percentage van het routinewerk dat de arts beoordeelt (steekproef).",
)
@click.option("--note", "note", default="", help="Toelichting op de afspraak.")
@pass_ctx
def delegate(
    context: Context,
    va_id: str,
    staff_id: str,
    tasks: tuple[str, ...],
    services: tuple[str, ...],
    valid_from: str | None,
    valid_to: str | None,
    review: int,
    note: str,
) -> None:
    """Leg een delegatie vast van verzekeringsarts VA_ID aan medewerker STAFF_ID."""
    today = date.today()
    start = parse_date_option(valid_from, "--from") or today
    start_problem = delegation_start_problem(start, today)
    if start_problem:
        fail(f"Optie --from, waarde '{valid_from}': {start_problem}")
    end = parse_date_option(valid_to, "--until")
    actor, via = _acting_as(context, va_id, "delegeren")
    with _rules():
        delegation_id = add_delegation(
            context.store(),
            actor,
            va_id=va_id,
            delegate_id=staff_id,
            tasks=[t.upper() for t in tasks],
            services=services,
            valid_from=start,
            valid_to=end,
            review_percentage=review,
            note=note,
            today=today,
            via=via,
        )
    click.echo(str(delegation_id))
    say(f"Delegatie {delegation_id} vastgelegd van {va_id} aan {staff_id}.")


@cli.command()
@click.argument("delegation_id", type=int)
@click.option("--by", "by", required=True, metavar="VA_ID", help="De delegerende arts.")
@click.option("--on", "on", metavar="DATUM", help="Ingetrokken per (standaard vandaag).")
@click.option("--reason", "reason", default="", help="Waarom.")
@pass_ctx
def revoke(context: Context, delegation_id: int, by: str, on: str | None, reason: str) -> None:
    """Trek een delegatie in; al toegewezen taken blijven staan."""
    actor, via = _acting_as(context, by, "een delegatie intrekken")
    with _rules():
        revoke_delegation(context.store(), actor, delegation_id, by, _today(on), reason, via=via)
    say(f"Delegatie {delegation_id} ingetrokken.")


@cli.command()
@click.option("--team", "team", metavar="TEAM")
@click.option("--va", "va", metavar="VA_ID")
@click.option("--to", "to", metavar="STAFF_ID")
@click.option("--on", "on", metavar="DATUM", help="Toestand op deze datum (standaard vandaag).")
@FORMAT
@pass_ctx
def delegations(
    context: Context, team: str | None, va: str | None, to: str | None, on: str | None, fmt: str
) -> None:
    """De vastgelegde delegaties met hun toestand."""
    day = _today(on)
    rows = list_delegations(context.store(), team=team, va_id=va, delegate_id=to)
    if fmt == "json":
        _emit_json(
            [
                {
                    "delegation_id": r.delegation.delegation_id,
                    "va_id": r.delegation.va_id,
                    "va_name": r.va_name,
                    "delegate_id": r.delegation.delegate_id,
                    "delegate_name": r.delegate_name,
                    "team": r.delegation.team,
                    "tasks": sorted(r.delegation.tasks),
                    "services": sorted(r.delegation.services),
                    "valid_from": r.delegation.valid_from.isoformat(),
                    "valid_to": r.delegation.valid_to.isoformat()
                    if r.delegation.valid_to
                    else None,
                    "revoked_on": r.delegation.revoked_on.isoformat()
                    if r.delegation.revoked_on
                    else None,
                    "review_percentage": r.delegation.review_percentage,
                    "state": r.delegation.state(day),
                    "note": r.delegation.note,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        say("Geen delegaties vastgelegd. Leg er een vast met 'mdb-triage delegate'.")
        return
    click.echo(
        _table(
            ("nr", "arts", "aan", "taken", "diensten", "periode", "beoord.", "toestand"),
            [
                (
                    str(r.delegation.delegation_id),
                    r.delegation.va_id,
                    f"{r.delegate_name} ({r.delegation.delegate_id})",
                    ", ".join(sorted(r.delegation.tasks)),
                    ", ".join(sorted(r.delegation.services)) or "alle",
                    format_date(r.delegation.valid_from)
                    + " – "
                    + (format_date(r.delegation.valid_to) if r.delegation.valid_to else ""),
                    f"{r.delegation.review_percentage}%",
                    r.delegation.state(day),
                )
                for r in rows
            ],
        ),
        nl=False,
    )


@cli.command("adopt-ruleset")
@click.argument("team")
@click.argument("ruleset_id")
@click.option("--from", "valid_from", required=True, metavar="DATUM", help="Ingangsdatum.")
@click.option(
    "--by",
    "by",
    required=True,
    metavar="STAFF_ID",
    help="Teamleider of regievoerder (VA) van het team.",
)
@pass_ctx
def adopt_ruleset_command(
    context: Context, team: str, ruleset_id: str, valid_from: str, by: str
) -> None:
    """Het team werkt vanaf een datum met een andere regelset voor taakdelegatie."""
    start = parse_date_option(valid_from, "--from")
    assert start is not None
    actor, via = _acting_as(context, by, "de regelset vaststellen")
    store = context.store()
    with _rules():
        adopt_ruleset(
            store, actor, team, ruleset_id, start, staff_or_error(store, by, "--by"), via=via
        )
    say(f"Team {team} werkt vanaf {format_date(start)} met regelset {ruleset_id}.")


@cli.command()
@click.option("--team", "team", metavar="TEAM", help="Toon ook de regelsets van dit team.")
@click.option("--show", "show", metavar="REGELSET", help="Toon de regels van een regelset.")
@pass_ctx
def rulesets(context: Context, team: str | None, show: str | None) -> None:
    """De beschikbare regelsets, de keuzes van een team, of de regels van één regelset."""
    if show:
        if show not in available_rulesets():
            fail(f"Optie --show, waarde '{show}': regelset bestaat niet")
        rs = load_ruleset(show)
        click.echo(f"{rs.ruleset_id}: {rs.name} (versie {rs.version})")
        for rule in rs.rules:
            note = f" — {rule.note}" if rule.note else ""
            click.echo(f"  {rule.label()}{note}")
        return
    for ruleset_id in available_rulesets():
        click.echo(f"{ruleset_id}\t{load_ruleset(ruleset_id).name}")
    if team:
        found = adoptions(context.store(), team)
        current = ruleset_on(found, team, date.today())
        for a in found:
            say(f"Team {team}: vanaf {format_date(a.valid_from)} regelset {a.ruleset_id}")
        say(f"Team {team} werkt vandaag met regelset {current}.")


@cli.command("who-may")
@click.argument("case_ref")
@click.argument("task")
@click.option("--team", "team", metavar="TEAM", help="Team (standaard het team van de zaak).")
@click.option("--by", "by", metavar="VA_ID", help="De delegerende verzekeringsarts.")
@click.option("--on", "on", metavar="DATUM", help="Datum (standaard vandaag).")
@FORMAT
@pass_ctx
def who_may_command(
    context: Context,
    case_ref: str,
    task: str,
    team: str | None,
    by: str | None,
    on: str | None,
    fmt: str,
) -> None:
    """Wie van het team deze taak op deze zaak mag doen, en waarom (niet)."""
    store = context.store()
    day = _today(on)
    own_team = case_team(store, case_ref)
    if own_team is None:
        fail(f"Ongeldige invoer: zaak '{case_ref}' bestaat niet")
    with _rules():
        found = who_may(store, case_ref, task.upper(), team or own_team, by, day)
    if fmt == "json":
        _emit_json(
            [
                {
                    "staff_id": s.staff_id,
                    "name": s.name,
                    "role": s.role,
                    "permission": d.permission,
                    "allowed": d.allowed,
                    "delegating_va_id": d.delegating_va_id,
                    "reason": d.reason,
                }
                for s, d in found
            ]
        )
        return
    for s, d in found:
        mark = "ja " if d.allowed else "nee"
        click.echo(f"{mark}  {s.staff_id:<24} {ROLES.get(s.role, s.role):<34} {d.reason}")


@cli.command("review-stats")
@click.argument("va_id")
@FORMAT
@pass_ctx
def review_stats_command(context: Context, va_id: str, fmt: str) -> None:
    """Per gedelegeerde medewerker: ingeleverd, beoordeeld, gewijzigd, afgewezen, steekproef."""
    store = context.store()
    with _rules():
        staff_or_error(store, va_id, "Verzekeringsarts")
    stats = review_statistics(store, va_id)
    if fmt == "json":
        _emit_json([{**asdict(s), "changed_share": round(s.changed_share, 3)} for s in stats])
        return
    if not stats:
        say(f"{va_id} heeft nog geen gedelegeerd werk.")
        return
    names: dict[str, str] = {}
    for s in stats:
        person = get_staff(store, s.delegate_id)
        names[s.delegate_id] = person.name if person else ""
    click.echo(
        _table(
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


# --- access log -------------------------------------------------------------------------------


# The access log's fields, in the order the log keeps (and hashes) them: one list, in the store.
AUDIT_KEYS = audit_chain.FIELDS


@cli.command()
@click.option("--case", "case_ref", metavar="REF", help="Per zaak.")
@click.option("--bsn", "bsn", metavar="BSN", help="Per cliënt (alle zaken van de cliënt).")
@click.option(
    "--user",
    "user_id",
    metavar="STAFF_ID",
    help="Per medewerker: wat hij deed of wat namens hem gebeurde.",
)
@click.option("--from", "date_from", metavar="DATUM", help="Vanaf deze datum (UTC).")
@click.option("--to", "date_to", metavar="DATUM", help="Tot en met deze datum (UTC).")
@click.option(
    "--event",
    "event",
    metavar="GEBEURTENIS",
    help="Alleen deze gebeurtenis, bijvoorbeeld 'noodtoegang' (emergency): de toegang tot "
    "cliënten van een ander team, met de reden.",
)
@FORMAT
@pass_ctx
def audit(
    context: Context,
    case_ref: str | None,
    bsn: str | None,
    user_id: str | None,
    date_from: str | None,
    date_to: str | None,
    event: str | None,
    fmt: str,
) -> None:
    """Het toegangslogboek (NEN 7513): per zaak, per cliënt, per medewerker, per periode, per
    gebeurtenis (--event noodtoegang: de noodtoegang om na te kijken).

    Wat anderen deden leest alleen een teamleider of de privacyfunctionaris (PO); ieder ander
    ziet zijn eigen regels. Met --format json draagt elke regel zijn hash in de keten
    (chain_hash): een anker voor 'mdb-triage check --anchor'."""
    event_code = _event_code(event) if event is not None else None
    start = parse_date_option(date_from, "--from")
    end = parse_date_option(date_to, "--to")
    if start and end and end < start:
        fail(f"Optie --to, waarde '{date_to}': ligt voor --from '{date_from}'")
    store = context.store()
    actor = context.actor()
    if not may_read_log_of_others(actor.role, context.accounts):
        if user_id is not None and user_id != actor.user_id:
            refuse(
                context,
                "read",
                "toegangslogboek inzien",
                f"alleen een teamleider of de privacyfunctionaris (PO) leest wat anderen deden; "
                f"{actor.user_id} vroeg het logboek van {user_id}",
            )
        user_id = actor.user_id
    client_id: int | None = None
    if bsn is not None:
        try:
            clean = parse_bsn(bsn)
        except ValidationError as error:
            fail(f"Optie --bsn, waarde '{bsn}': {error}")
        client_id = client_id_by_bsn(store, clean)
        if client_id is None:
            fail(f"Optie --bsn, waarde '{bsn}': er is geen cliënt met dit BSN in {store.path}")
    if case_ref is not None and not case_exists(store, case_ref):
        fail(f"Optie --case, waarde '{case_ref}': deze zaak bestaat niet in {store.path}")
    if user_id is not None and get_staff(store, user_id) is None and not in_log(store, user_id):
        fail(
            f"Optie --user, waarde '{user_id}': geen bekende medewerker en niet in het "
            f"toegangslogboek van {store.path}"
        )
    found = store_records(
        store,
        case_ref=case_ref,
        client_id=client_id,
        user_id=user_id,
        since=start.isoformat() if start else None,
        until=(end + timedelta(days=1)).isoformat() if end else None,
        event=event_code,
    )
    query = " ".join(
        f"{k} {v}"
        for k, v in (
            ("--case", case_ref),
            ("--bsn", "******" + bsn[-3:] if bsn else None),
            ("--user", user_id),
            ("--from", date_from),
            ("--to", date_to),
            ("--event", event_code),
        )
        if v
    )
    head_before = chain_head(store)
    record_access(
        store,
        actor,
        "export" if fmt == "json" else "read",
        "toegangslogboek inzien",
        f"audit {query or '(alles)'}: {len(found)} regels; ketenkop {head_before or 'leeg'}",
        client_id=client_id,
    )
    say(
        "Ketenkop van het toegangslogboek (bewaar hem; 'mdb-triage check --anchor' vindt een "
        f"later herschreven logboek): {chain_head(store)}"
    )
    if fmt == "json":
        hashes = chain_hashes(store, [r.log_id for r in found])
        _emit_json(
            [
                {**{k: getattr(r, k) for k in AUDIT_KEYS}, "chain_hash": hashes.get(r.log_id)}
                for r in found
            ]
        )
        return
    if not found:
        say("Geen logregels gevonden met deze filters.")
        return
    click.echo(
        _table(
            (
                "tijdstip (UTC)",
                "gebeurtenis",
                "zaak",
                "gebruiker",
                "namens",
                "uitkomst",
                "doel",
                "details",
            ),
            [
                (
                    r.at[:19].replace("T", " "),
                    EVENT_LABELS.get(r.event, r.event),
                    r.case_ref or "",
                    f"{r.user_id} ({r.role})",
                    r.on_behalf_of or "",
                    r.outcome,
                    r.purpose,
                    r.details,
                )
                for r in found
            ],
        ),
        nl=False,
    )
    say(f"{len(found)} logregels.")


def _event_code(given: str) -> str:
    """The event code for ``--event``: the code itself or its Dutch word (noodtoegang)."""
    wanted = given.strip().lower()
    for code, label in EVENT_LABELS.items():
        if wanted in (code, label):
            return code
    known = ", ".join(f"{label} ({code})" for code, label in EVENT_LABELS.items())
    fail(f"Optie --event, waarde '{given}': onbekende gebeurtenis; kies uit {known}")
