"""MDB meetings in the store: preparation, attendance, decisions saved as they are made, closing
(the regievoerder VA confirms; tasks are created), each case's MDB history and the data of the
summary. Every write is one transaction with its access-log records inside it.

The rules are in :mod:`mdbtriage.core.meetings`; this module reads and writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from mdbtriage.core import meetings as rules
from mdbtriage.core.forecast import ForecastPage
from mdbtriage.core.forecast import page as forecast_page
from mdbtriage.core.meetings import (
    Activity,
    AgendaItem,
    Attendee,
    Decision,
    MeetingError,
    MeetingSummary,
    SummaryActivity,
    SummaryCase,
    SummaryRefused,
)
from mdbtriage.core.model import SERVICES, Actor, Staff
from mdbtriage.core.policy import Policy, load_policy
from mdbtriage.core.triage import build_queue, place
from mdbtriage.core.validation import format_date, mask_bsn
from mdbtriage.store import tasks
from mdbtriage.store.audit import AuditEntry, log_many
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.delegations import Refused, TaakdelegatieError, log_refusal
from mdbtriage.store.outputs import check_output, write_atomically
from mdbtriage.store.queue_view import queue_cases
from mdbtriage.store.records import get_case, list_staff

# An assignment check: (meeting, case_ref, activity) -> refusal reason, or None when allowed.
AssignmentCheck = Callable[["Meeting", str, Activity], str | None]


@dataclass(frozen=True, slots=True)
class Meeting:
    meeting_id: int
    team_id: str
    team_name: str
    held_on: date
    status: str
    regievoerder_id: str | None
    closed_at: str | None = None
    closed_by: str | None = None

    @property
    def closed(self) -> bool:
        return self.status == "gesloten"

    @property
    def label(self) -> str:
        return f"MDB {self.team_name} {format_date(self.held_on)}"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One MDB in which a case was on the agenda."""

    meeting_id: int
    held_on: date
    team_id: str
    meeting_status: str
    agenda_status: str
    missing: str
    decision: Decision | None


_MEETING_SELECT = (
    "SELECT m.meeting_id, m.team_id, t.name, m.held_on, m.status, m.regievoerder_id, "
    "m.closed_at, m.closed_by FROM meetings m JOIN teams t ON t.team_id = m.team_id"
)


def _meeting(row: Sequence[object]) -> Meeting:
    return Meeting(
        meeting_id=int(str(row[0])),
        team_id=str(row[1]),
        team_name=str(row[2]),
        held_on=date.fromisoformat(str(row[3])),
        status=str(row[4]),
        regievoerder_id=str(row[5]) if row[5] else None,
        closed_at=str(row[6]) if row[6] else None,
        closed_by=str(row[7]) if row[7] else None,
    )


def get_meeting(store: Store, meeting_id: int) -> Meeting:
    row = store.conn.execute(_MEETING_SELECT + " WHERE m.meeting_id = ?", (meeting_id,)).fetchone()
    if row is None:
        raise MeetingError([f"MDB {meeting_id} bestaat niet"])
    return _meeting(row)


def list_meetings(store: Store, team: str | None = None) -> list[Meeting]:
    """Meetings, the most recent first."""
    sql = _MEETING_SELECT
    params: tuple[str, ...] = ()
    if team:
        sql += " WHERE m.team_id = ?"
        params = (team,)
    sql += " ORDER BY m.held_on DESC, m.meeting_id DESC"
    return [_meeting(r) for r in store.conn.execute(sql, params)]


def _writable(store: Store, meeting_id: int) -> Meeting:
    meeting = get_meeting(store, meeting_id)
    if meeting.closed:
        raise MeetingError([f"MDB {meeting_id} is gesloten en kan niet meer worden gewijzigd"])
    return meeting


def team_staff(store: Store, team: str) -> dict[str, Staff]:
    return {s.staff_id: s for s in list_staff(store, team)}


def default_regievoerder(staff: Iterable[Staff]) -> str | None:
    """The team's VA with qualification REGIEVOERDER, else its first active VA."""
    vas = sorted((s for s in staff if s.role == "VA" and s.active), key=lambda s: s.staff_id)
    for va in vas:
        if "REGIEVOERDER" in va.qualifications:
            return va.staff_id
    return vas[0].staff_id if vas else None


