"""The office store open for work: a :class:`~mdbtriage.store.database.Store` whose connection
is PostgreSQL's (through :class:`~mdbtriage.store.office_conn.OfficeConnection`), so every
repository, command and screen works on it as on the workstation store.

What differs lives here:

- opening: the address is checked, the server reached within seconds, the schema's version
  compared with the program's (an office store is created and upgraded only by ``server-init``:
  a store without the whole ladder is refused with the command that fixes it);
- writes: ``BEGIN`` plus a transaction-level advisory lock, so writers queue as they do on the
  workstation store (``BEGIN IMMEDIATE``) and a read-check-write (two VAs signing off the same
  task) has exactly one winner; a dropped connection is a Dutch :class:`OfficeUnreachable`,
  and the transaction in flight was not committed;
- who acts: the database login (``session_user``); a staff member's login is named by their
  personnel number (README, "Office store").

Further connections of this process to the same store (the werkvoorraad's worker thread) reuse
the address and the password of the first one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdbtriage.store.database import OFFICE_REOPEN, Store, StoreError
from mdbtriage.store.office import (
    OfficeAddress,
    OfficeError,
    OfficeRefused,
    OfficeUnreachable,
    _first_line,
    check_schema_version,
    connect,
    office_migrations,
    parse_url,
)

if TYPE_CHECKING:
    import psycopg

    from mdbtriage.core.model import Actor, Staff
    from mdbtriage.store.office_conn import OfficeConnection

# Transaction-level advisory lock every write takes ('MDBT', 2): writers queue, as on SQLite.
WRITE_LOCK = (1296319060, 2)


# Whether the signed-in login owns the database (or is a superuser): IT, for the set-up.
OWNER_SQL = (
    "SELECT r.rolsuper OR pg_has_role(session_user, d.datdba, 'MEMBER') "
    "FROM pg_roles r, pg_database d "
    "WHERE r.rolname = session_user AND d.datname = current_database()"
)


class OfficeStore(Store):
    """An open office store (see the module's text)."""

    kind = "office"

    def __init__(self, address: OfficeAddress, conn: OfficeConnection) -> None:
        # ``path`` names the store in messages and is the key for further connections; it is
        # no file (``file`` is None), and nothing is written next to it.
        super().__init__(Path(address.where), conn)  # type: ignore[arg-type]
        self.address = address
        self.office = conn
        self.file = None
        self.password: str | None = None  # for pg_dump, when the server asked for one
        self._medical: bool | None = None

    @property
    def raw(self) -> psycopg.Connection[Any]:
        return self.office.raw

    @classmethod
    def open_url(
        cls,
        url: str | OfficeAddress,
        *,
        password: str | None = None,
        ask_password: Callable[[str], str | None] | None = None,
    ) -> OfficeStore:
        """Open the office store at ``url``; raises :class:`OfficeError` (Dutch)."""
        from mdbtriage.store.office_conn import OfficeConnection

        address = url if isinstance(url, OfficeAddress) else parse_url(url)
        raw = connect(address, password=password, ask_password=ask_password)
        try:
            current = check_schema_version(raw, address)
            newest = office_migrations()[-1].version
            if current < newest:
                raise OfficeRefused(
                    f"Kantooropslag ({address.where}) heeft schemaversie {current}; deze versie "
                    f"van MDB Triage vraagt {newest}. De eigenaar van de database (IT) werkt haar "
                    f"bij met: mdb-triage server-init {address.url}"
                )
        except BaseException:
            raw.close()
            raise

        def lost(error: BaseException) -> Exception:
            return OfficeUnreachable(
                f"Kantooropslag ({address.where}): de verbinding met de server is verbroken; "
                "wat u op dat moment opsloeg, is niet opgeslagen. Zodra de server weer bereikbaar "
                f"is, gaat het verder. Melding: {_first_line(error)}"
            )

        office = OfficeConnection(
            raw, reconnect=lambda: connect(address, password=password), lost=lost
        )
        store = cls(address, office)
        office.busy = lambda: store._depth > 0
        store.password = password
        OFFICE_REOPEN[str(store.path)] = lambda: cls.open_url(address, password=password)
        return store

    @property
    def encrypted(self) -> bool:
        return False

    @property
    def login(self) -> str:
        """The database login this connection signed in with."""
        row = self.conn.execute("SELECT session_user").fetchone()
        return str(row[0])

    def is_owner(self) -> bool:
        """Whether the login owns the database (or is a superuser): IT, for the set-up."""
        row = self.conn.execute(OWNER_SQL).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.office.close()

    def _rollback(self) -> None:
        """Roll back unless the connection is gone (the server rolled back already)."""
        with contextlib.suppress(Exception):
            if not self.office.closed and self.office.in_transaction:
                self.conn.execute("ROLLBACK")

    def _rollback_to(self, depth: int) -> None:
        if not self.office.closed:
            super()._rollback_to(depth)

    def _refusal(self, error: BaseException) -> StoreError | None:
        import psycopg

        if isinstance(error, psycopg.OperationalError) and self.office.closed:
            return OfficeUnreachable(
                f"Kantooropslag ({self.address.where}): de verbinding met de server is "
                f"verbroken; de wijziging is niet opgeslagen. Melding: {_first_line(error)}"
            )
        return None

    def _begin(self) -> None:
        if not self.office.reconnect():  # a connection lost since: a new one first
            raise OfficeUnreachable(
                f"Kantooropslag ({self.address.where}): de server is niet bereikbaar; er is "
                "niets opgeslagen. Probeer het zo opnieuw."
            )
        try:
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT pg_advisory_xact_lock(?, ?)", WRITE_LOCK)
        except Exception as error:
            refusal = self._refusal(error)
            if refusal is not None:
                raise refusal from None
            raise

    def _commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except Exception as error:
            if self.office.closed:
                raise OfficeUnreachable(
                    f"Kantooropslag ({self.address.where}): de verbinding viel weg tijdens het "
                    "opslaan; het is niet zeker of de wijziging is opgeslagen. Kijk het na "
                    f"wanneer de verbinding terug is. Melding: {_first_line(error)}"
                ) from None
            raise

    def applied_versions(self) -> set[int]:
        from mdbtriage.store.office import applied_versions

        return applied_versions(self.raw)

    def reads_medical(self) -> bool:
        if self._medical is None:
            row = self.conn.execute(
                "SELECT has_column_privilege('meeting_decisions', 'medical_remarks', 'SELECT')"
            ).fetchone()
            self._medical = bool(row[0])
        return self._medical

    def has_table(self, name: str) -> bool:
        row = self.conn.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()
        return bool(row[0])

    def integrity_problems(self, quick: bool = False) -> list[str]:
        """The office store's own checks (the server enforces keys and constraints at every
        statement): the schema's version, no trigger of the store switched off (the access log's
        and task versions' append-only rules, the frozen MDBs), no constraint left unchecked."""
        problems: list[str] = []
        newest = office_migrations()[-1].version
        if self.schema_version() != newest:
            problems.append(f"schemaversie {self.schema_version()}, verwacht {newest}")
        for table, trigger in self.conn.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled = 'D' "
            "AND c.relnamespace = current_schema()::regnamespace ORDER BY 1, 2"
        ):
            problems.append(f"trigger {trigger} op tabel {table} staat uit")
        for table, constraint in self.conn.execute(
            "SELECT c.relname, k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE NOT k.convalidated AND c.relnamespace = current_schema()::regnamespace "
            "ORDER BY 1, 2"
        ):
            problems.append(f"regel {constraint} op tabel {table} is niet gecontroleerd")
        if problems:
            self.damaged = True
        return problems

    def backup_to(self, target: Path) -> Path:
        raise OfficeError(
            f"Kantooropslag ({self.address.where}): een kopie als bestand maakt "
            "'mdb-triage backup' (pg_dump)"
        )


