"""Reading and validating the staff and case CSV files (README "Imports").

Plain Python: bytes in, validated records and row errors out, chunk by chunk as the file streams
by (:class:`CsvImport`). What the store knows comes in through two hooks: the stored records of
a chunk's keys, whose values a re-import keeps for the columns the file does not change, and a
:class:`Seen` that may keep the keys earlier rows used outside memory. The store writes the
records (``store.imports``); the CLI and the GUI report the errors. Nothing here decides whether
to write: that is the caller's all-or-nothing or ``--skip-invalid`` choice.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, Generic, TypeVar

from mdbtriage.core.caserules import case_fields, check_case, store_conflicts
from mdbtriage.core.csvsafe import restore_cell, safe_row
from mdbtriage.core.fast import bulk
from mdbtriage.core.model import (
    BIG_ROLES,
    ROLES,
    Case,
    Client,
    Staff,
)
from mdbtriage.core.validation import (
    ValidationError,
    parse_big_number,
    parse_bool,
    parse_date,
    text_problem,
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
CASE_EXTRA = (
    "consents_60_plus",
    "employer_consents_60_plus",
    "medical_reason",
    "dwangsom",
    "dwangsom_deadline",
    "status",
)

MAX_FIELD = 500
_CODE = re.compile(r"^[A-Z0-9_]{1,40}$")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$")
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")  # after a carriage return that no line feed follows
_HOURS = re.compile(r"^[0-9]{1,3}([.][0-9]{1,2})?$")


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
            if not shown.isprintable():  # a control or direction character is shown as its code
                shown = "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in shown)
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
    delimiter: str = ","  # the file's: a rejected file uses it too

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
        raise ValidationError(_not_utf8(error.start)) from None


def _not_utf8(position: int) -> str:
    return (
        f"het bestand is geen UTF-8 (onleesbaar teken op positie {position}); "
        "sla het op als 'CSV UTF-8'"
    )


def sniff_delimiter(first_line: str) -> str:
    """``;`` (Dutch spreadsheet export) or ``,``, whichever the header uses more."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _long_field(text: str, delimiter: str, limit: int) -> tuple[int, str]:
    """Which field of the record ``text`` is longer than ``limit`` characters (0-based), and
    its beginning; a field in quotes may hold delimiters and line breaks."""
    index = length = 0
    start = 0
    quoted = False
    for position, char in enumerate(text):
        if char == '"':
            quoted = not quoted
            continue
        if not quoted and char == delimiter:
            index, length, start = index + 1, 0, position + 1
            continue
        length += 1
        if length > limit:
            break
    return index, text[start : start + 60].lstrip('"')


def _csv_reason(error: csv.Error) -> str:
    """The csv module's English reason in Dutch."""
    text = str(error)
    if "new-line character" in text:
        return "regeleinde midden in een veld zonder aanhalingstekens"
    if "NUL" in text:
        return "het bestand bevat binaire gegevens, geen CSV-tekst"
    return "de regel is geen geldige CSV (controleer aanhalingstekens en scheidingstekens)"


@dataclass(frozen=True, slots=True)
class QuoteProblem:
    """A quoted field that runs over several lines: its column, its beginning, and why."""

    column: str
    value: str
    reason: str
    unclosed: bool  # the quote is never closed: the rest of the file is inside the field


def quote_problem(
    values: Sequence[str], header: Sequence[str], start: int, end: int, text: str
) -> QuoteProblem | None:
    """What is wrong with a record read from lines ``start`` to ``end`` (``text``, as in the
    file): a field in quotes that holds a line break. No column of these files may hold one, so
    it is a quote that is not closed (an odd number of quotes: it runs to the end of the file)
    or closed only lines later; named with the line where it starts."""
    index = next((i for i, value in enumerate(values) if "\n" in value or "\r" in value), None)
    if index is None:
        return None
    column = header[index] if index < len(header) else f"veld {index + 1}"
    value = values[index]
    if text.count('"') % 2:
        return QuoteProblem(
            column,
            value,
            f"aanhalingsteken niet gesloten: het veld begint op regel {start} met een "
            f"aanhalingsteken dat tot het einde van het bestand (regel {end}) niet wordt "
            "gesloten; het bestand is niet verder gelezen",
            True,
        )
    return QuoteProblem(
        column,
        value,
        f"het veld begint op regel {start} met een aanhalingsteken dat pas op regel {end} wordt "
        "gesloten; een veld mag geen regeleinde bevatten (controleer de aanhalingstekens)",
        False,
    )


