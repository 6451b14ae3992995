"""The two ladders give one schema: the workstation store (SQLite, db/) and the office store
(PostgreSQL, db/pg) have the same steps, tables, columns (with compatible types, NOT NULL and
defaults), primary keys, foreign keys, unique constraints, check constraints and indexes, and
refuse the same rows and changes."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from mdbtriage.store.database import Store, migrations
from mdbtriage.store.office import office_migrations
from tests.office.conftest import OfficeDb

# SQLite's declared type → the PostgreSQL types that hold the same values.
COMPATIBLE = {
    "TEXT": {"text"},
    "INTEGER": {"integer", "bigint", "smallint"},
    "REAL": {"double precision", "real"},
}
FK_ACTIONS = {
    "NO ACTION": "a",
    "RESTRICT": "r",
    "CASCADE": "c",
    "SET NULL": "n",
    "SET DEFAULT": "d",
}


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "werkplek.sqlite3")
    yield store
    store.close()


def _strip_literals(text: str) -> str:
    return re.sub(r"'(?:[^']|'')*'", "''", text)


def _checks_sqlite(create_sql: str) -> list[str]:
    """The CHECK expressions in a CREATE TABLE statement (balanced parentheses)."""
    text = _strip_literals(create_sql)
    found = []
    for match in re.finditer(r"\bCHECK\s*\(", text, flags=re.IGNORECASE):
        depth, start = 0, match.end() - 1
        for i in range(start, len(text)):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                found.append(text[start + 1 : i])
                break
    return found


def _default_sqlite(value: str | None) -> str | None:
    if value is None:
        return None
    if "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')" in value:
        return "mdb_utc_now()"
    return value


def _default_pg(value: str | None) -> str | None:
    return None if value is None else value.replace("::text", "")


def sqlite_schema(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    schema: dict[str, dict[str, Any]] = {}
    tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for table, create_sql in tables:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        names = [r[1] for r in info]
        pk = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        columns = {
            r[1]: (r[2].upper(), bool(r[3]) or r[1] in pk, _default_sqlite(r[4])) for r in info
        }
        fks: dict[int, list[Any]] = {}
        for r in conn.execute(f"PRAGMA foreign_key_list({table})"):
            fks.setdefault(r[0], []).append(r)
        foreign = Counter(
            (
                tuple(r[3] for r in rows),
                rows[0][2],
                tuple(r[4] for r in rows),
                FK_ACTIONS[rows[0][6]],
            )
            for rows in fks.values()
        )
        unique, indexes = Counter(), {}
        for _, name, is_unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
            cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({name})"))
            if origin == "pk":
                continue
            if is_unique:
                unique[cols] += 1
            else:
                indexes[name] = (cols, bool(partial))
        checks = Counter(
            frozenset(c for c in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expr) if c in names)
            for expr in _checks_sqlite(create_sql)
        )
        schema[table] = {
            "columns": columns,
            "order": names,
            "pk": pk,
            "fk": foreign,
            "unique": unique,
            "index": indexes,
            "check": checks,
        }
    return schema


def pg_schema(conn: psycopg.Connection[Any]) -> dict[str, dict[str, Any]]:
    schema: dict[str, dict[str, Any]] = {}
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = current_schema()::regnamespace"
        )
    ]
    for table in tables:
        info = conn.execute(
            "SELECT column_name, data_type, is_nullable = 'NO', column_default "
            "FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            (table,),
        ).fetchall()
        names = [r[0] for r in info]
        columns = {r[0]: (r[1], r[2], _default_pg(r[3])) for r in info}

        def cols(attnums: list[int], relation: str = table) -> tuple[str, ...]:
            rows = conn.execute(
                "SELECT attnum, attname FROM pg_attribute WHERE attrelid = %s::regclass",
                (relation,),
            ).fetchall()
            by_num = dict(rows)
            return tuple(by_num[n] for n in attnums)

        constraints = conn.execute(
            "SELECT contype, conkey, confrelid::regclass::text, confkey, confdeltype "
            "FROM pg_constraint WHERE conrelid = %s::regclass",
            (table,),
        ).fetchall()
        pk: tuple[str, ...] = ()
        foreign: Counter[Any] = Counter()
        checks: Counter[Any] = Counter()
        for kind, conkey, ref, confkey, on_delete in constraints:
            if kind == "p":
                pk = cols(conkey)
            elif kind == "f":
                foreign[(cols(conkey), ref, cols(confkey, ref), on_delete)] += 1
            elif kind == "c":
                checks[frozenset(cols(conkey))] += 1
        unique: Counter[Any] = Counter()
        indexes = {}
        for name, is_unique, primary, keys, partial in conn.execute(
            "SELECT c.relname, i.indisunique, i.indisprimary, i.indkey::int2[]::int[], "
            "i.indpred IS NOT NULL "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass",
            (table,),
        ):
            if primary:
                continue
            if is_unique:
                unique[cols(list(keys))] += 1
            else:
                indexes[name] = (cols(list(keys)), bool(partial))
        schema[table] = {
            "columns": columns,
            "order": names,
            "pk": pk,
            "fk": foreign,
            "unique": unique,
            "index": indexes,
            "check": checks,
        }
    return schema


def test_the_ladders_have_the_same_steps_under_the_same_numbers() -> None:
    assert [(m.version, m.name) for m in office_migrations()] == [
        (m.version, m.name) for m in migrations()
    ]


def test_the_ladders_give_the_same_tables_columns_keys_and_constraints(
    sqlite_store: Store, migrated_db: OfficeDb
) -> None:
    lite = sqlite_schema(sqlite_store.conn)
    with migrated_db.connect() as conn:
        pg = pg_schema(conn)
    assert sorted(pg) == sorted(lite)
    for table in sorted(lite):
        a, b = lite[table], pg[table]
        assert b["order"] == a["order"], table
        for column, (lite_type, lite_notnull, lite_default) in a["columns"].items():
            pg_type, pg_notnull, pg_default = b["columns"][column]
            assert pg_type in COMPATIBLE[lite_type], (table, column, lite_type, pg_type)
            assert pg_notnull == lite_notnull, (table, column, "NOT NULL")
            assert pg_default == lite_default, (table, column, "DEFAULT")
        for key in ("pk", "fk", "unique", "index", "check"):
            assert b[key] == a[key], (table, key)


def test_the_comparison_notices_a_difference(sqlite_store: Store, migrated_db: OfficeDb) -> None:
    """The comparison above is not blind: a dropped check constraint on the server shows."""
    with migrated_db.connect() as conn:
        conn.execute("ALTER TABLE staff DROP CONSTRAINT staff_big_required")
        pg = pg_schema(conn)
    assert pg["staff"]["check"] != sqlite_schema(sqlite_store.conn)["staff"]["check"]


# --- the same refusals ---------------------------------------------------------------------

SETUP = [
    "INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')",
    "INSERT INTO staff (staff_id, name, role, team_id, big_number) "
    "VALUES ('VA1', 'Arts', 'VA', 'T1', '12345678901')",
    "INSERT INTO staff (staff_id, name, role, team_id) VALUES ('AD1', 'Deskundige', 'AD', 'T1')",
    "INSERT INTO clients (client_id, bsn, name) VALUES (1, '123456782', 'Cliënt')",
    "INSERT INTO cases (case_ref, client_id, service, received_on, team_id) "
    "VALUES ('R-1', 1, 'WIA_CLAIM', '2026-01-05', 'T1')",
    "INSERT INTO tasks (task_id, case_ref, task_code, assignee_id, permission, ruleset_id, "
    "decision_reason, assigned_on, created_by, created_at, updated_at) VALUES (1, 'R-1', "
    "'MEDISCH_ONDERZOEK', 'VA1', 'zelfstandig', 'r', 'eigen', '2026-01-05', 'VA1', 'x', 'x')",
    "INSERT INTO task_versions (version_id, task_id, kind, author_id, result, created_at) "
    "VALUES (1, 1, 'ingeleverd', 'VA1', 'uitslag', 'x')",
    "INSERT INTO audit_log (at, event, user_id, user_name, role, outcome, purpose) "
    "VALUES ('2026-01-05T10:00:00Z', 'read', 'VA1', 'Arts', 'VA', 'gelukt', 'zorg')",
    "INSERT INTO meetings (meeting_id, team_id, held_on, created_by) "
    "VALUES (1, 'T1', '2026-01-06', 'VA1')",
    "INSERT INTO meeting_agenda (meeting_id, case_ref, position, status, reason) "
    "VALUES (1, 'R-1', 1, 'bespreken', 'nieuw')",
    "INSERT INTO meetings (meeting_id, team_id, held_on, created_by) "
    "VALUES (2, 'T1', '2026-01-07', 'VA1')",
    "UPDATE meetings SET status = 'gesloten' WHERE meeting_id = 1",
]

ACCEPTED = [
    "INSERT INTO central_decisions (central_ref, bsn, decided_on, outcome, recorded_by, "
    "recorded_at) VALUES ('C-1', '123456782', '2024-02-29', 'toegekend', 'x', 'x')",
    "INSERT INTO herbeoordeling_requests (case_ref, reference, document, route, created_at, "
    "updated_at) VALUES ('R-1', 'H-1', '{\"a\": [1, 2]}', 'r', 'x', 'x')",
    "INSERT INTO absences (staff_id, starts_on, ends_on, created_by, created_at) "
    "VALUES ('VA1', '2026-03-01', '2026-03-01', 'x', 'x')",
    "INSERT INTO meeting_attendees (meeting_id, staff_id, role) VALUES (2, 'VA1', 'VA')",
    "UPDATE meetings SET held_on = '2026-01-08' WHERE meeting_id = 2",
    "UPDATE cases SET dwangsom_deadline = '2026-12-31' WHERE case_ref = 'R-1'",
]

REFUSED = [
    "INSERT INTO staff (staff_id, name, role, team_id, big_number) "
    "VALUES ('VA2', 'x', 'VA', 'T1', '1234567890a')",
    "INSERT INTO staff (staff_id, name, role, team_id) VALUES ('VA3', 'x', 'VA', 'T1')",
    "INSERT INTO staff (staff_id, name, role, team_id) VALUES ('X1', 'x', 'XX', 'T1')",
    "INSERT INTO staff (staff_id, name, role, team_id) VALUES ('X2', 'x', 'AD', 'T9')",
    "INSERT INTO clients (bsn, name) VALUES ('12345678', 'x')",
    "INSERT INTO clients (bsn, name) VALUES ('123456782', 'dubbel')",
    "INSERT INTO central_decisions (central_ref, bsn, decided_on, outcome, recorded_by, "
    "recorded_at) VALUES ('C-2', '123456782', '2026-02-32', 'toegekend', 'x', 'x')",
    "INSERT INTO central_decisions (central_ref, bsn, decided_on, outcome, recorded_by, "
    "recorded_at) VALUES ('C-3', '123456782', '2026-2-3', 'toegekend', 'x', 'x')",
    "INSERT INTO absences (staff_id, starts_on, ends_on, created_by, created_at) "
    "VALUES ('VA1', '2026-13-01', '2026-13-02', 'x', 'x')",
    "INSERT INTO central_decisions (central_ref, bsn, decided_on, outcome, recorded_by, "
    "recorded_at) VALUES ('C-4', '12345678x', '2026-02-03', 'toegekend', 'x', 'x')",
    "INSERT INTO central_decisions (central_ref, decided_on, outcome, recorded_by, "
    "recorded_at) VALUES ('C-5', '2026-02-03', 'toegekend', 'x', 'x')",
    "INSERT INTO central_decisions (central_ref, bsn, decided_on, outcome, recorded_by, "
    "recorded_at) VALUES ('   ', '123456782', '2026-02-03', 'toegekend', 'x', 'x')",
    "INSERT INTO herbeoordeling_requests (case_ref, reference, document, route, created_at, "
    "updated_at) VALUES ('R-1', 'H-1', '{kapot', 'r', 'x', 'x')",
    "INSERT INTO absences (staff_id, starts_on, ends_on, created_by, created_at) "
    "VALUES ('VA1', '2026-03-02', '2026-03-01', 'x', 'x')",
    "UPDATE cases SET dwangsom_deadline = '31-12-2026' WHERE case_ref = 'R-1'",
    "UPDATE cases SET dwangsom_kind = 'anders' WHERE case_ref = 'R-1'",
    "INSERT INTO delegations (va_id, delegate_id, team_id, tasks, valid_from, created_by, "
    "created_at) VALUES ('VA1', 'VA1', 'T1', 'X', '2026-01-01', 'x', 'x')",
    "INSERT INTO tasks (case_ref, task_code, assignee_id, permission, ruleset_id, "
    "decision_reason, assigned_on, created_by, created_at, updated_at) VALUES ('R-1', "
    "'X', 'AD1', 'gedelegeerd', 'r', 'x', '2026-01-05', 'x', 'x', 'x')",
    "UPDATE tasks SET minutes_spent = 0 WHERE task_id = 1",
    "INSERT INTO store_identity (singleton, store_id) "
    "VALUES (2, '0123456789abcdef0123456789abcdef')",
    "UPDATE audit_log SET purpose = 'anders'",
    "DELETE FROM audit_log",
    "UPDATE task_versions SET result = 'anders'",
    "DELETE FROM task_versions",
    "UPDATE meetings SET held_on = '2026-02-01' WHERE meeting_id = 1",
    "DELETE FROM meetings WHERE meeting_id = 1",
    "INSERT INTO meeting_attendees (meeting_id, staff_id, role) VALUES (1, 'VA1', 'VA')",
    "UPDATE meeting_agenda SET position = 2 WHERE meeting_id = 1",
    "DELETE FROM meeting_agenda WHERE meeting_id = 1",
    "INSERT INTO meeting_decisions (meeting_id, case_ref, decided_by, updated_at) "
    "VALUES (1, 'R-1', 'VA1', 'x')",
]


def _outcome(run: Any, statement: str) -> bool:
    """Whether the statement was accepted."""
    try:
        run(statement)
    except (sqlite3.IntegrityError, psycopg.errors.IntegrityError):
        return False
    return True


def test_both_stores_accept_and_refuse_the_same_rows_and_changes(
    sqlite_store: Store, migrated_db: OfficeDb
) -> None:
    lite = sqlite_store.conn
    with migrated_db.connect() as pg:
        for statement in SETUP:
            lite.execute(statement)
            pg.execute(statement)
        for statement in ACCEPTED:
            assert _outcome(lite.execute, statement), ("SQLite", statement)
            assert _outcome(pg.execute, statement), ("PostgreSQL", statement)
        for statement in REFUSED:
            assert not _outcome(lite.execute, statement), ("SQLite", statement)
            assert not _outcome(pg.execute, statement), ("PostgreSQL", statement)
        # Nothing refused left a trace.
        for table in ("staff", "clients", "central_decisions", "audit_log", "task_versions"):
            assert (
                lite.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                == pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            ), table


def test_the_server_keeps_the_access_log_and_task_versions_from_truncate_and_closed_mdbs(
    migrated_db: OfficeDb,
) -> None:
    """TRUNCATE passes row triggers by; on the server it is refused too, for the owner."""
    with migrated_db.connect() as pg:
        for statement in SETUP:
            pg.execute(statement)
        for table in ("audit_log", "task_versions", "audit_chain", "meetings"):
            with pytest.raises(psycopg.errors.IntegrityError) as refused:
                pg.execute(f"TRUNCATE {table} CASCADE")
            assert "niet" in str(refused.value), table
        assert pg.execute("SELECT count(*) FROM audit_log").fetchone() == (1,)
