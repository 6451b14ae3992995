"""Migration 0007 and the register of central decisions in the store: an old store gains the
natural keys and keeps its staff; MSP and PO can be stored; a decision re-places its case."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core.central import CentralDecision
from mdbtriage.core.model import Actor, Case, Client, Staff
from mdbtriage.core.ordering import natural_key
from mdbtriage.core.policy import load_policy
from mdbtriage.store.central import decision_for_case, list_decisions, record_decisions
from mdbtriage.store.database import Store
from mdbtriage.store.queue_view import load_queue
from mdbtriage.store.records import get_case, list_staff, upsert_cases, upsert_staff

pytestmark = pytest.mark.both_stores

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TL = Actor("T-TL1", "Teamleider", "TL")
ON = date(2026, 11, 23)


def test_an_old_store_gains_natural_keys_and_keeps_its_staff(tmp_path: Path) -> None:
    old = tmp_path / "oud.sqlite3"
    shutil.copyfile(FIXTURES / "store-v1.sqlite3", old)
    with Store.open(old) as store:
        keys = store.conn.execute("SELECT case_ref, ref_key FROM cases").fetchall()
        assert len(keys) == 40 and all(key == natural_key(ref) for ref, key in keys)
        assert len(list_staff(store)) > 0
        assert store.integrity_problems() == []


def test_msp_and_po_are_stored(store: Store) -> None:
    upsert_staff(
        store,
        [
            Staff("S-1", "Dr. Ezra Bakker", "MSP", "T1", big_number="12345678901"),
            Staff("S-2", "Noor Visser", "PO", "T1"),
        ],
    )
    assert {s.role for s in list_staff(store)} == {"MSP", "PO"}


def test_a_decision_re_places_its_case_and_is_logged(store: Store) -> None:
    client = Client("111222333", "Anna de Vries", date(1970, 5, 6))
    case = Case.entered(
        case_ref="R-10",
        client=client,
        service="HERBEOORDELING",
        received_on=date(2026, 2, 1),
        team="T1",
        requester="werknemer",
        motivated=True,
        schrijnend=True,
        schrijnend_ref="CT-7",
        medical_reason=False,
        employer_consents_60_plus=False,
        dwangsom=True,
        dwangsom_kind="rechterlijk",
        dwangsom_deadline=date(2027, 1, 31),
    )
    upsert_cases(store, [case], TL, "test")
    row = get_case(store, "R-10")
    assert row is not None and row.facts.ref_key == natural_key("R-10")
    assert row.facts.employer_consents_60_plus is False
    assert row.facts.dwangsom_deadline == date(2027, 1, 31)
    policy = load_policy()
    assert load_queue(store, ON, policy)[0].klasse == "D"
    decision = CentralDecision("CT-7", None, "111222333", date(2026, 3, 1), "toegekend")
    assert record_decisions(store, [decision], TL, "centrale beslissing vastleggen") == (1, 0)
    assert decision_for_case(store, "R-10") == decision
    assert list_decisions(store) == [decision]
    assert load_queue(store, ON, policy)[0].klasse == "B"
    logged = store.conn.execute(
        "SELECT event, client_id IS NOT NULL, details FROM audit_log "
        "WHERE purpose = 'centrale beslissing vastleggen'"
    ).fetchall()
    assert logged == [("create", 1, "centrale toets CT-7 van 01-03-2026: toegekend")]
