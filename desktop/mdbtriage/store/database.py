"""The store: one SQLite file opened through sqlite-utils, migrated on open, with explicit
transactions.

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
import re
import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from mdbtriage.core.ordering import natural_key
from mdbtriage.store import audit_chain, safety

if TYPE_CHECKING:
    import sqlite_utils

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class StoreError(Exception):
    """The store cannot be used; the message is Dutch and says what to do."""


class StoreLocked(StoreError):
    """Another program holds the store."""


class StoreCorrupt(StoreError):
    """The store file is damaged; ``problems`` lists what the checks found."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


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
    """The database error classes in use (with ``extra``): ``sqlite3``'s, and SQLCipher's once
    it is loaded (its exceptions do not derive from ``sqlite3.Error``)."""
    return (*extra, *_DB_ERRORS)


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
            "Zet een reservekopie terug met 'mdb-triage restore BESTAND'."
        )


def _connect(path: Path, passphrase: str | None = None) -> sqlite3.Connection:
    conn = connect_file(
        path,
        passphrase,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise StoreError(f"{path}: WAL-modus kan niet worden ingeschakeld (modus: {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    # The natural sort key of a case reference, for migrations and for rows written without it.
    conn.create_function("mdb_natural_key", 1, natural_key, deterministic=True)
    # The access log's hash chain, extended by a trigger on every record written.
    audit_chain.register(conn)
    return conn


# Below this many rows a batch is inserted row by row; from here on through a staging table.
BULK_MIN_ROWS = 32


def insert_rows(
    conn: sqlite3.Connection,
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
    if "locked" in text or "busy" in text:
        return StoreLocked(
            f"{path} is in gebruik door een ander programma en kan nu niet worden geopend"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return _corrupt(path, [f"SQLite meldt '{text}'"])
    if "readonly" in text or "unable to open" in text:
        return StoreError(f"{path} kan niet worden geopend of beschreven ({text})")
    return StoreError(f"{path} kan niet worden gebruikt: {text}")


def _is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.in_transaction  # noqa: B018 (raises on a closed connection)
    except db_errors():
        return False
    return True


class Store:
    """An open store. Use :meth:`atomic` around every write."""

    # Stores this process has open, by resolved path: a further connection to one of them (a
    # worker thread computing the werkvoorraad, an import) is not a start of the program and
    # skips the start checks and migrations, which the first open did and which take seconds
    # on a large store (a full integrity check, as the open store carries no seal).
    _open_here: ClassVar[dict[Path, weakref.WeakSet[Store]]] = {}
    _open_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path, conn: sqlite3.Connection, passphrase: str | None = None) -> None:
        self.path = path
        self.conn = conn
        self._passphrase = passphrase
        self._db: sqlite_utils.Database | None = None
        self._depth = 0
        self.damaged = False

    @property
    def encrypted(self) -> bool:
        return self._passphrase is not None

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection through sqlite-utils (imported on first use: it is slow to import)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

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
        return any(_is_open(other.conn) for other in others)

    @classmethod
    def _open_again(cls, path: Path, passphrase: str | None) -> Store | None:
        """Another connection to a store this process already opened (and checked), with the
        key that opened it when the caller gives none (a worker thread knows only the path)."""
        with cls._open_lock:
            stores = [s for s in cls._open_here.get(path.resolve(), ()) if _is_open(s.conn)]
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

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        backup_dir: Path | None = None,
        passphrase: str | None = None,
    ) -> Store:
        """Open (creating when missing) and migrate the store at ``path``.

        Refuses a store on a network share and checks the file on every start (header, length,
        seal; ``quick_check`` unless the seal proves the file unchanged since it passed one at
        close; ``integrity_check`` without a seal): damage raises :class:`StoreCorrupt` before
        anything is written.
        With ``passphrase`` the store is encrypted (a missing one is created encrypted); an
        encrypted store without or with a wrong passphrase raises :class:`StoreEncrypted` or
        :class:`WrongPassphrase`.
        """
        path = Path(path)
        again = cls._open_again(path, passphrase)
        if again is not None:
            return again
        refusal = safety.network_share_reason(path)
        if refusal:
            raise StoreOnNetworkShare(refusal)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"map {path.parent} kan niet worden gemaakt: {error}") from None
        _check_header(path)
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
        safety.unseal(path)
        try:
            store._migrate(backup_dir or path.parent)
        except db_errors() as error:
            conn.close()
            raise _explain(path, error) from None
        except StoreError:
            conn.close()
            raise
        store._register()
        return store

    def close(self) -> None:
        """Close the connection; the last connection of this process to close the store checks
        it (``quick_check`` and foreign keys) and, when that finds nothing, seals it with the
        check recorded, so the next start can skip it. A damaged store is never sealed."""
        last = not self._others_open()
        checked = False
        if last and not self.damaged and _is_open(self.conn):
            checked = not self.integrity_problems(quick=True)  # a problem sets ``damaged``
        self.conn.close()
        if last and not self.damaged:
            safety.seal(self.path, checked="quick_check" if checked else None)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """A transaction; nested calls become savepoints. Rolls back on any exception."""
        conn = self.conn
        if self._depth == 0:
            conn.execute("BEGIN IMMEDIATE")
        else:
            conn.execute(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        try:
            yield conn
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                conn.execute("ROLLBACK")
            else:
                conn.execute(f"ROLLBACK TO sp{self._depth}")
                conn.execute(f"RELEASE sp{self._depth}")
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                conn.execute("COMMIT")
            else:
                conn.execute(f"RELEASE sp{self._depth}")

    def applied_versions(self) -> set[int]:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not exists:
            return set()
        return {int(r[0]) for r in self.conn.execute("SELECT version FROM schema_migrations")}

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
        has_data = (
            current > 0
            or self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
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
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
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
                self.conn.executescript(script)
            except db_errors() as error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError(
                    f"migratie {migration.version:04d} ({migration.name}) is mislukt: {error}; "
                    "de opslag is teruggezet naar de vorige versie"
                ) from None

    def backup_to(self, target: Path) -> Path:
        """Write a consistent copy of the store with SQLite's online backup API."""
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = connect_file(target, self._passphrase)
        try:
            self.conn.backup(dest)
        finally:
            dest.close()
        return target

    def integrity_problems(self, quick: bool = False) -> list[str]:
        """What SQLite's integrity and foreign-key checks find; empty when the store is sound."""
        problems: list[str] = []
        pragma = "quick_check" if quick else "integrity_check"
        try:
            rows = self.conn.execute(f"PRAGMA {pragma}").fetchall()
            problems.extend(str(r[0]) for r in rows if r[0] != "ok")
            if self.encrypted and not quick:  # every page's HMAC
                rows = self.conn.execute("PRAGMA cipher_integrity_check").fetchall()
                problems.extend(str(r[0]) for r in rows)
            for table, rowid, parent, _ in self.conn.execute("PRAGMA foreign_key_check"):
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

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        cursor = self.conn.execute(sql, params)
        return cursor.fetchall()
