"""The default rule sets cell by cell, and the decision on an assignment."""

from __future__ import annotations

from datetime import date

import pytest

from mdbtriage.core.model import SERVICES, Staff
from mdbtriage.core.taakdelegatie import (
    Adoption,
    Delegation,
    RuleSetError,
    TaskInfo,
    available_rulesets,
    candidates,
    decide,
    delegation_problems,
    load_ruleset,
    ruleset_on,
    sign_off_problem,
    submit_problem,
)

ON = date(2026, 11, 23)
Z, G, N = "zelfstandig", "gedelegeerd", "nee"
ROLE_COLUMNS = ("VA", "AIOS", "SMV", "AD", "RIB", "PB", "MS")
# The table of domain.md, uniform-2026; "G1" is gedelegeerd except in WIA_CLAIM and ABA (nee).
TABLE = {
    "DOSSIERSTUDIE": (Z, Z, Z, Z, N, N, N),
    "INFO_OPVRAGEN": (Z, Z, G, N, N, N, G),
    "TEL_CONTACT": (Z, Z, Z, Z, Z, Z, N),
    "SPREEKUUR": (Z, G, "G1", N, N, N, N),
    "PROBLEEMANALYSE_ZW": (Z, G, G, N, N, N, N),
    "FML_CONCEPT": (Z, G, "G1", N, N, N, N),
    "FML_VASTSTELLEN": (Z, G, N, N, N, N, N),
    "CONCLUSIE": (Z, G, N, N, N, N, N),
    "ARBEIDSKUNDIG": (N, N, N, Z, N, N, N),
    "REINTEGRATIE": (Z, Z, Z, Z, Z, N, N),
    "RAPPORTAGE": (Z, G, G, N, N, N, N),
    "PLANNING": (Z, Z, Z, Z, Z, Z, Z),
}
CLAIM = ("WIA_CLAIM", "ABA")


def expected(task: str, role: str, service: str) -> str:
    cell = TABLE[task][ROLE_COLUMNS.index(role)]
    if cell == "G1":
        return N if service in CLAIM else G
    return cell


CELLS = [(task, role, service) for task in TABLE for role in ROLE_COLUMNS for service in SERVICES]


def person(
    staff_id: str,
    role: str,
    team: str = "T1",
    big: str | None = "12345678901",
    quals: tuple[str, ...] = (),
    active: bool = True,
) -> Staff:
    return Staff(
        staff_id=staff_id,
        name=f"Naam {staff_id}",
        role=role,
        team=team,
        big_number=big if role in ("VA", "AIOS", "SMV") else None,
        qualifications=quals,
        active=active,
    )


@pytest.fixture(scope="module")
def uniform():
    return load_ruleset("uniform-2026")


@pytest.fixture(scope="module")
def herschikking():
    return load_ruleset("taakherschikking-2026")


def test_shipped_rule_sets_load():
    assert {"uniform-2026", "taakherschikking-2026"} <= set(available_rulesets())
    assert set(load_ruleset("uniform-2026").tasks) == set(TABLE)


@pytest.mark.parametrize(("task", "role", "service"), CELLS)
def test_uniform_2026_table_cell(uniform, task, role, service):
    assert uniform.permission(task, role, service) == expected(task, role, service)
    # A qualification changes nothing in uniform-2026.
    assert uniform.permission(task, role, service, ("POST_HBO_AG",)) == expected(
        task, role, service
    )


@pytest.mark.parametrize("task", TABLE)
def test_team_lead_has_no_task_in_the_table(uniform, task):
    for service in SERVICES:
        assert uniform.permission(task, "TL", service) == N


@pytest.mark.parametrize("service", CLAIM)
@pytest.mark.parametrize("task", ["SPREEKUUR", "FML_CONCEPT"])
def test_claim_exception_names_the_rule(uniform, task, service):
    smv = person("S1", "SMV")
    va = person("V1", "VA")
    deleg = Delegation(1, "V1", "S1", "T1", frozenset({task}))
    decision = decide(task, service, smv, va, uniform, [deleg], ON)
    assert not decision.allowed
    assert decision.permission == N
    assert "claimbeoordeling" in decision.reason
    assert "regelset uniform-2026, regel" in decision.reason
    assert decision.rule is not None and service in decision.rule.services


