"""The werkvoorraad as the desktop shows it: the triage queue computed once into compact rows.

Each row keeps what the table, its filters and its search need (codes, numbers, a lower-cased
search key), so that filtering and sorting a quarter of a million rows is a plain Python loop.
A row holds its position and what is its own (reference, client, birth date, next task); its
placement and facts it shares with the rows that have the same (:class:`RowPlace`,
:class:`RowFacts`), and the engine's ``Placement`` is made again only for a row shown. The
next open task per case is read from the task table when the taakdelegatie schema is there.

The cases are read in the policy's order, which the database computes from the class ranks of
``core.triage.class_ranks`` (the sort runs inside SQLite, without holding the interpreter lock),
and placed a few thousand at a time, so that besides the rows only one part's objects exist;
the first screenful is read the same way with a limit and shown before the whole queue is in.

After a change of a few cases only those are read (``cases_to_update``, ``queue_entries``) and
put in place in the rows already there (``merge_entries``), which then are what a full read gives.
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mdbtriage.core.csvsafe import safe_row
from mdbtriage.core.fast import bulk, frozen_constructor, long_lived
from mdbtriage.core.model import Actor, Case, CaseFacts, new_facts
from mdbtriage.core.ordering import natural_key
from mdbtriage.core.policy import Policy, Route
from mdbtriage.core.triage import (
    CENTRAL_GRANTED,
    OrderedPlacer,
    Placement,
    build_queue,
    class_ranks,
    long_overdue,
    new_placement,
    order_key,
    unplanned,
)
from mdbtriage.core.validation import format_count, mask_bsn
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.central import outcome_sql
from mdbtriage.store.connection import stream_rows
from mdbtriage.store.database import Store
from mdbtriage.store.outputs import atomic_output, check_output
from mdbtriage.store.records import (
    CASE_ROW_COLUMNS,
    FLAG_FACTS,
    FLAG_SETS,
    case_chunks,
    case_rows,
    flag_bits,
)

PREVIEW_ROWS = 200  # the first screenful (and then some) shown before the whole queue is in


# ``RowFacts.bits``: the seven 0/1 facts (``records.FLAG_FACTS``), then whether the case counts
# as approved schrijnend.
_ALL_FACTS = (1 << len(FLAG_FACTS)) - 1
_SCHRIJNEND_BIT = 1 << FLAG_FACTS.index("schrijnend")
_INGEBREKESTELLING_BIT = 1 << FLAG_FACTS.index("ingebrekestelling")
_DWANGSOM_BIT = 1 << FLAG_FACTS.index("dwangsom")
_SCHRIJNEND_APPROVED = 1 << len(FLAG_FACTS)


@dataclass(frozen=True, slots=True)
class RowPlace:
    """What a werkvoorraad row's placement shares with many others: all of it but the
    position (class, route, term, waiting figures) with the service and receipt date it
    follows from. Rows of a service received the same day on the same route share one; a
    quarter of a million rows hold some ten thousand."""

    klasse: str
    route_rule: Route
    service: str
    received_on: date
    waiting_days: int
    term_weeks: int | None
    term_ends_on: date | None
    overdue_days: int
    over_six_months: bool
    policy: Policy = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class RowFacts:
    """The facts a werkvoorraad row was placed on that many rows share: the seven 0/1 facts
    (``bits``, in the order of ``records.FLAG_FACTS``, then whether it counts as approved
    schrijnend), the requester, the schrijnend and dwangsom details and the central
    decision's outcome. A quarter of a million rows hold a few thousand."""

    bits: int
    requester: str | None
    schrijnend_ref: str | None
    employer_consents_60_plus: bool | None
    dwangsom_kind: str | None
    dwangsom_deadline: date | None
    central_outcome: str | None


