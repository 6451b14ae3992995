"""The NEN 7513 access log as the programs read it, and the store actions that record an access.

Reading: the records filtered per case, client, employee and period (:func:`records`, for
``mdb-triage audit``), the Dutch labels of the events, and the hash chain's checks
(:func:`chain_head`, :func:`chain_break`, :func:`chain_anchor`; the chain itself is
:mod:`mdbtriage.store.audit_chain`). Writing: :func:`record_access` is one record in a transaction
of its own, for an access that changes nothing else (a listing read, searched or exported, a
refusal, a check of the store). The low-level writer that store actions call inside their own
transactions is :mod:`mdbtriage.store.audit`; the command line and the desktop do not import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from mdbtriage.core.model import Actor
from mdbtriage.store import audit_chain
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store

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
    conn: Connection,
    *,
    case_ref: str | None = None,
    client_id: int | None = None,
    user_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    event: str | None = None,
) -> list[AuditRecord]:
    """The log filtered per case, per client, per employee (as user or as the responsible
    ``on_behalf_of``), by period (``since``/``until`` as ISO timestamps, ``until`` exclusive) and
    by event (``emergency`` lists break-glass), oldest first."""
    where: list[str] = []
    params: list[object] = []
    if event:
        where.append("event = ?")
        params.append(event)
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


def store_records(
    store: Store,
    *,
    case_ref: str | None = None,
    client_id: int | None = None,
    user_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    event: str | None = None,
) -> list[AuditRecord]:
    """:func:`records` of the store's log."""
    return records(
        store.conn,
        case_ref=case_ref,
        client_id=client_id,
        user_id=user_id,
        since=since,
        until=until,
        event=event,
    )


def in_log(store: Store, user_id: str) -> bool:
    """Whether ``user_id`` appears in the log, as the user or as the one on whose behalf."""
    return any(
        store.conn.execute(
            f"SELECT 1 FROM audit_log WHERE {column} = ? LIMIT 1", (user_id,)
        ).fetchone()
        is not None
        for column in ("user_id", "on_behalf_of")
    )


def chain_head(store: Store) -> str | None:
    """The hash of the newest record (the chain's head), or None for an empty log."""
    return audit_chain.head(store.conn)


def chain_hashes(store: Store, log_ids: list[int]) -> dict[int, str]:
    """The chain's hash of each of these records (each one an anchor for the log up to it)."""
    if not log_ids:
        return {}
    rows = store.conn.execute(
        "SELECT log_id, hash FROM audit_chain WHERE log_id BETWEEN ? AND ?",
        (min(log_ids), max(log_ids)),
    )
    wanted = set(log_ids)
    return {int(r[0]): str(r[1]) for r in rows if int(r[0]) in wanted}


def chain_break(store: Store) -> audit_chain.ChainBreak | None:
    """The first record where the hash chain does not hold, or None when it holds."""
    return audit_chain.verify(store.conn)


def chain_anchor(store: Store, anchor: str) -> int | None:
    """The record whose hash is ``anchor`` (a head noted earlier), or None when the log no
    longer contains it."""
    return audit_chain.find_anchor(store.conn, anchor)


def record_access(
    store: Store,
    actor: Actor,
    event: str,
    purpose: str,
    details: str = "",
    *,
    client_id: int | None = None,
    case_ref: str | None = None,
    outcome: str = "gelukt",
) -> None:
    """Log one access that changes nothing else, in a transaction of its own: a listing read,
    searched or exported (``event`` ``read``, ``search``, ``export``), a refusal (``outcome``
    ``geweigerd``, with the case and client it was about) or a check of the store."""
    from mdbtriage.store.audit import AuditEntry, log

    entry = AuditEntry(
        event=event,
        purpose=purpose,
        client_id=client_id,
        case_ref=case_ref,
        outcome=outcome,
        details=details,
    )
    with store.atomic() as conn:
        log(conn, actor, entry)
