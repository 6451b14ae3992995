"""An MDB closed after a revocation creates no task under the revoked delegation: with today
given (command line, desktop) its tasks are assigned today, by the delegations in force today."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from mdbtriage.core.meetings import Activity, MeetingError
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import list_delegations, revoke_delegation
from mdbtriage.store.tasks import judge, list_tasks
from tests.conftest import TODAY
from tests.store.test_meetings import TEAM, TL, VA1, _decide, demo  # noqa: F401

pytestmark = pytest.mark.both_stores

HELD = TODAY - timedelta(days=2)


def _meeting_with_a_delegated_activity(store: Store) -> tuple[int, str, int]:
    """A meeting held two days ago; every discussed case decided, one case with RAPPORTAGE
    for a delegate of VA1 under that delegation. Returns meeting id, that case and the delegation."""
    delegation = next(
        r.delegation
        for r in list_delegations(store, team=TEAM)
        if r.delegation.va_id == VA1.user_id and "RAPPORTAGE" in r.delegation.tasks
    )
    meeting_id = repo.create_meeting(store, team=TEAM, held_on=HELD, actor=TL)
    discussed = [i.case_ref for i in repo.agenda(store, meeting_id) if i.discussed]
    delegated = next(
        ref
        for ref in discussed
        if judge(store, ref, "RAPPORTAGE", delegation.delegate_id, VA1.user_id, HELD).allowed
    )
    for ref in discussed:
        decision = _decide(store, meeting_id, ref)
        if ref == delegated:
            activity = Activity(
                "RAPPORTAGE", delegation.delegate_id, TODAY + timedelta(days=9), VA1.user_id
            )
            repo.save_decision(store, meeting_id, replace(decision, activities=(activity,)), VA1)
    return meeting_id, delegated, delegation.delegation_id


def test_closing_after_the_revocation_is_refused_with_the_reason(demo: Store) -> None:  # noqa: F811
    meeting_id, delegated, delegation_id = _meeting_with_a_delegated_activity(demo)
    before = {t.task_id for t in list_tasks(demo)}
    revoke_delegation(demo, VA1, delegation_id, VA1.user_id, TODAY)
    with pytest.raises(MeetingError) as refused:
        repo.close_meeting(demo, meeting_id, VA1, today=TODAY)
    assert any(p.startswith(f"{delegated}:") and "ingetrokken" in p for p in refused.value.problems)
    assert not repo.get_meeting(demo, meeting_id).closed
    assert {t.task_id for t in list_tasks(demo)} == before


def test_closing_before_the_revocation_assigns_the_tasks_today(demo: Store) -> None:  # noqa: F811
    meeting_id, delegated, _ = _meeting_with_a_delegated_activity(demo)
    task_ids = repo.close_meeting(demo, meeting_id, VA1, today=TODAY)
    created = [t for t in list_tasks(demo) if t.task_id in set(task_ids)]
    assert created and {t.assigned_on for t in created} == {TODAY}
    assert any(t.case_ref == delegated and t.delegating_va_id == VA1.user_id for t in created)