def _client_ids(conn: sqlite3.Connection, refs: Iterable[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    refs = list(refs)
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        marks = ",".join("?" * len(chunk))
        ids.update(
            (str(r[0]), int(r[1]))
            for r in conn.execute(
                f"SELECT case_ref, client_id FROM cases WHERE case_ref IN ({marks})", chunk
            )
        )
    return ids


def _log_cases(
    conn: sqlite3.Connection,
    actor: Actor,
    refs: Iterable[str],
    event: str,
    purpose: str,
    details: str = "",
) -> None:
    ids = _client_ids(conn, refs)
    log_many(
        conn,
        actor,
        (
            AuditEntry(
                event=event, purpose=purpose, client_id=ids.get(ref), case_ref=ref, details=details
            )
            for ref in ids
        ),
    )


# --- Preparation --------------------------------------------------------------------------


def _history_facts(
    store: Store, team: str, before: date
) -> tuple[date | None, dict[str, date], set[str]]:
    """The previous closed MDB of the team, when each case was last discussed, and which
    discussed cases changed after that discussion."""
    row = store.conn.execute(
        "SELECT max(held_on) FROM meetings WHERE team_id = ? AND status = 'gesloten' "
        "AND held_on < ?",
        (team, before.isoformat()),
    ).fetchone()
    previous = date.fromisoformat(row[0]) if row and row[0] else None
    last: dict[str, date] = {}
    changed: set[str] = set()
    for ref, held_on, closed_at, updated_at in store.conn.execute(
        "SELECT a.case_ref, max(m.held_on), max(m.closed_at), c.updated_at "
        "FROM meeting_agenda a JOIN meetings m ON m.meeting_id = a.meeting_id "
        "JOIN cases c ON c.case_ref = a.case_ref "
        "WHERE m.status = 'gesloten' AND a.status = 'bespreken' AND m.team_id = ? "
        "GROUP BY a.case_ref",
        (team,),
    ):
        last[ref] = date.fromisoformat(held_on)
        if closed_at and str(updated_at)[:19] > str(closed_at)[:19]:
            changed.add(ref)
    return previous, last, changed


def propose(store: Store, team: str, on: date, policy: Policy | None = None) -> list[AgendaItem]:
    """The agenda the tool proposes for an MDB of ``team`` on ``on``."""
    policy = policy or load_policy()
    rows = queue_cases(store, policy, team, on=on)
    placements = build_queue([r.facts for r in rows], on, policy)
    previous, last, changed = _history_facts(store, team, on)
    proposals = rules.propose_agenda(
        placements,
        on=on,
        previous_meeting_on=previous,
        last_discussed=last,
        changed=changed,
        unplanned_classes=policy.unplanned_classes,
    )
    return [
        rules.proposed_item(p.placement, p.placement.reasons(policy), p.reason, i)
        for i, p in enumerate(proposals, start=1)
    ]


def create_meeting(
    store: Store,
    *,
    team: str,
    held_on: date,
    actor: Actor,
    regievoerder_id: str | None = None,
    agenda: Sequence[AgendaItem] | None = None,
    policy: Policy | None = None,
) -> int:
    """Create an MDB in preparation with the team's active staff invited (present) and the
    proposed agenda (or ``agenda`` when given)."""
    if not store.conn.execute("SELECT 1 FROM teams WHERE team_id = ?", (team,)).fetchone():
        raise MeetingError([f"Team '{team}' bestaat niet"])
    staff = team_staff(store, team)
    regie = regievoerder_id or default_regievoerder(staff.values())
    if regie is not None and (regie not in staff or staff[regie].role != "VA"):
        raise MeetingError([f"Regievoerder '{regie}' is geen verzekeringsarts van team {team}"])
    items = list(agenda) if agenda is not None else propose(store, team, held_on, policy)
    with store.atomic() as conn:
        cursor = conn.execute(
            "INSERT INTO meetings (team_id, held_on, regievoerder_id, created_by) "
            "VALUES (?, ?, ?, ?)",
            (team, held_on.isoformat(), regie, actor.user_id),
        )
        meeting_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO meeting_attendees (meeting_id, staff_id, role, present) "
            "VALUES (?, ?, ?, 1)",
            ((meeting_id, s.staff_id, s.role) for s in staff.values() if s.active),
        )
        _insert_items(conn, meeting_id, items)
        _log_cases(
            conn,
            actor,
            (i.case_ref for i in items),
            "create",
            "MDB voorbereiden",
            f"MDB {meeting_id} op {held_on.isoformat()}: agenda voorgesteld",
        )
    return meeting_id


def _insert_items(conn: sqlite3.Connection, meeting_id: int, items: Iterable[AgendaItem]) -> None:
    conn.executemany(
        "INSERT INTO meeting_agenda (meeting_id, case_ref, position, status, reason, missing, "
        "klasse, route, proposed_lead, triage_reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                meeting_id,
                i.case_ref,
                i.position,
                i.status,
                i.reason,
                i.missing,
                i.klasse,
                i.route,
                i.proposed_lead,
                "\n".join(i.triage_reasons),
            )
            for i in items
        ),
    )


