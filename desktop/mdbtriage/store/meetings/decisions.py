"""MDB decisions in the store: saved as they are made, checked against taakdelegatie, and
closing by the regievoerder (the decisions become tasks); each case's MDB history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

from mdbtriage.core import meetings as rules
from mdbtriage.core.meetings import (
    Activity,
    Decision,
    MeetingError,
)
from mdbtriage.core.model import Actor
from mdbtriage.store import tasks, versions
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.delegations import Refused, TaakdelegatieError
from mdbtriage.store.meetings.agenda import agenda, attendees, va_present
from mdbtriage.store.meetings.base import (
    HistoryEntry,
    Meeting,
    _log_cases,
    _writable,
    get_meeting,
    team_staff,
)
from mdbtriage.store.meetings.chair import check_chair

# An assignment check: (meeting, case_ref, activity) -> refusal reason, or None when allowed.
AssignmentCheck = Callable[["Meeting", str, Activity], str | None]


# --- Decisions ----------------------------------------------------------------------------


def decisions(store: Store, meeting_id: int) -> dict[str, Decision]:
    acts: dict[str, list[Activity]] = {}
    for ref, task, assignee, due, delegated in store.conn.execute(
        "SELECT case_ref, task, assignee_id, due_on, delegated_by FROM meeting_activities "
        "WHERE meeting_id = ? ORDER BY case_ref, seq",
        (meeting_id,),
    ):
        acts.setdefault(ref, []).append(
            Activity(task, assignee, date.fromisoformat(due), delegated or None)
        )
    found: dict[str, Decision] = {}
    for r in store.conn.execute(
        "SELECT case_ref, lead_role, lead_staff_id, contact_staff_id, remarks, "
        f"{'medical_remarks' if store.reads_medical() else chr(39) * 2}, "
        "dossier_complete FROM meeting_decisions WHERE meeting_id = ?",
        (meeting_id,),
    ):
        found[r[0]] = Decision(
            case_ref=r[0],
            lead_role=r[1],
            lead_staff_id=r[2],
            contact_staff_id=r[3],
            activities=tuple(acts.get(r[0], ())),
            remarks=r[4],
            medical_remarks=r[5],
            dossier_complete=None if r[6] is None else bool(r[6]),
        )
    return found


def decision_versions(store: Store, meeting_id: int) -> dict[str, int]:
    """The version of each saved decision of an MDB, by case (a case without one: absent)."""
    return {
        str(ref): int(version)
        for ref, version in store.conn.execute(
            "SELECT case_ref, version FROM meeting_decisions WHERE meeting_id = ?", (meeting_id,)
        )
    }


def check_activities(
    store: Store,
    meeting: Meeting,
    decision: Decision,
    check: AssignmentCheck | None = None,
) -> list[str]:
    """The taakdelegatie refusals of a decision's activities, each naming the activity."""
    check = check or default_assignment_check(store)
    problems = []
    for n, activity in enumerate(decision.activities, start=1):
        reason = check(meeting, decision.case_ref, activity)
        if reason:
            problems.append(f"Activiteit {n} ({rules.activity_label(activity.task)}): {reason}")
    return problems


def default_assignment_check(store: Store) -> AssignmentCheck:
    """The assignment check of the team's taakdelegatie rules on the day of the MDB: the
    refusal reason names the rule, or ``None`` when the assignment may go ahead."""

    def check(meeting: Meeting, case_ref: str, activity: Activity) -> str | None:
        try:
            verdict = tasks.judge(
                store,
                case_ref,
                activity.task,
                activity.assignee_id,
                activity.delegated_by,
                meeting.held_on,
            )
        except TaakdelegatieError as error:
            return str(error)
        return None if verdict.allowed else verdict.reason

    return check


def save_decision(
    store: Store,
    meeting_id: int,
    decision: Decision,
    actor: Actor,
    check: AssignmentCheck | None = None,
    *,
    version: int | None = None,
    seat: str | None = None,
) -> int:
    """Record (or replace) the decision for one case at once; returns its new version. A
    non-medical actor cannot see the medical considerations, so those are kept as they were.

    ``version`` is the decision as the form showed it (0: there was none yet);
    :class:`mdbtriage.store.versions.StaleEdit` when it changed since, logged ``geweigerd``
    (``None``: the current one). ``seat``: the Bespreking's window, refused (:class:`ChairHeld`) when another seat
    chairs the MDB."""
    meeting = _writable(store, meeting_id)
    if decision.case_ref not in {i.case_ref for i in agenda(store, meeting_id)}:
        raise MeetingError([f"{decision.case_ref} staat niet op de agenda van MDB {meeting_id}"])
    staff = team_staff(store, meeting.team_id)
    existing = decisions(store, meeting_id).get(decision.case_ref)
    if not rules.may_see_medical(actor.role):
        decision = replace(decision, medical_remarks=existing.medical_remarks if existing else "")
    problems = rules.decision_problems(
        decision,
        meeting_on=meeting.held_on,
        staff=staff,
        va_present=va_present(store, meeting_id),
    )
    if not problems:
        problems = check_activities(store, meeting, decision, check)
    if problems:
        raise MeetingError([f"{decision.case_ref}: {p}" for p in problems])
    with store.atomic() as conn:
        check_chair(conn, meeting_id, seat, datetime.now(UTC))
        stale = versions.refused(
            conn,
            actor,
            lambda: versions.check_decision(conn, meeting_id, decision.case_ref, version),
            purpose="MDB-besluit vastleggen",
            case_ref=decision.case_ref,
            attempt=f"MDB {meeting_id}: besluit",
        )
        if stale is None:
            return _write_decision(conn, meeting_id, decision, actor, changes=existing is not None)
    assert stale is not None
    raise stale  # after the refusal's record was committed


