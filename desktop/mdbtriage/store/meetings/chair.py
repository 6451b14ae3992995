"""One chair per MDB: the Bespreking of an open MDB is run from one seat (a window on a
workstation), which holds the chair as a lease (``meeting_chairs``, db/0010). The window renews
it every :data:`RENEW_EVERY` while it is open; a workstation that disappears loses it after
:data:`LEASE`. Everyone else follows the meeting read-only. The regievoerder takes the chair
over explicitly (:func:`take_over`), logged in the access log.

Every read-check-write is one ``store.atomic()``, so of two seats taking a free chair at once
one gets it and the other is told who holds it (:class:`mdbtriage.core.meetings.ChairHeld`).
Times are the workstations' clocks in UTC (``now`` may be given, for tests).
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from mdbtriage.core.meetings import Chair, ChairHeld, MeetingError, chair_takeover_problem
from mdbtriage.core.model import Actor
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store
from mdbtriage.store.records import get_staff

LEASE = timedelta(seconds=60)
"""How long a chair holds without being renewed."""
RENEW_EVERY = timedelta(seconds=20)
"""How often the chair's window renews it."""

TAKE_OVER_PURPOSE = "MDB-voorzitterschap overnemen"


def new_seat() -> str:
    """A seat's id: one per opening of an MDB window."""
    return uuid.uuid4().hex


def workstation_name() -> str:
    """This workstation's name as colleagues see it next to the chair."""
    return socket.gethostname() or "onbekende werkplek"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


_SELECT = (
    "SELECT c.meeting_id, c.holder_id, coalesce(s.name, c.holder_id), c.workstation, c.seat, "
    "c.taken_at, c.renewed_at, c.expires_at FROM meeting_chairs c "
    "LEFT JOIN staff s ON s.staff_id = c.holder_id WHERE c.meeting_id = ?"
)


def _chair(row: Sequence[object]) -> Chair:
    return Chair(
        meeting_id=int(str(row[0])),
        holder_id=str(row[1]),
        holder_name=str(row[2]),
        workstation=str(row[3]),
        seat=str(row[4]),
        taken_at=str(row[5]),
        renewed_at=str(row[6]),
        expires_at=str(row[7]),
    )


def _held(conn: Connection, meeting_id: int, now: datetime) -> Chair | None:
    """The chair's lease while it holds (not yet expired)."""
    row = conn.execute(_SELECT, (meeting_id,)).fetchone()
    if row is None:
        return None
    chair = _chair(row)
    return chair if chair.expires_at > _stamp(now) else None


def current_chair(store: Store, meeting_id: int, *, now: datetime | None = None) -> Chair | None:
    """Who chairs the MDB now; ``None`` when the chair is free (never taken, released, or its
    lease expired)."""
    return _held(store.conn, meeting_id, _now(now))


def check_chair(conn: Connection, meeting_id: int, seat: str | None, now: datetime) -> None:
    """Inside a write of the Bespreking: refuse (:class:`ChairHeld`) when another seat holds
    the chair. ``seat`` ``None``: a write from outside the Bespreking, not checked."""
    if seat is None:
        return
    held = _held(conn, meeting_id, now)
    if held is not None and held.seat != seat:
        raise ChairHeld(held)


def _open_or_error(conn: Connection, meeting_id: int) -> None:
    row = conn.execute("SELECT status FROM meetings WHERE meeting_id = ?", (meeting_id,)).fetchone()
    if row is None:
        raise MeetingError([f"MDB {meeting_id} bestaat niet"])
    if row[0] == "gesloten":
        raise MeetingError([f"MDB {meeting_id} is gesloten en kan niet meer worden gewijzigd"])


def _seat(
    conn: Connection, meeting_id: int, actor: Actor, seat: str, workstation: str, now: datetime
) -> None:
    """Give the chair to ``seat`` (keeping when it was taken if the seat held it already)."""
    stamp = _stamp(now)
    conn.execute(
        "INSERT INTO meeting_chairs (meeting_id, holder_id, workstation, seat, taken_at, "
        "renewed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (meeting_id) DO UPDATE SET holder_id = excluded.holder_id, "
        "workstation = excluded.workstation, "
        "taken_at = CASE WHEN meeting_chairs.seat = excluded.seat "
        "THEN meeting_chairs.taken_at ELSE excluded.taken_at END, "
        "seat = excluded.seat, renewed_at = excluded.renewed_at, "
        "expires_at = excluded.expires_at",
        (meeting_id, actor.user_id, workstation, seat, stamp, stamp, _stamp(now + LEASE)),
    )


def take_chair(
    store: Store,
    meeting_id: int,
    actor: Actor,
    seat: str,
    workstation: str,
    *,
    now: datetime | None = None,
) -> Chair:
    """Take the chair of an open MDB for ``seat``, or renew it when the seat holds it already;
    :class:`ChairHeld` when another seat holds it (nothing changes then)."""
    moment = _now(now)
    with store.atomic() as conn:
        _open_or_error(conn, meeting_id)
        check_chair(conn, meeting_id, seat, moment)
        _seat(conn, meeting_id, actor, seat, workstation, moment)
        chair = _held(conn, meeting_id, moment)
    assert chair is not None
    return chair


def release_chair(store: Store, meeting_id: int, seat: str) -> None:
    """Give the chair up (the window closes, or leaves the Bespreking); nothing happens when
    the seat no longer holds it."""
    with store.atomic() as conn:
        conn.execute(
            "DELETE FROM meeting_chairs WHERE meeting_id = ? AND seat = ?", (meeting_id, seat)
        )


def take_over(
    store: Store,
    meeting_id: int,
    actor: Actor,
    seat: str,
    workstation: str,
    *,
    now: datetime | None = None,
) -> Chair:
    """The regievoerder takes the chair over from whoever holds it, logged in the access log
    (a refusal too); :class:`MeetingError` when ``actor`` is not the regievoerder."""
    moment = _now(now)
    with store.atomic() as conn:
        _open_or_error(conn, meeting_id)
        row = conn.execute(
            "SELECT team_id, regievoerder_id FROM meetings WHERE meeting_id = ?", (meeting_id,)
        ).fetchone()
        problem = chair_takeover_problem(
            get_staff(store, actor.user_id), str(row[0]), str(row[1]) if row[1] else None
        )
        previous = _held(conn, meeting_id, moment)
        was = (
            f"van {previous.holder_name} ({previous.holder_id}) op {previous.workstation}"
            if previous is not None and previous.seat != seat
            else "(het voorzitterschap was vrij)"
        )
        entry = AuditEntry(
            event="change",
            purpose=TAKE_OVER_PURPOSE,
            details=f"MDB {meeting_id}: voorzitterschap overgenomen {was} naar {workstation}",
        )
        if problem is None:
            _seat(conn, meeting_id, actor, seat, workstation, moment)
            log(conn, actor, entry)
        else:
            refused = f"MDB {meeting_id}: voorzitterschap overnemen {was} geweigerd: {problem}"
            log(
                conn,
                actor,
                AuditEntry("change", TAKE_OVER_PURPOSE, outcome="geweigerd", details=refused),
            )
        chair = _held(conn, meeting_id, moment)
    if problem is not None:
        raise MeetingError([problem])
    assert chair is not None
    return chair
