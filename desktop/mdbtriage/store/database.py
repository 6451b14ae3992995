"""The workstation store: one SQLite file (plain ``sqlite3``), migrated on open, with explicit
transactions. The office store (PostgreSQL) is :mod:`mdbtriage.store.office_store`, a subclass
with the same repositories.

WAL, ``foreign_keys=ON``, ``synchronous=FULL`` and a busy timeout are set on every connection.
Migrations are the numbered SQL files in ``db/``; each runs in its own transaction and is recorded
in ``schema_migrations``. Before an existing store is migrated, a backup copy is written next to
it. A store written by a newer version of the program is refused.

Optionally the store is encrypted at rest with SQLCipher (the ``crypt`` extra, ``sqlcipher3``):
opened with a passphrase, every connection sets ``PRAGMA key`` before anything else, and the
backups of an encrypted store are encrypted with the same key. Plain SQLite is the default.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import os
import re
import sqlite3
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from glob import escape as glob_escape
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, TypeVar, cast

from mdbtriage.core.ordering import natural_key
from mdbtriage.store import audit_chain, safety
from mdbtriage.store.connection import Connection, is_office
from mdbtriage.store.locations import STORE_FILENAME, default_store_path

SQLITE_HEADER = b"SQLite format 3\x00"
# How long a connection waits for another program's write transaction (SQLite's busy handler
# retries meanwhile) before the store counts as "in gebruik".
BUSY_TIMEOUT_MS = 5000
BUSY_RETRY_S = 0.05
BLANK_FILE_MAX = 1 << 16  # a database without tables has a page or two
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_FULL, SQLITE_CANTOPEN = 5, 6, 8, 13, 14
T = TypeVar("T")
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class StoreError(Exception):
    """The store cannot be used; the message is Dutch and says what to do."""


class StoreLocked(StoreError):
    """Another program holds the store (longer than the automatic retry waits)."""


class StoreFull(StoreError):
    """The disk is full: nothing was written."""


class StoreNoAccess(StoreError):
    """The store, its folder or its backups folder cannot be written (permissions, read-only)."""


class StorePathInvalid(StoreError):
    """The store's path names a folder, or lies under a file: a mistake in ``--db``."""


class StoreCorrupt(StoreError):
    """The store file is damaged; ``problems`` lists what the checks found."""

    def __init__(
        self, message: str, problems: list[str] | None = None, path: Path | None = None
    ) -> None:
        super().__init__(message)
        self.problems = problems or [message]
        self.path = path


class StoreMissing(StoreCorrupt):
    """The store file is missing or empty where a store existed before (its seal, its backups,
    copies kept before a migration): it is not replaced by a new empty store. ``signs`` says
    what showed the earlier store."""

    def __init__(self, message: str, signs: list[str], path: Path | None = None) -> None:
        super().__init__(message, signs, path)
        self.signs = signs


class StoreTooNew(StoreError):
    """The store was written by a newer version of MDB Triage; it is left untouched."""


class StoreOnNetworkShare(StoreError):
    """The store lies on a network file system, where SQLite's WAL is not safe."""


class StoreEncrypted(StoreError):
    """The store is encrypted (or its first bytes are damaged) and no passphrase was given."""


class WrongPassphrase(StoreError):
    """The passphrase does not open the encrypted store."""


class StoreNotEncrypted(StoreError):
    """A passphrase was given for a store that is not encrypted."""


class EncryptionUnavailable(StoreError):
    """The store is encrypted but SQLCipher (``sqlcipher3``) is not installed."""


_DB_ERRORS: list[type[Exception]] = [sqlite3.Error]


def db_errors(*extra: type[Exception]) -> tuple[type[Exception], ...]:
    """The database error classes in use (with ``extra``): ``sqlite3``'s, SQLCipher's once it is
    loaded (its exceptions do not derive from ``sqlite3.Error``), and psycopg's once the office
    store is used."""
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and psycopg.Error not in _DB_ERRORS:
        _DB_ERRORS.append(psycopg.Error)
    return (*extra, *_DB_ERRORS)


def _error_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return int(code) & 0xFF if isinstance(code, int) else None


def is_busy(error: BaseException) -> bool:
    """Whether a database error means another connection holds the lock."""
    if isinstance(error, OSError):
        return False
    if _error_code(error) in (SQLITE_BUSY, SQLITE_LOCKED):
        return True
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text or "table is locked" in text


