"""The demo district carries tasks in every status, delegations and a rule-set adoption."""

from __future__ import annotations

from datetime import date

import pytest

from mdbtriage.core.model import Actor
from mdbtriage.core.taakdelegatie import TASK_STATUSES
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import adoptions, list_delegations
from mdbtriage.store.demo import load_demo
from mdbtriage.store.tasks import list_tasks, review_statistics, te_accorderen, versions

pytestmark = pytest.mark.both_stores


def test_demo_has_tasks_in_every_status(store: Store, actor: Actor) -> None:
    load_demo(store, n_cases=2000, seed=2026, today=date(2026, 11, 23), actor=actor)
    rows = list_tasks(store)
    assert {t.status for t in rows} == set(TASK_STATUSES)
    assert {t.permission for t in rows} == {"zelfstandig", "gedelegeerd"}
    assert any(t.ruleset_id == "taakherschikking-2026" for t in rows)
    assert len(list_delegations(store)) == 3
    assert [a.ruleset_id for a in adoptions(store)] == ["taakherschikking-2026"]
    vas = {t.delegating_va_id for t in rows if t.delegating_va_id}
    assert any(te_accorderen(store, va) for va in vas)
    changed = [t for t in rows if t.changed_by_va]
    assert changed and len(versions(store, changed[0].task_id)) == 2
    assert any(s.not_sampled for va in vas for s in review_statistics(store, va))
    # Loading again adds no duplicate tasks.
    load_demo(store, n_cases=2000, seed=2026, today=date(2026, 11, 23), actor=actor)
    assert len(list_tasks(store)) == len(rows)
