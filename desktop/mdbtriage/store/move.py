"""``move-to-server``: a workstation store moves into the office store (README, "Office store").

Everything the workstation store holds is copied in one transaction of the office store, table
by table in the order of their references, access log included: into an empty office store with
the same numbers (tasks, delegations and MDBs keep the numbers people know them by), with
``--merge`` next to what the office store holds already (staff, teams and cases by their keys;
tasks, delegations, MDBs and log records appended under new numbers, their references
renumbered with them). A case both stores hold with different contents is listed and refused,
unless ``prefer_newer``: then the one changed last is kept. Afterwards the rows are counted per
table on both sides; a difference undoes the whole move.

The carried log records keep their content (who, when, what, on behalf of whom) and their
order; the office store's hash chain goes on over them, and the move adds one record on the
office store naming the range carried and the workstation store's chain head, and one in the
workstation store naming the office store: the workstation store's chain over the carried
records can be recomputed from the office store and compared with that head
(:func:`carried_chain_holds`). Password hashes stay behind: on the office store everyone signs in
with a database login (``account-create``).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mdbtriage.core.model import Actor
from mdbtriage.store import audit_chain
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.database import Store, StoreError

# What is not carried: the schema's own bookkeeping, the store's identity, the hash chain (the
# office store's trigger extends its own), and the workstation accounts' password hashes.
# The MDB chairs' leases are a moment's, not data.
SKIPPED = frozenset(
    {
        "schema_migrations",
        "store_identity",
        "audit_chain",
        "accounts",
        "sqlite_sequence",
        "meeting_chairs",
    }
)
# Tables whose rows are matched by their natural key when merging (inserted when missing).
BY_KEY = {
    "teams": ("team_id",),
    "staff": ("staff_id",),
    "clients": ("bsn",),
    "cases": ("case_ref",),
    "central_decisions": ("central_ref",),
    "team_rulesets": ("team_id", "valid_from"),
    "team_capacity": ("team_id",),
    "team_norms": ("team_id", "service", "task"),
    "herbeoordeling_requests": ("case_ref",),
    "case_documents": ("case_ref", "document"),
    "settings": ("key",),
}
# Values that may differ between two stores holding "the same" case without it being a
# different case (the moment it was written).
_CASE_IGNORED = frozenset({"created_at", "updated_at", "client_id", "version"})


class MoveError(StoreError):
    """A move refused or failed; nothing was written (Dutch)."""


@dataclass
class MoveReport:
    """What a move did, for the message to IT."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table: (source, carried)
    merged: dict[str, int] = field(default_factory=dict)  # table: rows already there
    log_range: tuple[int, int] | None = None  # office log ids of the carried records
    source_range: tuple[int, int] | None = None  # their ids in the workstation store
    source_head: str | None = None
    conflicts: list[str] = field(default_factory=list)


def _tables(source: Store) -> list[str]:
    """The source's tables in the order of their references (referenced tables first)."""
    names = [
        str(r[0])
        for r in source.sqlite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    wanted = [n for n in names if n not in SKIPPED]
    deps = {n: _references(source, n) for n in wanted}
    ordered: list[str] = []
    while len(ordered) < len(wanted):
        ready = [n for n in wanted if n not in ordered and deps[n] <= set(ordered) | {n}]
        if not ready:  # a cycle: take the rest as they are (none exists in the schema)
            ready = [n for n in wanted if n not in ordered]
        ordered.extend(sorted(ready))
    # The access log last: the move's own records follow what it carried.
    ordered.remove("audit_log")
    return [*ordered, "audit_log"]


def _references(source: Store, table: str) -> set[str]:
    return {ref_table for _, ref_table, _ in _foreign_keys(source, table)}


def _foreign_keys(source: Store, table: str) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column) of ``table``."""
    rows = source.sqlite.execute(f"PRAGMA foreign_key_list([{table}])").fetchall()
    return [(str(r[3]), str(r[2]), str(r[4])) for r in rows]


def _columns(source: Store, table: str) -> list[str]:
    return [str(r[1]) for r in source.sqlite.execute(f"PRAGMA table_info([{table}])")]


def _identity(source: Store, table: str) -> str | None:
    """The table's single integer key (renumbered when merging), or None."""
    info = source.sqlite.execute(f"PRAGMA table_info([{table}])").fetchall()
    keys = [r for r in info if r[5]]
    if len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER":
        return str(keys[0][1])
    return None


def _target_columns(target: Store, table: str) -> set[str]:
    rows = target.conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?",
        (table,),
    )
    return {str(r[0]) for r in rows}