def agenda(store: Store, meeting_id: int) -> list[AgendaItem]:
    rows = store.conn.execute(
        "SELECT case_ref, position, status, reason, missing, klasse, route, proposed_lead, "
        "triage_reasons FROM meeting_agenda WHERE meeting_id = ? ORDER BY position, case_ref",
        (meeting_id,),
    )
    return [
        AgendaItem(
            case_ref=r[0],
            position=r[1],
            status=r[2],
            reason=r[3],
            missing=r[4],
            klasse=r[5],
            route=r[6],
            proposed_lead=r[7],
            triage_reasons=tuple(x for x in str(r[8]).split("\n") if x),
        )
        for r in rows
    ]


def read_agenda(store: Store, meeting_id: int, actor: Actor) -> list[AgendaItem]:
    """The agenda as shown to someone (``mdb-show``): one access-log 'read' per client case
    shown, all in one transaction with the reading."""
    with store.atomic() as conn:
        items = agenda(store, meeting_id)
        _log_cases(
            conn,
            actor,
            (i.case_ref for i in items),
            "read",
            "MDB inzien",
            f"MDB {meeting_id}: agenda getoond",
        )
    return items


def set_item_status(
    store: Store, meeting_id: int, case_ref: str, status: str, missing: str, actor: Actor
) -> None:
    """Mark a case bespreken, niet gereed (with what is missing) or standaardroute."""
    _writable(store, meeting_id)
    problems = rules.agenda_problems(status, missing)
    if problems:
        raise MeetingError([f"{case_ref}: {p}" for p in problems])
    with store.atomic() as conn:
        changed = conn.execute(
            "UPDATE meeting_agenda SET status = ?, missing = ? WHERE meeting_id = ? AND case_ref = ?",
            (status, missing.strip() if status == "niet_gereed" else "", meeting_id, case_ref),
        ).rowcount
        if not changed:
            raise MeetingError([f"{case_ref} staat niet op de agenda van MDB {meeting_id}"])
        _log_cases(conn, actor, [case_ref], "change", "MDB voorbereiden", f"agenda: {status}")


def add_case(
    store: Store,
    meeting_id: int,
    case_ref: str,
    actor: Actor,
    policy: Policy | None = None,
) -> AgendaItem:
    """Put a case of the team on the agenda (at the end), with its triage proposal."""
    meeting = _writable(store, meeting_id)
    policy = policy or load_policy()
    row = get_case(store, case_ref)
    if row is None:
        raise MeetingError([f"Zaak '{case_ref}' bestaat niet"])
    if row.team != meeting.team_id:
        raise MeetingError(
            [f"Zaak {case_ref} hoort bij team {row.team}, niet bij {meeting.team_id}"]
        )
    if row.status == "afgerond":
        raise MeetingError([f"Zaak {case_ref} is afgerond"])
    current = agenda(store, meeting_id)
    if any(i.case_ref == case_ref for i in current):
        raise MeetingError([f"Zaak {case_ref} staat al op de agenda"])
    placement = place(row.facts, meeting.held_on, policy)
    item = rules.proposed_item(placement, placement.reasons(policy), "handmatig", len(current) + 1)
    if item.status == "standaardroute":
        item = replace(item, status="bespreken")
    with store.atomic() as conn:
        _insert_items(conn, meeting_id, [item])
        _log_cases(conn, actor, [case_ref], "change", "MDB voorbereiden", "op de agenda gezet")
    return item


