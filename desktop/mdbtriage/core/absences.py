"""Absences for the capacity forecast as CSV: ``staff_id, starts_on, ends_on`` (optional
``reason``), dates as in every import; every problem named by line, column and value."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from mdbtriage.core.csvimport import RowError, decode, sniff_delimiter
from mdbtriage.core.validation import ValidationError, parse_date, text_problem

REQUIRED = ("staff_id", "starts_on", "ends_on")
OPTIONAL = ("reason",)
MAX_ROWS = 100_000
LONGEST_ABSENCE_DAYS = 2 * 366


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    line: int
    staff_id: str
    starts_on: date
    ends_on: date
    reason: str


def parse_absences(data: bytes) -> tuple[list[AbsenceRow], list[RowError]]:
    """The rows of an absences file and every problem in it (nothing is half-read)."""
    try:
        text = decode(data)
    except ValidationError as error:
        return [], [RowError(0, "", "", str(error))]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [RowError(1, "", "", f"kopregel ontbreekt: verwacht {', '.join(REQUIRED)}")]
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(lines[0]))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error:
        return [], [RowError(1, "", "", "de kopregel is geen geldige CSV")]
    problems = [
        RowError(1, name, name, f"onbekende kolom (bekend: {', '.join(REQUIRED + OPTIONAL)})")
        for name in header
        if name not in REQUIRED + OPTIONAL
    ]
    problems += [
        RowError(1, name, "", "verplichte kolom ontbreekt")
        for name in REQUIRED
        if name not in header
    ]
    if problems:
        return [], problems
    rows: list[AbsenceRow] = []
    try:
        for record in reader:
            line = reader.line_num
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(RowError(line, "", "", f"meer dan {MAX_ROWS} regels"))
                break
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(
                    RowError(
                        line, "", "", f"{len(record)} velden, de kopregel heeft er {len(header)}"
                    )
                )
                continue
            cells = {name: value.strip() for name, value in zip(header, record, strict=True)}
            row_problems: list[RowError] = []
            days: dict[str, date] = {}
            for name in ("starts_on", "ends_on"):
                try:
                    days[name] = parse_date(cells[name])
                except ValidationError as error:
                    row_problems.append(RowError(line, name, cells[name], str(error)))
            staff_id = cells["staff_id"]
            if not staff_id:
                row_problems.append(RowError(line, "staff_id", "", "personeelsnummer ontbreekt"))
            reason = cells.get("reason", "")
            for name, value in (("staff_id", staff_id), ("reason", reason)):
                problem = text_problem(value)
                if problem:
                    row_problems.append(RowError(line, name, value, problem))
            if len(days) == 2:
                if days["ends_on"] < days["starts_on"]:
                    row_problems.append(
                        RowError(line, "ends_on", cells["ends_on"], "ligt vóór starts_on")
                    )
                elif (days["ends_on"] - days["starts_on"]).days > LONGEST_ABSENCE_DAYS:
                    row_problems.append(
                        RowError(
                            line, "ends_on", cells["ends_on"], "afwezigheid langer dan twee jaar"
                        )
                    )
            if row_problems:
                problems += row_problems
                continue
            rows.append(AbsenceRow(line, staff_id, days["starts_on"], days["ends_on"], reason))
    except csv.Error:
        problems.append(RowError(reader.line_num, "", "", "de regel is geen geldige CSV"))
    return rows, problems
