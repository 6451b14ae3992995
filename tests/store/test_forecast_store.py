"""The forecast from the store: the team's werkvoorraad, staff, absences and settings."""

from __future__ import annotations

from datetime import date

import pytest

from mdbtriage.core.forecast import Scenario, load_norms
from mdbtriage.core.model import Actor, Case, Client, Staff, Team
from mdbtriage.core.policy import load_policy
from mdbtriage.store.database import Store
from mdbtriage.store.forecast import (
    CapacityError,
    TeamSettings,
    absences,
    add_absence,
    forecast_inputs,
    measured_times,
    planned_cases,
    remove_absence,
    set_team_settings,
    team_forecast,
    team_people,
    team_settings,
)
from mdbtriage.store.records import upsert_cases, upsert_staff, upsert_teams

pytestmark = pytest.mark.both_stores

MONDAY = date(2026, 11, 30)


@pytest.fixture
def demo_store_small(store: Store, actor: Actor) -> Store:
    from mdbtriage.store.demo import load_demo

    load_demo(store, n_cases=300, seed=7, today=MONDAY, actor=actor)
    return store


POLICY = load_policy()
BSNS = ["111222333", "111222345", "111222357", "111222369", "111222370"]


def _case(n: int, name: str, service: str, received: date, team: str, **facts: object) -> Case:
    """Case C-n of client n (born 1 January 1970)."""
    client = Client(BSNS[n - 1], name, date(1970, 1, 1))
    return Case.entered(
        case_ref=f"C-{n}", client=client, service=service, received_on=received, team=team, **facts
    )


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
        _case(1, "Een", "WIA_CLAIM", date(2026, 5, 1), "T1"),
        _case(2, "Twee", "WIA_CLAIM", date(2026, 9, 1), "T1"),
        _case(3, "Drie", "HERBEOORDELING", date(2026, 6, 1), "T1", requester="werknemer"),
        _case(4, "Vier", "WIA_CLAIM", date(2026, 12, 5), "T1"),
        _case(5, "Vijf", "WIA_CLAIM", date(2026, 4, 1), "T2"),
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
    assert (
        row[0] == "search"
        and row[1] == actor.user_id
        and "team T1" in row[2]
        and "3 medewerkers" in row[2]
    )


def test_recorded_times_calibrate_the_teams_norms(demo_store_small: Store, actor: Actor) -> None:
    store = demo_store_small
    row = store.conn.execute(
        "SELECT c.service, t.task_code, s.team_id FROM tasks t JOIN cases c USING (case_ref) "
        "JOIN staff s ON s.staff_id = t.assignee_id GROUP BY 1, 2, 3 HAVING count(*) >= 5 "
        "ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    assert row is not None, "the demo has tasks"
    service, task, team = row
    ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT t.task_id FROM tasks t JOIN cases c USING (case_ref) JOIN staff s "
            "ON s.staff_id = t.assignee_id WHERE c.service = ? AND t.task_code = ? "
            "AND s.team_id = ? LIMIT 5",
            (service, task, team),
        )
    ]
    with store.atomic() as conn:
        conn.executemany(
            "UPDATE tasks SET minutes_spent = ? WHERE task_id = ?",
            [(60 + 30 * i, task_id) for i, task_id in enumerate(ids)],
        )
    measured = [m for m in measured_times(store, team) if (m.service, m.task) == (service, task)]
    assert [(m.hours, m.count) for m in measured] == [(2.0, 5)]
    inputs = forecast_inputs(store, actor, team, MONDAY, POLICY)
    calibrated = inputs.run(weeks=2).inputs["calibrated"]
    if any(a.task == task for a in load_norms().services[service]):
        assert [(c["service"], c["task"], c["measured_hours"]) for c in calibrated] == [
            (service, task, 2.0)
        ]