def _write_decision(
    conn: Connection, meeting_id: int, decision: Decision, actor: Actor, *, changes: bool
) -> int:
    """Write one checked decision (``changes``: it replaces one); returns its new version."""
    # A non-medical actor's statement does not name the medical considerations at all: they
    # stay as they were (on the office store that column is not even readable to them).
    medical = rules.may_see_medical(actor.role)
    conn.execute(
        "INSERT INTO meeting_decisions (meeting_id, case_ref, lead_role, lead_staff_id, "
        f"contact_staff_id, remarks, {'medical_remarks, ' if medical else ''}"
        "dossier_complete, decided_by, updated_at) "
        f"VALUES (?, ?, ?, ?, ?, ?, {'?, ' if medical else ''}?, ?, ?) "
        "ON CONFLICT (meeting_id, case_ref) DO UPDATE SET "
        "lead_role = excluded.lead_role, lead_staff_id = excluded.lead_staff_id, "
        "contact_staff_id = excluded.contact_staff_id, remarks = excluded.remarks, "
        f"{'medical_remarks = excluded.medical_remarks, ' if medical else ''}"
        "dossier_complete = excluded.dossier_complete, decided_by = excluded.decided_by, "
        "updated_at = excluded.updated_at, version = meeting_decisions.version + 1",
        (
            meeting_id,
            decision.case_ref,
            decision.lead_role,
            decision.lead_staff_id,
            decision.contact_staff_id,
            decision.remarks.strip(),
            *((decision.medical_remarks.strip(),) if medical else ()),
            None if decision.dossier_complete is None else int(decision.dossier_complete),
            actor.user_id,
            utc_now(),
        ),
    )
    conn.execute(
        "DELETE FROM meeting_activities WHERE meeting_id = ? AND case_ref = ?",
        (meeting_id, decision.case_ref),
    )
    conn.executemany(
        "INSERT INTO meeting_activities (meeting_id, case_ref, seq, task, assignee_id, "
        "due_on, delegated_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                meeting_id,
                decision.case_ref,
                n,
                a.task,
                a.assignee_id,
                a.due_on.isoformat(),
                a.delegated_by,
            )
            for n, a in enumerate(decision.activities, start=1)
        ),
    )
    _log_cases(
        conn,
        actor,
        [decision.case_ref],
        "change" if changes else "create",
        "MDB-besluit vastleggen",
        f"MDB {meeting_id}",
    )
    return versions.decision_version(conn, meeting_id, decision.case_ref) or 1


# --- Closing ------------------------------------------------------------------------------

# Creates the task of one activity and returns its id; raises MeetingError when refused.
TaskCreator = Callable[[Connection, Meeting, str, Activity, Actor], int]


def closing_problems(store: Store, meeting_id: int, actor: Actor) -> list[str]:
    meeting = get_meeting(store, meeting_id)
    return rules.closing_problems(
        status=meeting.status,
        closer_id=actor.user_id,
        closer_role=actor.role,
        regievoerder_id=meeting.regievoerder_id,
        attendees=attendees(store, meeting_id),
        items=agenda(store, meeting_id),
        decisions=decisions(store, meeting_id),
    )


def close_meeting(
    store: Store,
    meeting_id: int,
    actor: Actor,
    *,
    check: AssignmentCheck | None = None,
    create_task: TaskCreator | None = None,
    today: date | None = None,
    seat: str | None = None,
) -> list[int]:
    """The regievoerder VA confirms the decisions: the activities become tasks and the meeting
    is frozen. All or nothing; returns the ids of the created tasks. With ``today`` (the
    command line, the desktop) the tasks are assigned today, judged by the delegations in force
    today, so a meeting closed after a revocation creates no task under it; without (the demo,
    replaying a history) on the day of the meeting. A refusal is logged ``geweigerd`` with its
    reasons before :class:`MeetingError` is raised. ``seat``: see :func:`save_decision`; the
    chair is given up with the close."""
    try:
        return _close_meeting(store, meeting_id, actor, check, create_task, today, seat)
    except MeetingError as refused:
        with store.atomic() as conn:
            log(
                conn,
                actor,
                AuditEntry(
                    event="change",
                    purpose="MDB-besluiten bevestigen",
                    outcome="geweigerd",
                    details=f"MDB {meeting_id} niet gesloten: {refused}",
                ),
            )
        raise