def drop_case(store: Store, meeting_id: int, case_ref: str, actor: Actor) -> None:
    """Take a case off the agenda (its draft decision goes with it)."""
    _writable(store, meeting_id)
    with store.atomic() as conn:
        removed = conn.execute(
            "DELETE FROM meeting_agenda WHERE meeting_id = ? AND case_ref = ?",
            (meeting_id, case_ref),
        ).rowcount
        if not removed:
            raise MeetingError([f"{case_ref} staat niet op de agenda van MDB {meeting_id}"])
        _renumber(conn, meeting_id, [i.case_ref for i in agenda(store, meeting_id)])
        _log_cases(conn, actor, [case_ref], "change", "MDB voorbereiden", "van de agenda gehaald")


def _renumber(conn: sqlite3.Connection, meeting_id: int, order: Sequence[str]) -> None:
    conn.executemany(
        "UPDATE meeting_agenda SET position = ? WHERE meeting_id = ? AND case_ref = ?",
        ((i, meeting_id, ref) for i, ref in enumerate(order, start=1)),
    )


def reorder(store: Store, meeting_id: int, order: Sequence[str]) -> None:
    """Set the agenda order; ``order`` must name exactly the cases on the agenda."""
    _writable(store, meeting_id)
    current = {i.case_ref for i in agenda(store, meeting_id)}
    if set(order) != current or len(order) != len(current):
        raise MeetingError(["De nieuwe volgorde moet precies de zaken van de agenda bevatten"])
    with store.atomic() as conn:
        _renumber(conn, meeting_id, order)


def move_case(store: Store, meeting_id: int, case_ref: str, offset: int) -> None:
    items = rules.move(agenda(store, meeting_id), case_ref, offset)
    reorder(store, meeting_id, [i.case_ref for i in items])


# --- Attendance ---------------------------------------------------------------------------


def attendees(store: Store, meeting_id: int) -> list[Attendee]:
    rows = store.conn.execute(
        "SELECT a.staff_id, s.name, a.role, a.present FROM meeting_attendees a "
        "JOIN staff s ON s.staff_id = a.staff_id WHERE a.meeting_id = ? "
        "ORDER BY CASE a.role WHEN 'VA' THEN 0 WHEN 'AIOS' THEN 1 WHEN 'SMV' THEN 2 "
        "WHEN 'AD' THEN 3 WHEN 'RIB' THEN 4 WHEN 'PB' THEN 5 WHEN 'MS' THEN 6 ELSE 7 END, s.name",
        (meeting_id,),
    )
    return [Attendee(r[0], r[1], r[2], bool(r[3])) for r in rows]


def set_present(store: Store, meeting_id: int, staff_id: str, present: bool) -> None:
    meeting = _writable(store, meeting_id)
    staff = team_staff(store, meeting.team_id)
    member = staff.get(staff_id)
    if member is None:
        raise MeetingError([f"Medewerker '{staff_id}' hoort niet bij team {meeting.team_id}"])
    with store.atomic() as conn:
        conn.execute(
            "INSERT INTO meeting_attendees (meeting_id, staff_id, role, present) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id, staff_id) "
            "DO UPDATE SET present = excluded.present",
            (meeting_id, staff_id, member.role, int(present)),
        )


def set_regievoerder(store: Store, meeting_id: int, staff_id: str) -> None:
    meeting = _writable(store, meeting_id)
    member = team_staff(store, meeting.team_id).get(staff_id)
    if member is None or member.role != "VA":
        raise MeetingError([f"Regievoerder '{staff_id}' is geen verzekeringsarts van dit team"])
    with store.atomic() as conn:
        conn.execute(
            "UPDATE meetings SET regievoerder_id = ?, updated_at = ? WHERE meeting_id = ?",
            (staff_id, utc_now(), meeting_id),
        )


