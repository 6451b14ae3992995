"""``import-central`` and what the werkvoorraad makes of central decisions and the new case
facts: class B only with a covering decision toegekend, flags for a missing or refused one,
ZW with the re-integratiebegeleider aan kop, the contract's JSON keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mdbtriage.store.database import Store
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

CASES = [
    "case_ref;bsn;name;birth_date;service;received_on;team;requester;motivated;working;"
    "schrijnend;schrijnend_ref;ingebrekestelling;medical_reason;employer_consents_60_plus;"
    "dwangsom;dwangsom_deadline",
    "R-10;111222333;Anna de Vries;1970-05-06;HERBEOORDELING;2026-02-01;T1;werknemer;ja;nee;"
    "ja;CT-2026-010;nee;;;rechterlijk;2027-01-31",
    "R-9;111222333;Anna de Vries;1970-05-06;BEZWAAR;2026-02-01;T1;werknemer;ja;nee;"
    "ja;CT-2026-011;nee;;;;",
    "R-8;123456782;Jan Jansen;1961-01-01;HERBEOORDELING;2026-03-01;T1;werkgever;ja;nee;"
    "ja;n.v.t.;nee;;;;",
    "R-7;123456782;Jan Jansen;1961-01-01;ZW;2026-04-02;T1;;nee;nee;nee;;nee;;;;",
    "R-6;123456782;Jan Jansen;1961-01-01;ZW;2026-04-02;T1;;nee;nee;nee;;nee;ja;;;",
    "R-5;123456782;Jan Jansen;1961-01-01;WIA_CLAIM;2024-12-02;T1;;nee;nee;nee;;nee;;nee;;",
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _queue(run: Run) -> dict[str, dict[str, Any]]:
    result = run("queue", "--on", "2026-11-23", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {row["case_ref"]: row for row in json.loads(result.stdout)}


def test_central_decisions_decide_class_b(run: Run, tmp_path: Path, store_path: Path) -> None:
    assert run("import-cases", str(_write(tmp_path / "zaken.csv", CASES))).exit_code == 0
    before = _queue(run)
    assert before["R-10"]["class"] == "D"
    assert "schrijnend: centrale toets ontbreekt" in before["R-10"]["flags"]
    assert (
        "rechterlijke dwangsom geregistreerd (termijn rechter 31-01-2027)"
        in (before["R-10"]["flags"])
    )
    assert (before["R-7"]["route"], before["R-7"]["lead_role"]) == ("REINTEGRATIE", "RIB")
    assert (before["R-7"]["overdue_days"], before["R-7"]["term_ends_on"]) == (0, None)
    assert before["R-6"]["route"] == "REGULIER"  # medical reason recorded: VA aan kop
    assert before["R-5"]["route"] == "REGULIER"  # the employer did not consent to 60-plus
    assert before["R-5"]["term_ends_on"] == "2025-01-27" and before["R-5"]["team"] == "T1"

    decisions = _write(
        tmp_path / "centraal.csv",
        [
            "central_ref,case_ref,bsn,decided_on,outcome",
            "CT-2026-010,R-10,,2026-03-15,toegekend",
            "CT-2026-011,,111222333,2026-03-20,toegekend",
            "n.v.t.,R-1,,2026-03-20,afgewezen",
        ],
    )
    result = run("import-central", str(decisions))
    assert result.exit_code == 0, result.stderr
    assert "3 centrale beslissingen toegevoegd" in result.stderr
    assert "zaak R-1, die (nog) niet in de opslag staat" in result.stderr
    after = _queue(run)
    assert after["R-10"]["class"] == "B" and after["R-9"]["class"] == "B"
    assert after["R-8"]["class"] == "D"  # its reference is a decision about another case
    assert [r for r, row in after.items() if row["class"] == "B"] == ["R-9", "R-10"]  # natural
    with Store.open(store_path) as store:
        logged = store.conn.execute(
            "SELECT event, case_ref, details FROM audit_log WHERE purpose = ? ORDER BY log_id",
            ("centrale beslissingen importeren",),
        ).fetchall()
    assert [row[0] for row in logged] == ["create", "create", "create"]
    assert logged[0][2] == "centrale toets CT-2026-010 van 15-03-2026: toegekend"

    refused = _write(
        tmp_path / "afgewezen.csv",
        ["central_ref;case_ref;bsn;decided_on;outcome", "CT-2026-010;R-10;;2026-04-01;afgewezen"],
    )
    assert run("import-central", str(refused)).exit_code == 0
    again = _queue(run)
    assert again["R-10"]["class"] == "D"
    assert "schrijnend: centrale toets afgewezen" in again["R-10"]["flags"]


def test_bad_rows_write_nothing_and_name_line_column_and_value(
    run: Run, tmp_path: Path, store_path: Path
) -> None:
    bad = _write(
        tmp_path / "centraal.csv",
        [
            "central_ref,case_ref,bsn,decided_on,outcome",
            "CT-1,R-1,,2026-03-15,toegekend",
            "CT-2,,,2026-03-15,toegekend",
            "CT-3,,123456789,2026-02-30,misschien",
        ],
    )
    result = run("import-central", str(bad))
    assert result.exit_code == 2
    assert "centraal.csv, regel 3, kolom case_ref, waarde '': zaaknummer of BSN" in result.stderr
    assert "regel 4, kolom bsn, waarde '123456789': BSN voldoet niet aan de elfproef" in (
        result.stderr
    )
    assert "regel 4, kolom outcome, waarde 'misschien': kies uit toegekend of afgewezen" in (
        result.stderr
    )
    assert "er is niets geschreven" in result.stderr and "Traceback" not in result.stderr
    errors = (tmp_path / "centraal.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert errors[0] == "line;column;value;reason" and len(errors) == 5
    with Store.open(store_path) as store:
        assert store.count("central_decisions") == 0


def test_requester_kinds_per_service_are_refused_on_import(run: Run, tmp_path: Path) -> None:
    header = "case_ref;bsn;name;birth_date;service;received_on;team;requester"
    rows = [
        header,
        "B-1;111222333;Anna de Vries;1970-05-06;BEZWAAR;2026-02-01;T1;uwv",
        "W-1;111222333;Anna de Vries;1970-05-06;WIJZIGING_GEZONDHEID;2026-02-01;T1;werkgever",
    ]
    result = run("import-cases", str(_write(tmp_path / "zaken.csv", rows)))
    assert result.exit_code == 2
    assert "regel 2, kolom requester, waarde 'uwv': uwv kan geen" in result.stderr
    assert "regel 3, kolom requester, waarde 'werkgever': werkgever kan geen" in result.stderr


def test_only_a_team_lead_imports_central_decisions(
    run: Run, sign_in: SignIn, tmp_path: Path
) -> None:
    assert run("demo", "--cases", "60", "--on", "2026-11-23").exit_code == 0
    decisions = _write(
        tmp_path / "centraal.csv",
        ["central_ref,case_ref,bsn,decided_on,outcome", "CT-9,V-0006,,2026-03-15,toegekend"],
    )
    sign_in("SMC-UTRECHT-1-VA1")
    refused = run("import-central", str(decisions))
    assert refused.exit_code == 3 and "Geweigerd" in refused.stderr
    sign_in(DEMO_TEAM_LEAD)
    assert run("import-central", str(decisions)).exit_code == 0
    rows = _queue(run)
    assert {row["class"] for row in rows.values()} == {"A", "B", "C", "D"}
    assert rows["V-0004"]["class"] == "B"  # the demo's own central decision


def test_queue_csv_names_the_term_end_and_team(run: Run, tmp_path: Path) -> None:
    import csv
    import io

    assert run("import-cases", str(_write(tmp_path / "zaken.csv", CASES))).exit_code == 0
    out = run("queue", "--on", "2026-11-23", "--format", "csv").stdout
    rows = {r["case_ref"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["R-5"]["term_ends_on"], rows["R-5"]["team"]) == ("2025-01-27", "T1")
    assert rows["R-7"]["term_ends_on"] == ""  # ZW: no legal term