@dataclass(slots=True)
class QueueEntry:
    """One row of the werkvoorraad, compact: what the view shows of the case, the client and
    the next task, the position, and the :class:`RowPlace` and :class:`RowFacts` it shares
    with other rows.

    A quarter of a million rows stay open in the desktop, so a row holds no ``Placement``
    and no ``CaseFacts``: :attr:`placement` and :attr:`facts` make them when asked, equal to
    what ``core.triage.build_queue`` gave (for one row shown: its reasons and flags). Filters,
    sorts and counts read the row's own attributes.
    """

    case_ref: str
    client_name: str
    bsn_masked: str
    team: str
    status: str
    client_id: int | None  # the store's key of the client; None only for a case not stored
    next_task: str
    search_key: str
    position: int
    birth_date: date | None
    place: RowPlace
    marks: RowFacts

    @property
    def klasse(self) -> str:
        return self.place.klasse

    @property
    def route_rule(self) -> Route:
        return self.place.route_rule

    @property
    def route(self) -> str:
        """The code of the route."""
        return self.place.route_rule.code

    @property
    def lead_role(self) -> str:
        return self.place.route_rule.lead_role

    @property
    def service(self) -> str:
        return self.place.service

    @property
    def received_on(self) -> date:
        return self.place.received_on

    @property
    def waiting_days(self) -> int:
        return self.place.waiting_days

    @property
    def waiting_weeks(self) -> int:
        return self.place.waiting_days // 7

    @property
    def term_weeks(self) -> int | None:
        return self.place.term_weeks

    @property
    def term_ends_on(self) -> date | None:
        return self.place.term_ends_on

    @property
    def overdue_days(self) -> int:
        return self.place.overdue_days

    @property
    def policy(self) -> Policy:
        return self.place.policy

    @property
    def over_six_months(self) -> bool:
        return self.place.over_six_months

    @property
    def schrijnend_approved(self) -> bool:
        return bool(self.marks.bits & _SCHRIJNEND_APPROVED)

    @property
    def schrijnend(self) -> bool:
        return bool(self.marks.bits & _SCHRIJNEND_BIT)

    @property
    def ingebrekestelling(self) -> bool:
        return bool(self.marks.bits & _INGEBREKESTELLING_BIT)

    @property
    def dwangsom(self) -> bool:
        return bool(self.marks.bits & _DWANGSOM_BIT)

    @property
    def unplanned(self) -> bool:
        return unplanned(self.place.klasse, self.place.policy)

    @property
    def long_overdue(self) -> bool:
        return long_overdue(self.place.term_weeks, self.place.overdue_days)

    @property
    def facts(self) -> CaseFacts:
        """The facts the row was placed on (the natural key of the reference made again)."""
        s, m = self.place, self.marks
        motivated, working, consents, schrijnend, ingebrekestelling, dwangsom, medical = FLAG_SETS[
            m.bits & _ALL_FACTS
        ]
        return new_facts(
            self.case_ref,
            s.service,
            s.received_on,
            self.birth_date,
            m.requester,
            motivated,
            working,
            consents,
            schrijnend,
            m.schrijnend_ref,
            ingebrekestelling,
            dwangsom,
            medical,
            m.employer_consents_60_plus,
            m.dwangsom_kind,
            m.dwangsom_deadline,
            m.central_outcome,
            natural_key(self.case_ref),
        )

    @property
    def placement(self) -> Placement:
        """The row's placement, as ``core.triage.build_queue`` gave it (made when asked)."""
        s = self.place
        return new_placement(
            self.facts,
            self.position,
            s.klasse,
            s.route_rule,
            s.waiting_days,
            s.term_weeks,
            s.term_ends_on,
            s.overdue_days,
            s.over_six_months,
            self.schrijnend_approved,
            s.policy,
        )

    @property
    def flags(self) -> list[str]:
        """The placement's flags (``Placement.flags``): they follow from the shared parts
        alone, so they are made once per pair of them (an export of every row asks them all)."""
        place, marks = self.place, self.marks
        known = _FLAGS.get((id(place), id(marks)))
        if known is None or known[0] is not place or known[1] is not marks:
            if len(_FLAGS) >= _FLAGS_LIMIT:
                _FLAGS.clear()
            known = _FLAGS[(id(place), id(marks))] = (place, marks, tuple(self.placement.flags))
        return list(known[2])


