"""The office store: one PostgreSQL database on the district office's server (issue 14).

This module holds what the office store needs before any command can work on it:

- its address, a ``postgresql://`` URL with any libpq parameters (README "Office store: set-up
  for IT"): checked here,
  a password in it refused (a password never goes into the URL or the command line);
- the connection (psycopg 3, imported only here and only when a URL is used: it costs about
  0.14 s, which the workstation store's start-up does not pay), with a connect timeout, so an
  unreachable server is reported within seconds;
- the office store's migration ladder ``db/pg/NNNN_name.sql``, the same steps under the same
  numbers and names as the workstation store's ``db/``, each applied in its own transaction and
  recorded in ``schema_migrations``; a store written by a newer program is refused;
- :func:`server_init`, run by the database owner: the schema, the group roles and the grants.

Roles on a PostgreSQL server are server-wide, not per database, and ``pg_dump`` does not carry
them. So every role of an office store is named after its database: ``<database>_app`` (the
application's role: the rights on the tables) and one group per staff role,
``<database>_va``, ``<database>_aios``, … ``<database>_po``, each a member of
``<database>_app``. Two office stores on one server (two district offices, or a training
store beside the real one) then never share a role, and a login in one office's group cannot
even connect to the other's database (``REVOKE CONNECT … FROM PUBLIC``). The database name
is therefore limited to lower-case letters, digits and ``_`` (at most 50 characters), so the
role names need no quoting and stay within PostgreSQL's 63 characters.

The application's role may read and write the tables as the program does, except: the access
log (``audit_log``) and the task versions (``task_versions``) only ``SELECT`` and ``INSERT``
(no ``UPDATE``, ``DELETE`` or ``TRUNCATE``: refused by the database with SQLSTATE 42501, and
the triggers refuse them for the owner too); the log's hash chain, the schema's version and
the store's identity only ``SELECT``; the workstation accounts' password hashes (``accounts``)
not at all; ``TRUNCATE`` nowhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from mdbtriage.core.model import ROLES
from mdbtriage.store.database import Migration, StoreError, utc_now

if TYPE_CHECKING:
    import psycopg

URL_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 5
MIN_SERVER_VERSION = 150000
# Database names an office store may have: its roles are named after it (see above).
_DATABASE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Session-level advisory lock: one server-init at a time per database ('MDBT', 1).
_INIT_LOCK = (1296319060, 1)
APP_ROLE_SUFFIX = "app"
# Append-only tables: the application reads and adds, never changes or removes.
APPEND_ONLY = ("audit_log", "task_versions")
# Written only by migrations or by the owner's functions: the application reads them.
READ_ONLY = ("audit_chain", "schema_migrations", "store_identity")
# The workstation store's password hashes (carried over by a move): on the office store people
# sign in with their database login, so the application does not read them at all.
NO_ACCESS = ("accounts",)
EXAMPLE_URL = "postgresql://server.kantoor.local/mdb_triage?sslmode=verify-full"


class OfficeError(StoreError):
    """A problem with the office store, worded for people (Dutch); ``exit_code`` is the command
    line's: 2 bad input, 3 refused."""

    exit_code = 3


class OfficeBadInput(OfficeError):
    """Bad input: the address, the database's name, a login that does not exist (exit 2)."""

    exit_code = 2


class OfficeUnreachable(OfficeError):
    """The server cannot be reached, or refuses the sign-in or the database (exit 3)."""


class OfficeRefused(OfficeError):
    """A rule refuses: not the owner, no right to create roles, a database of another program,
    a server older than PostgreSQL 15 (exit 3)."""


class OfficeTooNew(OfficeError):
    """The office store's schema was written by a newer MDB Triage; it is left untouched."""


def is_office_url(value: str) -> bool:
    """Whether a store location is an office store's address (else it is a file path)."""
    return value.strip().lower().startswith(URL_SCHEMES)


def _mask(value: str) -> str:
    """The address with any password in it replaced by ``***``, to be named in a message."""
    masked = re.sub(r"^([a-z]+://[^@/?]*?:)[^@/?]*@", r"\1***@", value, flags=re.IGNORECASE)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", masked, flags=re.IGNORECASE)


