"""The register of central decisions on schrijnende situations (``core.central``): recorded by a
team lead from the central team's letter or imported from the central desk's CSV, each with its
access-log record, in one transaction. The werkvoorraad reads a case's decision through
:func:`outcome_sql`, which says in SQL what ``core.central.covers`` says in Python.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from mdbtriage.core.central import BSN_SCOPE, CentralDecision, case_conflict
from mdbtriage.core.csvimport import ParsedRow, RowError
from mdbtriage.core.model import Actor
from mdbtriage.store.audit import AuditEntry, log_many
from mdbtriage.store.database import Store, utc_now


def _covers_sql(case: str, bsn: str) -> str:
    """SQL for "decision ``d`` covers case ``case``" (``core.central.covers``); ``bsn`` is an
    SQL expression for the case's client's BSN."""
    scope = ", ".join(f"'{s}'" for s in sorted(BSN_SCOPE))
    return (
        f"(d.bsn IS NULL OR d.bsn = {bsn}) AND (d.case_ref = {case}.case_ref OR "
        f"(d.case_ref IS NULL AND {case}.service IN ({scope}) "
        f"AND {case}.received_on <= d.decided_on))"
    )


def outcome_sql(case: str = "c", bsn: str | None = None) -> str:
    """The outcome of the central decision a case (table alias ``case``) refers to with its
    ``schrijnend_ref``, when that decision covers the case; NULL otherwise. ``bsn`` is an SQL
    expression for the client's BSN (default: looked up by the case's client)."""
    bsn = bsn or f"(SELECT k2.bsn FROM clients k2 WHERE k2.client_id = {case}.client_id)"
    return (
        f"CASE WHEN {case}.schrijnend = 1 THEN (SELECT d.outcome FROM central_decisions d "
        f"WHERE d.central_ref = {case}.schrijnend_ref AND {_covers_sql(case, bsn)}) END"
    )


class DecisionConflict(ValueError):
    """A decision that contradicts the store (``core.central.case_conflict``); Dutch message."""


def decision_conflicts(
    store: Store, decisions: Sequence[CentralDecision]
) -> dict[str, tuple[str, str]]:
    """Per ``central_ref`` what the decision gets wrong against the store, as (field, reason):
    a case of another client than the BSN it names (``core.central.case_conflict``)."""
    refs = [d.case_ref for d in decisions if d.case_ref is not None and d.bsn is not None]
    if not refs:
        return {}
    bsns = {
        str(r[0]): str(r[1])
        for r in store.conn.execute(
            "SELECT c.case_ref, k.bsn FROM cases c JOIN clients k ON k.client_id = c.client_id "
            "WHERE c.case_ref IN (SELECT value FROM json_each(?))",
            (json.dumps(refs),),
        )
    }
    found: dict[str, tuple[str, str]] = {}
    for d in decisions:
        conflict = case_conflict(d, bsns.get(d.case_ref or ""))
        if conflict is not None:
            found[d.central_ref] = conflict
    return found


def check_against_store(store: Store, rows: Sequence[ParsedRow[CentralDecision]]) -> None:
    """Add the problems only the store can reveal (:func:`decision_conflicts`) to the rows of a
    parsed central file, so they are reported (line, column, value) like any other problem."""
    valid = [row.record for row in rows if row.record is not None and not row.errors]
    conflicts = decision_conflicts(store, valid)
    if not conflicts:
        return
    for row in rows:
        if row.record is not None and row.record.central_ref in conflicts:
            name, reason = conflicts[row.record.central_ref]
            row.errors.append(RowError(row.line, name, row.raw.get(name, ""), reason))
            row.record = None


def record_decisions(
    store: Store, decisions: Sequence[CentralDecision], actor: Actor, purpose: str
) -> tuple[int, int]:
    """Insert or update decisions by ``central_ref``, with one access-log record each (``create``
    or ``change``, on the client or case it names), in one transaction; how many were new and
    how many updated. A decision that contradicts the store (:func:`decision_conflicts`) is
    refused with :class:`DecisionConflict` and nothing is written."""
    now = utc_now()
    with store.atomic() as conn:
        conflicts = decision_conflicts(store, decisions)
        if conflicts:
            raise DecisionConflict(
                "; ".join(f"beslissing {ref}: {why}" for ref, (_, why) in conflicts.items())
            )
        refs = [d.central_ref for d in decisions]
        existing = {
            str(r[0])
            for r in conn.execute(
                "SELECT central_ref FROM central_decisions "
                "WHERE central_ref IN (SELECT value FROM json_each(?))",
                (json.dumps(refs),),
            )
        }
        conn.executemany(
            "INSERT INTO central_decisions (central_ref, case_ref, bsn, decided_on, outcome, "
            "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (central_ref) DO UPDATE SET case_ref = excluded.case_ref, "
            "bsn = excluded.bsn, decided_on = excluded.decided_on, outcome = excluded.outcome, "
            "recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            [
                (
                    d.central_ref,
                    d.case_ref,
                    d.bsn,
                    d.decided_on.isoformat(),
                    d.outcome,
                    actor.user_id,
                    now,
                )
                for d in decisions
            ],
        )
        entries: list[AuditEntry] = []
        for d in decisions:
            client_id = _client_of(store, d)
            entries.append(
                AuditEntry(
                    event="change" if d.central_ref in existing else "create",
                    purpose=purpose,
                    client_id=client_id,
                    case_ref=d.case_ref,
                    details=d.describe(),
                )
            )
        log_many(conn, actor, entries)
    return len(decisions) - len(existing), len(existing)


def _client_of(store: Store, decision: CentralDecision) -> int | None:
    if decision.bsn is not None:
        row = store.conn.execute(
            "SELECT client_id FROM clients WHERE bsn = ?", (decision.bsn,)
        ).fetchone()
    else:
        row = store.conn.execute(
            "SELECT client_id FROM cases WHERE case_ref = ?", (decision.case_ref,)
        ).fetchone()
    return int(row[0]) if row else None


def _decision(row: Sequence[object]) -> CentralDecision:
    return CentralDecision(
        central_ref=str(row[0]),
        case_ref=str(row[1]) if row[1] is not None else None,
        bsn=str(row[2]) if row[2] is not None else None,
        decided_on=date.fromisoformat(str(row[3])),
        outcome=str(row[4]),
    )


_SELECT = (
    "SELECT d.central_ref, d.case_ref, d.bsn, d.decided_on, d.outcome FROM central_decisions d"
)


def list_decisions(store: Store) -> list[CentralDecision]:
    """Every recorded decision, newest first."""
    rows = store.conn.execute(f"{_SELECT} ORDER BY d.decided_on DESC, d.central_ref")
    return [_decision(r) for r in rows]


def decision_for_case(store: Store, case_ref: str) -> CentralDecision | None:
    """The decision a case's ``schrijnend_ref`` refers to when it covers the case, else None."""
    row = store.conn.execute(
        f"{_SELECT} JOIN cases c ON c.case_ref = ? JOIN clients k ON k.client_id = c.client_id "
        f"WHERE c.schrijnend = 1 AND d.central_ref = c.schrijnend_ref "
        f"AND {_covers_sql('c', 'k.bsn')}",
        (case_ref,),
    ).fetchone()
    return _decision(row) if row else None


def decision_by_ref(store: Store, central_ref: str) -> CentralDecision | None:
    row = store.conn.execute(f"{_SELECT} WHERE d.central_ref = ?", (central_ref,)).fetchone()
    return _decision(row) if row else None


def unknown_cases(
    store: Store, decisions: Sequence[CentralDecision]
) -> list[tuple[CentralDecision, str]]:
    """The decisions that name a case the store does not hold, with that reference."""
    refs = [d.case_ref for d in decisions if d.case_ref is not None]
    known = {
        str(r[0])
        for r in store.conn.execute(
            "SELECT case_ref FROM cases WHERE case_ref IN (SELECT value FROM json_each(?))",
            (json.dumps(refs),),
        )
    }
    return [
        (d, d.case_ref) for d in decisions if d.case_ref is not None and d.case_ref not in known
    ]
