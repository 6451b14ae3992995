"""Batches are written through a staging table and one INSERT … SELECT; the outcome must be that
of writing the rows one by one: same rows, same order, every constraint applied, one access-log
record per case in the same transaction, and nothing at all when one row is refused."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core.model import Actor, Case, Client
from mdbtriage.core.validation import bsn_check
from mdbtriage.store.database import BULK_MIN_ROWS, Store, insert_rows
from mdbtriage.store.records import upsert_cases

ACTOR = Actor(user_id="T-VA1", name="Test", role="VA")
SERVICES = ("WIA_CLAIM", "HERBEOORDELING", "ZW", "BEZWAAR")


def _bsns(n: int) -> list[str]:
    found: list[str] = []
    candidate = 100000000
    while len(found) < n:
        candidate += 1
        if bsn_check(str(candidate)):
            found.append(str(candidate))
    return found


def _cases(n: int) -> list[Case]:
    bsns = _bsns(n // 2 + 1)
    return [
        Case.entered(
            case_ref=f"R-{i:04d}",
            client=Client(bsn=bsns[i // 2], name=f"Cliënt {i // 2}", birth_date=date(1970, 1, 2)),
            service=SERVICES[i % len(SERVICES)],
            received_on=date(2026, 1 + i % 10, 1 + i % 27),
            team=f"T{i % 3}",
            requester="werkgever"
            if SERVICES[i % len(SERVICES)] in ("HERBEOORDELING", "BEZWAAR")
            else None,
            motivated=i % 2 == 0,
            schrijnend=i % 7 == 0,
            schrijnend_ref=f"CT-{i}" if i % 7 == 0 else None,
            status=("open", "in_behandeling", "afgerond")[i % 3],
        )
        for i in range(n)
    ]


def _content(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    cases = store.conn.execute(
        "SELECT c.rowid, c.case_ref, k.bsn, k.name, k.birth_date, c.service, c.received_on, "
        "c.team_id, c.requester, c.motivated, c.working, c.consents_60_plus, c.schrijnend, "
        "c.schrijnend_ref, c.ingebrekestelling, c.dwangsom, c.status "
        "FROM cases c JOIN clients k USING (client_id) ORDER BY c.rowid"
    ).fetchall()
    clients = store.conn.execute(
        "SELECT client_id, bsn, name, birth_date FROM clients ORDER BY client_id"
    ).fetchall()
    log = store.conn.execute(
        "SELECT log_id, event, client_id, case_ref, user_id, outcome, purpose FROM audit_log "
        "ORDER BY log_id"
    ).fetchall()
    return cases, clients, log


def test_a_batch_gives_what_writing_each_case_alone_gives(tmp_path: Path) -> None:
    cases = _cases(3 * BULK_MIN_ROWS)
    # a second batch: updates, a repeated new reference, a changed client name
    second = [
        replace(cases[5], status="afgerond"),
        replace(cases[0], client_name="Nieuwe naam"),
        *_cases(3 * BULK_MIN_ROWS + 4)[-4:],
        _cases(3 * BULK_MIN_ROWS + 4)[-1].with_facts(service="ZW", requester=None),
        *cases[40:80],
    ]
    with (
        Store.open(tmp_path / "batch.sqlite3") as batch,
        Store.open(tmp_path / "one.sqlite3") as one,
    ):
        first_counts = upsert_cases(batch, cases, ACTOR, "import a.csv")
        second_counts = upsert_cases(batch, second, ACTOR, "import b.csv")
        for case in cases:
            upsert_cases(one, [case], ACTOR, "import a.csv")
        for case in second:
            upsert_cases(one, [case], ACTOR, "import b.csv")
        batch_cases, batch_clients, batch_log = _content(batch)
        one_cases, one_clients, one_log = _content(one)
        assert (batch_cases, batch_clients) == (one_cases, one_clients)
        # the same records in the same order; only the event of a reference that repeats
        # within a batch differs: the batch calls both occurrences new ("create")
        assert [r[:1] + r[2:] for r in batch_log] == [r[:1] + r[2:] for r in one_log]
        differ = [(b[3], b[1], o[1]) for b, o in zip(batch_log, one_log, strict=True) if b != o]
        assert differ == [("R-0099", "create", "change")]
        assert (first_counts.created, first_counts.updated) == (len(cases), 0)
        assert (second_counts.created, second_counts.updated) == (5, len(second) - 5)
        events = [row[1] for row in _content(batch)[2]]
        assert (
            events
            == ["create"] * len(cases) + ["change", "change"] + ["create"] * 5 + ["change"] * 40
        )
        assert batch.count("audit_log") == len(cases) + len(second)


def test_one_refused_row_writes_nothing_of_the_batch(store: Store) -> None:
    cases = _cases(2 * BULK_MIN_ROWS)
    cases[50] = cases[50].with_facts(service="GEEN_DIENST")  # refused by the table's CHECK
    before = _content(store)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        upsert_cases(store, cases, ACTOR, "import kapot.csv")
    assert _content(store) == before  # no case, no client, no access-log record
    upsert_cases(store, _cases(2 * BULK_MIN_ROWS), ACTOR, "import goed.csv")  # staging is clean
    assert store.count("cases") == 2 * BULK_MIN_ROWS


def test_a_refused_audit_record_rolls_the_cases_back(store: Store) -> None:
    """The access-log records are written in the same transaction as the cases."""
    cases = _cases(2 * BULK_MIN_ROWS)
    bad_actor = Actor(user_id=None, name="x", role="VA")  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        upsert_cases(store, cases, bad_actor, "import.csv")
    assert store.count("cases") == 0 and store.count("clients") == 0
    assert store.count("audit_log") == 0


@pytest.mark.parametrize("n", [1, BULK_MIN_ROWS - 1, BULK_MIN_ROWS, 5 * BULK_MIN_ROWS])
def test_insert_rows_returns_the_returning_rows_in_both_paths(store: Store, n: int) -> None:
    with store.atomic() as conn:
        found = insert_rows(
            conn,
            "INSERT INTO teams (team_id, name)",
            2,
            [(f"T{i}", f"Team {i}") for i in range(n)],
            " ON CONFLICT (team_id) DO UPDATE SET name = excluded.name RETURNING team_id, name",
        )
    assert sorted(found) == sorted((f"T{i}", f"Team {i}") for i in range(n))
    rows = store.conn.execute("SELECT team_id, name FROM teams ORDER BY rowid").fetchall()
    assert rows == [(f"T{i}", f"Team {i}") for i in range(n)]  # in input order
