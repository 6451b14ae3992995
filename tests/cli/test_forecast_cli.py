"""`mdb-triage forecast` and `absence-add` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from mdbtriage.cli import cli

STAFF = """staff_id,name,role,team,big_number,qualifications,hours_per_week
TL1,Tineke Leider,TL,T1,,,36
VA1,Anna Arts,VA,T1,12345678901,,36
SMV1,Sanne Verpleeg,SMV,T1,12345678902,,32
AD1,Ahmed Deskundige,AD,T1,,,36
"""
HEADER = (
    "case_ref,bsn,name,birth_date,service,received_on,team,requester,motivated,working,"
    "schrijnend,schrijnend_ref,ingebrekestelling\n"
)
BSNS = ["111222333", "111222345", "111222357", "111222369", "111222370"]


def invoke(db: Path, *args: str, user: str | None = "TL1") -> Result:
    """A command in set-up mode (no accounts yet): ``--user`` names the person."""
    who = ["--user", user] if user else []
    return CliRunner().invoke(cli, ["--db", str(db), *who, *args])


def fill(tmp_path: Path) -> Path:
    db = tmp_path / "s.sqlite3"
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    rows = "".join(
        f"Z-{i},{bsn},Client {i},1970-01-01,WIA_CLAIM,2026-0{4 + i}-01,T1,,nee,nee,nee,,nee\n"
        for i, bsn in enumerate(BSNS)
    )
    (tmp_path / "cases.csv").write_text(HEADER + rows, encoding="utf-8")
    assert invoke(db, "import-staff", str(tmp_path / "staff.csv"), user=None).exit_code == 0
    assert invoke(db, "import-cases", str(tmp_path / "cases.csv")).exit_code == 0
    return db


def test_forecast_json_has_weeks_cases_targets_and_inputs(tmp_path: Path) -> None:
    db = fill(tmp_path)
    result = invoke(db, "forecast", "--on", "2026-11-30", "--weeks", "4", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [w["week_start"] for w in data["weeks"]] == [
        "2026-11-30",
        "2026-12-07",
        "2026-12-14",
        "2026-12-21",
    ]
    assert [c["case_ref"] for c in data["cases"]] == ["Z-0", "Z-1", "Z-2", "Z-3", "Z-4"]
    assert all(c["done_week"] for c in data["cases"])
    assert data["weeks"][-1]["backlog"] == 0
    assert data["inputs"]["ruleset"] == "uniform-2026"
    assert data["estimate"] is True


def test_what_if_extra_hours_never_leave_more_backlog(tmp_path: Path) -> None:
    db = fill(tmp_path)
    args = ("forecast", "--on", "2026-11-30", "--weeks", "3", "--format", "csv")
    base = invoke(db, *args).stdout.splitlines()
    more = invoke(db, *args, "--extra-hours", "VA=20", "--extra-hours", "ad=10").stdout.splitlines()
    assert base[0] == more[0] == "week_start,backlog,wia_over_six_months"
    for old, new in zip(base[1:], more[1:], strict=True):
        assert int(new.split(",")[1]) <= int(old.split(",")[1])


def test_forecast_table_says_it_is_an_estimate_with_its_inputs(tmp_path: Path) -> None:
    db = fill(tmp_path)
    result = invoke(db, "forecast", "--team", "T1", "--on", "2026-11-30", "--weeks", "2")
    assert result.exit_code == 0
    assert "schatting" in result.stdout
    assert "Uitgangspunten: Standaardnormen 2026 (standaardwaarden)" in result.stdout
    assert (
        "regelset Uniforme taakdelegatie 2026" in result.stdout
        or "regelset Taakherschikking" in result.stdout
    )
    assert "Niemand wacht langer dan zes maanden" in result.stdout


def test_bad_forecast_options_exit_2_in_dutch(tmp_path: Path) -> None:
    db = fill(tmp_path)
    for args, words in [
        (("--extra-hours", "VA"), "ROL=UREN"),
        (("--extra-hours", "XX=4"), "ROL=UREN"),
        (("--extra-hours", "VA=veel"), "tussen -1000 en 1000"),
        (("--delegation-share", "150"), "percentage"),
        (("--team", "T9"), "bestaat niet"),
        (("--on", "0001-01-01"), "--on"),
    ]:
        result = invoke(db, "forecast", *args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.stderr
        assert "Traceback" not in result.output


def test_absence_add_lowers_the_capacity_and_refuses_bad_dates(tmp_path: Path) -> None:
    db = fill(tmp_path)
    result = invoke(db, "absence-add", "VA1", "07-12-2026", "2026-12-11", "--reason", "verlof")
    assert result.exit_code == 0, result.output
    data = json.loads(
        invoke(db, "forecast", "--on", "2026-11-30", "--weeks", "2", "--format", "json").stdout
    )
    assert data["weeks"][1]["capacity_hours"]["VA"] == 0.0
    bad = invoke(db, "absence-add", "VA1", "2026-13-01", "2026-12-11")
    assert bad.exit_code == 2 and "STARTS_ON" in bad.stderr
    backwards = invoke(db, "absence-add", "VA1", "2026-12-11", "2026-12-01")
    assert backwards.exit_code == 2 and "vóór" in backwards.stderr


def test_import_absences_all_or_nothing(tmp_path: Path) -> None:
    db = fill(tmp_path)
    bad = tmp_path / "afwezig.csv"
    bad.write_text(
        "staff_id,starts_on,ends_on,reason\nVA1,2026-12-07,2026-12-11,verlof\n"
        "NIEMAND,2026-12-07,2026-12-11,\nSMV1,2026-12-07,2026-12-01,\n",
        encoding="utf-8",
    )
    result = invoke(db, "import-absences", str(bad))
    assert result.exit_code == 2
    assert "afwezig.csv, regel 3, kolom staff_id, waarde 'NIEMAND': onbekende medewerker" in (
        result.stderr
    )
    assert "regel 4, kolom ends_on" in result.stderr
    assert "er is niets geschreven" in result.stderr
    good = tmp_path / "goed.csv"
    good.write_text("staff_id;starts_on;ends_on\nVA1;07-12-2026;11-12-2026\n", encoding="utf-8")
    result = invoke(db, "import-absences", str(good))
    assert result.exit_code == 0, result.output
    assert "1 afwezigheden vastgelegd" in result.stderr
    data = json.loads(
        invoke(db, "forecast", "--on", "2026-11-30", "--weeks", "2", "--format", "json").stdout
    )
    assert data["inputs"]["absences"] == 1
    missing = invoke(db, "import-absences", str(tmp_path / "nergens.csv"))
    assert missing.exit_code == 2 and "kan het bestand niet lezen" in missing.stderr
