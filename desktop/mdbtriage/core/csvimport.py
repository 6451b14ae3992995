"""Reading and validating the staff and case CSV files of the contract.

Plain Python: bytes in, validated records and row errors out. The store writes the records; the
CLI and the GUI report the errors. Nothing here decides whether to write: that is the caller's
all-or-nothing or ``--skip-invalid`` choice.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from mdbtriage.core.caserules import check_case, store_conflicts
from mdbtriage.core.csvsafe import safe_row
from mdbtriage.core.model import (
    BIG_ROLES,
    ROLES,
    Case,
    Client,
    Staff,
)
from mdbtriage.core.triage import bulk
from mdbtriage.core.validation import (
    ValidationError,
    parse_big_number,
    parse_bool,
    parse_date,
)

T = TypeVar("T")

STAFF_COLUMNS = (
    "staff_id",
    "name",
    "role",
    "team",
    "big_number",
    "qualifications",
    "hours_per_week",
)
STAFF_OPTIONAL = frozenset({"big_number", "qualifications", "hours_per_week"})
STAFF_EXTRA = ("active",)

CASE_COLUMNS = (
    "case_ref",
    "bsn",
    "name",
    "birth_date",
    "service",
    "received_on",
    "team",
    "requester",
    "motivated",
    "working",
    "schrijnend",
    "schrijnend_ref",
    "ingebrekestelling",
)
CASE_OPTIONAL = frozenset(
    {"requester", "motivated", "working", "schrijnend", "schrijnend_ref", "ingebrekestelling"}
)
CASE_EXTRA = ("consents_60_plus", "dwangsom", "status")

MAX_FIELD = 500
_CODE = re.compile(r"^[A-Z0-9_]{1,40}$")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$")


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row: line (1 = header), column, value and the Dutch reason."""

    line: int
    column: str
    value: str
    reason: str

    def message(self, filename: str) -> str:
        where = f"{filename}, regel {self.line}"
        if self.column:
            where += f", kolom {self.column}"
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            where += f", waarde '{shown}'"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class ParsedRow(Generic[T]):
    line: int
    raw: dict[str, str]
    record: T | None
    errors: list[RowError]


@dataclass(slots=True)
class ParseResult(Generic[T]):
    """The outcome of reading a file: the header problems, and every row with its errors."""

    header: list[str] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    rows: list[ParsedRow[T]] = field(default_factory=list)

    @property
    def valid(self) -> list[T]:
        return [row.record for row in self.rows if row.record is not None and not row.errors]

    @property
    def invalid(self) -> list[ParsedRow[T]]:
        return [row for row in self.rows if row.errors]

    @property
    def errors(self) -> list[RowError]:
        found = list(self.file_errors)
        for row in self.rows:
            found.extend(row.errors)
        return found


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; anything else is refused with a clear reason."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"het bestand is geen UTF-8 (onleesbaar teken op positie {error.start}); "
            "sla het op als 'CSV UTF-8'"
        ) from None