def move_to_server(
    source: Store,
    target: Store,
    actor: Actor,
    *,
    merge: bool = False,
    prefer_newer: bool = False,
    progress: Callable[[str], None] | None = None,
) -> MoveReport:
    """Copy ``source`` (a workstation store) into ``target`` (the office store, opened by its
    owner); see the module's text. Raises :class:`MoveError` (nothing written)."""
    if source.is_office or not target.is_office:
        raise MoveError("verhuizen gaat van een werkplekopslag (bestand) naar de kantooropslag")
    report = MoveReport(source_head=audit_chain.head(source.conn))
    if not merge:
        held = [
            t
            for t in ("cases", "staff", "tasks", "meetings")
            if target.has_table(t) and target.count(t)
        ]
        if held:
            raise MoveError(
                f"de kantooropslag is niet leeg (ze bevat al {', '.join(held)}); verhuis in een "
                "lege kantooropslag, of voeg samen met --merge"
            )
    tables = _tables(source)
    missing = [t for t in tables if not target.has_table(t)]
    if missing:
        raise MoveError(
            f"de kantooropslag mist tabellen ({', '.join(missing)}): werk haar eerst bij met "
            "server-init, en deze werkplek met de nieuwste MDB Triage"
        )
    with target.atomic() as conn:
        renumbered: dict[str, dict[Any, Any]] = {}
        # Columns that carry a renumbered table's numbers: (table, column) → that table.
        carries: dict[tuple[str, str], str] = {}
        reopen: list[tuple[Any, ...]] = []
        for table in tables:
            if progress:
                progress(table)
            _copy_table(source, target, conn, table, renumbered, carries, reopen, report, merge)
        if report.conflicts and not prefer_newer:
            raise MoveError(
                f"{len(report.conflicts)} zaken staan in beide opslagen met een andere inhoud: "
                + "; ".join(report.conflicts[:10])
                + ("; …" if len(report.conflicts) > 10 else "")
                + ". Er is niets verhuisd. Kies met --prefer newer de laatst gewijzigde."
            )
        for meeting_id, status, closed_at, closed_by in reopen:
            conn.execute(
                "UPDATE meetings SET status = ?, closed_at = ?, closed_by = ? WHERE meeting_id = ?",
                (status, closed_at, closed_by, meeting_id),
            )
        if not merge:
            _reset_sequences(target, tables)
        _check_counts(source, target, report, merge)
        first_last = report.log_range
        log(
            conn,
            actor,
            AuditEntry(
                event="create",
                purpose="werkplekopslag verhuisd naar de kantooropslag",
                details=(
                    f"bron {source.path} (opslag {source.store_id or 'zonder identiteit'}); "
                    + (
                        f"logregels {report.source_range[0]}–{report.source_range[1]} van de "
                        f"bron overgenomen als {first_last[0]}–{first_last[1]}; "
                        if first_last and report.source_range
                        else "geen logregels; "
                    )
                    + f"ketenkop van de bron {report.source_head or 'leeg'}; "
                    + ", ".join(f"{t} {c[1]}" for t, c in report.counts.items() if c[0])
                ),
            ),
        )
    with source.atomic() as conn:
        log(
            conn,
            actor,
            AuditEntry(
                event="export",
                purpose="werkplekopslag verhuisd naar de kantooropslag",
                details=f"naar {target.path}; ketenkop op het moment van verhuizen "
                f"{report.source_head or 'leeg'}",
            ),
        )
    return report


def _copy_table(
    source: Store,
    target: Store,
    conn: Any,
    table: str,
    renumbered: dict[str, dict[Any, Any]],
    carries: dict[tuple[str, str], str],
    reopen: list[tuple[Any, ...]],
    report: MoveReport,
    merge: bool,
) -> None:
    wanted = set(_target_columns(target, table))
    columns = [c for c in _columns(source, table) if c in wanted]
    identity = _identity(source, table)
    keep_ids = not merge or (identity is not None and not target.count(table))
    # A column carries a renumbered table's numbers directly (tasks.delegation_id) or through
    # another table's key (meeting_decisions.meeting_id → meeting_agenda → meetings).
    fks = []
    for column, ref_table, ref_column in _foreign_keys(source, table):
        numbering = carries.get((ref_table, ref_column))
        if numbering is not None:
            fks.append((column, numbering))
            carries[(table, column)] = numbering
    key = BY_KEY.get(table)
    rows = source.sqlite.execute(
        f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}]"
        + (f" ORDER BY [{identity}]" if identity else "")
    ).fetchall()
    carried = 0
    mapping: dict[Any, Any] = {}
    for raw in rows:
        values = dict(zip(columns, raw, strict=True))
        for column, numbering in fks:
            old = values.get(column)
            if old is not None:
                values[column] = renumbered[numbering].get(old, old)
        if table == "meetings" and values.get("status") == "gesloten":
            # Its parts are written while it is open; it is closed again afterwards.
            reopen.append(
                (values["meeting_id"], "gesloten", values.get("closed_at"), values.get("closed_by"))
            )
            values.update(status="voorbereiding", closed_at=None, closed_by=None)
        if merge and key is not None:
            existing = _existing(conn, table, key, values)
            if existing is not None:
                report.merged[table] = report.merged.get(table, 0) + 1
                if identity is not None:
                    mapping[values[identity]] = existing[identity]
                if table == "cases":
                    _compare_case(conn, values, existing, report)
                continue
        # Log records get the office store's next numbers (its own set-up record came first).
        names = [c for c in columns if (keep_ids and table != "audit_log") or c != identity]
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})" + (
            f" RETURNING {identity}" if identity else ""
        )
        cursor = conn.execute(sql, tuple(values[c] for c in names))
        if identity is not None:
            new_id = cursor.fetchone()[0]
            mapping[values[identity]] = new_id
            if table == "meetings" and reopen and reopen[-1][0] == values["meeting_id"]:
                reopen[-1] = (new_id, *reopen[-1][1:])
            if table == "audit_log":
                first = report.log_range[0] if report.log_range else new_id
                report.log_range = (first, new_id)
                was = values["log_id"]
                start = report.source_range[0] if report.source_range else was
                report.source_range = (start, was)
        carried += 1
    if identity is not None:
        renumbered[table] = mapping
        carries[(table, identity)] = table
    report.counts[table] = (len(rows), carried)