def _has_password(value: str) -> bool:
    rest = value.split("://", 1)[1]
    authority = re.split(r"[/?]", rest, maxsplit=1)[0]
    if "@" in authority and ":" in authority.rsplit("@", 1)[0]:
        return True
    return re.search(r"[?&]password=", value, flags=re.IGNORECASE) is not None


@dataclass(frozen=True, slots=True)
class OfficeAddress:
    """A checked office store address: the URL as given and libpq's reading of it."""

    url: str
    params: dict[str, str]

    @property
    def dbname(self) -> str:
        return self.params["dbname"]

    @property
    def where(self) -> str:
        """Where the store is, for messages: ``database mdb_triage op server:5432``."""
        host = self.params.get("host") or "de lokale server"
        port = self.params.get("port")
        return f"database {self.dbname} op {host}{':' + port if port else ''}"


def parse_url(value: str) -> OfficeAddress:
    """Check an office store's address. Raises :class:`OfficeBadInput` (Dutch, naming the
    value; a password in it is masked, never repeated)."""
    text = value.strip()
    if not is_office_url(text):
        raise OfficeBadInput(
            f"Adres '{value}': dit is geen adres van een kantooropslag; dat begint met "
            f"postgresql://, bijvoorbeeld {EXAMPLE_URL}"
        )
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise OfficeBadInput(
            f"Adres {_mask(text)!r}: bevat een stuurteken (bijvoorbeeld een regeleinde)"
        )
    if _has_password(text):
        raise OfficeBadInput(
            f"Adres '{_mask(text)}': er staat een wachtwoord in het adres. Een wachtwoord hoort "
            "nooit in het adres of op de opdrachtregel: MDB Triage vraagt erom, of gebruik "
            "MDB_TRIAGE_PASSWORD, PGPASSWORD of ~/.pgpass."
        )
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        raw = conninfo_to_dict(text)
    except ProgrammingError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "onleesbaar"
        raise OfficeBadInput(
            f"Adres '{text}': ongeldig ({reason}); schrijf het als "
            f"postgresql://[gebruiker@]server[:poort]/database[?parameter=waarde], "
            f"bijvoorbeeld {EXAMPLE_URL}"
        ) from None
    params = {str(k): str(v) for k, v in raw.items() if v is not None}
    if "password" in params:  # a libpq spelling the checks above did not catch
        raise OfficeBadInput(
            f"Adres '{_mask(text)}': er staat een wachtwoord in het adres; gebruik "
            "MDB_TRIAGE_PASSWORD, PGPASSWORD of ~/.pgpass"
        )
    if not params.get("dbname"):
        raise OfficeBadInput(
            f"Adres '{text}': de database ontbreekt; zet haar naam achter de server, "
            f"bijvoorbeeld {EXAMPLE_URL}"
        )
    for port in params.get("port", "").split(","):
        if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
            raise OfficeBadInput(f"Adres '{text}': poort '{port}' is geen getal van 1 tot 65535")
    timeout = params.get("connect_timeout")
    if timeout is not None and not (timeout.isascii() and timeout.isdigit()):
        raise OfficeBadInput(f"Adres '{text}': connect_timeout '{timeout}' is geen aantal seconden")
    return OfficeAddress(text, params)


# --- the connection ------------------------------------------------------------------------


def with_user(url: str, login: str) -> str:
    """The address with ``login`` as the user (replacing any user in it)."""
    from urllib.parse import quote, urlsplit

    parts = urlsplit(url.strip())
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{quote(login, safe='')}@{host}").geturl()


def address_user(url: str) -> str | None:
    """The user named in the address, if any."""
    from urllib.parse import unquote, urlsplit

    netloc = urlsplit(url.strip()).netloc
    return unquote(netloc.rsplit("@", 1)[0]) if "@" in netloc else None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _needs_password(error: BaseException) -> bool:
    return "no password supplied" in str(error)


