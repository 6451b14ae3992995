"""``tasks`` with a case or staff member the store does not know is bad input (exit 2 naming
the option and value), as ``audit`` and ``te-accorderen`` have it; a known one without tasks
is an empty list (exit 0)."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

pytestmark = pytest.mark.both_stores


@pytest.fixture
def demo(run: Run, sign_in: SignIn) -> None:
    assert run("demo", "--cases", "30").exit_code == 0
    sign_in(DEMO_TEAM_LEAD)


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--case", "NOPE", "deze zaak bestaat niet"),
        ("--to", "NOBODY", "geen bekende medewerker"),
        ("--va", "NOBODY", "geen bekende medewerker"),
    ],
)
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_unknown_filter_value_is_bad_input(
    run: Run, demo: None, option: str, value: str, says: str, fmt: str
) -> None:
    result = run("tasks", option, value, "--format", fmt)
    assert result.exit_code == 2, result.stderr
    assert f"Optie {option}, waarde '{value}': {says}" in result.stderr
    assert result.stdout == ""


def test_known_values_without_tasks_are_an_empty_list(run: Run, demo: None) -> None:
    for option, value in (("--va", "SMC-UTRECHT-1-AD1"), ("--to", DEMO_TEAM_LEAD)):
        result = run("tasks", option, value, "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == []
    every = json.loads(run("tasks", "--format", "json").stdout)
    case = every[0]["case_ref"]
    found = run("tasks", "--case", case, "--format", "json")
    assert found.exit_code == 0 and all(t["case_ref"] == case for t in json.loads(found.stdout))
