"""Backups of the store: written with SQLite's online backup API, verified after writing,
thinned to a schedule, and restored only after the candidate has been checked.

Automatic backups live in ``backups/`` next to the store, named ``<stem>-YYYYmmdd-HHMMSS.sqlite3``
(UTC). Only files with that name are ever thinned; copies kept before a migration or a restore
have other names and stay until someone removes them.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mdbtriage.store import safety
from mdbtriage.store.database import (
    SQLITE_HEADER,
    Store,
    StoreError,
    migrations,
    schema_version_supported,
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


def verify_backup(path: Path, *, full: bool = True) -> list[str]:
    """Open a backup read-only and check it: SQLite header, integrity (or quick) check, and a
    schema that matches the migrations it claims. Empty when it is a good backup."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return [f"{path.name} is geen SQLite-bestand"]
    except OSError as error:
        return [f"{path.name} kan niet worden gelezen ({error.strerror})"]
    problems = [f"{path.name}: {p}" for p in safety.header_problems(path)]
    if problems:
        return problems
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return [f"{path.name} kan niet worden geopend ({error})"]
    try:
        pragma = "integrity_check" if full else "quick_check"
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
        problems = [f"{path.name}: {r[0]}" for r in rows if r[0] != "ok"]
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
    except sqlite3.DatabaseError as error:
        return [f"{path.name} is beschadigd ({error})"]
    finally:
        conn.close()


def newest_good_backup(store_path: Path) -> Path | None:
    """The newest automatic backup that passes :func:`verify_backup`, or None."""
    for backup in list_backups(store_path):
        if not verify_backup(backup.path):
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


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Write a self-contained copy (rollback journal, not WAL) of ``source`` to ``target``
    through a temporary file, verified, synced and renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    dest = sqlite3.connect(str(partial), isolation_level=None)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    problems = verify_backup(partial)
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
) -> Path:
    """Back the store up (to ``out``, else to ``backups/``) and verify the copy. Automatic
    backups are then thinned to ``retention`` (None: keep all)."""
    when = now or datetime.now(UTC)
    target = out if out is not None else _unique_name(store.path, when)
    try:
        copy_database(store.conn, target)
    except sqlite3.Error as error:
        raise BackupError(f"reservekopie naar {target} is mislukt: {error}") from None
    except OSError as error:
        raise BackupError(
            f"reservekopie naar {target} is mislukt: {error.strerror or error}"
        ) from None
    if out is None and retention is not None:
        thin_backups(store.path, retention)
    return target


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
    and :meth:`on_exit` when it closes."""

    store: Store
    interval: timedelta = AUTO_INTERVAL
    retention: Retention = field(default_factory=Retention)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    last_marker: tuple[int, int] = (0, 0)
    last_backup_at: datetime | None = None
    last_path: Path | None = None
    last_error: str | None = None
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
        except BackupError as error:
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


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    kept_copy: Path | None


def _replace_file(source: Path, store_path: Path) -> None:
    """Put a verified copy of ``source`` where the (damaged or missing) store was."""
    source_conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    staging = store_path.with_name(store_path.name + ".restore")
    try:
        copy_database(source_conn, staging)
    finally:
        source_conn.close()
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{store_path}{suffix}").unlink()
    os.replace(staging, store_path)


def _keep_copy(store_path: Path, stamp: str) -> Path | None:
    """Keep what a restore replaces: a verified backup of a healthy store, else the raw files."""
    if not store_path.exists():
        return None
    folder = backup_dir(store_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{store_path.stem}.voor-terugzetten-{stamp}.sqlite3"
    try:
        store = Store.open(store_path)
    except StoreError:
        store = None
    if store is not None:
        try:
            copy_database(store.conn, target)
            return target
        except (BackupError, sqlite3.Error):
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


def restore_backup(store_path: Path, source: Path, *, now: datetime | None = None) -> RestoreResult:
    """Replace the store with ``source`` after checking it; keeps a copy of what it replaces.
    Close the application first: other programs must not have the store open."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} bestaat niet")
    if source.resolve() == store_path.resolve():
        raise BackupError(f"{source} is de opslag zelf; kies een reservekopie")
    problems = verify_backup(source)
    if problems:
        raise BackupError(
            f"{source} wordt niet teruggezet: {problems[0]}"
            + (f" (en nog {len(problems) - 1} problemen)" if len(problems) > 1 else "")
            + "; de opslag is niet gewijzigd"
        )
    stamp = (now or datetime.now(UTC)).strftime(STAMP_FORMAT)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    kept = _keep_copy(store_path, stamp)
    safety.unseal(store_path)
    try:
        _replace_file(source, store_path)
    except (sqlite3.Error, OSError, BackupError) as error:
        raise BackupError(f"terugzetten van {source} is mislukt: {error}") from None
    Store.open(store_path).close()  # migrate to this version, check and seal
    return RestoreResult(restored_from=source, kept_copy=kept)
