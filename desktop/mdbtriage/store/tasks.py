"""Tasks on cases: assignment under the team's rule set, handing in, accordering by the
delegating VA, rejection, the te-accorderen list and the review statistics per delegate.

Every write is one transaction with its access-log record inside it; delegated work is logged
with the delegating VA as ``on_behalf_of``. A refused action writes nothing but, in its own
transaction, a log record with outcome ``geweigerd``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from mdbtriage.core.model import Actor, Case, Staff
from mdbtriage.core.taakdelegatie import (
    Judgement,
    ReviewStats,
    RuleSetError,
    SignedResult,
    TaskInfo,
    candidates,
    decide,
    in_sample,
    load_ruleset,
    review_stats,
    sign_off_problem,
    submit_problem,
)
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.delegations import (
    InputError,
    Refused,
    TaakdelegatieError,
    delegations_of,
    get_delegation,
    log_refusal,
    noted,
    ruleset_for,
    staff_or_error,
)
from mdbtriage.store.records import get_case, list_staff
from mdbtriage.store.versions import StaleEdit, check_task

__all__ = [
    "InputError",
    "Refused",
    "StaleEdit",
    "TaakdelegatieError",
    "TaskRow",
    "TaskVersion",
    "assign_task",
    "judge",
    "list_tasks",
    "reject_task",
    "sign_off",
    "submit_task",
]


@dataclass(frozen=True, slots=True)
class TaskRow:
    task_id: int
    case_ref: str
    client_id: int
    service: str
    task_code: str
    assignee_id: str
    assignee_name: str
    assignee_role: str
    permission: str
    delegating_va_id: str | None
    delegating_va_name: str | None
    delegation_id: int | None
    ruleset_id: str
    decision_reason: str
    assigned_on: date
    due_on: date | None
    status: str
    reviewed: bool | None
    changed_by_va: bool
    submitted_at: str | None
    signed_by: str | None
    signed_at: str | None
    reject_reason: str
    created_by: str
    version: int = 1

    def info(self) -> TaskInfo:
        return TaskInfo(
            task_id=self.task_id,
            task=self.task_code,
            assignee_id=self.assignee_id,
            delegating_va_id=self.delegating_va_id,
            status=self.status,
            permission=self.permission,
        )


@dataclass(frozen=True, slots=True)
class TaskVersion:
    version_id: int
    task_id: int
    kind: str
    author_id: str
    author_name: str
    result: str
    created_at: str


_TASK_SELECT = (
    "SELECT t.task_id, t.case_ref, c.client_id, c.service, t.task_code, t.assignee_id, a.name, "
    "a.role, t.permission, t.delegating_va_id, v.name, t.delegation_id, t.ruleset_id, "
    "t.decision_reason, t.assigned_on, t.due_on, t.status, t.reviewed, t.changed_by_va, "
    "t.submitted_at, t.signed_by, t.signed_at, t.reject_reason, t.created_by, t.version "
    "FROM tasks t JOIN cases c ON c.case_ref = t.case_ref "
    "JOIN staff a ON a.staff_id = t.assignee_id "
    "LEFT JOIN staff v ON v.staff_id = t.delegating_va_id"
)


def _task_row(r: Sequence[object]) -> TaskRow:
    def opt(value: object) -> str | None:
        return str(value) if value is not None else None

    return TaskRow(
        task_id=int(str(r[0])),
        case_ref=str(r[1]),
        client_id=int(str(r[2])),
        service=str(r[3]),
        task_code=str(r[4]),
        assignee_id=str(r[5]),
        assignee_name=str(r[6]),
        assignee_role=str(r[7]),
        permission=str(r[8]),
        delegating_va_id=opt(r[9]),
        delegating_va_name=opt(r[10]),
        delegation_id=int(str(r[11])) if r[11] is not None else None,
        ruleset_id=str(r[12]),
        decision_reason=str(r[13]),
        assigned_on=date.fromisoformat(str(r[14])),
        due_on=date.fromisoformat(str(r[15])) if r[15] else None,
        status=str(r[16]),
        reviewed=bool(r[17]) if r[17] is not None else None,
        changed_by_va=bool(r[18]),
        submitted_at=opt(r[19]),
        signed_by=opt(r[20]),
        signed_at=opt(r[21]),
        reject_reason=str(r[22] or ""),
        created_by=str(r[23]),
        version=int(str(r[24])),
    )


def get_task(store: Store, task_id: int) -> TaskRow | None:
    row = store.conn.execute(_TASK_SELECT + " WHERE t.task_id = ?", (task_id,)).fetchone()
    return _task_row(row) if row else None


def _task_now(conn: Connection, task_id: int) -> TaskRow:
    """The task as it stands inside the write transaction (``BEGIN IMMEDIATE`` holds the write
    lock, so no other writer can change its status between this read and the write)."""
    row = conn.execute(_TASK_SELECT + " WHERE t.task_id = ?", (task_id,)).fetchone()
    if row is None:
        raise TaakdelegatieError(f"taak {task_id} bestaat niet")
    return _task_row(row)


def _stale(conn: Connection, task_id: int, version: int | None) -> StaleEdit | None:
    """The refusal of an edit that started from an older ``version`` of the task, if it did
    (logged as a refused attempt like the rules' refusals)."""
    try:
        check_task(conn, task_id, version)
    except StaleEdit as stale:
        return stale
    return None


def _refusal(task: TaskRow, purpose: str, attempt: str, problem: str, via: str) -> AuditEntry:
    """The record of a refused attempt on a task: what was tried, and the rule's reason."""
    entry = _entry(task, purpose, f"{attempt} geweigerd: {problem.rstrip('.')}")
    return noted(replace(entry, outcome="geweigerd"), via)


def list_tasks(
    store: Store,
    *,
    assignee_id: str | None = None,
    va_id: str | None = None,
    case_ref: str | None = None,
    statuses: Sequence[str] = (),
    team: str | None = None,
) -> list[TaskRow]:
    """Tasks, filtered; ordered by due date (none last), then id."""
    where: list[str] = []
    params: list[str] = []
    for column, value in (
        ("t.assignee_id", assignee_id),
        ("t.delegating_va_id", va_id),
        ("t.case_ref", case_ref),
        ("a.team_id", team),
    ):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if statuses:
        where.append(f"t.status IN ({','.join('?' * len(statuses))})")
        params.extend(statuses)
    sql = _TASK_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY t.due_on IS NULL, t.due_on, t.task_id"
    return [_task_row(r) for r in store.conn.execute(sql, params)]


def te_accorderen(store: Store, va_id: str) -> list[TaskRow]:
    """The VA's sign-off list: delegated results waiting for accordering, oldest first."""
    rows = list_tasks(store, va_id=va_id, statuses=("te_accorderen",))
    return sorted(rows, key=lambda t: (t.submitted_at or "", t.task_id))


def my_tasks(store: Store, staff_id: str) -> list[TaskRow]:
    """What one person still has to do: their open tasks, and for a VA the te-accorderen list."""
    own = list_tasks(store, assignee_id=staff_id, statuses=("open",))
    return own + te_accorderen(store, staff_id)


def versions_by_task(store: Store, task_ids: Sequence[int]) -> dict[int, list[TaskVersion]]:
    """Every stored version of these tasks, oldest first, in one query."""
    found: dict[int, list[TaskVersion]] = {task_id: [] for task_id in task_ids}
    rows = store.conn.execute(
        "SELECT v.version_id, v.task_id, v.kind, v.author_id, coalesce(s.name, v.author_id), "
        "v.result, v.created_at FROM task_versions v LEFT JOIN staff s ON s.staff_id = v.author_id "
        "WHERE v.task_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) "
        "ORDER BY v.task_id, v.version_id",
        (json.dumps(list(task_ids)),),
    )
    for r in rows:
        found[int(r[1])].append(
            TaskVersion(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]))
        )
    return found


