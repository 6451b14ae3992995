"""server-init on a PostgreSQL server: schema, group roles and grants, idempotent; the
application's logins cannot change or remove the access log and the task versions; an older
program refuses a newer schema; two office stores on one server keep apart."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from psycopg import sql

from mdbtriage.cli import main
from mdbtriage.core.model import ROLES
from mdbtriage.core.ordering import natural_key
from mdbtriage.store.audit_chain import FIELDS, chain_hash
from mdbtriage.store.office import office_migrations, server_init
from tests.office.conftest import OfficeDb

RECORD = (
    "INSERT INTO audit_log (at, event, user_id, user_name, role, outcome, purpose) "
    "VALUES ('2026-01-05T10:00:00Z', 'read', 'VA1', 'Arts', 'VA', 'gelukt', 'zorg')"
)
APPEND_ONLY_CHANGES = [
    "UPDATE audit_log SET purpose = 'anders'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "UPDATE task_versions SET result = 'anders'",
    "DELETE FROM task_versions",
    "TRUNCATE task_versions",
]


def _state(db: OfficeDb) -> dict[str, Any]:
    """What server-init sets: the schema's steps, the roles and memberships, every grant."""
    with db.connect() as conn:
        roles = conn.execute(
            "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE %s ORDER BY 1",
            (db.name + "\\_%",),
        ).fetchall()
        members = conn.execute(
            "SELECT g.rolname, r.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = "
            "m.roleid JOIN pg_roles r ON r.oid = m.member WHERE g.rolname LIKE %s ORDER BY 1, 2",
            (db.name + "\\_%",),
        ).fetchall()
        steps = conn.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
        # Each table's and column's privileges as sets (the order of ACL entries means nothing).
        acl = conn.execute(
            "SELECT c.relname, (SELECT array_agg(x::text ORDER BY x::text) "
            "FROM unnest(c.relacl) x), (SELECT array_agg(a.attname || ':' || y::text "
            "ORDER BY a.attname, y::text) FROM pg_attribute a, unnest(a.attacl) y "
            "WHERE a.attrelid = c.oid) FROM pg_class c WHERE c.relnamespace = "
            "current_schema()::regnamespace AND c.relkind IN ('r', 'S') ORDER BY 1"
        ).fetchall()
        datacl = conn.execute(
            "SELECT datacl::text FROM pg_database WHERE datname = current_database()"
        ).fetchall()
    return {"roles": roles, "members": members, "steps": steps, "acl": acl, "db": datacl}