def connect(
    address: OfficeAddress,
    *,
    password: str | None = None,
    ask_password: Callable[[str], str | None] | None = None,
) -> psycopg.Connection[Any]:
    """Connect (autocommit: every change runs in an explicit transaction) within
    ``CONNECT_TIMEOUT_S`` seconds unless the address sets its own ``connect_timeout``.
    ``password`` (from MDB_TRIAGE_PASSWORD) or, when the server asks for one and there is
    none, ``ask_password(prompt)``. Raises :class:`OfficeUnreachable` in Dutch."""
    import psycopg

    params: dict[str, Any] = dict(address.params)
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
    params.setdefault("application_name", "mdb-triage")
    # A dropped connection is noticed within seconds, not after the system's two hours.
    params.setdefault("keepalives", "1")
    params.setdefault("keepalives_idle", "5")
    params.setdefault("keepalives_interval", "2")
    params.setdefault("keepalives_count", "3")
    # The werkvoorraad's query is estimated expensive at a quarter of a million cases, and the
    # server would compile it to machine code every time (some 0.4 s) to save less than that.
    if "jit" not in params.get("options", ""):
        params["options"] = f"{params.get('options', '')} -c jit=off".strip()
    # The access log's chain is read after its lock, which only READ COMMITTED sees (db/pg/0011):
    # whatever the server, the database, the login or the address sets as the default.
    params["options"] = (
        f"{params.get('options', '')} -c default_transaction_isolation=read\\ committed".strip()
    )
    if password is not None:
        params["password"] = password
    try:
        return psycopg.connect(autocommit=True, **params)
    except psycopg.OperationalError as error:
        if password is None and ask_password is not None and _needs_password(error):
            user = address.params.get("user") or "uw gebruiker"
            given = ask_password(f"Wachtwoord voor {user} ({address.where}): ")
            if given:
                return connect(address, password=given)
        raise _unreachable(address, error) from None


def _unreachable(address: OfficeAddress, error: Exception) -> OfficeUnreachable:
    state = getattr(error, "sqlstate", None)
    detail = _first_line(error)
    user = address.params.get("user")
    if state in ("28P01", "28000") or _needs_password(error):
        why = (
            f"de server weigert de aanmelding{' van ' + user if user else ''} "
            "(wachtwoord onjuist of ontbreekt, of geen toegang volgens pg_hba.conf)"
        )
    elif state == "3D000":
        why = "die database bestaat niet op de server (IT maakt haar aan, zie de README)"
    elif 'role "' in detail and "does not exist" in detail:
        why = f"de server kent de login{' ' + user if user else ''} niet"
    elif state == "42501" or "permission denied for database" in detail:
        why = "u heeft geen toegang tot die database (geen CONNECT-recht)"
    else:
        why = "de server is niet bereikbaar"
    return OfficeUnreachable(f"Kantooropslag ({address.where}): {why}. Melding: {detail}")


# --- the migration ladder ------------------------------------------------------------------


def office_migrations() -> list[Migration]:
    """The office store's ladder shipped in ``db/pg/``, in order."""
    found: list[Migration] = []
    for entry in resources.files("mdbtriage.db").joinpath("pg").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError("twee migraties van de kantooropslag hebben hetzelfde nummer")
    return found


def applied_versions(conn: psycopg.Connection[Any]) -> set[int]:
    row = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return set()
    return {int(r[0]) for r in conn.execute("SELECT version FROM schema_migrations")}


def check_schema_version(conn: psycopg.Connection[Any], address: OfficeAddress) -> int:
    """The office store's schema version; raises :class:`OfficeTooNew` when a newer program
    wrote it (nothing is changed then)."""
    current = max(applied_versions(conn), default=0)
    newest = office_migrations()[-1].version
    if current > newest:
        raise OfficeTooNew(
            f"Kantooropslag ({address.where}) is bijgewerkt door een nieuwere versie van "
            f"MDB Triage (schemaversie {current}; deze versie kent tot en met {newest}). "
            "Werk MDB Triage op deze werkplek bij (alle werkplekken tegelijk); de opslag is "
            "niet gewijzigd."
        )
    return current


def _foreign_tables(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v') "
        "ORDER BY c.relname"
    ).fetchall()
    return [str(r[0]) for r in rows]


