"""``import-staff`` refuses to leave a store with accounts without an active team lead who can
sign in (nothing written, the rule named); the team lead can still do admin work afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdbtriage.store.database import Store
from mdbtriage.store.records import get_staff
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

HEADER = "staff_id,name,role,team,big_number,qualifications,hours_per_week,active"
ROWS = {
    "inactive": f"{DEMO_TEAM_LEAD},Rik Bakker,TL,SMC-UTRECHT-1,,,32,nee",
    "demoted": f"{DEMO_TEAM_LEAD},Rik Bakker,VA,SMC-UTRECHT-1,12345678901,,32,ja",
}


@pytest.fixture
def demo(run: Run, sign_in: SignIn) -> None:
    assert run("demo", "--cases", "30").exit_code == 0
    sign_in(DEMO_TEAM_LEAD)


@pytest.mark.parametrize("change", sorted(ROWS))
def test_import_staff_keeps_a_team_lead(
    run: Run, demo: None, tmp_path: Path, store_path: Path, change: str
) -> None:
    with Store.open(store_path) as store:
        before = get_staff(store, DEMO_TEAM_LEAD)
    staff = tmp_path / "staf.csv"
    staff.write_text(f"{HEADER}\n{ROWS[change]}\n", encoding="utf-8")
    result = run("import-staff", str(staff))
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    assert "geen actieve teamleider met een account meer" in result.stderr
    assert DEMO_TEAM_LEAD in result.stderr and "er is niets geschreven" in result.stderr
    with Store.open(store_path) as store:
        assert get_staff(store, DEMO_TEAM_LEAD) == before
    # still possible: the team lead's admin work
    ok = tmp_path / "ok.csv"
    ok.write_text(f"{HEADER}\nSMC-UTRECHT-1-AD1,Dewi Öztürk,AD,SMC-UTRECHT-1,,,36,ja\n")
    assert run("import-staff", str(ok)).exit_code == 0


def test_import_staff_refusal_by_the_rule_exits_3(run: Run, demo: None, tmp_path: Path) -> None:
    staff = tmp_path / "staf.csv"
    staff.write_text(f"{HEADER}\n{ROWS['inactive']}\n", encoding="utf-8")
    assert run("import-staff", str(staff)).exit_code == 3