def test_server_init_creates_the_store_and_a_second_run_changes_nothing(
    blank_db: OfficeDb, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server-init", blank_db.url]) == 0
    first = capsys.readouterr().err
    assert "schema aangemaakt van versie 0 naar" in first
    roles = blank_db.roles
    assert roles.app in first and roles.group("VA") in first and roles.group("PO") in first
    state = _state(blank_db)
    assert [v for v, _ in state["steps"]] == [m.version for m in office_migrations()]
    assert {name for name, _ in state["roles"]} == {roles.app, *(roles.group(r) for r in ROLES)}
    assert not any(login for _, login in state["roles"])  # groups, not logins
    assert sorted(state["members"]) == sorted((roles.app, roles.group(r)) for r in ROLES)

    with blank_db.connect() as owner:
        logged = owner.execute("SELECT user_id, event, purpose, details FROM audit_log").fetchall()
    assert len(logged) == 1
    assert logged[0][:3] == ("db:postgres", "change", "kantooropslag inrichten (server-init)")
    assert roles.app in logged[0][3]

    assert main(["server-init", blank_db.url]) == 0
    second = capsys.readouterr().err
    assert "Niets gewijzigd" in second
    assert _state(blank_db) == state
    with blank_db.connect() as owner:
        assert owner.execute("SELECT count(*) FROM audit_log").fetchone() == (1,)


def test_an_application_login_cannot_change_or_remove_the_log_or_task_versions(
    office_db: OfficeDb,
) -> None:
    login = office_db.login("jan", office_db.roles.group("VA"))
    with office_db.connect() as owner:
        owner.execute("INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')")
        owner.execute(
            "INSERT INTO staff (staff_id, name, role, team_id, big_number) "
            "VALUES ('VA1', 'Arts', 'VA', 'T1', '12345678901')"
        )
        owner.execute("INSERT INTO clients (bsn, name) VALUES ('123456782', 'Cliënt')")
    with office_db.connect(login) as app:
        # The daily work: read and write cases and tasks, add to the log and the versions.
        app.execute(
            "INSERT INTO cases (case_ref, client_id, service, received_on, team_id) "
            "SELECT 'R-1', client_id, 'WIA_CLAIM', '2026-01-05', 'T1' FROM clients"
        )
        app.execute("UPDATE cases SET status = 'in_behandeling' WHERE case_ref = 'R-1'")
        task = app.execute(
            "INSERT INTO tasks (case_ref, task_code, assignee_id, permission, ruleset_id, "
            "decision_reason, assigned_on, created_by, created_at, updated_at) VALUES ('R-1', "
            "'MO', 'VA1', 'zelfstandig', 'r', 'eigen', '2026-01-05', 'VA1', 'x', 'x') "
            "RETURNING task_id"
        ).fetchone()
        assert task is not None
        app.execute(
            "INSERT INTO task_versions (task_id, kind, author_id, result, created_at) "
            "VALUES (%s, 'ingeleverd', 'VA1', 'uitslag', 'x')",
            (task[0],),
        )
        app.execute(RECORD)
        for statement in [
            *APPEND_ONLY_CHANGES,
            "INSERT INTO audit_chain (log_id, hash) VALUES (999, 'vals')",
            "UPDATE audit_chain SET hash = 'vals'",
            "UPDATE schema_migrations SET version = 99",
            "SELECT password_hash FROM accounts",
            "TRUNCATE cases CASCADE",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
        ]:
            with pytest.raises(psycopg.Error) as refused:
                app.execute(statement)
            assert refused.value.sqlstate == "42501", statement
        # The chain was written for the login's record (after server-init's), by the owner's
        # function.
        assert app.execute("SELECT count(*) FROM audit_chain").fetchone() == (2,)
    with office_db.connect() as owner:
        # The owner is refused by the triggers (an integrity error, in Dutch).
        for statement in APPEND_ONLY_CHANGES:
            with pytest.raises(psycopg.errors.IntegrityError) as refused:
                owner.execute(statement)
            assert "niet toegestaan" in str(refused.value), statement
        assert owner.execute("SELECT count(*) FROM audit_log").fetchone() == (2,)
        assert owner.execute("SELECT count(*) FROM task_versions").fetchone() == (1,)


def test_a_login_outside_the_groups_cannot_connect(office_db: OfficeDb) -> None:
    stranger = office_db.login("vreemde")
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        office_db.connect(stranger).close()


def test_two_office_stores_on_one_server_share_no_roles(
    office_db: OfficeDb, blank_db: OfficeDb
) -> None:
    server_init(blank_db.url)
    assert set(office_db.roles.all()).isdisjoint(blank_db.roles.all())
    login = office_db.login("piet", office_db.roles.group("SMV"))
    office_db.connect(login).close()
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        blank_db.connect(login).close()


def test_the_chain_is_the_one_the_workstation_store_computes_and_writers_queue(
    office_db: OfficeDb,
) -> None:
    """Records written by two workstations at once form one chain, hash for hash as
    audit_chain.chain_hash computes it (so a log carried over keeps its chain)."""
    login = office_db.login("ans", office_db.roles.group("MS"))
    first = office_db.connect(login)
    first.autocommit = False
    first.execute(RECORD)  # holds the chain's lock until commit
    done = threading.Event()

    def second_writer() -> None:
        with office_db.connect(login) as second:
            second.execute(RECORD.replace("'zorg'", "'tweede'"))
        done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not done.wait(0.5)  # waits for the first writer
    first.commit()
    first.close()
    thread.join(10)
    assert done.is_set()
    with office_db.connect() as owner:
        rows = owner.execute(
            f"SELECT {', '.join(FIELDS)}, c.hash FROM audit_log a JOIN audit_chain c "
            "USING (log_id) ORDER BY log_id"
        ).fetchall()
    purposes = [r[FIELDS.index("purpose")] for r in rows]
    assert purposes == ["kantooropslag inrichten (server-init)", "zorg", "tweede"]
    previous = ""
    for row in rows:
        assert row[-1] == chain_hash(previous, *row[:-1])
        previous = row[-1]


def _chain_holds(conn: psycopg.Connection[Any]) -> list[str]:
    """The purposes of the log in number order, after checking every hash against
    audit_chain.chain_hash."""
    rows = conn.execute(
        f"SELECT {', '.join(FIELDS)}, c.hash FROM audit_log a JOIN audit_chain c "
        "USING (log_id) ORDER BY log_id"
    ).fetchall()
    previous = ""
    for row in rows:
        assert row[-1] == chain_hash(previous, *row[:-1])
        previous = row[-1]
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (len(rows),)
    return [r[FIELDS.index("purpose")] for r in rows]


def test_a_batch_written_by_one_statement_is_chained_record_for_record(
    office_db: OfficeDb,
) -> None:
    """A statement of many records (as an import writes them) is chained in number order,
    with NULLs, empty texts and non-ASCII text as the workstation store chains them."""
    login = office_db.login("ans", office_db.roles.group("MS"))
    with office_db.connect(login) as app:
        app.execute(RECORD)
        app.execute(
            "INSERT INTO audit_log (at, event, client_id, case_ref, user_id, user_name, role, "
            "on_behalf_of, outcome, purpose, details) SELECT '2026-01-05T10:00:00Z', 'read', "
            "CASE WHEN g % 3 = 0 THEN NULL ELSE g END, 'R-' || g, 'x', 'x', 'x', "
            "CASE WHEN g % 2 = 0 THEN 'VA1' END, 'gelukt', 'partij ' || g, "
            "CASE WHEN g % 4 = 0 THEN '' ELSE 'één ' || repeat('é', g) END "
            "FROM generate_series(1, 250) g ORDER BY g DESC"
        )
        app.execute(RECORD.replace("'zorg'", "'daarna'"))
    with office_db.connect() as owner:
        purposes = _chain_holds(owner)
    assert purposes[:2] == ["kantooropslag inrichten (server-init)", "zorg"]
    assert len(purposes) == 253 and purposes[-1] == "daarna"


def test_a_record_numbered_before_the_chain_is_refused_and_a_later_number_moves_on(
    office_db: OfficeDb,
) -> None:
    with office_db.connect() as owner:
        # A number drawn before another writer's record was chained comes too late.
        drawn = owner.execute(
            "SELECT nextval(pg_get_serial_sequence('audit_log', 'log_id'))"
        ).fetchone()[0]
        owner.execute(RECORD)
        last = owner.execute("SELECT max(log_id) FROM audit_log").fetchone()[0]
        assert last > drawn
        with pytest.raises(psycopg.errors.IntegrityError, match="komt niet na het laatste"):
            owner.execute(
                RECORD.replace("(at,", "(log_id, at,").replace("VALUES (", f"VALUES ({drawn}, ")
            )
        owner.execute(
            RECORD.replace("(at,", "(log_id, at,").replace("VALUES (", f"VALUES ({last + 50}, ")
        )
        owner.execute(RECORD.replace("'zorg'", "'daarna'"))
        numbers = [r[0] for r in owner.execute("SELECT log_id FROM audit_log ORDER BY log_id")]
        assert numbers[-2:] == [last + 50, last + 51]
        assert _chain_holds(owner)[-1] == "daarna"


def test_a_login_cannot_write_the_log_outside_its_chain(office_db: OfficeDb) -> None:
    """A login's own temporary table named like the chain does not take the chain's place; a
    login cannot number a record itself (which could put the next number out of reach); and
    the log is written only at READ COMMITTED, where the chain's last hash is read after the
    lock (one snapshot for the whole transaction could fork the chain)."""
    login = office_db.login("ans", office_db.roles.group("MS"))
    with office_db.connect(login) as app:
        app.execute("CREATE TEMP TABLE audit_chain (log_id bigint, hash text)")
        app.execute(RECORD)
        assert app.execute("SELECT count(*) FROM pg_temp.audit_chain").fetchone() == (0,)
        with pytest.raises(psycopg.Error) as numbered:
            app.execute(
                RECORD.replace("(at,", "(log_id, at,").replace(
                    "VALUES (", "VALUES (9223372036854775807, "
                )
            )
        assert numbered.value.sqlstate == "42501"
    with office_db.connect(login) as app:
        app.autocommit = False
        app.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.Error, match="READ COMMITTED"):
            app.execute(RECORD)
        app.rollback()
    with office_db.connect() as owner:
        assert _chain_holds(owner) == ["kantooropslag inrichten (server-init)", "zorg"]
        owner.execute(RECORD.replace("'zorg'", "'daarna'"))  # the sequence still has room
        assert _chain_holds(owner)[-1] == "daarna"