def versions(store: Store, task_id: int) -> list[TaskVersion]:
    rows = store.conn.execute(
        "SELECT v.version_id, v.task_id, v.kind, v.author_id, coalesce(s.name, v.author_id), "
        "v.result, v.created_at FROM task_versions v LEFT JOIN staff s ON s.staff_id = v.author_id "
        "WHERE v.task_id = ? ORDER BY v.version_id",
        (task_id,),
    )
    return [
        TaskVersion(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]))
        for r in rows
    ]


def _case_or_error(store: Store, case_ref: str) -> Case:
    case = get_case(store, case_ref)
    if case is None:
        raise TaakdelegatieError(f"zaak '{case_ref}' bestaat niet")
    return case


def judge(
    store: Store,
    case_ref: str,
    task_code: str,
    assignee_id: str,
    by_id: str | None,
    on: date,
    *,
    today: date | None = None,
) -> Judgement:
    """The decision on an assignment, with the team's rule set and delegations on ``on``;
    with ``today``, ``on`` must be today (core :func:`~mdbtriage.core.taakdelegatie.decide`)."""
    case = _case_or_error(store, case_ref)
    assignee = staff_or_error(store, assignee_id, "Medewerker (--to)")
    va = staff_or_error(store, by_id, "Delegerende verzekeringsarts (--by)") if by_id else None
    try:
        ruleset = ruleset_for(store, assignee.team, on)
        team = {s.staff_id: s for s in list_staff(store, assignee.team)}
        return decide(
            task_code,
            case.facts.service,
            assignee,
            va,
            ruleset,
            delegations_of(store, [assignee.staff_id]),
            on,
            staff=team,
            today=today,
        )
    except RuleSetError as error:
        raise TaakdelegatieError(str(error)) from None