def warnings(store: Store, meeting_id: int) -> list[str]:
    meeting = get_meeting(store, meeting_id)
    return rules.attendance_warnings(
        agenda(store, meeting_id), attendees(store, meeting_id), meeting.regievoerder_id
    )


def va_present(store: Store, meeting_id: int) -> bool:
    return any(a.present and a.role == "VA" for a in attendees(store, meeting_id))


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
        "SELECT case_ref, lead_role, lead_staff_id, contact_staff_id, remarks, medical_remarks, "
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
) -> None:
    """Record (or replace) the decision for one case at once. A non-medical actor cannot see
    the medical considerations, so those are kept as they were."""
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
        conn.execute(
            "INSERT INTO meeting_decisions (meeting_id, case_ref, lead_role, lead_staff_id, "
            "contact_staff_id, remarks, medical_remarks, dossier_complete, decided_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id, case_ref) DO UPDATE SET "
            "lead_role = excluded.lead_role, lead_staff_id = excluded.lead_staff_id, "
            "contact_staff_id = excluded.contact_staff_id, remarks = excluded.remarks, "
            "medical_remarks = excluded.medical_remarks, "
            "dossier_complete = excluded.dossier_complete, decided_by = excluded.decided_by, "
            "updated_at = excluded.updated_at",
            (
                meeting_id,
                decision.case_ref,
                decision.lead_role,
                decision.lead_staff_id,
                decision.contact_staff_id,
                decision.remarks.strip(),
                decision.medical_remarks.strip(),
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
            "change" if existing else "create",
            "MDB-besluit vastleggen",
            f"MDB {meeting_id}",
        )


# --- Closing ------------------------------------------------------------------------------

# Creates the task of one activity and returns its id; raises MeetingError when refused.
TaskCreator = Callable[[sqlite3.Connection, Meeting, str, Activity, Actor], int]


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
) -> list[int]:
    """The regievoerder VA confirms the decisions: the activities become tasks and the meeting
    is frozen. All or nothing; returns the ids of the created tasks. With ``today`` (the
    command line, the desktop) the tasks are assigned today, judged by the delegations in force
    today, so a meeting closed after a revocation creates no task under it; without (the demo,
    replaying a history) on the day of the meeting."""
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


# --- Summary ------------------------------------------------------------------------------


