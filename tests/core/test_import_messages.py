"""Import messages name the real problem: a receipt date in the future does not also make the
date of birth wrong, and a stray quote is named as such with the line where it starts (not as a
wrong number of fields or a line break in a name)."""

from __future__ import annotations

from datetime import date

from mdbtriage.core.caserules import check_case
from mdbtriage.core.central import parse_central
from mdbtriage.core.csvimport import CASE_COLUMNS, parse_cases, parse_staff

TODAY = date(2026, 11, 30)
HEADER = ",".join(CASE_COLUMNS)
ROW = "{ref},{bsn},{name},1970-01-01,ZW,{received},T1,,nee,nee,nee,,nee"


def _row(
    ref: str = "G-1", bsn: str = "111222333", name: str = "Jan", received: str = "2026-02-01"
) -> str:
    return ROW.format(ref=ref, bsn=bsn, name=name, received=received)


def test_a_future_receipt_is_the_only_problem() -> None:
    raw = dict(zip(CASE_COLUMNS, _row(received="2099-02-01").split(","), strict=True))
    assert check_case(raw, TODAY).problems == [
        ("received_on", "ligt in de toekomst (na 2026-11-30)")
    ]
    raw["birth_date"] = "1890-01-01"  # a real problem with a right receipt date is still found
    raw["received_on"] = "2026-02-01"
    assert check_case(raw, TODAY).problems == [("birth_date", "geeft een leeftijd boven 120 jaar")]


def test_an_unclosed_quote_is_named_with_its_line() -> None:
    data = "\n".join([HEADER, _row(), _row("G-2", "123456782", '"Piet'), _row("G-3", "999996356")])
    result = parse_cases((data + "\n").encode(), TODAY)
    assert [(e.line, e.column) for e in result.file_errors] == [(3, "name")]
    reason = result.file_errors[0].reason
    assert reason.startswith("aanhalingsteken niet gesloten: het veld begint op regel 3")
    assert "velden" not in reason
    assert [row.line for row in result.rows] == [2] and not result.rows[0].errors


def test_a_quote_closed_lines_later_is_named_with_both_lines() -> None:
    data = "\n".join(
        [
            HEADER,
            _row("G-2", "123456782", '"Piet'),
            _row("G-3", "999996356"),
            _row("G-4", "999996356", 'Ke"es'),
        ]
    )
    result = parse_cases((data + "\n").encode(), TODAY)
    assert not result.file_errors
    [error] = result.errors
    assert (error.line, error.column) == (2, "name")
    assert "begint op regel 2 met een aanhalingsteken dat pas op regel 4 wordt gesloten" in (
        error.reason
    )


def test_staff_and_central_files_say_the_same() -> None:
    staff = 'staff_id,name,role,team\nA1,"Anna,VA,T1\nB1,Bert,AD,T1\n'
    result = parse_staff(staff.encode())
    assert [(e.line, e.column) for e in result.file_errors] == [(2, "name")]
    assert "aanhalingsteken niet gesloten" in result.file_errors[0].reason
    central = (
        "central_ref,case_ref,bsn,decided_on,outcome\n"
        "CT-1,R-1,,2026-11-01,toegekend\n"
        'CT-2,"R-2,,2026-11-01,afgewezen\n'
        "CT-3,R-3,,2026-11-01,afgewezen\n"
    )
    decisions = parse_central(central.encode(), TODAY)
    assert [(e.line, e.column) for e in decisions.file_errors] == [(3, "case_ref")]
    assert "begint op regel 3" in decisions.file_errors[0].reason
