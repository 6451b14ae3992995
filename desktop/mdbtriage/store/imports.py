"""Importing a staff or case CSV file into the store, as the command line and the desktop both
do it (README "Imports").

The file is read and checked in chunks while it streams by, so memory stays flat however large
it is. Valid rows are staged as they come; they reach the store only at the end, all in one
transaction, and only when the import goes ahead: without ``skip_invalid`` not at all when any
row is invalid. The problems are reported the same way everywhere: the first
:data:`MAX_SHOWN` as lines, then one summary line; every one of them in ``FILE.errors.csv``
when the import is refused as a whole, and with ``skip_invalid`` every invalid row, unchanged
and with its ``reden``, in ``FILE.rejected.csv``. Neither file may replace the store or its
companions (:mod:`mdbtriage.store.outputs`).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from mdbtriage.core.csvimport import (
    ERRORS_COLUMNS,
    CsvImport,
    ParsedRow,
    RowError,
    Seen,
    error_row,
    read_cases,
    read_staff,
    rejected_row,
)
from mdbtriage.core.fast import bulk
from mdbtriage.core.model import Actor, Case, Staff
from mdbtriage.store.accounts import LastTeamLeadRefused
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store
from mdbtriage.store.outputs import output_problem
from mdbtriage.store.records import (
    CaseWriter,
    WriteCounts,
    check_cases_against_store,
    stored_cases,
    stored_staff,
    upsert_staff,
)

MAX_SHOWN = 100  # problems shown as lines; the rest only in the errors or rejected file
NOUNS = {"cases": "zaken", "staff": "medewerkers"}
_PURPOSES = {"cases": "zaken importeren", "staff": "medewerkers importeren"}
Progress = Callable[[int, str], None]


def sibling(path: Path, suffix: str) -> Path:
    """``zaken.csv`` → ``zaken<suffix>`` next to it (``.errors.csv``, ``.rejected.csv``)."""
    text = str(path)
    return Path(text[: -len(".csv")] + suffix if text.endswith(".csv") else text + suffix)


def rejected_path_for(path: Path) -> Path:
    return sibling(path, ".rejected.csv")


def errors_path_for(path: Path) -> Path:
    return sibling(path, ".errors.csv")


@dataclass(slots=True)
class ImportReport:
    """What an import did, in lines for the person who started it (Dutch)."""

    written: bool
    lines: list[str] = field(default_factory=list)
    counts: WriteCounts | None = None
    errors_path: Path | None = None
    rejected_path: Path | None = None
    refused: bool = False  # refused by a rule (exit 3), not for bad input (exit 2)


class _OutputFailed(Exception):
    """An errors or rejected file that may not or cannot be written; the message is Dutch."""


_OS_REASONS = {
    errno.ENOENT: "het bestand of de map bestaat niet",
    errno.EACCES: "geen toegang",
    errno.EPERM: "geen toegang",
    errno.EROFS: "alleen-lezen",
    errno.EISDIR: "dat is een map, geen bestand",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijf is vol",
}


def _os_reason(error: OSError) -> str:
    """An operating-system error in Dutch (the system's own text is in English)."""
    return _OS_REASONS.get(error.errno or 0, f"bestandsfout {error.errno}")


def _unwritable(target: Path, error: OSError) -> _OutputFailed:
    return _OutputFailed(f"{target}: kan niet worden geschreven ({_os_reason(error)})")


class _PartFile:
    """A CSV output written to a temporary file next to its target, which becomes the target
    only on :meth:`keep`; until then the target is untouched."""

    def __init__(
        self, target: Path, store_path: Path, header: Sequence[str], delimiter: str = ";"
    ) -> None:
        self.target = target
        problem = output_problem(target, store_path)
        if problem:
            raise _OutputFailed(f"{target}: {problem}")
        self.temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            self.stream: IO[str] = self.temporary.open("w", encoding="utf-8-sig", newline="")
        except OSError as error:
            raise _unwritable(target, error) from None
        self.writer = csv.writer(self.stream, delimiter=delimiter, lineterminator="\r\n")
        self.write(header)

    def write(self, row: Sequence[object]) -> None:
        try:
            self.writer.writerow(row)
        except OSError as error:
            self.discard()
            raise _unwritable(self.target, error) from None

    def keep(self) -> Path:
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.replace(self.temporary, self.target)
        except OSError as error:
            self.discard()
            raise _unwritable(self.target, error) from None
        return self.target

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        self.temporary.unlink(missing_ok=True)


class _TempSeen(Seen):
    """The keys earlier rows used, in a temporary table between chunks (memory stays flat)."""

    def __init__(self, conn: Connection, name: str) -> None:
        super().__init__()
        self.conn = conn
        self.table = f"temp.mdb_import_seen_{name}"
        self.new: list[tuple[str, int, str]] = []
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} "
            "(key TEXT PRIMARY KEY, line INTEGER NOT NULL, text TEXT NOT NULL)"
        )
        conn.execute(f"DELETE FROM {self.table}")

    def add(self, key: str, line: int, text: str = "") -> None:
        super().add(key, line, text)
        self.new.append((key, line, text))

    def load(self, keys: Collection[str]) -> None:
        rows = self.conn.execute(
            f"SELECT key, line, text FROM {self.table} "
            "WHERE key IN (SELECT value FROM json_each(?))",
            (json.dumps(list(keys)),),
        )
        self.entries = {key: (line, text) for key, line, text in rows}

    def keep(self) -> None:
        self.conn.executemany(f"INSERT INTO {self.table} VALUES (?, ?, ?)", self.new)
        self.new.clear()
        self.entries = {}

    def drop(self) -> None:
        self.conn.execute(f"DELETE FROM {self.table}")


