"""The capacity forecast: a worked example written out by hand, and its properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.forecast import (
    Norms,
    Person,
    PlannedCase,
    Scenario,
    case_steps,
    forecast,
    load_norms,
    weekly_capacity,
)
from mdbtriage.core.forecast import _Team as Team
from mdbtriage.core.policy import PolicyError
from mdbtriage.core.taakdelegatie import RuleSet, load_ruleset

MONDAY = date(2026, 11, 30)
NORMS = load_norms()
RULES = load_ruleset("uniform-2026")
NO_DELEGATION = RuleSet("geen", "geen delegatie", 1, RULES.tasks, ())


def team(va: int = 2, smv: int = 3, ad: int = 2, hours: float = 40) -> list[Person]:
    return (
        [Person(f"VA{i}", "VA", hours) for i in range(va)]
        + [Person(f"SMV{i}", "SMV", hours) for i in range(smv)]
        + [Person(f"AD{i}", "AD", hours) for i in range(ad)]
    )


def wia(n: int, received: date = date(2026, 5, 1)) -> list[PlannedCase]:
    return [PlannedCase(f"Z-{i + 1}", "WIA_CLAIM", "REGULIER", received) for i in range(n)]


def test_norms_are_marked_as_defaults_and_cover_every_service() -> None:
    assert NORMS.defaults is True
    assert NORMS.activities("WIA_CLAIM", "REGULIER")[0].task == "DOSSIERSTUDIE"
    assert NORMS.activities("ZW", "REINTEGRATIE")[0].role == "RIB"


def test_unknown_norms_are_refused_in_dutch() -> None:
    with pytest.raises(PolicyError, match="bestaan niet"):
        load_norms("geen-normen")


def test_worked_example_two_va_three_smv_two_ad_forty_claims() -> None:
    """Written out by hand.

    Hours for case work: 40 h less 20% other work = 32 h a person, so VA 64, SMV 96, AD 64 a
    week. A WIA claim (standard norms, delegation share 50%, sign-off 25%): DOSSIERSTUDIE 1 h,
    half to an SMV (zelfstandig) so 0.5 VA; SPREEKUUR 1.5 and FML_VASTSTELLEN 1.0 stay with the
    VA in the claim (rule set); RAPPORTAGE 1.5, half to an SMV (gedelegeerd): VA keeps 0.75 plus
    0.25 x 0.75 accordering = 0.9375. VA per case: 0.5 + 1.5 + 1.0 + 0.9375 = 3.9375 h. AD:
    ARBEIDSKUNDIG 4 h. SMV: 1.25 h (never the bottleneck).
    Week 1 (30 Nov): VA 64 / 3.9375 = 16.25 and AD 64 / 4 = 16 cases: cases 1-16 are done.
    Week 2: VA 128 -> 32.5, AD 128 -> 32: cases 17-32. Week 3: cases 33-40.
    """
    result = forecast(wia(40), team(), NORMS, RULES, MONDAY, weeks=6)
    done = {c.case_ref: c.done_week for c in result.cases}
    for i in range(1, 17):
        assert done[f"Z-{i}"] == date(2026, 11, 30)
    for i in range(17, 33):
        assert done[f"Z-{i}"] == date(2026, 12, 7)
    for i in range(33, 41):
        assert done[f"Z-{i}"] == date(2026, 12, 14)
    assert all(c.next_week == MONDAY for c in result.cases)
    assert result.backlog == (24, 8, 0, 0, 0, 0)
    # Received 1 May: over six months from 1 November, so every open claim counts.
    assert result.over_six_months == (24, 8, 0, 0, 0, 0)
    target = result.targets[0]
    assert target.met and target.met_week == date(2026, 12, 14)
    assert result.capacity["VA"][0] == pytest.approx(64.0)
    # 40 x 3.9375 = 157.5 VA hours in all; the first two weeks plan 128 of them.
    assert result.planned["VA"][:3] == (64.0, 64.0, pytest.approx(29.5))
    steps = case_steps("WIA_CLAIM", "REGULIER", NORMS, Team(team(), RULES), 0.5)
    assert sum(s.hours for s in steps if s.role == "VA") == pytest.approx(3.9375)


def test_first_week_counts_only_the_days_left() -> None:
    thursday = date(2026, 12, 3)
    capacity = weekly_capacity(team(va=1, smv=0, ad=0), thursday, 3, 0.0)
    assert capacity["VA"][:2] == [pytest.approx(16.0), pytest.approx(40.0)]


def test_absence_takes_its_weekdays_off_the_capacity() -> None:
    absent = Person("VA1", "VA", 40, absences=((date(2026, 12, 7), date(2026, 12, 9)),))
    capacity = weekly_capacity([absent], MONDAY, 3, 0.0)
    assert capacity["VA"] == [40.0, pytest.approx(16.0), 40.0]


def test_a_rule_set_without_delegation_gives_all_the_work_to_the_va() -> None:
    steps = case_steps("WIA_CLAIM", "REGULIER", NORMS, Team(team(), NO_DELEGATION), 0.5)
    assert {s.role for s in steps} == {"VA", "AD"}
    norm_va = sum(a.hours for a in NORMS.activities("WIA_CLAIM", "REGULIER") if a.role == "VA")
    assert sum(s.hours for s in steps if s.role == "VA") == pytest.approx(norm_va)
    slow = forecast(wia(40), team(), NORMS, NO_DELEGATION, MONDAY, weeks=6)
    fast = forecast(wia(40), team(), NORMS, RULES, MONDAY, weeks=6)
    assert sum(slow.backlog) > sum(fast.backlog)


def test_smv_work_the_rule_set_forbids_goes_back_to_the_va() -> None:
    steps = case_steps("WIJZIGING_GEZONDHEID", "LICHT", NORMS, Team(team(), NO_DELEGATION), 0.5)
    assert {s.role for s in steps} == {"SMV"}  # the VA may not either under this rule set
    only_va = RuleSet(
        "va",
        "alleen VA",
        1,
        RULES.tasks,
        tuple(replace(r, roles=frozenset({"VA"})) for r in RULES.rules if "VA" in r.roles),
    )
    steps = case_steps("WIJZIGING_GEZONDHEID", "LICHT", NORMS, Team(team(), only_va), 0.5)
    assert {s.role for s in steps} == {"VA"}


def test_a_role_the_team_lacks_leaves_its_cases_out_of_sight() -> None:
    result = forecast(wia(1), team(ad=0), NORMS, RULES, MONDAY, weeks=4)
    assert result.cases[0].next_week == MONDAY  # the VA starts
    assert result.cases[0].done_week is None  # no arbeidsdeskundige to finish it
    assert result.backlog == (1, 1, 1, 1)
    assert result.inputs["without_capacity"] == ["AD"]


def test_work_of_a_role_the_team_lacks_goes_to_the_va_when_allowed() -> None:
    zw = [PlannedCase("ZW-1", "ZW", "REINTEGRATIE", date(2026, 11, 1))]
    steps = case_steps("ZW", "REINTEGRATIE", NORMS, Team(team(), RULES), 0.5)
    assert {s.role for s in steps} == {"VA"}  # no re-integratiebegeleider in this team
    assert forecast(zw, team(), NORMS, RULES, MONDAY, weeks=2).cases[0].done_week == MONDAY


def test_shortfall_names_the_least_extra_hours_that_meet_the_target() -> None:
    cases = wia(200, received=date(2026, 6, 1))  # over six months from 1 December
    staff = team(ad=20)  # enough arbeidsdeskundigen: the VA hours decide
    result = forecast(cases, staff, NORMS, RULES, MONDAY, weeks=8)
    target = result.targets[0]
    assert not target.met
    short = target.short_hours["VA"]
    assert short is not None and short > 1
    assert target.short_hours["SMV"] is None  # SMV hours alone cannot do the VA's part
    enough = Scenario(extra_hours={"VA": short})
    met = forecast(cases, staff, NORMS, RULES, MONDAY, 8, enough, shortfall=False)
    assert met.targets[0].met
    less = Scenario(extra_hours={"VA": short - 1})
    unmet = forecast(cases, staff, NORMS, RULES, MONDAY, 8, less, shortfall=False)
    assert not unmet.targets[0].met


def test_json_has_the_contract_keys_and_says_it_is_an_estimate() -> None:
    data = forecast(wia(3), team(), NORMS, RULES, MONDAY, weeks=2).as_json()
    assert data["estimate"] is True
    assert set(data["weeks"][0]) >= {"week_start", "backlog", "wia_over_six_months"}
    assert set(data["cases"][0]) == {"case_ref", "next_week", "done_week"}
    assert data["targets"][0]["code"] == "WIA_ZES_MAANDEN"
    assert data["inputs"]["norms_are_defaults"] is True


SERVICES_ROUTES = [
    ("WIA_CLAIM", "REGULIER"),
    ("WIA_CLAIM", "PRAKTISCH"),
    ("HERBEOORDELING", "REGULIER"),
    ("WIJZIGING_GEZONDHEID", "LICHT"),
    ("ZW", "REGULIER"),
    ("BEZWAAR", "REGULIER"),
    ("RIV_TOETS", "REGULIER"),
]
ROLES = ["VA", "SMV", "AD", "RIB", "AIOS"]

people_st = st.lists(
    st.builds(
        Person,
        staff_id=st.text("abc", min_size=1, max_size=3),
        role=st.sampled_from(ROLES),
        hours_per_week=st.floats(0, 40),
        qualifications=st.just(()),
        absences=st.lists(
            st.tuples(st.integers(0, 60), st.integers(0, 10)).map(
                lambda t: (MONDAY + timedelta(days=t[0]), MONDAY + timedelta(days=t[0] + t[1]))
            ),
            max_size=2,
        ).map(tuple),
    ),
    max_size=8,
)
cases_st = st.lists(
    st.tuples(st.sampled_from(SERVICES_ROUTES), st.integers(0, 400)),
    max_size=40,
).map(
    lambda items: [
        PlannedCase(f"Z-{i}", s, r, MONDAY - timedelta(days=d))
        for i, ((s, r), d) in enumerate(items)
    ]
)
extra_st = st.dictionaries(st.sampled_from(ROLES), st.floats(0, 50), max_size=5)


def _weeks(day: date | None) -> float:
    return float("inf") if day is None else (day - MONDAY).days / 7


@settings(max_examples=80, deadline=None)
@given(cases_st, people_st, extra_st, st.floats(0, 1))
def test_more_hours_never_make_anything_later(
    cases: list[PlannedCase], people: list[Person], extra: dict[str, float], share: float
) -> None:
    base = forecast(cases, people, NORMS, RULES, MONDAY, 12, Scenario(delegation_share=share))
    more = Scenario(extra_hours=extra, delegation_share=share)
    better = forecast(cases, people, NORMS, RULES, MONDAY, 12, more, shortfall=False)
    assert all(b <= a for a, b in zip(base.backlog, better.backlog, strict=True))
    assert all(b <= a for a, b in zip(base.over_six_months, better.over_six_months, strict=True))
    for old, new in zip(base.cases, better.cases, strict=True):
        assert _weeks(new.done_week) <= _weeks(old.done_week)


@settings(max_examples=80, deadline=None)
@given(cases_st, people_st)
def test_planned_hours_never_exceed_capacity(
    cases: list[PlannedCase], people: list[Person]
) -> None:
    result = forecast(cases, people, NORMS, RULES, MONDAY, 12, shortfall=False)
    for role, planned in result.planned.items():
        for used, available in zip(planned, result.capacity[role], strict=True):
            assert used <= available + 1e-6


@settings(max_examples=80, deadline=None)
@given(cases_st, people_st)
def test_cases_of_one_kind_are_done_in_policy_order(
    cases: list[PlannedCase], people: list[Person]
) -> None:
    result = forecast(cases, people, NORMS, RULES, MONDAY, 12, shortfall=False)
    last: dict[tuple[str, str], float] = {}
    for case, planned in zip(cases, result.cases, strict=True):
        key = (case.service, case.route)
        week = _weeks(planned.done_week)
        assert week >= last.get(key, -1)
        last[key] = week


def test_norms_type_is_frozen() -> None:
    assert isinstance(NORMS, Norms)
    with pytest.raises(AttributeError):
        NORMS.delegation_share = 1.0  # type: ignore[misc]


def test_when_no_role_alone_suffices_the_hours_together_meet_the_target() -> None:
    cases = wia(200, received=date(2026, 6, 1))
    result = forecast(cases, team(), NORMS, RULES, MONDAY, weeks=8)
    target = result.targets[0]
    assert target.short_hours["VA"] is None and target.short_hours["AD"] is None
    together = target.short_hours_together
    assert set(together) >= {"VA", "AD"}
    met = forecast(
        cases, team(), NORMS, RULES, MONDAY, 8, Scenario(extra_hours=together), shortfall=False
    )
    assert met.targets[0].met
    assert result.as_json()["targets"][0]["short_hours_per_week_together"] == together


@settings(max_examples=40, deadline=None)
@given(cases_st, people_st)
def test_the_hours_short_are_exactly_what_the_forecast_needs(
    cases: list[PlannedCase], people: list[Person]
) -> None:
    result = forecast(cases, people, NORMS, RULES, MONDAY, 8)
    target = result.targets[0]
    if target.met:
        assert not target.short_hours and not target.short_hours_together
        return

    def met_with(extra: dict[str, float]) -> bool:
        again = forecast(
            cases, people, NORMS, RULES, MONDAY, 8, Scenario(extra_hours=extra), shortfall=False
        )
        return again.targets[0].met

    for role, hours in target.short_hours.items():
        if hours is not None:
            assert met_with({role: hours})
            if hours >= 1:
                assert not met_with({role: hours - 1})
    if target.short_hours_together:
        assert met_with(dict(target.short_hours_together))


@settings(max_examples=100, deadline=None)
@given(people_st, st.integers(0, 6), st.floats(0, 0.9))
def test_weekly_capacity_matches_its_definition(
    people: list[Person], offset: int, other: float
) -> None:
    """Per role and week: hours less other work, less a fifth per absent weekday, and the first
    week only from the given day."""
    on = MONDAY + timedelta(days=offset)
    capacity = weekly_capacity(people, on, 12, other)
    for role in {p.role for p in people}:
        for w in range(12):
            monday = MONDAY + timedelta(weeks=w)
            expected = 0.0
            for person in (p for p in people if p.role == role):
                workdays = [
                    monday + timedelta(days=d)
                    for d in range(5)
                    if monday + timedelta(days=d) >= on
                    and not any(a <= monday + timedelta(days=d) <= b for a, b in person.absences)
                ]
                expected += person.hours_per_week * (1 - other) * len(workdays) / 5
            if w == 0:
                # the first week's share applies to the whole week, absences included
                present = [
                    sum(
                        1
                        for d in range(5)
                        if not any(a <= monday + timedelta(days=d) <= b for a, b in p.absences)
                    )
                    for p in people
                    if p.role == role
                ]
                expected = sum(
                    p.hours_per_week * (1 - other) * n / 5
                    for p, n in zip([q for q in people if q.role == role], present, strict=True)
                ) * (max(0, 5 - min(offset, 5)) / 5)
            assert capacity[role][w] == pytest.approx(expected, abs=1e-6)


def test_recorded_times_replace_a_norm_only_with_enough_of_them() -> None:
    from mdbtriage.core.forecast import Measured, calibrate

    few = Measured("WIA_CLAIM", "SPREEKUUR", 3.0, 4)
    same, replaced = calibrate(NORMS, [few])
    assert same is NORMS and replaced == []
    enough = Measured("WIA_CLAIM", "SPREEKUUR", 3.0, 5)
    calibrated, replaced = calibrate(NORMS, [enough])
    assert replaced == [(enough, 1.5)]
    hours = {a.task: a.hours for a in calibrated.activities("WIA_CLAIM", "REGULIER")}
    assert hours["SPREEKUUR"] == 3.0 and hours["DOSSIERSTUDIE"] == 1.0
    assert {a.task: a.hours for a in calibrated.activities("ABA", "REGULIER")}["SPREEKUUR"] == 1.5
    slower = forecast(wia(40), team(), calibrated, RULES, MONDAY, 6, calibrated=replaced)
    assert sum(slower.backlog) > sum(forecast(wia(40), team(), NORMS, RULES, MONDAY, 6).backlog)
    assert slower.inputs["calibrated"] == [
        {
            "service": "WIA_CLAIM",
            "task": "SPREEKUUR",
            "default_hours": 1.5,
            "measured_hours": 3.0,
            "count": 5,
            "source": "gemeten",
        }
    ]


def test_sentences_say_met_short_or_out_of_reach() -> None:
    from mdbtriage.core.forecast import inputs_sentence, target_sentences

    met = forecast(wia(40), team(), NORMS, RULES, MONDAY, weeks=6)
    assert target_sentences(met) == [
        "Niemand wacht langer dan zes maanden op een WIA-claimbeoordeling: gehaald in de week "
        "van 14-12-2026 (doel vóór 31-12-2026)."
    ]
    short = forecast(wia(200, date(2026, 6, 1)), team(ad=20), NORMS, RULES, MONDAY, weeks=8)
    hours = short.targets[0].short_hours["VA"]
    assert hours is not None
    assert (
        f"haalbaar met bijvoorbeeld {hours:g} uur per week extra VA" in (target_sentences(short)[0])
    )
    sentence = inputs_sentence(met)
    assert sentence.startswith("Schatting, geen toezegging.")
    assert (
        "Standaardnormen 2026 (standaardwaarden), regelset Uniforme taakdelegatie 2026" in sentence
    )
    assert "normen-2026" not in sentence and "uniform-2026" not in sentence


def test_a_norm_the_team_sets_comes_before_the_measured_time() -> None:
    from mdbtriage.core.forecast import Measured, calibrate

    measured = Measured("WIA_CLAIM", "SPREEKUUR", 3.0, 9)
    own = Measured("WIA_CLAIM", "SPREEKUUR", 2.0, 0, "team")
    calibrated, replaced = calibrate(NORMS, [measured], overrides=[own])
    hours = {a.task: a.hours for a in calibrated.activities("WIA_CLAIM", "REGULIER")}
    assert hours["SPREEKUUR"] == 2.0
    assert replaced == [(own, 1.5)]
    result = forecast(wia(3), team(), calibrated, RULES, MONDAY, 2, calibrated=replaced)
    from mdbtriage.core.forecast import inputs_sentence

    assert "Normen van het team voor 1 activiteit(en)." in inputs_sentence(result)


@settings(max_examples=60, deadline=None)
@given(cases_st, people_st, extra_st)
def test_fewer_hours_never_make_anything_earlier_and_never_go_below_none(
    cases: list[PlannedCase], people: list[Person], fewer: dict[str, float]
) -> None:
    base = forecast(cases, people, NORMS, RULES, MONDAY, 12, shortfall=False)
    less = Scenario(extra_hours={role: -hours for role, hours in fewer.items()})
    worse = forecast(cases, people, NORMS, RULES, MONDAY, 12, less, shortfall=False)
    assert all(b >= a for a, b in zip(base.backlog, worse.backlog, strict=True))
    for old, new in zip(base.cases, worse.cases, strict=True):
        assert _weeks(new.done_week) >= _weeks(old.done_week)
    assert all(hours >= 0 for row in worse.capacity.values() for hours in row)
