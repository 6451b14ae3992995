"""MDB meetings in the store: the meeting record, reading meetings, and the helpers every
part shares (the access-log records per case)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from mdbtriage.core.meetings import (
    Decision,
    MeetingError,
)
from mdbtriage.core.model import Actor, Staff
from mdbtriage.core.validation import format_date
from mdbtriage.store.audit import AuditEntry, log_many
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store
from mdbtriage.store.records import list_staff


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


def _client_ids(conn: Connection, refs: Iterable[str]) -> dict[str, int]:
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
    conn: Connection,
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
