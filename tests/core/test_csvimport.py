"""Reading the contract's CSV files: formats, validation, errors that name line, column, value."""

from __future__ import annotations

from datetime import date

import pytest

from mdbtriage.core.csvimport import parse_cases, parse_staff, rejected_csv

TODAY = date(2026, 11, 23)
CASE_HEADER = (
    "case_ref,bsn,name,birth_date,service,received_on,team,requester,motivated,working,"
    "schrijnend,schrijnend_ref,ingebrekestelling"
)


def cases(*rows: str, header: str = CASE_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_valid_cases_in_both_date_formats() -> None:
    result = parse_cases(
        cases(
            "R-1,111222333,Anna Jansen,1970-01-02,ABA,2026-08-14,T1,,,,,,",
            "R-2,123456782,Jan de Vries,02-01-1970,HERBEOORDELING,11-02-2026,T1,werknemer,ja,nee,ja,,nee",
        ),
        TODAY,
    )
    assert not result.errors
    r1, r2 = result.valid
    assert r1.facts.received_on == date(2026, 8, 14)
    assert r2.client.birth_date == date(1970, 1, 2)
    assert r2.facts.schrijnend and r2.facts.schrijnend_ref is None
    assert r2.facts.requester == "werknemer"


def test_semicolon_bom_and_case_insensitive_headers() -> None:
    data = "\ufeff" + CASE_HEADER.upper().replace(",", ";") + "\n"
    data += "R-1;111222333;Anna Jansen;1970-01-02;ZW;2026-08-14;T1;;;;;;\n"
    result = parse_cases(data.encode("utf-8"), TODAY)
    assert not result.errors
    assert result.valid[0].facts.service == "ZW"


def test_invalid_bsn_and_impossible_date_are_both_named() -> None:
    result = parse_cases(
        cases(
            "R-1,111222333,Anna Jansen,1970-01-02,ABA,2026-08-14,T1,,,,,,",
            "R-2,123456789,Jan de Vries,1970-01-02,ZW,2026-08-14,T1,,,,,,",
            "R-3,123456782,Piet Bos,1970-01-02,ZW,2026-02-30,T1,,,,,,",
        ),
        TODAY,
    )
    messages = [e.message("zaken.csv") for e in result.errors]
    assert messages == [
        "zaken.csv, regel 3, kolom bsn, waarde '123456789': BSN voldoet niet aan de elfproef",
        "zaken.csv, regel 4, kolom received_on, waarde '2026-02-30': deze datum bestaat niet",
    ]
    assert [c.case_ref for c in result.valid] == ["R-1"]


def test_unknown_and_missing_columns_are_refused() -> None:
    result = parse_cases(cases(header=CASE_HEADER.replace("team", "teem") + ",extra"), TODAY)
    reasons = {(e.column, e.reason.split(";")[0]) for e in result.file_errors}
    assert ("teem", "onbekende kolom") in reasons
    assert ("extra", "onbekende kolom") in reasons
    assert ("team", "verplichte kolom ontbreekt") in reasons


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("R-1,111222333,A,1970-01-02,XYZ,2026-08-14,T1,,,,,,", "service", "onbekende dienst"),
        ("R-1,111222333,A,1970-01-02,BEZWAAR,2026-08-14,T1,,,,,,", "requester", "verplicht"),
        ("R-1,111222333,A,1970-01-02,ABA,2027-08-14,T1,,,,,,", "received_on", "toekomst"),
        ("R-1,111222333,A,1970-01-02,ABA,2026-08-14,T1,,misschien,,,,", "motivated", "ja of nee"),
        (
            "R-1,111222333,A,1970-01-02,HERBEOORDELING,2026-08-14,T1,werknemer,,,nee,CT-1,",
            "schrijnend_ref",
            "schrijnend",
        ),
        (",111222333,A,1970-01-02,ABA,2026-08-14,T1,,,,,,", "case_ref", "verplicht"),
        ("R-1,111222333,A,2027-01-02,ABA,2026-08-14,T1,,,,,,", "birth_date", "toekomst"),
    ],
)
def test_row_rules(row: str, column: str, reason: str) -> None:
    result = parse_cases(cases(row), TODAY)
    assert [(e.line, e.column) for e in result.errors] == [(2, column)]
    assert reason in result.errors[0].reason


def test_duplicate_reference_in_one_file() -> None:
    result = parse_cases(
        cases(
            "R-1,111222333,A,1970-01-02,ABA,2026-08-14,T1,,,,,,",
            "R-1,123456782,B,1970-01-02,ABA,2026-08-14,T1,,,,,,",
        ),
        TODAY,
    )
    assert result.errors[0].reason == "komt al voor op regel 2"


def test_not_utf8_is_refused_with_a_hint() -> None:
    data = cases("R-1,111222333,Jos\xe9,1970-01-02,ABA,2026-08-14,T1,,,,,,").decode()
    result = parse_cases(data.encode("latin-1"), TODAY)
    assert "UTF-8" in result.file_errors[0].reason


def test_rejected_file_keeps_rows_unchanged_with_reason() -> None:
    result = parse_cases(
        cases(
            "R-1,111222333,Anna,1970-01-02,ABA,2026-08-14,T1,,,,,,",
            "R-2,123456789,Jan,1970-01-02,ZW,14-08-2026,T1,,,,,,",
        ),
        TODAY,
    )
    text = rejected_csv(result, "zaken.csv")
    lines = text.strip().splitlines()
    assert lines[0].endswith(",reden")  # the file's own delimiter
    assert lines[1].startswith("R-2,123456789,Jan,1970-01-02,ZW,14-08-2026,T1,")
    assert "elfproef" in lines[1]
    assert len(lines) == 2


STAFF_HEADER = "staff_id,name,role,team,big_number,qualifications,hours_per_week"


def test_staff_rules() -> None:
    data = "\n".join(
        [
            STAFF_HEADER,
            "VA1,Dr. A. Visser,VA,T1,19012345601,REGIEVOERDER,36",
            'SMV1,B. Smit,smv,T1,29012345602,"POST_HBO_AG;X",32,5',
            "SMV2,C. Bos,SMV,T1,,,32",
            'AD1,D. Dijk,AD,T1,,,"32,5"',
            "XX1,E. Kok,BAAS,T1,,,32",
        ]
    ).encode()
    result = parse_staff(data)
    assert [s.staff_id for s in result.valid] == ["VA1", "AD1"]
    errors = {(e.line, e.column): e.reason for e in result.errors}
    assert errors[(4, "big_number")] == "BIG-nummer is verplicht voor rol SMV"
    assert "onbekende rol" in errors[(6, "role")]
    assert "aantal velden" in errors[(3, "")]
    assert result.valid[1].hours_per_week == 32.5
