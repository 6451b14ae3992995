"""``import-cases`` and ``import-staff`` under attack and carelessness (issue 13): a lean re-import
keeps what it does not give, error output is summarised with everything in a file, no output
file replaces the store, unreadable CSV is a Dutch exit 2, and random input never exit 1."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdbtriage.cli import cli
from mdbtriage.store.database import Store
from mdbtriage.store.records import get_case, get_staff
from tests.cli.conftest import Run

FULL = (
    "case_ref;bsn;name;birth_date;service;received_on;team;requester;motivated;working;"
    "schrijnend;schrijnend_ref;ingebrekestelling;consents_60_plus;dwangsom;status"
)
B_CASE = (
    "R-9;999996356;Els Smit;1980-03-03;BEZWAAR;2026-01-20;T1;werknemer;ja;ja;ja;CT-2026-004;"
    "ja;nee;ja;in_behandeling"
)
LEAN = "case_ref;bsn;name;birth_date;service;received_on;team"


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_lean_reimport_keeps_schrijnend_dwangsom_and_the_rest(
    run: Run, tmp_path: Path, store_path: Path
) -> None:
    assert run("import-cases", str(_write(tmp_path / "a.csv", FULL, [B_CASE]))).exit_code == 0
    with Store.open(store_path) as store:
        before = get_case(store, "R-9")
    lean = _write(
        tmp_path / "b.csv", LEAN, ["R-9;999996356;Els Smit-de Wit;1980-03-03;BEZWAAR;2026-01-20;T1"]
    )
    result = run("import-cases", str(lean))
    assert result.exit_code == 0, result.stderr
    assert "0 zaken toegevoegd, 1 bijgewerkt" in result.stderr
    with Store.open(store_path) as store:
        after = get_case(store, "R-9")
        assert before is not None and after is not None
        assert after.facts == before.facts  # schrijnend, its reference, dwangsom, … all kept
        assert (after.status, after.client_name) == ("in_behandeling", "Els Smit-de Wit")
        details = store.conn.execute(
            "SELECT event, details FROM audit_log WHERE case_ref = 'R-9' ORDER BY log_id DESC"
        ).fetchone()
    assert details == ("change", "name: Els Smit → Els Smit-de Wit")
    audit = run("audit", "--case", "R-9", "--format", "json")
    assert audit.exit_code == 0, audit.stderr
    changes = [r["details"] for r in json.loads(audit.stdout) if r["event"] == "change"]
    assert changes == ["name: Els Smit → Els Smit-de Wit"]


def test_a_blank_active_cell_in_a_staff_reimport_keeps_the_stored_value(
    run: Run, tmp_path: Path, store_path: Path
) -> None:
    header = "staff_id,name,role,team,big_number,qualifications,hours_per_week,active"
    first = _write(
        tmp_path / "a.csv", header, ["AD1,D. Dijk,AD,T1,,,32,ja", "AD2,E. Kok,AD,T1,,,,nee"]
    )
    assert run("import-staff", str(first)).exit_code == 0
    again = _write(tmp_path / "b.csv", header, ["AD1,D. Dijk,AD,T1,,,32,", "AD2,E. Kok,AD,T1,,,,"])
    result = run("import-staff", str(again))
    assert result.exit_code == 0, result.stderr
    with Store.open(store_path) as store:
        ad1, ad2 = get_staff(store, "AD1"), get_staff(store, "AD2")
    assert ad1 is not None and ad1.active
    assert ad2 is not None and not ad2.active


def test_thousands_of_bad_rows_print_a_hundred_and_a_summary(run: Run, tmp_path: Path) -> None:
    bad = [B_CASE.replace("999996356", "123456789").replace("R-9", f"R-{i}") for i in range(2000)]
    result = run("import-cases", str(_write(tmp_path / "zaken.csv", FULL, bad)))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 103
    assert lines[100] == "… en nog 1900 problemen, niet getoond (2000 in totaal)."
    assert lines[-1] == f"Alle 2000 problemen staan in {tmp_path / 'zaken.errors.csv'}."
    with (tmp_path / "zaken.errors.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["line", "column", "value", "reason"]
    assert rows[2000] == ["2001", "bsn", "123456789", "BSN voldoet niet aan de elfproef"]


def test_the_errors_file_never_replaces_the_store(run: Run, tmp_path: Path) -> None:
    store_path = tmp_path / "zaken.errors.csv"
    good = _write(tmp_path / "goed.csv", FULL, [B_CASE])
    assert run("import-cases", str(good), db=store_path).exit_code == 0
    bad = _write(tmp_path / "zaken.csv", FULL, [B_CASE.replace("999996356", "123456789")])
    result = run("import-cases", str(bad), db=store_path)
    assert result.exit_code == 2
    assert "dat is de opslag zelf" in result.stderr and "er is niets geschreven" in result.stderr
    with Store.open(store_path) as store:
        assert store.count("cases") == 1


def test_a_field_over_the_csv_limit_is_exit_2_in_dutch(run: Run, tmp_path: Path) -> None:
    huge = "A" * 200_000
    path = _write(
        tmp_path / "lang.csv", LEAN, [f"R-1;111222333;{huge};1970-01-02;ABA;2026-08-14;T1"]
    )
    result = run("import-cases", str(path))
    assert result.exit_code == 2
    assert "lang.csv, regel 2, kolom name, waarde 'AAAA" in result.stderr
    assert "waarde is te lang (meer dan 131072 tekens)" in result.stderr
    assert "field larger" not in result.stderr and "Traceback" not in result.stderr


def test_a_folder_as_import_file_is_exit_2(run: Run, tmp_path: Path) -> None:
    result = run("import-cases", str(tmp_path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr


_HEADERS = st.sampled_from(
    [
        FULL,
        LEAN,
        FULL.replace(";", ","),
        "staff_id;name;role;team;big_number;qualifications;hours_per_week;active",
        "staff_id,name,role,team",
    ]
)
_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["ja", "nee", "", "111222333", "1970-01-02", "ZW", "T1", '"', '""', "\r"]),
)


@st.composite
def _csv_text(draw: st.DrawFn) -> bytes:
    header = draw(_HEADERS)
    width = header.count(";") + header.count(",") + 1
    delimiter = ";" if ";" in header else ","
    rows = draw(st.lists(st.lists(_CELLS, min_size=width - 1, max_size=width + 1), max_size=4))
    text = "\n".join([header, *(delimiter.join(r) for r in rows)])
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), "replace")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.one_of(st.binary(max_size=300), _csv_text()),
    command=st.sampled_from(["import-cases", "import-staff"]),
    skip=st.booleans(),
)
def test_random_csv_never_exits_1(tmp_path: Path, data: bytes, command: str, skip: bool) -> None:
    path = tmp_path / "invoer.csv"
    path.write_bytes(data)
    args = ["--db", str(tmp_path / "s.sqlite3"), command, str(path)]
    result = CliRunner().invoke(cli, [*args, "--skip-invalid"] if skip else args)
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_exit_2_in_dutch(run: Run, tmp_path: Path) -> None:
    result = run("import-cases", str(tmp_path / "weg.csv"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{tmp_path / 'weg.csv'}: bestand kan niet worden gelezen "
        "(het bestand of de map bestaat niet)"
    )
