"""Bulk writes of cases: new references inserted, known ones updated, last occurrence wins,
counts and access-log records as for one upsert per case."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from mdbtriage.core.model import Actor, Case, Client
from mdbtriage.store.database import Store
from mdbtriage.store.records import get_case, upsert_cases

pytestmark = pytest.mark.both_stores


def _case(ref: str, bsn: str, service: str = "ZW", **kw: object) -> Case:
    return Case.entered(
        case_ref=ref,
        client=Client(bsn=bsn, name=f"Cliënt {bsn[-3:]}", birth_date=date(1970, 1, 1)),
        service=service,
        received_on=date(2026, 3, 4),
        team="T1",
        **kw,
    )


def test_known_new_and_repeated_references(store: Store, actor: Actor) -> None:
    first = upsert_cases(store, [_case("K-1", "111222333")], actor, purpose="eerste")
    assert (first.created, first.updated) == (1, 0)
    batch = [
        _case("K-1", "111222333", service="ABA", dwangsom=True),
        _case("N-1", "123456782"),
        _case("N-1", "123456782", service="EZWB", status="in_behandeling"),
        _case("N-2", "111222333"),
    ]
    counts = upsert_cases(store, batch, actor, purpose="tweede")
    assert (counts.created, counts.updated) == (3, 1)
    k1, n1, n2 = (get_case(store, ref) for ref in ("K-1", "N-1", "N-2"))
    assert k1 is not None and (k1.facts.service, k1.facts.dwangsom) == ("ABA", True)
    assert n1 is not None and (n1.facts.service, n1.status) == ("EZWB", "in_behandeling")
    assert n2 is not None and n2.client_id == k1.client_id
    assert store.count("cases") == 3
    events = store.conn.execute(
        "SELECT case_ref, event FROM audit_log WHERE purpose = 'tweede' ORDER BY log_id"
    ).fetchall()
    assert events == [("K-1", "change"), ("N-1", "create"), ("N-1", "create"), ("N-2", "create")]
    created, updated = store.conn.execute(
        "SELECT created_at, updated_at FROM cases WHERE case_ref = 'K-1'"
    ).fetchone()
    assert created <= updated


@pytest.mark.workstation_only
def test_page_cache_is_restored_and_a_failed_batch_writes_nothing(
    store: Store, actor: Actor
) -> None:
    before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    upsert_cases(store, [_case("C-1", "111222333")], actor, purpose="x")
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == before
    bad = _case("C-2", "123456782").with_facts(service="ONBEKEND")
    with pytest.raises(sqlite3.IntegrityError):
        upsert_cases(store, [_case("C-3", "123456782"), bad], actor, purpose="y")
    assert store.count("cases") == 1
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == before