class _Problems:
    """Every problem of one import: the first :data:`MAX_SHOWN` as lines, all of them in the
    errors file, and with ``skip_invalid`` the invalid rows in the rejected file."""

    def __init__(
        self,
        path: Path,
        header: list[str],
        store_path: Path,
        skip_invalid: bool,
        delimiter: str = ";",
    ) -> None:
        self.name = path.name
        self.delimiter = delimiter  # of the file: its rejected rows are written with it
        self.path = path
        self.header = header
        self.store_path = store_path
        self.skip_invalid = skip_invalid
        self.shown: list[str] = []
        self.count = 0
        self.invalid_rows = 0
        self.errors: _PartFile | None = None
        self.errors_failed: str | None = None  # why the errors file cannot be written
        self.rejected: _PartFile | None = None

    def _error(self, error: RowError) -> None:
        self.count += 1
        if len(self.shown) < MAX_SHOWN:
            self.shown.append(error.message(self.name))
        if self.errors_failed is not None:
            return  # the problems are still counted and shown, and the import refused
        try:
            if self.errors is None:
                self.errors = _PartFile(errors_path_for(self.path), self.store_path, ERRORS_COLUMNS)
            self.errors.write(error_row(error))
        except _OutputFailed as failed:
            self.errors, self.errors_failed = None, str(failed)

    def keep_errors(self) -> str:
        """Put the errors file in place; the closing line that says where it is (or why not)."""
        if self.errors is not None:
            try:
                return f"Alle {self.count} problemen staan in {self.errors.keep()}."
            except _OutputFailed as failed:
                self.errors_failed = str(failed)
        return f"De lijst met alle {self.count} problemen is niet bewaard: {self.errors_failed}."

    def file_errors(self, errors: Sequence[RowError]) -> None:
        for error in errors:
            self._error(error)

    def row(self, row: ParsedRow[Any]) -> None:
        self.invalid_rows += 1
        for error in row.errors:
            self._error(error)
        if self.skip_invalid:
            if self.rejected is None:
                self.rejected = _PartFile(
                    rejected_path_for(self.path),
                    self.store_path,
                    [*self.header, "reden"],
                    self.delimiter,
                )
            self.rejected.write(rejected_row(self.header, row, self.name))

    def lines(self) -> list[str]:
        hidden = self.count - len(self.shown)
        if hidden <= 0:
            return list(self.shown)
        return [*self.shown, f"… en nog {hidden} problemen, niet getoond ({self.count} in totaal)."]

    def discard(self) -> None:
        for part in (self.errors, self.rejected):
            if part is not None:
                part.discard()