def apply_ladder(conn: psycopg.Connection[Any], address: OfficeAddress) -> list[Migration]:
    """Apply the steps not yet applied, each in its own transaction, recorded in
    ``schema_migrations``; returns the steps applied. Refuses a newer schema and a database
    that holds another program's tables."""
    current = check_schema_version(conn, address)
    if current == 0 and not applied_versions(conn):
        foreign = _foreign_tables(conn)
        if foreign:
            raise OfficeRefused(
                f"Kantooropslag ({address.where}): de database bevat al tabellen die niet van "
                f"MDB Triage zijn ({', '.join(foreign[:5])}{', …' if len(foreign) > 5 else ''}); "
                "kies een lege database"
            )
    with conn.transaction():
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)"
        )
    applied: list[Migration] = []
    for migration in office_migrations():
        if migration.version in applied_versions(conn):
            continue
        try:
            with conn.transaction():
                conn.execute(migration.sql.encode("utf-8"))
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, utc_now()),
                )
        except _db_errors() as error:
            raise OfficeError(
                f"Kantooropslag ({address.where}): migratie {migration.version:04d} "
                f"({migration.name}) is mislukt: {_first_line(error)}; deze stap is "
                "teruggedraaid, de eerdere stappen blijven staan"
            ) from None
        applied.append(migration)
    return applied


def _db_errors() -> tuple[type[Exception], ...]:
    import psycopg

    return (psycopg.Error,)


# --- roles and grants ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficeRoles:
    """The server-wide roles of one office store, named after its database."""

    database: str

    @property
    def app(self) -> str:
        return f"{self.database}_{APP_ROLE_SUFFIX}"

    def group(self, role: str) -> str:
        """The group role of a staff role (``VA`` → ``<database>_va``)."""
        return f"{self.database}_{role.lower()}"

    @property
    def groups(self) -> dict[str, str]:
        return {role: self.group(role) for role in ROLES}

    def all(self) -> list[str]:
        return [self.app, *self.groups.values()]


def check_database_name(address: OfficeAddress) -> OfficeRoles:
    name = address.dbname
    if not _DATABASE_NAME.match(name):
        raise OfficeBadInput(
            f"Adres '{address.url}': database '{name}' kan geen kantooropslag zijn: gebruik een "
            "naam van kleine letters, cijfers en _ (begint met een letter, hoogstens 50 tekens), "
            "bijvoorbeeld mdb_triage. De rollen op de server worden naar de database genoemd "
            "(mdb_triage_app, mdb_triage_va, …), zodat twee kantooropslagen op één server "
            "elkaars rollen niet delen."
        )
    return OfficeRoles(name)


def _role_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def _is_member(conn: psycopg.Connection[Any], member: str, group: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM pg_auth_members m "
        "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
        "WHERE g.rolname = %s AND r.rolname = %s",
        (group, member),
    ).fetchone()
    return row is not None


def _privileges(conn: psycopg.Connection[Any]) -> set[tuple[str, ...]]:
    """Every privilege granted on the database, the schema and its tables and sequences, as a
    set (the order of PostgreSQL's ACL entries does not matter)."""
    rows = conn.execute(
        """
        SELECT 'database', d.datname, a.grantee::regrole::text, a.privilege_type,
               a.is_grantable::text
        FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = current_database()
        UNION ALL
        SELECT 'schema', n.nspname, a.grantee::regrole::text, a.privilege_type,
               a.is_grantable::text
        FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = current_schema()
        UNION ALL
        SELECT c.relkind::text, c.relname, a.grantee::regrole::text, a.privilege_type,
               a.is_grantable::text
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'S')
        """
    ).fetchall()
    return {tuple(str(v) for v in row) for row in rows}