def is_full(error: BaseException) -> bool:
    """Whether an error means the disk (or the file system's quota) is full."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    return _error_code(error) == SQLITE_FULL or "disk is full" in str(error).lower()


def is_no_access(error: BaseException) -> bool:
    """Whether an error means missing permissions or a read-only file system."""
    if isinstance(error, OSError):
        return error.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    text = str(error).lower()
    return _error_code(error) in (SQLITE_READONLY, SQLITE_CANTOPEN) or (
        "readonly" in text or "unable to open database file" in text
    )


def os_problem(error: BaseException, *, with_file: bool = True) -> str:
    """A file-system or database error in Dutch, for a message to a person (naming the file
    unless ``with_file`` is false)."""
    if is_full(error):
        return "de schijf is vol"
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename and with_file else ""
        if error.errno in (errno.EACCES, errno.EPERM):
            return f"geen schrijfrechten{where}"
        if error.errno == errno.EROFS:
            return f"het bestandssysteem is alleen-lezen{where}"
        if error.errno == errno.ENOENT:
            return f"het bestand of de map bestaat niet{where}"
        if error.errno in (errno.EISDIR, errno.ENOTDIR):
            return f"een map en een bestand zijn verwisseld{where}"
        return f"bestandsfout {error.errno}{where}: {error.strerror or error}"
    if is_busy(error):
        return "in gebruik door een ander programma"
    if is_no_access(error):
        return "geen schrijfrechten of alleen-lezen"
    return f"SQLite meldt '{error}'"


def refusal_for(path: Path, error: BaseException, doing: str) -> StoreError | None:
    """The :class:`StoreError` for a full disk, missing permissions or a lock met while
    ``doing`` (Dutch, e.g. "opslaan"), or None for any other error."""
    if is_full(error):
        return StoreFull(
            f"{doing} is mislukt: de schijf is vol ({path.parent}); er is niets gewijzigd. "
            "Maak ruimte vrij en probeer het opnieuw"
        )
    if is_no_access(error):
        return StoreNoAccess(f"{doing} is geweigerd: {os_problem(error)} in {path.parent}")
    if is_busy(error):
        return locked(path)
    return None


def locked(path: Path) -> StoreLocked:
    """The refusal for a store another program holds longer than the automatic retry."""
    seconds = BUSY_TIMEOUT_MS / 1000
    return StoreLocked(
        f"{path} is in gebruik door een ander programma (ook na {seconds:g} seconden wachten); "
        "er is niets gewijzigd. Probeer het zo opnieuw of sluit het andere programma"
    )


def retry_busy(action: Callable[[], T], timeout_ms: int | None = None) -> T:
    """Run ``action`` again while it meets a lock that SQLite's busy handler does not wait for
    (changing the journal mode, creating the schema at the same moment), for up to
    ``timeout_ms`` (default ``BUSY_TIMEOUT_MS``)."""
    wait = BUSY_TIMEOUT_MS if timeout_ms is None else timeout_ms
    deadline = time.monotonic() + wait / 1000
    while True:
        try:
            return action()
        except db_errors() as error:
            if not is_busy(error) or time.monotonic() >= deadline:
                raise
        time.sleep(BUSY_RETRY_S)


def sqlcipher() -> ModuleType:
    """SQLCipher's DB-API module; :class:`EncryptionUnavailable` when it is not installed."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise EncryptionUnavailable(
            "versleuteling vraagt de module sqlcipher3, die niet is geïnstalleerd; installeer "
            "MDB Triage met versleuteling: pip install 'mdb-triage[crypt]'"
        ) from None
    if dbapi2.Error not in _DB_ERRORS:
        _DB_ERRORS.append(dbapi2.Error)
    return cast(ModuleType, dbapi2)