def who_may(
    store: Store, case_ref: str, task_code: str, team: str, by_id: str | None, on: date
) -> list[tuple[Staff, Judgement]]:
    """Every member of ``team`` with the decision for this task on this case."""
    case = _case_or_error(store, case_ref)
    va = staff_or_error(store, by_id, "Delegerende verzekeringsarts") if by_id else None
    staff = list_staff(store, team)
    try:
        ruleset = ruleset_for(store, team, on)
        found = candidates(
            task_code,
            case.facts.service,
            staff,
            va,
            ruleset,
            delegations_of(store, [s.staff_id for s in staff]),
            on,
        )
    except RuleSetError as error:
        raise TaakdelegatieError(str(error)) from None
    return [(c.staff, c.decision) for c in found]


def _on_behalf(actor: Actor, va_id: str | None) -> Actor:
    return replace(actor, on_behalf_of=va_id) if va_id else actor


def assign_task(
    store: Store,
    actor: Actor,
    *,
    case_ref: str,
    task_code: str,
    assignee_id: str,
    by_id: str | None = None,
    due: date | None = None,
    on: date,
    today: date | None = None,
    via: str = "",
) -> int:
    """Create a task when the rule set allows it; returns its id, else raises ``Refused``.

    The command line and the desktop pass ``today``: an assignment is then refused unless
    ``on`` is today, so no task reaches back past a revocation (only the demo, replaying a
    history, leaves it out). The log names the acting user and, as ``on_behalf_of``, the VA
    named with ``by_id`` (or the VA whose delegation the task falls under)."""
    decision = judge(store, case_ref, task_code, assignee_id, by_id, on, today=today)
    case = _case_or_error(store, case_ref)
    details = (
        f"taak {task_code} aan {assignee_id}"
        + (f" onder delegatie van {decision.delegating_va_id}" if decision.delegating_va_id else "")
        + f" ({decision.permission}, regelset {decision.ruleset_id}, datum {on.isoformat()})"
    )
    entry = AuditEntry(
        event="create",
        purpose="taak toewijzen",
        client_id=case.client_id,
        case_ref=case_ref,
        details=details,
    )
    acting = _on_behalf(actor, by_id or decision.delegating_va_id)
    if not decision.allowed:
        log_refusal(
            store, acting, noted(replace(entry, details=details + ": " + decision.reason), via)
        )
        raise Refused([decision.reason])
    with store.atomic() as conn:
        now = utc_now()
        cursor = conn.execute(
            "INSERT INTO tasks (case_ref, task_code, assignee_id, permission, delegating_va_id, "
            "delegation_id, ruleset_id, decision_reason, assigned_on, due_on, status, "
            "created_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING task_id",
            (
                case_ref,
                task_code,
                assignee_id,
                decision.permission,
                decision.delegating_va_id,
                decision.delegation_id,
                decision.ruleset_id,
                decision.reason,
                on.isoformat(),
                due.isoformat() if due else None,
                actor.user_id,
                now,
                now,
            ),
        )
        task_id = int(cursor.fetchone()[0])
        log(conn, acting, noted(replace(entry, details=f"taak {task_id}: {details}"), via))
    return task_id


