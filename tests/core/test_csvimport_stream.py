"""Reading the contract's CSV files as they stream by: what a re-import keeps of a stored
record, Dutch reasons for files the CSV reader cannot read, ASCII digits only."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.csvimport import read_cases, read_staff
from mdbtriage.core.model import Case, Client, Staff

TODAY = date(2026, 11, 23)
FULL = (
    "case_ref;bsn;name;birth_date;service;received_on;team;requester;motivated;working;"
    "schrijnend;schrijnend_ref;ingebrekestelling;consents_60_plus;dwangsom;status"
)
STORED = Case.entered(
    case_ref="R-1",
    client=Client(bsn="111222333", name="Anna Jansen", birth_date=date(1970, 1, 2)),
    service="HERBEOORDELING",
    received_on=date(2026, 8, 14),
    team="T1",
    requester="werknemer",
    motivated=True,
    working=True,
    consents_60_plus=True,
    schrijnend=True,
    schrijnend_ref="CT-2026-004",
    ingebrekestelling=True,
    dwangsom=True,
    status="in_behandeling",
)


def _lookup(*stored: Case):
    by_ref = {c.case_ref: c for c in stored}
    return lambda refs: {r: by_ref[r] for r in refs if r in by_ref}


def _cases(text: str, *stored: Case, size: int = 2000) -> tuple[list, list]:
    reader = read_cases(io.BytesIO(text.encode("utf-8")), TODAY, _lookup(*stored))
    rows = [row for chunk in reader.chunks(size) for row in chunk]
    return rows, reader.file_errors


def test_absent_columns_keep_the_stored_values() -> None:
    text = (
        "case_ref;bsn;name;birth_date;service;received_on;team\n"
        "R-1;111222333;Anna Jansen-Bakker;1970-01-02;HERBEOORDELING;2026-08-14;T2\n"
    )
    rows, problems = _cases(text, STORED)
    assert not problems and not rows[0].errors
    assert rows[0].record == replace(STORED, client_name="Anna Jansen-Bakker", team="T2")
    # a reference the store does not hold gets the defaults of the absent columns
    rows, _ = _cases(text.replace("R-1;", "R-2;"), STORED)
    assert [(e.column, e.reason) for e in rows[0].errors] == [
        ("requester", "is verplicht bij HERBEOORDELING")
    ]


def test_an_empty_optional_cell_keeps_an_empty_required_boolean_is_nee() -> None:
    row = "R-1;111222333;Anna Jansen;1970-01-02;HERBEOORDELING;2026-08-14;T1;werknemer;;ja;ja;CT-2026-004;ja;;;"
    rows, problems = _cases(f"{FULL}\n{row}\n", STORED)
    assert not problems and not rows[0].errors
    case = rows[0].record
    assert case.facts.motivated is False  # required column, empty cell: nee
    assert (case.facts.consents_60_plus, case.facts.dwangsom, case.status) == (
        True,
        True,
        "in_behandeling",
    )
    # a new case with empty optional cells gets their defaults
    rows, _ = _cases(f"{FULL}\n{row.replace('R-1;', 'R-3;')}\n", STORED)
    case = rows[0].record
    assert (case.facts.consents_60_plus, case.facts.dwangsom, case.status) == (False, False, "open")


def test_the_rules_see_the_kept_values() -> None:
    """schrijnend 'nee' given, schrijnend_ref absent: the stored reference would contradict."""
    text = (
        "case_ref;bsn;name;birth_date;service;received_on;team;schrijnend\n"
        "R-1;111222333;Anna Jansen;1970-01-02;HERBEOORDELING;2026-08-14;T1;nee\n"
    )
    rows, _ = _cases(text, STORED)
    assert [e.column for e in rows[0].errors] == ["schrijnend_ref"]
    assert rows[0].raw == dict(
        zip(text.splitlines()[0].split(";"), text.splitlines()[1].split(";"), strict=True)
    )  # the row as the file has it, for the rejected file


def test_rows_come_in_chunks_with_their_own_lines() -> None:
    good = "R-{n};111222333;Anna Jansen;1970-01-02;ABA;2026-08-14;T1;;;;;;;;;"
    lines = [good.format(n=n) for n in range(1, 8)]
    lines[4] = lines[4].replace("2026-08-14", "2026-02-30")
    rows, problems = _cases("\n".join([FULL, *lines]) + "\n", size=3)
    assert not problems
    assert [row.line for row in rows] == list(range(2, 9))
    assert [(e.line, e.column) for row in rows for e in row.errors] == [(6, "received_on")]


def test_the_file_is_read_as_it_goes() -> None:
    row = "R-{n};111222333;Anna Jansen;1970-01-02;ABA;2026-08-14;T1;;;;;;;;;\n"
    data = (FULL + "\n" + "".join(row.format(n=n) for n in range(5000))).encode()
    source = io.BytesIO(data)
    chunks = read_cases(source, TODAY).chunks(100)
    first = next(chunks)
    assert len(first) == 100
    assert source.tell() < len(data) / 10


@pytest.mark.parametrize("quoted", [False, True])
def test_a_field_over_the_csv_limit_names_line_and_column_in_dutch(quoted: bool) -> None:
    huge = "A" * (csv.field_size_limit() + 10)
    name = f'"{huge}\nmet regeleinde"' if quoted else huge
    text = (
        f"{FULL}\nR-1;111222333;Anna;1970-01-02;ABA;2026-08-14;T1;;;;;;;;;\n"
        f"R-2;123456782;{name};1970-01-02;ABA;2026-08-14;T1;;;;;;;;;\n"
    )
    rows, problems = _cases(text)
    assert len(rows) == 1
    (problem,) = problems
    assert (problem.line, problem.column) == (3, "name")
    assert problem.reason.startswith(f"waarde is te lang (meer dan {csv.field_size_limit()}")
    assert "field" not in problem.message("z.csv")


def test_a_header_over_the_limit_is_dutch() -> None:
    _, problems = _cases("x" * (csv.field_size_limit() + 1) + ";" + FULL + "\n")
    assert problems[0].line == 1 and "kopregel onleesbaar: kolomnaam 1 is langer" in (
        problems[0].reason
    )


def test_bytes_that_are_not_utf8_after_good_rows_name_their_line() -> None:
    row = "R-{n};111222333;Anna;1970-01-02;ABA;2026-08-14;T1;;;;;;;;;\n"
    data = (FULL + "\n" + row.format(n=1) + row.format(n=2)).encode() + b"R-3;\xff\n"
    reader = read_cases(io.BytesIO(data), TODAY)
    assert sum(len(c) for c in reader.chunks()) == 2
    assert reader.file_errors[0].line == 4 and "UTF-8" in reader.file_errors[0].reason


STAFF = "staff_id;name;role;team;big_number;qualifications;hours_per_week;active"
INACTIVE = Staff("AD1", "D. Dijk", "AD", "T1", None, ("X",), 32.5, active=False)


def _staff(text: str, *stored: Staff) -> list:
    by_id = {s.staff_id: s for s in stored}
    reader = read_staff(
        io.BytesIO(text.encode()), lambda ids: {i: by_id[i] for i in ids if i in by_id}
    )
    return [row for chunk in reader.chunks() for row in chunk]


def test_a_blank_active_cell_keeps_the_stored_value_and_a_new_person_is_active() -> None:
    rows = _staff(f"{STAFF}\nAD1;D. van Dijk;AD;T1;;;;\nAD2;E. Kok;AD;T1;;;;\n", INACTIVE)
    assert [r.errors for r in rows] == [[], []]
    first, second = (r.record for r in rows)
    assert first == replace(INACTIVE, name="D. van Dijk", qualifications=(), hours_per_week=None)
    assert second.active is True
    rows = _staff(f"{STAFF}\nAD1;D. Dijk;AD;T1;;;;ja\n", INACTIVE)
    assert rows[0].record.active is True
    rows = _staff("staff_id;name;role;team\nAD1;D. Dijk;AD;T2\n", INACTIVE)
    assert rows[0].record == replace(INACTIVE, team="T2")


@pytest.mark.parametrize("digits", ["٣٢", "３２"])
def test_hours_are_ascii_digits_only(digits: str) -> None:
    (row,) = _staff(f"{STAFF}\nAD1;D. Dijk;AD;T1;;;{digits};\n")
    assert [(e.column, e.value) for e in row.errors] == [("hours_per_week", digits)]
    assert "0-9" in row.errors[0].reason


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("bsn", "١١١٢٢٢٣٣٣"),  # Arabic-Indic
        ("bsn", "１１１２２２３３３"),  # fullwidth
        ("birth_date", "١٩٧٠-01-02"),
        ("received_on", "１４-08-2026"),
    ],
)
def test_case_digits_are_ascii_only(column: str, value: str) -> None:
    values = dict(
        case_ref="R-1",
        bsn="111222333",
        name="Anna",
        birth_date="1970-01-02",
        service="ABA",
        received_on="2026-08-14",
        team="T1",
    )
    values[column] = value
    text = ";".join(values) + "\n" + ";".join(values.values()) + "\n"
    rows, _ = _cases(text)
    assert [e.column for e in rows[0].errors] == [column]


def test_big_number_in_other_digits_is_refused() -> None:
    (row,) = _staff(f"{STAFF}\nVA1;Dr. A;VA;T1;١٩٠١٢٣٤٥٦٠١;;36;\n")
    assert [e.column for e in row.errors] == ["big_number"]


def test_every_column_of_the_files_has_a_stored_text() -> None:
    """What a re-import keeps comes from these texts, column by column."""
    from mdbtriage.core.caserules import case_fields
    from mdbtriage.core.csvimport import (
        CASE_COLUMNS,
        CASE_EXTRA,
        STAFF_COLUMNS,
        STAFF_EXTRA,
        staff_fields,
    )

    assert set(CASE_COLUMNS) | set(CASE_EXTRA) <= set(case_fields(STORED))
    assert set(STAFF_COLUMNS) | set(STAFF_EXTRA) <= set(staff_fields(INACTIVE))


_OPTIONAL = ("requester", "motivated", "working", "ingebrekestelling", "consents_60_plus", "status")
_NEW = {
    "requester": "werkgever",
    "motivated": "nee",
    "working": "nee",
    "ingebrekestelling": "nee",
    "consents_60_plus": "nee",
    "status": "afgerond",
}


@settings(max_examples=80, deadline=None)
@given(
    absent=st.sets(st.sampled_from(_OPTIONAL)),
    empty=st.sets(st.sampled_from(_OPTIONAL)),
)
def test_a_reimport_changes_exactly_the_columns_it_gives(absent: set[str], empty: set[str]) -> None:
    """Property of the keep rule: a column the file lacks keeps the stored value; an empty cell
    keeps it in an optional column and is 'nee' (or nothing) in a required one; any other cell
    is taken as given."""
    from mdbtriage.core.caserules import case_fields
    from mdbtriage.core.csvimport import CASE_EXTRA

    base = {
        "case_ref": "R-1",
        "bsn": "111222333",
        "name": "Anna Jansen",
        "birth_date": "1970-01-02",
        "service": "ABA",
        "received_on": "2026-08-14",
        "team": "T1",
    }
    given_columns = [c for c in _OPTIONAL if c not in absent]
    values = {c: "" if c in empty else _NEW[c] for c in given_columns}
    row = {**base, **values}
    text = ";".join(row) + "\n" + ";".join(row.values()) + "\n"
    stored = STORED.with_facts(service="ABA")
    rows, problems = _cases(text, stored)
    assert not problems and not rows[0].errors, rows[0].errors
    got, was = case_fields(rows[0].record), case_fields(stored)
    for column in _OPTIONAL:
        if column in absent or (column in empty and column in CASE_EXTRA):
            assert got[column] == was[column], column
        elif column in empty:
            assert got[column] in ("nee", ""), column
        else:
            assert got[column] == _NEW[column], column


def test_names_with_direction_or_control_characters_are_refused() -> None:
    text = (
        "case_ref;bsn;name;birth_date;service;received_on;team\n"
        "R-1;111222333;Anna \u202eJansen;1970-01-02;ABA;2026-08-14;T1\n"
        "R-2;123456782;Piet\x1bBos;1970-01-02;ABA;2026-08-14;T1\n"
        "R-3;999996356;Els Smit;1970-01-02;ABA;2026-08-14;T\u20661\n"
    )
    rows, _ = _cases(text)
    assert [[e.column for e in row.errors] for row in rows] == [["name"], ["name"], ["team"]]
    assert rows[0].errors[0].message("z.csv") == (
        "z.csv, regel 2, kolom name, waarde 'Anna <U+202E>Jansen': bevat regeleinden of stuurtekens"
    )
    (row,) = _staff(f"{STAFF}\nAD1;D. \u202eDijk;AD;T1;;;;\n")
    assert [(e.column, e.reason) for e in row.errors] == [
        ("name", "bevat een teken dat de leesrichting omkeert (U+202E, teken 4)")
    ]


def test_carriage_returns_alone_end_lines_as_old_spreadsheets_write_them() -> None:
    text = (
        "case_ref;bsn;name;birth_date;service;received_on;team\r"
        'R-1;111222333;"Anna\rJansen";1970-01-02;ABA;2026-08-14;T1\r'
        "R-2;123456782;Piet Bos;1970-01-02;ABA;2026-02-30;T1\r\n"
        "R-3;999996356;Els Smit;1970-01-02;ABA;2026-08-14;T1\r"
    )
    rows, problems = _cases(text)
    assert not problems
    assert [(row.line, row.raw["case_ref"]) for row in rows] == [(2, "R-1"), (4, "R-2"), (5, "R-3")]
    assert [(e.line, e.column) for row in rows for e in row.errors] == [
        (2, "name"),  # a line break inside a name
        (4, "received_on"),
    ]
