"""The store refuses, and logs, an assignment not dated today and a delegation starting in the
past whenever the caller says what today is (the command line and the desktop do)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mdbtriage.store.audit import records
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import Refused, add_delegation, revoke_delegation
from mdbtriage.store.tasks import assign_task, list_tasks
from tests.store.test_tasks import ADMIN, actor, seed_team

pytestmark = pytest.mark.both_stores

TODAY = date(2026, 11, 23)


@pytest.fixture
def team(store: Store) -> Store:
    seed_team(store)
    return store


def test_an_assignment_dated_before_the_revocation_is_refused_and_logged(team: Store) -> None:
    delegation_id = add_delegation(
        team, actor("V1"), va_id="V1", delegate_id="S1", tasks=("RAPPORTAGE",), valid_from=TODAY
    )
    revoke_delegation(team, actor("V1"), delegation_id, "V1", TODAY + timedelta(days=1))
    later = TODAY + timedelta(days=1)
    for on in (TODAY - timedelta(days=1), date(9999, 12, 31)):
        with pytest.raises(Refused, match="altijd vandaag toegewezen"):
            assign_task(
                team,
                ADMIN,
                case_ref="R-7",
                task_code="RAPPORTAGE",
                assignee_id="S1",
                by_id="V1",
                on=on,
                today=later,
            )
    assert list_tasks(team, case_ref="R-7") == []
    log = records(team.conn, case_ref="R-7")
    assert [r.outcome for r in log if r.purpose == "taak toewijzen"] == ["geweigerd", "geweigerd"]


def test_a_delegation_starting_in_the_past_is_refused_and_logged(team: Store) -> None:
    with pytest.raises(Refused, match="vandaag of later"):
        add_delegation(
            team,
            actor("V1"),
            va_id="V1",
            delegate_id="S1",
            tasks=("RAPPORTAGE",),
            valid_from=TODAY - timedelta(days=30),
            today=TODAY,
        )
    assert [r.outcome for r in records(team.conn) if r.purpose == "taakdelegatie vastleggen"] == [
        "geweigerd"
    ]
    assert add_delegation(
        team,
        actor("V1"),
        va_id="V1",
        delegate_id="S1",
        tasks=("RAPPORTAGE",),
        valid_from=TODAY,
        today=TODAY,
    )
