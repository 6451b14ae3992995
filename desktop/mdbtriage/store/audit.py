"""The NEN 7513 access log: one record per access to a client's data, in the same transaction.

The table is append-only; triggers in the schema refuse UPDATE and DELETE.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from mdbtriage.core.model import Actor
from mdbtriage.store.database import insert_rows, utc_now

EVENTS = ("create", "read", "change", "delete", "print", "export", "search", "emergency")
EVENT_LABELS = {
    "create": "aanmaken",
    "read": "inzien",
    "change": "wijzigen",
    "delete": "verwijderen",
    "print": "afdrukken",
    "export": "exporteren",
    "search": "zoeken",
    "emergency": "noodtoegang",
    "signin": "aanmelden",
    "signout": "afmelden",
}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    event: str
    purpose: str
    client_id: int | None = None
    case_ref: str | None = None
    outcome: str = "gelukt"
    details: str = ""


_INSERT = (
    "INSERT INTO audit_log (at, event, client_id, case_ref, user_id, user_name, role, "
    "on_behalf_of, outcome, purpose, details)"
)


def log(conn: sqlite3.Connection, actor: Actor, entry: AuditEntry) -> None:
    """Append one record; call inside the transaction of the action it records."""
    log_many(conn, actor, (entry,))


def log_many(conn: sqlite3.Connection, actor: Actor, entries: Iterable[AuditEntry]) -> None:
    """Append one record per entry, in order; call inside the transaction of the actions."""
    at = utc_now()
    who = (actor.user_id, actor.name, actor.role, actor.on_behalf_of)
    insert_rows(
        conn,
        _INSERT,
        11,
        [
            (at, e.event, e.client_id, e.case_ref, *who, e.outcome, e.purpose, e.details)
            for e in entries
        ],
    )


def log_selected(conn: sqlite3.Connection, actor: Actor, purpose: str, select: str) -> None:
    """One successful-access record per row of ``select``, whose columns are ``seq, event,
    client_id, case_ref, details``, in ``seq`` order, all with ``purpose``: for a batch of
    thousands written in SQL, inside the transaction that wrote them."""
    conn.execute(
        f"WITH accesses (seq, event, client_id, case_ref, details) AS ({select}) "
        f"{_INSERT} SELECT ?, event, client_id, case_ref, ?, ?, ?, ?, 'gelukt', ?, details "
        "FROM accesses ORDER BY seq",
        (utc_now(), actor.user_id, actor.name, actor.role, actor.on_behalf_of, purpose),
    )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One stored record of the access log."""

    log_id: int
    at: str
    event: str
    client_id: int | None
    case_ref: str | None
    user_id: str
    user_name: str
    role: str
    on_behalf_of: str | None
    outcome: str
    purpose: str
    details: str


def records(
    conn: sqlite3.Connection,
    *,
    case_ref: str | None = None,
    client_id: int | None = None,
    user_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[AuditRecord]:
    """The log filtered per case, per client, per employee (as user or as the responsible
    ``on_behalf_of``) and by period (``since``/``until`` as ISO timestamps, ``until`` exclusive),
    oldest first."""
    where: list[str] = []
    params: list[object] = []
    if case_ref:
        where.append("case_ref = ?")
        params.append(case_ref)
    if client_id is not None:
        where.append("client_id = ?")
        params.append(client_id)
    if user_id:
        where.append("(user_id = ? OR on_behalf_of = ?)")
        params.extend((user_id, user_id))
    if since:
        where.append("at >= ?")
        params.append(since)
    if until:
        where.append("at < ?")
        params.append(until)
    sql = (
        "SELECT log_id, at, event, client_id, case_ref, user_id, user_name, role, on_behalf_of, "
        "outcome, purpose, details FROM audit_log"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [AuditRecord(*row) for row in conn.execute(sql + " ORDER BY log_id", params)]