# The flags per pair of shared parts; each entry keeps its pair alive, so the numbers that
# name them cannot stand for other objects while it is here.
_FLAGS: dict[tuple[int, int], tuple[RowPlace, RowFacts, tuple[str, ...]]] = {}
_FLAGS_LIMIT = 50_000
_new_entry = frozen_constructor(QueueEntry)
_new_place = frozen_constructor(RowPlace)
_new_marks = frozen_constructor(RowFacts)
# The masked BSN of a row by the BSN's last three digits: a thousand strings for every row.
_MASKED: dict[str, str] = {}


@dataclass(slots=True)
class Shared:
    """The :class:`RowPlace` and :class:`RowFacts` of the rows of one werkvoorraad made so far,
    by what they hold (so that rows that share them get the same object)."""

    places: dict[tuple[Any, ...], RowPlace] = field(default_factory=dict)
    marks: dict[tuple[Any, ...], RowFacts] = field(default_factory=dict)


def _masked(bsn: str) -> str:
    key = bsn[-3:] if len(bsn) == 9 else ""
    masked = _MASKED.get(key)
    if masked is None:
        masked = _MASKED[key] = mask_bsn(bsn)
    return masked


def _entry(placement: Placement, row: Case, next_task: str, shared: Shared) -> QueueEntry:
    """The compact row of ``placement`` of the case ``row``."""
    f = placement.facts
    ref = f.case_ref
    route = placement.route
    place_key = (
        placement.klasse,
        id(route),  # kept alive by the RowPlace it names
        f.service,
        f.received_on,
        placement.waiting_days,
        placement.term_weeks,
        placement.term_ends_on,
        placement.overdue_days,
        placement.over_six_months,
    )
    place = shared.places.get(place_key)
    if place is None:
        place = shared.places[place_key] = _new_place(
            place_key[0], route, *place_key[2:], placement.policy
        )
    marks_key = (
        flag_bits(f) | placement.schrijnend_approved * _SCHRIJNEND_APPROVED,
        f.requester,
        f.schrijnend_ref,
        f.employer_consents_60_plus,
        f.dwangsom_kind,
        f.dwangsom_deadline,
        f.central_outcome,
    )
    marks = shared.marks.get(marks_key)
    if marks is None:
        marks = shared.marks[marks_key] = _new_marks(*marks_key)
    return _new_entry(
        ref,
        row.client_name,
        _masked(row.bsn),
        row.team,
        row.status,
        row.client_id,
        next_task,
        f"{ref.casefold()}\t{row.client_name.casefold()}\t{row.bsn}",
        placement.position,
        f.birth_date,
        place,
        marks,
    )


# A task is done for the werkvoorraad once handed in under the own permission (done) or
# signed off (geaccordeerd); open, te_accorderen and afgewezen (back with its assignee) are not.
_TASK_DONE = ("done", "geaccordeerd")
_NEXT_TASK_SELECT = (
    "SELECT t.case_ref, t.task_code, coalesce(s.name, t.assignee_id), t.due_on FROM tasks t "
    "LEFT JOIN staff s ON s.staff_id = t.assignee_id "
    f"WHERE t.status NOT IN ({', '.join(repr(s) for s in _TASK_DONE)})"
)
# Per case the task due first (undated last); of tasks due the same day the first assigned.
_NEXT_TASK_ORDER = " ORDER BY t.case_ref, t.due_on IS NULL, t.due_on, t.task_id"


def next_tasks(store: Store, case_refs: Sequence[str] | None = None) -> dict[str, str]:
    """The first open task per case (by due date), as ``"TAAK → naam medewerker (dd-mm)"``
    (the person by name where the staff table knows them); of every case, or of ``case_refs``
    only."""
    conn = store.conn
    rows: Iterable[tuple[Any, ...]]
    if case_refs is None:
        rows = conn.execute(_NEXT_TASK_SELECT + _NEXT_TASK_ORDER)
    else:
        some: list[tuple[Any, ...]] = []
        for chunk in _chunks(sorted(set(case_refs))):  # within SQLite's limit on parameters
            marks = ",".join("?" * len(chunk))
            some.extend(
                conn.execute(
                    f"{_NEXT_TASK_SELECT} AND t.case_ref IN ({marks}){_NEXT_TASK_ORDER}", chunk
                )
            )
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
# On the office store every case is written with its key (by the program, carried over by
# move-to-server, or for cases stored before step 7 filled in by server-init), and text sorts
# by code point (COLLATE "C"), as SQLite's BINARY does. A case without one sorts last among its
# class and receipt date: ``load_queue`` puts the rows in the policy's order then.
REF_ORDER_OFFICE = 'c.ref_key COLLATE "C", c.case_ref COLLATE "C"'