def _grant_statements(conn: psycopg.Connection[Any], roles: OfficeRoles) -> list[Any]:
    from psycopg import sql

    app = sql.Identifier(roles.app)
    database = sql.Identifier(roles.database)
    row = conn.execute("SELECT current_schema()").fetchone()
    schema = sql.Identifier(str(row[0]) if row else "public")
    # What a login writes of an access-log record: every column but its number.
    log_columns = [
        str(r[0])
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = 'audit_log' AND column_name <> 'log_id' "
            "ORDER BY ordinal_position"
        )
    ]

    def tables(names: tuple[str, ...]) -> sql.Composed:
        return sql.SQL(", ").join(sql.Identifier(n) for n in names)

    return [
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database),
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(database, app),
        sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(schema),
        sql.SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(schema, app),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, app),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM PUBLIC, {}").format(schema, app),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
            schema, app
        ),
        sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(tables(APPEND_ONLY), app),
        # The log's numbers are the sequence's: a login that gave its own could put the next
        # number out of reach (the sequence's last value) and so stop every later record.
        sql.SQL("REVOKE INSERT ON audit_log FROM {}").format(app),
        sql.SQL("GRANT INSERT ({}) ON audit_log TO {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in log_columns), app
        ),
        sql.SQL("REVOKE INSERT, UPDATE, DELETE ON {} FROM {}").format(tables(READ_ONLY), app),
        sql.SQL("REVOKE ALL ON {} FROM {}").format(tables(NO_ACCESS), app),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM PUBLIC, {}").format(schema, app),
        sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, app),
    ]


def _check_owner(conn: psycopg.Connection[Any], address: OfficeAddress) -> tuple[str, bool]:
    """The signed-in login and whether it may create roles; refuses anyone but the owner."""
    row = conn.execute(
        "SELECT current_user, r.rolsuper, r.rolcreaterole, "
        "       pg_has_role(current_user, d.datdba, 'MEMBER'), d.datdba::regrole::text, "
        "       pg_encoding_to_char(d.encoding), current_setting('server_version_num')::int "
        "FROM pg_roles r, pg_database d "
        "WHERE r.rolname = current_user AND d.datname = current_database()"
    ).fetchone()
    assert row is not None
    user, superuser, createrole, owner, owner_name, encoding, version = row
    if int(version) < MIN_SERVER_VERSION:
        raise OfficeRefused(
            f"Kantooropslag ({address.where}): de server draait PostgreSQL "
            f"{int(version) // 10000}; de kantooropslag vraagt PostgreSQL 15 of nieuwer"
        )
    if not (superuser or owner):
        raise OfficeRefused(
            f"Kantooropslag ({address.where}): server-init voert de eigenaar van de database "
            f"uit ({owner_name}), niet {user}: gebruik de login van de eigenaar (IT)"
        )
    if encoding != "UTF8":
        raise OfficeRefused(
            f"Kantooropslag ({address.where}): de database heeft tekencodering {encoding}; "
            "maak haar aan met ENCODING 'UTF8' (zie de README)"
        )
    return str(user), bool(superuser or createrole)


@contextmanager
def _init_lock(conn: psycopg.Connection[Any]) -> Iterator[None]:
    conn.execute("SELECT pg_advisory_lock(%s, %s)", _INIT_LOCK)
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s, %s)", _INIT_LOCK)


def _check_team_lead(conn: psycopg.Connection[Any], roles: OfficeRoles, staff_id: str) -> None:
    bad = not staff_id or len(staff_id.encode("utf-8")) > 63
    if bad or any(unicodedata.category(ch).startswith("C") for ch in staff_id):
        raise OfficeBadInput(
            f"Optie --team-lead, waarde {staff_id!r}: geef het personeelsnummer van de "
            "teamleider (hoogstens 63 tekens, zonder stuurtekens)"
        )
    row = conn.execute(
        "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (staff_id,)
    ).fetchone()
    if row is None:
        raise OfficeBadInput(
            f"Optie --team-lead, waarde '{staff_id}': er is op de server geen databaselogin "
            f"'{staff_id}'. Maak die eerst aan (CREATE ROLE \"{staff_id}\" LOGIN PASSWORD …, "
            "zie de README) en voer server-init opnieuw uit."
        )
    if staff_id in roles.all() or not row[0]:
        raise OfficeBadInput(
            f"Optie --team-lead, waarde '{staff_id}': dat is geen login van een persoon "
            "(een groepsrol of een rol zonder LOGIN)"
        )
    known = conn.execute("SELECT to_regclass('staff') IS NOT NULL").fetchone()
    if known and known[0]:
        staff = conn.execute("SELECT role FROM staff WHERE staff_id = %s", (staff_id,)).fetchone()
        if staff is not None and staff[0] != "TL":
            raise OfficeRefused(
                f"Optie --team-lead, waarde '{staff_id}': deze medewerker heeft de rol "
                f"{staff[0]}, geen TL (teamleider)"
            )