class CsvRows:
    """The rows of one staff or case CSV file, read as they stream by: the header is read
    and checked at once; :meth:`rows` yields each data row keyed by lower-case column name.
    A problem with the file itself (not UTF-8, binary, a field over the CSV reader's limit,
    broken quoting) ends the reading and is added to ``problems``: such a file is refused as a
    whole, with the line (and where known the column) named."""

    def __init__(
        self,
        source: IO[bytes],
        columns: Sequence[str],
        optional: frozenset[str],
        extra: Sequence[str],
    ) -> None:
        self.problems: list[RowError] = []
        self.header: list[str] = []
        self.delimiter = ","
        self._record: list[str] = []  # the physical lines of the record being read
        self._lines = self._decoded(source)
        self._reader: Any = None  # a csv reader (its type is private to the csv module)
        self._read_header(columns, optional, extra)

    def _decoded(self, source: IO[bytes]) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        number = 0
        position = 0
        for number, raw in enumerate(source, start=1):
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as error:
                self.problems.append(RowError(number, "", "", _not_utf8(position + error.start)))
                return
            position += len(raw)
            if "\x00" in text:
                self.problems.append(
                    RowError(number, "", "", "het bestand bevat binaire gegevens, geen CSV-tekst")
                )
                return
            carriage = text.find("\r")
            if carriage != -1 and carriage < len(text) - 2:  # a lone CR ends a line too
                for part in _LONE_CR.split(text):
                    self._record.append(part)
                    yield part
                continue
            self._record.append(text)
            yield text
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            self.problems.append(RowError(max(number, 1), "", "", _not_utf8(position)))

    def _unreadable(self, error: csv.Error, line: int, header: bool) -> RowError:
        where = "kopregel onleesbaar" if header else "regel onleesbaar"
        if "field larger than field limit" not in str(error):
            return RowError(line, "", "", f"{where}: {_csv_reason(error)}")
        limit = csv.field_size_limit()
        index, start = _long_field("".join(self._record), self.delimiter, limit)
        column = self.header[index] if index < len(self.header) else f"veld {index + 1}"
        if header:
            return RowError(
                line, "", "", f"{where}: kolomnaam {index + 1} is langer dan {limit} tekens"
            )
        return RowError(
            line,
            column,
            start,
            f"waarde is te lang (meer dan {limit} tekens); het bestand is niet gelezen",
        )

    def _read_header(
        self, columns: Sequence[str], optional: frozenset[str], extra: Sequence[str]
    ) -> None:
        first = next(self._lines, None)
        if self.problems:
            return
        if first is None or not first.strip():
            self.problems.append(RowError(1, "", "", "de kopregel ontbreekt: het bestand is leeg"))
            return
        self.delimiter = sniff_delimiter(first.split("\n", 1)[0])
        self._record.clear()
        reader = csv.reader(itertools.chain((first,), self._lines), delimiter=self.delimiter)
        self._record.append(first)
        try:
            header = [name.strip().lower() for name in next(reader)]
        except csv.Error as error:
            self.problems.append(self._unreadable(error, 1, header=True))
            return
        except StopIteration:
            if not self.problems:
                self.problems.append(RowError(1, "", "", "de kopregel ontbreekt"))
            return
        self._record.clear()
        self._reader = reader
        self._line = reader.line_num
        self.header = header
        allowed = set(columns) | set(extra)
        seen: set[str] = set()
        problems = self.problems
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

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each data row with its first line; a row of blanks only is skipped, and a row with
        too few or too many fields carries ``__width__`` (see ``CsvImport._check``)."""
        reader = self._reader
        if reader is None or self.problems:
            return
        header = self.header
        width = len(header)
        line = self._line
        record = self._record
        while True:
            start = line + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                self.problems.append(self._unreadable(error, start, header=False))
                return
            line = reader.line_num
            quote = None
            if line > start:  # a quoted field over several lines: most likely a stray quote
                quote = quote_problem(values, header, start, line, "".join(record))
            record.clear()
            text = "".join(values)
            if not text.strip():  # only blanks: skipped
                continue
            if "'" in text:  # a cell a rejected file escaped comes back as it was given
                values = [restore_cell(value) for value in values]
            if quote is not None and quote.unclosed:
                self.problems.append(RowError(start, quote.column, quote.value, quote.reason))
                return  # the rest of the file is inside the field: nothing more to read
            if len(values) == width and quote is None:
                yield start, dict(zip(header, values, strict=True))
                continue
            row = {name: "" for name in header}
            if quote is not None:
                row["__quote__"] = f"{quote.column}\x1f{quote.reason}"
            if len(values) != width:
                row["__width__"] = f"{len(values)} velden, verwacht {width}"
            for name, value in zip(header, values, strict=False):
                row[name] = value
            yield start, row


Lookup = Callable[[Sequence[str]], Mapping[str, T]]
"""The stored records of some keys (``case_ref`` or ``staff_id``), by key: what a re-import
keeps of the columns a file does not give."""

CHUNK_ROWS = 2000


def _no_lookup(_keys: Sequence[str]) -> Mapping[str, Any]:
    return {}


class Seen:
    """The keys earlier rows of one file used (a reference, a BSN), each with the line that
    used it first and a text a later row is compared with; in memory by default.
    :class:`CsvImport` calls :meth:`load` with the keys of each chunk before checking it and
    :meth:`keep` after, so a subclass may hold the entries outside memory between chunks (the
    store keeps them in a temporary table) and memory stays flat however long the file is."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[int, str]] = {}

    def get(self, key: str) -> tuple[int, str] | None:
        return self.entries.get(key)

    def add(self, key: str, line: int, text: str = "") -> None:
        self.entries[key] = (line, text)

    def load(self, keys: Collection[str]) -> None:
        """Before a chunk: make the entries of ``keys`` available to :meth:`get`."""

    def keep(self) -> None:
        """After a chunk: the entries added may leave memory."""