def _task_or_error(store: Store, task_id: int) -> TaskRow:
    task = get_task(store, task_id)
    if task is None:
        raise TaakdelegatieError(f"taak {task_id} bestaat niet")
    return task


def _entry(task: TaskRow, purpose: str, details: str) -> AuditEntry:
    return AuditEntry(
        event="change",
        purpose=purpose,
        client_id=task.client_id,
        case_ref=task.case_ref,
        details=f"taak {task.task_id} ({task.task_code}): {details}",
    )


MAX_MINUTES = 6000
"""The most time recorded for one task at hand-in: 100 hours."""


def submit_task(
    store: Store,
    actor: Actor,
    task_id: int,
    by_id: str,
    result: str,
    *,
    via: str = "",
    minutes: int | None = None,
    version: int | None = None,
) -> str:
    """The assignee hands in the result, optionally with the minutes spent on it ("bestede
    tijd", 1 to 6000); returns the new status.

    Own work is ``done``. Delegated work waits in the VA's te-accorderen list, unless it is
    routine work outside the VA's review sample (then it counts as ``geaccordeerd``,
    not reviewed). The status is checked inside the write transaction; ``version`` is the task
    as the screen showed it (:class:`StaleEdit` when it changed since; ``None``: the current).
    """
    task = _task_or_error(store, task_id)
    by = staff_or_error(store, by_id, "Medewerker")
    if not result.strip():
        raise InputError("result", result, "het resultaat is leeg; beschrijf wat er is gedaan")
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise InputError("minutes", str(minutes), f"geef 1 tot en met {MAX_MINUTES} minuten")
    entry = _entry(task, "taakresultaat inleveren", f"ingeleverd door {by.staff_id}")
    acting = _on_behalf(actor, task.delegating_va_id)
    status, reviewed = "done", None
    if task.permission == "gedelegeerd":
        status, reviewed = "te_accorderen", None
        routine = load_ruleset(task.ruleset_id).tasks[task.task_code].routine
        deleg = get_delegation(store, task.delegation_id) if task.delegation_id else None
        percentage = deleg.delegation.review_percentage if deleg else 100
        if routine and not in_sample(task.task_id, task.delegation_id or 0, percentage):
            status, reviewed = "geaccordeerd", False
    with store.atomic() as conn:
        stale = _stale(conn, task_id, version)
        problem = str(stale) if stale else submit_problem(_task_now(conn, task_id).info(), by)
        if problem:
            attempt = f"inleveren door {by.staff_id}"
            log(conn, acting, _refusal(task, entry.purpose, attempt, problem, via))
        else:
            now = utc_now()
            conn.execute(
                "INSERT INTO task_versions (task_id, kind, author_id, result, created_at) "
                "VALUES (?, 'ingeleverd', ?, ?, ?)",
                (task_id, by.staff_id, result, now),
            )
            conn.execute(
                "UPDATE tasks SET status = ?, reviewed = ?, submitted_at = ?, updated_at = ?, "
                "minutes_spent = coalesce(?, minutes_spent), updated_by = ?, "
                "version = version + 1 WHERE task_id = ?",
                (
                    status,
                    None if reviewed is None else int(reviewed),
                    now,
                    now,
                    minutes,
                    by.staff_id,
                    task_id,
                ),
            )
            note = {
                "done": "gereed",
                "te_accorderen": f"wacht op accordering door {task.delegating_va_id}",
                "geaccordeerd": "buiten de steekproef van de verzekeringsarts: telt zonder "
                "beoordeling",
            }[status]
            if minutes is not None:
                note += f"; bestede tijd {minutes} minuten"
            log(conn, acting, noted(replace(entry, details=entry.details + f"; {note}"), via))
    if stale:
        raise stale
    if problem:
        raise Refused([problem])
    return status


