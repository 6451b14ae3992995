"""Backups: online copies verified after writing, thinned to a schedule, restored after a check."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.cli import cli
from mdbtriage.core.model import Actor
from mdbtriage.store import safety
from mdbtriage.store.backup import (
    BackupError,
    BackupScheduler,
    Retention,
    backup_dir,
    create_backup,
    data_version,
    list_backups,
    newest_good_backup,
    restore_backup,
    select_kept,
    thin_backups,
    verify_backup,
)
from mdbtriage.store.database import Store, StoreCorrupt
from mdbtriage.store.demo import load_demo

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _fill(store: Store, n: int = 60) -> None:
    load_demo(store, n_cases=n, seed=3, today=date(2026, 11, 23), actor=Actor.system_account("t"))


def _add_team(store: Store, team_id: str) -> None:
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES (?, ?)", (team_id, team_id))


def test_backup_is_a_verified_self_contained_copy(store: Store) -> None:
    _fill(store)
    path = create_backup(store, now=T0)
    assert path.parent == backup_dir(store.path)
    assert path.name == "store-20261123-090000.sqlite3"
    assert verify_backup(path) == []
    copy = sqlite3.connect(path)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT count(*) FROM cases").fetchone()[0] == store.count("cases")
    copy.close()
    assert not list(path.parent.glob("*.part"))


def test_backups_in_the_same_second_do_not_overwrite(store: Store) -> None:
    first = create_backup(store, now=T0, retention=None)
    second = create_backup(store, now=T0, retention=None)
    assert first != second and first.exists() and second.exists()
    assert [b.path for b in list_backups(store.path)] == [second, first]


def _flip(path: Path, position: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(position)
        byte = handle.read(1)[0]
        handle.seek(position)
        handle.write(bytes([byte ^ 0xFF]))


def test_verify_refuses_damaged_and_foreign_files(store: Store, tmp_path: Path) -> None:
    _fill(store)
    good = create_backup(store, now=T0)
    truncated = tmp_path / "kort.sqlite3"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert any("afgebroken" in p for p in verify_backup(truncated))

    flipped = tmp_path / "flip.sqlite3"
    flipped.write_bytes(good.read_bytes())
    with flipped.open("r+b") as handle:  # a page of zeros in the middle
        handle.seek(4096 * 5)
        handle.write(bytes(4096))
    assert verify_backup(flipped) != []

    foreign = tmp_path / "ander.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE x (a)")
    conn.close()
    assert "geen MDB Triage-opslag" in verify_backup(foreign)[0]

    newer = tmp_path / "nieuwer.sqlite3"
    newer.write_bytes(good.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migrations VALUES (9999, 'toekomst', 'x')")
    conn.commit()
    conn.close()
    assert "nieuwere versie" in verify_backup(newer)[0]

    partial = tmp_path / "half.sqlite3"
    partial.write_bytes(good.read_bytes())
    conn = sqlite3.connect(partial)
    conn.execute("DROP TABLE cases")
    conn.commit()
    conn.close()
    assert "mist delen" in verify_backup(partial)[0]


def test_newest_good_backup_skips_a_damaged_newest(store: Store) -> None:
    _fill(store)
    older = create_backup(store, now=T0, retention=None)
    newer = create_backup(store, now=T0 + timedelta(hours=1), retention=None)
    newer.write_bytes(newer.read_bytes()[:5000])
    assert newest_good_backup(store.path) == older


# ---------------------------------------------------------------- thinning


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1)),
        min_size=1,
        max_size=120,
        unique=True,
    )
)
def test_thinning_schedule_properties(stamps: list[datetime]) -> None:
    retention = Retention()
    kept = select_kept(stamps, retention)
    newest = max(range(len(stamps)), key=lambda i: stamps[i])
    assert newest in kept
    assert len(kept) <= 1 + retention.daily + retention.weekly + retention.monthly
    days = sorted({s.date() for s in stamps}, reverse=True)[: retention.daily]
    for day in days:  # the newest backup of each of the last 12 days survives
        newest_that_day = max(s for s in stamps if s.date() == day)
        assert stamps.index(newest_that_day) in kept
    months = sorted({(s.year, s.month) for s in stamps}, reverse=True)[: retention.monthly]
    kept_months = {(stamps[i].year, stamps[i].month) for i in kept}
    assert set(months) <= kept_months
    survivors = [stamps[i] for i in sorted(kept)]
    assert len(select_kept(survivors, retention)) == len(survivors)  # thinning is stable


def test_thinning_deletes_only_automatic_backups(store: Store) -> None:
    folder = backup_dir(store.path)
    for day in range(200):
        create_backup(store, now=T0 - timedelta(days=day), retention=None)
    other = folder / "store.voor-terugzetten-20260101-000000.sqlite3"
    other.write_bytes(b"kept")
    removed = thin_backups(store.path)
    left = list_backups(store.path)
    assert len(removed) == 200 - len(left)
    assert 20 <= len(left) <= 12 + 10 + 9  # the day, week and month buckets overlap
    assert {b.taken_at for b in left[:12]} == {T0 - timedelta(days=d) for d in range(12)}
    assert (left[-1].taken_at.year, left[-1].taken_at.month) == (2026, 5)  # oldest month kept
    assert left[0].taken_at == T0
    assert other.exists()
    assert len({(b.taken_at.year, b.taken_at.month) for b in left}) >= 7


# ---------------------------------------------------------------- automatic backups


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_scheduler_backs_up_every_30_minutes_only_when_data_changed(store: Store) -> None:
    clock = Clock()
    scheduler = BackupScheduler(store, clock=clock)
    clock.now += timedelta(minutes=45)
    assert scheduler.tick() is None  # nothing changed
    _add_team(store, "T1")
    clock.now += timedelta(minutes=1)
    first = scheduler.tick()
    assert first is not None and verify_backup(first) == []
    _add_team(store, "T2")
    clock.now += timedelta(minutes=10)
    assert scheduler.tick() is None  # changed, but not yet 30 minutes
    clock.now += timedelta(minutes=20)
    assert scheduler.tick() is not None
    assert scheduler.on_exit() is None  # nothing changed since
    _add_team(store, "T3")
    last = scheduler.on_exit()
    assert last is not None
    copy = sqlite3.connect(last)
    assert copy.execute("SELECT count(*) FROM teams WHERE team_id = 'T3'").fetchone()[0] == 1
    copy.close()


def test_changes_by_another_program_count(store: Store) -> None:
    before = data_version(store)
    other = Store.open(store.path)
    _add_team(other, "ANDER")
    other.close()
    assert data_version(store) != before


# ---------------------------------------------------------------- restore


def test_restore_replaces_the_store_and_keeps_what_it_replaced(store: Store) -> None:
    _add_team(store, "OUD")
    backup = create_backup(store, now=T0)
    _add_team(store, "NIEUW")
    path = store.path
    store.close()
    result = restore_backup(path, backup, now=T0 + timedelta(hours=1))
    with Store.open(path) as restored:
        teams = {r[0] for r in restored.conn.execute("SELECT team_id FROM teams")}
    assert teams == {"OUD"}
    assert result.kept_copy is not None and verify_backup(result.kept_copy) == []
    kept = sqlite3.connect(result.kept_copy)
    assert kept.execute("SELECT count(*) FROM teams WHERE team_id = 'NIEUW'").fetchone()[0] == 1
    kept.close()
    assert safety.seal_path(path).exists()


def test_restore_refuses_a_bad_file_and_leaves_the_store_alone(store: Store) -> None:
    _add_team(store, "BLIJFT")
    backup = create_backup(store, now=T0)
    backup.write_bytes(backup.read_bytes()[:10000])
    path = store.path
    store.close()
    before = path.read_bytes()
    with pytest.raises(BackupError, match="niet gewijzigd"):
        restore_backup(path, backup)
    assert path.read_bytes() == before
    assert not list(backup_dir(path).glob("store.voor-terugzetten-*"))


def test_restore_over_a_corrupt_store_moves_the_damaged_file_aside(store: Store) -> None:
    _fill(store)
    backup = create_backup(store, now=T0)
    path = store.path
    store.close()
    _flip(path, path.stat().st_size // 2)
    with pytest.raises(StoreCorrupt):
        Store.open(path)
    result = restore_backup(path, backup)
    assert result.kept_copy is not None and "beschadigd" in result.kept_copy.name
    with Store.open(path) as restored:
        assert restored.count("cases") == 60
        assert restored.integrity_problems() == []


def test_cli_backup_and_restore(store_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(store_path)]
    assert runner.invoke(cli, [*db, "demo", "--cases", "30"]).exit_code == 0
    out = tmp_path / "kopie.sqlite3"
    result = runner.invoke(cli, [*db, "backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "gecontroleerd" in result.output and out.exists()
    result = runner.invoke(cli, [*db, "backup", "--out", str(store_path)])
    assert result.exit_code == 2
    result = runner.invoke(cli, [*db, "restore", str(out), "--check-only"])
    assert result.exit_code == 0 and "goede reservekopie" in result.output

    _flip(store_path, store_path.stat().st_size // 2)
    result = runner.invoke(cli, [*db, "check"])
    assert result.exit_code == 1 and "beschadigd" in result.output
    result = runner.invoke(cli, [*db, "backup"])
    assert result.exit_code == 1  # a damaged store is not backed up
    result = runner.invoke(cli, [*db, "restore", str(out)])
    assert result.exit_code == 0, result.output
    assert "bewaard als" in result.output
    result = runner.invoke(cli, [*db, "check"])
    assert result.exit_code == 0 and "30 zaken" in result.output

    junk = tmp_path / "rommel.sqlite3"
    junk.write_text("geen database")
    result = runner.invoke(cli, [*db, "restore", str(junk)])
    assert result.exit_code == 2 and "geen SQLite-bestand" in result.output


def test_cli_points_at_the_newest_good_backup(store_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(store_path)]
    runner.invoke(cli, [*db, "demo", "--cases", "20"])
    runner.invoke(cli, [*db, "backup"])
    _flip(store_path, store_path.stat().st_size // 2)
    result = runner.invoke(cli, [*db, "queue"])
    assert result.exit_code == 1
    good = list_backups(store_path)[0].path
    assert f"Nieuwste goede reservekopie: {good}" in result.output
    assert "Traceback" not in result.output
