"""Bad CSV input at scale: generated files with wrong encodings, missing and unknown columns, huge
fields, odd dates and injection attempts never crash the reader, never half-write through the
CLI, and always produce a message. Also: CSV that MDB Triage writes neutralises formulas."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdbtriage.cli import cli
from mdbtriage.core.csvimport import CASE_COLUMNS, STAFF_COLUMNS, parse_cases, parse_staff
from mdbtriage.core.csvsafe import neutralise_cell, safe_row

TODAY = date(2026, 11, 23)
GOOD_CASE = {
    "case_ref": "Z-1",
    "bsn": "111222333",
    "name": "A. de Vries",
    "birth_date": "1968-04-12",
    "service": "ZW",
    "received_on": "2026-10-01",
    "team": "T1",
    "requester": "",
    "motivated": "nee",
    "working": "ja",
    "schrijnend": "",
    "schrijnend_ref": "",
    "ingebrekestelling": "0",
}
NASTY = [
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A9)",
    "-2+3",
    '@HYPERLINK("http://x")',
    "'; DROP TABLE cases; --",
    "Robert'); DROP TABLE clients;--",
    '" OR 1=1 --',
    "x" * 5000,
    "31-02-2026",
    "2026-13-01",
    "0000-00-00",
    "29-02-2025",
    "1800-01-01",
    "9999-12-31",
    "01/02/2026",
    "١٢٣",  # Arabic-Indic digits
    "\u202egnp.exe",
    "ja\x00",
    "line\nbreak",
    "",
    " ",
    "ＺＷ",
]
field_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.sampled_from(list(GOOD_CASE.values())),
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-be"])


@st.composite
def csv_files(draw: st.DrawFn, columns: tuple[str, ...]) -> bytes:
    header = draw(
        st.lists(
            st.one_of(st.sampled_from(columns), st.sampled_from(["extra", "", "BSN ", "Naam"])),
            min_size=0,
            max_size=len(columns) + 2,
        )
    )
    if draw(st.booleans()):
        header = list(columns)  # a correct header, so the rows themselves are exercised
    rows = draw(
        st.lists(
            st.lists(field_values, min_size=0, max_size=len(header) + 2), min_size=0, max_size=6
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(encodings)
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:  # truncated mid-file, maybe mid-character
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _assert_reported(result: object, data: bytes) -> None:
    errors = result.errors  # type: ignore[attr-defined]
    for error in errors:
        message = error.message("bestand.csv")
        assert message.startswith("bestand.csv, regel ") and len(message) > 25
    if result.file_errors:  # type: ignore[attr-defined]
        assert result.valid == []  # type: ignore[attr-defined]
    for row in result.rows:  # type: ignore[attr-defined]
        assert (row.record is None) == bool(row.errors)  # each row: a record or a reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files(CASE_COLUMNS))
def test_case_reader_never_crashes_and_always_explains(data: bytes) -> None:
    result = parse_cases(data, today=TODAY)
    _assert_reported(result, data)
    if result.rows and not result.valid:
        assert result.errors, "rows but nothing valid, so there must be a reason"
    if not result.rows and not result.file_errors:
        assert result.header, "an empty file is reported, not silently accepted"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files(STAFF_COLUMNS))
def test_staff_reader_never_crashes_and_always_explains(data: bytes) -> None:
    result = parse_staff(data)
    _assert_reported(result, data)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.dictionaries(st.sampled_from(CASE_COLUMNS), field_values), max_size=4))
def test_cli_import_is_all_or_nothing_with_a_message(
    tmp_path_factory: object, changes: list[dict[str, str]]
) -> None:
    workdir: Path = tmp_path_factory.mktemp("fuzz")  # type: ignore[attr-defined]
    rows = []
    for i, change in enumerate(changes):
        row = {**GOOD_CASE, "case_ref": f"Z-{i}", **change}
        rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CASE_COLUMNS), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    source = workdir / "zaken.csv"
    source.write_bytes(out.getvalue().encode("utf-8"))
    db = workdir / "store.sqlite3"
    parsed = parse_cases(source.read_bytes(), today=date.today())
    result = CliRunner().invoke(cli, ["--db", str(db), "import-cases", str(source)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip(), "every import says something"
    check = CliRunner().invoke(cli, ["--db", str(db), "check"])
    assert check.exit_code == 0, check.output  # the store is sound whatever came in
    import sqlite3

    conn = sqlite3.connect(db)
    count = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {"cases", "clients", "audit_log"} <= tables  # no injected DROP TABLE ran
    if parsed.file_errors or parsed.invalid:
        assert result.exit_code == 2 and count == 0  # nothing half-written
    else:
        assert result.exit_code == 0 and count == len(parsed.valid)


def test_injection_text_is_stored_as_text(tmp_path: Path) -> None:
    row = dict(GOOD_CASE, name="Robert'); DROP TABLE clients;--")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CASE_COLUMNS))
    writer.writeheader()
    writer.writerow(row)
    source = tmp_path / "zaken.csv"
    source.write_text(out.getvalue(), "utf-8")
    db = tmp_path / "store.sqlite3"
    result = CliRunner().invoke(cli, ["--db", str(db), "import-cases", str(source)])
    assert result.exit_code == 0, result.output
    import sqlite3

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM clients").fetchone()[0] == row["name"]
    conn.close()


# ---------------------------------------------------------------- formula neutralising


@given(st.text())
def test_neutralised_cells_never_start_a_formula(text: str) -> None:
    cell = neutralise_cell(text)
    assert isinstance(cell, str)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (text, "'" + text)


def test_numbers_are_left_alone() -> None:
    assert safe_row([-3, 2.5, "-3", "=1+1", "gewoon"]) == [-3, 2.5, "'-3", "'=1+1", "gewoon"]


def test_rejected_file_neutralises_formulas(tmp_path: Path) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CASE_COLUMNS))
    writer.writeheader()
    writer.writerow(dict(GOOD_CASE, case_ref="=cmd|' /C calc'!A0"))
    writer.writerow(dict(GOOD_CASE, case_ref="Z-2", bsn="222333445"))
    source = tmp_path / "zaken.csv"
    source.write_text(out.getvalue(), "utf-8")
    db = tmp_path / "store.sqlite3"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "import-cases", str(source), "--skip-invalid"]
    )
    assert result.exit_code == 0, result.output
    rejected = (tmp_path / "zaken.rejected.csv").read_text("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(rejected)) for cell in row]  # as given
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
