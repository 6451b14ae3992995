"""Backups of the store: written with SQLite's online backup API, verified after writing,
thinned to a schedule, and restored only after the candidate has been checked.

Automatic backups live in ``backups/`` next to the store, named ``<stem>-YYYYmmdd-HHMMSS.sqlite3``
(UTC). Only files with that name are ever thinned, and never the newest one that holds more data
than every newer one (an emptied store's backup does not push out the last good one); copies
kept before a migration or a restore have other names and stay until someone removes them.
Every copy is written to a temporary file (0600, in a 0700 folder) and renamed into place only
when verified: a full disk or a concurrent backup leaves no half file behind.

A backup of an encrypted store is encrypted with the same key and verified with it. Backups made
by a person, the first automatic backup of a session and every restore are written to the access
log. Each store has an identity (``store_identity``) that its backups carry: a backup of another
store is not restored over one that holds data, and a restore of the store's own backup carries
every log record the backup lacks into the restored store, so none is lost.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mdbtriage.core.model import Actor
from mdbtriage.store import audit_chain, safety
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.database import (
    SQLITE_HEADER,
    Store,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreNoAccess,
    WrongPassphrase,
    add_functions,
    connect_file,
    db_errors,
    migrations,
    os_problem,
    quote_key,
    read_store_id,
    refusal_for,
    remove_partial,
    schema_version_supported,
    sqlcipher,
    sync_file,
    write_copy,
)
from mdbtriage.store.safety import BACKUP_DIRNAME

STAMP_FORMAT = "%Y%m%d-%H%M%S"
AUTO_INTERVAL = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Retention:
    """How many automatic backups survive thinning: the newest of each of the last N days,
    ISO weeks and months (the newest backup is always kept)."""

    daily: int = 12
    weekly: int = 10
    monthly: int = 9


class BackupError(StoreError):
    """A backup could not be written, verified or restored; the message is Dutch."""


class BackupRefused(BackupError):
    """Refused, with nothing changed: a backup of another store, a folder that cannot be
    written, a full disk, or a store in use."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime


def backup_dir(store_path: Path) -> Path:
    return store_path.parent / BACKUP_DIRNAME