@pytest.mark.parametrize(("task", "role", "service"), CELLS)
def test_taakherschikking_2026_cell(herschikking, task, role, service):
    plain = herschikking.permission(task, role, service)
    qualified = herschikking.permission(task, role, service, ("POST_HBO_AG",))
    assert plain == expected(task, role, service)
    if role == "SMV" and service == "ZW" and task in ("SPREEKUUR", "PROBLEEMANALYSE_ZW"):
        assert qualified == Z
    else:
        assert qualified == expected(task, role, service)


def test_taakherschikking_smv_in_zw_needs_no_delegation(herschikking):
    smv = person("S1", "SMV", quals=("POST_HBO_AG",))
    for task in ("SPREEKUUR", "PROBLEEMANALYSE_ZW"):
        decision = decide(task, "ZW", smv, None, herschikking, [], ON)
        assert decision.allowed and decision.permission == Z
        assert not decision.needs_sign_off
        assert "regelset taakherschikking-2026, regel " in decision.reason
        assert "POST_HBO_AG" in decision.reason and " van uniform" not in decision.reason
    # Without the qualification, or in another service, delegation is still required.
    plain = person("S2", "SMV")
    assert not decide("SPREEKUUR", "ZW", plain, None, herschikking, [], ON).allowed
    assert not decide("SPREEKUUR", "EZWB", smv, None, herschikking, [], ON).allowed
    claim = decide("SPREEKUUR", "WIA_CLAIM", smv, None, herschikking, [], ON)
    assert claim.permission == N
    assert "regelset taakherschikking-2026, regel 1 van uniform-2026" in claim.reason


def test_delegated_task_needs_an_existing_delegation(uniform):
    smv = person("S1", "SMV")
    va = person("V1", "VA")
    refused = decide("RAPPORTAGE", "ZW", smv, va, uniform, [], ON)
    assert not refused.allowed
    assert refused.permission == G
    assert "nooit verplicht te delegeren" in refused.reason
    deleg = Delegation(7, "V1", "S1", "T1", frozenset({"RAPPORTAGE"}), valid_from=date(2026, 1, 1))
    ok = decide("RAPPORTAGE", "ZW", smv, va, uniform, [deleg], ON)
    assert ok.allowed and ok.needs_sign_off
    assert ok.delegating_va_id == "V1" and ok.delegation_id == 7


def test_refusal_without_delegation_says_there_is_none(uniform):
    smv = person("S1", "SMV")
    va = person("V1", "VA")
    named = decide("RAPPORTAGE", "ZW", smv, va, uniform, [], ON).reason
    assert "heeft deze taak niet aan Naam S1 gedelegeerd: geen geldige delegatie op 23-11-2026" in (
        named
    )
    assert "(geen geldige delegatie" not in named
    anyone = decide("RAPPORTAGE", "ZW", smv, None, uniform, [], ON).reason
    assert "geen verzekeringsarts van het team heeft deze taak aan Naam S1 gedelegeerd: " in anyone
    assert "geen geldige delegatie op 23-11-2026" in anyone
    # A delegation that has lapsed is named with its state.
    revoked = Delegation(
        4,
        "V1",
        "S1",
        "T1",
        frozenset({"RAPPORTAGE"}),
        valid_from=date(2026, 1, 1),
        revoked_on=date(2026, 11, 1),
    )
    lapsed = decide("RAPPORTAGE", "ZW", smv, va, uniform, [revoked], ON)
    assert not lapsed.allowed and "(delegatie 4 van V1 is ingetrokken)" in lapsed.reason


def test_delegation_window_and_revocation(uniform):
    smv = person("S1", "SMV")
    va = person("V1", "VA")

    def with_(**kw: object) -> bool:
        deleg = Delegation(1, "V1", "S1", "T1", frozenset({"RAPPORTAGE"}), **kw)  # type: ignore[arg-type]
        return decide("RAPPORTAGE", "ZW", smv, va, uniform, [deleg], ON).allowed

    assert with_(valid_from=ON)
    assert not with_(valid_from=date(2026, 11, 24))
    assert with_(valid_from=date(2026, 1, 1), valid_to=ON)
    assert not with_(valid_from=date(2026, 1, 1), valid_to=date(2026, 11, 22))
    assert not with_(valid_from=date(2026, 1, 1), revoked_on=ON)
    assert with_(valid_from=date(2026, 1, 1), revoked_on=date(2026, 11, 24))


