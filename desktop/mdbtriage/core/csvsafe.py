"""Neutralising spreadsheet formulas in CSV that MDB Triage writes (CSV/formula injection).

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading one of those) is run as a formula when the file is opened in a
spreadsheet: ``=cmd|' /C calc'!A0`` starts a program. Such text cells get a leading ``'`` so the
spreadsheet shows them as text (OWASP's advice). Numbers stay numbers, so ``-3`` is untouched
when it is an ``int`` or ``float``.

A file MDB Triage wrote may come back: a rejected file (``FILE.rejected.csv``) is for fixing and
importing again. The importer undoes exactly this escape (:func:`restore_cell`), so the round
trip is lossless; an apostrophe before anything else (``'t Hart``) is the person's own.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """The value to write: text that a spreadsheet would run as a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """The text :func:`neutralise_cell` was given: its ``'`` removed before a formula start."""
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def safe_row(values: Iterable[object]) -> list[object]:
    """A CSV row with every formula-like text cell neutralised."""
    return [neutralise_cell(v) for v in values]
