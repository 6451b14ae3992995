"""The store tells bad input (``InputError``: an unknown task, an end before the start, an empty
result or reason) from a refusal by a rule (``Refused``, logged), on both stores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mdbtriage.store.database import Store
from mdbtriage.store.delegations import InputError, Refused
from mdbtriage.store.tasks import submit_task
from tests.store.test_tasks import START, actor, assign, delegate, seed_team

pytestmark = pytest.mark.both_stores


@pytest.fixture
def team(store: Store) -> Store:
    seed_team(store)
    return store


def _refusals(store: Store) -> int:
    row = store.conn.execute("SELECT count(*) FROM audit_log WHERE outcome = 'geweigerd'")
    return int(row.fetchone()[0])


@pytest.mark.parametrize(
    ("kw", "field", "value"),
    [
        ({"tasks": ("NOTASK",)}, "tasks", "NOTASK"),
        ({"tasks": ()}, "tasks", ""),
        ({"valid_to": START - timedelta(days=1)}, "valid_to", str(START - timedelta(days=1))),
        ({"review_percentage": 150}, "review_percentage", "150"),
        ({"services": ("GEEN",)}, "services", "GEEN"),
    ],
)
def test_delegation_input(team: Store, kw: dict[str, object], field: str, value: str) -> None:
    before = _refusals(team)
    with pytest.raises(InputError) as raised:
        delegate(team, **kw)
    assert (raised.value.field, raised.value.value) == (field, value)
    assert _refusals(team) == before  # bad input is not a logged refusal


def test_a_rule_still_refuses(team: Store) -> None:
    with pytest.raises(Refused):
        delegate(team, to="V2", tasks=("SPREEKUUR",))  # a VA is no delegate
    assert _refusals(team) == 1


def test_empty_result_is_input(team: Store) -> None:
    delegate(team)
    task_id = assign(team, "R-7", "RAPPORTAGE", "S1", by="V1")
    with pytest.raises(InputError, match="resultaat is leeg") as raised:
        submit_task(team, actor("S1", "SMV"), task_id, "S1", "  ")
    assert raised.value.named({"result": "--result"}) == (
        "Optie --result, waarde '  ': het resultaat is leeg; beschrijf wat er is gedaan"
    )
    assert submit_task(team, actor("S1", "SMV"), task_id, "S1", "Concept.") == "te_accorderen"
