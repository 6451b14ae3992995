"""The task commands of contract.md: assign, sign-off and audit, with their exit codes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from mdbtriage.store.database import Store
from tests.cli.conftest import Run
from tests.store.test_tasks import seed_team


@pytest.fixture
def seeded(store_path: Path) -> Path:
    with Store.open(store_path) as store:
        seed_team(store)
    return store_path


def audit_json(run: Run, *args: str) -> list[dict[str, object]]:
    result = run("audit", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_refused_assignment_exits_3_with_the_reason(run: Run, seeded: Path) -> None:
    result = run("assign", "R-5", "SPREEKUUR", "--to", "S1", "--by", "V1")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "claimbeoordeling" in result.stderr and "regelset uniform-2026" in result.stderr
    log = audit_json(run, "--case", "R-5")
    assert [(r["purpose"], r["outcome"]) for r in log][-1] == ("taak toewijzen", "geweigerd")
    tasks = run("tasks", "--case", "R-5", "--format", "json")
    assert json.loads(tasks.stdout) == []


def test_delegation_by_va_of_another_team_is_refused(run: Run, seeded: Path) -> None:
    result = run("delegate", "W1", "S1", "--task", "RAPPORTAGE")
    assert result.exit_code == 3
    assert "team T2" in result.stderr and "team T1" in result.stderr
    assert result.stdout == ""
    assert json.loads(run("delegations", "--format", "json").stdout) == []
    ok = run("delegate", "V1", "S1", "--task", "RAPPORTAGE")
    assert ok.exit_code == 0
    refused = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "W1")
    assert refused.exit_code == 3 and "team T2" in refused.stderr


def test_full_delegated_flow_every_step_in_the_audit(run: Run, seeded: Path) -> None:
    delegation = run(
        "delegate",
        "V1",
        "S1",
        "--task",
        "SPREEKUUR",
        "--task",
        "RAPPORTAGE",
        "--review",
        "100",
    )
    assert delegation.exit_code == 0, delegation.stderr
    assert delegation.stdout.strip().isdigit()

    assigned = run(
        "assign",
        "R-7",
        "SPREEKUUR",
        "--to",
        "S1",
        "--by",
        "V1",
        "--due",
        (date.today() + timedelta(days=7)).isoformat(),
    )
    assert assigned.exit_code == 0, assigned.stderr
    task_id = assigned.stdout.strip()
    assert task_id.isdigit()

    done = run("--user", "S1", "complete", task_id, "--by", "S1", "--result", "Anamnese.")
    assert done.exit_code == 0, done.stderr
    waiting = run("te-accorderen", "V1", "--format", "json")
    assert [str(t["task_id"]) for t in json.loads(waiting.stdout)] == [task_id]

    for wrong in ("V2", "S1", "W1"):
        refused = run("sign-off", task_id, "--by", wrong)
        assert refused.exit_code == 3, wrong
        assert "V1" in refused.stderr
    impostor = run("--user", "V2", "sign-off", task_id, "--by", "V1")
    assert impostor.exit_code == 3
    assert "namens V1" in impostor.stderr

    signed = run("sign-off", task_id, "--by", "V1", "--result", "Anamnese, aangevuld.")
    assert signed.exit_code == 0, signed.stderr
    again = run("sign-off", task_id, "--by", "V1")
    assert again.exit_code == 3

    log = audit_json(run, "--case", "R-7")
    steps = [(r["purpose"], r["outcome"], r["user_id"], r["on_behalf_of"]) for r in log]
    assert any(s[0] == "taak toewijzen" and s[1] == "gelukt" and s[3] == "V1" for s in steps)
    assert ("taakresultaat inleveren", "gelukt", "S1", "V1") in steps
    assert ("accorderen", "gelukt", "V1", None) in steps
    # Three wrong VAs, the impostor (with the case, so it shows here), and the second sign-off.
    assert sum(1 for s in steps if s[0] == "accorderen" and s[1] == "geweigerd") == 5
    assert any(
        r["user_id"] == "V2" and "probeerde te accorderen namens V1" in str(r["details"])
        for r in log
    )
    assert all(task_id in str(r["details"]) for r in log if r["purpose"] != "test")
    required = {"at", "event", "client_id", "user_id", "role", "on_behalf_of", "outcome", "purpose"}
    assert all(required <= set(r) for r in log)
    assert all(r["client_id"] for r in log)

    tasks = json.loads(run("tasks", "--case", "R-7", "--format", "json").stdout)
    assert tasks[0]["status"] == "geaccordeerd" and tasks[0]["changed_by_va"] is True
    versions = tasks[0]["versions"]
    assert [(v["kind"], v["author_id"], v["result"]) for v in versions] == [
        ("ingeleverd", "S1", "Anamnese."),
        ("gewijzigd_door_va", "V1", "Anamnese, aangevuld."),
        ("geaccordeerd", "V1", "Anamnese, aangevuld."),
    ]
    assert all(v["created_at"] for v in versions)


def test_zelfstandig_assignment_and_sign_off_refused(run: Run, seeded: Path) -> None:
    assigned = run("assign", "R-5", "dossierstudie", "--to", "S1")
    assert assigned.exit_code == 0
    task_id = assigned.stdout.strip()
    refused = run("sign-off", task_id, "--by", "V1")
    assert refused.exit_code == 3 and "geen accordering nodig" in refused.stderr


def test_bad_input_exits_2(run: Run, seeded: Path) -> None:
    assert run("assign", "R-404", "DOSSIERSTUDIE", "--to", "S1").exit_code == 2
    assert run("assign", "R-5", "ONZIN", "--to", "S1").exit_code == 2
    assert run("assign", "R-5", "DOSSIERSTUDIE", "--to", "NIEMAND").exit_code == 2
    assert run("assign", "R-5", "DOSSIERSTUDIE", "--to", "S1", "--due", "31-02-2026").exit_code == 2
    assert run("sign-off", "999", "--by", "V1").exit_code == 2
    assert run("audit", "--from", "gisteren").exit_code == 2


def test_audit_per_user_and_period(run: Run, seeded: Path) -> None:
    run("delegate", "V1", "S1", "--task", "RAPPORTAGE")
    run("--user", "T1-TL", "assign", "R-7", "RAPPORTAGE", "--to", "S1")
    by_tl = audit_json(run, "--user", "T1-TL")
    assert by_tl and all(r["user_id"] == "T1-TL" or r["on_behalf_of"] == "T1-TL" for r in by_tl)
    for_v1 = audit_json(run, "--user", "V1")
    assert any(r["user_id"] == "T1-TL" and r["on_behalf_of"] == "V1" for r in for_v1)
    assert audit_json(run, "--to", "2000-01-01") == []
    everything = audit_json(run, "--from", "2000-01-01")
    assert len(everything) >= len(by_tl)
    per_client = audit_json(run, "--bsn", "111222333")
    assert per_client and {r["case_ref"] for r in per_client} == {"R-7"}
    table = run("audit", "--case", "R-7")
    assert table.exit_code == 0 and "taak toewijzen" in table.stdout


def test_who_may_lists_everyone_with_reasons(run: Run, seeded: Path) -> None:
    result = run("who-may", "R-5", "SPREEKUUR", "--format", "json", "--on", "2026-11-23")
    rows = json.loads(result.stdout)
    allowed = {r["staff_id"] for r in rows if r["allowed"]}
    assert allowed == {"V1", "V2"}
    smv = next(r for r in rows if r["staff_id"] == "S1")
    assert smv["permission"] == "nee" and "claimbeoordeling" in smv["reason"]


OS = {"LOGNAME": "jan", "USER": "jan"}
VIA = "via opdrachtregel, systeemaccount jan, zonder --user"


def test_sign_off_of_an_open_task_is_refused(run: Run, seeded: Path) -> None:
    run("delegate", "V1", "S1", "--task", "RAPPORTAGE")
    task_id = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "V1").stdout.strip()
    refused = run("sign-off", task_id, "--by", "V1")
    assert refused.exit_code == 3 and refused.stdout == ""
    assert "staat op 'open'" in refused.stderr
    assert f"lever eerst het resultaat in met 'mdb-triage complete {task_id} --by S1" in (
        refused.stderr
    )
    tasks = json.loads(run("tasks", "--case", "R-7", "--format", "json").stdout)
    assert tasks[0]["status"] == "open" and tasks[0]["signed_by"] is None


def test_without_user_the_by_person_is_logged_with_the_os_account(run: Run, seeded: Path) -> None:
    delegation = run("delegate", "V1", "S1", "--task", "RAPPORTAGE", env=OS).stdout.strip()
    assign = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "V1", env=OS)
    task_id = assign.stdout.strip()
    assert run("complete", task_id, "--by", "S1", "--result", "Concept.", env=OS).exit_code == 0
    assert run("reject", task_id, "--by", "V1", "--reason", "Mager.", env=OS).exit_code == 0
    assert run("sign-off", task_id, "--by", "V1", env=OS).exit_code == 3
    assert run("revoke", delegation, "--by", "V1", env=OS).exit_code == 0
    log = audit_json(run, "--from", "2000-01-01")
    mine = {
        r["purpose"]: (r["user_id"], r["on_behalf_of"], r["outcome"])
        for r in log
        if VIA in str(r["details"])
    }
    assert mine == {
        "taakdelegatie vastleggen": ("V1", None, "gelukt"),
        "taak toewijzen": ("os:jan", "V1", "gelukt"),
        "taakresultaat inleveren": ("S1", "V1", "gelukt"),
        "afwijzen": ("V1", None, "gelukt"),
        "accorderen": ("V1", None, "geweigerd"),
        "taakdelegatie intrekken": ("V1", None, "gelukt"),
    }
    # A signed-in user's records carry no such note.
    run("delegate", "V1", "S2", "--task", "RAPPORTAGE", env=OS)
    signed_in = run("--user", "V2", "assign", "R-7", "DOSSIERSTUDIE", "--to", "S1", "--by", "V1")
    assert signed_in.exit_code == 0, signed_in.stderr
    last = audit_json(run, "--user", "V2")[-1]
    assert (last["user_id"], last["on_behalf_of"]) == ("V2", "V1")
    assert "systeemaccount" not in str(last["details"])


def test_impostor_refusal_is_in_the_case_log(run: Run, seeded: Path) -> None:
    task_id = run("assign", "R-5", "DOSSIERSTUDIE", "--to", "S1").stdout.strip()
    refused = run("--user", "S2", "complete", task_id, "--by", "S1", "--result", "x")
    assert refused.exit_code == 3
    last = audit_json(run, "--case", "R-5")[-1]
    assert (last["user_id"], last["outcome"], last["purpose"]) == ("S2", "geweigerd", "inleveren")
    assert last["client_id"] and f"taak {task_id}" in str(last["details"])
    assert run("--user", "S2", "complete", "999", "--by", "S1", "--result", "x").exit_code == 2


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--case", "NOPE", "deze zaak bestaat niet"),
        ("--user", "NIEMAND", "geen bekende medewerker"),
        ("--bsn", "100000009", "geen cliënt met dit BSN"),
    ],
)
def test_audit_unknown_filter_value_is_bad_input(
    run: Run, seeded: Path, option: str, value: str, says: str
) -> None:
    result = run("audit", option, value)
    assert result.exit_code == 2, result.stderr
    assert f"Optie {option}, waarde '{value}'" in result.stderr and says in result.stderr
    assert result.stdout == ""


def test_audit_known_filter_values(run: Run, seeded: Path) -> None:
    run("assign", "R-5", "DOSSIERSTUDIE", "--to", "S1", env=OS)
    assert audit_json(run, "--case", "R-4", "--user", "V1") == []  # no records: no error
    assert audit_json(run, "--bsn", "123456782")
    assert audit_json(run, "--user", "M1") == []  # a staff member who did nothing yet
    by_os = audit_json(run, "--user", "os:jan")
    assert by_os and {r["user_id"] for r in by_os} == {"os:jan"}


def test_complete_records_the_time_spent(run: Run, seeded: Path, store_path: Path) -> None:
    run("delegate", "V1", "S1", "--task", "RAPPORTAGE")
    task_id = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "V1").stdout.strip()
    for bad in ("0", "6001", "een uur"):
        refused = run(
            "--user", "S1", "complete", task_id, "--by", "S1", "--result", "x", "--minutes", bad
        )
        assert refused.exit_code == 2, bad
        assert "--minutes" in refused.stderr
    done = run(
        "--user", "S1", "complete", task_id, "--by", "S1", "--result", "Concept.", "--minutes", "75"
    )
    assert done.exit_code == 0, done.stderr
    import sqlite3

    with sqlite3.connect(store_path) as conn:
        spent = conn.execute("SELECT minutes_spent FROM tasks WHERE task_id = ?", (task_id,))
        assert spent.fetchone()[0] == 75
    log = audit_json(run, "--case", "R-7")
    assert any("bestede tijd 75 minuten" in str(r["details"]) for r in log)


def test_an_edit_from_an_older_version_exits_3_naming_who_what_and_when(
    run: Run, seeded: Path
) -> None:
    run("delegate", "V1", "S1", "--task", "RAPPORTAGE")
    task_id = run("assign", "R-7", "RAPPORTAGE", "--to", "S1", "--by", "V1").stdout.strip()
    first = json.loads(run("tasks", "--case", "R-7", "--format", "json").stdout)[0]["version"]
    done = run("complete", task_id, "--by", "S1", "--result", "Concept.", "--expect-version", "1")
    assert first == 1 and done.exit_code == 0, done.stderr
    stale = run("sign-off", task_id, "--by", "V1", "--expect-version", str(first))
    assert stale.exit_code == 3 and stale.stdout == ""
    assert f"Taak {task_id} (RAPPORTAGE) is intussen gewijzigd door Naam S1 (S1) op " in (
        stale.stderr
    )
    assert "ingeleverd, wacht op accordering" in stale.stderr
    # Without --expect-version the command acts on the current version, as before.
    assert run("sign-off", task_id, "--by", "V1").exit_code == 0
    task = json.loads(run("tasks", "--case", "R-7", "--format", "json").stdout)[0]
    assert task["status"] == "geaccordeerd" and task["version"] == 3
