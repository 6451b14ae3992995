"""A rejected file is for fixing and importing again: its rows come back with the input's
delimiter, and the formula escape it adds (``csvsafe``) is undone on import, so what is stored
is what the first file said; an apostrophe of the person's own (``'t Hart``) stays."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core.csvimport import CASE_COLUMNS, parse_cases
from mdbtriage.core.csvsafe import neutralise_cell, restore_cell
from mdbtriage.store.database import Store
from mdbtriage.store.records import get_case
from tests.cli.conftest import Run

HEADER = ",".join(CASE_COLUMNS)
ROWS = [
    "F-1,111222333,=cmd|calc,1970-01-01,=SUM(A1),2026-02-01,T1,,nee,nee,nee,,nee",
    "F-2,123456782,'t Hart,1970-01-01,XX,2026-02-01,T1,,nee,nee,nee,,nee",
    "F-3,999996356,+31 Bakker,1970-01-01,ZW,2026-02-01,T1,,nee,nee,nee,,nee",
]


@pytest.mark.parametrize(
    "text", ["=cmd|calc", "+31", "-3", "@SUM", "\tx", "'t Hart", "'", "''=x", "gewoon", ""]
)
def test_restore_cell_undoes_exactly_the_escape(text: str) -> None:
    escaped = neutralise_cell(text)
    assert isinstance(escaped, str)
    assert restore_cell(escaped) == text
    assert restore_cell("'t Hart") == "'t Hart" and restore_cell("'") == "'"


def test_an_escaped_cell_is_read_as_it_was_meant() -> None:
    data = f"{HEADER}\nF-1,111222333,'=cmd|calc,1970-01-01,ZW,2026-02-01,T1,,,,,,\n"
    result = parse_cases(data.encode(), date(2026, 11, 23))
    assert [case.client_name for case in result.valid] == ["=cmd|calc"]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_rejected_rows_round_trip(
    run: Run, tmp_path: Path, store_path: Path, delimiter: str
) -> None:
    source = tmp_path / "fx.csv"
    lines = [HEADER, *ROWS]
    source.write_text("\n".join(line.replace(",", delimiter) for line in lines) + "\n", "utf-8")
    result = run("import-cases", "--skip-invalid", str(source))
    assert result.exit_code == 0, result.stderr
    rejected = (tmp_path / "fx.rejected.csv").read_text("utf-8-sig")
    assert rejected.splitlines()[0] == delimiter.join([*CASE_COLUMNS, "reden"])
    rows = list(csv.reader(io.StringIO(rejected), delimiter=delimiter))[1:]
    assert [row[2] for row in rows] == ["'=cmd|calc", "'t Hart"]  # still safe to open
    # fixed by someone in a spreadsheet: the service corrected, the reason column removed
    fixed = io.StringIO()
    writer = csv.writer(fixed, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CASE_COLUMNS)
    for row in rows:
        writer.writerow([*row[:4], "ZW", *row[5:-1]])
    again = tmp_path / "fx2.csv"
    again.write_text(fixed.getvalue(), "utf-8")
    result = run("import-cases", str(again))
    assert result.exit_code == 0, result.stderr
    with Store.open(store_path) as store:
        names = {ref: get_case(store, ref) for ref in ("F-1", "F-2", "F-3")}
        assert {ref: case.client_name for ref, case in names.items() if case} == {
            "F-1": "=cmd|calc",
            "F-2": "'t Hart",
            "F-3": "+31 Bakker",
        }
