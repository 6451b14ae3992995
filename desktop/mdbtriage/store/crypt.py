"""Encryption at rest: turning a plain store and its backups into SQLCipher-encrypted files with
one passphrase, and back.

For workstations without disk encryption. Every converted file is written next to the
original, verified with the key and compared table by table with its source before it replaces
the original. A plain original is then overwritten with zeros and removed ("as far as
possible": on SSDs and copy-on-write file systems old blocks may survive; disk encryption is
the real remedy). The passphrase is never stored; losing it means losing the data.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mdbtriage.store import safety
from mdbtriage.store.backup import (
    STAMP_FORMAT,
    BackupError,
    backup_dir,
    convert_database,
)
from mdbtriage.store.database import (
    Store,
    StoreError,
    StoreLocked,
    check_passphrase,
    connect_file,
    db_errors,
    sqlcipher,
)

ENV_PASSPHRASE = "MDB_TRIAGE_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 10
PLAIN_COPY_MARK = ".onversleuteld-"


@dataclass
class ConvertResult:
    store: Path
    created: bool = False
    wiped: bool = False
    kept_plain: Path | None = None
    copies: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def new_passphrase_problem(passphrase: str) -> str | None:
    """Why ``passphrase`` is not good enough for a new encryption key (Dutch), or None."""
    problem = check_passphrase(passphrase)
    if problem:
        return problem
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return (
            f"de wachtwoordzin is te kort ({len(passphrase)} tekens); gebruik er minstens "
            f"{MIN_PASSPHRASE_LENGTH}, bijvoorbeeld een zin van een paar woorden"
        )
    return None


def wipe(path: Path) -> bool:
    """Overwrite ``path`` with zeros, sync and remove it; True when it was overwritten."""
    try:
        size = path.stat().st_size
        block = bytes(1 << 20)
        with path.open("r+b") as handle:
            left = size
            while left > 0:
                handle.write(block[: min(left, len(block))])
                left -= len(block)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()
        return False
    path.unlink()
    return True


def _swap(converted: Path, original: Path, *, wipe_old: bool) -> bool:
    """Put ``converted`` in place of ``original`` in one rename; with ``wipe_old`` the old
    contents are overwritten afterwards through a second name (a hard link), so the original
    path is never missing. Returns whether the old contents were overwritten."""
    hold = original.with_name(original.name + ".wissen")
    linked = False
    if wipe_old:
        with contextlib.suppress(FileNotFoundError):
            hold.unlink()
        try:
            os.link(original, hold)
            linked = True
        except OSError:
            linked = False
    os.replace(converted, original)
    return wipe(hold) if linked else False


def _table_counts(path: Path, passphrase: str | None) -> dict[str, int]:
    conn = connect_file(path, passphrase, readonly=True)
    try:
        names = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: int(conn.execute(f"SELECT count(*) FROM [{n}]").fetchone()[0]) for n in names}
    finally:
        conn.close()


def _convert_file(source: Path, key_from: str | None, key_to: str | None) -> Path:
    """A verified converted copy of ``source`` next to it, with the same rows in every table."""
    converted = source.with_name(source.name + ".omgezet")
    convert_database(source, converted, key_from, key_to)
    try:
        same = _table_counts(source, key_from) == _table_counts(converted, key_to)
    except db_errors(StoreError) as error:
        converted.unlink(missing_ok=True)
        raise BackupError(f"{source.name} kan niet worden vergeleken: {error}") from None
    if not same:
        converted.unlink(missing_ok=True)
        raise BackupError(f"de omgezette kopie van {source.name} wijkt af van het origineel")
    return converted


def _copies(store_path: Path) -> Iterator[Path]:
    """The backup copies of the store: in backups/ and the pre-migration copies beside it."""
    seen: set[Path] = set()
    for folder in (backup_dir(store_path), store_path.parent):
        if not folder.is_dir():
            continue
        for pattern in (f"{store_path.stem}-*.sqlite3", f"{store_path.stem}.*.sqlite3"):
            for path in sorted(folder.glob(pattern)):
                if path != store_path and PLAIN_COPY_MARK not in path.name and path not in seen:
                    seen.add(path)
                    yield path


def _close_checked(store_path: Path, passphrase: str | None) -> None:
    """Open (check, migrate) and close the store; refuse when another program has it open."""
    Store.open(store_path, passphrase=passphrase).close()
    if not safety.seal_path(store_path).exists():
        raise StoreLocked(
            f"{store_path} is nog geopend door een ander programma; sluit de "
            "desktoptoepassing en probeer het opnieuw"
        )


def _convert_copies(
    store_path: Path, key_from: str | None, key_to: str | None, result: ConvertResult
) -> None:
    for copy in _copies(store_path):
        encrypted = safety.looks_encrypted(copy)
        if encrypted == (key_to is not None):
            continue  # already in the wanted form
        try:
            converted = _convert_file(copy, key_from, key_to)
        except (BackupError, StoreError) as error:
            result.skipped.append(f"{copy.name}: {error}")
            continue
        _swap(converted, copy, wipe_old=key_to is not None)
        result.copies.append(copy)


def encrypt_store(
    store_path: Path, passphrase: str, *, keep_plain: bool = False, now: datetime | None = None
) -> ConvertResult:
    """Encrypt the store and its backup copies with ``passphrase``; a missing store is created
    encrypted. The plain originals are overwritten and removed unless ``keep_plain`` keeps one
    plain copy of the store in backups/. Run again on an encrypted store, it encrypts the
    copies that are still plain."""
    problem = new_passphrase_problem(passphrase)
    if problem:
        raise StoreError(f"versleutelen geweigerd: {problem}")
    sqlcipher()
    result = ConvertResult(store=store_path)
    if not store_path.exists() or store_path.stat().st_size == 0:
        Store.open(store_path, passphrase=passphrase).close()
        result.created = True
        _convert_copies(store_path, None, passphrase, result)
        return result
    encrypted = safety.looks_encrypted(store_path)
    _close_checked(store_path, passphrase if encrypted else None)
    if not encrypted:
        converted = _convert_file(store_path, None, passphrase)
        if keep_plain:
            stamp = (now or datetime.now(UTC)).strftime(STAMP_FORMAT)
            folder = backup_dir(store_path)
            folder.mkdir(parents=True, exist_ok=True)
            result.kept_plain = folder / f"{store_path.stem}{PLAIN_COPY_MARK}{stamp}.sqlite3"
            shutil.copy2(store_path, result.kept_plain)
        safety.unseal(store_path)
        result.wiped = _swap(converted, store_path, wipe_old=True)
        _remove_sidecars(store_path)
        Store.open(store_path, passphrase=passphrase).close()  # check with the key and seal
    _convert_copies(store_path, None, passphrase, result)
    return result


def decrypt_store(store_path: Path, passphrase: str) -> ConvertResult:
    """Turn an encrypted store and its encrypted backup copies back into plain SQLite."""
    sqlcipher()
    result = ConvertResult(store=store_path)
    if not safety.looks_encrypted(store_path):
        raise StoreError(f"{store_path} is niet versleuteld")
    _close_checked(store_path, passphrase)
    converted = _convert_file(store_path, passphrase, None)
    safety.unseal(store_path)
    _swap(converted, store_path, wipe_old=False)
    _remove_sidecars(store_path)
    Store.open(store_path).close()
    _convert_copies(store_path, passphrase, None, result)
    return result


def _remove_sidecars(store_path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{store_path}{suffix}").unlink()