def test_delegation_limited_to_services(uniform):
    smv = person("S1", "SMV")
    va = person("V1", "VA")
    deleg = Delegation(1, "V1", "S1", "T1", frozenset({"RAPPORTAGE"}), frozenset({"ZW"}))
    assert decide("RAPPORTAGE", "ZW", smv, va, uniform, [deleg], ON).allowed
    assert not decide("RAPPORTAGE", "EZWB", smv, va, uniform, [deleg], ON).allowed


def test_delegation_never_wider_than_rule_set(uniform):
    smv = person("S1", "SMV")
    va = person("V1", "VA")
    deleg = Delegation(1, "V1", "S1", "T1", frozenset({"CONCLUSIE", "SPREEKUUR"}))
    assert not decide("CONCLUSIE", "ZW", smv, va, uniform, [deleg], ON).allowed
    assert not decide("SPREEKUUR", "WIA_CLAIM", smv, va, uniform, [deleg], ON).allowed
    assert decide("SPREEKUUR", "ZW", smv, va, uniform, [deleg], ON).allowed


def test_va_of_another_team_cannot_delegate(uniform):
    smv = person("S1", "SMV", team="T1")
    other = person("V9", "VA", team="T2")
    deleg = Delegation(1, "V9", "S1", "T2", frozenset({"RAPPORTAGE"}))
    decision = decide("RAPPORTAGE", "ZW", smv, other, uniform, [deleg], ON)
    assert not decision.allowed
    assert "team T2" in decision.reason and "team T1" in decision.reason
    # Auto-picking the VA also skips a VA who has moved to another team.
    auto = decide("RAPPORTAGE", "ZW", smv, None, uniform, [deleg], ON, staff={"V9": other})
    assert not auto.allowed


def test_delegating_person_must_be_a_big_registered_active_va(uniform):
    smv = person("S1", "SMV")
    deleg = Delegation(1, "X", "S1", "T1", frozenset({"RAPPORTAGE"}))
    for by, word in (
        (person("X", "AIOS"), "geen verzekeringsarts"),
        (person("X", "VA", big=None), "geen BIG-registratie"),
        (person("X", "VA", active=False), "niet actief"),
    ):
        decision = decide("RAPPORTAGE", "ZW", smv, by, uniform, [deleg], ON)
        assert not decision.allowed and word in decision.reason


def test_smv_without_big_number_gets_no_delegated_medical_task(uniform):
    smv = person("S1", "SMV", big=None)
    va = person("V1", "VA")
    deleg = Delegation(1, "V1", "S1", "T1", frozenset({"RAPPORTAGE", "INFO_OPVRAGEN"}))
    decision = decide("RAPPORTAGE", "ZW", smv, va, uniform, [deleg], ON)
    assert not decision.allowed and "BIG" in decision.reason
    # Requesting information is not a medical task in the rule set.
    assert decide("INFO_OPVRAGEN", "ZW", smv, va, uniform, [deleg], ON).allowed
    problems = delegation_problems(va, smv, ["RAPPORTAGE"], [], uniform, ON, None)
    assert any("BIG" in p for p in problems)


def test_auto_pick_of_the_delegating_va(uniform):
    smv = person("S1", "SMV")
    v1, v2 = person("V1", "VA"), person("V2", "VA")
    staff = {"V1": v1, "V2": v2}
    d1 = Delegation(1, "V1", "S1", "T1", frozenset({"RAPPORTAGE"}))
    d2 = Delegation(2, "V2", "S1", "T1", frozenset({"RAPPORTAGE"}))
    one = decide("RAPPORTAGE", "ZW", smv, None, uniform, [d1], ON, staff=staff)
    assert one.allowed and one.delegating_va_id == "V1"
    two = decide("RAPPORTAGE", "ZW", smv, None, uniform, [d1, d2], ON, staff=staff)
    assert not two.allowed and "V1, V2" in two.reason
    named = decide("RAPPORTAGE", "ZW", smv, v2, uniform, [d1, d2], ON, staff=staff)
    assert named.allowed and named.delegating_va_id == "V2"


def test_inactive_assignee_refused(uniform):
    va = person("V1", "VA", active=False)
    decision = decide("CONCLUSIE", "ZW", va, None, uniform, [], ON)
    assert not decision.allowed and "niet actief" in decision.reason


