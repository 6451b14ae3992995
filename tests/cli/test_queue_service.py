"""One queue service: the command line's werkvoorraad is ordered by the store, as the
desktop's is, and equals the reference definition (every case placed and sorted in Python)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core.model import Actor
from mdbtriage.core.policy import load_policy
from mdbtriage.core.triage import build_queue, place, placement_dicts
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.store.records import open_cases
from tests.cli.conftest import Run
from tests.conftest import TODAY


@pytest.mark.parametrize("on", [TODAY, date(2026, 6, 1)])
@pytest.mark.parametrize("team", [None, "SMC-UTRECHT-1"])
def test_queue_json_equals_the_reference_definition(
    run: Run, store_path: Path, on: date, team: str | None
) -> None:
    with Store.open(store_path) as store:
        load_demo(store, n_cases=600, seed=11, today=TODAY, actor=Actor.system_account("t"))
        policy = load_policy()
        rows = open_cases(store, team)
        reference = placement_dicts(
            build_queue([r.facts for r in rows], on, policy),
            policy,
            {r.facts.case_ref: r.team for r in rows},
        )
    args = ["--user", "SMC-UTRECHT-1-TL1", "queue", "--on", on.isoformat(), "--format", "json"]
    if team:
        args += ["--team", team]
    result = run(*args)  # the demo's accounts: MDB_TRIAGE_PASSWORD holds the demo password
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(json.dumps(reference))


def test_place_puts_one_case_as_the_werkvoorraad_does(store: Store) -> None:
    load_demo(store, n_cases=200, seed=3, today=TODAY, actor=Actor.system_account("t"))
    policy = load_policy()
    rows = open_cases(store)
    whole = {p.case_ref: p for p in build_queue([r.facts for r in rows], TODAY, policy)}
    for row in rows:
        single = place(row.facts, TODAY, policy)
        expected = whole[row.facts.case_ref]
        assert (single.klasse, single.route.code, single.flags) == (
            expected.klasse,
            expected.route.code,
            expected.flags,
        )
        assert single.reasons(policy) == expected.reasons(policy)
