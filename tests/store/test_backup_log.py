"""Backups and restores in the access log: a backup made by a person is an 'export' record, the
first automatic backup is logged once, and a restore loses no log record: those made after the
backup are carried into the restored store before it replaces the old one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdbtriage.cli import cli
from mdbtriage.core.accounts import DEMO_PASSWORD
from mdbtriage.core.model import Actor
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.backup import (
    CARRIED,
    BackupScheduler,
    create_backup,
    restore_backup,
)
from mdbtriage.store.database import Store

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PERSON = Actor(user_id="T-FB1", name="Functioneel Beheer", role="TL")
COLUMNS = "log_id, at, event, user_id, purpose, details"


def _search(store: Store, n: int, label: str) -> None:
    for i in range(n):
        with store.atomic() as conn:
            log(conn, PERSON, AuditEntry(event="search", purpose=f"{label} {i}"))


def _log(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute(f"SELECT {COLUMNS} FROM audit_log ORDER BY log_id")]
    finally:
        conn.close()


def test_a_backup_by_a_person_is_logged_as_an_export(store: Store, tmp_path: Path) -> None:
    before = store.count("audit_log")
    out = create_backup(store, tmp_path / "kopie.sqlite3", actor=PERSON)
    last = store.conn.execute(
        "SELECT event, user_id, purpose, details FROM audit_log ORDER BY log_id DESC LIMIT 1"
    ).fetchone()
    assert store.count("audit_log") == before + 1
    assert tuple(last)[:3] == ("export", "T-FB1", "reservekopie maken")
    assert last[3].startswith(f"reservekopie naar {out}; ketenkop ")
    create_backup(store, now=T0)  # without a person (a program) nothing is logged
    assert store.count("audit_log") == before + 1


def test_automatic_backups_are_logged_once_as_the_system_account(store: Store) -> None:
    now = [T0]
    scheduler = BackupScheduler(store, clock=lambda: now[0])
    for hour in range(3):
        with store.atomic() as conn:
            conn.execute("INSERT INTO teams (team_id, name) VALUES (?, 'x')", (f"T{hour}",))
        now[0] += timedelta(minutes=31)
        assert scheduler.tick() is not None
    rows = store.conn.execute(
        "SELECT user_id, details FROM audit_log WHERE purpose = 'reservekopie maken'"
    ).fetchall()
    assert len(rows) == 1 and rows[0][0].startswith("os:")
    assert "automatische reservekopieën" in rows[0][1]
    now[0] += timedelta(hours=2)
    assert scheduler.tick() is None  # the record itself does not make the next backup due


def test_restore_loses_no_log_record(store: Store) -> None:
    _search(store, 3, "voor")
    backup = create_backup(store, now=T0, actor=PERSON)
    _search(store, 4, "na")
    path = store.path
    store.close()
    live = _log(path)
    result = restore_backup(path, backup, actor=PERSON)
    restored = _log(path)
    assert result.carried_records == 5  # the backup's own export record and four searches
    assert restored[: len(live)] == live  # carried records keep their contents
    last = restored[-1]
    assert last[2:5] == ("change", "T-FB1", "reservekopie terugzetten")
    assert f"reservekopie teruggezet van {backup}" in str(last[5])
    assert "5 logregels" in str(last[5])


def test_restoring_twice_does_not_duplicate_carried_records(store: Store) -> None:
    _search(store, 2, "voor")
    backup = create_backup(store, now=T0)
    _search(store, 2, "na")
    path = store.path
    store.close()
    restore_backup(path, backup)
    first = _log(path)
    restore_backup(path, backup)
    second = _log(path)
    assert [r[:5] for r in second[: len(first)]] == [r[:5] for r in first]
    assert len(second) == len(first) + 1  # only the second restore's own record is new
    assert not any(CARRIED in str(r[5]) for r in second)


def test_a_backup_from_elsewhere_gets_the_newer_records_appended(
    store: Store, tmp_path: Path
) -> None:
    other = Store.open(tmp_path / "elders" / "store.sqlite3")
    _search(other, 3, "elders")
    foreign = create_backup(other, now=T0)
    other.close()
    _search(store, 2, "hier")  # later in time than the foreign backup's records
    path = store.path
    store.close()
    result = restore_backup(path, foreign)
    restored = _log(path)
    assert result.carried_records == 2
    assert [r[4] for r in restored] == [
        "elders 0",
        "elders 1",
        "elders 2",
        "hier 0",
        "hier 1",
        "reservekopie terugzetten",
    ]
    assert [r[0] for r in restored] == sorted({r[0] for r in restored})


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=st.integers(0, 4), after=st.integers(0, 6), backups=st.integers(1, 3))
def test_no_record_is_lost_whatever_was_logged_around_the_backup(
    tmp_path_factory: pytest.TempPathFactory, before: int, after: int, backups: int
) -> None:
    folder = tmp_path_factory.mktemp("log")
    path = folder / "store.sqlite3"
    store = Store.open(path)
    _search(store, before, "voor")
    made = [
        create_backup(store, now=T0 + timedelta(seconds=i), retention=None) for i in range(backups)
    ]
    _search(store, after, "na")
    store.close()
    live = _log(path)
    restore_backup(path, made[0])
    restored = _log(path)
    assert {r[:5] for r in live} <= {r[:5] for r in restored}
    assert len(restored) == len(live) + 1


def test_cli_backup_and_restore_are_in_the_log(store_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(store_path)]
    assert runner.invoke(cli, [*db, "demo", "--cases", "10"]).exit_code == 0
    out = tmp_path / "kopie.sqlite3"
    assert runner.invoke(cli, [*db, "backup", "--out", str(out)]).exit_code == 0
    signed_in = {"MDB_TRIAGE_USER": "SMC-UTRECHT-1-TL1", "MDB_TRIAGE_PASSWORD": DEMO_PASSWORD}
    assert runner.invoke(cli, [*db, "queue"], env=signed_in).exit_code == 0
    before = _log(store_path)
    result = runner.invoke(cli, [*db, "restore", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 logregels van na de reservekopie zijn overgenomen" in result.output
    after = _log(store_path)
    assert [r[:5] for r in after[: len(before)]] == [r[:5] for r in before]
    events = [(r[2], r[4]) for r in after[-4:]]
    assert events == [
        ("export", "reservekopie maken"),
        ("signin", "aanmelden via de opdrachtregel (queue)"),
        ("search", "werkvoorraad opvragen"),
        ("change", "reservekopie terugzetten"),
    ]