def test_unknown_task_is_bad_input(uniform):
    with pytest.raises(RuleSetError, match="ONBEKEND"):
        decide("ONBEKEND", "ZW", person("V1", "VA"), None, uniform, [], ON)


def test_delegation_problems(uniform):
    va = person("V1", "VA")
    smv = person("S1", "SMV")
    assert delegation_problems(va, smv, ["RAPPORTAGE", "SPREEKUUR"], [], uniform, ON, None) == []
    wider = delegation_problems(va, smv, ["CONCLUSIE"], [], uniform, ON, None)
    assert wider and "nooit ruimer" in wider[0]
    claim = delegation_problems(va, smv, ["SPREEKUUR"], ["WIA_CLAIM", "ZW"], uniform, ON, None)
    assert claim and "WIA_CLAIM" in claim[0]
    zelf = delegation_problems(va, person("A1", "AIOS"), ["DOSSIERSTUDIE"], [], uniform, ON, None)
    assert zelf and "zelfstandig" in zelf[0]
    other_team = delegation_problems(
        person("V9", "VA", team="T2"), smv, ["RAPPORTAGE"], [], uniform, ON, None
    )
    assert other_team and "team T2" in other_team[0]
    dates = delegation_problems(va, smv, ["RAPPORTAGE"], [], uniform, ON, date(2026, 1, 1))
    assert dates and "einddatum" in dates[0]
    assert delegation_problems(va, smv, [], [], uniform, ON, None)


def test_ruleset_on_adoption_dates():
    adoptions = [
        Adoption("T1", "taakherschikking-2026", date(2026, 7, 1)),
        Adoption("T1", "uniform-2026", date(2027, 1, 1)),
        Adoption("T2", "taakherschikking-2026", date(2026, 1, 1)),
    ]
    assert ruleset_on(adoptions, "T1", date(2026, 6, 30)) == "uniform-2026"
    assert ruleset_on(adoptions, "T1", date(2026, 7, 1)) == "taakherschikking-2026"
    assert ruleset_on(adoptions, "T1", date(2027, 1, 1)) == "uniform-2026"
    assert ruleset_on(adoptions, "T3", date(2027, 1, 1)) == "uniform-2026"


def test_sign_off_only_by_delegating_va():
    task = TaskInfo(1, "RAPPORTAGE", "S1", "V1", "te_accorderen", G)
    assert sign_off_problem(task, person("V1", "VA")) is None
    other = sign_off_problem(task, person("V2", "VA"))
    assert other is not None and "V1" in other
    assert sign_off_problem(task, person("S1", "SMV")) is not None
    done = TaskInfo(1, "RAPPORTAGE", "S1", "V1", "geaccordeerd", G)
    assert sign_off_problem(done, person("V1", "VA")) is not None
    # A task whose result was never handed in cannot be accorded, nor rejected.
    never = TaskInfo(3, "RAPPORTAGE", "S1", "V1", "open", G)
    for action in ("accorderen", "afwijzen"):
        reason = sign_off_problem(never, person("V1", "VA"), action)
        assert reason is not None and "staat op 'open'" in reason
        assert "lever eerst het resultaat in met 'mdb-triage complete 3 --by S1" in reason
    zelf = TaskInfo(2, "DOSSIERSTUDIE", "S1", None, "done", Z)
    assert sign_off_problem(zelf, person("V1", "VA")) is not None


def test_submit_only_by_assignee_while_open():
    task = TaskInfo(1, "RAPPORTAGE", "S1", "V1", "open", G)
    assert submit_problem(task, person("S1", "SMV")) is None
    assert submit_problem(task, person("S2", "SMV")) is not None
    waiting = TaskInfo(1, "RAPPORTAGE", "S1", "V1", "te_accorderen", G)
    assert submit_problem(waiting, person("S1", "SMV")) is not None


def test_candidates_lists_allowed_first(uniform):
    staff = [person("V1", "VA"), person("S1", "SMV"), person("M1", "MS"), person("A1", "AD")]
    deleg = Delegation(1, "V1", "S1", "T1", frozenset({"RAPPORTAGE"}))
    found = candidates("RAPPORTAGE", "ZW", staff, None, uniform, [deleg], ON)
    assert [c.staff.staff_id for c in found if c.decision.allowed] == ["V1", "S1"]
    assert all(c.decision.reason for c in found)