def quote_key(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def check_passphrase(passphrase: str) -> str | None:
    """Why ``passphrase`` cannot be used (Dutch), or None."""
    if not passphrase:
        return "de wachtwoordzin is leeg"
    if "\x00" in passphrase:
        return "de wachtwoordzin bevat een ongeldig teken"
    return None


def connect_file(
    path: Path, passphrase: str | None = None, *, readonly: bool = False, **options: Any
) -> sqlite3.Connection:
    """A bare connection to a database file: plain ``sqlite3``, or SQLCipher keyed with
    ``passphrase`` (a wrong key raises :class:`WrongPassphrase` here, not on first use)."""
    target = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
    if passphrase is None:
        plain: sqlite3.Connection = sqlite3.connect(target, uri=readonly, **options)
        return plain
    problem = check_passphrase(passphrase)
    if problem:
        raise WrongPassphrase(f"{path}: {problem}")
    dbapi2 = sqlcipher()
    conn = dbapi2.connect(target, uri=readonly, **options)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {quote_key(passphrase)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError:
        conn.close()
        raise WrongPassphrase(
            f"de wachtwoordzin opent {path} niet: de wachtwoordzin klopt niet, of het bestand "
            "is beschadigd"
        ) from None
    return cast(sqlite3.Connection, conn)


def _corrupt(path: Path, problems: list[str]) -> StoreCorrupt:
    more = f" (en nog {len(problems) - 1} problemen)" if len(problems) > 1 else ""
    return StoreCorrupt(
        f"{path} is beschadigd: {problems[0]}{more}. Zet de nieuwste goede reservekopie terug "
        f"met 'mdb-triage restore BESTAND'; reservekopieën staan in {path.parent / 'backups'}.",
        problems,
        path,
    )


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The migration ladder shipped in ``db/``, in order."""
    found: list[Migration] = []
    for entry in resources.files("mdbtriage.db").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError("twee migraties hebben hetzelfde nummer in het pakket")
    return found


def schema_version_supported() -> int:
    return migrations()[-1].version


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_header(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0 or safety.looks_encrypted(path):
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StoreCorrupt(
            f"{path} is geen MDB Triage-opslag of is beschadigd (geen SQLite-bestand). "
            "Zet een reservekopie terug met 'mdb-triage restore BESTAND'.",
            path=path,
        )


def _connect(path: Path, passphrase: str | None = None) -> sqlite3.Connection:
    conn = connect_file(
        path,
        passphrase,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Switching to WAL takes a lock SQLite's busy handler does not wait for.
        mode = retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: WAL-modus kan niet worden ingeschakeld (modus: {mode})")
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    add_functions(conn)
    return conn


def add_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the schema and its migrations use, on any connection that runs them
    (the store's, and the in-memory one that checks a backup's schema)."""
    # The natural sort key of a case reference, for migrations and for rows written without it.
    conn.create_function("mdb_natural_key", 1, natural_key, deterministic=True)
    # The access log's hash chain, extended by a trigger on every record written.
    audit_chain.register(conn)


# Below this many rows a batch is inserted row by row; from here on through a staging table.
BULK_MIN_ROWS = 32


def insert_rows(
    conn: Connection,
    head: str,
    width: int,
    rows: Sequence[Sequence[object]],
    tail: str = "",
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (``width`` values each) with ``head`` (``INSERT INTO t (columns)``) and
    ``tail`` (optional ``ON CONFLICT …`` and ``RETURNING …`` clauses); returns the rows of the
    ``RETURNING`` clause. Call inside a transaction.

    A batch goes through a temporary staging table and one ``INSERT … SELECT`` in input order:
    every row meets every constraint, foreign key, trigger and conflict clause exactly as with one
    statement per row, but SQLite builds the value lists of ``CHECK (x IN (…))`` constraints once
    per statement, which one statement per row (``executemany``) pays again for every row.
    """
    marks = ", ".join("?" * width)
    returning = "RETURNING" in tail.upper()
    if is_office(conn):  # PostgreSQL: psycopg's pipelined executemany is the fast path
        sql = f"{head} VALUES ({marks}){tail}"
        if returning:
            return list(conn.executemany_returning(sql, rows))  # type: ignore[attr-defined]
        conn.executemany(sql, rows)
        return []
    if len(rows) < BULK_MIN_ROWS:
        sql = f"{head} VALUES ({marks}){tail}"
        if not returning:
            conn.executemany(sql, rows)
            return []
        found: list[tuple[Any, ...]] = []
        for row in rows:
            found.extend(conn.execute(sql, row).fetchall())
        return found
    staging = f"temp.mdb_bulk_rows_{width}"
    columns = ", ".join(f"v{i}" for i in range(width))
    conn.execute(f"CREATE TABLE IF NOT EXISTS {staging} ({columns})")
    conn.execute(f"DELETE FROM {staging}")
    try:
        conn.executemany(f"INSERT INTO {staging} VALUES ({marks})", rows)
        # "WHERE true" keeps "ON CONFLICT" from being read as a join constraint.
        cursor = conn.execute(
            f"{head} SELECT {columns} FROM {staging} WHERE true ORDER BY rowid{tail}"
        )
        found = cursor.fetchall() if returning else []
    except BaseException:
        with contextlib.suppress(*db_errors()):  # the caller's rollback empties it as well
            conn.execute(f"DELETE FROM {staging}")
        raise
    conn.execute(f"DELETE FROM {staging}")
    return found


def _explain(path: Path, error: Exception) -> StoreError:
    text = str(error)
    if is_busy(error):
        return locked(path)
    if is_full(error):
        return StoreFull(f"{path} kan niet worden beschreven: de schijf is vol; maak ruimte vrij")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return _corrupt(path, [f"SQLite meldt '{text}'"])
    if "readonly" in text or "unable to open" in text:
        return StoreNoAccess(
            f"{path} kan niet worden geopend of beschreven ({os_problem(error)}); controleer "
            "de rechten op het bestand en de map"
        )
    return StoreError(f"{path} kan niet worden gebruikt: {text}")


def _missing(path: Path, signs: list[str], *, blank: bool = False) -> StoreMissing:
    state = "is een lege database" if blank else "ontbreekt of is leeg (0 bytes)"
    return StoreMissing(
        f"{path} {state}, maar hier stond eerder een opslag ({'; '.join(signs)}). MDB Triage "
        "maakt daarom geen nieuwe lege opslag: de opslag is verwijderd, leeggemaakt of "
        "beschadigd. Zet de nieuwste goede reservekopie terug met 'mdb-triage restore "
        "BESTAND'. Wilt u bewust met een nieuwe, lege opslag beginnen, verplaats dan eerst "
        "wat tussen haakjes staat naar een andere map",
        signs,
        path,
    )


def _blank_file(path: Path) -> bool:
    """Whether ``path`` is a small plain SQLite file without a single table, read without
    changing it (opening it as the store would switch it to WAL first)."""
    try:
        if path.stat().st_size > BLANK_FILE_MAX or safety.looks_encrypted(path):
            return False
        conn = connect_file(path, readonly=True)
    except (OSError, StoreError, sqlite3.Error):
        return False
    try:
        return int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]) == 0
    except sqlite3.Error:
        return False
    finally:
        conn.close()


# A backup's name in a store's backups folder: ``<store's stem>-YYYYMMDD-HHMMSS[-N].sqlite3``.
_BACKUP_NAME = re.compile(r"^(?P<stem>.+)-\d{8}-\d{6}(?:-\d+)?\.sqlite3$")


def check_store_path(path: Path) -> None:
    """Refuse a store path (:class:`StorePathInvalid`), before anything is created, that is
    blank, an address other than an office store's (``file:…``, ``sqlite:…``), a folder, a
    device, pipe or socket, lies under a file, or is one of a store's own backups (opening it
    would write sign-in records into the copy that must stay as it was)."""
    text = str(path)
    if not text.strip() or text != text.strip():
        raise StorePathInvalid(
            f"'{text}' is geen bruikbaar pad (leeg, of met spaties aan het begin of eind)"
        )
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:/", text):
        raise StorePathInvalid(
            f"{text} is geen pad van een bestand; een kantooropslag heeft een adres dat begint "
            "met postgresql://, een werkplekopslag een gewoon pad (bijvoorbeeld "
            f"~/{STORE_FILENAME})"
        )
    if path.is_dir():
        raise StorePathInvalid(
            f"{path} is een map, geen opslagbestand; geef het pad van een bestand, bijvoorbeeld "
            f"{path / STORE_FILENAME}"
        )
    if path.exists() and not path.is_file():
        raise StorePathInvalid(
            f"{path} is geen gewoon bestand (maar een apparaat, pijp of socket); geef het pad "
            "van een opslagbestand"
        )
    real = Path(os.path.abspath(path))  # as typed, relative, or through a link
    with contextlib.suppress(OSError, RuntimeError):
        real = real.resolve()
    backup = _BACKUP_NAME.match(real.name)
    if backup and real.parent.name.casefold() == safety.BACKUP_DIRNAME:
        owners = [
            p
            for p in real.parent.parent.glob(f"{glob_escape(backup['stem'])}.*")
            if p.is_file() and p.suffix in (".sqlite3", ".db", ".sqlite")
        ]
        if owners:
            raise StorePathInvalid(
                f"{path} is een reservekopie van {owners[0]}; die blijft zoals ze is. Open de "
                f"opslag zelf, zet de kopie terug met 'mdb-triage --db {owners[0]} restore "
                f"{path}', of kopieer haar eerst naar een andere map"
            )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise StorePathInvalid(
                    f"{path} ligt in {parent}, maar dat is een bestand, geen map; kies een pad in "
                    "een map"
                )
            break


def own_folder(path: Path) -> bool:
    """Whether the store's folder is MDB Triage's own (the default location), so that its
    permissions may be tightened; a folder someone chose with ``--db`` may be shared."""
    try:
        return path.parent.resolve() == default_store_path().parent.resolve()
    except OSError:
        return False


def write_copy(
    source: sqlite3.Connection,
    target: Path,
    passphrase: str | None = None,
    *,
    verify: Callable[[Path], None] | None = None,
    place: Callable[[Path], Path] | None = None,
) -> Path:
    """Write a self-contained copy (rollback journal, not WAL) of ``source``: into a temporary
    file (0600) beside ``target``, checked with ``verify`` (which raises to refuse it), synced
    and renamed to ``target`` (or put in place by ``place``, which returns where it went). On
    any failure, a full disk included, nothing is left behind: no half file, no ``.part``."""
    safety.make_private_dir(target.parent)
    descriptor, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    partial = Path(name)
    try:
        os.close(descriptor)
        dest = connect_file(partial, passphrase, isolation_level=None)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        if verify is not None:
            verify(partial)
        sync_file(partial)
        if place is not None:
            return place(partial)
        os.replace(partial, target)
        return target
    except BaseException:
        remove_partial(partial)
        raise


def remove_partial(partial: Path) -> None:
    """Remove a temporary copy and the journal SQLite may have left beside it."""
    for leftover in (partial, Path(f"{partial}-journal"), Path(f"{partial}-wal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def sync_file(path: Path) -> None:
    """Flush ``path`` and its folder to the disk."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
    if os.name == "posix":
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.in_transaction  # noqa: B018 (raises on a closed connection)
    except db_errors():
        return False
    return True


# Office stores this process opened, by the name they carry as ``path``: how to open another
# connection to one (a worker thread knows only that name). Filled by ``office_store``.
OFFICE_REOPEN: dict[str, Callable[[], Store]] = {}


class Store:
    """An open store. Use :meth:`atomic` around every write."""

    # Stores this process has open, by resolved path: a further connection to one of them (a
    # worker thread computing the werkvoorraad, an import) is not a start of the program and
    # skips the start checks and migrations, which the first open did and which take seconds
    # on a large store (a full integrity check, as the open store carries no seal).
    _open_here: ClassVar[dict[Path, weakref.WeakSet[Store]]] = {}
    _open_lock: ClassVar[threading.Lock] = threading.Lock()

    kind = "workstation"

    def __init__(self, path: Path, conn: sqlite3.Connection, passphrase: str | None = None) -> None:
        self.path = path
        # The file the store is kept in; None for the office store (a database on a server).
        self.file: Path | None = path
        self.conn: Connection = conn
        self.sqlite = conn
        self._passphrase = passphrase
        self._depth = 0
        self.damaged = False

    @property
    def encrypted(self) -> bool:
        return self._passphrase is not None

    def _register(self) -> None:
        with Store._open_lock:
            Store._open_here.setdefault(self.path.resolve(), weakref.WeakSet()).add(self)

    def _others_open(self) -> bool:
        """Whether another connection of this process to the same store is still open."""
        key = self.path.resolve()
        with Store._open_lock:
            stores = Store._open_here.get(key)
            others = [s for s in stores or () if s is not self]
            if stores is not None:
                stores.discard(self)
        return any(_is_open(other.sqlite) for other in others)

    @classmethod
    def _open_again(cls, path: Path, passphrase: str | None) -> Store | None:
        """Another connection to a store this process already opened (and checked), with the
        key that opened it when the caller gives none (a worker thread knows only the path)."""
        with cls._open_lock:
            stores = [s for s in cls._open_here.get(path.resolve(), ()) if _is_open(s.sqlite)]
        if not stores:
            return None
        key = passphrase if passphrase is not None else stores[0]._passphrase
        try:
            conn = _connect(path, key)
        except db_errors() as error:
            raise _explain(path, error) from None
        store = cls(path, conn, key)
        store._register()
        return store

    @property
    def is_office(self) -> bool:
        """Whether this is the office store (PostgreSQL), else the workstation store."""
        return self.kind == "office"

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        backup_dir: Path | None = None,
        passphrase: str | None = None,
        password: str | None = None,
    ) -> Store:
        """Open (creating when missing) and migrate the store at ``path``.

        Refuses a store on a network share and checks the file on every start (header, length,
        seal; ``quick_check`` unless the seal proves the file unchanged since it passed one at
        close; ``integrity_check`` without a seal): damage raises :class:`StoreCorrupt` before
        anything is written.
        With ``passphrase`` the store is encrypted (a missing one is created encrypted); an
        encrypted store without or with a wrong passphrase raises :class:`StoreEncrypted` or
        :class:`WrongPassphrase`.
        A missing or empty store is created only where nothing shows that one existed (its seal,
        its backups, copies kept before a migration): else :class:`StoreMissing`. A path that is
        a folder raises :class:`StorePathInvalid`. Files are created 0600 in 0700 folders, and
        looser modes found at start are tightened and logged.
        """
        if isinstance(path, str) and is_office_location(path):
            from mdbtriage.store.office_store import OfficeStore

            return OfficeStore.open_url(path, password=password)
        reopen = OFFICE_REOPEN.get(str(path))
        if reopen is not None:  # a worker's connection to the office store this process opened
            return reopen()
        path = Path(path)
        again = cls._open_again(path, passphrase)
        if again is not None:
            return again
        check_store_path(path)
        refusal = safety.network_share_reason(path)
        if refusal:
            raise StoreOnNetworkShare(refusal)
        try:
            safety.make_private_dir(path.parent)
        except OSError as error:
            raise StoreNoAccess(
                f"map {path.parent} kan niet worden gemaakt: {os_problem(error)}"
            ) from None
        tightened = safety.tighten_store(path, folder_too=own_folder(path))
        if safety.is_empty_file(path):
            signs = safety.predecessor_signs(path)
            # Checked again: another program may have created and closed the store meanwhile.
            if signs and safety.is_empty_file(path):
                raise _missing(path, signs)
            try:
                safety.create_private(path)
            except OSError as error:
                raise StoreNoAccess(
                    f"{path} kan niet worden gemaakt: {os_problem(error)}"
                ) from None
        _check_header(path)
        if _blank_file(path):
            # The WAL file is no sign here: another program may be creating the store right now.
            signs = safety.predecessor_signs(path, wal=False)
            if signs and _blank_file(path):
                raise _missing(path, signs, blank=True)
        encrypted = safety.looks_encrypted(path)
        if encrypted:
            damage, sealed, checked = safety.file_problems(path, encrypted=True)
        else:
            damage, sealed, checked = safety.file_problems(path)
        if damage:
            raise _corrupt(path, damage)
        if encrypted and passphrase is None:
            raise StoreEncrypted(
                f"{path} is versleuteld (of het begin van het bestand is beschadigd); "
                "geef de wachtwoordzin"
            )
        if passphrase is not None and not encrypted and path.exists() and path.stat().st_size:
            raise StoreNotEncrypted(
                f"{path} is niet versleuteld; versleutel de opslag met 'mdb-triage encrypt'"
            )
        try:
            conn = _connect(path, passphrase)
        except WrongPassphrase as error:
            if sealed:  # the file is as MDB Triage left it: only the passphrase can be wrong
                raise WrongPassphrase(f"de wachtwoordzin voor {path} klopt niet") from None
            raise error from None
        except db_errors() as error:
            raise _explain(path, error) from None
        store = cls(path, conn, passphrase)
        # A matching seal proves the file is byte for byte as it was closed; when the seal also
        # records the quick check it passed right before that close, the file passed it as it
        # is now. A seal without that record gets the quick check, no seal the full check.
        damage = [] if checked else store.integrity_problems(quick=sealed)
        if damage:
            conn.close()
            raise _corrupt(path, [f"de integriteitscontrole meldt '{p}'" for p in damage])
        try:
            if store._blank() and store._blank(after_writers=True):
                signs = safety.predecessor_signs(path, wal=False)
                if signs:
                    conn.close()
                    raise _missing(path, signs, blank=True)
        except db_errors() as error:
            conn.close()
            raise _explain(path, error) from None
        safety.unseal(path)
        try:
            store._migrate(backup_dir or path.parent)
            if tightened:
                store._log_tightened(tightened)
        except db_errors() as error:
            conn.close()
            raise _explain(path, error) from None
        except StoreError:
            conn.close()
            raise
        store._register()
        return store

    def _blank(self, *, after_writers: bool = False) -> bool:
        """Whether the database holds no table at all (a new or an emptied file);
        ``after_writers``: asked holding the write lock, so that a program creating the store at
        this moment has committed what it was writing."""
        if not after_writers:
            row = self.sqlite.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return int(row[0]) == 0
        self.sqlite.execute("BEGIN IMMEDIATE")
        try:
            row = self.sqlite.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            self.sqlite.execute("ROLLBACK")
        return int(row[0]) == 0

    def _log_tightened(self, changed: list[Path]) -> None:
        """An access-log record of the permissions taken away at start: who could read the
        store until now is worth knowing."""
        from mdbtriage.core.model import Actor
        from mdbtriage.store.audit import AuditEntry, log

        try:
            account = getpass.getuser()
        except (KeyError, OSError):
            account = "onbekend"
        names = ", ".join(str(p) for p in changed[:10])
        more = f" en nog {len(changed) - 10}" if len(changed) > 10 else ""
        entry = AuditEntry(
            event="change",
            purpose="bestandsrechten aangescherpt",
            details=f"was leesbaar voor anderen, nu alleen voor de eigenaar: {names}{more}",
        )
        with self.atomic() as conn:
            log(conn, Actor.system_account(account), entry)

    @property
    def store_id(self) -> str | None:
        """The store's identity: a random id recorded when it was created (or, for a store
        made before identities existed, when it was migrated); None before migration 6."""
        return read_store_id(self.conn)

    def close(self) -> None:
        """Close the connection; the last connection of this process to close the store checks
        it (``quick_check`` and foreign keys) and, when that finds nothing, seals it with the
        check recorded, so the next start can skip it. A damaged store is never sealed."""
        last = not self._others_open()
        checked = False
        if last and not self.damaged and _is_open(self.sqlite):
            checked = not self.integrity_problems(quick=True)  # a problem sets ``damaged``
        self.sqlite.close()
        if last and not self.damaged:
            safety.seal(self.path, checked="quick_check" if checked else None)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """A transaction; nested calls become savepoints. Rolls back on any exception."""
        conn = self.conn
        if self._depth == 0:
            self._begin()
        else:
            conn.execute(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        try:
            yield conn
        except BaseException as error:
            self._depth -= 1
            if self._depth == 0:
                self._rollback()
                refusal = self._refusal(error)
                if refusal is not None:
                    raise refusal from None
            else:
                self._rollback_to(self._depth)
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                self._commit()
            else:
                conn.execute(f"RELEASE sp{self._depth}")

    def _rollback(self) -> None:
        if self.conn.in_transaction:  # SQLite may have rolled back itself (a full disk)
            self.conn.execute("ROLLBACK")

    def _rollback_to(self, depth: int) -> None:
        self.conn.execute(f"ROLLBACK TO sp{depth}")
        self.conn.execute(f"RELEASE sp{depth}")

    def _refusal(self, error: BaseException) -> StoreError | None:
        """A full disk, missing permissions or a lock as a Dutch :class:`StoreError`."""
        if isinstance(error, db_errors()):
            return refusal_for(self.path, error, "opslaan")
        return None

    def _begin(self) -> None:
        """Take the write lock. SQLite's busy handler retries for ``BUSY_TIMEOUT_MS`` while
        another program writes; after that the store is "in gebruik" (:class:`StoreLocked`)."""
        try:
            self.sqlite.execute("BEGIN IMMEDIATE")
        except db_errors() as error:
            refusal = self._refusal(error)
            if refusal is not None:
                raise refusal from None
            raise

    def _commit(self) -> None:
        try:
            self.sqlite.execute("COMMIT")
        except db_errors() as error:
            refusal = self._refusal(error)
            if refusal is None:
                raise
            if self.sqlite.in_transaction:
                with contextlib.suppress(*db_errors()):
                    self.sqlite.execute("ROLLBACK")
            raise refusal from None

    def applied_versions(self) -> set[int]:
        exists = self.sqlite.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not exists:
            return set()
        return {int(r[0]) for r in self.sqlite.execute("SELECT version FROM schema_migrations")}

    def schema_version(self) -> int:
        return max(self.applied_versions(), default=0)

    def _migrate(self, backup_dir: Path) -> None:
        ladder = migrations()
        applied = self.applied_versions()
        current = max(applied, default=0)
        newest = ladder[-1].version
        if current > newest:
            raise StoreTooNew(
                f"{self.path} is gemaakt met een nieuwere versie van MDB Triage "
                f"(schemaversie {current}; deze versie kent tot en met {newest}). "
                "Installeer de nieuwste versie van MDB Triage; de opslag is niet gewijzigd."
            )
        pending = [m for m in ladder if m.version not in applied]
        if not pending:
            return
        # An empty schema_migrations alone is a store another program is creating at this
        # moment (it makes that table, then runs the first step): not a foreign file.
        has_data = (
            current > 0
            or self.sqlite.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name != 'schema_migrations'"
            ).fetchone()[0]
        )
        if has_data and current == 0:
            raise StoreError(
                f"{self.path} is een SQLite-bestand, maar geen MDB Triage-opslag; "
                "kies een ander bestand"
            )
        if current > 0:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            target = backup_dir / f"{self.path.stem}.voor-migratie-v{current}-{stamp}.sqlite3"
            self.backup_to(target)
        retry_busy(
            lambda: self.sqlite.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        )
        for migration in pending:
            script = (
                "BEGIN IMMEDIATE;\n"
                f"{migration.sql}\n;\n"
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                f"({migration.version}, '{migration.name}', '{utc_now()}');\n"
                "COMMIT;"
            )
            try:
                self.sqlite.executescript(script)
            except db_errors() as error:
                if self.sqlite.in_transaction:
                    self.sqlite.execute("ROLLBACK")
                if migration.version in self.applied_versions():
                    continue  # another program starting at the same moment ran it first
                refusal = refusal_for(self.path, error, f"migratie {migration.version:04d}")
                if refusal is not None:
                    raise refusal from None
                raise StoreError(
                    f"migratie {migration.version:04d} ({migration.name}) is mislukt: {error}; "
                    "de opslag is teruggezet naar de vorige versie"
                ) from None

    def backup_to(self, target: Path) -> Path:
        """Write a consistent copy of the store with SQLite's online backup API, through a
        temporary file (0600) renamed into place: a failure leaves no half copy."""
        try:
            return write_copy(self.sqlite, target, self._passphrase)
        except db_errors(OSError) as error:
            refusal = refusal_for(target, error, f"de kopie {target.name} schrijven")
            if refusal is not None:
                raise refusal from None
            raise StoreError(f"de kopie {target} kan niet worden geschreven: {error}") from None

    def integrity_problems(self, quick: bool = False) -> list[str]:
        """What SQLite's integrity and foreign-key checks find; empty when the store is sound."""
        problems: list[str] = []
        pragma = "quick_check" if quick else "integrity_check"
        try:
            rows = self.sqlite.execute(f"PRAGMA {pragma}").fetchall()
            problems.extend(str(r[0]) for r in rows if r[0] != "ok")
            if self.encrypted and not quick:  # every page's HMAC
                rows = self.sqlite.execute("PRAGMA cipher_integrity_check").fetchall()
                problems.extend(str(r[0]) for r in rows)
            for table, rowid, parent, _ in self.sqlite.execute("PRAGMA foreign_key_check"):
                problems.append(f"tabel {table} rij {rowid} verwijst naar ontbrekende {parent}")
        except db_errors() as error:
            problems.append(str(error))
        if problems:
            self.damaged = True  # never seal a store known to be damaged
        return problems

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.atomic() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def reads_medical(self) -> bool:
        """Whether this connection may read the medical MDB considerations. On the workstation
        store the program's role rules decide who sees them; on the office store the database
        does (column privileges of the medical groups)."""
        return True

    def has_table(self, name: str) -> bool:
        """Whether the store has a table of this name."""
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        cursor = self.conn.execute(sql, params)
        return cursor.fetchall()


def is_office_location(value: str) -> bool:
    """Whether a store location (``--db``, ``MDB_TRIAGE_DB``) is an office store's URL."""
    return value.strip().lower().startswith(("postgresql://", "postgres://"))


def read_store_id(conn: Connection | sqlite3.Connection) -> str | None:
    """The identity recorded in a store or backup (see :attr:`Store.store_id`), or None when it
    has none (made before migration 6) or it cannot be read."""
    try:
        row = conn.execute("SELECT store_id FROM store_identity WHERE singleton = 1").fetchone()
    except db_errors():
        return None
    return str(row[0]) if row else None
