"""The werkvoorraad as the desktop shows it: the triage queue computed once into compact rows.

Each row keeps what the table, its filters and its search need (codes, numbers, a lower-cased
search key), so that filtering and sorting a quarter of a million rows is a plain Python loop.
The next open task per case is read from the task table when the taakdelegatie schema is there.

The cases are read in the policy's order, which the database computes from the class ranks of
``core.triage.class_ranks`` (the sort runs inside SQLite, without holding the interpreter lock);
the first screenful is read the same way with a limit and shown before the whole queue is in.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mdbtriage.core.csvsafe import safe_row
from mdbtriage.core.fast import bulk, long_lived
from mdbtriage.core.model import Actor
from mdbtriage.core.policy import Policy
from mdbtriage.core.triage import (
    CENTRAL_GRANTED,
    Placement,
    build_queue,
    class_ranks,
)
from mdbtriage.core.validation import mask_bsn
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.central import outcome_sql
from mdbtriage.store.connection import Connection, is_office
from mdbtriage.store.database import Store
from mdbtriage.store.outputs import atomic_output, check_output
from mdbtriage.store.records import CASE_ROW_COLUMNS, CaseRow, case_rows

PREVIEW_ROWS = 200  # the first screenful (and then some) shown before the whole queue is in


@dataclass(slots=True)
class QueueEntry:
    """One row of the werkvoorraad: the placement and the few facts the view shows."""

    placement: Placement
    case_ref: str
    client_name: str
    bsn_masked: str
    team: str
    status: str
    client_id: int
    next_task: str
    search_key: str

    @property
    def position(self) -> int:
        return self.placement.position

    @property
    def klasse(self) -> str:
        return self.placement.klasse

    @property
    def service(self) -> str:
        return self.placement.facts.service

    @property
    def received_on(self) -> date:
        return self.placement.facts.received_on

    @property
    def route(self) -> str:
        return self.placement.route.code

    @property
    def lead_role(self) -> str:
        return self.placement.route.lead_role


def _table_columns(conn: Connection, table: str) -> set[str]:
    if is_office(conn):
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        )
        return {str(r[0]) for r in rows}
    return {str(r[1]) for r in conn.execute(f"PRAGMA table_info([{table}])")}


def next_tasks(store: Store, case_refs: Sequence[str] | None = None) -> dict[str, str]:
    """The first open task per case (by due date), as ``"TAAK → naam medewerker (dd-mm)"``;
    of every case, or of ``case_refs`` only.

    Empty while the task schema does not exist; tolerant of its exact column names.
    """
    conn = store.conn
    columns = _table_columns(conn, "tasks")
    if not {"case_ref", "status"} <= columns:
        return {}
    task_col = next((c for c in ("task_code", "task", "code") if c in columns), None)
    who_col = next(
        (c for c in ("assignee_id", "assignee", "assigned_to", "staff_id") if c in columns), None
    )
    due_col = next((c for c in ("due_on", "due", "due_date") if c in columns), None)
    if task_col is None:
        return {}
    # The person by name where the staff table knows them (ids are long and say little).
    who = f"coalesce(s.name, t.{who_col})" if who_col else "NULL"
    due = f"t.{due_col}" if due_col else "NULL"
    select = f"SELECT t.case_ref, t.{task_col}, {who}, {due} FROM tasks t"
    if who_col:
        select += f" LEFT JOIN staff s ON s.staff_id = t.{who_col}"
    select += " WHERE t.status NOT IN ('done', 'afgerond', 'geaccordeerd', 'ingetrokken')"
    order = f" ORDER BY t.case_ref, {due} IS NULL, {due}" if due_col else " ORDER BY t.case_ref"
    rows: Iterable[tuple[Any, ...]]
    if case_refs is None:
        rows = conn.execute(select + order)
    else:
        wanted = sorted(set(case_refs))
        some: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), 500):  # within SQLite's limit on parameters
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            some.extend(conn.execute(f"{select} AND t.case_ref IN ({marks}){order}", chunk))
        rows = some
    found: dict[str, str] = {}
    for case_ref, task, who, due in rows:
        if case_ref in found:
            continue
        text = str(task)
        if who:
            text += f" → {who}"
        if due:
            text += f" ({str(due)[8:10]}-{str(due)[5:7]})"
        found[case_ref] = text
    return found


def class_rank_sql(policy: Policy, alias: str = "c") -> str:
    """The class rank of a case (table alias ``alias``) as an SQL expression, made from
    ``core.triage.class_ranks``: ordered by it, then by ``received_on`` (ISO text), the natural
    key of ``case_ref`` (:data:`REF_ORDER`) and ``case_ref``, cases come in the order of
    ``core.triage.sort_key``. A schrijnend case ranks in its schrijnend class only with a
    ``toegekend`` central decision (``store.central.outcome_sql``)."""
    ranks = class_ranks(policy)

    def by_service(mapping: dict[str, int]) -> str:
        whens = " ".join(
            f"WHEN '{service.replace(chr(39), chr(39) * 2)}' THEN {rank}"
            for service, rank in sorted(mapping.items())
        )
        return f"CASE {alias}.service {whens} END"

    plain = by_service(ranks.plain)
    if not ranks.schrijnend:
        return plain
    specials = ", ".join(f"'{s.replace(chr(39), chr(39) * 2)}'" for s in sorted(ranks.schrijnend))
    return (
        f"CASE WHEN {alias}.schrijnend = 1 AND {alias}.service IN ({specials}) "
        f"AND {outcome_sql(alias)} = '{CENTRAL_GRANTED}' "
        f"THEN {by_service(ranks.schrijnend)} ELSE {plain} END"
    )


# Ties within a class and receipt date: the natural order of the reference (computed for a row
# written without its key), then the reference itself.
REF_ORDER = "coalesce(c.ref_key, mdb_natural_key(c.case_ref)), c.case_ref"
# On the office store every case is written with its key (by the program, or carried over by
# move-to-server), and text sorts by code point (COLLATE "C"), as SQLite's BINARY does.
REF_ORDER_OFFICE = 'c.ref_key COLLATE "C", c.case_ref COLLATE "C"'


def queue_cases(
    store: Store,
    policy: Policy,
    team: str | None = None,
    limit: int | None = None,
    on: date | None = None,
) -> list[CaseRow]:
    """The cases that are not afgerond (of one team, or all; received on or before ``on`` when
    given), in the werkvoorraad's order on ``policy``: all of them, or the first ``limit``.

    The same rows as ``records.open_cases``, ordered by the database (which sorts without
    holding Python's interpreter lock, so the GUI thread stays free meanwhile). The first few
    hundred of a quarter of a million take some 60 ms: a bounded sort over one table, with the
    clients joined for those rows only.
    """
    refs = REF_ORDER_OFFICE if store.is_office else REF_ORDER
    order = f"{class_rank_sql(policy)}, c.received_on, {refs}"
    where = "c.status != 'afgerond'"
    params: list[object] = []
    if on is not None:
        where += " AND c.received_on <= ?"
        params.append(on.isoformat())
    if team:
        where += " AND c.team_id = ?"
        params.append(team)
    if limit is None:
        sql = (
            f"SELECT {CASE_ROW_COLUMNS} FROM cases c JOIN clients k ON k.client_id = c.client_id "
            f"WHERE {where} ORDER BY {order}"
        )
    else:
        sql = (
            f"SELECT {CASE_ROW_COLUMNS} FROM cases c JOIN clients k ON k.client_id = c.client_id "
            f"WHERE c.case_ref IN (SELECT c.case_ref FROM cases c WHERE {where} "
            f"ORDER BY {order} LIMIT ?) ORDER BY {order}"
        )
        params.append(max(0, limit))
    return case_rows(store.conn.execute(sql, params))


Progress = Callable[[int, str], None]
PROGRESS_STEP = 25_000  # rows between two progress reports while building


def _silent(_percent: int, _text: str) -> None:
    return None


def entries_from(
    rows: list[CaseRow],
    on: date,
    policy: Policy,
    tasks: dict[str, str] | None = None,
    progress: Progress = _silent,
) -> list[QueueEntry]:
    """Place the cases and wrap each placement into a compact row, in triage order."""
    tasks = tasks or {}
    entries: list[QueueEntry] = []
    append = entries.append
    total = len(rows)
    progress(40, f"{total:,} open zaken rangschikken volgens het beleid".replace(",", "."))
    placements = build_queue([r.facts for r in rows], on, policy)
    progress(75, "regels van de werkvoorraad opbouwen")
    # Rows that came in the policy's order (``queue_cases``) keep it: the i-th placement is
    # the i-th row's. Others are matched by reference.
    in_order = len(placements) == len(rows) and all(
        p.facts is r.facts for p, r in zip(placements, rows, strict=True)
    )
    by_ref = {} if in_order else {r.facts.case_ref: r for r in rows}
    with bulk():  # a quarter of a million rows without cycles: no collector passes meanwhile
        for i, placement in enumerate(placements):
            if i and not i % PROGRESS_STEP:
                progress(75 + 20 * i // max(1, total), "regels van de werkvoorraad opbouwen")
            ref = placement.facts.case_ref
            row = rows[i] if in_order else by_ref[ref]
            append(
                QueueEntry(
                    placement=placement,
                    case_ref=ref,
                    client_name=row.client_name,
                    bsn_masked=mask_bsn(row.bsn),
                    team=row.team,
                    status=row.status,
                    client_id=row.client_id,
                    next_task=tasks.get(ref, ""),
                    search_key=f"{ref.casefold()}\t{row.client_name.casefold()}\t{row.bsn}",
                )
            )
    return entries


def load_queue(
    store: Store,
    on: date,
    policy: Policy,
    team: str | None = None,
    progress: Progress = _silent,
) -> list[QueueEntry]:
    """The open cases of the store (or one team) as the werkvoorraad on ``on``; ``progress``
    hears (percent, Dutch text) as the work goes on."""
    with long_lived():
        progress(5, "open zaken lezen in de volgorde van het beleid")
        rows = queue_cases(store, policy, team, on=on)
        progress(35, "openstaande taken lezen")
        tasks = next_tasks(store)
        return entries_from(rows, on, policy, tasks, progress)


def load_preview(
    store: Store, on: date, policy: Policy, team: str | None = None, limit: int = PREVIEW_ROWS
) -> list[QueueEntry]:
    """The first ``limit`` rows of :func:`load_queue`, read without the rest: the same
    positions, classes, routes, flags and reasons (the order is total, so the first ``limit``
    cases placed on their own are placed exactly as in the whole queue)."""
    rows = queue_cases(store, policy, team, limit, on)
    tasks = next_tasks(store, [r.facts.case_ref for r in rows])
    return entries_from(rows, on, policy, tasks)


def record_search(store: Store, actor: Actor, text: str, found: int) -> None:
    """Log a search of the werkvoorraad (names and BSNs are client data)."""
    with store.atomic() as conn:
        log(
            conn,
            actor,
            AuditEntry(
                event="search",
                purpose="werkvoorraad doorzoeken",
                details=f"zoekterm '{text}': {found} zaken gevonden",
            ),
        )


def export_queue(
    store: Store,
    actor: Actor,
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    filter_text: str,
) -> int:
    """Write werkvoorraad rows to a CSV file (``;``, UTF-8 with BOM, formulas neutralised) and
    log the export, in one transaction: the file appears only with its log record, and a file
    that cannot be written leaves no record. A path that would replace the store or its
    companions raises :class:`~mdbtriage.store.outputs.OutputRefused`."""
    check_output(path, store.path, "Bestand")
    count = 0
    with (
        store.atomic() as conn,
        atomic_output(path, "w", encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow(safe_row(row))
            count += 1
        log(
            conn,
            actor,
            AuditEntry(
                event="export",
                purpose="werkvoorraad exporteren",
                details=f"{count} zaken naar {path.name}; filter: {filter_text}",
            ),
        )
    return count
