"""The command line on the office store: set-up by the owner, daily work by staff logins, and
the same werkvoorraad as on the workstation store."""

from __future__ import annotations

import json
from pathlib import Path

from tests.office.conftest import DAY, TL, OfficeDb, database_url, run


def staff_url(db: OfficeDb, login: str) -> str:
    return database_url(db.admin_url, db.name, login)


def test_owner_loads_demo_and_staff_work_with_their_own_login(demo_office: OfficeDb) -> None:
    code, out, err = run(staff_url(demo_office, TL), "queue", "--on", DAY, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) > 100
    with demo_office.connect() as conn:
        who = conn.execute(
            "SELECT user_id, role FROM audit_log WHERE purpose LIKE 'aanmelden%' "
            "ORDER BY log_id DESC LIMIT 1"
        ).fetchone()
    assert who == (TL, "TL")


def test_owner_cannot_do_daily_work(demo_office: OfficeDb) -> None:
    code, _, err = run(demo_office.url, "queue", "--on", DAY)
    assert code == 3
    assert "eigenaar van de database" in err


def test_unknown_login_is_refused(demo_office: OfficeDb) -> None:
    login = demo_office.login("stranger", demo_office.roles.app)
    code, _, err = run(staff_url(demo_office, login), "queue", "--on", DAY)
    assert code == 3
    assert "hoort bij geen medewerker" in err


def test_login_without_connect_right_is_told_so(demo_office: OfficeDb) -> None:
    login = demo_office.login("outsider")
    code, _, err = run(staff_url(demo_office, login), "queue", "--on", DAY)
    assert code == 3
    assert "geen toegang tot die database" in err
    assert "Traceback" not in err


def test_same_werkvoorraad_as_workstation_store(office_db: OfficeDb, tmp_path: Path) -> None:
    """Order, positions, routes, reasons and day counts of every case of a 2,000-case demo are
    the same on both stores, in JSON and CSV, for the district and for one team."""
    file = str(tmp_path / "store.sqlite3")
    demo = ("demo", "--cases", "2000", "--seed", "7", "--on", DAY)
    for where in (file, office_db.url):
        code, _, err = run(where, *demo)
        assert code == 0, err
    for args in (
        ("queue", "--on", DAY, "--format", "json"),
        ("queue", "--on", DAY, "--format", "csv"),
        ("queue", "--on", "2027-03-01", "--team", "SMC-UTRECHT-1", "--format", "json"),
    ):
        code, on_file, err = run(file, "--user", TL, *args)
        assert code == 0, err
        code, on_server, err = run(staff_url(office_db, TL), *args)
        assert code == 0, err
        assert on_server == on_file
    assert len(json.loads(on_file)) > 1000


# VA1 has no delegation to SMV1 in the demo (VA2 has none at all): this one is the test's own.
VA1, VA2 = "SMC-UTRECHT-1-VA2", "SMC-UTRECHT-1-VA1"
SMV1 = "SMC-UTRECHT-1-SMV2"


def test_a_delegated_task_from_assignment_to_sign_off_across_logins(
    demo_office: OfficeDb, tmp_path: Path
) -> None:
    """What the VA does at his workstation, the SMV sees at hers: every step by its own login,
    and every step in the access log under that login."""
    as_va, as_smv, as_tl = (staff_url(demo_office, who) for who in (VA1, SMV1, TL))
    code, out, err = run(as_tl, "queue", "--on", DAY, "--format", "json")
    ref = next(r["case_ref"] for r in json.loads(out) if r["service"] == "ZW")
    code, delegation, err = run(
        as_va, "delegate", VA1, SMV1, "--task", "RAPPORTAGE", "--review", "100"
    )
    assert code == 0, err
    code, task_id, err = run(as_va, "assign", ref, "RAPPORTAGE", "--to", SMV1, "--by", VA1)
    assert code == 0, err
    task_id = task_id.strip()
    code, out, err = run(as_smv, "tasks", "--to", SMV1, "--format", "json")
    assert code == 0, err
    assert any(str(t["task_id"]) == task_id for t in json.loads(out))
    code, _, err = run(as_smv, "complete", task_id, "--by", SMV1, "--result", "Concept rapport.")
    assert code == 0, err
    code, out, err = run(as_va, "te-accorderen", VA1, "--format", "json")
    assert code == 0, err and task_id in out
    code, _, err = run(as_va, "sign-off", task_id, "--by", VA1)
    assert code == 0, err
    code, _, err = run(staff_url(demo_office, VA2), "sign-off", task_id, "--by", VA2)
    assert code == 3
    # --by must be the signed-in login: the SMV cannot sign off in the VA's name.
    code, _, err = run(as_smv, "sign-off", task_id, "--by", VA1)
    assert code == 3
    code, _, err = run(as_va, "revoke", delegation.strip(), "--by", VA1)
    assert code == 0, err
    code, out, err = run(as_tl, "audit", "--case", ref, "--format", "json")
    assert code == 0, err
    users = {r["user_id"] for r in json.loads(out)}
    assert {VA1, SMV1} <= users