def _close_meeting(
    store: Store,
    meeting_id: int,
    actor: Actor,
    check: AssignmentCheck | None,
    create_task: TaskCreator | None,
    today: date | None,
    seat: str | None,
) -> list[int]:
    check_chair(store.conn, meeting_id, seat, datetime.now(UTC))  # again in the transaction
    problems = closing_problems(store, meeting_id, actor)
    meeting = get_meeting(store, meeting_id)
    items = agenda(store, meeting_id)
    found = decisions(store, meeting_id)
    discussed = [i.case_ref for i in items if i.discussed]
    if not problems:
        for ref in discussed:
            problems.extend(
                f"{ref}: {p}" for p in check_activities(store, meeting, found[ref], check)
            )
    if problems:
        raise MeetingError(problems)
    create_task = create_task or default_task_creator(store, today)
    task_ids: list[int] = []
    with store.atomic() as conn:
        check_chair(conn, meeting_id, seat, datetime.now(UTC))
        conn.execute("DELETE FROM meeting_chairs WHERE meeting_id = ?", (meeting_id,))
        # Decisions of cases no longer discussed are not decisions of this MDB.
        conn.execute(
            "DELETE FROM meeting_decisions WHERE meeting_id = ? AND case_ref IN "
            "(SELECT case_ref FROM meeting_agenda WHERE meeting_id = ? AND status != 'bespreken')",
            (meeting_id, meeting_id),
        )
        rows = conn.execute(
            "SELECT activity_id, case_ref, task, assignee_id, due_on, delegated_by "
            "FROM meeting_activities WHERE meeting_id = ? ORDER BY case_ref, seq",
            (meeting_id,),
        ).fetchall()
        for activity_id, ref, task, assignee, due, delegated in rows:
            activity = Activity(task, assignee, date.fromisoformat(due), delegated)
            task_id = create_task(conn, meeting, ref, activity, actor)
            task_ids.append(task_id)
            # The taakdelegatie rules may have chosen the delegating VA themselves (none was
            # named in the meeting): the created task knows who, and so does the MDB record.
            picked = conn.execute(
                "SELECT delegating_va_id FROM tasks WHERE task_id = ?", (task_id,)
            ).fetchone()
            conn.execute(
                "UPDATE meeting_activities SET task_id = ?, "
                "delegated_by = coalesce(delegated_by, ?) WHERE activity_id = ?",
                (task_id, picked[0] if picked else None, activity_id),
            )
        now = utc_now()
        conn.execute(
            "UPDATE meetings SET status = 'gesloten', closed_at = ?, closed_by = ?, "
            "updated_at = ? WHERE meeting_id = ?",
            (now, actor.user_id, now, meeting_id),
        )
        _log_cases(
            conn,
            actor,
            discussed,
            "change",
            "MDB-besluiten bevestigen",
            f"MDB {meeting_id} gesloten door regievoerder",
        )
    return task_ids


def meeting_task_ids(store: Store, meeting_id: int) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for ref, task_id in store.conn.execute(
        "SELECT case_ref, task_id FROM meeting_activities WHERE meeting_id = ? "
        "AND task_id IS NOT NULL ORDER BY case_ref, seq",
        (meeting_id,),
    ):
        found.setdefault(ref, []).append(int(task_id))
    return found


# --- History ------------------------------------------------------------------------------


def case_history(store: Store, case_ref: str) -> list[HistoryEntry]:
    """Every MDB in which the case was on the agenda, the most recent first."""
    rows = store.conn.execute(
        "SELECT m.meeting_id, m.held_on, m.team_id, m.status, a.status, a.missing "
        "FROM meeting_agenda a JOIN meetings m ON m.meeting_id = a.meeting_id "
        "WHERE a.case_ref = ? ORDER BY m.held_on DESC, m.meeting_id DESC",
        (case_ref,),
    ).fetchall()
    entries = []
    for meeting_id, held_on, team, m_status, a_status, missing in rows:
        entries.append(
            HistoryEntry(
                meeting_id=meeting_id,
                held_on=date.fromisoformat(held_on),
                team_id=team,
                meeting_status=m_status,
                agenda_status=a_status,
                missing=missing,
                decision=decisions(store, meeting_id).get(case_ref),
            )
        )
    return entries


def default_task_creator(store: Store, today: date | None = None) -> TaskCreator:
    """Create each activity as a task through the taakdelegatie rules (refused: nothing),
    assigned ``today`` when given, else on the day of the meeting."""

    def create(
        conn: Connection, meeting: Meeting, case_ref: str, activity: Activity, actor: Actor
    ) -> int:
        try:
            return tasks.assign_task(
                store,
                actor,
                case_ref=case_ref,
                task_code=activity.task,
                assignee_id=activity.assignee_id,
                by_id=activity.delegated_by,
                due=activity.due_on,
                on=today or meeting.held_on,
                today=today,
            )
        except Refused as refused:
            raise MeetingError([f"{case_ref}: {r}" for r in refused.reasons]) from None
        except TaakdelegatieError as error:
            raise MeetingError([f"{case_ref}: {error}"]) from None

    return create