@dataclass
class InitReport:
    """What ``server-init`` did, for the message to IT."""

    where: str
    schema_from: int = 0
    schema_to: int = 0
    migrations: list[Migration] = field(default_factory=list)
    roles_created: list[str] = field(default_factory=list)
    memberships: list[str] = field(default_factory=list)
    privileges_changed: int = 0
    team_lead: str | None = None
    keys_filled: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.migrations
            or self.roles_created
            or self.memberships
            or self.privileges_changed
            or self.keys_filled
        )

    def lines(self) -> list[str]:
        if not self.changed:
            return [
                f"Kantooropslag ({self.where}) is al bij: schemaversie {self.schema_to}, "
                "rollen en rechten in orde. Niets gewijzigd."
            ]
        out = [f"Kantooropslag ({self.where}) ingericht:"]
        if self.migrations:
            steps = ", ".join(f"{m.version:04d} {m.name}" for m in self.migrations)
            verb = "aangemaakt" if self.schema_from == 0 else "bijgewerkt"
            out.append(
                f"  schema {verb} van versie {self.schema_from} naar {self.schema_to} ({steps})"
            )
        else:
            out.append(f"  schema: al op versie {self.schema_to}")
        if self.keys_filled:
            out.append(
                f"  sorteersleutel van het zaaknummer aangevuld bij {self.keys_filled} zaken "
                "(opgeslagen vóór schemaversie 7)"
            )
        if self.roles_created:
            out.append(f"  rollen aangemaakt: {', '.join(self.roles_created)}")
        if self.memberships:
            out.append(f"  lid gemaakt: {'; '.join(self.memberships)}")
        if self.privileges_changed:
            out.append(
                "  rechten ingesteld op database, schema, tabellen en reeksen "
                f"({self.privileges_changed} rechten toegekend of ingetrokken)"
            )
        return out


def server_init(
    url: str | OfficeAddress,
    team_lead: str | None = None,
    *,
    password: str | None = None,
    ask_password: Callable[[str], str | None] | None = None,
) -> InitReport:
    """Create or upgrade the office store at ``url``: the schema (the ``db/pg`` ladder), the
    group roles per staff role and the application's grants; with ``team_lead`` that login
    joins the team leads' group. Idempotent: a second run changes nothing and says so.
    Raises :class:`OfficeError` subclasses (Dutch, with their exit code)."""
    address = url if isinstance(url, OfficeAddress) else parse_url(url)
    roles = check_database_name(address)
    conn = connect(address, password=password, ask_password=ask_password)
    try:
        _, may_create_roles = _check_owner(conn, address)
        with _init_lock(conn):
            if team_lead is not None:
                _check_team_lead(conn, roles, team_lead)
            missing = [name for name in roles.all() if not _role_exists(conn, name)]
            if missing and not may_create_roles:
                raise OfficeRefused(
                    f"Kantooropslag ({address.where}): de eigenaar mag geen rollen aanmaken; "
                    f"nodig zijn {', '.join(missing)}. Geef de eigenaar CREATEROLE "
                    "(ALTER ROLE … CREATEROLE, zie de README) of laat IT deze rollen aanmaken."
                )
            report = InitReport(address.where, schema_from=check_schema_version(conn, address))
            report.migrations = apply_ladder(conn, address)
            report.schema_to = max(applied_versions(conn), default=0)
            report.keys_filled = _fill_reference_keys(conn)
            _roles_and_grants(conn, roles, report, team_lead)
        return report
    except _db_errors() as error:
        raise OfficeError(
            f"Kantooropslag ({address.where}): server-init is mislukt: {_first_line(error)}"
        ) from None
    finally:
        conn.close()