def summary(
    store: Store, meeting_id: int, *, actor: Actor, printed_on: date, medical: bool
) -> MeetingSummary:
    """The data of the summary PDF for ``actor``; the non-medical version is stripped in core.

    The medical version for a non-medical role is refused (:class:`SummaryRefused`, the refusal
    logged); the BSN is masked in both versions."""
    meeting = get_meeting(store, meeting_id)
    refused = rules.summary_problems(actor, medical=medical)
    if refused:
        log_refusal(
            store,
            actor,
            AuditEntry(
                event="read",
                purpose="MDB-verslag",
                details=f"MDB {meeting_id}, medische versie: {'; '.join(refused)}",
            ),
        )
        raise SummaryRefused(refused)
    people: dict[str, tuple[str, str]] = {
        str(r[0]): (str(r[1]), str(r[2]))
        for r in store.conn.execute("SELECT staff_id, name, role FROM staff")
    }
    items = agenda(store, meeting_id)
    found = decisions(store, meeting_id)
    clients = {
        str(r[0]): (str(r[1]), str(r[2]), str(r[3]))
        for r in store.conn.execute(
            "SELECT c.case_ref, k.name, k.bsn, c.service FROM meeting_agenda a "
            "JOIN cases c ON c.case_ref = a.case_ref JOIN clients k ON k.client_id = c.client_id "
            "WHERE a.meeting_id = ?",
            (meeting_id,),
        )
    }

    def name(staff_id: str | None) -> str:
        return people.get(staff_id or "", (staff_id or "", ""))[0]

    cases = []
    for item in items:
        client_name, bsn, service = clients[item.case_ref]
        d = found.get(item.case_ref) if item.discussed else None
        cases.append(
            SummaryCase(
                case_ref=item.case_ref,
                client_name=client_name,
                bsn=mask_bsn(bsn),
                service=SERVICES.get(service, service),
                status=item.status,
                reason=item.reason,
                klasse=item.klasse,
                route=item.route,
                proposed_lead=item.proposed_lead,
                triage_reasons=item.triage_reasons,
                missing=item.missing,
                lead_role=(d.lead_role or "") if d else "",
                lead_name=name(d.lead_staff_id) if d else "",
                contact_name=name(d.contact_staff_id) if d else "",
                activities=tuple(
                    SummaryActivity(
                        task=rules.activity_label(a.task),
                        assignee=name(a.assignee_id),
                        assignee_role=people.get(a.assignee_id, ("", ""))[1],
                        due_on=a.due_on,
                        note=f"onder delegatie van {name(a.delegated_by)}"
                        if a.delegated_by
                        else "",
                    )
                    for a in d.activities
                )
                if d
                else (),
                remarks=d.remarks if d else "",
                medical_remarks=d.medical_remarks if d else "",
                dossier_complete=d.dossier_complete if d else None,
            )
        )
    full = MeetingSummary(
        meeting_id=meeting.meeting_id,
        team_id=meeting.team_id,
        team_name=meeting.team_name,
        held_on=meeting.held_on,
        status=meeting.status,
        regievoerder=name(meeting.regievoerder_id),
        attendees=tuple(attendees(store, meeting_id)),
        cases=tuple(cases),
        printed_on=printed_on,
        closed_by=name(meeting.closed_by),
        medical=True,
        warnings=tuple(warnings(store, meeting_id)) if not meeting.closed else (),
        forecast=_forecast_page(store, meeting.team_id, meeting.team_name, printed_on),
    )
    return full if medical else rules.non_medical(full)


def _forecast_page(store: Store, team: str, team_name: str, on: date) -> ForecastPage | None:
    """The team's capacity forecast on the day the summary is printed (no medical content)."""
    from mdbtriage.store.forecast import read_forecast_inputs

    inputs = read_forecast_inputs(store, team, on, load_policy())
    if not inputs.cases:
        return None
    return forecast_page(inputs.run(), team_name)


def _log_output(
    conn: sqlite3.Connection, actor: Actor, data: MeetingSummary, *, event: str, target: str
) -> None:
    """One access-log record per client in a printed or exported summary."""
    version = "medisch" if data.medical else "niet-medisch"
    _log_cases(
        conn,
        actor,
        (c.case_ref for c in data.cases),
        event,
        "MDB-verslag " + ("afdrukken" if event == "print" else "exporteren"),
        f"MDB {data.meeting_id}, {rules.SUMMARY_VERSIONS[version]}, {target}",
    )


def _check_output(actor: Actor, data: MeetingSummary) -> None:
    refused = rules.summary_problems(actor, medical=data.medical)
    if refused:
        raise SummaryRefused(refused)


def export_summary(
    store: Store, actor: Actor, data: MeetingSummary, pdf: bytes, path: Path
) -> None:
    """Write the summary PDF to ``path`` with one 'export' record per client, in one
    transaction: a file that cannot be written leaves no record. A path that would replace
    the store or its companions raises :class:`OutputRefused`."""
    check_output(path, store.path, "Bestand")
    _check_output(actor, data)
    with store.atomic() as conn:
        _log_output(conn, actor, data, event="export", target=path.name)
        write_atomically(path, pdf)


def print_summary(
    store: Store, actor: Actor, data: MeetingSummary, printer: str, send: Callable[[], None]
) -> None:
    """Print the summary through ``send`` (which drives the printer) with one 'print' record
    per client, in one transaction: a print that fails leaves no record."""
    _check_output(actor, data)
    with store.atomic() as conn:
        _log_output(conn, actor, data, event="print", target=printer)
        send()


# --- Demo ---------------------------------------------------------------------------------