def _queue_order(store: Store, policy: Policy) -> str:
    """The werkvoorraad's order as SQL: class rank, receipt date, natural reference order."""
    refs = REF_ORDER_OFFICE if store.is_office else REF_ORDER
    return f"{class_rank_sql(policy)}, c.received_on, {refs}"


# The rows of ``case_rows``: each case with its client.
_CASES_SELECT = (
    f"SELECT {CASE_ROW_COLUMNS} FROM cases c JOIN clients k ON k.client_id = c.client_id"
)


def _open_where(
    store: Store, on: date | None = None, team: str | None = None
) -> tuple[str, list[object]]:
    """The open cases (received on or before ``on``, of ``team``) as an SQL condition on
    ``cases c`` and its parameters."""
    where = "c.status != 'afgerond'"
    params: list[object] = []
    if on is not None:
        # On the workstation store not by the index on (status, received_on): SQLite would
        # then fetch nearly every case through it, row by row, instead of scanning the table
        # once (0.6 s against 0.2 s for the first rows of 250,000 cases).
        where += " AND c.received_on <= ?" if store.is_office else " AND +c.received_on <= ?"
        params.append(on.isoformat())
    if team:
        where += " AND c.team_id = ?"
        params.append(team)
    return where, params


def queue_cases(
    store: Store,
    policy: Policy,
    team: str | None = None,
    limit: int | None = None,
    on: date | None = None,
) -> list[Case]:
    """The cases that are not afgerond (of one team, or all; received on or before ``on`` when
    given), in the werkvoorraad's order on ``policy``: all of them, or the first ``limit``.

    The same rows as ``records.open_cases``, ordered by the database (which sorts without
    holding Python's interpreter lock, so the GUI thread stays free meanwhile). The first few
    hundred of a quarter of a million take some 60 ms: a bounded sort over one table, with the
    clients joined for those rows only.
    """
    order = _queue_order(store, policy)
    where, params = _open_where(store, on, team)
    if limit is None:
        sql = f"{_CASES_SELECT} WHERE {where} ORDER BY {order}"
    else:
        sql = (
            f"{_CASES_SELECT} WHERE c.case_ref IN (SELECT c.case_ref FROM cases c WHERE {where} "
            f"ORDER BY {order} LIMIT ?) ORDER BY {order}"
        )
        params.append(max(0, limit))
    return case_rows(stream_rows(store.conn, sql, params))


def cases_to_place(
    store: Store, policy: Policy, team: str | None = None, on: date | None = None
) -> list[Case]:
    """The rows of :func:`queue_cases` (all of them), for a caller that places them with
    ``build_queue`` and has no screen to keep responsive (the command line's ``queue``), in
    the order that is quickest to read whole; ``build_queue`` sorts what is not in order.

    On the office store that is no order: the rows stream in while the server scans, and
    Python's sort in ``build_queue`` (about 0.3 s at a quarter of a million) is quicker than
    the server's, which sorts the whole wide rows and spills them to disk (about 0.6 s before
    the first row leaves the server), and it leaves the shared server that work. On the
    workstation store SQLite's sort runs in this process and reading in order is as quick."""
    if not store.is_office:
        return queue_cases(store, policy, team, on=on)
    where, params = _open_where(store, on, team)
    return case_rows(stream_rows(store.conn, f"{_CASES_SELECT} WHERE {where}", params))


Progress = Callable[[int, str], None]
PROGRESS_STEP = 25_000  # rows between two progress reports while building


def _silent(_percent: int, _text: str) -> None:
    return None


