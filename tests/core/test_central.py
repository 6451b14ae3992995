"""Central decisions on schrijnende situations: one decision's rules, which cases it covers, the
central desk's CSV, the Algemene termijnenwet's holidays, and the herbeoordeling intake."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mdbtriage.core.central import CentralDecision, check_decision, covers, parse_central
from mdbtriage.core.herbeoordeling import assess, intake_outcome
from mdbtriage.core.ordering import natural_key
from mdbtriage.core.policy import load_policy
from mdbtriage.core.termijnen import easter_sunday, general_holidays, is_rest_day, term_end
from tests.core.test_herbeoordeling import EMPLOYER

TODAY = date(2026, 11, 23)
POLICY = load_policy()


def test_a_decision_needs_a_case_or_a_client_and_a_known_outcome() -> None:
    decision, problems = check_decision(
        {
            "central_ref": "CT-1",
            "case_ref": "",
            "bsn": "",
            "decided_on": "2026-01-05",
            "outcome": "misschien",
        },
        TODAY,
    )
    assert decision is None
    assert dict(problems) == {
        "case_ref": "zaaknummer of BSN is verplicht (beide leeg)",
        "outcome": "kies uit toegekend of afgewezen",
    }
    decision, problems = check_decision(
        {
            "central_ref": "CT-1",
            "bsn": "123456782",
            "decided_on": "05-01-2026",
            "outcome": "Toegekend",
        },
        TODAY,
    )
    assert problems == [] and decision == CentralDecision(
        "CT-1", None, "123456782", date(2026, 1, 5), "toegekend"
    )


def test_a_decision_by_bsn_covers_herbeoordelingen_and_bezwaren_received_before_it() -> None:
    by_bsn = CentralDecision("CT-1", None, "123456782", date(2026, 3, 1), "toegekend")
    assert covers(by_bsn, "R-1", "123456782", "HERBEOORDELING", date(2026, 3, 1))
    assert covers(by_bsn, "R-2", "123456782", "BEZWAAR", date(2026, 1, 1))
    assert not covers(by_bsn, "R-3", "123456782", "HERBEOORDELING", date(2026, 3, 2))
    assert not covers(by_bsn, "R-4", "123456782", "ZW", date(2026, 1, 1))
    assert not covers(by_bsn, "R-5", "111222333", "BEZWAAR", date(2026, 1, 1))
    by_case = CentralDecision("CT-2", "R-9", None, date(2026, 3, 1), "toegekend")
    assert covers(by_case, "R-9", "111222333", "BEZWAAR", date(2026, 6, 1))
    assert not covers(by_case, "R-10", "111222333", "BEZWAAR", date(2026, 1, 1))
    both = CentralDecision("CT-3", "R-9", "123456782", date(2026, 3, 1), "afgewezen")
    assert not covers(both, "R-9", "111222333", "BEZWAAR", date(2026, 1, 1))


def test_the_central_desks_csv_names_line_column_and_value() -> None:
    data = (
        b"central_ref;case_ref;bsn;decided_on;outcome\n"
        b"CT-1;R-1;;2026-01-05;toegekend\n"
        b"CT-2;;123456789;2026-01-05;afgewezen\n"
        b"CT-3;;;31-02-2026;ja\n"
        b"CT-1;R-2;;2026-01-06;afgewezen\n"
    )
    result = parse_central(data, TODAY)
    assert [d.central_ref for d in result.valid] == ["CT-1"]
    errors = {(e.line, e.column, e.value) for e in result.errors}
    assert (3, "bsn", "123456789") in errors
    assert {(4, "case_ref", ""), (4, "decided_on", "31-02-2026"), (4, "outcome", "ja")} <= errors
    assert (5, "central_ref", "CT-1") in errors
    unknown = parse_central(b"central_ref,case_ref,bsn,decided_on,uitkomst\n", TODAY)
    assert {e.column for e in unknown.file_errors} == {"uitkomst", "outcome"}


def test_easter_and_the_holidays_of_the_termijnenwet() -> None:
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2027) == date(2027, 3, 28)
    holidays = general_holidays(2026)
    assert holidays[date(2026, 4, 3)] == "Goede Vrijdag"
    assert holidays[date(2026, 5, 14)] == "Hemelvaartsdag"
    assert holidays[date(2026, 5, 25)] == "tweede Pinksterdag"
    assert holidays[date(2026, 4, 27)] == "Koningsdag"
    assert general_holidays(2025)[date(2025, 4, 26)] == "Koningsdag"  # the 27th is a Sunday
    assert term_end(date(2026, 12, 25)) == date(2026, 12, 28)
    assert term_end(date(2026, 5, 15), POLICY.extra_holidays) == date(2026, 5, 18)
    assert term_end(date(2026, 5, 15)) == date(2026, 5, 15)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_a_term_ends_on_the_first_working_day_from_its_last_day(day: date) -> None:
    end = term_end(day, POLICY.extra_holidays)
    assert end >= day and not is_rest_day(end, POLICY.extra_holidays)
    assert all(
        is_rest_day(day + timedelta(days=i), POLICY.extra_holidays) for i in range((end - day).days)
    )
    assert easter_sunday(day.year).weekday() == 6


@given(st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_./-]{0,8}", fullmatch=True), max_size=20))
def test_natural_key_orders_like_numbers_and_letters_without_case(refs: list[str]) -> None:
    import re

    def reference(ref: str) -> list[object]:
        return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", ref)]

    ordered = sorted(refs, key=natural_key)
    assert [reference(r) for r in ordered] == sorted(reference(r) for r in refs)


def _with_intake(ref: str | None) -> dict[str, object]:
    return {**EMPLOYER, "intake": {"schrijnend": True, "schrijnend_ref": ref}}


def test_the_intake_is_class_b_with_a_covering_granted_decision_and_says_so() -> None:
    assessment = assess(_with_intake("CT-2026-004"))
    granted = CentralDecision("CT-2026-004", None, "123456782", date(2026, 11, 10), "toegekend")
    outcome = intake_outcome(assessment, POLICY, granted)
    assert outcome.klasse == "B" and outcome.central_decision == granted
    assert outcome.schrijnend_text() == (
        "ja, centraal getoetst: centrale toets CT-2026-004 van 10-11-2026: toegekend"
    )
    refused = CentralDecision("CT-2026-004", None, "123456782", date(2026, 11, 10), "afgewezen")
    outcome = intake_outcome(assessment, POLICY, refused)
    assert outcome.klasse == "D" and "afgewezen" in outcome.schrijnend_text()
    other_client = CentralDecision(
        "CT-2026-004", None, "111222333", date(2026, 11, 10), "toegekend"
    )
    outcome = intake_outcome(assessment, POLICY, other_client)
    assert outcome.klasse == "D" and outcome.central_decision is None
    assert "geen centrale beslissing vastgelegd" in outcome.schrijnend_text()
