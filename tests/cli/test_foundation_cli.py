"""The foundation commands of contract.md: demo, imports, queue, check; exit codes and messages."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from mdbtriage.store.database import Store
from mdbtriage.store.safety import seal_path
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

CASE_HEADER = (
    "case_ref;bsn;name;birth_date;service;received_on;team;requester;motivated;working;"
    "schrijnend;schrijnend_ref;ingebrekestelling"
)
GOOD = [
    "R-1;111222333;Anna Jansen;1970-01-02;ABA;2026-08-14;T1;;;;;;",
    "R-5;123456782;Piet Bos;01-05-1963;WIA_CLAIM;14-08-2026;T1;;;ja;;;",
    "R-9;999996356;Els Smit;1980-03-03;BEZWAAR;2026-01-20;T1;werknemer;ja;;ja;CT-2026-004;",
]
BAD = [
    "R-2;123456789;Jan de Vries;1970-01-02;ZW;2026-08-14;T1;;;;;;",
    "R-3;111222333;Anna Jansen;1970-01-02;ZW;31-02-2026;T1;;;;;;",
]


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([CASE_HEADER, *rows]) + "\n", encoding="utf-8-sig")
    return path


def test_demo_then_queue_json_meets_the_contract(run: Run, sign_in: SignIn) -> None:
    assert run("demo", "--cases", "2000", "--on", "2026-11-23").exit_code == 0
    sign_in(DEMO_TEAM_LEAD)
    result = run("queue", "--on", "2026-11-23", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 2000
    keys = {
        "case_ref",
        "position",
        "class",
        "service",
        "route",
        "lead_role",
        "received_on",
        "waiting_days",
        "overdue_days",
        "over_six_months",
        "flags",
        "reasons",
    }
    assert all(keys <= set(r) for r in rows)
    classes = [r["class"] for r in rows]
    assert classes == sorted(classes) and set(classes) == {"A", "B", "C", "D"}
    assert len({r["service"] for r in rows}) >= 8
    assert {r["route"] for r in rows} == {
        "60_PLUS",
        "PRAKTISCH",
        "LICHT",
        "REINTEGRATIE",
        "ONVOLLEDIG",
        "REGULIER",
    }
    assert all(r["team"] for r in rows) and all("term_ends_on" in r for r in rows)
    flags = {f for r in rows for f in r["flags"]}
    assert (
        "schrijnend: centrale toets ontbreekt" in flags
        and "ingebrekestelling geregistreerd" in flags
    )
    assert any(r["overdue_days"] > 0 for r in rows) and any(r["overdue_days"] == 0 for r in rows)
    assert [r["position"] for r in rows] == list(range(1, 2001))


def test_queue_csv_and_table(run: Run, sign_in: SignIn) -> None:
    run("demo", "--cases", "50", "--on", "2026-11-23")
    sign_in(DEMO_TEAM_LEAD)
    out = run("queue", "--on", "2026-11-23", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 50 and rows[0]["position"] == "1"
    table = run("queue", "--on", "2026-11-23")
    assert table.exit_code == 0
    assert "******" in table.stdout  # BSN masked
    assert "50 zaken op 23-11-2026" in table.stderr


def test_import_is_all_or_nothing_and_names_every_bad_row(
    run: Run, tmp_path: Path, store_path: Path
) -> None:
    file = write_csv(tmp_path / "zaken.csv", GOOD + BAD)
    result = run("import-cases", str(file))
    assert result.exit_code == 2
    assert (
        "zaken.csv, regel 5, kolom bsn, waarde '123456789': BSN voldoet niet aan de elfproef"
        in result.stderr
    )
    assert (
        "zaken.csv, regel 6, kolom received_on, waarde '31-02-2026': deze datum bestaat niet"
        in result.stderr
    )
    assert "er is niets geschreven" in result.stderr
    assert "Traceback" not in result.stderr
    with Store.open(store_path) as store:
        assert store.count("cases") == 0
        assert store.count("audit_log") == 0
    assert not (tmp_path / "zaken.rejected.csv").exists()


def test_skip_invalid_writes_good_rows_and_keeps_bad_ones(
    run: Run, tmp_path: Path, store_path: Path
) -> None:
    file = write_csv(tmp_path / "zaken.csv", GOOD + BAD)
    result = run("import-cases", str(file), "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    rejected = (tmp_path / "zaken.rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0].endswith(";reden")
    assert rejected[1].startswith(BAD[0]) and "elfproef" in rejected[1]
    assert rejected[2].startswith(BAD[1]) and "bestaat niet" in rejected[2]
    with Store.open(store_path) as store:
        assert store.count("cases") == 3
        assert store.count("audit_log") == 3  # one 'create' per case, in the same transaction


def test_reimport_updates_never_duplicates(run: Run, tmp_path: Path, store_path: Path) -> None:
    file = write_csv(tmp_path / "zaken.csv", GOOD)
    assert run("import-cases", str(file)).exit_code == 0
    changed = [GOOD[0].replace("Anna Jansen", "Anna Jansen-Bakker"), *GOOD[1:]]
    result = run("import-cases", str(write_csv(tmp_path / "zaken.csv", changed)))
    assert "0 zaken toegevoegd, 3 bijgewerkt" in result.stderr
    with Store.open(store_path) as store:
        assert store.count("cases") == 3 and store.count("clients") == 3
        assert (
            store.conn.execute("SELECT name FROM clients WHERE bsn='111222333'").fetchone()[0]
            == "Anna Jansen-Bakker"
        )
    queue = json.loads(run("queue", "--on", "2026-11-23", "--format", "json").stdout)
    assert [r["case_ref"] for r in queue] == ["R-1", "R-5", "R-9"]


def test_import_staff(run: Run, tmp_path: Path, store_path: Path) -> None:
    file = tmp_path / "staf.csv"
    file.write_text(
        "STAFF_ID,Name,Role,Team,BIG_number,Qualifications,Hours_per_week\n"
        "VA1,Dr. A. Visser,VA,T1,19012345601,REGIEVOERDER,36\n"
        "SMV1,B. Smit,SMV,T1,29012345602,POST_HBO_AG,32\n"
        "SMV2,C. Bos,SMV,T1,,,32\n",
        encoding="utf-8",
    )
    bad = run("import-staff", str(file))
    assert bad.exit_code == 2 and "regel 4, kolom big_number" in bad.stderr
    ok = run("import-staff", str(file), "--skip-invalid")
    assert ok.exit_code == 0
    with Store.open(store_path) as store:
        assert store.count("staff") == 2


def test_unknown_column_is_refused(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "zaken.csv"
    file.write_text(CASE_HEADER + ";opmerking\n" + GOOD[0] + ";x\n", encoding="utf-8")
    result = run("import-cases", str(file), "--skip-invalid")
    assert result.exit_code == 2
    assert "kolom opmerking" in result.stderr and "onbekende kolom" in result.stderr


def test_bad_options_name_the_value(run: Run, sign_in: SignIn) -> None:
    result = run("queue", "--on", "2026-13-01")
    assert result.exit_code == 2 and "--on, waarde '2026-13-01'" in result.stderr
    run("demo", "--cases", "10")
    sign_in(DEMO_TEAM_LEAD)
    result = run("queue", "--team", "GEEN")
    assert result.exit_code == 2 and "GEEN" in result.stderr


def test_store_location_from_environment(run: Run, tmp_path: Path) -> None:
    env_store = tmp_path / "via-env.sqlite3"
    result = run("demo", "--cases", "5", db=None, env={"MDB_TRIAGE_DB": str(env_store)})
    assert result.exit_code == 0
    assert env_store.exists()


def test_demo_refuses_to_mix_with_existing_cases(
    run: Run, store_path: Path, sign_in: SignIn
) -> None:
    assert run("demo", "--cases", "20").exit_code == 0
    sign_in(DEMO_TEAM_LEAD)
    again = run("demo", "--cases", "20", "--seed", "7")
    assert again.exit_code == 3 and "bevat al 20 zaken" in again.stderr
    with Store.open(store_path) as store:
        assert store.count("cases") == 20
    assert run("demo", "--cases", "20", "--seed", "7", "--force").exit_code == 0


def test_usage_errors_are_dutch(run: Run) -> None:
    result = run("queue", "--format", "xml")
    assert result.exit_code == 2
    assert "Ongeldige waarde voor '--format'" in result.stderr and "Invalid" not in result.stderr
    assert "Onbekende opdracht" in run("bestaatniet").stderr
    assert "Toon deze hulp en stop." in run("queue", "--help").stdout


def test_check_reports_a_sound_store(run: Run) -> None:
    run("demo", "--cases", "20")
    result = run("check")
    assert result.exit_code == 0 and "is in orde" in result.stderr


def _entry_point(
    *args: str, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from mdbtriage.cli import main; sys.exit(main())",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_corrupt_and_newer_stores_are_refused_without_traceback(tmp_path: Path) -> None:
    corrupt = tmp_path / "kapot.sqlite3"
    corrupt.write_bytes(b"\x00garbage" * 500)
    # A store that was one: its seal lies beside it (a file that never was is bad input, 2).
    seal_path(corrupt).write_text("{}")
    result = _entry_point("--db", str(corrupt), "queue")
    assert result.returncode == 1
    assert "beschadigd" in result.stderr and "Traceback" not in result.stderr
    newer = tmp_path / "nieuw.sqlite3"
    with Store.open(newer) as store, store.atomic() as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, 'toekomst', 'x')")
    result = _entry_point("--db", str(newer), "check")
    assert result.returncode == 3
    assert "nieuwere versie van MDB Triage" in result.stderr and "Traceback" not in result.stderr


def test_default_store_lives_in_the_user_data_directory(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("MDB_TRIAGE_DB", None)
    result = _entry_point("demo", "--cases", "5", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "mdb-triage" / "mdb-triage.sqlite3").exists()


def test_unknown_team_and_bsn_of_another_client_are_refused(run: Run, tmp_path: Path) -> None:
    assert run("import-cases", str(write_csv(tmp_path / "a.csv", GOOD))).exit_code == 0
    typo = "R-4;123456782;Piet Bos;01-05-1963;ZW;2026-08-14;T9;;;;;;"
    other_birth = "R-6;111222333;Anna Jansen;1971-01-02;ZW;2026-08-14;T1;;;;;;"
    renamed = "R-7;999996356;Els Smit-de Wit;1980-03-03;ZW;2026-08-14;T1;;;;;;"
    result = run("import-cases", str(write_csv(tmp_path / "b.csv", [typo, other_birth, renamed])))
    assert result.exit_code == 2
    assert "b.csv, regel 2, kolom team, waarde 'T9': dit team bestaat niet" in result.stderr
    assert (
        "b.csv, regel 3, kolom bsn, waarde '111222333': dit BSN hoort in de opslag bij Anna Jansen"
        in result.stderr
    )
    assert "regel 4" not in result.stderr  # a changed name is an update, not a clash
    skipped = run("import-cases", str(tmp_path / "b.csv"), "--skip-invalid")
    assert skipped.exit_code == 0
    assert "1 zaken toegevoegd" in skipped.stderr
    rejected = (tmp_path / "b.rejected.csv").read_text(encoding="utf-8-sig")
    assert "R-4;" in rejected and "R-6;" in rejected and "R-7;" not in rejected


def test_encoding_error_names_its_line(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "zaken.csv"
    text = "\n".join(
        [CASE_HEADER, GOOD[0], "R-2;111222333;Jos\xe9;1970-01-02;ZW;2026-08-14;T1;;;;;;"]
    )
    file.write_bytes(text.encode("latin-1"))
    result = run("import-cases", str(file))
    assert result.exit_code == 2
    assert "zaken.csv, regel 3: het bestand is geen UTF-8" in result.stderr
