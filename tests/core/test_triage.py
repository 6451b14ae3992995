"""The werkvoorraad order of domain.md, the worked example, and its properties."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.model import REQUESTERS, SERVICES, CaseFacts
from mdbtriage.core.ordering import natural_key
from mdbtriage.core.policy import load_policy
from mdbtriage.core.triage import (
    FLAG_SCHRIJNEND_AFGEWEZEN,
    FLAG_SCHRIJNEND_ZONDER_TOETS,
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
        central_outcome="toegekend",
    ),
    CaseFacts(
        "R-2",
        "HERBEOORDELING",
        date(2026, 2, 11),
        requester="werknemer",
        motivated=True,
        schrijnend=True,
        schrijnend_ref="n.v.t.",
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
        "R-7": "REINTEGRATIE",
        "R-3": "ONVOLLEDIG",
        "R-2": "REGULIER",
    }
    r3 = by_ref["R-3"]
    # R-3 has waited over six months, but the six-month target (and its flag) covers the
    # policy's target services only: the WIA-claimbeoordeling (contract.md).
    assert (r3.waiting_days, r3.overdue_days, r3.over_six_months) == (418, 362, False)
    assert FLAG_SCHRIJNEND_ZONDER_TOETS in by_ref["R-2"].flags
    assert by_ref["R-5"].lead_role == "AD" and by_ref["R-3"].lead_role == "PB"
    assert by_ref["R-7"].lead_role == "RIB"
    r7 = by_ref["R-7"]
    assert (r7.term_weeks, r7.term_ends_on, r7.overdue_days) == (None, None, 0)
    assert "termijn verstreken" not in r7.flags and not r7.over_six_months


def test_reasons_are_checkable_sentences() -> None:
    queue = build_queue(WORKED_EXAMPLE, ON, POLICY)
    r3 = next(p for p in queue if p.case_ref == "R-3")
    reasons = r3.reasons(POLICY)
    assert reasons[0] == "klasse D: herbeoordeling (wordt niet opgepakt)"
    assert "8-wekentermijn 362 dagen verstreken (liep tot en met 26-11-2025)" in reasons
    assert not any("maanden" in r for r in reasons)
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
        "term_ends_on",
        "over_six_months",
        "flags",
        "reasons",
    }


def test_sixty_plus_only_until_2024_and_with_client_and_employer_consent() -> None:
    base = CaseFacts(
        "X",
        "WIA_CLAIM",
        date(2024, 12, 31),
        birth_date=date(1963, 1, 1),
        consents_60_plus=True,
        working=True,
    )
    assert build_queue([base], ON, POLICY)[0].route.code == "60_PLUS"
    employer_agrees = replace(base, employer_consents_60_plus=True)
    assert build_queue([employer_agrees], ON, POLICY)[0].route.code == "60_PLUS"
    employer_refuses = replace(base, employer_consents_60_plus=False)
    assert build_queue([employer_refuses], ON, POLICY)[0].route.code == "PRAKTISCH"
    no_consent = replace(base, consents_60_plus=False)
    assert build_queue([no_consent], ON, POLICY)[0].route.code == "PRAKTISCH"
    too_young = replace(base, birth_date=date(1966, 1, 1))
    assert build_queue([too_young], ON, POLICY)[0].route.code == "PRAKTISCH"
    in_2025 = replace(base, received_on=date(2025, 1, 1))
    assert build_queue([in_2025], ON, POLICY)[0].route.code == "PRAKTISCH"
    before_praktisch = replace(base, received_on=date(2024, 6, 1), birth_date=date(1970, 1, 1))
    assert build_queue([before_praktisch], ON, POLICY)[0].route.code == "REGULIER"


def test_zw_starts_with_reintegration_unless_a_medical_reason_is_recorded() -> None:
    zw = CaseFacts("Z", "ZW", date(2026, 3, 1))
    placement = build_queue([zw], ON, POLICY)[0]
    assert (placement.route.code, placement.lead_role) == ("REINTEGRATIE", "RIB")
    medical = build_queue([replace(zw, medical_reason=True)], ON, POLICY)[0]
    assert (medical.route.code, medical.lead_role) == ("REGULIER", "VA")
    before = build_queue([replace(zw, received_on=date(2025, 12, 31))], ON, POLICY)[0]
    assert before.route.code == "REGULIER"


def test_six_months_is_the_same_calendar_day_for_the_target_service_only() -> None:
    on_edge = CaseFacts("E", "WIA_CLAIM", date(2026, 5, 23))
    before = CaseFacts("F", "WIA_CLAIM", date(2026, 5, 22))
    other = CaseFacts("G", "ZW", date(2025, 5, 22))
    queue = {p.case_ref: p for p in build_queue([on_edge, before, other], ON, POLICY)}
    assert not queue["E"].over_six_months
    assert queue["F"].over_six_months and "langer dan 6 maanden" in queue["F"].flags
    assert not queue["G"].over_six_months
    assert not any("maanden" in flag for flag in queue["G"].flags)


def test_six_months_sentence_follows_the_policy_setting() -> None:
    four = replace(POLICY, six_months=4)
    case = CaseFacts("F", "WIA_CLAIM", date(2026, 6, 1))
    placement = build_queue([case], ON, four)[0]
    assert "langer dan 4 maanden" in placement.flags
    assert "langer dan 4 maanden" in placement.reasons(four)


def test_terms_per_service() -> None:
    received = date(2026, 1, 5)
    cases = [
        CaseFacts("W", "WIA_CLAIM", received),
        CaseFacts("H", "HERBEOORDELING", received, requester="werknemer", motivated=True),
        CaseFacts("U", "HERBEOORDELING", received, requester="uwv"),
        CaseFacts("M", "WIJZIGING_GEZONDHEID", received),
        CaseFacts("Z", "ZW", received),
        CaseFacts("B", "BEZWAAR", received, requester="werknemer"),
    ]
    by_ref = {p.case_ref: p for p in build_queue(cases, ON, POLICY)}
    assert {r for r, p in by_ref.items() if p.term_weeks == 8} == {"W", "H"}
    for ref in "UMZB":
        placement = by_ref[ref]
        assert placement.overdue_days == 0 and placement.term_ends_on is None
        assert "termijn verstreken" not in placement.flags
        assert "geen wettelijke beslistermijn voor deze dienst" in placement.reasons(POLICY)
        assert placement_dict(placement, POLICY)["term_ends_on"] is None
    assert placement_dict(by_ref["W"], POLICY)["term_ends_on"] == "2026-03-02"


def test_a_term_ending_on_saturday_is_not_overdue_until_tuesday() -> None:
    # received Saturday 2026-09-05: eight weeks end on Saturday 2026-10-31, moved to Monday.
    case = CaseFacts("S", "WIA_CLAIM", date(2026, 9, 5))
    on_sunday = build_queue([case], date(2026, 11, 1), POLICY)[0]
    assert on_sunday.term_ends_on == date(2026, 11, 2)
    assert on_sunday.overdue_days == 0 and "termijn verstreken" not in on_sunday.flags
    assert build_queue([case], date(2026, 11, 2), POLICY)[0].overdue_days == 0
    on_tuesday = build_queue([case], date(2026, 11, 3), POLICY)[0]
    assert on_tuesday.overdue_days == 1
    assert any("1 dag verstreken" in r for r in on_tuesday.reasons(POLICY))


def test_a_term_ending_on_a_holiday_moves_past_it() -> None:
    # received 2026-02-06: eight weeks end on Goede Vrijdag 2026-04-03, then the weekend and
    # tweede Paasdag: the term ends on Tuesday 2026-04-07.
    case = CaseFacts("P", "WIA_CLAIM", date(2026, 2, 6))
    assert build_queue([case], ON, POLICY)[0].term_ends_on == date(2026, 4, 7)
    without_law = replace(POLICY, termijnenwet=False)
    assert build_queue([case], ON, without_law)[0].term_ends_on == date(2026, 4, 3)


def test_the_queue_on_a_date_leaves_out_cases_received_after_it() -> None:
    queue = build_queue(WORKED_EXAMPLE, date(2026, 3, 1), POLICY)
    assert [p.case_ref for p in queue] == ["R-9", "R-3", "R-2"]
    assert [p.position for p in queue] == [1, 2, 3]
    assert all(p.waiting_days >= 0 for p in queue)


def test_ties_in_natural_order() -> None:
    day = date(2026, 6, 1)
    refs = ["R-10", "r-9", "R-9a", "R-100", "R-2", "Q-11"]
    queue = build_queue([CaseFacts(r, "ABA", day) for r in refs], ON, POLICY)
    assert [p.case_ref for p in queue] == ["Q-11", "R-2", "r-9", "R-9a", "R-10", "R-100"]


def test_central_decision_decides_class_b_and_its_flags() -> None:
    base = CaseFacts(
        "H",
        "HERBEOORDELING",
        date(2026, 3, 1),
        requester="werknemer",
        motivated=True,
        schrijnend=True,
        schrijnend_ref="CT-1",
    )
    granted = build_queue([replace(base, central_outcome="toegekend")], ON, POLICY)[0]
    assert granted.klasse == "B"
    refused = build_queue([replace(base, central_outcome="afgewezen")], ON, POLICY)[0]
    assert refused.klasse == "D" and FLAG_SCHRIJNEND_AFGEWEZEN in refused.flags
    for text in ("-", "n.v.t.", "aangevraagd", "CT-1"):
        missing = build_queue([replace(base, schrijnend_ref=text)], ON, POLICY)[0]
        assert missing.klasse == "D" and FLAG_SCHRIJNEND_ZONDER_TOETS in missing.flags


def test_other_services_never_get_the_central_flag() -> None:
    for service in ("WIA_CLAIM", "ZW", "ABA"):
        case = CaseFacts("X", service, date(2026, 3, 1), schrijnend=True, schrijnend_ref="CT-9")
        flags = build_queue([case], ON, POLICY)[0].flags
        assert not any("centrale toets" in flag for flag in flags)


def test_one_day_is_singular() -> None:
    case = CaseFacts("D", "ZW", ON - timedelta(days=1))
    assert any("(1 dag)" in r for r in build_queue([case], ON, POLICY)[0].reasons(POLICY))


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
    medical_reason=st.booleans(),
    employer_consents_60_plus=st.one_of(st.none(), st.booleans()),
    central_outcome=st.sampled_from([None, "toegekend", "afgewezen"]),
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
            assert (before.facts.received_on, natural_key(before.case_ref), before.case_ref) < (
                after.facts.received_on,
                natural_key(after.case_ref),
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
def test_schrijnend_without_granted_decision_keeps_its_normal_class(case: CaseFacts) -> None:
    outcome = case.central_outcome if case.central_outcome != "toegekend" else None
    unapproved = replace(case, schrijnend=True, central_outcome=outcome)
    plain = replace(case, schrijnend=False, schrijnend_ref=None, central_outcome=None)
    assert classify(unapproved, POLICY) == classify(plain, POLICY)
    placement = build_queue([unapproved], ON, POLICY)[0]
    flagged = case.service in ("HERBEOORDELING", "BEZWAAR")
    assert flagged == any(f.startswith("schrijnend: centrale toets") for f in placement.flags)


@settings(max_examples=50)
@given(case_lists, st.integers(min_value=0, max_value=400))
def test_waiting_and_overdue_are_consistent(cases: list[CaseFacts], days_later: int) -> None:
    on = ON + timedelta(days=days_later)
    for p in build_queue(cases, on, POLICY):
        assert p.waiting_days == (on - p.facts.received_on).days
        if p.term_ends_on is None:
            assert p.overdue_days == 0 and p.term_weeks is None
        else:
            moved = (p.term_ends_on - p.facts.received_on).days - 56
            assert 0 <= moved <= 4
            assert p.term_ends_on.weekday() < 5
            assert p.overdue_days == max(0, p.waiting_days - 56 - moved)
        assert (p.overdue_days > 0) == ("termijn verstreken" in p.flags)


def test_unplanned_and_long_overdue_follow_the_policy() -> None:
    by_ref = {p.case_ref: p for p in build_queue(WORKED_EXAMPLE, ON, POLICY)}
    assert by_ref["R-3"].unplanned and by_ref["R-3"].long_overdue  # 362 days past 8 weeks
    assert not by_ref["R-1"].unplanned and not by_ref["R-7"].long_overdue
    everything_planned = replace(POLICY, unplanned_classes=frozenset())
    r3 = next(p for p in build_queue(WORKED_EXAMPLE, ON, everything_planned) if p.case_ref == "R-3")
    assert not r3.unplanned and "wordt niet opgepakt" not in r3.flags