def entries_from(
    rows: list[Case],
    on: date,
    policy: Policy,
    tasks: dict[str, str] | None = None,
    progress: Progress = _silent,
) -> list[QueueEntry]:
    """Place the cases and make each placement a compact row, in triage order."""
    tasks = tasks or {}
    entries: list[QueueEntry] = []
    append = entries.append
    total = len(rows)
    progress(40, f"{format_count(total)} open zaken rangschikken volgens het beleid")
    placements = build_queue([r.facts for r in rows], on, policy)
    progress(75, "regels van de werkvoorraad opbouwen")
    # Rows that came in the policy's order keep it: the i-th placement is the i-th row's.
    # Others are matched by reference.
    in_order = len(placements) == len(rows) and all(
        p.facts is r.facts for p, r in zip(placements, rows, strict=True)
    )
    by_ref = {} if in_order else {r.facts.case_ref: r for r in rows}
    shared = Shared()
    with bulk():  # a quarter of a million rows without cycles: no collector passes meanwhile
        for i, placement in enumerate(placements):
            if i and not i % PROGRESS_STEP:
                progress(75 + 20 * i // max(1, total), "regels van de werkvoorraad opbouwen")
            ref = placement.facts.case_ref
            row = rows[i] if in_order else by_ref[ref]
            append(_entry(placement, row, tasks.get(ref, ""), shared))
    return entries


LOAD_PART = 5_000  # cases read, placed and made into rows at a time by ``load_queue``


def load_queue(
    store: Store,
    on: date,
    policy: Policy,
    team: str | None = None,
    progress: Progress = _silent,
) -> list[QueueEntry]:
    """The open cases of the store (or one team) as the werkvoorraad on ``on``; ``progress``
    hears (percent, Dutch text) as the work goes on.

    The cases come in the werkvoorraad's order and are placed and made into rows
    ``LOAD_PART`` at a time (``core.triage.OrderedPlacer``), so that besides the rows only
    one part's cases and placements exist at a time: at a quarter of a million cases that
    keeps some 100 MB out of the desktop. Where the database's order is not the policy's (an
    office store's cases stored before it kept the reference's natural key, which it sorts
    last), the rows are put in the policy's order and numbered here."""
    with long_lived():
        progress(5, "openstaande taken lezen")
        tasks = next_tasks(store)
        where, params = _open_where(store, on, team)
        counted = store.conn.execute(f"SELECT count(*) FROM cases c WHERE {where}", params)
        total = max(1, int(counted.fetchone()[0]))
        progress(10, f"{format_count(total)} open zaken lezen en rangschikken")
        order = _queue_order(store, policy)
        rows = stream_rows(store.conn, f"{_CASES_SELECT} WHERE {where} ORDER BY {order}", params)
        placer = OrderedPlacer(on, policy)
        shared = Shared()
        entries: list[QueueEntry] = []
        append = entries.append
        parts = case_chunks(rows, LOAD_PART)
        try:
            for part in parts:
                placements = placer.place([r.facts for r in part])
                with bulk():
                    for placement, row in zip(placements, part, strict=True):
                        ref = row.facts.case_ref
                        append(_entry(placement, row, tasks.get(ref, ""), shared))
                done = min(95, 10 + 85 * len(entries) // total)
                progress(
                    done,
                    f"{format_count(len(entries))} van {format_count(total)} open zaken gerangschikt",
                )
        finally:
            parts.close()  # a read left half done keeps the office store's connection busy
        if not placer.in_order:
            progress(96, "regels in de volgorde van het beleid zetten")
            entries.sort(key=triage_key)
            for position, entry in enumerate(entries, start=1):
                entry.position = position
        return entries


def load_preview(
    store: Store,
    on: date,
    policy: Policy,
    team: str | None = None,
    limit: int | None = PREVIEW_ROWS,
) -> list[QueueEntry]:
    """The first ``limit`` rows of :func:`load_queue`, read without the rest: the same
    positions, classes, routes, flags and reasons (the order is total, so the first ``limit``
    cases placed on their own are placed exactly as in the whole queue)."""
    rows = queue_cases(store, policy, team, limit, on)
    tasks = next_tasks(store, [r.facts.case_ref for r in rows])
    return entries_from(rows, on, policy, tasks)


def whole_positions(
    store: Store, policy: Policy, team: str, on: date | None = None
) -> dict[str, int]:
    """The positions of the open cases of ``team`` in the whole werkvoorraad (every team) on
    ``policy``: numbered by the database in the order of :func:`queue_cases` in one pass,
    without reading the other teams' cases into Python."""
    order = _queue_order(store, policy)
    where, params = _open_where(store, on)
    rows = store.conn.execute(
        "SELECT w.case_ref, w.position FROM (SELECT c.case_ref, c.team_id, "
        f"row_number() OVER (ORDER BY {order}) AS position FROM cases c WHERE {where}) w "
        "WHERE w.team_id = ?",
        [*params, team],
    )
    return {str(ref): int(position) for ref, position in rows}


def open_counts(store: Store, team: str) -> tuple[int, int]:
    """How many cases are open: of ``team``, and of every team (each read by an index)."""
    own = store.conn.execute(
        "SELECT count(*) FROM cases WHERE team_id = ? AND status != 'afgerond'", (team,)
    ).fetchone()
    every = store.conn.execute("SELECT count(*) FROM cases WHERE status != 'afgerond'").fetchone()
    return int(own[0]) if own else 0, int(every[0]) if every else 0


def load_team_preview(
    store: Store, on: date, policy: Policy, team: str, limit: int | None = PREVIEW_ROWS
) -> list[QueueEntry]:
    """The first ``limit`` rows (None: all) of ``team`` in the whole werkvoorraad
    (:func:`load_queue` without a team, the team's rows): read without the other teams'
    cases, each at its position among all teams (:func:`whole_positions`). A werkvoorraad of
    many teams shows the own team at once this way, where its first rows overall hold few."""
    entries = load_preview(store, on, policy, team, limit)
    positions = whole_positions(store, policy, team, on)
    placed: list[QueueEntry] = []
    for entry in entries:
        position = positions.get(entry.case_ref)
        if position is not None:  # else closed by a colleague between the two reads
            entry.position = position
            placed.append(entry)
    return placed


# Changes naming at most this many cases are put into a werkvoorraad in place (50 cases take
# under 0.1 s in a werkvoorraad of 250,000, docs/benchmarks.md); more are read again whole.
IN_PLACE_LIMIT = 500


def _chunks(keys: Collection[Any], size: int = 500) -> Iterable[list[Any]]:
    """Keys in groups small enough for one ``IN (…)`` (within SQLite's limit on parameters)."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def cases_to_update(
    store: Store,
    cases: Collection[str],
    tasks: Collection[int] = (),
    shown_clients: Callable[[Collection[str]], Iterable[int]] | None = None,
) -> set[str]:
    """The cases whose werkvoorraad rows a change of ``cases`` and ``tasks`` may have changed:
    those cases, the cases of those tasks (their next task), and every case of the clients
    these belong to (a row shows its client's name and BSN, and the client's birth date and BSN
    take part in its placement), now and, by ``shown_clients`` (the clients the rows shown give
    for some cases), before the change; and so on for the cases found, until no more are
    found or there are more than ``IN_PLACE_LIMIT``."""
    conn = store.conn
    refs = set(cases)
    if tasks and store.has_table("tasks"):
        for chunk in _chunks(tasks):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT DISTINCT case_ref FROM tasks WHERE task_id IN ({marks})"
            refs.update(str(r[0]) for r in conn.execute(sql, chunk))
    seen: set[int] = set()
    added = set(refs)
    while added and len(refs) <= IN_PLACE_LIMIT:
        clients: set[int] = set(shown_clients(added)) if shown_clients else set()
        for chunk in _chunks(added):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT DISTINCT client_id FROM cases WHERE case_ref IN ({marks})"
            clients.update(int(r[0]) for r in conn.execute(sql, chunk))
        clients -= seen
        seen |= clients
        added = set()
        for chunk in _chunks(clients):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT case_ref FROM cases WHERE client_id IN ({marks})"
            added.update(str(r[0]) for r in conn.execute(sql, chunk))
        added -= refs
        refs |= added
    return refs


def queue_entries(
    store: Store, on: date, policy: Policy, case_refs: Collection[str]
) -> list[QueueEntry]:
    """The rows :func:`load_queue` gives the cases ``case_refs`` that are in the werkvoorraad on
    ``on`` (not afgerond, received by then), in its order, each with the same class, route,
    flags and next task as there; their positions count among these rows only
    (:func:`merge_entries` gives them their place in the whole)."""
    rows: list[Case] = []
    for chunk in _chunks(case_refs):
        marks = ",".join("?" * len(chunk))
        sql = (
            f"{_CASES_SELECT} "
            f"WHERE c.status != 'afgerond' AND c.received_on <= ? AND c.case_ref IN ({marks})"
        )
        rows.extend(case_rows(stream_rows(store.conn, sql, [on.isoformat(), *chunk])))
    tasks = next_tasks(store, [r.facts.case_ref for r in rows]) if rows else {}
    return entries_from(rows, on, policy, tasks)


def triage_key(entry: QueueEntry) -> tuple[int, date, str, str]:
    """Where a row belongs in the werkvoorraad: ``core.triage.sort_key`` of its case (its
    class is the row's)."""
    return order_key(entry.klasse, entry.received_on, entry.case_ref)


@dataclass(slots=True)
class QueueMerge:
    """What :func:`merge_entries` changed: the old rows taken out, the new rows put in (in the
    werkvoorraad's order), and the first and last index whose position changed (``None``: no
    position changed)."""

    removed: list[QueueEntry] = field(default_factory=list)
    added: list[QueueEntry] = field(default_factory=list)
    renumbered: tuple[int, int] | None = None


def merge_entries(
    entries: list[QueueEntry],
    case_refs: Collection[str],
    fresh: Sequence[QueueEntry],
    by_ref: dict[str, QueueEntry] | None = None,
) -> QueueMerge:
    """Put the new rows ``fresh`` of the cases ``case_refs`` (as :func:`queue_entries` reads
    them) into the werkvoorraad ``entries`` (in its order, positions 1 to N) in place of their
    old rows, and number the positions 1 to N again: afterwards ``entries`` is what
    :func:`load_queue` gives. A case among ``case_refs`` without a new row (afgerond, or no
    longer there) leaves the werkvoorraad; a case without an old row comes in.

    ``by_ref`` (the rows of ``entries`` by reference, kept up to date here) spares building
    that index. Only the rows between the first and the last change get a new position when
    as many rows came in as went out; otherwise every row after the first change does."""
    if by_ref is None:
        by_ref = {e.case_ref: e for e in entries}
    merge = QueueMerge()
    wanted = set(case_refs).union(e.case_ref for e in fresh)
    gone: list[int] = []
    for ref in wanted:
        old = by_ref.pop(ref, None)
        if old is None:
            continue
        index = old.position - 1
        if not (0 <= index < len(entries) and entries[index] is old):
            index = next(i for i, e in enumerate(entries) if e is old)
        gone.append(index)
        merge.removed.append(old)
    gone.sort()
    merge.removed.sort(key=lambda e: e.position)
    for index in reversed(gone):
        del entries[index]
    first = gone[0] if gone else len(entries)
    last = gone[-1] if gone else -1
    placed: list[int] = []
    for entry in sorted(fresh, key=triage_key):
        index = bisect_left(entries, triage_key(entry), key=triage_key)
        entries.insert(index, entry)
        by_ref[entry.case_ref] = entry
        placed.append(index)
        merge.added.append(entry)
    if placed:
        first = min(first, placed[0])
        last = max(last, placed[-1])
    # Beyond ``settled`` every row is an old one with all changes before it: its position moved
    # by as many rows as came in less those that went out, the same for each.
    settled = last + len(gone) + len(placed)
    changed_first = changed_last = -1
    for index in range(first, len(entries)):
        entry = entries[index]
        if entry.position == index + 1:
            if index > settled:
                break
            continue
        entry.position = index + 1
        if changed_first < 0:
            changed_first = index
        changed_last = index
    if changed_first >= 0:
        merge.renumbered = (changed_first, changed_last)
    return merge


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