SeenFactory = Callable[[str], Seen]
"""A :class:`Seen` for one kind of key (``case_ref``, ``bsn``, ``staff_id``)."""


def _in_memory(_name: str) -> Seen:
    return Seen()


def _ref_key(raw: Mapping[str, str]) -> str:
    return raw.get("case_ref", "").strip()


def _staff_key(raw: Mapping[str, str]) -> str:
    return raw.get("staff_id", "").strip()


def _bsn_key(raw: Mapping[str, str]) -> str:
    """The BSN of a row as ``parse_bsn`` gives it when valid (no spaces or dots, nine digits)."""
    text = raw.get("bsn", "").strip().replace(" ", "").replace(".", "")
    return "0" + text if len(text) == 8 else text


class CsvImport(Generic[T]):
    """One staff or case CSV file, checked chunk by chunk as it is read (memory stays flat).

    A row whose key the store already holds is checked with the stored values filled in for
    the columns the file does not change: a column the header lacks, and an empty cell in one
    of the optional columns (``extra``). So the stored values are kept, and the rules
    see the case as it will be (README "Imports")."""

    def __init__(
        self,
        source: IO[bytes],
        columns: Sequence[str],
        optional: frozenset[str],
        extra: Sequence[str],
        key: str,
        fields: Callable[[T], Mapping[str, str]],
        convert: Callable[[dict[str, str], list[RowError], int], T | None],
        stored: Lookup[T] = _no_lookup,
        seen: Sequence[tuple[Seen, Callable[[Mapping[str, str]], str]]] = (),
    ) -> None:
        self._rows = CsvRows(source, columns, optional, extra)
        self._seen = seen
        self.header = self._rows.header
        self._key = key
        self._fields = fields
        self._convert = convert
        self._stored = stored
        given = set(self.header)
        self.absent = tuple(name for name in (*columns, *extra) if name not in given)
        self.keep_if_empty = tuple(name for name in extra if name in given)
        self.rows_read = 0

    @property
    def delimiter(self) -> str:
        """The file's delimiter (``,`` or ``;``), for a rejected file to use it too."""
        return self._rows.delimiter

    @property
    def file_errors(self) -> list[RowError]:
        """Problems with the file as a whole: its header, its encoding, its CSV structure.
        Complete once :meth:`chunks` is exhausted."""
        return self._rows.problems

    def chunks(self, size: int | None = None) -> Iterator[list[ParsedRow[T]]]:
        """The checked rows, ``size`` (default :data:`CHUNK_ROWS`) at a time, in file order."""
        size = size or CHUNK_ROWS
        rows = self._rows.rows()
        key = self._key
        while batch := list(itertools.islice(rows, size)):
            stored = self._stored([raw.get(key, "").strip() for _, raw in batch])
            for seen, key_of in self._seen:
                seen.load({key_of(raw) for _, raw in batch})
            checked = [self._check(line, raw, stored) for line, raw in batch]
            for seen, _ in self._seen:
                seen.keep()
            self.rows_read += len(batch)
            yield checked

    def _check(self, line: int, raw: dict[str, str], stored: Mapping[str, T]) -> ParsedRow[T]:
        errors: list[RowError] = []
        if "__quote__" in raw:  # set by CsvRows on a field over several lines: the real problem
            column, reason = raw.pop("__quote__").split("\x1f", 1)
            raw.pop("__width__", None)
            errors.append(RowError(line, column, raw.get(column, ""), reason))
        if "__width__" in raw:  # set by CsvRows on a row with too few or too many fields
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
        if errors:
            return ParsedRow(line, raw, None, errors)
        checked = raw
        known = stored.get(raw.get(self._key, "").strip()) if stored else None
        if known is not None and (
            self.absent or not all(raw[name].strip() for name in self.keep_if_empty)
        ):
            kept = self._fields(known)
            checked = dict(raw)
            for name in self.absent:
                checked[name] = kept[name]
            for name in self.keep_if_empty:
                if not raw[name].strip():
                    checked[name] = kept[name]
        record = self._convert(checked, errors, line)
        return ParsedRow(line, raw, None if errors else record, errors)

    def result(self) -> ParseResult[T]:
        """Every row at once (for small files and tests)."""
        result: ParseResult[T] = ParseResult(header=self.header, delimiter=self.delimiter)
        for chunk in self.chunks():
            result.rows.extend(chunk)
        result.file_errors = self.file_errors
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
        elif (problem := text_problem(value)) is not None:  # control or direction characters
            self.fail(name, problem)
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