def sign_off(
    store: Store,
    actor: Actor,
    task_id: int,
    by_id: str,
    changed_result: str | None = None,
    *,
    via: str = "",
    version: int | None = None,
) -> None:
    """Accordering by the delegating VA of a handed-in result (status ``te_accorderen``,
    checked inside the write transaction); with ``changed_result`` the VA's version is kept
    next to the delegate's, each with its author. ``version``: see :func:`submit_task`; of two
    sign-offs of one task the first wins and the second is refused."""
    task = _task_or_error(store, task_id)
    by = staff_or_error(store, by_id, "Verzekeringsarts (--by)")
    entry = _entry(task, "accorderen", f"geaccordeerd door {by.staff_id}")
    changed = bool(changed_result and changed_result.strip())
    with store.atomic() as conn:
        stale = _stale(conn, task_id, version)
        problem = (
            str(stale)
            if stale
            else sign_off_problem(_task_now(conn, task_id).info(), by, "accorderen")
        )
        if problem:
            attempt = f"accorderen door {by.staff_id}"
            log(conn, actor, _refusal(task, entry.purpose, attempt, problem, via))
        else:
            now = utc_now()
            if changed:
                conn.execute(
                    "INSERT INTO task_versions (task_id, kind, author_id, result, created_at) "
                    "VALUES (?, 'gewijzigd_door_va', ?, ?, ?)",
                    (task_id, by.staff_id, changed_result, now),
                )
            conn.execute(
                "UPDATE tasks SET status = 'geaccordeerd', reviewed = 1, changed_by_va = ?, "
                "signed_by = ?, signed_at = ?, updated_at = ?, updated_by = ?, "
                "version = version + 1 WHERE task_id = ?",
                (int(changed), by.staff_id, now, now, by.staff_id, task_id),
            )
            extra = "; gewijzigd door de verzekeringsarts, beide versies bewaard" if changed else ""
            log(conn, actor, noted(replace(entry, details=entry.details + extra), via))
    if stale:
        raise stale
    if problem:
        raise Refused([problem])


def reject_task(
    store: Store,
    actor: Actor,
    task_id: int,
    by_id: str,
    reason: str,
    *,
    via: str = "",
    version: int | None = None,
) -> None:
    """The delegating VA rejects a handed-in delegated result; it does not count.
    ``version``: see :func:`submit_task`."""
    task = _task_or_error(store, task_id)
    by = staff_or_error(store, by_id, "Verzekeringsarts (--by)")
    if not reason.strip():
        raise InputError("reason", reason, "geef een reden voor de afwijzing")
    entry = _entry(task, "afwijzen", f"afgewezen door {by.staff_id}: {reason}")
    with store.atomic() as conn:
        stale = _stale(conn, task_id, version)
        problem = (
            str(stale)
            if stale
            else sign_off_problem(_task_now(conn, task_id).info(), by, "afwijzen")
        )
        if problem:
            attempt = f"afwijzen door {by.staff_id} ({reason.strip()})"
            log(conn, actor, _refusal(task, entry.purpose, attempt, problem, via))
        else:
            now = utc_now()
            conn.execute(
                "UPDATE tasks SET status = 'afgewezen', reviewed = 1, reject_reason = ?, "
                "signed_by = ?, signed_at = ?, updated_at = ?, updated_by = ?, "
                "version = version + 1 WHERE task_id = ?",
                (reason, by.staff_id, now, now, by.staff_id, task_id),
            )
            log(conn, actor, noted(entry, via))
    if stale:
        raise stale
    if problem:
        raise Refused([problem])


def review_statistics(store: Store, va_id: str) -> list[ReviewStats]:
    """Per delegate of this VA: handed in, reviewed, changed, rejected, outside the sample."""
    rows = list_tasks(store, va_id=va_id)
    return review_stats(
        [SignedResult(t.assignee_id, t.status, t.reviewed, t.changed_by_va) for t in rows]
    )
