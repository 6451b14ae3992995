"""Properties of the delegation rules: a delegation never widens the rule set."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.model import SERVICES, Staff
from mdbtriage.core.taakdelegatie import (
    TASK_STATUSES,
    Delegation,
    TaskInfo,
    decide,
    in_sample,
    load_ruleset,
    sign_off_problem,
)

RULESETS = {r: load_ruleset(r) for r in ("uniform-2026", "taakherschikking-2026")}
TASKS = sorted(RULESETS["uniform-2026"].tasks)
ROLES = ("VA", "AIOS", "SMV", "AD", "RIB", "PB", "MS", "TL")
BASE = date(2026, 1, 1)

staff_ids = st.sampled_from(["V1", "V2", "S1", "S2", "A1"])


@st.composite
def delegations(draw):
    start = BASE + timedelta(days=draw(st.integers(0, 400)))
    end = draw(st.one_of(st.none(), st.integers(0, 300).map(lambda d: start + timedelta(d))))
    revoked = draw(st.one_of(st.none(), st.integers(0, 300).map(lambda d: start + timedelta(d))))
    return Delegation(
        delegation_id=draw(st.integers(1, 50)),
        va_id=draw(st.sampled_from(["V1", "V2"])),
        delegate_id=draw(staff_ids),
        team="T1",
        tasks=frozenset(draw(st.sets(st.sampled_from(TASKS), max_size=5))),
        services=frozenset(draw(st.sets(st.sampled_from(sorted(SERVICES)), max_size=3))),
        valid_from=start,
        valid_to=end,
        revoked_on=revoked,
    )


@st.composite
def assignees(draw):
    role = draw(st.sampled_from(ROLES))
    return Staff(
        staff_id=draw(staff_ids),
        name="X",
        role=role,
        team="T1",
        big_number="12345678901" if role in ("VA", "AIOS", "SMV") else None,
        qualifications=tuple(draw(st.sets(st.just("POST_HBO_AG")))),
    )


VAS = {
    "V1": Staff("V1", "Arts Een", "VA", "T1", "11111111111"),
    "V2": Staff("V2", "Arts Twee", "VA", "T1", "22222222222"),
}


@settings(max_examples=300, deadline=None)
@given(
    ruleset=st.sampled_from(sorted(RULESETS)),
    task=st.sampled_from(TASKS),
    service=st.sampled_from(sorted(SERVICES)),
    who=assignees(),
    by=st.one_of(st.none(), st.sampled_from(["V1", "V2"])),
    delegs=st.lists(delegations(), max_size=6),
    days=st.integers(0, 800),
)
def test_delegations_never_widen_the_rule_set(ruleset, task, service, who, by, delegs, days):
    rules = RULESETS[ruleset]
    on = BASE + timedelta(days=days)
    va = VAS[by] if by else None
    decision = decide(task, service, who, va, rules, delegs, on, staff=VAS)
    permission = rules.permission(task, who.role, service, who.qualifications)
    assert decision.permission == permission
    if permission == "nee":
        assert not decision.allowed
    if permission == "zelfstandig":
        assert decision.allowed and not decision.needs_sign_off
        assert decision == decide(task, service, who, va, rules, [], on, staff=VAS)
    if permission == "gedelegeerd" and decision.allowed:
        assert decision.needs_sign_off
        used = [d for d in delegs if d.delegation_id == decision.delegation_id]
        assert any(
            d.va_id == decision.delegating_va_id
            and d.delegate_id == who.staff_id
            and d.in_force(on)
            and d.covers(task, service)
            for d in used
        )
        if va is not None:
            assert decision.delegating_va_id == va.staff_id
    assert decision.reason and decision.summary


@settings(max_examples=100, deadline=None)
@given(
    task=st.sampled_from(TASKS),
    service=st.sampled_from(sorted(SERVICES)),
    who=assignees(),
    delegs=st.lists(delegations(), max_size=6),
    days=st.integers(0, 800),
)
def test_revoking_every_delegation_leaves_only_zelfstandig(task, service, who, delegs, days):
    rules = RULESETS["uniform-2026"]
    on = BASE + timedelta(days=days)
    revoked = [
        Delegation(
            d.delegation_id,
            d.va_id,
            d.delegate_id,
            d.team,
            d.tasks,
            d.services,
            d.valid_from,
            d.valid_to,
            revoked_on=min(on, d.revoked_on or on),
        )
        for d in delegs
    ]
    decision = decide(task, service, who, None, rules, revoked, on, staff=VAS)
    assert decision.allowed == (decision.permission == "zelfstandig")


@settings(max_examples=50, deadline=None)
@given(percentage=st.integers(0, 100), delegation_id=st.integers(1, 1000))
def test_sample_share_follows_the_percentage(percentage, delegation_id):
    picked = sum(in_sample(t, delegation_id, percentage) for t in range(1, 2001))
    assert abs(picked / 2000 - percentage / 100) < 0.05
    assert in_sample(5, delegation_id, 100)
    assert not in_sample(5, delegation_id, 0)


@settings(max_examples=100, deadline=None)
@given(
    status=st.sampled_from(sorted(TASK_STATUSES)),
    permission=st.sampled_from(["zelfstandig", "gedelegeerd"]),
    va=st.one_of(st.none(), st.sampled_from(["V1", "V2"])),
    by=st.sampled_from(["V1", "V2"]),
    action=st.sampled_from(["accorderen", "afwijzen"]),
)
def test_only_a_handed_in_delegated_task_is_accorded(status, permission, va, by, action):
    task = TaskInfo(9, "RAPPORTAGE", "S1", va, status, permission)
    problem = sign_off_problem(task, VAS[by], action)
    may = status == "te_accorderen" and permission == "gedelegeerd" and va == by
    assert (problem is None) == may
    if problem is not None and permission == "gedelegeerd" and va == by:
        assert f"'{TASK_STATUSES[status]}'" in problem