def _bad_byte_line(data: bytes) -> int:
    """The line (1-based) of the first byte that is not UTF-8."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return data[: error.start].count(b"\n") + 1
    return 1


def sniff_delimiter(first_line: str) -> str:
    """``;`` (Dutch spreadsheet export) or ``,``, whichever the header uses more."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_rows(
    data: bytes,
    columns: Sequence[str],
    optional: frozenset[str],
    extra: Sequence[str],
) -> tuple[list[str], list[RowError], list[tuple[int, dict[str, str]]]]:
    """Split a CSV file into its header and rows keyed by lower-case column name."""
    try:
        text = decode(data)
    except ValidationError as error:
        return [], [RowError(_bad_byte_line(data), "", "", str(error))], []
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return (
            [],
            [RowError(line, "", "", "het bestand bevat binaire gegevens, geen CSV-tekst")],
            [],
        )
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        return [], [RowError(1, "", "", "de kopregel ontbreekt: het bestand is leeg")], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        return [], [RowError(1, "", "", f"kopregel onleesbaar: {error}")], []
    problems: list[RowError] = []
    allowed = set(columns) | set(extra)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(RowError(1, name, name, "kolom komt twee keer voor"))
        seen.add(name)
        if name not in allowed:
            problems.append(
                RowError(
                    1,
                    name,
                    name,
                    f"onbekende kolom; toegestaan: {', '.join(columns)} "
                    f"(en optioneel: {', '.join(extra)})",
                )
            )
    for name in columns:
        if name not in seen and name not in optional:
            problems.append(RowError(1, name, "", "verplichte kolom ontbreekt"))
    rows: list[tuple[int, dict[str, str]]] = []
    if problems:
        return header, problems, rows
    line = reader.line_num
    width = len(header)
    try:
        for values in reader:
            start = line + 1
            line = reader.line_num
            if not "".join(values).strip():  # only blanks: skipped
                continue
            if len(values) == width:
                rows.append((start, dict(zip(header, values, strict=True))))
                continue
            row = {name: "" for name in header}
            if len(values) != len(header):
                row["__width__"] = f"{len(values)} velden, verwacht {len(header)}"
            for name, value in zip(header, values, strict=False):
                row[name] = value
            rows.append((start, row))
    except csv.Error as error:
        problems.append(RowError(line + 1, "", "", f"regel onleesbaar: {error}"))
    return header, problems, rows


def _parse(
    data: bytes,
    columns: Sequence[str],
    optional: frozenset[str],
    extra: Sequence[str],
    convert: Callable[[dict[str, str], list[RowError], int], T | None],
) -> ParseResult[T]:
    header, problems, rows = read_rows(data, columns, optional, extra)
    result: ParseResult[T] = ParseResult(header=header, file_errors=problems)
    append = result.rows.append
    for line, raw in rows:
        errors: list[RowError] = []
        if "__width__" in raw:  # set by read_rows on a row with too few or too many fields
            width = raw.pop("__width__")
            errors.append(RowError(line, "", "", f"aantal velden klopt niet: {width}"))
        if raw and max(map(len, raw.values())) > MAX_FIELD:
            for name, value in raw.items():
                if len(value) > MAX_FIELD:
                    errors.append(
                        RowError(
                            line, name, value, f"waarde is te lang (meer dan {MAX_FIELD} tekens)"
                        )
                    )
        record = None if errors else convert(raw, errors, line)
        append(ParsedRow(line, raw, None if errors else record, errors))
    return result