def test_meetings_forecast_and_imports_as_a_team_lead(
    demo_office: OfficeDb, tmp_path: Path
) -> None:
    as_tl = staff_url(demo_office, TL)
    code, out, err = run(as_tl, "mdb-list", "--format", "json")
    assert code == 0, err
    meetings = json.loads(out)
    closed = next(m for m in meetings if m["status"] == "gesloten")
    pdf = tmp_path / "verslag.pdf"
    code, _, err = run(as_tl, "mdb-summary", str(closed["meeting_id"]), "--out", str(pdf))
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    code, out, err = run(as_tl, "forecast", "--team", "SMC-UTRECHT-1", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["weeks"]
    cases = tmp_path / "zaken.csv"
    cases.write_text(
        "case_ref;bsn;name;birth_date;service;received_on;team\n"
        "K-9001;111222333;Anna Jansen;02-01-1970;ZW;01-11-2026;SMC-UTRECHT-1\n",
        encoding="utf-8",
    )
    code, _, err = run(as_tl, "import-cases", str(cases))
    assert code == 0, err
    bad = tmp_path / "fout.csv"
    bad.write_text(
        "case_ref;bsn;name;birth_date;service;received_on;team\n"
        "K-9002;123456789;Piet;02-01-1970;ZW;01-11-2026;SMC-UTRECHT-1\n",
        encoding="utf-8",
    )
    code, _, err = run(as_tl, "import-cases", str(bad))
    assert code == 2 and "elfproef" in err
    code, out, err = run(as_tl, "queue", "--on", DAY, "--format", "json")
    assert any(r["case_ref"] == "K-9001" for r in json.loads(out))


def test_encryption_is_refused_on_the_office_store(demo_office: OfficeDb) -> None:
    for command in ("encrypt", "decrypt"):
        code, _, err = run(demo_office.url, command)
        assert code == 3, err
        assert "TLS" in err and "Traceback" not in err


def test_backup_check_and_restore_into_an_empty_database(
    demo_office: OfficeDb, blank_db: OfficeDb, tmp_path: Path
) -> None:
    dump_file = tmp_path / "kantoor.dump"
    code, _, err = run(demo_office.url, "backup", "--out", str(dump_file))
    assert code == 0, err
    assert "gecontroleerd" in err and dump_file.stat().st_mode & 0o077 == 0
    code, _, err = run(demo_office.url, "restore", str(dump_file), "--check-only")
    assert code == 0, err
    # The dump is an anchor for the log: its head is still in the chain later on.
    code, _, err = run(staff_url(demo_office, TL), "queue", "--on", DAY)
    assert code == 0, err
    code, _, err = run(demo_office.url, "check", "--anchor", str(dump_file))
    assert code == 0, err
    assert "gevonden bij logregel" in err
    # Not over a store that exists: only into an empty database.
    code, _, err = run(demo_office.url, "restore", str(dump_file))
    assert code == 3 and "lege database" in err
    # And only by the owner: a staff member is told that rule first.
    code, _, err = run(staff_url(demo_office, TL), "restore", str(dump_file))
    assert code == 3 and "eigenaar van de database" in err
    code, _, err = run(blank_db.url, "restore", str(dump_file))
    assert code == 0, err and "server-init" in err
    code, _, err = run(blank_db.url, "server-init", blank_db.url)
    assert code == 0, err
    code, _, err = run(blank_db.url, "check")
    assert code == 0, err
    with demo_office.connect() as old, blank_db.connect() as new:
        count = "SELECT count(*) FROM audit_log WHERE purpose != 'reservekopie maken'"
        assert (
            new.execute("SELECT count(*) FROM cases").fetchone()
            == old.execute("SELECT count(*) FROM cases").fetchone()
        )
        assert new.execute(count).fetchone()[0] >= old.execute(count).fetchone()[0] - 1


def test_check_finds_a_switched_off_trigger(demo_office: OfficeDb) -> None:
    code, _, err = run(demo_office.url, "check")
    assert code == 0, err and "in orde" in err
    with demo_office.connect() as conn:
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
    code, _, err = run(demo_office.url, "check")
    assert code == 1
    assert "audit_log_no_update" in err


def _workstation(tmp_path: Path, name: str, seed: int, team_cases: int = 200) -> Path:
    file = tmp_path / name
    code, _, err = run(
        str(file), "demo", "--cases", str(team_cases), "--seed", str(seed), "--on", DAY
    )
    assert code == 0, err
    return file


def test_move_to_server_carries_everything_with_the_access_log(
    office_db: OfficeDb, tmp_path: Path
) -> None:
    from mdbtriage.store.database import Store
    from mdbtriage.store.move import carried_chain_holds
    from mdbtriage.store.office_store import OfficeStore

    file = _workstation(tmp_path, "werkplek.sqlite3", 11)
    with Store.open(file) as source:
        counts = {t: source.count(t) for t in ("cases", "tasks", "meetings", "task_versions")}
        log_rows = source.count("audit_log")
        head = source.conn.execute("SELECT hash FROM audit_chain ORDER BY log_id DESC").fetchone()[
            0
        ]
        task_ids = {r[0] for r in source.conn.execute("SELECT task_id FROM tasks")}
    code, _, err = run(office_db.url, "move-to-server", str(file), office_db.url)
    assert code == 0, err
    assert "toegangslogboek" in err and head in err
    with OfficeStore.open_url(office_db.url) as office:
        assert {t: office.count(t) for t in counts} == counts
        assert {r[0] for r in office.conn.execute("SELECT task_id FROM tasks")} == task_ids
        closed = office.conn.execute("SELECT count(*) FROM meetings WHERE status = 'gesloten'")
        assert closed.fetchone()[0] >= 1
        move = office.conn.execute(
            "SELECT details FROM audit_log WHERE purpose LIKE 'werkplekopslag verhuisd%'"
        ).fetchone()[0]
        first, last = office.conn.execute(
            "SELECT min(log_id), max(log_id) FROM audit_log WHERE role != 'eigenaar'"
        ).fetchone()
        assert last - first + 1 >= log_rows - 1
        assert carried_chain_holds(office, first, first + log_rows - 1, 1, head), move
    # Logged on the workstation side too; a second move into the now full store is refused.
    with Store.open(file) as source:
        assert (
            source.conn.execute(
                "SELECT count(*) FROM audit_log WHERE purpose LIKE 'werkplekopslag verhuisd%'"
            ).fetchone()[0]
            == 1
        )
    code, _, err = run(office_db.url, "move-to-server", str(file), office_db.url)
    assert code == 3 and "niet leeg" in err


def test_merge_brings_in_a_second_workstation_and_refuses_differing_cases(
    office_db: OfficeDb, tmp_path: Path
) -> None:
    first = _workstation(tmp_path, "een.sqlite3", 11)
    second = _workstation(tmp_path, "twee.sqlite3", 11)  # the same team and cases
    code, _, err = run(office_db.url, "move-to-server", str(first), office_db.url)
    assert code == 0, err
    code, _, err = run(office_db.url, "move-to-server", str(second), office_db.url, "--merge")
    assert code == 0, err
    from mdbtriage.store.database import Store

    with Store.open(second) as store:
        ref = store.conn.execute("SELECT case_ref FROM cases ORDER BY case_ref").fetchone()[0]
        with store.atomic() as conn:
            conn.execute(
                "UPDATE cases SET working = 1 - working, updated_at = '2099-01-01T00:00:00Z' "
                "WHERE case_ref = ?",
                (ref,),
            )
    code, _, err = run(office_db.url, "move-to-server", str(second), office_db.url, "--merge")
    assert code == 3 and ref in err and "--prefer newer" in err
    code, _, err = run(
        office_db.url, "move-to-server", str(second), office_db.url, "--merge", "--prefer", "newer"
    )
    assert code == 0, err


def test_move_by_a_staff_login_is_refused(demo_office: OfficeDb, tmp_path: Path) -> None:
    file = _workstation(tmp_path, "werkplek.sqlite3", 3)
    code, _, err = run(
        staff_url(demo_office, TL), "move-to-server", str(file), staff_url(demo_office, TL)
    )
    assert code == 3 and "eigenaar" in err


def test_account_create_by_a_team_lead_and_staff_changes_move_the_login(
    demo_office: OfficeDb, tmp_path: Path
) -> None:
    as_tl = staff_url(demo_office, TL)
    staff = tmp_path / "staff.csv"
    header = "staff_id;name;role;team;big_number;qualifications;hours_per_week;active\n"
    staff.write_text(
        header + "SMC-UTRECHT-1-NIEUW;Nieuwe Collega;AD;SMC-UTRECHT-1;;;32;ja\n", encoding="utf-8"
    )
    code, _, err = run(as_tl, "import-staff", str(staff))
    assert code == 0, err
    runner_env = {"MDB_TRIAGE_NEW_PASSWORD": "Welkom-2026-abc"}
    from click.testing import CliRunner

    from mdbtriage.cli import cli

    result = CliRunner().invoke(
        cli, ["--db", as_tl, "account-create", "SMC-UTRECHT-1-NIEUW"], env=runner_env
    )
    assert result.exit_code == 0, result.stderr
    # An SMV may not create logins: the function refuses her, whatever her SQL client does.
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            staff_url(demo_office, "SMC-UTRECHT-1-SMV1"),
            "account-create",
            "SMC-UTRECHT-1-NIEUW",
        ],
        env={**runner_env, "MDB_TRIAGE_PASSWORD": "x"},
    )
    assert result.exit_code == 3
    groups = f"{demo_office.name}_%"
    with demo_office.connect() as conn:

        def membership() -> list[str]:
            return [
                r[0]
                for r in conn.execute(
                    "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                    "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s "
                    "AND g.rolname LIKE %s",
                    ("SMC-UTRECHT-1-NIEUW", groups),
                )
            ]

        assert membership() == [f"{demo_office.name}_ad"]
        must = conn.execute(
            "SELECT must_change FROM mdb_logins WHERE login = 'SMC-UTRECHT-1-NIEUW'"
        ).fetchone()
        assert must == (1,)
    # A role change moves the login; leaving switches it off.
    staff.write_text(
        header + "SMC-UTRECHT-1-NIEUW;Nieuwe Collega;RIB;SMC-UTRECHT-1;;;32;ja\n", encoding="utf-8"
    )
    code, _, err = run(as_tl, "import-staff", str(staff))
    assert code == 0, err
    staff.write_text(
        header + "SMC-UTRECHT-1-NIEUW;Nieuwe Collega;RIB;SMC-UTRECHT-1;;;32;nee\n", encoding="utf-8"
    )
    code, _, err = run(as_tl, "import-staff", str(staff))
    assert code == 0, err
    with demo_office.connect() as conn:
        assert membership() == [f"{demo_office.name}_rib"]
        login = conn.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'SMC-UTRECHT-1-NIEUW'"
        ).fetchone()
        assert login == (False,)
