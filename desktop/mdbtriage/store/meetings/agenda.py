"""MDB preparation in the store: the proposed agenda, creating a meeting, the agenda's items
and their order, and attendance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from mdbtriage.core import meetings as rules
from mdbtriage.core.meetings import (
    AgendaItem,
    Attendee,
    MeetingError,
)
from mdbtriage.core.model import Actor
from mdbtriage.core.policy import Policy
from mdbtriage.core.triage import build_queue, place
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.delegations import policy_for
from mdbtriage.store.meetings.base import (
    _log_cases,
    _writable,
    default_regievoerder,
    get_meeting,
    team_staff,
)
from mdbtriage.store.queue_view import queue_cases
from mdbtriage.store.records import get_case

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
        "GROUP BY a.case_ref, c.updated_at",
        (team,),
    ):
        last[ref] = date.fromisoformat(held_on)
        if closed_at and str(updated_at)[:19] > str(closed_at)[:19]:
            changed.add(ref)
    return previous, last, changed


def propose(store: Store, team: str, on: date, policy: Policy | None = None) -> list[AgendaItem]:
    """The agenda the tool proposes for an MDB of ``team`` on ``on`` (under ``policy``, by
    default the team's: :func:`~mdbtriage.store.delegations.policy_for`)."""
    policy = policy or policy_for(store, team, on)
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
            "VALUES (?, ?, ?, ?) RETURNING meeting_id",
            (team, held_on.isoformat(), regie, actor.user_id),
        )
        meeting_id = int(cursor.fetchone()[0])
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


def _insert_items(conn: Connection, meeting_id: int, items: Iterable[AgendaItem]) -> None:
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
    policy = policy or policy_for(store, meeting.team_id, meeting.held_on)
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


def _renumber(conn: Connection, meeting_id: int, order: Sequence[str]) -> None:
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


def agenda_sizes(store: Store) -> dict[int, int]:
    """The number of cases on each meeting's agenda, by meeting (meetings without any absent)."""
    rows = store.conn.execute("SELECT meeting_id, count(*) FROM meeting_agenda GROUP BY meeting_id")
    return {int(m): int(n) for m, n in rows}