class _Row:
    """Helper that reads fields of one row and collects the errors."""

    def __init__(self, raw: dict[str, str], errors: list[RowError], line: int) -> None:
        self.raw = raw
        self.errors = errors
        self.line = line

    def text(self, name: str, required: bool = True) -> str:
        value = self.raw.get(name, "").strip()
        if required and not value:
            self.fail(name, "is verplicht")
        elif any(ch in value for ch in "\r\n\t") or any(ord(ch) < 32 for ch in value):
            self.fail(name, "bevat regeleinden of stuurtekens")
        return value

    def fail(self, name: str, reason: str) -> None:
        self.errors.append(RowError(self.line, name, self.raw.get(name, ""), reason))

    def convert(self, name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(self.raw.get(name, ""))
        except ValidationError as error:
            self.fail(name, str(error))
            return None

    def optional_date(self, name: str) -> date | None:
        if not self.raw.get(name, "").strip():
            return None
        return self.convert(name, parse_date)


def parse_staff(data: bytes) -> ParseResult[Staff]:
    """Read a staff CSV (contract.md): every row validated, duplicates refused."""
    seen: dict[str, int] = {}

    def convert(raw: dict[str, str], errors: list[RowError], line: int) -> Staff | None:
        row = _Row(raw, errors, line)
        staff_id = row.text("staff_id")
        if staff_id and not _REF.match(staff_id):
            row.fail("staff_id", "mag alleen letters, cijfers en - _ . / bevatten (max. 40)")
        elif staff_id in seen:
            row.fail("staff_id", f"komt al voor op regel {seen[staff_id]}")
        else:
            seen[staff_id] = line
        name = row.text("name")
        role = row.text("role").upper()
        if role and role not in ROLES:
            row.fail("role", f"onbekende rol; kies uit {' '.join(ROLES)}")
        team = row.text("team")
        big_raw = row.text("big_number", required=False)
        big: str | None = None
        if big_raw:
            big = row.convert("big_number", parse_big_number)
        elif role in BIG_ROLES:
            row.fail("big_number", f"BIG-nummer is verplicht voor rol {role}")
        quals: list[str] = []
        for code in row.text("qualifications", required=False).replace(",", ";").split(";"):
            code = code.strip().upper()
            if not code:
                continue
            if not _CODE.match(code):
                row.fail("qualifications", f"ongeldige kwalificatiecode '{code}'")
            quals.append(code)
        hours_text = row.text("hours_per_week", required=False).replace(",", ".")
        hours: float | None = None
        if hours_text:
            try:
                hours = float(hours_text)
            except ValueError:
                row.fail("hours_per_week", "moet een getal zijn (bijv. 32 of 32,5)")
            else:
                if not 0 < hours <= 60:
                    row.fail("hours_per_week", "moet tussen 0 en 60 uur liggen")
        active = True
        if "active" in raw:
            active = bool(row.convert("active", parse_bool))
        if errors:
            return None
        return Staff(
            staff_id=staff_id,
            name=name,
            role=role,
            team=team,
            big_number=big,
            qualifications=tuple(sorted(set(quals))),
            hours_per_week=hours,
            active=active,
        )

    return _parse(data, STAFF_COLUMNS, STAFF_OPTIONAL, STAFF_EXTRA, convert)


def parse_cases(data: bytes, today: date) -> ParseResult[Case]:
    """Read a case CSV (contract.md). ``today`` bounds receipt and birth dates."""
    seen_refs: dict[str, int] = {}
    seen_bsn: dict[str, tuple[int, str, date | None]] = {}

    def convert(raw: dict[str, str], errors: list[RowError], line: int) -> Case | None:
        checked = check_case(raw, today)
        for name, reason in checked.problems:
            errors.append(RowError(line, name, raw.get(name, ""), reason))
        ref = raw.get("case_ref", "").strip()
        if ref and ref in seen_refs:
            errors.append(
                RowError(
                    line, "case_ref", raw["case_ref"], f"komt al voor op regel {seen_refs[ref]}"
                )
            )
        elif ref:
            seen_refs[ref] = line
        case = checked.case
        if case is not None:
            client = case.client
            bsn, name, birth = client.bsn, client.name, client.birth_date
            earlier = seen_bsn.get(bsn)
            if earlier and (earlier[1] != name or earlier[2] != birth):
                errors.append(
                    RowError(
                        line,
                        "bsn",
                        raw.get("bsn", ""),
                        f"zelfde BSN als regel {earlier[0]} maar met andere naam of geboortedatum",
                    )
                )
            elif not earlier:
                seen_bsn[bsn] = (line, name, birth)
        return None if errors else case

    with bulk():  # many small objects, no cycles: the collector would rescan them repeatedly
        return _parse(data, CASE_COLUMNS, CASE_OPTIONAL, CASE_EXTRA, convert)


def check_against_store(
    result: ParseResult[Case],
    known_teams: Collection[str],
    stored_clients: Mapping[str, Client],
) -> None:
    """Add the problems only the store can reveal (see ``caserules.store_conflicts``) to the
    rows of a parsed case file, so they are reported and rejected like any other problem."""
    for row in result.rows:
        case = row.record
        if case is None or row.errors:
            continue
        stored = stored_clients.get(case.client.bsn)
        if stored is None and (not known_teams or case.team in known_teams):
            continue  # the common case: nothing the store could hold against it
        for name, reason in store_conflicts(case, known_teams, stored):
            row.errors.append(RowError(row.line, name, row.raw.get(name, ""), reason))
        if row.errors:
            row.record = None


def rejected_csv(result: ParseResult[T], filename: str) -> str:
    """The invalid rows, unchanged, with a ``reden`` column (contract: no row is ever lost)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*result.header, "reden"])
    for row in result.invalid:
        reasons = "; ".join(error.message(filename) for error in row.errors)
        writer.writerow(safe_row([*(row.raw.get(name, "") for name in result.header), reasons]))
    return out.getvalue()
