"""No silent overwrites: every row a person edits in a form (a case, a delegation, a task and
its result, an MDB decision) has a version, raised by one on every change (db/0010). An edit
names the version it started from; a save against a newer version is refused with
:class:`StaleEdit`, whose Dutch message names who changed what and when.

The check runs inside the write's ``store.atomic()``: on the workstation store that holds the
write lock (``BEGIN IMMEDIATE``), on the office store the office's write lock, so no other
writer can change the row between the check and the write. An edit that names no version
(the command line, imports) acts on the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from mdbtriage.core.model import Actor
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import StoreError


@dataclass(frozen=True, slots=True)
class LastChange:
    """The newest change of a row: its version, by whom (name, or id when unknown), when (the
    stored UTC time) and what (Dutch, may be empty)."""

    version: int
    by: str
    at: str
    what: str = ""


class StaleEdit(StoreError):
    """A save against a row that changed since the form read it; nothing is written. The
    message (Dutch) names the thing, who changed it, when and what."""

    def __init__(self, thing: str, started_from: int, last: LastChange) -> None:
        self.thing = thing
        self.started_from = started_from
        self.last = last
        what = f" ({last.what})" if last.what else ""
        super().__init__(
            f"{thing} is intussen gewijzigd door {last.by or 'een collega'}"
            f"{when_text(last.at)}{what}. Uw wijziging is niet bewaard: laad opnieuw en breng "
            "haar opnieuw aan."
        )


def refused(
    conn: Connection,
    actor: Actor,
    check: Callable[[], None],
    *,
    purpose: str,
    case_ref: str,
    attempt: str,
) -> StaleEdit | None:
    """Run a version ``check`` inside the write's transaction; a refusal is logged in the
    access log (``geweigerd``, with the case and the message) and returned, so that the caller
    writes nothing, lets the transaction commit the record and raises it afterwards."""
    try:
        check()
    except StaleEdit as stale:
        row = conn.execute("SELECT client_id FROM cases WHERE case_ref = ?", (case_ref,)).fetchone()
        entry = AuditEntry(
            event="change",
            purpose=purpose,
            client_id=int(row[0]) if row else None,
            case_ref=case_ref,
            outcome="geweigerd",
            details=f"{attempt} geweigerd: {stale}",
        )
        log(conn, actor, entry)
        return stale
    return None


def when_text(stamp: str | None) -> str:
    """`` op 12-03-2026 om 14:02`` in local time for a stored UTC time; ``''`` when unknown."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return f" op {moment:%d-%m-%Y}"
    return f" op {moment.astimezone():%d-%m-%Y om %H:%M}"


def staff_name(conn: Connection, staff_id: str | None) -> str:
    """``Name (id)`` of a staff member, the id alone when unknown, ``''`` for none."""
    if not staff_id:
        return ""
    row = conn.execute("SELECT name FROM staff WHERE staff_id = ?", (staff_id,)).fetchone()
    return f"{row[0]} ({staff_id})" if row else staff_id


def case_version(conn: Connection, case_ref: str) -> int | None:
    """The case's current version; ``None`` when it does not exist."""
    row = conn.execute("SELECT version FROM cases WHERE case_ref = ?", (case_ref,)).fetchone()
    return int(row[0]) if row else None


def last_case_change(conn: Connection, case_ref: str) -> LastChange:
    """Who changed the case last, when, and what (the access log's record of that change)."""
    row = conn.execute(
        "SELECT version, updated_by, updated_at FROM cases WHERE case_ref = ?", (case_ref,)
    ).fetchone()
    version, by_id, at = int(row[0]), row[1], str(row[2])
    what = ""
    sql = (
        "SELECT purpose, details FROM audit_log WHERE case_ref = ? "
        "AND event IN ('create', 'change') AND outcome = 'gelukt' AND at >= ?"
    )
    params: list[object] = [case_ref, at]
    if by_id:
        sql += " AND user_id = ?"
        params.append(by_id)
    record = conn.execute(sql + " ORDER BY log_id LIMIT 1", params).fetchone()
    if record is not None:
        details = str(record[1])
        what = details if details and details != "geen wijzigingen" else str(record[0])
    return LastChange(version, staff_name(conn, by_id), at, what)