def _existing(
    conn: Any, table: str, key: Sequence[str], values: dict[str, Any]
) -> dict[str, Any] | None:
    where = " AND ".join(f"{k} = ?" for k in key)
    cursor = conn.execute(f"SELECT * FROM {table} WHERE {where}", tuple(values[k] for k in key))
    row = cursor.fetchone()
    if row is None:
        return None
    names = [d.name for d in cursor.description]
    return dict(zip(names, row, strict=True))


def _compare_case(
    conn: Any, mine: dict[str, Any], theirs: dict[str, Any], report: MoveReport
) -> None:
    different = sorted(
        c for c in mine if c not in _CASE_IGNORED and c in theirs and mine[c] != theirs[c]
    )
    if not different:
        return
    report.conflicts.append(f"{mine['case_ref']} ({', '.join(different)})")
    if str(mine.get("updated_at") or "") > str(theirs.get("updated_at") or ""):
        assignments = ", ".join(f"{c} = ?" for c in different)
        conn.execute(
            f"UPDATE cases SET {assignments}, updated_at = ? WHERE case_ref = ?",
            (*(mine[c] for c in different), mine.get("updated_at"), mine["case_ref"]),
        )


def _reset_sequences(target: Store, tables: list[str]) -> None:
    """After rows were written with their own numbers, new rows continue after the highest."""
    rows = target.conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ).fetchall()
    for table, column in rows:
        if table in tables:
            target.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
            )


def _check_counts(source: Store, target: Store, report: MoveReport, merge: bool) -> None:
    """Every row of the source is in the office store: carried, or (merging) already there."""
    wrong = [
        f"{table}: {rows} in de werkplekopslag, {carried + report.merged.get(table, 0)} verhuisd"
        for table, (rows, carried) in report.counts.items()
        if rows != carried + report.merged.get(table, 0)
    ]
    if not merge:
        for table, (rows, _) in report.counts.items():
            there = target.count(table) - (
                target_setup_records(target) if table == "audit_log" else 0
            )
            if there != rows:
                wrong.append(f"{table}: {rows} in de werkplekopslag, {there} in de kantooropslag")
    if wrong:
        raise MoveError("de tellingen kloppen niet: " + "; ".join(wrong) + "; er is niets verhuisd")


def target_setup_records(target: Store) -> int:
    """The office store's own records before a move into it (server-init's set-up)."""
    row = target.conn.execute(
        "SELECT count(*) FROM audit_log WHERE role = 'eigenaar' "
        "AND purpose NOT LIKE 'werkplekopslag verhuisd%'"
    ).fetchone()
    return int(row[0])


def carried_chain_holds(
    target: Store, first: int, last: int, source_first: int, head: str | None
) -> bool:
    """Whether the records carried into the office store (log ids ``first``–``last``, in the
    workstation store from ``source_first`` on) still give the workstation store's chain head
    that the move recorded: its chain, recomputed over their content with their old numbers."""
    columns = ", ".join(audit_chain.FIELDS)
    offset = first - source_first
    previous: str | None = None
    for row in target.conn.execute(
        f"SELECT {columns} FROM audit_log WHERE log_id BETWEEN ? AND ? ORDER BY log_id",
        (first, last),
    ):
        previous = audit_chain.chain_hash(previous, int(row[0]) - offset, *row[1:])
    return previous == head


def default_actor(login: str) -> Actor:
    return Actor.database_owner(login or getpass.getuser())
