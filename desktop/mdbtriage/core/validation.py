"""Validation of the identifiers and values that enter MDB Triage: BSN, BIG number, dates, booleans.

Every function returns the clean value or raises ``ValidationError`` with a Dutch reason that a
person can act on. The callers add file, line, field and value.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

# Digits are ASCII digits only: ``\d`` and ``int()`` also accept Arabic-Indic (٠١٢),
# fullwidth (１２３) and other Unicode digits, which would give one person a second BSN.
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_DUTCH = re.compile(r"^([0-9]{2})-([0-9]{2})-([0-9]{4})$")
_DIGITS = re.compile(r"^[0-9]+$")
ASCII_DIGITS = frozenset("0123456789")

TRUE_WORDS = frozenset({"ja", "j", "true", "waar", "1", "yes", "y"})
FALSE_WORDS = frozenset({"nee", "n", "false", "onwaar", "0", "no", ""})


class ValidationError(ValueError):
    """A value that does not satisfy a rule; ``str(error)`` is the Dutch reason."""


def is_ascii_digits(text: str) -> bool:
    """Whether ``text`` is one or more ASCII digits 0-9 (no other script's digits)."""
    return bool(text) and text.isascii() and text.isdigit()


def bsn_check(digits: str) -> bool:
    """The 11-check (elfproef) of a nine-digit BSN: 9a+8b+...+2h-1i divisible by 11, not all
    zeros. Only ASCII digits count as digits."""
    if len(digits) != 9 or not is_ascii_digits(digits) or digits == "000000000":
        return False
    b = digits.encode()  # on the byte values: 2064 = 48 * (9+8+...+2 - 1)
    weighted = 9 * b[0] + 8 * b[1] + 7 * b[2] + 6 * b[3] + 5 * b[4] + 4 * b[5] + 3 * b[6]
    return (weighted + 2 * b[7] - b[8] - 2064) % 11 == 0


def parse_bsn(value: str) -> str:
    """A valid BSN as nine digits. Eight digits are accepted with the leading zero restored,
    because spreadsheets drop it."""
    text = value.strip().replace(" ", "").replace(".", "")
    if not text:
        raise ValidationError("BSN ontbreekt")
    if not _DIGITS.match(text):
        raise ValidationError("BSN mag alleen cijfers (0-9) bevatten")
    if len(text) == 8:
        text = "0" + text
    if len(text) != 9:
        raise ValidationError(f"BSN moet 9 cijfers hebben, niet {len(text)}")
    if text == "000000000":
        raise ValidationError("BSN 000000000 is geen geldig BSN")
    if not bsn_check(text):
        raise ValidationError("BSN voldoet niet aan de elfproef")
    return text


def mask_bsn(bsn: str) -> str:
    """The BSN as shown outside forms that require it: only the last three digits visible."""
    return "******" + bsn[-3:] if len(bsn) == 9 else "*********"


def parse_big_number(value: str) -> str:
    """A BIG registration number: exactly 11 digits."""
    text = value.strip().replace(" ", "")
    if not text:
        raise ValidationError("BIG-nummer ontbreekt")
    if not _DIGITS.match(text) or len(text) != 11:
        raise ValidationError("BIG-nummer moet uit precies 11 cijfers bestaan (0-9)")
    return text


@lru_cache(maxsize=8192)  # an import repeats the same dates many times; refusals are not cached
def parse_date(value: str) -> date:
    """A date written as ``YYYY-MM-DD`` or ``DD-MM-YYYY``; impossible dates are refused."""
    text = value.strip()
    if not text:
        raise ValidationError("datum ontbreekt")
    match = _ISO.match(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _DUTCH.match(text)
        if not match:
            raise ValidationError("datum moet de vorm JJJJ-MM-DD of DD-MM-JJJJ hebben")
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError("deze datum bestaat niet") from None


# Sane bounds for any date MDB Triage takes in (an option, a field): outside them a date is a
# typing error, and date arithmetic (terms, ages, months back) would fail on it.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
# The earliest date of a request or a case received: before this no current case exists.
EARLIEST_RECEIVED = date(2000, 1, 1)


def check_date_range(
    day: date, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE, *, future: str = ""
) -> date:
    """``day`` when it lies from ``earliest`` up to and including ``latest``; otherwise
    ``ValidationError`` naming the bound. ``future`` names ``latest`` when it is today
    (``"vandaag"``), so the reason says "ligt in de toekomst"."""
    if day < earliest:
        raise ValidationError(f"{format_date(day)} ligt voor {format_date(earliest)}")
    if day > latest:
        if future:
            raise ValidationError(
                f"{format_date(day)} ligt in de toekomst ({future} is {format_date(latest)})"
            )
        raise ValidationError(f"{format_date(day)} ligt na {format_date(latest)}")
    return day


# Bidirectional embedding, override and isolate characters: they reorder text on screen and in
# a PDF, so a name could read differently from what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\r\t")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` may not be stored as a name or text, as a Dutch clause; ``None`` when it
    may. Control characters (NUL, ESC, ...) and bidirectional overrides are refused; a
    ``multiline`` free text may hold line breaks and tabs."""
    if value.isprintable():  # the common case: no control, format or separator characters
        return None
    for index, char in enumerate(value, start=1):
        if multiline and char in _LINE_BREAKS:
            continue
        if char in BIDI_CONTROLS:
            return f"bevat een teken dat de leesrichting omkeert (U+{ord(char):04X}, teken {index})"
        if unicodedata.category(char) == "Cc":
            return f"bevat een stuurteken (U+{ord(char):04X}, teken {index})"
    return None


def parse_bool(value: str) -> bool:
    """ja/nee, true/false, 1/0; empty means nee."""
    text = value.strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValidationError("moet ja of nee zijn (ook toegestaan: true/false, 1/0, leeg = nee)")


def format_date(value: date) -> str:
    """A date as Dutch users read it: DD-MM-YYYY."""
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def format_count(n: int) -> str:
    """A whole number as Dutch users read it: 250.000."""
    return f"{n:,}".replace(",", ".")


def add_months(day: date, months: int) -> date:
    """The same calendar day ``months`` later (negative: earlier), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on a date."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
