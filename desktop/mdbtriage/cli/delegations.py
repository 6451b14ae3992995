"""Commands for taakdelegatie: delegate, revoke, delegations, adopt-ruleset, rulesets and
who-may.

A refusal by a rule exits 3 with the rule's explanation; bad input exits 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

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
    on_or_today,
    rules,
    text_table,
)
from mdbtriage.core.model import ROLES, SERVICES
from mdbtriage.core.taakdelegatie import (
    available_rulesets,
    delegation_start_problem,
    load_ruleset,
    ruleset_on,
)
from mdbtriage.core.validation import format_date
from mdbtriage.store.delegations import (
    InputError,
    add_delegation,
    adopt_ruleset,
    adoptions,
    list_delegations,
    revoke_delegation,
    staff_or_error,
)
from mdbtriage.store.lookups import case_team
from mdbtriage.store.tasks import (
    who_may,
)

# --- delegations and rule sets ----------------------------------------------------------------

# The options of ``delegate`` by the store's names of their parameters.
_OPTIONS = {
    "tasks": "--task",
    "services": "--service",
    "valid_from": "--from",
    "valid_to": "--until",
    "review_percentage": "--review",
}


@contextmanager
def _named_options(typed: dict[str, str]) -> Iterator[None]:
    """Bad input the store finds in one option (a task the rule set does not know, an end
    before the start): exit 2 naming the option and the value as typed."""
    try:
        yield
    except InputError as error:
        fail(error.named(_OPTIONS, typed))


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
    actor, via = acting_as(context, va_id, "delegeren")
    typed = {"valid_from": valid_from or "", "valid_to": valid_to or ""}
    with rules(), _named_options(typed):
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
@click.argument("delegation_id", type=RECORD_ID)
@click.option("--by", "by", required=True, metavar="VA_ID", help="De delegerende arts.")
@click.option("--on", "on", metavar="DATUM", help="Ingetrokken per (standaard vandaag).")
@click.option("--reason", "reason", default="", help="Waarom.")
@pass_ctx
def revoke(context: Context, delegation_id: int, by: str, on: str | None, reason: str) -> None:
    """Trek een delegatie in; al toegewezen taken blijven staan."""
    actor, via = acting_as(context, by, "een delegatie intrekken")
    with rules():
        revoke_delegation(
            context.store(), actor, delegation_id, by, on_or_today(on), reason, via=via
        )
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
    day = on_or_today(on)
    rows = list_delegations(context.store(), team=team, va_id=va, delegate_id=to)
    if fmt == "json":
        emit_json(
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
        text_table(
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
    actor, via = acting_as(context, by, "de regelset vaststellen")
    store = context.store()
    with rules():
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
    day = on_or_today(on)
    own_team = case_team(store, case_ref)
    if own_team is None:
        fail(f"Ongeldige invoer: zaak '{case_ref}' bestaat niet")
    with rules():
        found = who_may(store, case_ref, task.upper(), team or own_team, by, day)
    if fmt == "json":
        emit_json(
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