def check_case(conn: Connection, case_ref: str, started_from: int | None) -> None:
    """Refuse (:class:`StaleEdit`) when the case is newer than ``started_from``."""
    if started_from is None:
        return
    current = case_version(conn, case_ref)
    if current is not None and current != started_from:
        raise StaleEdit(f"Zaak {case_ref}", started_from, last_case_change(conn, case_ref))


_TASK_DONE = {
    "open": "weer open gezet",
    "done": "ingeleverd (gereed)",
    "te_accorderen": "ingeleverd, wacht op accordering",
    "geaccordeerd": "geaccordeerd",
    "afgewezen": "afgewezen",
}


def task_version(conn: Connection, task_id: int) -> int | None:
    row = conn.execute("SELECT version FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
    return int(row[0]) if row else None


def check_task(conn: Connection, task_id: int, started_from: int | None) -> None:
    """Refuse (:class:`StaleEdit`) when the task is newer than ``started_from``."""
    if started_from is None:
        return
    row = conn.execute(
        "SELECT version, updated_by, updated_at, status, task_code FROM tasks WHERE task_id = ?",
        (task_id,),
    ).fetchone()
    if row is None or int(row[0]) == started_from:
        return
    what = _TASK_DONE.get(str(row[3]), str(row[3]))
    last = LastChange(int(row[0]), staff_name(conn, row[1]), str(row[2]), what)
    raise StaleEdit(f"Taak {task_id} ({row[4]})", started_from, last)


def delegation_version(conn: Connection, delegation_id: int) -> int | None:
    row = conn.execute(
        "SELECT version FROM delegations WHERE delegation_id = ?", (delegation_id,)
    ).fetchone()
    return int(row[0]) if row else None


def check_delegation(conn: Connection, delegation_id: int, started_from: int | None) -> None:
    """Refuse (:class:`StaleEdit`) when the delegation is newer than ``started_from``."""
    if started_from is None:
        return
    row = conn.execute(
        "SELECT version, updated_by, updated_at, revoked_on FROM delegations "
        "WHERE delegation_id = ?",
        (delegation_id,),
    ).fetchone()
    if row is None or int(row[0]) == started_from:
        return
    what = f"ingetrokken per {row[3]}" if row[3] else ""
    last = LastChange(int(row[0]), staff_name(conn, row[1]), str(row[2] or ""), what)
    raise StaleEdit(f"Delegatie {delegation_id}", started_from, last)


def decision_version(conn: Connection, meeting_id: int, case_ref: str) -> int | None:
    """The version of the MDB decision on a case; ``None`` while there is none."""
    row = conn.execute(
        "SELECT version FROM meeting_decisions WHERE meeting_id = ? AND case_ref = ?",
        (meeting_id, case_ref),
    ).fetchone()
    return int(row[0]) if row else None


def check_decision(
    conn: Connection, meeting_id: int, case_ref: str, started_from: int | None
) -> None:
    """Refuse (:class:`StaleEdit`) when the decision changed since ``started_from`` (0: the
    form started without a decision, and one was saved meanwhile)."""
    if started_from is None:
        return
    row = conn.execute(
        "SELECT version, decided_by, updated_at FROM meeting_decisions "
        "WHERE meeting_id = ? AND case_ref = ?",
        (meeting_id, case_ref),
    ).fetchone()
    current = int(row[0]) if row else 0
    if current == started_from:
        return
    if row is None:
        last = LastChange(0, "", "", "verwijderd")
    else:
        last = LastChange(current, staff_name(conn, row[1]), str(row[2]), "")
    raise StaleEdit(f"Het MDB-besluit over {case_ref}", started_from, last)
