"""Repositories for teams, staff, clients and cases. Every write is one transaction, with its
access-log records written inside it."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import islice
from sys import intern
from typing import Any

from mdbtriage.core.caserules import case_fields
from mdbtriage.core.csvimport import ParsedRow, ParseResult, check_against_store
from mdbtriage.core.fast import bulk
from mdbtriage.core.model import Actor, Case, CaseFacts, Client, Staff, Team, new_case, new_facts
from mdbtriage.core.ordering import natural_key
from mdbtriage.core.validation import mask_bsn
from mdbtriage.store.audit import log_selected
from mdbtriage.store.central import outcome_sql
from mdbtriage.store.connection import Connection, closing_rows, is_office, stream_rows
from mdbtriage.store.database import Store, utc_now


@dataclass(frozen=True, slots=True)
class WriteCounts:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def ensure_teams(store: Store, team_ids: Iterable[str]) -> None:
    """Create the teams that do not exist yet (named after their id)."""
    with store.atomic() as conn:
        conn.executemany(
            "INSERT INTO teams (team_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
            ((t, t) for t in sorted(set(team_ids))),
        )


def upsert_teams(store: Store, teams: Iterable[Team]) -> None:
    with store.atomic() as conn:
        conn.executemany(
            "INSERT INTO teams (team_id, name) VALUES (?, ?) "
            "ON CONFLICT (team_id) DO UPDATE SET name = excluded.name",
            ((t.team_id, t.name) for t in teams),
        )


def stored_cases(store: Store, refs: Sequence[str]) -> dict[str, Case]:
    """The stored cases among ``refs``, by reference (one query, the keys as a JSON array)."""
    rows = store.conn.execute(
        _CASE_SELECT + " WHERE c.case_ref IN (SELECT value FROM json_each(?))",
        (json.dumps(list(refs)),),
    )
    return {str(r[0]): _case_row(r) for r in rows}


def stored_staff(store: Store, staff_ids: Sequence[str]) -> dict[str, Staff]:
    """The stored staff among ``staff_ids``, by id."""
    rows = store.conn.execute(
        _STAFF_SELECT + " WHERE staff_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(staff_ids)),),
    )
    return {str(r[0]): _staff(r) for r in rows}


def check_cases_against_store(store: Store, rows: Sequence[ParsedRow[Case]]) -> None:
    """Hold checked case rows against the store (unknown teams, BSN of another client), so the
    CLI and the desktop import reject the same rows for the same reasons."""
    teams = {str(r[0]) for r in store.conn.execute("SELECT team_id FROM teams")}
    bsns = list({row.record.bsn for row in rows if row.record is not None})
    clients: dict[str, Client] = {}
    # One query (the keys as a JSON array) instead of one per few hundred keys.
    for bsn, name, birth in store.conn.execute(
        "SELECT bsn, name, birth_date FROM clients WHERE bsn IN (SELECT value FROM json_each(?))",
        (json.dumps(bsns),),
    ):
        born = date.fromisoformat(str(birth)) if birth else None
        clients[str(bsn)] = Client(bsn=str(bsn), name=str(name), birth_date=born)
    check_against_store(rows, teams, clients)


def check_case_import(store: Store, result: ParseResult[Case]) -> None:
    """:func:`check_cases_against_store` for a whole parsed file."""
    check_cases_against_store(store, result.rows)


def list_teams(store: Store) -> list[Team]:
    rows = store.conn.execute("SELECT team_id, name FROM teams ORDER BY team_id")
    return [Team(team_id=r[0], name=r[1]) for r in rows]


def upsert_staff(store: Store, staff: Sequence[Staff]) -> WriteCounts:
    """Insert or update staff by ``staff_id`` (re-import updates, never duplicates). Refused
    as a whole (``accounts.LastTeamLeadRefused``, nothing written) when it would leave a store
    that has an active team lead with an account without one."""
    from mdbtriage.store.accounts import check_team_leads_remain, team_leads_with_account

    with store.atomic() as conn:
        leads = team_leads_with_account(store)
        ensure_teams(store, (s.team for s in staff))
        existing = {
            r[0]
            for r in conn.execute("SELECT staff_id FROM staff")
            if r[0] in {s.staff_id for s in staff}
        }
        now = utc_now()
        conn.executemany(
            "INSERT INTO staff (staff_id, name, role, team_id, big_number, qualifications, "
            "hours_per_week, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (staff_id) DO UPDATE SET name = excluded.name, role = excluded.role, "
            "team_id = excluded.team_id, big_number = excluded.big_number, "
            "qualifications = excluded.qualifications, hours_per_week = excluded.hours_per_week, "
            "active = excluded.active, updated_at = excluded.updated_at",
            (
                (
                    s.staff_id,
                    s.name,
                    s.role,
                    s.team,
                    s.big_number,
                    ";".join(s.qualifications),
                    s.hours_per_week,
                    int(s.active),
                    now,
                )
                for s in staff
            ),
        )
        check_team_leads_remain(store, leads, staff)
        if store.is_office:
            # A role change moves the person's login to the group of the new role; an inactive
            # person's login is switched off (in the same transaction as the staff rows).
            from mdbtriage.store.office_store import sync_logins

            sync_logins(store, [s.staff_id for s in staff])
    return WriteCounts(created=len(staff) - len(existing), updated=len(existing))


def _staff(row: Sequence[object]) -> Staff:
    quals = str(row[5] or "")
    hours = row[6]
    return Staff(
        staff_id=str(row[0]),
        name=str(row[1]),
        role=str(row[2]),
        team=str(row[3]),
        big_number=str(row[4]) if row[4] else None,
        qualifications=tuple(q for q in quals.split(";") if q),
        hours_per_week=float(hours) if isinstance(hours, int | float) else None,
        active=bool(row[7]),
    )


_STAFF_SELECT = (
    "SELECT staff_id, name, role, team_id, big_number, qualifications, hours_per_week, active "
    "FROM staff"
)


def list_staff(store: Store, team: str | None = None) -> list[Staff]:
    if team:
        rows = store.conn.execute(_STAFF_SELECT + " WHERE team_id = ? ORDER BY name", (team,))
    else:
        rows = store.conn.execute(_STAFF_SELECT + " ORDER BY team_id, name")
    return [_staff(r) for r in rows]


def get_staff(store: Store, staff_id: str) -> Staff | None:
    row = store.conn.execute(_STAFF_SELECT + " WHERE staff_id = ?", (staff_id,)).fetchone()
    return _staff(row) if row else None


# Page cache while writing a batch of cases: the indexes of a large store (250,000 cases) do not
# fit SQLite's default 2 MiB, and every insert would go back to the file for its index pages.
IMPORT_CACHE_KIB = 64 * 1024


@contextmanager
def _page_cache(conn: Connection, kib: int) -> Iterator[None]:
    """A larger page cache for the connection for the duration of a bulk write (the
    workstation store's; the office server manages its own memory)."""
    if is_office(conn):
        yield
        return
    before = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    current_kib = -before if before < 0 else before * 4  # pages: assume 4 KiB
    if current_kib >= kib:
        yield
        return
    conn.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


# A batch of cases is staged in a temporary table (one row per case, in input order) and
# written with one statement per table: SQLite then builds the value lists of the CHECK
# (… IN (…)) constraints once per statement instead of once per row, and the client ids are
# looked up in SQL. Every row still meets every constraint, foreign key and conflict clause.
_STAGE = "temp.mdb_case_stage"
_STAGE_COLUMNS = (
    "case_ref TEXT, bsn TEXT, name TEXT, birth_date TEXT, service TEXT, received_on TEXT, "
    "team_id TEXT, requester TEXT, motivated INTEGER, working INTEGER, "
    "consents_60_plus INTEGER, schrijnend INTEGER, schrijnend_ref TEXT, "
    "ingebrekestelling INTEGER, dwangsom INTEGER, status TEXT, event TEXT, details TEXT, "
    "medical_reason INTEGER, employer_consents_60_plus INTEGER, dwangsom_kind TEXT, "
    "dwangsom_deadline TEXT, ref_key TEXT"
)
_STAGE_WIDTH = _STAGE_COLUMNS.count(",") + 1
_CLIENT_ID = "(SELECT k.client_id FROM clients k WHERE k.bsn = s.bsn)"
# A client or case named twice in one batch gets the values of the last row, at the place of
# the first (as row-by-row upserts would): one row per key, as PostgreSQL's upsert needs.
_CLIENTS_FROM_STAGE = (
    "INSERT INTO clients (bsn, name, birth_date) SELECT s.bsn, s.name, s.birth_date "
    f"FROM {_STAGE} s JOIN (SELECT bsn, min(rowid) AS first, max(rowid) AS last "
    f"FROM {_STAGE} GROUP BY bsn) d ON s.rowid = d.last "
    "WHERE true ORDER BY d.first "  # "WHERE true": ON CONFLICT is not a join constraint
    "ON CONFLICT (bsn) DO UPDATE SET name = excluded.name, birth_date = excluded.birth_date"
)
_CASES_FROM_STAGE = (
    "INSERT INTO cases (case_ref, client_id, service, received_on, team_id, requester, "
    "motivated, working, consents_60_plus, schrijnend, schrijnend_ref, "
    "ingebrekestelling, dwangsom, status, medical_reason, employer_consents_60_plus, "
    "dwangsom_kind, dwangsom_deadline, ref_key, created_at, updated_at, updated_by) "
    f"SELECT s.case_ref, {_CLIENT_ID}, s.service, s.received_on, s.team_id, s.requester, "
    "s.motivated, s.working, s.consents_60_plus, s.schrijnend, s.schrijnend_ref, "
    "s.ingebrekestelling, s.dwangsom, s.status, s.medical_reason, "
    "s.employer_consents_60_plus, s.dwangsom_kind, s.dwangsom_deadline, s.ref_key, "
    f"?, ?, ? FROM {_STAGE} s "
    f"JOIN (SELECT case_ref, min(rowid) AS first, max(rowid) AS last FROM {_STAGE} "
    "GROUP BY case_ref) d ON s.rowid = d.last WHERE true ORDER BY d.first "
    "ON CONFLICT (case_ref) DO UPDATE SET client_id = excluded.client_id, "
    "service = excluded.service, received_on = excluded.received_on, "
    "team_id = excluded.team_id, requester = excluded.requester, "
    "motivated = excluded.motivated, working = excluded.working, "
    "consents_60_plus = excluded.consents_60_plus, schrijnend = excluded.schrijnend, "
    "schrijnend_ref = excluded.schrijnend_ref, "
    "ingebrekestelling = excluded.ingebrekestelling, dwangsom = excluded.dwangsom, "
    "status = excluded.status, medical_reason = excluded.medical_reason, "
    "employer_consents_60_plus = excluded.employer_consents_60_plus, "
    "dwangsom_kind = excluded.dwangsom_kind, dwangsom_deadline = excluded.dwangsom_deadline, "
    "ref_key = coalesce(cases.ref_key, excluded.ref_key), updated_at = excluded.updated_at, "
    "updated_by = excluded.updated_by, version = cases.version + 1"
)
_ACCESSES_FROM_STAGE = (
    f"SELECT s.rowid, s.event, {_CLIENT_ID}, s.case_ref, s.details FROM {_STAGE} s"
)


def case_changes(old: Case, new: Case) -> str:
    """What an update changes, for the access log: ``column: old → new`` per changed column of
    the case CSV, the BSN masked; ``geen wijzigingen`` when nothing changed."""
    if old == new:
        return "geen wijzigingen"
    before, after = case_fields(old), case_fields(new)
    changed = []
    for name, value in after.items():
        was = before.get(name, "")
        if value != was:
            if name == "bsn":
                was, value = mask_bsn(was), mask_bsn(value)
            changed.append(f"{name}: {was or '(leeg)'} → {value or '(leeg)'}")
    return "; ".join(changed) or "geen wijzigingen"


class CaseWriter:
    """Writes a batch of cases given in chunks: each chunk is staged (with, per case, whether
    it is new and, for a known one, which columns change, old → new), then :meth:`write` puts
    them all in the store with one statement per table. Use inside ``store.atomic()``; nothing
    reaches the cases until :meth:`write`, so the stored values a file is checked against stay
    those from before the file. ``log_each=False`` leaves the access-log records to the caller
    (the demo data: one record for the whole set)."""

    def __init__(self, store: Store, actor: Actor, purpose: str, *, log_each: bool = True) -> None:
        self.store = store
        self.actor = actor
        self.purpose = purpose
        self.log_each = log_each
        self.created = self.updated = 0
        self._teams: set[str] = set()
        self._days: dict[date, str] = {}  # receipt dates repeat: each written out once
        conn = store.conn
        conn.execute(f"CREATE TABLE IF NOT EXISTS {_STAGE} ({_STAGE_COLUMNS})")
        conn.execute(f"DELETE FROM {_STAGE}")

    def add(self, cases: Sequence[Case], stored: Mapping[str, Case] | None = None) -> None:
        """Stage ``cases`` in order; an update is compared with the case as stored (``stored``:
        the stored cases among them when the caller has them already)."""
        known = stored_cases(self.store, [c.case_ref for c in cases]) if stored is None else stored
        days = self._days
        staged: list[tuple[object, ...]] = []
        for c in cases:
            f = c.facts
            received = f.received_on
            day = days.get(received)
            if day is None:
                day = days[received] = received.isoformat()
            old = known.get(c.case_ref)
            self._teams.add(c.team)
            staged.append(
                (
                    c.case_ref,
                    c.bsn,
                    c.client_name,
                    f.birth_date.isoformat() if f.birth_date else None,
                    f.service,
                    day,
                    c.team,
                    f.requester,
                    f.motivated,  # a bool is bound as the integer 1 or 0
                    f.working,
                    f.consents_60_plus,
                    f.schrijnend,
                    f.schrijnend_ref,
                    f.ingebrekestelling,
                    f.dwangsom,
                    c.status,
                    "create" if old is None else "change",
                    "" if old is None else case_changes(old, c),
                    f.medical_reason,
                    f.employer_consents_60_plus,
                    f.dwangsom_kind,
                    f.dwangsom_deadline.isoformat() if f.dwangsom_deadline else None,
                    natural_key(c.case_ref),
                )
            )
        updated = sum(1 for c in cases if c.case_ref in known)
        self.updated += updated
        self.created += len(cases) - updated
        self.store.conn.executemany(
            f"INSERT INTO {_STAGE} VALUES ({', '.join('?' * _STAGE_WIDTH)})", staged
        )

    def write(self) -> WriteCounts:
        """Write every staged case, its client and its access-log record."""
        now = utc_now()
        with self.store.atomic() as conn, _page_cache(conn, IMPORT_CACHE_KIB), bulk():
            ensure_teams(self.store, self._teams)
            conn.execute(_CLIENTS_FROM_STAGE)
            conn.execute(_CASES_FROM_STAGE, (now, now, self.actor.user_id))
            if self.log_each:
                log_selected(conn, self.actor, self.purpose, _ACCESSES_FROM_STAGE)
            conn.execute(f"DELETE FROM {_STAGE}")
        return WriteCounts(created=self.created, updated=self.updated)


def upsert_cases(store: Store, cases: Sequence[Case], actor: Actor, purpose: str) -> WriteCounts:
    """Insert or update cases by ``case_ref`` with their clients (by BSN), logging each one
    (``create`` for a reference the store did not have before the batch, else ``change`` with
    the columns that change, old → new), all in one transaction and in input order: the outcome
    is that of upserting each in turn."""
    with store.atomic(), bulk():
        writer = CaseWriter(store, actor, purpose)
        writer.add(cases)
        return writer.write()


_CASE_SELECT = (
    "SELECT c.case_ref, c.service, c.received_on, k.birth_date, c.requester, c.motivated, "
    "c.working, c.consents_60_plus, c.schrijnend, c.schrijnend_ref, c.ingebrekestelling, "
    "c.dwangsom, k.bsn, k.name, c.team_id, c.status, c.client_id, c.medical_reason, "
    "c.employer_consents_60_plus, c.dwangsom_kind, c.dwangsom_deadline, "
    f"{outcome_sql('c', 'k.bsn')}, c.ref_key "
    "FROM cases c JOIN clients k ON k.client_id = c.client_id"
)


def _case_row(r: Sequence[object]) -> Case:
    fromiso = date.fromisoformat
    return Case(
        facts=CaseFacts(
            case_ref=str(r[0]),
            service=str(r[1]),
            received_on=fromiso(str(r[2])),
            birth_date=fromiso(str(r[3])) if r[3] else None,
            requester=str(r[4]) if r[4] else None,
            motivated=bool(r[5]),
            working=bool(r[6]),
            consents_60_plus=bool(r[7]),
            schrijnend=bool(r[8]),
            schrijnend_ref=str(r[9]) if r[9] else None,
            ingebrekestelling=bool(r[10]),
            dwangsom=bool(r[11]),
            medical_reason=bool(r[17]),
            employer_consents_60_plus=None if r[18] is None else bool(r[18]),
            dwangsom_kind=str(r[19]) if r[19] else None,
            dwangsom_deadline=fromiso(str(r[20])) if r[20] else None,
            central_outcome=str(r[21]) if r[21] else None,
            ref_key=str(r[22]) if r[22] else None,
        ),
        bsn=str(r[12]),
        client_name=str(r[13]),
        team=str(r[14]),
        status=str(r[15]),
        client_id=int(str(r[16])),
    )


# A case's seven 0/1 facts, in the order of their bits when packed in one number (bit i: fact i),
# as the werkvoorraad's columns read them and its rows keep them (``flag_bits``).
FLAG_FACTS = (
    "motivated",
    "working",
    "consents_60_plus",
    "schrijnend",
    "ingebrekestelling",
    "dwangsom",
    "medical_reason",
)
# The seven bools of each packed number (one look-up instead of seven shifts).
FLAG_SETS = tuple(
    tuple(bool(bits >> i & 1) for i in range(len(FLAG_FACTS)))
    for bits in range(1 << len(FLAG_FACTS))
)


def flag_bits(facts: CaseFacts) -> int:
    """The seven 0/1 facts of ``facts`` packed in one number, in the order of ``FLAG_FACTS``."""
    return (
        facts.motivated
        | facts.working << 1
        | facts.consents_60_plus << 2
        | facts.schrijnend << 3
        | facts.ingebrekestelling << 4
        | facts.dwangsom << 5
        | facts.medical_reason << 6
    )


# The werkvoorraad's columns: the seven 0/1 facts packed in one number (``FLAG_FACTS``), which
# ``case_rows`` turns into seven bools with one look-up (``FLAG_SETS``); then the employer's
# consent (NULL: no employer to ask), the dwangsom's kind and court deadline, the outcome of the
# central decision the case refers to (``store.central.outcome_sql``) and the natural sort key
# of the reference.
CASE_ROW_COLUMNS = (
    "c.case_ref, c.service, c.received_on, k.birth_date, c.requester, "
    + " | ".join(f"(c.{name} << {bit})" for bit, name in enumerate(FLAG_FACTS))
    + ", c.schrijnend_ref, k.bsn, k.name, c.team_id, c.status, c.client_id, "
    "c.employer_consents_60_plus, c.dwangsom_kind, c.dwangsom_deadline, "
    f"{outcome_sql('c', 'k.bsn')}, c.ref_key"
)
_OPEN_SELECT = (
    f"SELECT {CASE_ROW_COLUMNS} "
    "FROM cases c JOIN clients k ON k.client_id = c.client_id WHERE c.status != 'afgerond'"
)


def open_cases(store: Store, team: str | None = None) -> list[Case]:
    """Every case that is not afgerond, optionally of one team."""
    sql = _OPEN_SELECT
    params: tuple[str, ...] = ()
    if team:
        sql += " AND c.team_id = ?"
        params = (team,)
    return case_rows(stream_rows(store.conn, sql, params))


def case_rows(rows: Iterable[Any]) -> list[Case]:
    """Cases from rows of ``CASE_ROW_COLUMNS``, in their order (give it
    ``connection.stream_rows``: on the office store the driver then hands the rows over a few
    thousand at a time while these are built, and never holds the whole result). The rows are
    closed at the end, also when a row cannot be read (a streamed read left open would keep
    the office store's connection busy)."""
    with closing_rows(rows):
        return list(iter_cases(rows))


def case_chunks(rows: Iterable[Any], size: int) -> Generator[list[Case], None, None]:
    """The cases of :func:`case_rows` ``size`` at a time, each part built only when asked for
    (the rows are closed when the parts end or are left unfinished)."""
    with closing_rows(rows):
        cases = iter_cases(rows)
        while part := list(islice(cases, size)):
            yield part


def iter_cases(rows: Iterable[Any]) -> Iterator[Case]:
    """The cases of rows of ``CASE_ROW_COLUMNS`` one by one (closing the rows is the caller's).

    A quarter of a million rows: the dates repeat (parsed once each, one object per date),
    codes that repeat are interned (one string per code instead of one per row), the flags
    are one look-up (the schema's CHECKs allow only 0 and 1), and both objects are made
    without the frozen dataclasses' slow ``__init__``.
    """
    dates: dict[str, date] = {}
    fromiso = date.fromisoformat
    flag_sets = FLAG_SETS
    with bulk():
        for (
            ref,
            service,
            received_text,
            birth_text,
            requester,
            flags,
            schrijnend_ref,
            bsn,
            name,
            team_id,
            status,
            client_id,
            employer_consents,
            dwangsom_kind,
            deadline_text,
            central_outcome,
            ref_key,
        ) in rows:
            received = dates.get(received_text)
            if received is None:
                received = dates[received_text] = fromiso(received_text)
            birth = None
            if birth_text:
                birth = dates.get(birth_text)
                if birth is None:
                    birth = dates[birth_text] = fromiso(birth_text)
            (
                motivated,
                working,
                consents,
                schrijnend,
                ingebrekestelling,
                dwangsom,
                medical_reason,
            ) = flag_sets[flags]
            facts = new_facts(
                ref,
                intern(service),
                received,
                birth,
                intern(requester) if requester else None,
                motivated,
                working,
                consents,
                schrijnend,
                schrijnend_ref or None,
                ingebrekestelling,
                dwangsom,
                medical_reason,
                None if employer_consents is None else bool(employer_consents),
                dwangsom_kind,
                fromiso(deadline_text) if deadline_text else None,
                central_outcome,
                ref_key,
            )
            yield new_case(facts, bsn, name, intern(team_id), intern(status), client_id)


def get_case(store: Store, case_ref: str) -> Case | None:
    row = store.conn.execute(_CASE_SELECT + " WHERE c.case_ref = ?", (case_ref,)).fetchone()
    return _case_row(row) if row else None