def staff_fields(staff: Staff) -> dict[str, str]:
    """A staff member as text per column of the staff CSV (what a re-import keeps)."""
    hours = staff.hours_per_week
    return {
        "staff_id": staff.staff_id,
        "name": staff.name,
        "role": staff.role,
        "team": staff.team,
        "big_number": staff.big_number or "",
        "qualifications": ";".join(staff.qualifications),
        "hours_per_week": "" if hours is None else f"{hours:g}",
        "active": "ja" if staff.active else "nee",
    }


def parse_staff(data: bytes) -> ParseResult[Staff]:
    """Read a whole staff CSV (README "Imports"): every row validated, duplicates refused."""
    return read_staff(io.BytesIO(data)).result()


def read_staff(
    source: IO[bytes], stored: Lookup[Staff] = _no_lookup, memory: SeenFactory = _in_memory
) -> CsvImport[Staff]:
    """A staff CSV to be checked chunk by chunk; ``stored`` gives the stored staff of some
    ``staff_id``s, whose values a re-import keeps for the columns the file does not change;
    ``memory`` holds the ids earlier rows used."""
    seen = memory("staff_id")

    def convert(raw: dict[str, str], errors: list[RowError], line: int) -> Staff | None:
        row = _Row(raw, errors, line)
        staff_id = row.text("staff_id")
        if staff_id and not _REF.match(staff_id):
            row.fail("staff_id", "mag alleen letters, cijfers en - _ . / bevatten (max. 40)")
        elif (earlier := seen.get(staff_id)) is not None:
            row.fail("staff_id", f"komt al voor op regel {earlier[0]}")
        else:
            seen.add(staff_id, line)
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
            if not _HOURS.match(hours_text):  # float() would also take ١٢ or ３２
                row.fail(
                    "hours_per_week", "moet een getal in de cijfers 0-9 zijn (bijv. 32 of 32,5)"
                )
            else:
                hours = float(hours_text)
                if not 0 < hours <= 60:
                    row.fail("hours_per_week", "moet tussen 0 en 60 uur liggen")
        active = True  # a new person with an empty cell is active; a stored one keeps it
        if raw.get("active", "").strip():
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

    return CsvImport(
        source,
        STAFF_COLUMNS,
        STAFF_OPTIONAL,
        STAFF_EXTRA,
        "staff_id",
        staff_fields,
        convert,
        stored,
        [(seen, _staff_key)],
    )