def test_the_program_writes_the_log_at_read_committed_whatever_the_default(
    office_db: OfficeDb,
) -> None:
    """A server, database or address that makes another isolation level the default does not
    stop the program's log writes: its connections ask for READ COMMITTED."""
    from mdbtriage.core.model import Actor
    from mdbtriage.store.audit import AuditEntry, log
    from mdbtriage.store.office_store import OfficeStore

    with office_db.connect() as owner:
        owner.execute(
            sql.SQL("ALTER DATABASE {} SET default_transaction_isolation = 'serializable'").format(
                sql.Identifier(office_db.name)
            )
        )
    store = OfficeStore.open_url(office_db.url)
    try:
        assert store.conn.execute("SHOW default_transaction_isolation").fetchone() == (
            "read committed",
        )
        with store.atomic() as conn:
            log(conn, Actor.database_owner("eigenaar"), AuditEntry(event="read", purpose="zorg"))
    finally:
        store.close()
    with office_db.connect() as owner:
        assert _chain_holds(owner)[-1] == "zorg"


def test_an_older_program_refuses_a_newer_schema_and_changes_nothing(
    office_db: OfficeDb, capsys: pytest.CaptureFixture[str]
) -> None:
    with office_db.connect() as owner:
        owner.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) "
            "VALUES (9999, 'toekomst', '2030-01-01')"
        )
    before = _state(office_db)
    assert main(["server-init", office_db.url]) == 3
    err = capsys.readouterr().err
    assert "nieuwere versie van MDB Triage" in err and "9999" in err
    assert "Traceback" not in err
    assert _state(office_db) == before


