"""Rule-set adoptions per team and the individual delegations of VAs, with their access log;
and which prioritisation policy a team works under on a day (:func:`policy_for`).

The rules themselves live in :mod:`mdbtriage.core.taakdelegatie`; this module stores what was
decided and refuses what the rules refuse, inside one transaction per write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from mdbtriage.core.accounts import ruleset_refusal
from mdbtriage.core.model import SERVICES, Actor, Staff
from mdbtriage.core.policy import DEFAULT_POLICY, Policy, load_policy
from mdbtriage.core.taakdelegatie import (
    Adoption,
    Delegation,
    RuleSet,
    RuleSetError,
    available_rulesets,
    delegation_problems,
    load_ruleset,
    ruleset_on,
)
from mdbtriage.core.validation import format_date
from mdbtriage.store import versions
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.records import get_staff


class TaakdelegatieError(Exception):
    """Bad input (unknown case, person, task or rule set); the message is Dutch."""


class InputError(TaakdelegatieError):
    """Bad input in one field (exit 2, not a refusal by a rule): ``field`` is the parameter's
    name (``tasks``, ``valid_to``, ``result``, …), ``value`` what was given; the message is the
    Dutch reason. A caller names the field its own way (:meth:`named`)."""

    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.value = value
        self.reason = reason

    def named(self, names: Mapping[str, str], given: Mapping[str, str] | None = None) -> str:
        """``Optie --until, waarde '…': reason``, with the caller's name for the field and,
        when known, the value as the person typed it."""
        value = (given or {}).get(self.field, self.value)
        return f"Optie {names.get(self.field, self.field)}, waarde '{value}': {self.reason}"


class Refused(Exception):
    """Refused by a taakdelegatie rule; ``reasons`` are Dutch sentences naming the rule."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


def staff_or_error(store: Store, staff_id: str, what: str) -> Staff:
    staff = get_staff(store, staff_id)
    if staff is None:
        raise TaakdelegatieError(f"{what} '{staff_id}' is geen bekende medewerker")
    return staff


def log_refusal(store: Store, actor: Actor, entry: AuditEntry) -> None:
    """Record a refused action in its own transaction (never as 'gelukt')."""
    with store.atomic() as conn:
        log(conn, actor, replace(entry, outcome="geweigerd"))


def noted(entry: AuditEntry, via: str) -> AuditEntry:
    """``entry`` with ``via`` appended to its details.

    ``via`` says how an action came in when nobody signed in (e.g. ``via opdrachtregel,
    systeemaccount jan, zonder --user``), so the log shows it was not an authenticated
    session; empty for a signed-in user.
    """
    return replace(entry, details=f"{entry.details}; {via}") if via else entry


# --- rule-set adoption -----------------------------------------------------------------------


def adoptions(store: Store, team: str | None = None) -> list[Adoption]:
    sql = "SELECT team_id, ruleset_id, valid_from FROM team_rulesets"
    params: tuple[str, ...] = ()
    if team:
        sql += " WHERE team_id = ?"
        params = (team,)
    return [
        Adoption(team=r[0], ruleset_id=r[1], valid_from=date.fromisoformat(r[2]))
        for r in store.conn.execute(sql + " ORDER BY team_id, valid_from", params)
    ]


def ruleset_for(store: Store, team: str, on: date) -> RuleSet:
    """The rule set the team works under on a date."""
    return load_ruleset(ruleset_on(adoptions(store, team), team, on))


def policy_for(store: Store, team: str | None, on: date) -> Policy:
    """The prioritisation policy (core/policy.py, resources/policies/) that orders and places
    the cases of ``team`` on ``on``; ``team`` None for the cases of all teams.

    The one place that decides it, for the werkvoorraad, the MDB agenda and its summary. Every
    team works under the default policy today (no team adopts another one yet); a per-team
    adoption, like :func:`ruleset_for`'s, is answered here. An explicit choice (the command
    line's ``--policy``) is not asked here.
    """
    del store, team, on  # one policy for every team and day, until teams adopt their own
    return load_policy(DEFAULT_POLICY)


