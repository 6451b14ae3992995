"""Input a person could type or paste that must not slip through: other scripts' digits,
control and direction characters, absurd dates, and JSON built to exhaust the reader."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.herbeoordeling import (
    MAX_DEPTH,
    RequestFileError,
    assess,
    parse_json,
)
from mdbtriage.core.validation import (
    ValidationError,
    bsn_check,
    check_date_range,
    parse_big_number,
    parse_bsn,
    parse_date,
    text_problem,
)

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
TODAY = date(2026, 11, 23)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def example(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    for path, value in changes.items():
        *parents, key = path.split("__")
        target = data
        for parent in parents:
            target = target[parent]
        target[key] = value
    return data


def messages(data: dict[str, Any], field: str) -> list[str]:
    return [p.message for p in assess(data, today=TODAY).problems if p.field == field]


@pytest.mark.parametrize("table", [ARABIC_INDIC, FULLWIDTH], ids=["arabisch-indisch", "fullwidth"])
def test_only_ascii_digits_make_a_bsn(table: dict[int, str]) -> None:
    assert parse_bsn("123456782") == "123456782"
    other = "123456782".translate(table)
    assert other.isdigit(), "the other script's digits are digits to Python"
    assert not bsn_check(other)
    with pytest.raises(ValidationError, match="alleen cijfers"):
        parse_bsn(other)
    with pytest.raises(ValidationError):
        parse_bsn("12345678".translate(table))  # the eight-digit form with a zero restored
    mixed = "12345" + "6782".translate(table)
    with pytest.raises(ValidationError):
        parse_bsn(mixed)
    assert messages(example(client__bsn=other), "client.bsn")


@pytest.mark.parametrize("table", [ARABIC_INDIC, FULLWIDTH], ids=["arabisch-indisch", "fullwidth"])
def test_only_ascii_digits_in_big_numbers_dates_loonheffingen_and_percentages(
    table: dict[int, str],
) -> None:
    with pytest.raises(ValidationError):
        parse_big_number("12345678901".translate(table))
    with pytest.raises(ValidationError):
        parse_date("2026-11-02".translate(table))
    with pytest.raises(ValidationError):
        parse_date("02-11-2026".translate(table))
    loonheffingen = "111222333".translate(table) + "L01"
    assert messages(
        example(requester__loonheffingennummer=loonheffingen), "requester.loonheffingennummer"
    )
    assert messages(example(benefit__percentage="85".translate(table)), "benefit.percentage")
    assert messages(example(requested_on="2026-11-02".translate(table)), "requested_on")
    assert assess(example(), today=TODAY).complete


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=9, max_size=9))
def test_no_nine_digits_but_ascii_ones_pass_the_11_check(digits: str) -> None:
    assert bsn_check(digits) == (digits.isascii() and bsn_check(digits))
    if not digits.isascii():
        with pytest.raises(ValidationError):
            parse_bsn(digits)


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("client.name", "Jan\x00Jansen"),
        ("client.name", "Jan\x1b[31mJansen"),
        ("client.name", "Jan \u202eJansen"),
        ("requester.name", "M. de \u2066Vries"),
        ("requester.organisation", "Bouw\u202abedrijf"),
        ("requester.contact", "info@example.nl\x07"),
        ("request.reason", "Kan niet meer\x00 werken"),
        ("request.change", "Sinds de zomer \u2069minder"),
        ("request.confirmed_by", "bedrijfsarts\x1b"),
    ],
)
def test_control_and_direction_characters_are_refused_with_the_field_named(
    field: str, text: str
) -> None:
    section, key = field.split(".")
    found = messages(example(**{f"{section}__{key}": text}), field)
    assert found, field
    assert "stuurteken" in found[0] or "leesrichting" in found[0]
    assert "U+" in found[0]


def test_line_breaks_stay_allowed_in_free_texts_only() -> None:
    data = example(request__reason="Eerste regel.\nTweede regel.\tMet tab.")
    assert assess(data, today=TODAY).complete
    assert messages(example(client__name="Jan\nJansen"), "client.name")
    assert text_problem("Jan Jansen-de Vries, ëï") is None
    assert text_problem("regel\nregel", multiline=True) is None


def test_a_control_character_in_an_attachment_or_an_unknown_key_is_named_escaped() -> None:
    data = example(request__attachments=["Advies", "Brief\u202e.pdf"])
    assert any("bijlage 2" in m for m in messages(data, "request.attachments"))
    data = example()
    data["client"]["naam\x1b[2J"] = "x"
    fields = [p.field for p in assess(data, today=TODAY).problems]
    assert any(f.startswith("client.") and "\\u001b" in f for f in fields), fields


@pytest.mark.parametrize(
    ("changes", "field", "why"),
    [
        ({"requested_on": "9999-12-31"}, "requested_on", "in de toekomst"),
        ({"requested_on": "2026-11-24"}, "requested_on", "in de toekomst"),
        ({"requested_on": "1999-12-31"}, "requested_on", "ligt voor 01-01-2000"),
        ({"client__birth_date": "0001-01-01"}, "client.birth_date", "ligt voor 01-01-1900"),
        ({"client__birth_date": "2027-01-01"}, "client.birth_date", "in de toekomst"),
        ({"benefit__last_assessment": "0001-01-01"}, "benefit.last_assessment", "01-01-1900"),
    ],
)
def test_absurd_dates_are_refused(changes: dict[str, str], field: str, why: str) -> None:
    found = messages(example(**changes), field)
    assert any(why in m for m in found), found


def test_today_itself_and_the_bounds_are_accepted() -> None:
    assert assess(example(requested_on=TODAY.isoformat()), today=TODAY).complete
    assert check_date_range(date(1900, 1, 1)) == date(1900, 1, 1)
    with pytest.raises(ValidationError, match="01-01-0001 ligt voor 01-01-1900"):
        check_date_range(date(1, 1, 1))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[" * 100_000 + "]" * 100_000, "genest"),
        ('{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), "genest"),
        ('{"benefit": {"percentage": ' + "9" * 5000 + "}}", "te lang"),
        ('{"benefit": {"percentage": 1.' + "5" * 5000 + "}}", "te lang"),
        ('{"benefit": {"percentage": NaN}}', "NaN"),
        ('{"benefit": {"percentage": -Infinity}}', "Infinity"),
        ('{"client": {"name": "' + "x" * 1_000_001 + '"}}', "te groot"),
    ],
)
def test_json_built_to_exhaust_the_reader_is_refused(text: str, why: str) -> None:
    with pytest.raises(RequestFileError, match=why):
        parse_json(text)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    data = parse_json(json.dumps(example(request__reason="[[[[[[[[[[[[[[[[[[[[[[[[[ {{{{{{{{")))
    assert data["request"]["reason"].startswith("[[[")


@settings(max_examples=100, deadline=None)
@given(st.integers() | st.floats() | st.text(max_size=50) | st.none() | st.booleans())
def test_any_percentage_value_is_judged_without_an_exception(value: object) -> None:
    result = assess(example(benefit__percentage=value), today=TODAY)
    assert (
        result.complete
        or result.problems_for("benefit.percentage")
        or (result.problems_for("benefit.regime"))
    )