def parse_cases(data: bytes, today: date) -> ParseResult[Case]:
    """Read a whole case CSV (README "Imports"). ``today`` bounds receipt and birth dates."""
    with bulk():  # many small objects, no cycles: the collector would rescan them repeatedly
        return read_cases(io.BytesIO(data), today).result()


def read_cases(
    source: IO[bytes],
    today: date,
    stored: Lookup[Case] = _no_lookup,
    memory: SeenFactory = _in_memory,
) -> CsvImport[Case]:
    """A case CSV to be checked chunk by chunk; ``stored`` gives the stored cases of some
    ``case_ref``s, whose values a re-import keeps for the columns the file does not change
    (README "Imports"); ``memory`` holds the references and BSNs earlier rows used. ``today``
    bounds receipt and birth dates."""
    seen_refs = memory("case_ref")
    seen_bsn = memory("bsn")  # with the name and date of birth of its first row

    def convert(raw: dict[str, str], errors: list[RowError], line: int) -> Case | None:
        checked = check_case(raw, today)
        for name, reason in checked.problems:
            errors.append(RowError(line, name, raw.get(name, ""), reason))
        ref = raw.get("case_ref", "").strip()
        if ref and (first := seen_refs.get(ref)) is not None:
            errors.append(
                RowError(line, "case_ref", raw["case_ref"], f"komt al voor op regel {first[0]}")
            )
        elif ref:
            seen_refs.add(ref, line)
        case = checked.case
        if case is not None:
            bsn, birth = case.bsn, case.facts.birth_date
            who = f"{case.client_name}\x1f{birth.isoformat() if birth else ''}"
            earlier = seen_bsn.get(bsn)
            if earlier and earlier[1] != who:
                errors.append(
                    RowError(
                        line,
                        "bsn",
                        raw.get("bsn", ""),
                        f"zelfde BSN als regel {earlier[0]} maar met andere naam of geboortedatum",
                    )
                )
            elif not earlier:
                seen_bsn.add(bsn, line, who)
        return None if errors else case

    return CsvImport(
        source,
        CASE_COLUMNS,
        CASE_OPTIONAL,
        CASE_EXTRA,
        "case_ref",
        case_fields,
        convert,
        stored,
        [(seen_refs, _ref_key), (seen_bsn, _bsn_key)],
    )


def check_against_store(
    rows: Iterable[ParsedRow[Case]],
    known_teams: Collection[str],
    stored_clients: Mapping[str, Client],
) -> None:
    """Add the problems only the store can reveal (see ``caserules.store_conflicts``) to the
    rows of a parsed case file, so they are reported and rejected like any other problem."""
    for row in rows:
        case = row.record
        if case is None or row.errors:
            continue
        stored = stored_clients.get(case.bsn)
        if stored is None and (not known_teams or case.team in known_teams):
            continue  # the common case: nothing the store could hold against it
        for name, reason in store_conflicts(case, known_teams, stored):
            row.errors.append(RowError(row.line, name, row.raw.get(name, ""), reason))
        if row.errors:
            row.record = None


ERRORS_COLUMNS = ("line", "column", "value", "reason")


def error_row(error: RowError) -> list[object]:
    """One problem as a row of ``FILE.errors.csv`` (columns ``ERRORS_COLUMNS``)."""
    return safe_row([error.line, error.column, error.value, error.reason])


def rejected_row(header: Sequence[str], row: ParsedRow[Any], filename: str) -> list[object]:
    """An invalid row, unchanged, with its reasons in a last ``reden`` column. A text that a
    spreadsheet would run as a formula gets the ``'`` of ``csvsafe``, which the import removes
    again (``csvsafe.restore_cell``): importing the fixed row gives what the first file meant."""
    reasons = "; ".join(error.message(filename) for error in row.errors)
    return safe_row([*(row.raw.get(name, "") for name in header), reasons])


def rejected_csv(result: ParseResult[T], filename: str) -> str:
    """The invalid rows, unchanged, with a ``reden`` column (contract: no row is ever lost), with
    the file's delimiter, ready to be fixed and imported again."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=result.delimiter, lineterminator="\r\n")
    writer.writerow([*result.header, "reden"])
    for row in result.invalid:
        writer.writerow(rejected_row(result.header, row, filename))
    return out.getvalue()
