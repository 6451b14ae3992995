"""Identity on the command line (contract.md "Identity"): on a store with accounts every
command on client data acts as a signed-in person; refusals exit 3 and are logged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mdbtriage.store.audit import AuditRecord, records
from mdbtriage.store.database import Store
from mdbtriage.store.safety import seal_path
from tests.cli.conftest import DEMO_TEAM_LEAD, Run

TEAM = "SMC-UTRECHT-1"
VA, SMV, AD = f"{TEAM}-VA1", f"{TEAM}-SMV1", f"{TEAM}-AD1"
NO_PASSWORD: dict[str, str | None] = {"MDB_TRIAGE_PASSWORD": None}
WRONG = {"MDB_TRIAGE_PASSWORD": "verkeerd-2026"}


@pytest.fixture
def demo(run: Run, store_path: Path) -> Path:
    """A demo team: every member has an account with the demo password."""
    assert run("demo", "--cases", "10", "--on", "2026-11-23").exit_code == 0
    return store_path


def _log(path: Path) -> list[AuditRecord]:
    with Store.open(path) as store:
        return records(store.conn)


def _failed_attempts(path: Path, staff_id: str) -> int:
    with Store.open(path) as store:
        row = store.conn.execute(
            "SELECT failed_attempts FROM accounts WHERE staff_id = ?", (staff_id,)
        ).fetchone()
        return int(row[0])


def test_without_user_a_store_with_accounts_refuses_and_logs(run: Run, demo: Path) -> None:
    result = run("queue")
    assert result.exit_code == 3
    assert "Aanmelden nodig" in result.stderr and "--user" in result.stderr
    assert result.stdout == ""
    last = _log(demo)[-1]
    assert (last.event, last.outcome) == ("signin", "geweigerd")
    assert last.user_id.startswith("os:") and "geen --user" in last.details


def test_a_name_without_its_password_is_refused_and_not_counted(run: Run, demo: Path) -> None:
    result = run("--user", VA, "queue", "--format", "json", env=NO_PASSWORD)
    assert result.exit_code == 3 and "geen wachtwoord" in result.stderr
    assert result.stdout == ""
    last = _log(demo)[-1]
    assert (last.user_id, last.event, last.outcome) == (VA, "signin", "geweigerd")
    assert last.details == "geen wachtwoord gegeven"
    assert _failed_attempts(demo, VA) == 0


def test_impersonation_by_environment_needs_the_password(run: Run, demo: Path) -> None:
    env = {"MDB_TRIAGE_USER": VA, **WRONG}
    result = run("tasks", "--format", "json", env=env)
    assert result.exit_code == 3 and "Onjuist wachtwoord" in result.stderr
    assert _failed_attempts(demo, VA) == 1
    ok = run("tasks", "--format", "json", env={"MDB_TRIAGE_USER": VA})
    assert ok.exit_code == 0, ok.stderr
    assert _failed_attempts(demo, VA) == 0
    signins = [r for r in _log(demo) if r.event == "signin" and r.user_id == VA]
    assert [r.outcome for r in signins] == ["geweigerd", "gelukt"]
    assert all("opdrachtregel" in r.purpose for r in signins)


def test_five_wrong_passwords_lock_the_account(run: Run, demo: Path) -> None:
    for _ in range(5):
        assert run("--user", SMV, "queue", env=WRONG).exit_code == 3
    locked = run("--user", SMV, "queue")
    assert locked.exit_code == 3 and "geblokkeerd" in locked.stderr
    assert _failed_attempts(demo, SMV) == 5


def test_unknown_user_is_refused_and_logged(run: Run, demo: Path) -> None:
    result = run("--user", "NIEMAND", "queue")
    assert result.exit_code == 3 and "'NIEMAND'" in result.stderr
    assert "NIEMAND" in _log(demo)[-1].details


def test_by_must_be_the_signed_in_person(run: Run, demo: Path) -> None:
    result = run(
        "--user", SMV, "adopt-ruleset", TEAM, "uniform-2026", "--from", "2027-01-01", "--by", VA
    )
    assert result.exit_code == 3
    assert f"aangemeld als {SMV}" in result.stderr and f"namens {VA}" in result.stderr
    last = _log(demo)[-1]
    assert (last.user_id, last.outcome) == (SMV, "geweigerd")


def test_only_a_team_lead_imports_staff(run: Run, demo: Path, tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text(
        f"staff_id;name;role;team;big_number\n{AD};Ad Adviseur;VA;{TEAM};19012345601\n"
    )
    refused = run("--user", AD, "import-staff", str(staff))
    assert refused.exit_code == 3 and "alleen een teamleider" in refused.stderr
    with Store.open(demo) as store:
        role = store.conn.execute("SELECT role FROM staff WHERE staff_id = ?", (AD,)).fetchone()
    assert role[0] == "AD"
    last = _log(demo)[-1]
    assert (last.user_id, last.outcome, last.purpose) == (AD, "geweigerd", "medewerkers importeren")


def test_audit_of_others_is_for_the_team_lead(run: Run, demo: Path) -> None:
    assert run("--user", VA, "queue").exit_code == 0
    own = run("--user", SMV, "audit", "--format", "json")
    assert own.exit_code == 0, own.stderr
    assert {r["user_id"] for r in json.loads(own.stdout)} == {SMV}
    refused = run("--user", SMV, "audit", "--user", VA)
    assert refused.exit_code == 3 and "privacyfunctionaris" in refused.stderr
    assert (_log(demo)[-1].user_id, _log(demo)[-1].outcome) == (SMV, "geweigerd")
    everyone = run("--user", DEMO_TEAM_LEAD, "audit", "--format", "json")
    assert {VA, SMV, DEMO_TEAM_LEAD} <= {r["user_id"] for r in json.loads(everyone.stdout)}


def test_maintenance_needs_no_sign_in_and_is_logged_under_the_os_account(
    run: Run, demo: Path
) -> None:
    assert run("check", env=NO_PASSWORD).exit_code == 0
    checked = _log(demo)[-1]
    assert checked.user_id.startswith("os:") and checked.purpose == "opslag controleren"
    result = run("backup", env=NO_PASSWORD)
    assert result.exit_code == 0, result.stderr
    assert _log(demo)[-1].user_id.startswith("os:")


def test_set_up_mode_first_account_is_a_team_leads(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "staff_id;name;role;team;big_number\n"
        "T-TL;Tineke Leider;TL;T1;\n"
        "T-VA;Victor Arts;VA;T1;19012345601\n"
    )
    assert run("import-staff", str(staff)).exit_code == 0
    first = {"MDB_TRIAGE_NEW_PASSWORD": "eerste-2026"}
    refused = run("account-create", "T-VA", env=first)
    assert refused.exit_code == 3 and "eerste account is dat van een teamleider" in refused.stderr
    assert run("--user", "T-VA", "queue").exit_code == 0  # still set-up mode: no password
    created = run("account-create", "T-TL", env=first)
    assert created.exit_code == 0, created.stderr
    assert "inrichting is voorbij" in created.stderr
    assert run("--user", "T-VA", "queue").exit_code == 3
    assert run("--user", "T-TL", "queue", env={"MDB_TRIAGE_PASSWORD": "eerste-2026"}).exit_code == 0
    setup = [r for r in _log(store_path) if r.event == "signin" and r.user_id == "T-VA"]
    assert "opslag zonder accounts" in setup[0].details and setup[0].outcome == "gelukt"


def test_account_create_by_a_team_lead_only(run: Run, demo: Path) -> None:
    new = {"MDB_TRIAGE_NEW_PASSWORD": "nieuw-wachtwoord-7"}
    refused = run("--user", VA, "account-create", SMV, env=new)
    assert refused.exit_code == 3 and "Alleen een teamleider maakt accounts" in refused.stderr
    assert (_log(demo)[-1].user_id, _log(demo)[-1].outcome) == (VA, "geweigerd")
    weak = run(
        "--user", DEMO_TEAM_LEAD, "account-create", SMV, env={"MDB_TRIAGE_NEW_PASSWORD": "kort"}
    )
    assert weak.exit_code == 2 and "minstens 8 tekens" in weak.stderr
    missing = run("--user", DEMO_TEAM_LEAD, "account-create", SMV)
    assert missing.exit_code == 2 and "MDB_TRIAGE_NEW_PASSWORD" in missing.stderr
    done = run("--user", DEMO_TEAM_LEAD, "account-create", SMV, env=new)
    assert done.exit_code == 0, done.stderr
    assert (
        run("--user", SMV, "queue", env={"MDB_TRIAGE_PASSWORD": "nieuw-wachtwoord-7"}).exit_code
        == 0
    )


def test_accounts_removed_by_hand_do_not_bring_back_set_up_mode(run: Run, demo: Path) -> None:
    assert run("--user", VA, "queue").exit_code == 0  # a sign-in with a password, logged
    seal_path(demo).unlink(missing_ok=True)
    conn = sqlite3.connect(demo)
    conn.execute("DELETE FROM accounts")
    conn.commit()
    conn.close()
    result = run("--user", VA, "queue", env=NO_PASSWORD)
    assert result.exit_code == 3 and "buiten MDB Triage om verwijderd" in result.stderr
    assert result.stdout == ""
    created = run("account-create", DEMO_TEAM_LEAD, env={"MDB_TRIAGE_NEW_PASSWORD": "nieuw-2026x"})
    assert created.exit_code == 3
    last = _log(demo)[-1]
    assert (last.event, last.outcome) == ("signin", "geweigerd")


def test_the_privacy_officer_reads_everyones_records(run: Run, demo: Path, tmp_path: Path) -> None:
    staff = tmp_path / "po.csv"
    staff.write_text(f"staff_id;name;role;team;big_number\nPO1;Petra Olsthoorn;PO;{TEAM};\n")
    lead = ["--user", DEMO_TEAM_LEAD]
    assert run(*lead, "import-staff", str(staff)).exit_code == 0
    new = {"MDB_TRIAGE_NEW_PASSWORD": "privacy-2026"}
    assert run(*lead, "account-create", "PO1", env=new).exit_code == 0
    assert run("--user", VA, "queue").exit_code == 0
    po = {"MDB_TRIAGE_PASSWORD": "privacy-2026"}
    result = run("--user", "PO1", "audit", "--user", VA, "--format", "json", env=po)
    assert result.exit_code == 0, result.stderr
    assert {r["user_id"] for r in json.loads(result.stdout)} == {VA}


def test_in_a_terminal_the_passwords_are_asked_without_echo(
    run: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    answers = iter(
        [
            "demo-2026",
            "terminal-2026",
            "terminal-2026",
            "terminal-2026",
            "eerste-2026",
            "tweede-2026",
        ]
    )

    def no_echo(prompt: str = "") -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("mdbtriage.cli._terminal", lambda: True)
    monkeypatch.setattr("mdbtriage.cli.getpass.getpass", no_echo)
    lead = ["--user", DEMO_TEAM_LEAD]
    done = run(*lead, "account-create", SMV, env=NO_PASSWORD)
    assert done.exit_code == 0, done.stderr
    assert asked == [
        f"Wachtwoord van {DEMO_TEAM_LEAD}: ",
        f"Nieuw wachtwoord voor {SMV}: ",
        "Nogmaals: ",
    ]
    assert "terminal-2026" not in done.output
    assert run("--user", SMV, "queue", env=NO_PASSWORD).exit_code == 0
    mismatch = run(*lead, "account-create", SMV, env={"MDB_TRIAGE_NEW_PASSWORD": None})
    assert mismatch.exit_code == 2 and "verschillen" in mismatch.stderr


def test_someone_without_an_account_is_not_asked_a_password(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    staff = tmp_path / "nieuw.csv"
    staff.write_text(f"staff_id;name;role;team;big_number\nPB9;Pim Bakker;PB;{TEAM};\n")
    assert run("--user", DEMO_TEAM_LEAD, "import-staff", str(staff)).exit_code == 0
    result = run("--user", "PB9", "queue", env=NO_PASSWORD)
    assert result.exit_code == 3 and "heeft geen account" in result.stderr
    last = _log(demo)[-1]
    assert (last.user_id, last.outcome, last.details) == ("PB9", "geweigerd", "geen account")


def test_demo_data_gives_no_real_staff_the_public_password(run: Run, tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "staff_id;name;role;team;big_number\nT-TL;Tineke Leider;TL;T1;\nT-VA;Victor Arts;VA;T1;19012345601\n"
    )
    assert run("import-staff", str(staff)).exit_code == 0
    first = {"MDB_TRIAGE_NEW_PASSWORD": "eerste-2026"}
    assert run("account-create", "T-TL", env=first).exit_code == 0
    lead = {"MDB_TRIAGE_USER": "T-TL", "MDB_TRIAGE_PASSWORD": "eerste-2026"}
    assert run("demo", "--cases", "5", env=lead).exit_code == 0
    refused = run("--user", "T-VA", "queue")  # the demo password in MDB_TRIAGE_PASSWORD
    assert refused.exit_code == 3 and "heeft geen account" in refused.stderr
    assert run("--user", DEMO_TEAM_LEAD, "queue").exit_code == 3
