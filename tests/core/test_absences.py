"""Absences CSV: dates as in every import, problems by line, column and value."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.absences import parse_absences


def test_rows_with_both_date_forms_and_an_optional_reason() -> None:
    rows, problems = parse_absences(
        b"\xef\xbb\xbfstaff_id;starts_on;ends_on;reason\nVA1;07-12-2026;2026-12-11;verlof\n"
        b"SMV1;2026-12-14;2026-12-14;\n"
    )
    assert problems == []
    assert [(r.line, r.staff_id, r.starts_on, r.ends_on, r.reason) for r in rows] == [
        (2, "VA1", date(2026, 12, 7), date(2026, 12, 11), "verlof"),
        (3, "SMV1", date(2026, 12, 14), date(2026, 12, 14), ""),
    ]


def test_every_problem_is_named() -> None:
    rows, problems = parse_absences(
        "staff_id,starts_on,ends_on\nVA1,2026-13-01,2026-12-11\n,2026-12-01,2026-11-01\n"
        "VA\u202e1,2026-12-01,2028-12-31\nVA2,2026-12-01\n".encode()
    )
    assert rows == []
    found = {(p.line, p.column) for p in problems}
    assert found == {
        (2, "starts_on"),
        (3, "staff_id"),
        (3, "ends_on"),
        (4, "staff_id"),
        (4, "ends_on"),
        (5, ""),
    }


def test_header_problems() -> None:
    _, problems = parse_absences(b"staff_id,van,ends_on\n")
    assert {(p.column, p.reason.split(" ")[0]) for p in problems} == {
        ("van", "onbekende"),
        ("starts_on", "verplichte"),
    }
    assert parse_absences(b"")[1][0].reason.startswith("kopregel ontbreekt")
    assert "UTF-8" in parse_absences(b"staff_id\xff")[1][0].reason


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_rows_or_problems_never_an_exception(data: bytes) -> None:
    rows, problems = parse_absences(b"staff_id,starts_on,ends_on\n" + data)
    assert all(r.starts_on <= r.ends_on for r in rows)
    assert all(p.reason for p in problems)
