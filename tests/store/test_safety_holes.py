"""The store's data-safety holes found under attack (issue 13, items 2, 6 and 10; issue 15,
"Files"), each closed at its root in the store layer:

* a missing or emptied store where one existed (seal, backups, pre-migration copies) is refused,
  never silently replaced by a new empty store; thinning never removes the newest backup that
  holds more than the ones replacing it;
* every store has an identity; a backup of another store is not restored over one with data,
  and a restore of its own backup carries every log record the backup lacks;
* a lock is retried and then "in gebruik"; a full disk leaves no half file; a folder that cannot
  be written refuses a restore before anything changes;
* files 0600 in 0700 folders, looser ones tightened at start and logged.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdbtriage.core.model import Actor
from mdbtriage.store import backup as backup_module
from mdbtriage.store import database, safety
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.backup import (
    BackupError,
    BackupRefused,
    backup_amount,
    create_backup,
    holding_more,
    list_backups,
    newest_good_backup,
    restore_backup,
    thin_backups,
)
from mdbtriage.store.database import (
    Store,
    StoreCorrupt,
    StoreFull,
    StoreLocked,
    StoreMissing,
    StorePathInvalid,
)
from tests.store_lock import write_lock_in_other_process

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PERSON = Actor(user_id="T-FB1", name="Functioneel Beheer", role="TL")
FIXTURES = Path(__file__).parent.parent / "fixtures"
POSIX = os.name == "posix"


def _add_team(store: Store, team: str = "T1") -> None:
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES (?, 'Team')", (team,))
        conn.execute(
            "INSERT INTO staff (staff_id, name, role, team_id) VALUES (?, 'Medewerker', 'AD', ?)",
            (f"{team}-AD1", team),
        )


def _search(store: Store, n: int, label: str) -> None:
    with store.atomic() as conn:
        for i in range(n):
            log(conn, PERSON, AuditEntry(event="search", purpose=f"{label} {i}"))


def _log(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [
            tuple(r)
            for r in conn.execute(
                "SELECT log_id, at, event, user_id, purpose, details FROM audit_log ORDER BY log_id"
            )
        ]
    finally:
        conn.close()


def _store_with_backup(path: Path) -> Path:
    store = Store.open(path)
    _add_team(store)
    made = create_backup(store, now=T0)
    store.close()
    return made


# ---------------------------------------------------------------- item 2: no silent new store


def test_a_deleted_store_with_backups_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    made = _store_with_backup(path)
    path.unlink()
    safety.seal_path(path).unlink()  # an unclean stop: no seal, only the backups show it
    with pytest.raises(StoreMissing) as caught:
        Store.open(path)
    message = str(caught.value)
    assert "ontbreekt of is leeg" in message and "1 reservekopie in" in message
    assert "geen nieuwe lege opslag" in message and "restore" in message
    assert caught.value.path == path
    assert not path.exists() and not Path(f"{path}-wal").exists()
    assert newest_good_backup(path) == made


@pytest.mark.parametrize("how", ["emptied", "blank database", "only the seal"])
def test_an_emptied_store_is_refused(tmp_path: Path, how: str) -> None:
    path = tmp_path / "store.sqlite3"
    _store_with_backup(path)
    if how == "emptied":
        safety.seal_path(path).unlink()
        path.write_bytes(b"")
    elif how == "blank database":  # a valid SQLite file without a single table
        safety.seal_path(path).unlink()
        path.unlink()
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE x (a)")
        conn.execute("DROP TABLE x")
        conn.close()
    else:
        shutil.rmtree(tmp_path / "backups")
        path.unlink()
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(StoreMissing):
        Store.open(path)
    assert (path.read_bytes() if path.exists() else None) == before


def test_a_pre_migration_copy_is_a_sign_of_an_earlier_store(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    shutil.copyfile(FIXTURES / "store-v1.sqlite3", path)
    Store.open(path).close()  # migrated: a copy of version 1 is kept beside it
    assert list(tmp_path.glob("store.voor-migratie-v1-*.sqlite3"))
    path.unlink()
    safety.seal_path(path).unlink()
    with pytest.raises(StoreMissing, match="kopie van vóór een migratie"):
        Store.open(path)


def test_a_fresh_location_is_still_created_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "nieuw" / "store.sqlite3"
    store = Store.open(path)
    assert store.schema_version() == database.schema_version_supported()
    assert store.store_id is not None
    store.close()
    # Another store's backups in the same folder are no sign of this one.
    other = _store_with_backup(tmp_path / "nieuw" / "ander.sqlite3")
    assert other.exists()
    Store.open(tmp_path / "nieuw" / "derde.sqlite3").close()


def test_an_empty_stores_backup_does_not_thin_away_the_good_one(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    good = _store_with_backup(path)
    # The state the attack reached before the fix: a new empty store under the same name (made
    # here elsewhere and put in place) whose backups follow the good one on the same day.
    empty = Store.open(tmp_path / "leeg" / "store.sqlite3")
    _search(empty, 2, "leeg")
    for hours in (1, 2):
        made = create_backup(empty, now=T0 + timedelta(hours=hours), retention=None)
        shutil.move(made, tmp_path / "backups" / made.name)
    empty.close()
    removed = thin_backups(path)
    left = [b.path for b in list_backups(path)]
    assert good in left, "the good backup holds cases and staff the empty ones lack"
    assert len(left) == 2 and len(removed) == 1
    assert newest_good_backup(path) == good  # passing over the newer empty backup


def test_a_killed_backups_temporary_file_is_cleared_later(store: Store) -> None:
    folder = store.path.parent / "backups"
    folder.mkdir()
    stale = folder / ".store-20261122-090000.sqlite3.abc123.part"
    fresh = folder / ".store-20261123-085959.sqlite3.def456.part"  # another program, writing
    for left in (stale, fresh):
        left.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    create_backup(store, now=T0)
    assert not stale.exists() and fresh.exists()


def test_thinning_still_removes_backups_that_hold_nothing_more(store: Store) -> None:
    _add_team(store)
    made = [create_backup(store, now=T0 + timedelta(minutes=i), retention=None) for i in range(3)]
    _search(store, 1, "meer")
    newest = create_backup(store, now=T0 + timedelta(minutes=5))
    assert [b.path for b in list_backups(store.path)] == [newest]
    assert not any(p.exists() for p in made)


@given(
    st.lists(st.one_of(st.none(), st.tuples(*(st.integers(0, 5),) * 3)), min_size=1, max_size=12)
)
def test_holding_more_keeps_exactly_what_no_newer_backup_has(
    amounts: list[tuple[int, ...] | None],
) -> None:
    protected = holding_more(amounts)
    for index, amount in enumerate(amounts):
        newer = [a for a in amounts[:index] if a is not None]
        if amount is None or not newer:
            assert index not in protected
            continue
        most = tuple(map(max, *newer)) if len(newer) > 1 else newer[0]
        assert (index in protected) == any(a > m for a, m in zip(amount, most, strict=True))


# ---------------------------------------------------------------- item 10: identity and restore


def test_every_store_has_its_own_identity_and_its_backups_carry_it(tmp_path: Path) -> None:
    first = Store.open(tmp_path / "a.sqlite3")
    second = Store.open(tmp_path / "b.sqlite3")
    assert first.store_id and second.store_id and first.store_id != second.store_id
    assert len(first.store_id) == 32 and int(first.store_id, 16) >= 0
    made = create_backup(first, now=T0)
    conn = sqlite3.connect(made)
    assert database.read_store_id(conn) == first.store_id
    conn.close()
    first_id = first.store_id
    first.close()
    second.close()
    again = Store.open(tmp_path / "a.sqlite3")
    assert again.store_id == first_id  # recorded once, kept ever after
    again.close()


def test_an_existing_store_gets_an_identity_on_migration(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    shutil.copyfile(FIXTURES / "store-v1.sqlite3", path)
    store = Store.open(path)
    assert store.store_id is not None and len(store.store_id) == 32
    store.close()


def test_another_stores_backup_is_refused_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store.open(path)
    _add_team(store)
    own_id = store.store_id
    store.close()
    other = Store.open(tmp_path / "elders" / "store.sqlite3")
    _add_team(other, "T9")
    foreign = create_backup(other, now=T0)
    other_id = other.store_id
    other.close()
    before = path.read_bytes()
    seal = safety.seal_path(path).read_bytes()
    with pytest.raises(BackupRefused) as caught:
        restore_backup(path, foreign, actor=PERSON)
    message = str(caught.value)
    assert str(foreign) in message and str(path) in message
    assert f"opslag {other_id}" in message and f"opslag {own_id}" in message
    assert "andere opslag" in message and "niet gewijzigd" in message
    assert path.read_bytes() == before and safety.seal_path(path).read_bytes() == seal
    assert not list((tmp_path / "backups").glob("*voor-terugzetten*"))


def test_another_stores_backup_may_fill_a_store_without_data(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store.open(path)
    _search(store, 3, "hier")  # only log records: no client or staff data to overwrite
    store.close()
    other = Store.open(tmp_path / "elders" / "store.sqlite3")
    _add_team(other)
    foreign = create_backup(other, now=T0)
    other_id = other.store_id
    other.close()
    result = restore_backup(path, foreign)
    assert result.carried_records == 3
    restored = Store.open(path)
    assert restored.store_id == other_id and restored.count("staff") == 1
    purposes = [r[0] for r in restored.query("SELECT purpose FROM audit_log ORDER BY log_id")]
    restored.close()
    assert purposes[-4:] == ["hier 0", "hier 1", "hier 2", "reservekopie terugzetten"]


def test_restore_of_its_own_backup_carries_all_105_newer_records(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store.open(path)
    _add_team(store)
    _search(store, 3, "voor")
    made = create_backup(store, now=T0)
    own_id = store.store_id
    backup_newest = max(int(str(r[0])) for r in _log(made))
    # 105 records after the backup; the workstation's clock was set back for half of them, so
    # their time stamps lie before the backup's newest record: number, not time, decides.
    for i in range(105):
        at = "2000-01-01T00:00:00.000000Z" if i % 2 else database.utc_now()
        with store.atomic() as conn:
            conn.execute(
                "INSERT INTO audit_log (at, event, user_id, user_name, role, outcome, purpose) "
                "VALUES (?, 'read', 'T-FB1', 'FB', 'TL', 'gelukt', ?)",
                (at, f"na {i}"),
            )
    store.close()
    live = _log(path)
    newer = [r for r in live if int(str(r[0])) > backup_newest]
    assert len(newer) >= 105
    result = restore_backup(path, made, actor=PERSON)
    restored = _log(path)
    assert result.carried_records == len(newer)
    assert [r[:5] for r in restored[: len(live)]] == [r[:5] for r in live]
    assert restored[: len(live)] == live  # carried records keep their contents
    assert restored[-1][4] == "reservekopie terugzetten"
    assert f"{len(newer)} logregels" in str(restored[-1][5])
    # Nothing is left only in the copy kept of the replaced store.
    assert result.kept_copy is not None and "voor-terugzetten" in result.kept_copy.name
    kept = {r[:5] for r in _log(result.kept_copy)}
    assert kept <= {r[:5] for r in restored}
    again = Store.open(path)
    assert again.store_id == own_id
    again.close()


def test_a_backup_from_before_identities_is_recognised_by_its_log(tmp_path: Path) -> None:
    old = tmp_path / "oud.sqlite3"
    shutil.copyfile(FIXTURES / "store-v1.sqlite3", old)
    path = tmp_path / "store.sqlite3"
    shutil.copyfile(old, path)
    store = Store.open(path)  # migrated: gets an identity; the old copy has none
    own_id = store.store_id
    _search(store, 4, "na")
    store.close()
    result = restore_backup(path, old)
    assert result.carried_records >= 4
    again = Store.open(path)
    assert again.store_id == own_id
    again.close()
    # A store made since, with data, does not take that backup.
    fresh = tmp_path / "ander" / "store.sqlite3"
    other = Store.open(fresh)
    _add_team(other)
    other.close()
    with pytest.raises(BackupRefused, match="nog geen opslag-id"):
        restore_backup(fresh, old)


# ---------------------------------------------------------------- item 6: folder, lock, disk, rights


def test_a_folder_as_store_path_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    with pytest.raises(StorePathInvalid, match="is een map"):
        Store.open(tmp_path)
    blocker = tmp_path / "bestand"
    blocker.write_text("x")
    with pytest.raises(StorePathInvalid, match="dat is een bestand, geen map"):
        Store.open(blocker / "store.sqlite3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bestand"]


def test_a_lock_held_longer_than_the_retry_is_in_gebruik(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    store.conn.execute("PRAGMA busy_timeout = 300")
    with write_lock_in_other_process(store.path, 1.5), pytest.raises(StoreLocked) as caught:
        _add_team(store)
    assert "in gebruik" in str(caught.value) and "niets gewijzigd" in str(caught.value)
    assert "locked" not in str(caught.value)
    assert not store.conn.in_transaction
    _add_team(store)  # the lock is gone: the same write now succeeds
    assert store.count("teams") == 1


def test_a_short_lock_is_waited_for(store: Store) -> None:
    started = time.monotonic()
    with write_lock_in_other_process(store.path, 0.8):
        _add_team(store)
    assert store.count("teams") == 1 and time.monotonic() - started >= 0.5


def _full_disk(monkeypatch: pytest.MonkeyPatch, pages: int = 2) -> None:
    """Every copy MDB Triage writes runs out of room after ``pages`` pages: SQLite's own
    "database or disk is full", as on a full disk."""
    real = database.connect_file

    def tiny(path: Path, *args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(path, *args, **kwargs)  # type: ignore[arg-type]
        if path.name.endswith(".part"):
            conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(database, "connect_file", tiny)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name or p.stat().st_size == 0)


def test_a_full_disk_leaves_no_half_backup(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _add_team(store)
    first = create_backup(store, now=T0)
    _full_disk(monkeypatch)
    with pytest.raises(BackupRefused) as caught:
        create_backup(store, now=T0 + timedelta(hours=1), actor=PERSON)
    message = str(caught.value)
    assert "de schijf is vol" in message and "disk is full" not in message
    assert [b.path for b in list_backups(store.path)] == [first]
    assert _leftovers(first.parent) == []
    assert store.count("teams") == 1


def test_a_full_disk_while_syncing_or_renaming_leaves_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room(path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(database, "sync_file", no_room)
    out = tmp_path / "uit" / "kopie.sqlite3"
    with pytest.raises(BackupRefused, match="de schijf is vol"):
        create_backup(store, out)
    assert list(out.parent.iterdir()) == []


def test_a_full_disk_while_saving_is_dutch_and_rolls_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreFull) as caught, store.atomic() as conn:
        conn.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?)",
            ((f"k{i}", "x" * 2000) for i in range(200)),
        )
    assert "de schijf is vol" in str(caught.value) and "niets gewijzigd" in str(caught.value)
    assert not store.conn.in_transaction
    assert store.conn.execute("SELECT count(*) FROM settings WHERE key LIKE 'k%'").fetchone() == (
        0,
    )


def test_a_restore_into_an_unwritable_backups_folder_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite3"
    made = _store_with_backup(path)
    before = path.read_bytes()
    seal = safety.seal_path(path).read_bytes()
    real = backup_module.tempfile.mkstemp

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        folder = Path(str(kwargs.get("dir", "")))
        if folder.name == "backups":
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real(*args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(backup_module.tempfile, "mkstemp", refused)
    with pytest.raises(BackupRefused) as caught:
        restore_backup(path, made)
    assert "kan niet worden beschreven (geen schrijfrechten" in str(caught.value)
    assert path.read_bytes() == before and safety.seal_path(path).read_bytes() == seal
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["backups", "store.sqlite3", "store.sqlite3.seal"]
    )


def test_a_restore_that_cannot_keep_the_current_store_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite3"
    made = _store_with_backup(path)
    store = Store.open(path)
    _add_team(store, "T2")
    store.close()
    before = path.read_bytes()
    _full_disk(monkeypatch)
    with pytest.raises(BackupRefused, match="de schijf is vol"):
        restore_backup(path, made)
    assert path.read_bytes() == before
    assert safety.seal_problems(path) == []
    assert _leftovers(tmp_path / "backups") == []
    assert not Path(f"{path}.restore").exists()


# ---------------------------------------------------------------- files: 0600 in 0700


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_store_files_and_backups_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual umask, which leaves new files readable by others
    try:
        path = tmp_path / "map" / "store.sqlite3"
        store = Store.open(path)
        _add_team(store)
        assert _mode(path.parent) == 0o700
        assert {_mode(p) for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))} == {0o600}
        made = create_backup(store, now=T0)
        out = create_backup(store, tmp_path / "uit" / "kopie.sqlite3")
        store.close()
        assert _mode(safety.seal_path(path)) == 0o600
        assert _mode(made) == 0o600 and _mode(made.parent) == 0o700
        assert _mode(out) == 0o600
        shutil.copyfile(FIXTURES / "store-v1.sqlite3", tmp_path / "map" / "oud.sqlite3")
        Store.open(tmp_path / "map" / "oud.sqlite3").close()
        (pre,) = (tmp_path / "map").glob("oud.voor-migratie-v1-*.sqlite3")
        assert _mode(pre) == 0o600
    finally:
        os.umask(old_umask)


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_looser_permissions_are_tightened_at_start_and_logged(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    made = _store_with_backup(path)
    os.chmod(path, 0o644)
    os.chmod(safety.seal_path(path), 0o644)
    os.chmod(made, 0o644)
    os.chmod(made.parent, 0o755)
    os.chmod(tmp_path, 0o755)  # a folder chosen with --db is not MDB Triage's to change
    store = Store.open(path)
    assert _mode(path) == 0o600 and _mode(made) == 0o600 and _mode(made.parent) == 0o700
    assert _mode(tmp_path) == 0o755
    row = store.conn.execute(
        "SELECT user_id, purpose, details FROM audit_log ORDER BY log_id DESC LIMIT 1"
    ).fetchone()
    assert row[0].startswith("os:") and row[1] == "bestandsrechten aangescherpt"
    assert str(path) in row[2] and str(made) in row[2]
    store.close()
    again = Store.open(path)  # nothing loose any more: nothing logged
    rows = again.conn.execute(
        "SELECT count(*) FROM audit_log WHERE purpose = 'bestandsrechten aangescherpt'"
    ).fetchone()
    assert rows == (1,)
    again.close()


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_the_default_folder_is_made_private(tmp_path: Path) -> None:
    from mdbtriage.store.locations import default_store_path

    path = default_store_path()
    assert str(path).startswith(str(tmp_path))  # the test environment's XDG_DATA_HOME
    path.parent.mkdir(parents=True)
    os.chmod(path.parent, 0o755)
    Store.open(path).close()
    assert _mode(path.parent) == 0o700 and _mode(path) == 0o600


def test_backup_amount_counts_cases_staff_and_log(store: Store) -> None:
    _add_team(store)
    _search(store, 2, "x")
    made = create_backup(store, now=T0)
    assert backup_amount(made) == (0, 1, 2)
    assert backup_amount(made.parent / "bestaat-niet.sqlite3") is None


def test_restore_refuses_a_folder_as_backup(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="is een map"):
        restore_backup(store.path, tmp_path)


def test_the_corrupt_store_path_is_known(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"geen database" * 100)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(path)
    assert caught.value.path == path
