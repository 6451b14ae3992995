"""Backups of the store: written with SQLite's online backup API, verified after writing,
thinned to a schedule, and restored only after the candidate has been checked.

Automatic backups live in ``backups/`` next to the store, named ``<stem>-YYYYmmdd-HHMMSS.sqlite3``
(UTC). Only files with that name are ever thinned; copies kept before a migration or a restore
have other names and stay until someone removes them.

A backup of an encrypted store is encrypted with the same key and verified with it. Backups made
by a person, the first automatic backup of a session and every restore are written to the access
log; a restore carries over the log records made after the backup, so none is lost.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mdbtriage.core.model import Actor
from mdbtriage.store import safety
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.database import (
    SQLITE_HEADER,
    Store,
    StoreError,
    WrongPassphrase,
    connect_file,
    db_errors,
    migrations,
    quote_key,
    schema_version_supported,
    sqlcipher,
)

BACKUP_DIRNAME = "backups"
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
    """The newest automatic backup that passes :func:`verify_backup`, or None."""
    for backup in list_backups(store_path):
        if not verify_backup(backup.path, passphrase=passphrase):
            return backup.path
    return None


# ---------------------------------------------------------------- writing


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
    if os.name == "posix":
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def copy_database(source: sqlite3.Connection, target: Path, passphrase: str | None = None) -> None:
    """Write a self-contained copy (rollback journal, not WAL) of ``source`` to ``target``
    through a temporary file, verified, synced and renamed into place. An encrypted source
    needs its ``passphrase``: the copy is encrypted with the same key."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    dest = connect_file(partial, passphrase, isolation_level=None)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    _seal_copy(partial, target, passphrase)


def convert_database(
    source: Path, target: Path, source_key: str | None, target_key: str | None
) -> None:
    """Write ``source`` to ``target`` encrypted with ``target_key`` (None: plain) through
    SQLCipher's export, verified with that key, synced and renamed into place."""
    dbapi2 = sqlcipher()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    conn = dbapi2.connect(str(source), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        if source_key is not None:
            conn.execute(f"PRAGMA key = {quote_key(source_key)}")
        conn.execute("ATTACH DATABASE ? AS export KEY ?", (str(partial), target_key or ""))
        conn.execute("SELECT sqlcipher_export('export')")
        conn.execute("DETACH DATABASE export")
    except dbapi2.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{source.name} kan niet worden omgezet: {error}") from None
    finally:
        conn.close()
    _seal_copy(partial, target, target_key)


def _seal_copy(partial: Path, target: Path, passphrase: str | None) -> None:
    problems = verify_backup(partial, passphrase=passphrase)
    if problems:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"de reservekopie {target.name} is na het schrijven afgekeurd: {problems[0]}"
        )
    _fsync(partial)
    os.replace(partial, target)


def _unique_name(store_path: Path, when: datetime) -> Path:
    folder = backup_dir(store_path)
    base = f"{store_path.stem}-{when.astimezone(UTC).strftime(STAMP_FORMAT)}"
    candidate = folder / f"{base}.sqlite3"
    counter = 1
    while candidate.exists():
        candidate = folder / f"{base}-{counter}.sqlite3"
        counter += 1
    return candidate


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
    target = out if out is not None else _unique_name(store.path, when)
    try:
        copy_database(store.conn, target, store._passphrase)
    except db_errors() as error:
        raise BackupError(f"reservekopie naar {target} is mislukt: {error}") from None
    except OSError as error:
        raise BackupError(
            f"reservekopie naar {target} is mislukt: {error.strerror or error}"
        ) from None
    if actor is not None:
        log_backup(store, actor, f"reservekopie naar {target}")
    if out is None and retention is not None:
        thin_backups(store.path, retention)
    return target


def log_backup(store: Store, actor: Actor, details: str) -> None:
    """The access-log record of a backup: the copy holds every client's data."""
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


def thin_backups(store_path: Path, retention: Retention = Retention()) -> list[Path]:
    """Delete the automatic backups the schedule no longer needs; returns what was removed.
    The schedule counts days, weeks and months that have a backup, not calendar time, so a
    workstation that was off for a month still keeps its older copies."""
    backups = list_backups(store_path)
    kept = select_kept([b.taken_at for b in backups], retention)
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
    row = store.conn.execute("PRAGMA data_version").fetchone()
    return int(row[0]), int(store.conn.total_changes)


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
                )
                self.logged = True
                marker = data_version(self.store)  # the record itself is no change to back up
        except db_errors(BackupError) as error:
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


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    kept_copy: Path | None
    carried_records: int = 0
    log_problem: str | None = None