def load_demo_meetings(store: Store, *, today: date, actor: Actor) -> int:
    """Per team a closed MDB two weeks ago (decided, its activities created as tasks) and an MDB
    in preparation next week. Returns the number of meetings written."""
    written = 0
    teams = [str(r[0]) for r in store.conn.execute("SELECT team_id FROM teams ORDER BY team_id")]
    for team in teams:
        staff = team_staff(store, team)
        regie = default_regievoerder(staff.values())
        if regie is None or list_meetings(store, team):
            continue
        past_on = today - timedelta(days=14)
        proposed = propose(store, team, past_on)
        items = rules.renumber(proposed[:8] + proposed[-2:]) if len(proposed) > 10 else proposed
        if items:
            meeting_id = create_meeting(
                store, team=team, held_on=past_on, actor=actor, agenda=items
            )
            _demo_decisions(store, meeting_id, staff, regie, past_on)
            regie_actor = Actor(regie, staff[regie].name, "VA")
            close_meeting(store, meeting_id, regie_actor)
            written += 1
            # After the MDB the client of the first discussed case started working again: the
            # situation changed, so the next agenda brings the case back.
            with store.atomic() as conn:
                conn.execute(
                    "UPDATE cases SET working = 1, updated_at = "
                    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+1 second') WHERE case_ref = ?",
                    (items[0].case_ref,),
                )
        create_meeting(store, team=team, held_on=today + timedelta(days=7), actor=actor)
        written += 1
    return written


# General remarks are planning only (they go into the non-medical summary too); what is
# medical goes into the medical considerations.
_DEMO_PLAN = {
    "VA": ("SPREEKUUR", "Cliënt uitnodigen voor het spreekuur; uitkomst in de volgende MDB."),
    "AD": ("ARBEIDSKUNDIG", "Werkt gedeeltelijk; verdiensten opvragen bij de werkgever."),
    "SMV": ("TEL_CONTACT", "Cliënt telefonisch informeren over de lichte route."),
    "PB": ("PLANNING", "Gemotiveerde aanvraag opvragen bij de aanvrager."),
}
_DEMO_MEDICAL = (
    "Rugklachten met uitstraling; specialistische brief van de orthopeed afwachten.",
    "Depressieve klachten, in behandeling bij de GGZ; prognose onzeker.",
    "Status na hartinfarct, cardioloog meldt herstel; belastbaarheid opnieuw beoordelen.",
    "Long-COVID met vermoeidheid; beperkingen in duurbelasting aannemelijk.",
)
_DEMO_MEDICAL_VA = "Belastbaarheid opnieuw vaststellen na het spreekuur."


def _demo_decisions(
    store: Store, meeting_id: int, staff: dict[str, Staff], regie: str, on: date
) -> None:
    by_role: dict[str, list[Staff]] = {}
    for s in staff.values():
        by_role.setdefault(s.role, []).append(s)
    actor = Actor(regie, staff[regie].name, "VA")
    for n, item in enumerate(agenda(store, meeting_id)):
        if not item.discussed:
            continue
        lead_role = item.proposed_lead if item.proposed_lead in _DEMO_PLAN else "VA"
        people = by_role.get(lead_role) or by_role["VA"]
        lead = people[n % len(people)]
        task, remark = _DEMO_PLAN[lead.role if lead.role in _DEMO_PLAN else "VA"]
        contact = (by_role.get("SMV") or [lead])[n % len(by_role.get("SMV") or [lead])]
        save_decision(
            store,
            meeting_id,
            Decision(
                case_ref=item.case_ref,
                lead_role=lead.role,
                lead_staff_id=lead.staff_id,
                contact_staff_id=contact.staff_id,
                activities=(Activity(task, lead.staff_id, on + timedelta(days=14 + n)),),
                remarks=remark,
                medical_remarks=_DEMO_MEDICAL[n % len(_DEMO_MEDICAL)]
                + (f" {_DEMO_MEDICAL_VA}" if task == "SPREEKUUR" else ""),
                dossier_complete=n % 4 != 3,
            ),
            actor,
        )


def default_task_creator(store: Store, today: date | None = None) -> TaskCreator:
    """Create each activity as a task through the taakdelegatie rules (refused: nothing),
    assigned ``today`` when given, else on the day of the meeting."""

    def create(
        conn: sqlite3.Connection, meeting: Meeting, case_ref: str, activity: Activity, actor: Actor
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