def adopt_ruleset(
    store: Store,
    actor: Actor,
    team: str,
    ruleset_id: str,
    valid_from: date,
    by: Staff,
    *,
    via: str = "",
) -> None:
    """The team adopts a rule set from a date; decided by the team lead or the team's
    regievoerder VA (``core.accounts.ruleset_refusal``)."""
    if ruleset_id not in available_rulesets():
        raise TaakdelegatieError(
            f"regelset '{ruleset_id}' bestaat niet (beschikbaar: {', '.join(available_rulesets())})"
        )
    if not store.conn.execute("SELECT 1 FROM teams WHERE team_id = ?", (team,)).fetchone():
        raise TaakdelegatieError(f"team '{team}' bestaat niet")
    entry = AuditEntry(
        event="change",
        purpose="regelset taakdelegatie vaststellen",
        details=f"team {team} werkt vanaf {valid_from.isoformat()} met regelset {ruleset_id}",
    )
    from mdbtriage.store.meetings import default_regievoerder, team_staff

    regievoerder = default_regievoerder(team_staff(store, team).values())
    rule = ruleset_refusal(by.staff_id, by.role, by.team, by.active, team, regievoerder)
    if rule:
        reason = f"{rule}; {by.name} ({by.staff_id}, {by.role}, team {by.team}) mag dat niet."
        log_refusal(store, actor, noted(replace(entry, details=entry.details + f"; {reason}"), via))
        raise Refused([reason])
    with store.atomic() as conn:
        conn.execute(
            "INSERT INTO team_rulesets (team_id, valid_from, ruleset_id, adopted_by, adopted_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (team_id, valid_from) DO UPDATE SET "
            "ruleset_id = excluded.ruleset_id, adopted_by = excluded.adopted_by, "
            "adopted_at = excluded.adopted_at",
            (team, valid_from.isoformat(), ruleset_id, by.staff_id, utc_now()),
        )
        log(conn, actor, noted(entry, via))


# --- delegations ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DelegationRow:
    delegation: Delegation
    va_name: str
    delegate_name: str
    delegate_role: str
    revoked_by: str | None
    revoke_reason: str
    created_by: str
    version: int = 1


_DELEGATION_SELECT = (
    "SELECT d.delegation_id, d.va_id, d.delegate_id, d.team_id, d.tasks, d.services, "
    "d.valid_from, d.valid_to, d.revoked_on, d.review_percentage, d.note, "
    "v.name, s.name, s.role, d.revoked_by, d.revoke_reason, d.created_by, d.version "
    "FROM delegations d JOIN staff v ON v.staff_id = d.va_id "
    "JOIN staff s ON s.staff_id = d.delegate_id"
)


def _split(text: str) -> frozenset[str]:
    return frozenset(t for t in text.split(";") if t)


def _delegation_row(r: Sequence[object]) -> DelegationRow:
    def day(value: object) -> date | None:
        return date.fromisoformat(str(value)) if value else None

    return DelegationRow(
        delegation=Delegation(
            delegation_id=int(str(r[0])),
            va_id=str(r[1]),
            delegate_id=str(r[2]),
            team=str(r[3]),
            tasks=_split(str(r[4])),
            services=_split(str(r[5] or "")),
            valid_from=date.fromisoformat(str(r[6])),
            valid_to=day(r[7]),
            revoked_on=day(r[8]),
            review_percentage=int(str(r[9])),
            note=str(r[10] or ""),
        ),
        va_name=str(r[11]),
        delegate_name=str(r[12]),
        delegate_role=str(r[13]),
        revoked_by=str(r[14]) if r[14] else None,
        revoke_reason=str(r[15] or ""),
        created_by=str(r[16]),
        version=int(str(r[17])),
    )


