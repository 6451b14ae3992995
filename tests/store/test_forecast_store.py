"""The forecast from the store: the team's werkvoorraad, staff, absences and settings."""

from __future__ import annotations

from datetime import date

import pytest

from mdbtriage.core.forecast import Scenario
from mdbtriage.core.model import Actor, Case, Client, Staff, Team
from mdbtriage.core.policy import load_policy
from mdbtriage.store.database import Store
from mdbtriage.store.forecast import (
    CapacityError,
    TeamSettings,
    absences,
    add_absence,
    planned_cases,
    remove_absence,
    set_team_settings,
    team_forecast,
    team_people,
    team_settings,
)
from mdbtriage.store.records import upsert_cases, upsert_staff, upsert_teams

MONDAY = date(2026, 11, 30)
POLICY = load_policy()
BSNS = ["111222333", "111222345", "111222357", "111222369", "111222370"]


def fill(store: Store, actor: Actor) -> None:
    upsert_teams(store, [Team("T1", "Team 1"), Team("T2", "Team 2")])
    upsert_staff(
        store,
        [
            Staff("VA1", "Anna Arts", "VA", "T1", "12345678901", hours_per_week=40),
            Staff("SMV1", "Sanne Verpleeg", "SMV", "T1", "12345678902", hours_per_week=40),
            Staff("AD1", "Ahmed Deskundige", "AD", "T1", hours_per_week=40),
            Staff("AD9", "Oud Deskundige", "AD", "T1", hours_per_week=40, active=False),
            Staff("VA2", "Bert Arts", "VA", "T2", "12345678903", hours_per_week=40),
        ],
    )
    cases = [
        Case("C-1", Client(BSNS[0], "Een", date(1970, 1, 1)), "WIA_CLAIM", date(2026, 5, 1), "T1"),
        Case("C-2", Client(BSNS[1], "Twee", date(1970, 1, 1)), "WIA_CLAIM", date(2026, 9, 1), "T1"),
        Case(
            "C-3",
            Client(BSNS[2], "Drie", date(1970, 1, 1)),
            "HERBEOORDELING",
            date(2026, 6, 1),
            "T1",
            requester="werknemer",
        ),
        Case(
            "C-4", Client(BSNS[3], "Vier", date(1970, 1, 1)), "WIA_CLAIM", date(2026, 12, 5), "T1"
        ),
        Case("C-5", Client(BSNS[4], "Vijf", date(1970, 1, 1)), "WIA_CLAIM", date(2026, 4, 1), "T2"),
    ]
    upsert_cases(store, cases, actor, "test")


def test_planned_cases_are_the_teams_planned_classes_in_policy_order(
    store: Store, actor: Actor
) -> None:
    fill(store, actor)
    refs = [c.case_ref for c in planned_cases(store, "T1", MONDAY, POLICY)]
    # C-3 is a herbeoordeling without a central decision (class D: not planned); C-4 arrives
    # after the date; C-5 is another team's.
    assert refs == ["C-1", "C-2"]


def test_people_are_the_active_staff_with_their_absences(store: Store, actor: Actor) -> None:
    fill(store, actor)
    add_absence(store, actor, "VA1", date(2026, 12, 7), date(2026, 12, 11), "verlof")
    people = {p.staff_id: p for p in team_people(store, "T1")}
    assert set(people) == {"VA1", "SMV1", "AD1"}
    assert people["VA1"].absences == ((date(2026, 12, 7), date(2026, 12, 11)),)
    result = team_forecast(store, actor, "T1", MONDAY, POLICY, weeks=3)
    assert result.capacity["VA"][1] == 0.0  # the whole week away
    assert result.inputs["absences"] == 1


def test_absences_are_checked_replaced_removed_and_logged(store: Store, actor: Actor) -> None:
    fill(store, actor)
    with pytest.raises(CapacityError, match="vóór"):
        add_absence(store, actor, "VA1", date(2026, 12, 9), date(2026, 12, 7))
    with pytest.raises(CapacityError, match="bestaat niet"):
        add_absence(store, actor, "NIEMAND", date(2026, 12, 7), date(2026, 12, 9))
    first = add_absence(store, actor, "VA1", date(2026, 12, 7), date(2026, 12, 9))
    again = add_absence(store, actor, "VA1", date(2026, 12, 7), date(2026, 12, 18), "cursus")
    assert first == again
    assert [(a.ends_on, a.reason) for a in absences(store, "T1")] == [
        (date(2026, 12, 18), "cursus")
    ]
    remove_absence(store, actor, first)
    assert absences(store) == []
    details = [
        r[0]
        for r in store.conn.execute(
            "SELECT details FROM audit_log WHERE purpose = 'capaciteit: afwezigheid'"
        )
    ]
    assert len(details) == 3 and "verwijderd" in details[-1]


def test_team_settings_apply_unless_the_scenario_sets_them(store: Store, actor: Actor) -> None:
    fill(store, actor)
    set_team_settings(store, actor, "T1", TeamSettings(other_work_share=0.5, delegation_share=0.0))
    assert team_settings(store, "T1") == TeamSettings(0.5, 0.0)
    result = team_forecast(store, actor, "T1", MONDAY, POLICY, weeks=2)
    assert result.capacity["VA"][1] == pytest.approx(20.0)
    assert result.inputs["delegation_share"] == 0.0
    what_if = team_forecast(
        store, actor, "T1", MONDAY, POLICY, weeks=2, scenario=Scenario(other_work_share=0.0)
    )
    assert what_if.capacity["VA"][1] == pytest.approx(40.0)
    with pytest.raises(CapacityError, match="tussen 0 en 100%"):
        set_team_settings(store, actor, "T1", TeamSettings(other_work_share=1.5))


def test_reading_the_forecast_is_logged(store: Store, actor: Actor) -> None:
    fill(store, actor)
    team_forecast(store, actor, "T1", MONDAY, POLICY, weeks=4)
    row = store.conn.execute(
        "SELECT event, user_id, details FROM audit_log WHERE purpose = 'capaciteitsprognose'"
    ).fetchone()
    assert row[0] == "search" and row[1] == actor.user_id and "team T1" in row[2] and "3 medewerkers" in row[2]
