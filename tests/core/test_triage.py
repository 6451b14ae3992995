"""The werkvoorraad order of domain.md, the worked example, and its properties."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.model import REQUESTERS, SERVICES
from mdbtriage.core.policy import load_policy
from mdbtriage.core.triage import (
    FLAG_SCHRIJNEND_ZONDER_TOETS,
    CaseFacts,
    build_queue,
    classify,
    placement_dict,
)

POLICY = load_policy()
ON = date(2026, 11, 23)

WORKED_EXAMPLE = [
    CaseFacts("R-7", "ZW", date(2026, 4, 2)),
    CaseFacts(
        "R-3",
        "HERBEOORDELING",
        date(2025, 10, 1),
        requester="werkgever",
        motivated=False,
        ingebrekestelling=True,
    ),
    CaseFacts("R-5", "WIA_CLAIM", date(2026, 8, 14), birth_date=date(1963, 5, 1), working=True),
    CaseFacts("R-1", "ABA", date(2026, 8, 14)),
    CaseFacts(
        "R-9",
        "BEZWAAR",
        date(2026, 1, 20),
        requester="werknemer",
        motivated=True,
        schrijnend=True,
        schrijnend_ref="CT-2026-004",
    ),
    CaseFacts(
        "R-2",
        "HERBEOORDELING",
        date(2026, 2, 11),
        requester="werknemer",
        motivated=True,
        schrijnend=True,
    ),
]


def test_worked_example_order_classes_and_routes() -> None:
    queue = build_queue(WORKED_EXAMPLE, ON, POLICY)
    assert [p.case_ref for p in queue] == ["R-1", "R-5", "R-9", "R-7", "R-3", "R-2"]
    by_ref = {p.case_ref: p for p in queue}
    assert {r: by_ref[r].klasse for r in by_ref} == {
        "R-1": "A",
        "R-5": "A",
        "R-9": "B",
        "R-7": "C",
        "R-3": "D",
        "R-2": "D",
    }
    assert {r: by_ref[r].route.code for r in by_ref} == {
        "R-1": "REGULIER",
        "R-5": "PRAKTISCH",
        "R-9": "REGULIER",
        "R-7": "REGULIER",
        "R-3": "ONVOLLEDIG",
        "R-2": "REGULIER",
    }
    r3 = by_ref["R-3"]
    assert (r3.waiting_days, r3.overdue_days, r3.over_six_months) == (418, 362, True)
    assert FLAG_SCHRIJNEND_ZONDER_TOETS in by_ref["R-2"].flags
    assert by_ref["R-5"].lead_role == "AD" and by_ref["R-3"].lead_role == "PB"


def test_reasons_are_checkable_sentences() -> None:
    queue = build_queue(WORKED_EXAMPLE, ON, POLICY)
    r3 = next(p for p in queue if p.case_ref == "R-3")
    reasons = r3.reasons(POLICY)
    assert reasons[0] == "klasse D: herbeoordeling (wordt niet opgepakt)"
    assert "8-wekentermijn 362 dagen verstreken" in reasons
    assert "langer dan 6 maanden" in reasons
    assert any("ingebrekestelling" in r and "volgorde niet" in r for r in reasons)
    r1 = queue[0]
    assert r1.reasons(POLICY)[0] == "klasse A: beoordeling arbeidsvermogen"


def test_json_object_has_every_contract_key() -> None:
    placement = build_queue(WORKED_EXAMPLE, ON, POLICY)[0]
    assert set(placement_dict(placement, POLICY)) >= {
        "case_ref",
        "position",
        "class",
        "service",
        "route",
        "lead_role",
        "received_on",
        "waiting_days",
        "overdue_days",
        "over_six_months",
        "flags",
        "reasons",
    }


def test_sixty_plus_only_while_in_force_and_with_consent() -> None:
    base = CaseFacts(
        "X",
        "WIA_CLAIM",
        date(2025, 6, 1),
        birth_date=date(1963, 1, 1),
        consents_60_plus=True,
        working=True,
    )
    assert build_queue([base], ON, POLICY)[0].route.code == "60_PLUS"
    no_consent = replace(base, consents_60_plus=False)
    assert build_queue([no_consent], ON, POLICY)[0].route.code == "PRAKTISCH"
    too_young = replace(base, birth_date=date(1966, 1, 1))
    assert build_queue([too_young], ON, POLICY)[0].route.code == "PRAKTISCH"
    after = replace(base, received_on=date(2026, 1, 5))
    assert build_queue([after], ON, POLICY)[0].route.code == "PRAKTISCH"
    before_praktisch = replace(base, received_on=date(2024, 6, 1), birth_date=date(1970, 1, 1))
    assert build_queue([before_praktisch], ON, POLICY)[0].route.code == "REGULIER"


def test_six_months_is_the_same_calendar_day() -> None:
    on_edge = CaseFacts("E", "ZW", date(2026, 5, 23))
    before = CaseFacts("F", "ZW", date(2026, 5, 22))
    queue = {p.case_ref: p for p in build_queue([on_edge, before], ON, POLICY)}
    assert not queue["E"].over_six_months
    assert queue["F"].over_six_months


def test_extended_term_policy_changes_overdue_not_order() -> None:
    extended = load_policy("verlengde-termijn-2026")
    normal = build_queue(WORKED_EXAMPLE, ON, POLICY)
    longer = build_queue(WORKED_EXAMPLE, ON, extended)
    assert [p.case_ref for p in normal] == [p.case_ref for p in longer]
    r7_normal = next(p for p in normal if p.case_ref == "R-7")
    r7_longer = next(p for p in longer if p.case_ref == "R-7")
    assert r7_longer.term_weeks == 16
    assert r7_longer.overdue_days == r7_normal.overdue_days - 56


# --- properties -------------------------------------------------------------------------------

refs = st.text(alphabet="ABCDEFGHJK0123456789-", min_size=1, max_size=8)
facts = st.builds(
    CaseFacts,
    case_ref=refs,
    service=st.sampled_from(sorted(SERVICES)),
    received_on=st.dates(min_value=date(2023, 1, 1), max_value=ON),
    birth_date=st.one_of(
        st.none(), st.dates(min_value=date(1950, 1, 1), max_value=date(2004, 1, 1))
    ),
    requester=st.one_of(st.none(), st.sampled_from(sorted(REQUESTERS))),
    motivated=st.booleans(),
    working=st.booleans(),
    consents_60_plus=st.booleans(),
    schrijnend=st.booleans(),
    schrijnend_ref=st.one_of(st.none(), st.just("CT-2026-001")),
    ingebrekestelling=st.booleans(),
    dwangsom=st.booleans(),
)
case_lists = st.lists(facts, max_size=40, unique_by=lambda f: f.case_ref)


@given(case_lists, st.data())
def test_ingebrekestelling_and_dwangsom_never_change_the_order(
    cases: list[CaseFacts], data: st.DataObject
) -> None:
    flipped = [
        replace(c, ingebrekestelling=data.draw(st.booleans()), dwangsom=data.draw(st.booleans()))
        for c in cases
    ]
    assert [p.case_ref for p in build_queue(cases, ON, POLICY)] == [
        p.case_ref for p in build_queue(flipped, ON, POLICY)
    ]


@given(case_lists)
def test_within_a_class_receipt_dates_never_decrease(cases: list[CaseFacts]) -> None:
    queue = build_queue(cases, ON, POLICY)
    for before, after in itertools.pairwise(queue):
        assert before.klasse <= after.klasse
        if before.klasse == after.klasse:
            assert (before.facts.received_on, before.case_ref) < (
                after.facts.received_on,
                after.case_ref,
            )


@given(case_lists, st.randoms())
def test_order_is_total_and_independent_of_input_order(cases: list[CaseFacts], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(cases)
    rnd.shuffle(shuffled)
    first = build_queue(cases, ON, POLICY)
    second = build_queue(shuffled, ON, POLICY)
    assert [p.case_ref for p in first] == [p.case_ref for p in second]
    assert [p.position for p in first] == list(range(1, len(cases) + 1))


@given(facts)
def test_schrijnend_without_central_reference_keeps_its_normal_class(case: CaseFacts) -> None:
    unapproved = replace(case, schrijnend=True, schrijnend_ref=None)
    plain = replace(case, schrijnend=False, schrijnend_ref=None)
    assert classify(unapproved, POLICY) == classify(plain, POLICY)
    placement = build_queue([unapproved], ON, POLICY)[0]
    assert FLAG_SCHRIJNEND_ZONDER_TOETS in placement.flags


@settings(max_examples=50)
@given(case_lists, st.integers(min_value=0, max_value=400))
def test_waiting_and_overdue_are_consistent(cases: list[CaseFacts], days_later: int) -> None:
    on = ON + timedelta(days=days_later)
    for p in build_queue(cases, on, POLICY):
        assert p.waiting_days == (on - p.facts.received_on).days
        assert p.overdue_days == max(0, p.waiting_days - 56)
        assert (p.overdue_days > 0) == ("termijn verstreken" in p.flags)