def test_only_the_owner_runs_server_init(
    office_db: OfficeDb, capsys: pytest.CaptureFixture[str]
) -> None:
    login = office_db.login("hanna", office_db.roles.group("TL"))
    url = office_db.url.replace("postgres@", f"{login}@", 1)
    assert main(["server-init", url]) == 3
    assert "eigenaar van de database" in capsys.readouterr().err


def test_a_database_of_another_program_is_left_alone(
    blank_db: OfficeDb, capsys: pytest.CaptureFixture[str]
) -> None:
    with blank_db.connect() as owner:
        owner.execute("CREATE TABLE facturen (id integer)")
    assert main(["server-init", blank_db.url]) == 3
    assert "facturen" in capsys.readouterr().err
    with blank_db.connect() as owner:
        assert owner.execute("SELECT to_regclass('audit_log')").fetchone() == (None,)


def test_the_team_lead_login_joins_the_team_leads_group(
    office_db: OfficeDb, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = f"{office_db.name}_niemand"
    assert main(["server-init", office_db.url, "--team-lead", missing]) == 2
    assert f"'{missing}'" in capsys.readouterr().err

    login = office_db.login("anna")
    assert main(["server-init", office_db.url, "--team-lead", login]) == 0
    assert f"login {login} in {office_db.roles.group('TL')}" in capsys.readouterr().err
    office_db.connect(login).close()  # a team lead may now connect
    assert main(["server-init", office_db.url, "--team-lead", login]) == 0
    assert "Niets gewijzigd" in capsys.readouterr().err

    with office_db.connect() as owner:
        owner.execute("INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')")
        other = office_db.login("bert")
        owner.execute(
            sql.SQL(
                "INSERT INTO staff (staff_id, name, role, team_id) VALUES ({}, 'Bert', 'AD', 'T1')"
            ).format(sql.Literal(other))
        )
    assert main(["server-init", office_db.url, "--team-lead", other]) == 3
    assert "geen TL" in capsys.readouterr().err


def test_the_owner_login_of_the_readme_runs_server_init_without_superuser(
    blank_db: OfficeDb, capsys: pytest.CaptureFixture[str]
) -> None:
    """README step 2: an owner login with CREATEROLE, not a superuser, owning the database."""
    owner = f"{blank_db.name}_beheer"
    with blank_db.connect() as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE").format(sql.Identifier(owner)))
        admin.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(blank_db.name), sql.Identifier(owner)
            )
        )
    url = blank_db.url.replace("postgres@", f"{owner}@", 1)
    assert main(["server-init", url]) == 0
    assert "schema aangemaakt" in capsys.readouterr().err
    assert main(["server-init", url]) == 0
    assert "Niets gewijzigd" in capsys.readouterr().err
    login = blank_db.login("kees", blank_db.roles.group("AD"))
    with blank_db.connect(login) as app:
        app.execute(RECORD)
        with pytest.raises(psycopg.Error) as refused:
            app.execute("DELETE FROM audit_log")
        assert refused.value.sqlstate == "42501"