def _pattern(store_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(store_path.stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.sqlite3$")


def list_backups(store_path: Path) -> list[Backup]:
    """The automatic backups of a store, newest first."""
    folder = backup_dir(store_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(store_path)
    found: list[tuple[datetime, int, Path]] = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        if not match:
            continue
        try:
            when = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append((when, int(match.group(2) or 0), entry))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [Backup(path, when) for when, _, path in found]


# ---------------------------------------------------------------- verification


def _expected_schema(version: int) -> set[tuple[str, str]]:
    """(type, name) of every table, index and trigger a store of ``version`` must have."""
    conn = sqlite3.connect(":memory:")
    add_functions(conn)
    try:
        for migration in migrations():
            if migration.version <= version:
                conn.executescript(migration.sql)
        return {
            (str(t), str(n))
            for t, n in conn.execute(
                "SELECT type, name FROM sqlite_master "
                "WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%'"
            )
        }
    finally:
        conn.close()


def is_encrypted_file(path: Path) -> bool:
    """Whether ``path`` is (or looks like) an encrypted store or backup."""
    return safety.looks_encrypted(path)


def verify_backup(path: Path, *, full: bool = True, passphrase: str | None = None) -> list[str]:
    """Open a backup read-only and check it: SQLite header, integrity (or quick) check, and a
    schema that matches the migrations it claims. An encrypted backup needs ``passphrase`` and
    is checked with it (every page's HMAC included). Empty when it is a good backup."""
    encrypted = safety.looks_encrypted(path)
    try:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER and not encrypted:
                return [f"{path.name} is geen SQLite-bestand"]
    except OSError as error:
        return [f"{path.name} kan niet worden gelezen ({error.strerror})"]
    if encrypted and passphrase is None:
        return [f"{path.name} is versleuteld; de wachtwoordzin is nodig om het te controleren"]
    problems = [] if encrypted else [f"{path.name}: {p}" for p in safety.header_problems(path)]
    if problems:
        return problems
    try:
        conn = connect_file(path, passphrase if encrypted else None, readonly=True)
    except WrongPassphrase:
        return [f"{path.name}: de wachtwoordzin klopt niet, of het bestand is beschadigd"]
    except StoreError as error:
        return [f"{path.name} kan niet worden geopend ({error})"]
    except db_errors() as error:
        return [f"{path.name} kan niet worden geopend ({error})"]
    try:
        pragma = "integrity_check" if full else "quick_check"
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
        problems = [f"{path.name}: {r[0]}" for r in rows if r[0] != "ok"]
        if encrypted and full:
            rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            problems.extend(f"{path.name}: {r[0]}" for r in rows)
        if problems:
            return problems
        has_ladder = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not has_ladder:
            return [f"{path.name} is geen MDB Triage-opslag (geen schemaversie)"]
        versions = {int(r[0]) for r in conn.execute("SELECT version FROM schema_migrations")}
        version = max(versions, default=0)
        if version > schema_version_supported():
            return [
                f"{path.name} is gemaakt met een nieuwere versie van MDB Triage "
                f"(schemaversie {version})"
            ]
        present = {
            (str(t), str(n))
            for t, n in conn.execute(
                "SELECT type, name FROM sqlite_master "
                "WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%'"
            )
        }
        missing = sorted(_expected_schema(version) - present - {("table", "schema_migrations")})
        if missing:
            names = ", ".join(f"{kind} {name}" for kind, name in missing[:5])
            return [f"{path.name} mist delen van schemaversie {version}: {names}"]
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{path.name}: tabel {table} rij {rowid} verwijst naar {parent}")
        return problems
    except db_errors() as error:
        return [f"{path.name} is beschadigd ({error})"]
    finally:
        conn.close()


def newest_good_backup(store_path: Path, passphrase: str | None = None) -> Path | None:
    """The newest automatic backup that passes :func:`verify_backup`, passing over backups of an
    empty store while an older good one holds data; without any good automatic backup, the
    newest good copy kept before a restore or a migration. None when there is none."""
    empty: Path | None = None
    for backup in list_backups(store_path):
        if verify_backup(backup.path, passphrase=passphrase):
            continue
        amount = backup_amount(backup.path, passphrase)
        if amount is None or any(amount[:2]):
            return backup.path
        empty = empty or backup.path
    if empty is not None:
        return empty
    automatic = _pattern(store_path)
    for copy in safety.kept_copies(store_path):
        if automatic.match(copy.name) or ".beschadigd-" in copy.name:
            continue
        if not verify_backup(copy, passphrase=passphrase):
            return copy
    return None


# What a backup holds, to compare backups: cases, staff, and the number of the newest access-log
# record (the log only grows, so that number counts the records; a new store starts again at 0).
_AMOUNT_QUERIES = (
    "SELECT count(*) FROM cases",
    "SELECT count(*) FROM staff",
    "SELECT coalesce(max(log_id), 0) FROM audit_log",
)


def backup_amount(path: Path, passphrase: str | None = None) -> tuple[int, ...] | None:
    """How much a backup holds (cases, staff, newest log record), or None when it cannot be
    read (damaged, or encrypted without ``passphrase``)."""
    encrypted = safety.looks_encrypted(path)
    if encrypted and passphrase is None:
        return None
    try:
        conn = connect_file(path, passphrase if encrypted else None, readonly=True)
    except db_errors(OSError, StoreError):
        return None
    try:
        return tuple(int(conn.execute(sql).fetchone()[0] or 0) for sql in _AMOUNT_QUERIES)
    except db_errors():
        return None
    finally:
        conn.close()


# ---------------------------------------------------------------- writing


def _failed(target: Path, error: BaseException, doing: str) -> BackupError:
    """A Dutch :class:`BackupError` for ``error`` met while writing ``target``: a refusal for a
    full disk, missing permissions or a store in use, else a failure."""
    refusal = refusal_for(target, error, doing)
    if refusal is not None:
        return BackupRefused(str(refusal))
    return BackupError(f"{doing} is mislukt: {os_problem(error)}")


def copy_database(
    source: sqlite3.Connection,
    target: Path,
    passphrase: str | None = None,
    *,
    new_name: bool = False,
) -> Path:
    """Write a self-contained copy (rollback journal, not WAL) of ``source`` to ``target``
    through a temporary file (0600), verified, synced and renamed into place; returns where it
    went. With ``new_name`` an existing file is never replaced: the copy gets the next free
    name (``-1``, ``-2``, …), also when two programs back up in the same second. An encrypted
    source needs its ``passphrase``: the copy is encrypted with the same key. A failure (a full
    disk included) leaves nothing behind and raises :class:`BackupError`."""

    def verify(partial: Path) -> None:
        problems = verify_backup(partial, passphrase=passphrase)
        if problems:
            raise BackupError(
                f"de reservekopie {target.name} is na het schrijven afgekeurd: {problems[0]}"
            )

    place = (lambda partial: _place_new(partial, target)) if new_name else None
    try:
        return write_copy(source, target, passphrase, verify=verify, place=place)
    except BackupError:
        raise
    except db_errors(OSError, StoreError) as error:
        raise _failed(target, error, f"de reservekopie naar {target} schrijven") from None


def _place_new(partial: Path, target: Path) -> Path:
    """Give ``partial`` the name ``target``, or the first free ``<stem>-N<suffix>`` after it,
    without ever replacing a file (a hard link claims the name atomically)."""
    candidate, counter = target, 0
    while True:
        try:
            os.link(partial, candidate)
        except FileExistsError:
            counter += 1
            candidate = target.with_name(f"{target.stem}-{counter}{target.suffix}")
            continue
        except OSError:  # no hard links on this file system: check, then rename
            if candidate.exists():
                counter += 1
                candidate = target.with_name(f"{target.stem}-{counter}{target.suffix}")
                continue
            os.replace(partial, candidate)
            return candidate
        partial.unlink()
        return candidate


def convert_database(
    source: Path, target: Path, source_key: str | None, target_key: str | None
) -> None:
    """Write ``source`` to ``target`` encrypted with ``target_key`` (None: plain) through
    SQLCipher's export, verified with that key, synced and renamed into place."""
    dbapi2 = sqlcipher()
    try:
        safety.make_private_dir(target.parent)
        descriptor, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
        os.close(descriptor)  # an empty file (0600): the export writes into it
    except OSError as error:
        raise _failed(target, error, f"{source.name} omzetten") from None
    partial = Path(name)
    try:
        conn = dbapi2.connect(str(source), isolation_level=None)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            if source_key is not None:
                conn.execute(f"PRAGMA key = {quote_key(source_key)}")
            conn.execute("ATTACH DATABASE ? AS export KEY ?", (str(partial), target_key or ""))
            conn.execute("SELECT sqlcipher_export('export')")
            conn.execute("DETACH DATABASE export")
        finally:
            conn.close()
        _seal_copy(partial, target, target_key)
    except BackupError:
        remove_partial(partial)
        raise
    except (OSError, dbapi2.Error) as error:
        remove_partial(partial)
        raise _failed(target, error, f"{source.name} omzetten") from None


def _seal_copy(partial: Path, target: Path, passphrase: str | None) -> None:
    problems = verify_backup(partial, passphrase=passphrase)
    if problems:
        raise BackupError(
            f"de reservekopie {target.name} is na het schrijven afgekeurd: {problems[0]}"
        )
    sync_file(partial)
    os.replace(partial, target)


def _automatic_name(store_path: Path, when: datetime) -> Path:
    """The name of an automatic backup taken at ``when`` (:func:`copy_database` with
    ``new_name`` adds ``-1``, ``-2``, … when it is taken)."""
    stamp = when.astimezone(UTC).strftime(STAMP_FORMAT)
    return backup_dir(store_path) / f"{store_path.stem}-{stamp}.sqlite3"


def create_backup(
    store: Store,
    out: Path | None = None,
    *,
    now: datetime | None = None,
    retention: Retention | None = Retention(),
    actor: Actor | None = None,
) -> Path:
    """Back the store up (to ``out``, else to ``backups/``) and verify the copy. Automatic
    backups are then thinned to ``retention`` (None: keep all). With ``actor`` (a backup made
    by a person) an 'export' record is written to the store's access log."""
    when = now or datetime.now(UTC)
    automatic = out is None
    target = out if out is not None else _automatic_name(store.path, when)
    target = copy_database(store.sqlite, target, store._passphrase, new_name=automatic)
    if actor is not None:
        try:
            log_backup(store, actor, f"reservekopie naar {target}", target)
        except StoreError as error:  # no copy of every client's data without its log record
            with contextlib.suppress(OSError):
                target.unlink()
            raise BackupRefused(
                f"de reservekopie is niet bewaard: het toegangslogboek kon haar niet vastleggen "
                f"({error})"
            ) from None
    if automatic and retention is not None:
        thin_backups(store.path, retention, passphrase=store._passphrase, keep=target)
    return target


def log_backup(store: Store, actor: Actor, details: str, copy: Path | None = None) -> None:
    """The access-log record of a backup: the copy holds every client's data. With ``copy`` the
    record names the chain's head in that copy, an anchor kept in the log itself."""
    if copy is not None:
        with contextlib.suppress(StoreError):
            head = audit_chain.file_head(copy, store._passphrase)
            details += f"; ketenkop {head or 'leeg (nog geen logregels)'}"
    with store.atomic() as conn:
        log(conn, actor, AuditEntry(event="export", purpose="reservekopie maken", details=details))


def system_actor() -> Actor:
    """The operating-system account, for what the program does on its own."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "onbekend"
    return Actor.system_account(account)


# ---------------------------------------------------------------- thinning


def select_kept(stamps: Sequence[datetime], retention: Retention) -> set[int]:
    """Indexes of the backups to keep: the newest overall, and the newest of each of the last
    ``daily`` days, ``weekly`` ISO weeks and ``monthly`` months that have a backup."""
    order = sorted(range(len(stamps)), key=lambda i: stamps[i], reverse=True)
    kept: set[int] = set(order[:1])
    buckets: list[tuple[int, Callable[[datetime], object]]] = [
        (retention.daily, lambda d: d.date()),
        (retention.weekly, lambda d: d.isocalendar()[:2]),
        (retention.monthly, lambda d: (d.year, d.month)),
    ]
    for limit, key in buckets:
        seen: set[object] = set()
        for index in order:
            bucket = key(stamps[index])
            if bucket in seen:
                continue
            if len(seen) >= limit:
                break
            seen.add(bucket)
            kept.add(index)
    return kept


def holding_more(amounts: Sequence[tuple[int, ...] | None]) -> set[int]:
    """Indexes (into ``amounts``, newest first) of the backups that hold more of something
    (cases, staff, log records) than every newer backup: each is the newest backup with data
    that the ones replacing it lack, as when a store was emptied and its empty state backed up.
    Backups whose amount is unknown (None) take no part."""
    protected: set[int] = set()
    most: tuple[int, ...] | None = None
    for index, amount in enumerate(amounts):
        if amount is None:
            continue
        if most is not None and any(a > m for a, m in zip(amount, most, strict=True)):
            protected.add(index)
        most = amount if most is None else tuple(map(max, amount, most))
    return protected


STALE_PARTIAL = timedelta(hours=1)


def _remove_stale_partials(folder: Path) -> None:
    """Remove temporary copies a killed program left behind (``.*.part`` and their journals),
    once they are old enough that no program still writing one can own them."""
    limit = (datetime.now(UTC) - STALE_PARTIAL).timestamp()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") and (
            entry.name.endswith(".part") or entry.name.endswith(".part-journal")
        ):
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < limit:
                    entry.unlink()


def thin_backups(
    store_path: Path,
    retention: Retention = Retention(),
    *,
    passphrase: str | None = None,
    keep: Path | None = None,
) -> list[Path]:
    """Delete the automatic backups the schedule no longer needs; returns what was removed.
    The schedule counts days, weeks and months that have a backup, not calendar time, so a
    workstation that was off for a month still keeps its older copies. A backup holding more
    data than every newer one (:func:`holding_more`) is never removed, nor ``keep`` (the backup
    just taken: another program thinning at the same moment may remove it, never this call);
    ``passphrase`` opens encrypted backups to compare them."""
    _remove_stale_partials(backup_dir(store_path))
    backups = list_backups(store_path)
    kept = select_kept([b.taken_at for b in backups], retention)
    kept |= {i for i, b in enumerate(backups) if b.path == keep}
    if len(kept) < len(backups):
        kept |= holding_more([backup_amount(b.path, passphrase) for b in backups])
    removed: list[Path] = []
    for index, backup in enumerate(backups):
        if index not in kept:
            with contextlib.suppress(FileNotFoundError):
                backup.path.unlink()
                removed.append(backup.path)
    return removed


# ---------------------------------------------------------------- automatic backups


def data_version(store: Store) -> tuple[int, int]:
    """A marker that changes whenever the data changes: ``PRAGMA data_version`` sees commits of
    other connections, ``total_changes`` those of this one."""
    row = store.sqlite.execute("PRAGMA data_version").fetchone()
    return int(row[0]), int(store.sqlite.total_changes)


@dataclass
class BackupScheduler:
    """When to take automatic backups: every ``interval`` while the data changed, and on exit
    when anything changed since the last one. Qt-free; the GUI calls :meth:`tick` from a timer
    and :meth:`on_exit` when it closes. The first automatic backup is logged once, as
    ``actor`` (default: the operating-system account); later ones are not."""

    store: Store
    interval: timedelta = AUTO_INTERVAL
    retention: Retention = field(default_factory=Retention)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    last_marker: tuple[int, int] = (0, 0)
    last_backup_at: datetime | None = None
    last_path: Path | None = None
    last_error: str | None = None
    actor: Actor | None = None
    logged: bool = False
    started_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.last_marker = data_version(self.store)
        self.started_at = self.clock()

    def changed(self) -> bool:
        return data_version(self.store) != self.last_marker

    def due(self) -> bool:
        since = self.last_backup_at or self.started_at
        return self.changed() and self.clock() - since >= self.interval

    def _take(self) -> Path | None:
        marker = data_version(self.store)
        try:
            path = create_backup(self.store, now=self.clock(), retention=self.retention)
            if not self.logged:
                log_backup(
                    self.store,
                    self.actor or system_actor(),
                    f"automatische reservekopieën in {path.parent} (eerste: {path.name})",
                    path,
                )
                self.logged = True
                marker = data_version(self.store)  # the record itself is no change to back up
        except db_errors(StoreError) as error:  # a full disk, a lock: try again next time
            self.last_error = str(error)
            return None
        self.last_marker = marker
        self.last_backup_at = self.clock()
        self.last_path = path
        self.last_error = None
        return path

    def tick(self) -> Path | None:
        """Take a backup when one is due; returns its path, else None."""
        return self._take() if self.due() else None

    def on_exit(self) -> Path | None:
        """Take a last backup when the data changed since the previous one."""
        return self._take() if self.changed() else None


# ---------------------------------------------------------------- restoring

AUDIT_COLUMNS = (
    "log_id, at, event, client_id, case_ref, user_id, user_name, role, on_behalf_of, outcome, "
    "purpose, details"
)
CARRIED = "overgenomen bij terugzetten"
AuditRow = tuple[object, ...]
_DATA_TABLES = ("cases", "clients", "staff", "teams")


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    kept_copy: Path | None
    carried_records: int = 0
    log_problem: str | None = None
    carried_ranges: str = ""  # which records were carried, in Dutch (Carried.describe)


@dataclass(frozen=True, slots=True)
class StoreContents:
    """What a restore needs to know of a store or backup: its access log (oldest first), its
    identity, whether it holds client or staff data, and why it could not be read."""

    log: list[AuditRow]
    store_id: str | None = None
    has_data: bool = False
    problem: str | None = None
    head: str | None = None


def _read_contents(path: Path, passphrase: str | None, what: str) -> StoreContents:
    """Read a store or backup read-only; a damaged one may not give up its log (``problem``)."""
    if not path.exists() or path.stat().st_size == 0:
        return StoreContents([])
    encrypted = safety.looks_encrypted(path)
    if encrypted and passphrase is None:
        return StoreContents([], problem=f"{what} is versleuteld en er is geen wachtwoordzin")
    sides = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    made_sides = not any(side.exists() for side in sides)
    try:
        conn = connect_file(path, passphrase if encrypted else None, readonly=True)
    except WrongPassphrase as error:
        if safety.seal_problems(path) == []:  # intact: the passphrase itself is wrong
            raise BackupError(
                f"de wachtwoordzin klopt niet voor {path}; de opslag is niet gewijzigd"
            ) from None
        return StoreContents([], problem=str(error))
    except db_errors(OSError, StoreError) as error:
        return StoreContents([], problem=str(error))
    try:
        return _contents(conn, what)
    finally:
        conn.close()
        if made_sides and not (sides[0].exists() and sides[0].stat().st_size):
            for side in sides:  # the empty WAL files a read-only look leaves: nobody else had any
                with contextlib.suppress(OSError):
                    side.unlink()


def _contents(conn: sqlite3.Connection, what: str) -> StoreContents:
    try:
        store_id = read_store_id(conn)
        has_data = False
        for table in _DATA_TABLES:
            with contextlib.suppress(*db_errors()):
                has_data = has_data or bool(
                    conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]
                )
        try:
            rows = conn.execute(f"SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY log_id").fetchall()
        except db_errors() as error:
            return StoreContents(
                [], store_id, has_data, f"het toegangslogboek van {what} is onleesbaar ({error})"
            )
        head = None
        with contextlib.suppress(*db_errors()):  # a store from before the chain has none
            head = audit_chain.head(conn)
        return StoreContents([tuple(row) for row in rows], store_id, has_data, head=head)
    except db_errors() as error:
        return StoreContents([], problem=f"{what} is onleesbaar ({error})")


def _unmarked(row: AuditRow) -> AuditRow:
    """A record as it was first written: without the mark older versions of the program added
    to the details of a carried record (carried records now keep their contents and hash)."""
    details = str(row[11] or "")
    for mark in (f"; {CARRIED}", CARRIED):
        if details.endswith(mark):
            details = details[: -len(mark)]
            break
    return (*row[:11], details)


def _same_record(a: AuditRow, b: AuditRow) -> bool:
    return _unmarked(a) == _unmarked(b)


def _log_continues(backup_log: Sequence[AuditRow], live_log: Sequence[AuditRow]) -> bool:
    """Whether the live log starts with every record of the backup's (same numbers, same
    contents): the proof that a backup made before stores had identities is this store's."""
    if not backup_log:
        return False
    live = {int(str(row[0])): row for row in live_log}
    return all(
        (found := live.get(int(str(row[0])))) is not None and _same_record(found, row)
        for row in backup_log
    )


@dataclass(frozen=True, slots=True)
class Carried:
    """What :func:`carry_log` added: the records kept under their own numbers (``kept``, first
    and last number) and those appended under new numbers (``appended``), oldest first."""

    kept: tuple[int, int] | None = None
    appended: tuple[int, int] | None = None
    count: int = 0

    def describe(self) -> str:
        """The ranges in Dutch, for the restore's record."""
        parts = []
        if self.kept:
            parts.append(
                f"logregels {self.kept[0]} t/m {self.kept[1]} ongewijzigd overgenomen "
                "(zelfde nummers, inhoud en hashes)"
            )
        if self.appended:
            parts.append(
                f"logregels {self.appended[0]} t/m {self.appended[1]} achteraan toegevoegd "
                "(inhoud ongewijzigd, nieuwe nummers)"
            )
        return "; ".join(parts) if parts else "geen logregels overgenomen"


def _span(conn: sqlite3.Connection, before: int) -> tuple[int, int] | None:
    row = conn.execute(
        "SELECT min(log_id), max(log_id) FROM audit_log WHERE log_id > ?", (before,)
    ).fetchone()
    return (int(row[0]), int(row[1])) if row and row[0] is not None else None


def carry_log(conn: sqlite3.Connection, live_rows: Sequence[AuditRow], same_store: bool) -> Carried:
    """Add to the restored store (``conn``, inside one transaction) every record of
    ``live_rows`` that it lacks, unchanged; returns what was added.

    From the store's own backup (``same_store``), the records the backup lacks are found by
    number and contents, whatever their time stamps say: those numbered after the backup's
    newest record keep their numbers and contents, so the chain computes the same hashes for
    them and a head noted between the backup and the restore is still found by
    ``check --anchor``. Any other that differs from the backup's record of that number (a log
    that went its own way) is appended. Into a backup of another store (restored over a store
    without client data) every record is appended with a new number. Records that an older
    version marked as carried are written as they were first written."""
    insert_all = f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES ({', '.join('?' * 12)})"
    columns = AUDIT_COLUMNS.removeprefix("log_id, ")
    append = f"INSERT INTO audit_log ({columns}) VALUES ({', '.join('?' * 11)})"
    last_id = int(conn.execute("SELECT coalesce(max(log_id), 0) FROM audit_log").fetchone()[0])
    if not same_store:
        conn.executemany(append, [_unmarked(row)[1:] for row in live_rows])
        return Carried(appended=_span(conn, last_id), count=len(live_rows))
    restored = {
        int(row[0]): tuple(row)
        for row in conn.execute(f"SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY log_id")
    }
    newer: list[AuditRow] = []
    diverged: list[AuditRow] = []
    for row in live_rows:
        number = int(str(row[0]))
        if number > last_id:
            newer.append(row)
        elif number not in restored or not _same_record(restored[number], row):
            diverged.append(row)
    conn.executemany(insert_all, newer)
    kept = _span(conn, last_id)
    after_kept = kept[1] if kept else last_id
    conn.executemany(append, [_unmarked(row)[1:] for row in diverged])
    return Carried(
        kept=kept,
        appended=_span(conn, after_kept) if diverged else None,
        count=len(newer) + len(diverged),
    )


def _check_writable(folder: Path, what: str) -> None:
    """Refuse (:class:`BackupRefused`) before anything changes when ``folder`` cannot take a
    new file: a restore writes its copy of the replaced store and its staging file there."""
    try:
        safety.make_private_dir(folder)
        descriptor, name = tempfile.mkstemp(prefix=".schrijftest-", dir=folder)
        os.close(descriptor)
        os.unlink(name)
    except OSError as error:
        raise BackupRefused(
            f"{what} {folder} kan niet worden beschreven "
            f"({os_problem(error, with_file=False)}); de opslag is niet gewijzigd"
        ) from None


def _keep_copy(store_path: Path, stamp: str, passphrase: str | None) -> Path | None:
    """Keep what a restore replaces: a verified backup of a healthy store, else the raw files.
    A healthy store that cannot be copied (a full disk) stops the restore: nothing changes."""
    if safety.is_empty_file(store_path):
        return None  # nothing to keep: a missing or empty (0 bytes) file
    folder = backup_dir(store_path)
    target = folder / f"{store_path.stem}.voor-terugzetten-{stamp}.sqlite3"
    try:
        store = Store.open(store_path, passphrase=passphrase)
    except (StoreLocked, StoreFull, StoreNoAccess) as error:  # in use or unwritable: not damaged
        raise BackupRefused(f"{error}; de opslag is niet gewijzigd") from None
    except StoreError:
        store = None
    if store is not None:
        try:
            kept = copy_database(store.sqlite, target, passphrase, new_name=True)
        except BackupError as error:
            raise BackupRefused(
                f"de huidige opslag kan niet eerst worden bewaard "
                f"({error}); de opslag is niet gewijzigd"
            ) from None
        finally:
            store.close()  # sealed again: a refused restore leaves it as it was
        if not safety.seal_path(store_path).exists():  # only the last program to close seals
            raise BackupRefused(
                f"{store_path} is nog geopend door een ander programma (de desktoptoepassing?); "
                f"sluit het en probeer het opnieuw. De opslag is niet gewijzigd (een kopie staat "
                f"in {kept})"
            )
        return kept
    damaged = folder / f"{store_path.stem}.beschadigd-{stamp}.sqlite3"
    try:
        os.replace(store_path, damaged)
        for suffix in ("-wal", "-shm"):
            side = Path(f"{store_path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{damaged}{suffix}"))
    except OSError as error:
        raise _failed(damaged, error, "de beschadigde opslag opzij zetten") from None
    safety.tighten([damaged, Path(f"{damaged}-wal"), Path(f"{damaged}-shm")])
    return damaged


def _stage(
    source: Path,
    staging: Path,
    keys: tuple[str | None, str | None],
    finish: Callable[[sqlite3.Connection], None],
) -> None:
    """Write ``source`` to ``staging`` (converted between the two keys when they differ),
    migrate and check it as a store, and run ``finish`` in one transaction on it."""
    source_key, target_key = keys
    for leftover in (staging, safety.seal_path(staging)):
        leftover.unlink(missing_ok=True)
    if source_key == target_key:
        source_conn = connect_file(source, source_key, readonly=True)
        try:
            copy_database(source_conn, staging, target_key)
        finally:
            source_conn.close()
    else:
        convert_database(source, staging, source_key, target_key)
    restored = Store.open(staging, passphrase=target_key, backup_dir=staging.parent)
    try:
        with restored.atomic():
            finish(restored.sqlite)
    finally:
        restored.close()
    safety.unseal(staging)


def _remove_staging(staging: Path) -> None:
    for leftover in (
        staging,
        safety.seal_path(staging),
        *(Path(f"{staging}{suffix}") for suffix in ("-wal", "-shm", "-journal")),
    ):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _other_store(source: Path, store_path: Path, backup: StoreContents, live: StoreContents) -> str:
    if backup.store_id and live.store_id:
        which = (
            f"de reservekopie hoort bij opslag {backup.store_id}, {store_path} is opslag "
            f"{live.store_id}"
        )
    else:
        which = (
            f"de reservekopie heeft nog geen opslag-id en haar toegangslogboek is geen begin van "
            f"dat van {store_path}" + (f" (opslag {live.store_id})" if live.store_id else "")
        )
    return (
        f"{source} is een reservekopie van een andere opslag dan "
        f"{store_path} ({which}). Terugzetten zou de gegevens van deze opslag vervangen door die "
        "van een andere; de opslag is niet gewijzigd. Zet de reservekopie terug in een nieuwe "
        "opslag (een ander --db PAD) om hem in te zien"
    )


def restore_backup(
    store_path: Path,
    source: Path,
    *,
    now: datetime | None = None,
    passphrase: str | None = None,
    actor: Actor | None = None,
) -> RestoreResult:
    """Replace the store with ``source`` after checking it; keeps a copy of what it replaces.
    Close the application first: other programs must not have the store open.

    A backup of another store (another identity) is refused (:class:`BackupRefused`) unless the
    store holds no client or staff data; so is a restore that cannot write its copies (nothing
    changes then). Before the swap the access-log records of the replaced store that the backup
    lacks are added to the restored copy (:func:`carry_log`), followed by a 'change' record of
    the restore by ``actor`` (default: the operating-system account). An encrypted backup or
    store needs ``passphrase``; a store that was encrypted stays encrypted."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} bestaat niet")
    if source.is_dir():
        raise BackupError(f"{source} is een map; kies een reservekopie (een bestand)")
    if source.resolve() == store_path.resolve():
        raise BackupError(f"{source} is de opslag zelf; kies een reservekopie")
    problems = verify_backup(source, passphrase=passphrase)
    if problems:
        raise BackupError(
            f"{source} wordt niet teruggezet: {problems[0]}"
            + (f" (en nog {len(problems) - 1} problemen)" if len(problems) > 1 else "")
            + "; de opslag is niet gewijzigd"
        )
    store_encrypted = safety.looks_encrypted(store_path)
    if store_encrypted and passphrase is None:
        raise BackupError(
            f"{store_path} is versleuteld: de wachtwoordzin is nodig om terug te zetten; "
            "de opslag is niet gewijzigd"
        )
    source_key = passphrase if safety.looks_encrypted(source) else None
    target_key = passphrase if store_encrypted or source_key is not None else None
    live = _read_contents(store_path, passphrase, "de vervangen opslag")
    backup = _read_contents(source, source_key, "de reservekopie")
    if backup.store_id and live.store_id:
        same_store = backup.store_id == live.store_id
    else:
        same_store = _log_continues(backup.log, live.log)
    if not same_store and live.has_data and live.problem is None:
        raise BackupRefused(_other_store(source, store_path, backup, live))
    _check_writable(backup_dir(store_path), "de map voor reservekopieën")
    _check_writable(store_path.parent, "de map van de opslag")
    stamp = (now or datetime.now(UTC)).strftime(STAMP_FORMAT)
    kept = _keep_copy(store_path, stamp, passphrase if store_encrypted else None)
    if same_store and live.store_id is None and kept is not None:
        # A store made before identities got one when it was opened to be kept just now.
        with contextlib.suppress(*db_errors(OSError, StoreError)):
            conn = connect_file(kept, target_key if store_encrypted else None, readonly=True)
            try:
                live = StoreContents(
                    live.log, read_store_id(conn), live.has_data, live.problem, live.head
                )
            finally:
                conn.close()
    safety.unseal(store_path)
    carried: list[int] = []
    ranges: list[str] = []

    def finish(conn: sqlite3.Connection) -> None:
        if same_store and live.store_id:
            conn.execute("UPDATE store_identity SET store_id = ?", (live.store_id,))
        restored_head = audit_chain.head(conn)
        result = carry_log(conn, live.log, same_store)
        carried.append(result.count)
        ranges.append(result.describe())
        details = (
            f"reservekopie teruggezet van {source}; {result.count} logregels van na de "
            f"reservekopie overgenomen: {result.describe()}"
            f"; ketenkop van de reservekopie: {restored_head or 'leeg'}"
        )
        if live.head:
            found = audit_chain.find_anchor(conn, live.head)
            details += f"; ketenkop van de vervangen opslag: {live.head}" + (
                f" (behouden bij logregel {found})"
                if found is not None
                else " (niet in deze keten: de vervangen opslag ging een eigen weg; haar keten "
                "staat in de bewaarde kopie)"
            )
        if not same_store and live.log:
            details += "; de reservekopie is van een andere opslag (de vervangen had geen gegevens)"
        if live.problem:
            details += f"; logregels van na de reservekopie niet overgenomen: {live.problem}"
        if kept is not None:
            details += f"; vervangen opslag bewaard als {kept}"
        entry = AuditEntry(event="change", purpose="reservekopie terugzetten", details=details)
        log(conn, actor or system_actor(), entry)

    staging = store_path.with_name(store_path.name + ".restore")
    try:
        _stage(source, staging, (source_key, target_key), finish)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{store_path}{suffix}").unlink()
        os.replace(staging, store_path)
    except BackupError:
        _remove_staging(staging)
        raise
    except db_errors(OSError, StoreError) as error:
        _remove_staging(staging)
        raise _failed(store_path, error, f"terugzetten van {source}") from None
    try:
        Store.open(store_path, passphrase=target_key).close()  # check and seal
    except StoreError as error:
        raise BackupError(f"de teruggezette opslag kan niet worden geopend: {error}") from None
    return RestoreResult(
        restored_from=source,
        kept_copy=kept,
        carried_records=carried[0] if carried else 0,
        log_problem=live.problem,
        carried_ranges=ranges[0] if ranges else "",
    )
