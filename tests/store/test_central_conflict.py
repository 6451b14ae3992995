"""A central decision that names a case and a BSN of different clients covers nothing; it is
refused against the store on both stores (``store.central.decision_conflicts``), in an import
as a bad row and in ``record_decisions`` itself, with nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from mdbtriage.core.central import CentralDecision, parse_central
from mdbtriage.core.model import Actor
from mdbtriage.store.central import (
    DecisionConflict,
    check_against_store,
    decision_by_ref,
    decision_conflicts,
    record_decisions,
)
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo

pytestmark = pytest.mark.both_stores

TODAY = date(2026, 11, 23)
ACTOR = Actor("demo", "demo", "TL")


def _two_cases(store: Store) -> list[tuple[str, str]]:
    load_demo(store, n_cases=20, seed=3, today=TODAY, actor=ACTOR)
    rows = store.conn.execute(
        "SELECT c.case_ref, k.bsn FROM cases c JOIN clients k ON k.client_id = c.client_id "
        "ORDER BY c.case_ref"
    ).fetchall()
    first = (str(rows[0][0]), str(rows[0][1]))
    other = next((str(r[0]), str(r[1])) for r in rows if str(r[1]) != first[1])
    return [first, other]


def test_a_case_of_another_client_is_refused(store: Store) -> None:
    (case, bsn), (_, other_bsn) = _two_cases(store)
    wrong = CentralDecision("CT-X1", case, other_bsn, date(2026, 11, 1), "toegekend")
    right = CentralDecision("CT-X2", case, bsn, date(2026, 11, 1), "toegekend")
    alone = CentralDecision("CT-X3", case, None, date(2026, 11, 1), "toegekend")
    unknown = CentralDecision("CT-X4", "GEEN-ZAAK", other_bsn, date(2026, 11, 1), "afgewezen")
    found = decision_conflicts(store, [wrong, right, alone, unknown])
    assert list(found) == ["CT-X1"]
    assert found["CT-X1"][0] == "bsn" and case in found["CT-X1"][1]
    assert other_bsn not in found["CT-X1"][1] and bsn not in found["CT-X1"][1]  # masked
    with pytest.raises(DecisionConflict, match="CT-X1"):
        record_decisions(store, [right, wrong], ACTOR, "test")
    assert decision_by_ref(store, "CT-X2") is None  # nothing written
    assert record_decisions(store, [right, alone, unknown], ACTOR, "test") == (3, 0)


def test_an_import_reports_the_line_column_and_value(store: Store) -> None:
    (case, bsn), (_, other_bsn) = _two_cases(store)
    data = (
        "central_ref,case_ref,bsn,decided_on,outcome\n"
        f"CT-Y1,{case},{bsn},2026-11-01,toegekend\n"
        f"CT-Y2,{case},{other_bsn},2026-11-01,toegekend\n"
    )
    result = parse_central(data.encode(), TODAY)
    assert not result.errors
    check_against_store(store, result.rows)
    assert [(e.line, e.column, e.value) for e in result.errors] == [(3, "bsn", other_bsn)]
    assert [d.central_ref for d in result.valid] == ["CT-Y1"]
