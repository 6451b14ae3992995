"""Assigning, handing in, signing off and rejecting act today, and a delegation starts today or
later: no task can reach back past a revocation (core.taakdelegatie, dates injected)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.model import Staff
from mdbtriage.core.taakdelegatie import (
    ACTING_ACTIONS,
    Delegation,
    acting_day_problem,
    decide,
    delegation_problems,
    delegation_start_problem,
    load_ruleset,
)
from tests.core.test_taakdelegatie_properties import VAS, assignees, delegations

TODAY = date(2026, 11, 23)
RULES = load_ruleset("uniform-2026")
VA = Staff("V1", "Dokter", "VA", "T1", "12345678901", ())
SMV = Staff("S1", "Smv", "SMV", "T1", "10987654321", ())


def revoked_today(delegation_id: int = 3) -> Delegation:
    return Delegation(
        delegation_id=delegation_id,
        va_id="V1",
        delegate_id="S1",
        team="T1",
        tasks=frozenset({"RAPPORTAGE"}),
        valid_from=date(2026, 1, 1),
        revoked_on=TODAY,
    )


@pytest.mark.parametrize("on", [date(2026, 6, 1), date(9999, 12, 31), TODAY - timedelta(days=1)])
def test_an_assignment_dated_before_a_revocation_is_refused(on: date) -> None:
    before = decide("RAPPORTAGE", "ZW", SMV, VA, RULES, [revoked_today()], on)
    if on < TODAY:
        assert before.allowed, "as a question about that day the delegation was in force"
    decision = decide("RAPPORTAGE", "ZW", SMV, VA, RULES, [revoked_today()], on, today=TODAY)
    assert not decision.allowed and decision.delegation_id is None
    assert "altijd vandaag toegewezen" in decision.reason and "23-11-2026" in decision.reason
    today = decide("RAPPORTAGE", "ZW", SMV, VA, RULES, [revoked_today()], TODAY, today=TODAY)
    assert not today.allowed and "delegatie 3 van V1 is ingetrokken" in today.reason


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(sorted(RULES.tasks)),
    assignees(),
    st.lists(delegations(), max_size=4),
    st.integers(-800, 800),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 1, 1)),
)
def test_with_today_only_today_can_allow(
    task: str, who: Staff, delegs: list[Delegation], shift: int, today: date
) -> None:
    on = today + timedelta(days=shift)
    decision = decide(task, "ZW", who, None, RULES, delegs, on, staff=VAS, today=today)
    if on != today:
        assert not decision.allowed
    else:
        assert decision == decide(task, "ZW", who, None, RULES, delegs, on, staff=VAS)


@pytest.mark.parametrize("action", sorted(ACTING_ACTIONS))
def test_every_action_names_itself_and_today(action: str) -> None:
    assert acting_day_problem(TODAY, TODAY, action) is None
    past = acting_day_problem(date(2026, 6, 1), TODAY, action)
    future = acting_day_problem(date(2027, 1, 1), TODAY, action)
    assert past and "in het verleden" in past and "(23-11-2026)" in past
    assert future and "in de toekomst" in future
    assert ACTING_ACTIONS[action] in past


def test_a_delegation_starts_today_or_later() -> None:
    assert delegation_start_problem(TODAY, TODAY) is None
    assert delegation_start_problem(TODAY + timedelta(days=5), TODAY) is None
    problem = delegation_start_problem(TODAY - timedelta(days=1), TODAY)
    assert problem and "22-11-2026" in problem and "vandaag of later" in problem
    found = delegation_problems(
        VA, SMV, ["RAPPORTAGE"], [], RULES, date(2026, 1, 1), None, today=TODAY
    )
    assert any("vandaag of later" in p for p in found)
    assert delegation_problems(VA, SMV, ["RAPPORTAGE"], [], RULES, TODAY, None, today=TODAY) == []