def import_file(
    store: Store,
    path: Path,
    kind: str,
    *,
    skip_invalid: bool,
    actor: Actor,
    today: date,
    skip_hint: str,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the ``kind`` (``cases`` or ``staff``) CSV at ``path``; see the module's text.
    ``skip_hint`` tells how to import only the valid rows (an option, a check box)."""
    try:
        size = max(1, path.stat().st_size)
        source = path.open("rb")
    except OSError as error:
        return ImportReport(
            False, [f"{path}: bestand kan niet worden gelezen ({_os_reason(error)})"]
        )
    try:
        with source, store.atomic(), bulk():
            report = _Import(store, source, size, path, kind, skip_invalid).run(
                actor, today, skip_hint, progress
            )
            if not report.written:
                raise _Refused(report)  # rolls back what was staged
            return report
    except _Refused as refused:
        return refused.report
    except _OutputFailed as error:
        return ImportReport(
            False, [f"Import van {path.name} geweigerd: {error}; er is niets geschreven."]
        )
    except LastTeamLeadRefused as refused:
        reason = f"import van {path.name}: {refused}"
        with store.atomic() as conn:
            log(
                conn,
                actor,
                AuditEntry(
                    event="change", purpose=_PURPOSES[kind], outcome="geweigerd", details=reason
                ),
            )
        return ImportReport(
            False,
            [f"Geweigerd: import van {path.name}: {refused}; er is niets geschreven."],
            refused=True,
        )


class _Refused(Exception):
    """Rolls the import's transaction back, carrying the report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report


@dataclass(slots=True)
class _Import:
    store: Store
    source: IO[bytes]
    size: int
    path: Path
    kind: str
    skip_invalid: bool
    stored: dict[str, Case] = field(default_factory=dict)

    def run(
        self, actor: Actor, today: date, skip_hint: str, progress: Progress | None
    ) -> ImportReport:
        store, name = self.store, self.path.name
        reader: CsvImport[Any]
        writer: CaseWriter | None = None
        seen: list[_TempSeen] = []

        def memory(key: str) -> Seen:
            seen.append(_TempSeen(store.conn, key))
            return seen[-1]

        if self.kind == "cases":
            reader = read_cases(self.source, today, self._stored_cases, memory)
            writer = CaseWriter(store, actor, f"import {name}")
        else:
            reader = read_staff(self.source, lambda ids: stored_staff(store, ids), memory)
        problems = _Problems(
            self.path, reader.header, store.path, self.skip_invalid, reader.delimiter
        )
        try:
            return self._run(reader, writer, problems, skip_hint, progress)
        except BaseException:
            problems.discard()
            raise
        finally:
            for table in seen:
                table.drop()

    def _stored_cases(self, refs: Sequence[str]) -> dict[str, Case]:
        """The stored cases of a chunk, kept for staging the chunk (one query per chunk)."""
        self.stored = stored_cases(self.store, refs)
        return self.stored

    def _run(
        self,
        reader: CsvImport[Any],
        writer: CaseWriter | None,
        problems: _Problems,
        skip_hint: str,
        progress: Progress | None,
    ) -> ImportReport:
        name, noun = self.path.name, NOUNS[self.kind]
        staff: list[Staff] = []
        for chunk in reader.chunks():
            if writer is not None:
                check_cases_against_store(self.store, chunk)
            valid: list[Any] = []
            for row in chunk:
                if row.errors or row.record is None:
                    problems.row(row)
                else:
                    valid.append(row.record)
            if valid and (self.skip_invalid or not problems.count):  # else refused anyway
                if writer is not None:
                    writer.add(valid, self.stored)
                else:
                    staff.extend(valid)
            if progress is not None:
                done = min(90, int(90 * self.source.tell() / self.size))
                progress(done, f"{reader.rows_read} regels gecontroleerd")
        problems.file_errors(reader.file_errors)
        if reader.file_errors or (problems.count and not self.skip_invalid):
            if problems.rejected is not None:
                problems.rejected.discard()
            closing = problems.keep_errors()
            errors_path = errors_path_for(self.path) if problems.errors_failed is None else None
            lines = problems.lines()
            if reader.file_errors:
                lines.append(f"Import van {name} geweigerd: er is niets geschreven.")
            else:
                lines.append(
                    f"Import van {name} geweigerd: {problems.invalid_rows} van "
                    f"{reader.rows_read} regels ongeldig; er is niets geschreven. {skip_hint}"
                )
            lines.append(closing)
            return ImportReport(False, lines, errors_path=errors_path)
        if problems.errors is not None:
            problems.errors.discard()
        if progress is not None:
            progress(95, f"{noun} schrijven")
        counts = writer.write() if writer is not None else upsert_staff(self.store, staff)
        # kept only now: a refused write leaves no rejected file behind
        rejected = problems.rejected.keep() if problems.rejected is not None else None
        lines = [f"{name}: {counts.created} {noun} toegevoegd, {counts.updated} bijgewerkt."]
        if rejected is not None:
            lines.extend(problems.lines())
            lines.append(
                f"{problems.invalid_rows} ongeldige regels bewaard in {rejected} (kolom 'reden')."
            )
        if progress is not None:
            progress(100, "klaar")
        return ImportReport(True, lines, counts, rejected_path=rejected)
