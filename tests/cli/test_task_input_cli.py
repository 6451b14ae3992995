"""Bad input to the task and delegation commands is exit 2 naming the option and its value;
exit 3 stays for what a rule refuses (taakdelegatie, permissions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdbtriage.store.database import Store
from tests.cli.conftest import Run, SignIn

SMV = "SMC-UTRECHT-1-SMV3"
VA = "SMC-UTRECHT-1-VA1"


@pytest.fixture
def demo(run: Run, store_path: Path) -> dict[str, int]:
    """The demo team: an open delegated task of the SMV and one waiting for the VA's sign-off."""
    assert run("demo", "--cases", "30").exit_code == 0
    with Store.open(store_path) as store:
        found = dict(
            store.conn.execute(
                "SELECT status, min(task_id) FROM tasks WHERE assignee_id = ? "
                "AND delegating_va_id = ? GROUP BY status",
                (SMV, VA),
            ).fetchall()
        )
    return {str(k): int(v) for k, v in found.items()}


def _log_count(store_path: Path) -> int:
    with Store.open(store_path) as store:
        return store.count("audit_log")


@pytest.mark.parametrize("result", ["", "   "])
def test_complete_with_an_empty_result(
    run: Run, demo: dict[str, int], sign_in: SignIn, result: str
) -> None:
    sign_in(SMV)
    task = str(demo["open"])
    done = run("complete", task, "--by", SMV, "--result", result)
    assert done.exit_code == 2, done.stderr
    assert f"Optie --result, waarde '{result}': het resultaat is leeg" in done.stderr
    assert run("complete", task, "--by", SMV, "--result", "gedaan").exit_code == 0


def test_reject_without_a_reason(run: Run, demo: dict[str, int], sign_in: SignIn) -> None:
    sign_in(VA)
    task = str(demo["te_accorderen"])
    rejected = run("reject", task, "--by", VA, "--reason", "")
    assert rejected.exit_code == 2, rejected.stderr
    assert "Optie --reason, waarde '': geef een reden" in rejected.stderr
    assert run("reject", task, "--by", VA, "--reason", "onvolledig").exit_code == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--task", "NOTASK"], "Optie --task, waarde 'NOTASK': deze taak bestaat niet"),
        (
            ["--task", "SPREEKUUR", "--from", "2026-12-10", "--until", "2026-12-01"],
            "Optie --until, waarde '2026-12-01': de einddatum ligt voor de begindatum",
        ),
        (["--task", "SPREEKUUR", "--review", "150"], "Optie --review, waarde '150'"),
    ],
)
def test_delegate_with_bad_input(
    run: Run,
    demo: dict[str, int],
    sign_in: SignIn,
    store_path: Path,
    args: list[str],
    says: str,
) -> None:
    sign_in(VA)
    before = _log_count(store_path)
    result = run("delegate", VA, SMV, *args)
    assert result.exit_code == 2, result.stderr
    assert says in result.stderr and result.stdout == ""
    with Store.open(store_path) as store:
        assert store.count("audit_log") == before + 1  # the sign-in only: nothing refused


def test_delegate_refused_by_the_rule_set_stays_3(
    run: Run, demo: dict[str, int], sign_in: SignIn
) -> None:
    sign_in(VA)
    result = run("delegate", VA, "SMC-UTRECHT-1-AD1", "--task", "SPREEKUUR")
    assert result.exit_code == 3
    assert "niet gedelegeerd worden" in result.stderr