def _fill_reference_keys(conn: psycopg.Connection[Any]) -> int:
    """Give the cases stored before step 7 the natural key of their reference (``ref_key``),
    which the program writes with every case it stores since: the database orders the
    werkvoorraad by it (the first screenful, the own team's positions among all teams), and a
    case without one would sort last among its class and receipt date. The key is Python's
    (``core.ordering.natural_key``), so it is computed here; one statement. Returns how many."""
    from mdbtriage.core.ordering import natural_key

    refs = [str(r[0]) for r in conn.execute("SELECT case_ref FROM cases WHERE ref_key IS NULL")]
    if refs:
        with conn.transaction():
            conn.execute(
                "UPDATE cases c SET ref_key = k.key FROM unnest(%s::text[], %s::text[]) "
                "AS k(ref, key) WHERE c.case_ref = k.ref AND c.ref_key IS NULL",
                (refs, [natural_key(ref) for ref in refs]),
            )
    return len(refs)


def _roles_and_grants(
    conn: psycopg.Connection[Any], roles: OfficeRoles, report: InitReport, team_lead: str | None
) -> None:
    from psycopg import sql

    with conn.transaction():
        for name in roles.all():
            if not _role_exists(conn, name):
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
                what = (
                    "de rechten van de toepassing"
                    if name == roles.app
                    else f"groep {name.rsplit('_', 1)[1].upper()}"
                )
                conn.execute(
                    sql.SQL("COMMENT ON ROLE {} IS {}").format(
                        sql.Identifier(name),
                        sql.Literal(f"MDB Triage, kantooropslag {roles.database}: {what}"),
                    )
                )
                report.roles_created.append(name)
        for group in roles.groups.values():
            if not _is_member(conn, group, roles.app):
                conn.execute(
                    sql.SQL("GRANT {} TO {}").format(
                        sql.Identifier(roles.app), sql.Identifier(group)
                    )
                )
                report.memberships.append(f"{group} in {roles.app}")
        if team_lead is not None:
            report.team_lead = team_lead
            tl_group = roles.group("TL")
            if not _is_member(conn, team_lead, tl_group):
                conn.execute(
                    sql.SQL("GRANT {} TO {}").format(
                        sql.Identifier(tl_group), sql.Identifier(team_lead)
                    )
                )
                report.memberships.append(f"login {team_lead} in {tl_group} (teamleider)")
        before = _privileges(conn)
        for statement in _grant_statements(conn, roles):
            conn.execute(statement)
        _install_login_functions(conn, roles)
        after = _privileges(conn)
        report.privileges_changed = len(before ^ after)
        if report.changed:
            # The set-up is in the store's own access log, under the database login that ran
            # it (the owner: IT, not a staff member), in the transaction of the roles and grants.
            conn.execute(
                "INSERT INTO audit_log (at, event, user_id, user_name, role, outcome, purpose, "
                "details) VALUES (%s, 'change', 'db:' || current_user, current_user, "
                "'eigenaar', 'gelukt', 'kantooropslag inrichten (server-init)', %s)",
                (utc_now(), "\n".join(line.strip() for line in report.lines()[1:])),
            )


def _install_login_functions(conn: psycopg.Connection[Any], roles: OfficeRoles) -> None:
    """The functions through which team leads manage logins (``db/pg/server.sql``, which also
    sets the access log's user from the login and sends the change notifications), replaced on
    every run, callable by the team leads' group; a person's own password by everyone."""
    from psycopg import sql

    text = resources.files("mdbtriage.db").joinpath("pg", "server.sql").read_text("utf-8")
    conn.execute(text.encode("utf-8"))
    tl, app = sql.Identifier(roles.group("TL")), sql.Identifier(roles.app)
    conn.execute(
        sql.SQL(
            "GRANT EXECUTE ON FUNCTION mdb_login_sync(text), "
            "mdb_login_set(text, text, integer) TO {}"
        ).format(tl)
    )
    conn.execute(
        sql.SQL("GRANT EXECUTE ON FUNCTION mdb_login_own_password(text) TO {}").format(app)
    )
    # Read-only for the application (the grants above cover all tables on a second run).
    conn.execute(sql.SQL("REVOKE ALL ON mdb_logins FROM {}").format(app))
    conn.execute(sql.SQL("GRANT SELECT ON mdb_logins TO {}").format(app))