def list_delegations(
    store: Store,
    *,
    team: str | None = None,
    va_id: str | None = None,
    delegate_id: str | None = None,
) -> list[DelegationRow]:
    where: list[str] = []
    params: list[str] = []
    for column, value in (("d.team_id", team), ("d.va_id", va_id), ("d.delegate_id", delegate_id)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    sql = _DELEGATION_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    rows = store.conn.execute(sql + " ORDER BY d.delegation_id", params)
    return [_delegation_row(r) for r in rows]


def delegations_of(store: Store, delegate_ids: Sequence[str] | None = None) -> list[Delegation]:
    """The delegations (any state) to these people, or to everyone."""
    if delegate_ids is None:
        return [row.delegation for row in list_delegations(store)]
    found: list[Delegation] = []
    for staff_id in sorted(set(delegate_ids)):
        found.extend(row.delegation for row in list_delegations(store, delegate_id=staff_id))
    return found


def get_delegation(store: Store, delegation_id: int) -> DelegationRow | None:
    row = store.conn.execute(
        _DELEGATION_SELECT + " WHERE d.delegation_id = ?", (delegation_id,)
    ).fetchone()
    return _delegation_row(row) if row else None


def _check_delegation_input(
    tasks: Sequence[str],
    services: Sequence[str],
    ruleset: RuleSet,
    valid_from: date,
    valid_to: date | None,
    review_percentage: int,
) -> None:
    """Raise :class:`InputError` for what is wrong with the request itself (a task the rule set
    does not know, dates in the wrong order, …): bad input, not a refusal by a rule. (A start in
    the past is the rule of ``core.taakdelegatie.delegation_start_problem``: refused, logged.)"""
    if valid_to is not None and valid_to < valid_from:
        raise InputError(
            "valid_to",
            valid_to.isoformat(),
            f"de einddatum ligt voor de begindatum {format_date(valid_from)}",
        )
    if not 0 <= review_percentage <= 100:
        raise InputError("review_percentage", str(review_percentage), "moet 0 tot en met 100 zijn")
    if not tasks:
        raise InputError("tasks", "", "noem minstens één taak")
    for task in tasks:
        if task not in ruleset.tasks:
            known = ", ".join(sorted(ruleset.tasks))
            raise InputError(
                "tasks", task, f"deze taak bestaat niet in regelset {ruleset.ruleset_id} ({known})"
            )
    for service in services:
        if service not in SERVICES:
            raise InputError(
                "services", service, f"onbekende dienst; kies uit {' '.join(SERVICES)}"
            )


def add_delegation(
    store: Store,
    actor: Actor,
    *,
    va_id: str,
    delegate_id: str,
    tasks: Sequence[str],
    services: Sequence[str] = (),
    valid_from: date,
    valid_to: date | None = None,
    review_percentage: int = 100,
    note: str = "",
    today: date | None = None,
    via: str = "",
) -> int:
    """Record an individual delegation of a VA; refused (``Refused``) when the rules forbid it.
    With ``today`` (the command line, the desktop) it must start today or later. Bad input (an
    unknown task, an end before the start, …) raises :class:`InputError`, unlogged."""
    va = staff_or_error(store, va_id, "Verzekeringsarts")
    delegate = staff_or_error(store, delegate_id, "Medewerker")
    try:
        ruleset = ruleset_for(store, delegate.team, valid_from)
    except RuleSetError as error:
        raise TaakdelegatieError(str(error)) from None
    _check_delegation_input(tasks, services, ruleset, valid_from, valid_to, review_percentage)
    details = (
        f"delegatie van {va.staff_id} aan {delegate.staff_id}: taken {', '.join(sorted(tasks))}"
        f"; diensten {', '.join(sorted(services)) or 'alle'}; vanaf {valid_from.isoformat()}"
        f"{' tot en met ' + valid_to.isoformat() if valid_to else ''}; "
        f"beoordeling {review_percentage}%"
    )
    entry = AuditEntry(event="create", purpose="taakdelegatie vastleggen", details=details)
    problems = delegation_problems(
        va, delegate, tasks, services, ruleset, valid_from, valid_to, review_percentage, today=today
    )
    if problems:
        refused = replace(entry, details=details + "; " + "; ".join(problems))
        log_refusal(store, actor, noted(refused, via))
        raise Refused(problems)
    with store.atomic() as conn:
        cursor = conn.execute(
            "INSERT INTO delegations (va_id, delegate_id, team_id, tasks, services, valid_from, "
            "valid_to, review_percentage, note, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING delegation_id",
            (
                va.staff_id,
                delegate.staff_id,
                va.team,
                ";".join(sorted(set(tasks))),
                ";".join(sorted(set(services))),
                valid_from.isoformat(),
                valid_to.isoformat() if valid_to else None,
                review_percentage,
                note,
                actor.user_id,
                utc_now(),
            ),
        )
        delegation_id = int(cursor.fetchone()[0])
        log(
            conn, actor, noted(replace(entry, details=f"delegatie {delegation_id}: {details}"), via)
        )
    return delegation_id


def revoke_delegation(
    store: Store,
    actor: Actor,
    delegation_id: int,
    by_id: str,
    on: date,
    reason: str = "",
    *,
    via: str = "",
    version: int | None = None,
) -> None:
    """The delegating VA revokes a delegation from a date (tasks already given stay as they are).
    Checked inside the write transaction; ``version`` is the delegation as the screen showed
    it (:class:`mdbtriage.store.versions.StaleEdit` when it changed since; ``None``: the
    current one)."""
    if get_delegation(store, delegation_id) is None:
        raise TaakdelegatieError(f"delegatie {delegation_id} bestaat niet")
    by = staff_or_error(store, by_id, "Verzekeringsarts")
    entry = AuditEntry(
        event="change",
        purpose="taakdelegatie intrekken",
        details=f"delegatie {delegation_id} ingetrokken per {on.isoformat()}"
        + (f": {reason}" if reason else ""),
    )
    problem: str | None = None
    with store.atomic() as conn:
        row = get_delegation(store, delegation_id)
        if row is None:
            raise TaakdelegatieError(f"delegatie {delegation_id} bestaat niet")
        versions.check_delegation(conn, delegation_id, version)
        if by.staff_id != row.delegation.va_id:
            problem = (
                f"Alleen verzekeringsarts {row.delegation.va_id} trekt delegatie {delegation_id} "
                f"in; {by.name} ({by.staff_id}) mag dat niet."
            )
        elif row.delegation.revoked_on is not None:
            problem = (
                f"Delegatie {delegation_id} is al ingetrokken per "
                f"{row.delegation.revoked_on.isoformat()}."
            )
        if problem:
            log(
                conn,
                actor,
                noted(
                    replace(entry, details=entry.details + f"; {problem}", outcome="geweigerd"), via
                ),
            )
        else:
            conn.execute(
                "UPDATE delegations SET revoked_on = ?, revoked_by = ?, revoke_reason = ?, "
                "updated_by = ?, updated_at = ?, version = version + 1 WHERE delegation_id = ?",
                (on.isoformat(), by.staff_id, reason, by.staff_id, utc_now(), delegation_id),
            )
            log(conn, actor, noted(entry, via))
    if problem:
        raise Refused([problem])