def test_server_init_upgrades_an_older_office_store_and_keeps_its_records(
    blank_db: OfficeDb, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store at step 6 with records: server-init applies 7 to the newest, the records written
    before the chain existed get their chain (as the workstation store's step 8 computes it)."""
    ladder = office_migrations()
    with blank_db.connect() as owner:
        owner.execute(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at text NOT NULL)"
        )
        for step in ladder:
            if step.version <= 6:
                owner.execute(step.sql.encode())
                owner.execute(
                    "INSERT INTO schema_migrations VALUES (%s, %s, 'x')", (step.version, step.name)
                )
        owner.execute("INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')")
        owner.execute("INSERT INTO clients (client_id, bsn, name) VALUES (7, '123456782', 'C')")
        owner.execute(
            "INSERT INTO cases (case_ref, client_id, service, received_on, team_id, dwangsom) "
            "VALUES ('R-1', 7, 'BEZWAAR', '2026-01-05', 'T1', 1)"
        )
        for purpose in ("zorg", "controle", "export"):
            owner.execute(RECORD.replace("'zorg'", f"'{purpose}'"))
    assert main(["server-init", blank_db.url]) == 0
    err = capsys.readouterr().err
    assert f"schema bijgewerkt van versie 6 naar {ladder[-1].version}" in err
    # The case stored before step 7 gets its reference's natural key, by which the database
    # orders the werkvoorraad as the policy does.
    assert "sorteersleutel van het zaaknummer aangevuld bij 1 zaken" in err
    with blank_db.connect() as owner:
        assert owner.execute("SELECT dwangsom_kind FROM cases").fetchone() == ("bestuurlijk",)
        assert owner.execute("SELECT ref_key FROM cases").fetchone() == (natural_key("R-1"),)
        rows = owner.execute(
            f"SELECT {', '.join(FIELDS)}, c.hash FROM audit_log a JOIN audit_chain c "
            "USING (log_id) ORDER BY log_id"
        ).fetchall()
        assert [r[FIELDS.index("purpose")] for r in rows] == [
            "zorg",
            "controle",
            "export",
            "kantooropslag inrichten (server-init)",
        ]
        previous = ""
        for row in rows:
            assert row[-1] == chain_hash(previous, *row[:-1])
            previous = row[-1]
        owner.execute(RECORD)  # the chain goes on after the carried records
        last = owner.execute(
            f"SELECT {', '.join(FIELDS)}, c.hash FROM audit_log a JOIN audit_chain c "
            "USING (log_id) ORDER BY log_id DESC LIMIT 1"
        ).fetchone()
        assert last is not None and last[-1] == chain_hash(previous, *last[:-1])


def test_a_part_written_while_another_workstation_closes_the_mdb_is_refused(
    office_db: OfficeDb,
) -> None:
    """The chair closes the MDB at one seat while a colleague adds an attendee at another: the
    addition waits for the close and is then refused, never slipped into a closed MDB."""
    login = office_db.login("els", office_db.roles.group("VA"))
    with office_db.connect() as owner:
        owner.execute("INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')")
        owner.execute(
            "INSERT INTO staff (staff_id, name, role, team_id, big_number) "
            "VALUES ('VA1', 'Arts', 'VA', 'T1', '12345678901')"
        )
        owner.execute(
            "INSERT INTO meetings (meeting_id, team_id, held_on, created_by) "
            "VALUES (1, 'T1', '2026-01-06', 'VA1')"
        )
    chair = office_db.connect(login)
    chair.autocommit = False
    chair.execute("UPDATE meetings SET status = 'gesloten' WHERE meeting_id = 1")
    outcome: list[BaseException | None] = []

    def colleague() -> None:
        with office_db.connect(login) as other:
            try:
                other.execute(
                    "INSERT INTO meeting_attendees (meeting_id, staff_id, role) "
                    "VALUES (1, 'VA1', 'VA')"
                )
                outcome.append(None)
            except psycopg.Error as error:
                outcome.append(error)

    thread = threading.Thread(target=colleague)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # waits for the chair's transaction
    chair.commit()
    chair.close()
    thread.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], psycopg.errors.IntegrityError)
    assert "gesloten" in str(outcome[0])
    with office_db.connect() as owner:
        assert owner.execute("SELECT count(*) FROM meeting_attendees").fetchone() == (0,)
