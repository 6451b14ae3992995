"""The store: pragmas, migration ladder, refusals, the append-only access log."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from mdbtriage.core.model import Actor
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.database import Store, StoreError, migrations, schema_version_supported


def test_new_store_has_pragmas_and_every_migration(store: Store) -> None:
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.applied_versions() == {m.version for m in migrations()}
    for table in ("teams", "staff", "clients", "cases", "audit_log"):
        assert store.has_table(table)


def test_reopening_does_not_migrate_again(store_path: Path) -> None:
    Store.open(store_path).close()
    before = sorted(store_path.parent.iterdir())
    with Store.open(store_path) as again:
        assert again.schema_version() == migrations()[-1].version
    assert sorted(store_path.parent.iterdir()) == before


def test_store_from_newer_version_is_refused_untouched(store_path: Path) -> None:
    with Store.open(store_path) as store, store.atomic() as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, 'toekomst', 'x')")
    with pytest.raises(StoreError, match="nieuwere versie van MDB Triage"):
        Store.open(store_path)


def test_corrupt_file_is_refused_with_a_message(store_path: Path) -> None:
    store_path.write_bytes(b"dit is geen database" * 100)
    with pytest.raises(StoreError, match="geen MDB Triage-opslag of is beschadigd"):
        Store.open(store_path)


def test_foreign_sqlite_file_is_refused(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute("CREATE TABLE iets (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="geen MDB Triage-opslag"):
        Store.open(store_path)


FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_upgrade_from_a_version_1_store_keeps_data_and_backs_up(tmp_path: Path) -> None:
    old = tmp_path / "oud.sqlite3"
    shutil.copyfile(FIXTURES / "store-v1.sqlite3", old)
    with Store.open(old) as store:
        assert store.applied_versions() == {m.version for m in migrations()}
        assert store.count("cases") == 40
        assert store.integrity_problems() == []
    backups = list(tmp_path.glob("oud.voor-migratie-v1-*.sqlite3"))
    if migrations()[-1].version == 1:
        assert backups == []  # nothing to migrate, so no backup
    else:
        assert len(backups) == 1
        copy = sqlite3.connect(backups[0])
        assert copy.execute("SELECT max(version) FROM schema_migrations").fetchone() == (1,)
        assert copy.execute("SELECT count(*) FROM cases").fetchone() == (40,)


def test_failed_migration_leaves_store_as_it_was(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mdbtriage.store import database

    real = database.migrations()
    broken = [
        *real,
        database.Migration(
            real[-1].version + 1, "kapot", "CREATE TABLE nieuw (x); SELECT * FROM bestaat_niet;"
        ),
    ]
    Store.open(store_path).close()
    monkeypatch.setattr(database, "migrations", lambda: broken)
    with pytest.raises(StoreError, match=r"migratie .* is mislukt"):
        Store.open(store_path)
    monkeypatch.setattr(database, "migrations", lambda: real)
    with Store.open(store_path) as store:
        assert not store.has_table("nieuw")
        assert store.schema_version() == real[-1].version


def test_atomic_rolls_back_and_nests(store: Store) -> None:
    with pytest.raises(RuntimeError), store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('A', 'A')")
        raise RuntimeError
    assert store.count("teams") == 0
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('B', 'B')")
        with pytest.raises(RuntimeError), store.atomic() as inner:
            inner.execute("INSERT INTO teams (team_id, name) VALUES ('C', 'C')")
            raise RuntimeError
    assert [t for (t,) in store.conn.execute("SELECT team_id FROM teams")] == ["B"]


def test_access_log_refuses_update_and_delete(store: Store) -> None:
    actor = Actor("VA1", "Dr. Visser", "VA")
    with store.atomic() as conn:
        log(conn, actor, AuditEntry(event="read", purpose="test", case_ref="R-1"))
    with pytest.raises(sqlite3.DatabaseError, match="alleen aan te vullen"):
        store.conn.execute("UPDATE audit_log SET outcome = 'mislukt'")
    with pytest.raises(sqlite3.DatabaseError, match="alleen aan te vullen"):
        store.conn.execute("DELETE FROM audit_log")
    assert store.count("audit_log") == 1


def test_failed_action_writes_no_log_record(store: Store) -> None:
    actor = Actor("VA1", "Dr. Visser", "VA")
    with pytest.raises(sqlite3.IntegrityError), store.atomic() as conn:
        log(conn, actor, AuditEntry(event="create", purpose="test", case_ref="R-1"))
        conn.execute("INSERT INTO cases (case_ref) VALUES ('R-1')")
    assert store.count("audit_log") == 0


def test_a_store_another_program_is_creating_is_not_taken_for_a_foreign_file(
    tmp_path: Path,
) -> None:
    """Two programs starting on a new store at once: one has made the (empty) migrations table
    and not yet run the first step when the other looks. The other migrates it too."""
    path = tmp_path / "nieuw.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
    with Store.open(path) as store:
        assert store.schema_version() == schema_version_supported()
    with sqlite3.connect(tmp_path / "vreemd.sqlite3") as conn:
        conn.execute("CREATE TABLE iets (x)")
    with pytest.raises(StoreError, match="geen MDB Triage-opslag"):
        Store.open(tmp_path / "vreemd.sqlite3")
