"""Small questions the programs ask the store before they act: whether a team, case or client
exists, which team someone or something belongs to. Each is one read; none is logged (they read
no client data beyond an identifier the caller already has)."""

from __future__ import annotations

from mdbtriage.store.database import Store


def team_ids(store: Store) -> list[str]:
    """Every team's identifier, in order."""
    return [str(r[0]) for r in store.conn.execute("SELECT team_id FROM teams ORDER BY team_id")]


def team_exists(store: Store, team: str) -> bool:
    row = store.conn.execute("SELECT 1 FROM teams WHERE team_id = ?", (team,))
    return row.fetchone() is not None


def team_of(store: Store, staff_id: str) -> str | None:
    """The team of an employee, or None for someone not on the staff list."""
    row = store.conn.execute("SELECT team_id FROM staff WHERE staff_id = ?", (staff_id,)).fetchone()
    return str(row[0]) if row else None


def case_team(store: Store, case_ref: str) -> str | None:
    """The team of a case, or None when the case does not exist."""
    row = store.conn.execute("SELECT team_id FROM cases WHERE case_ref = ?", (case_ref,)).fetchone()
    return str(row[0]) if row else None


def case_exists(store: Store, case_ref: str) -> bool:
    row = store.conn.execute("SELECT 1 FROM cases WHERE case_ref = ? LIMIT 1", (case_ref,))
    return row.fetchone() is not None


def client_id_by_bsn(store: Store, bsn: str) -> int | None:
    """The client with this (checked) BSN, or None when there is none."""
    row = store.conn.execute("SELECT client_id FROM clients WHERE bsn = ?", (bsn,)).fetchone()
    return int(row[0]) if row else None
