"""Which prioritisation policy a team works under on a day: one answer (store.delegations.
policy_for) for the werkvoorraad, the MDB agenda and its summary."""

from __future__ import annotations

from datetime import timedelta

from mdbtriage.core.model import Actor
from mdbtriage.core.policy import DEFAULT_POLICY, load_policy
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import policy_for
from mdbtriage.store.demo import load_demo
from tests.conftest import TODAY

TEAM = "SMC-UTRECHT-1"


def test_every_team_works_under_the_default_policy(store: Store, actor: Actor) -> None:
    load_demo(store, n_cases=50, seed=3, today=TODAY, actor=actor)
    default = load_policy(DEFAULT_POLICY)
    assert policy_for(store, TEAM, TODAY) == default
    assert policy_for(store, None, TODAY + timedelta(days=400)) == default


def test_the_agenda_proposed_under_the_teams_policy(store: Store, actor: Actor) -> None:
    load_demo(store, n_cases=300, seed=7, today=TODAY, actor=actor)
    on = TODAY + timedelta(days=7)
    assert repo.propose(store, TEAM, on) == repo.propose(
        store, TEAM, on, policy_for(store, TEAM, on)
    )
