from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdbtriage.core.validation import (
    ValidationError,
    add_months,
    age_on,
    bsn_check,
    mask_bsn,
    parse_big_number,
    parse_bool,
    parse_bsn,
    parse_date,
)


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999996356"])
def test_valid_bsns_pass_the_eleven_check(bsn: str) -> None:
    assert parse_bsn(bsn) == bsn


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("000000000", "000000000"),
        ("123456789", "elfproef"),
        ("12345678a", "cijfers"),
        ("1234567", "9 cijfers"),
        ("", "ontbreekt"),
    ],
)
def test_invalid_bsns_are_refused_with_a_reason(value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        parse_bsn(value)


def test_spreadsheet_bsn_without_leading_zero_is_restored() -> None:
    assert parse_bsn("12345672") == "012345672"


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_exactly_one_check_digit_or_none_completes_a_bsn(body: str) -> None:
    valid = [d for d in "0123456789" if bsn_check(body + d)]
    assert len(valid) <= 1
    if body == "00000000":
        assert valid == [] or (valid == ["0"] and not bsn_check("000000000"))


def test_mask_shows_only_last_three_digits() -> None:
    assert mask_bsn("111222333") == "******333"


def test_big_number_needs_eleven_digits() -> None:
    assert parse_big_number("19012345601") == "19012345601"
    for bad in ("1901234560", "190123456012", "1901234560a"):
        with pytest.raises(ValidationError, match="11 cijfers"):
            parse_big_number(bad)


@pytest.mark.parametrize("text", ["2026-02-28", "28-02-2026", " 2026-02-28 "])
def test_both_date_formats(text: str) -> None:
    assert parse_date(text) == date(2026, 2, 28)


@pytest.mark.parametrize("text", ["2026-02-30", "31-04-2026", "2026/02/01", "1-2-2026", "morgen"])
def test_impossible_or_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip_in_both_formats(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d-%m-%Y")) == day


@pytest.mark.parametrize(
    ("text", "value"),
    [("ja", True), ("Nee", False), ("1", True), ("false", False), ("", False), ("TRUE", True)],
)
def test_booleans(text: str, value: bool) -> None:
    assert parse_bool(text) is value


def test_unknown_boolean_is_refused() -> None:
    with pytest.raises(ValidationError, match="ja of nee"):
        parse_bool("misschien")


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 8, 31), -6) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 23), -6) == date(2026, 5, 23)


def test_age_on_birthday_boundary() -> None:
    assert age_on(date(1966, 11, 23), date(2026, 11, 22)) == 59
    assert age_on(date(1966, 11, 23), date(2026, 11, 23)) == 60