def _verifier(store: OfficeStore, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of a password, computed here: the clear text never reaches
    the server (nor its statement log)."""
    raw = store.raw.pgconn.encrypt_password(
        password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256"
    )
    return raw.decode("ascii")


def set_login(store: Store, actor: Actor, staff: Staff, password: str) -> None:
    """Create a staff member's database login, or give it a new password, through the functions
    server-init installed (a team lead has no CREATEROLE); logged. A password set by someone
    else must be changed at first sign-in."""
    import psycopg

    from mdbtriage.store.audit import AuditEntry, log

    assert isinstance(store, OfficeStore)
    verifier = _verifier(store, staff.staff_id, password)
    must_change = 0 if actor.user_id == staff.staff_id else 1
    try:
        with store.atomic() as conn:
            row = conn.execute(
                "SELECT mdb_login_set(?, ?, ?)", (staff.staff_id, verifier, must_change)
            ).fetchone()
            log(
                conn,
                actor,
                AuditEntry(
                    event="create" if row[0] == "aangemaakt" else "change",
                    purpose="account beheren",
                    details=f"databaselogin {row[0]} voor {staff.name} ({staff.staff_id}, "
                    f"{staff.role})" + (", eerst wijzigen bij aanmelden" if must_change else ""),
                ),
            )
    except psycopg.errors.UndefinedFunction:
        raise OfficeRefused(
            f"Kantooropslag ({store.address.where}): de functies voor logins ontbreken; de "
            f"eigenaar (IT) installeert ze met: mdb-triage server-init {store.address.url}"
        ) from None
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.InvalidParameterValue) as error:
        raise OfficeRefused(
            f"Login voor {staff.staff_id} niet gemaakt: {_first_line(error)}"
        ) from None


def add_demo_logins(store: Store, password: str) -> int:
    """A login with the demo password for every active staff member without a login; a login
    that exists already (roles are server-wide: another office store's) keeps its password and
    joins the group of its role here."""
    assert isinstance(store, OfficeStore)
    rows = store.conn.execute(
        "SELECT s.staff_id, EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = s.staff_id) "
        "FROM staff s WHERE s.active = 1 ORDER BY s.staff_id"
    ).fetchall()
    created = 0
    with store.atomic() as conn:
        for staff_id, exists in rows:
            if exists:
                conn.execute("SELECT mdb_login_sync(?)", (staff_id,))
                continue
            conn.execute(
                "SELECT mdb_login_set(?, ?, 0)",
                (staff_id, _verifier(store, str(staff_id), password)),
            )
            created += 1
    return created


def sync_logins(store: Store, staff_ids: list[str]) -> list[str]:
    """Move the logins of these staff members to the group of their role, and block those of
    inactive staff (after a staff import); returns what changed, per login (Dutch)."""
    assert isinstance(store, OfficeStore)
    done: list[str] = []
    with store.atomic() as conn:
        for staff_id in staff_ids:
            row = conn.execute("SELECT mdb_login_sync(?)", (staff_id,)).fetchone()
            if row and row[0]:
                done.append(f"{staff_id}: {row[0]}")
    return done


def signed_in_staff(store: Store, channel: str) -> Staff:
    """The staff member the office store's login belongs to (the login is their personnel
    number), signed in: logged. Raises :class:`OfficeRefused` (Dutch; a refusal of a known
    person is logged) for the owner's login, a login of no staff member, an inactive one."""
    from mdbtriage.core.model import Actor
    from mdbtriage.store.accounts import log_sign_in
    from mdbtriage.store.records import get_staff

    assert isinstance(store, OfficeStore)
    login = store.login
    staff = get_staff(store, login)
    if staff is None:
        if store.is_owner():
            raise OfficeRefused(
                f"'{login}' is de eigenaar van de database (IT): die richt de kantooropslag in "
                "met de opdrachtregel; het werk doet iedereen met de eigen login."
            )
        raise OfficeRefused(
            f"Databaselogin '{login}' hoort bij geen medewerker van {store.path}. Een "
            "teamleider maakt logins met 'mdb-triage account-create'."
        )
    person = Actor.of_staff(staff)
    if not staff.active:
        log_sign_in(store, person, channel, "medewerker is niet actief")
        raise OfficeRefused(f"Medewerker {login} is niet actief en mag niet werken.")
    log_sign_in(store, person, channel, f"aangemeld met databaselogin {login}", refused=False)
    return staff


def sign_in_again(store: Store, staff_id: str, password: str, channel: str) -> Staff:
    """The screen lock on the office store: the password is checked by the server (a second
    connection as the same login), logged; :class:`AccountError` when it is wrong."""
    from mdbtriage.core.model import Actor
    from mdbtriage.store.accounts import AccountError, log_sign_in
    from mdbtriage.store.office import OfficeError, connect
    from mdbtriage.store.records import get_staff

    assert isinstance(store, OfficeStore)
    staff = get_staff(store, staff_id)
    if staff is None or staff_id != store.login:
        raise AccountError("Alleen wie is aangemeld kan het scherm ontgrendelen")
    person = Actor.of_staff(staff)
    try:
        connect(store.address, password=password).close()
    except OfficeError:
        log_sign_in(store, person, channel, "wachtwoord onjuist (server)")
        raise AccountError("Onjuist wachtwoord") from None
    log_sign_in(store, person, channel, "ontgrendeld", refused=False)
    return staff


def must_change_password(store: Store) -> bool:
    """Whether the login's password was set by a team lead and must be changed now."""
    row = store.conn.execute(
        "SELECT must_change FROM mdb_logins WHERE login = session_user"
    ).fetchone()
    return bool(row and row[0])


def change_own_password(store: Store, password: str) -> None:
    """The signed-in person's new password (checked by the same rules as everywhere)."""
    assert isinstance(store, OfficeStore)
    verifier = _verifier(store, store.login, password)
    with store.atomic() as conn:
        conn.execute("SELECT mdb_login_own_password(?)", (verifier,))
    store.password = password