def _read_log(store_path: Path, passphrase: str | None) -> tuple[list[AuditRow], str | None]:
    """The access log of the store about to be replaced, read-only, oldest first, and why it
    could not be read (a damaged store may not give it up)."""
    if not store_path.exists() or store_path.stat().st_size == 0:
        return [], None
    encrypted = safety.looks_encrypted(store_path)
    if encrypted and passphrase is None:
        return [], "de opslag is versleuteld en er is geen wachtwoordzin gegeven"
    try:
        conn = connect_file(store_path, passphrase if encrypted else None, readonly=True)
    except WrongPassphrase as error:
        if safety.seal_problems(store_path) == []:  # intact: the passphrase itself is wrong
            raise BackupError(
                f"de wachtwoordzin klopt niet voor {store_path}; de opslag is niet gewijzigd"
            ) from None
        return [], str(error)
    except db_errors(StoreError) as error:
        return [], str(error)
    try:
        rows = conn.execute(f"SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY log_id").fetchall()
        return [tuple(row) for row in rows], None
    except db_errors() as error:
        return [], f"het toegangslogboek van de vervangen opslag is onleesbaar ({error})"
    finally:
        conn.close()


def _mark(details: object) -> str:
    text = str(details or "")
    if text.endswith(CARRIED):
        return text
    return f"{text}; {CARRIED}" if text else CARRIED


def carry_log(conn: sqlite3.Connection, live_rows: Sequence[AuditRow]) -> int:
    """Append to the restored store the records of ``live_rows`` made after its newest record.

    When that newest record is also in the replaced store (the backup came from this store),
    everything after it is carried with its own number; otherwise everything later in time is
    appended with new numbers. Call inside one transaction; returns how many were carried."""
    newest = conn.execute(
        f"SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY log_id DESC LIMIT 1"
    ).fetchone()
    if newest is None or tuple(newest) in set(live_rows):
        last_id = int(newest[0]) if newest is not None else 0
        newer = [row for row in live_rows if int(str(row[0])) > last_id]
        conn.executemany(
            f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES ({', '.join('?' * 12)})",
            [(*row[:11], _mark(row[11])) for row in newer],
        )
    else:
        newer = [row for row in live_rows if str(row[1]) > str(newest[1])]
        columns = AUDIT_COLUMNS.removeprefix("log_id, ")
        conn.executemany(
            f"INSERT INTO audit_log ({columns}) VALUES ({', '.join('?' * 11)})",
            [(*row[1:11], _mark(row[11])) for row in newer],
        )
    return len(newer)


def _keep_copy(store_path: Path, stamp: str, passphrase: str | None) -> Path | None:
    """Keep what a restore replaces: a verified backup of a healthy store, else the raw files."""
    if not store_path.exists():
        return None
    folder = backup_dir(store_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{store_path.stem}.voor-terugzetten-{stamp}.sqlite3"
    try:
        store = Store.open(store_path, passphrase=passphrase)
    except StoreError:
        store = None
    if store is not None:
        try:
            copy_database(store.conn, target, passphrase)
            return target
        except db_errors(BackupError):
            pass
        finally:
            store.conn.close()
    damaged = folder / f"{store_path.stem}.beschadigd-{stamp}.sqlite3"
    os.replace(store_path, damaged)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{store_path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{damaged}{suffix}"))
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
        with restored.atomic() as conn:
            finish(conn)
    finally:
        restored.close()
    safety.unseal(staging)


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

    Before the swap the access-log records of the replaced store that are newer than the
    backup are appended to the restored copy, followed by a 'change' record of the restore by
    ``actor`` (default: the operating-system account). An encrypted backup or store needs
    ``passphrase``; a store that was encrypted stays encrypted."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} bestaat niet")
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
    stamp = (now or datetime.now(UTC)).strftime(STAMP_FORMAT)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    live_rows, log_problem = _read_log(store_path, passphrase)
    kept = _keep_copy(store_path, stamp, passphrase if store_encrypted else None)
    safety.unseal(store_path)
    carried: list[int] = []

    def finish(conn: sqlite3.Connection) -> None:
        carried.append(carry_log(conn, live_rows))
        details = (
            f"reservekopie teruggezet van {source}; {carried[0]} logregels van na de "
            "reservekopie overgenomen"
        )
        if log_problem:
            details += f"; logregels van na de reservekopie niet overgenomen: {log_problem}"
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
    except db_errors(OSError, StoreError) as error:
        raise BackupError(f"terugzetten van {source} is mislukt: {error}") from None
    Store.open(store_path, passphrase=target_key).close()  # check and seal
    return RestoreResult(
        restored_from=source,
        kept_copy=kept,
        carried_records=carried[0] if carried else 0,
        log_problem=log_problem,
    )
