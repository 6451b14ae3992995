"""assign, complete, sign-off and reject act today and a delegation starts today or later, so
nothing reaches back past a revocation (issue: data-safety holes, item 4)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from mdbtriage.store.database import Store
from tests.cli.conftest import Run
from tests.store.test_tasks import seed_team

TODAY = date.today()


@pytest.fixture
def revoked(store_path: Path, run: Run) -> str:
    """Team T1 with delegation of V1 to S1 for RAPPORTAGE, revoked today."""
    with Store.open(store_path) as store:
        seed_team(store)
    delegation = run("delegate", "V1", "S1", "--task", "RAPPORTAGE")
    assert delegation.exit_code == 0, delegation.stderr
    delegation_id = delegation.stdout.strip()
    assert run("revoke", delegation_id, "--by", "V1").exit_code == 0
    return delegation_id


def tasks_of(run: Run, case_ref: str) -> list[dict[str, object]]:
    result = run("tasks", "--case", case_ref, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


@pytest.mark.parametrize(
    "day",
    [
        "2026-06-01",
        "9999-12-31",
        (TODAY - timedelta(days=1)).isoformat(),
        (TODAY + timedelta(days=1)).isoformat(),
    ],
)
def test_no_assignment_under_a_revoked_delegation_by_another_date(
    run: Run, revoked: str, day: str
) -> None:
    result = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "V1", "--on", day)
    assert result.exit_code == 2, result.stderr
    assert f"Optie --on, waarde '{day}'" in result.stderr
    assert result.stdout == ""
    assert tasks_of(run, "R-7") == []


def test_today_the_revoked_delegation_refuses_with_exit_3(run: Run, revoked: str) -> None:
    for extra in ((), ("--on", TODAY.isoformat())):
        result = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "V1", *extra)
        assert result.exit_code == 3, result.stderr
        assert f"delegatie {revoked} van V1 is ingetrokken" in result.stderr
    assert tasks_of(run, "R-7") == []


def test_a_delegation_starts_today_or_later(run: Run, store_path: Path) -> None:
    with Store.open(store_path) as store:
        seed_team(store)
    past = (TODAY - timedelta(days=1)).isoformat()
    refused = run("delegate", "V1", "S1", "--task", "RAPPORTAGE", "--from", past)
    assert refused.exit_code == 2
    assert (
        f"Optie --from, waarde '{past}'" in refused.stderr and "vandaag of later" in refused.stderr
    )
    assert json.loads(run("delegations", "--format", "json").stdout) == []
    later = (TODAY + timedelta(days=3)).isoformat()
    assert run("delegate", "V1", "S1", "--task", "RAPPORTAGE", "--from", later).exit_code == 0
    early = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "V1")
    assert early.exit_code == 3 and "toekomstig" in early.stderr
    assert run("delegate", "V1", "S2", "--task", "RAPPORTAGE").exit_code == 0
    assert run("assign", "R-7", "RAPPORTAGE", "--to", "S2", "--by", "V1").exit_code == 0


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("complete", ("--by", "S1", "--result", "Rapport.")),
        ("sign-off", ("--by", "V1")),
        ("reject", ("--by", "V1", "--reason", "Onvolledig.")),
    ],
)
def test_hand_in_sign_off_and_reject_act_today(
    run: Run, store_path: Path, command: str, args: tuple[str, ...]
) -> None:
    with Store.open(store_path) as store:
        seed_team(store)
    assert run("delegate", "V1", "S1", "--task", "RAPPORTAGE").exit_code == 0
    task_id = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "V1").stdout.strip()
    if command != "complete":
        assert run("complete", task_id, "--by", "S1", "--result", "Rapport.").exit_code == 0
    status = tasks_of(run, "R-7")[0]["status"]
    for day in ("2026-06-01", (TODAY + timedelta(days=1)).isoformat()):
        result = run(command, task_id, *args, "--on", day)
        assert result.exit_code == 2, result.stderr
        assert f"Optie --on, waarde '{day}'" in result.stderr and "vandaag" in result.stderr
        assert tasks_of(run, "R-7")[0]["status"] == status
    assert run(command, task_id, *args, "--on", TODAY.isoformat()).exit_code == 0
