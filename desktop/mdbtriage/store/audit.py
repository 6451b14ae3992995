"""The NEN 7513 access log's writer: one record per access to a client's data, in the same
transaction as the access. Store actions call it; the command line and the desktop record through
those actions (or :func:`mdbtriage.store.access_log.record_access`) and read the log through
:mod:`mdbtriage.store.access_log`, whose names are also importable from here.

The table is append-only; triggers in the schema refuse UPDATE and DELETE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mdbtriage.core.model import Actor
from mdbtriage.store.access_log import EVENT_LABELS, AuditRecord, records
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import insert_rows, utc_now

__all__ = [
    "EVENTS",
    "EVENT_LABELS",
    "AuditEntry",
    "AuditRecord",
    "log",
    "log_many",
    "log_selected",
    "records",
]

EVENTS = ("create", "read", "change", "delete", "print", "export", "search", "emergency")


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


def log(conn: Connection, actor: Actor, entry: AuditEntry) -> None:
    """Append one record; call inside the transaction of the action it records."""
    log_many(conn, actor, (entry,))


def log_many(conn: Connection, actor: Actor, entries: Iterable[AuditEntry]) -> None:
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


def log_selected(conn: Connection, actor: Actor, purpose: str, select: str) -> None:
    """One successful-access record per row of ``select``, whose columns are ``seq, event,
    client_id, case_ref, details``, in ``seq`` order, all with ``purpose``: for a batch of
    thousands written in SQL, inside the transaction that wrote them."""
    conn.execute(
        f"WITH accesses (seq, event, client_id, case_ref, details) AS ({select}) "
        f"{_INSERT} SELECT ?, event, client_id, case_ref, ?, ?, ?, ?, 'gelukt', ?, details "
        "FROM accesses ORDER BY seq",
        (utc_now(), actor.user_id, actor.name, actor.role, actor.on_behalf_of, purpose),
    )
