"""The store's safety on the command line (issue 13, items 2, 6 and 10; issue 15, "Files"): a
lost store is refused with the backup that brings it back, a backup of another store is refused,
a restore carries every newer log record, and a folder as ``--db``, a locked store, a full disk
and a folder without write permission each give a Dutch message and exit 2 or 3, never a
traceback and never a half file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mdbtriage.store import database, safety
from mdbtriage.store.backup import list_backups
from mdbtriage.store.database import Store
from tests.cli.conftest import Run
from tests.store_lock import write_lock_in_other_process

POSIX = os.name == "posix"


def _entry_point(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``mdb-triage ARGS`` in a process of its own, as a script or a second user would run it."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from mdbtriage.cli import main; sys.exit(main())",
            *args,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Error:" not in text.replace("Opslagfout:", "")


def _with_data(run: Run, store_path: Path) -> Path:
    """A store with a team (written directly: no accounts, so no sign-in) and one backup."""
    store = Store.open(store_path)
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')")
    store.close()
    result = run("backup")
    assert result.exit_code == 0, result.stderr
    (made,) = list_backups(store_path)
    return made.path


# ---------------------------------------------------------------- item 2


@pytest.mark.parametrize("how", ["verwijderd", "leeggemaakt"])
def test_a_lost_store_is_refused_naming_the_backup_that_restores_it(
    run: Run, store_path: Path, how: str
) -> None:
    made = _with_data(run, store_path)
    safety.seal_path(store_path).unlink()  # an unclean stop
    if how == "verwijderd":
        store_path.unlink()
    else:
        store_path.write_bytes(b"")
    for command in (["check"], ["queue"], ["backup"]):
        result = run(*command)
        assert result.exit_code == 3, (command, result.stderr)
        assert "geen nieuwe lege opslag" in result.stderr
        assert f"Nieuwste goede reservekopie: {made}" in result.stderr
        assert f"restore {made}" in result.stderr
        _no_traceback(result.stderr)
    assert [b.path for b in list_backups(store_path)] == [made]  # nothing thinned away
    if how == "verwijderd":
        assert not store_path.exists()  # no new empty store was made
    else:
        assert store_path.stat().st_size == 0
    restored = run("restore", str(made))
    assert restored.exit_code == 0, restored.stderr
    checked = run("check")
    assert checked.exit_code == 0 and "in orde" in checked.stderr


def test_a_fresh_location_is_still_created(run: Run, tmp_path: Path) -> None:
    result = run("check", db=tmp_path / "nieuw" / "map" / "store.sqlite3")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "nieuw" / "map" / "store.sqlite3").exists()


# ---------------------------------------------------------------- item 10


def test_another_stores_backup_is_refused_naming_both(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    _with_data(run, store_path)
    elsewhere = tmp_path / "elders" / "store.sqlite3"
    other = Store.open(elsewhere)
    with other.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('T9', 'Team 9')")
    other_id = other.store_id
    other.close()
    foreign = tmp_path / "kopie-elders.sqlite3"
    assert run("backup", "--out", str(foreign), db=elsewhere).exit_code == 0
    own = Store.open(store_path)
    own_id = own.store_id
    own.close()
    before = store_path.read_bytes()
    result = run("restore", str(foreign))
    assert result.exit_code == 3, result.stderr
    assert "andere opslag" in result.stderr and str(foreign) in result.stderr
    assert f"opslag {other_id}" in result.stderr and f"opslag {own_id}" in result.stderr
    _no_traceback(result.stderr)
    assert store_path.read_bytes() == before


def test_restore_carries_all_105_newer_log_records(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    _with_data(run, store_path)
    out = tmp_path / "kopie.sqlite3"
    assert run("backup", "--out", str(out)).exit_code == 0
    store = Store.open(store_path)
    with store.atomic() as conn:
        for i in range(105):
            conn.execute(
                "INSERT INTO audit_log (at, event, user_id, user_name, role, outcome, purpose) "
                "VALUES ('2000-01-01T00:00:00Z', 'read', 'T-1', 'T', 'TL', 'gelukt', ?)",
                (f"na {i}",),
            )
    live = [tuple(r) for r in store.query("SELECT log_id, purpose FROM audit_log")]
    store.close()
    result = run("restore", str(out))
    assert result.exit_code == 0, result.stderr
    assert "106 logregels van na de reservekopie zijn overgenomen" in result.stderr  # 105 + export
    conn = sqlite3.connect(store_path)
    restored = [tuple(r) for r in conn.execute("SELECT log_id, purpose FROM audit_log")]
    conn.close()
    assert restored[: len(live)] == live


# ---------------------------------------------------------------- item 6


def test_a_folder_as_store_is_bad_input_naming_option_and_value(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in (["check"], ["queue"], ["restore", __file__], ["backup", "--list"]):
        result = run(*command, db=tmp_path)
        assert result.exit_code == 2, (command, result.stderr)
        assert f"Optie --db, waarde '{tmp_path}'" in result.stderr
        assert "is een map, geen opslagbestand" in result.stderr
    monkeypatch.setenv("MDB_TRIAGE_DB", str(tmp_path))
    result = run("check", db=None)
    assert result.exit_code == 2 and f"MDB_TRIAGE_DB, waarde '{tmp_path}'" in result.stderr
    process = _entry_point("--db", str(tmp_path), "check")
    assert process.returncode == 2 and "is een map" in process.stderr
    _no_traceback(process.stderr)
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".sqlite3", ".seal")]


def test_a_locked_store_is_in_gebruik_exit_3_and_leaves_no_unlogged_copy(
    run: Run, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_data(run, store_path)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    out = tmp_path / "kopie.sqlite3"
    with write_lock_in_other_process(store_path, 1.5):
        result = run("backup", "--out", str(out))
    assert result.exit_code == 3, result.stderr
    assert "in gebruik" in result.stderr and "database is locked" not in result.stderr
    _no_traceback(result.stderr)
    assert not out.exists()  # a copy of every client's data is never left without its record


def test_restore_while_another_program_has_the_store_open_is_refused(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    made = _with_data(run, store_path)
    script = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('SELECT count(*) FROM teams').fetchone()\n"
        "print('open', flush=True)\n"
        "time.sleep(3)\n"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", script, str(store_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "open"
        before = store_path.read_bytes()
        result = run("restore", str(made))
    finally:
        other.wait(timeout=30)
    assert result.exit_code == 3, result.stderr
    assert "nog geopend door een ander programma" in result.stderr
    assert store_path.read_bytes() == before


def test_a_short_lock_by_a_second_process_is_waited_for(store_path: Path, tmp_path: Path) -> None:
    Store.open(store_path).close()
    with write_lock_in_other_process(store_path, 1.0):
        result = _entry_point(
            "--db", str(store_path), "backup", "--out", str(tmp_path / "k.sqlite3")
        )
    assert result.returncode == 0, result.stderr


def test_many_programs_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "samen" / "store.sqlite3"
    command = [sys.executable, "-c", "import sys; from mdbtriage.cli import main; sys.exit(main())"]
    for args in (["check"], ["backup"]):
        processes = [
            subprocess.Popen(
                [*command, "--db", str(path), *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(8)
        ]
        results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
        assert all(code == 0 for code, _ in results), results
    leftovers = [p.name for p in (path.parent / "backups").iterdir() if ".part" in p.name]
    assert leftovers == []


def _tiny_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    real = database.connect_file

    def tiny(path: Path, *args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(path, *args, **kwargs)  # type: ignore[arg-type]
        if path.name.endswith(".part"):
            conn.execute("PRAGMA max_page_count = 2")  # SQLite: "database or disk is full"
        return conn

    monkeypatch.setattr(database, "connect_file", tiny)


def test_a_full_disk_is_dutch_and_leaves_no_part_file(
    run: Run, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _with_data(run, store_path)
    _tiny_disk(monkeypatch)
    result = run("backup")
    assert result.exit_code == 3, result.stderr
    assert "de schijf is vol" in result.stderr and "disk is full" not in result.stderr
    _no_traceback(result.stderr)
    assert [p.name for p in made.parent.iterdir()] == [made.name]


@contextmanager
def _small_disk(folder: Path, size: str) -> Iterator[None]:
    """A real file system of ``size`` at ``folder`` (tmpfs; needs the right to mount)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("a small file system cannot be mounted here")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.skipif(not POSIX or not shutil.which("mount"), reason="needs mount (POSIX)")
def test_a_really_full_disk(tmp_path: Path) -> None:
    disk = tmp_path / "schijf"
    with _small_disk(disk, "1m"):
        path = disk / "store.sqlite3"
        store = Store.open(path)
        with store.atomic() as conn:
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?)",
                ((f"k{i}", "x" * 1000) for i in range(250)),
            )
        store.close()
        free = shutil.disk_usage(disk).free
        (disk / "vulling").write_bytes(b"\0" * max(0, free - 64 * 1024))
        result = _entry_point("--db", str(path), "backup")
        assert result.returncode == 3, result.stderr
        assert "de schijf is vol" in result.stderr
        _no_traceback(result.stderr)
        backups = disk / "backups"
        assert not backups.exists() or list(backups.iterdir()) == []
        assert not list(disk.glob("*.tmp"))
        (disk / "vulling").unlink()
        again = Store.open(path)  # whole: no seal could be written, so fully checked
        assert again.conn.execute("SELECT count(*) FROM settings").fetchone()[0] >= 250
        again.close()


@contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """``folder`` cannot be written: by its mode for an ordinary user, by a read-only bind
    mount for root (whom modes do not stop)."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o500)
        try:
            yield
        finally:
            os.chmod(folder, 0o700)
        return
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip("a read-only folder cannot be made here")
    try:
        remount = subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(folder)], capture_output=True, check=False
        )
        if remount.returncode != 0:
            pytest.skip("a read-only folder cannot be made here")
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.skipif(not POSIX or not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_restore_into_an_unwritable_backups_folder_is_refused_in_dutch(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    made = _with_data(run, store_path)
    source = tmp_path / "kopie.sqlite3"
    shutil.copyfile(made, source)
    before = store_path.read_bytes()
    with _read_only(made.parent):
        result = _entry_point("--db", str(store_path), "restore", str(source))
    assert result.returncode == 3, result.stderr
    assert "de map voor reservekopieën" in result.stderr
    assert "kan niet worden beschreven" in result.stderr
    _no_traceback(result.stderr)
    assert store_path.read_bytes() == before and safety.seal_problems(store_path) == []


# ---------------------------------------------------------------- files


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_the_default_store_and_its_backups_are_private(run: Run) -> None:
    from mdbtriage.store.locations import default_store_path

    result = run("backup", db=None)
    assert result.exit_code == 0, result.stderr
    path = default_store_path()
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(path.parent) == 0o700 and mode(path) == 0o600
    assert mode(safety.seal_path(path)) == 0o600
    (made,) = list_backups(path)
    assert mode(made.path) == 0o600 and mode(made.path.parent) == 0o700


def test_gui_reads_a_sealed_store_ahead_while_qt_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``gui`` starts the seal check's reading of the store before it loads the desktop, and
    the desktop's opening of the store takes that reading."""
    from click.testing import CliRunner

    from mdbtriage.cli import cli
    from mdbtriage.ui import app

    path = tmp_path / "store.sqlite3"
    Store.open(path).close()
    monkeypatch.setattr(safety, "SETTLED_NS", 200_000_000)  # "closed a while ago": 0.2 s here
    time.sleep(0.25)
    seen: list[bool] = []

    def run_app(location: Path | str | None) -> int:
        seen.append(os.path.abspath(str(location)) in safety._prefetched)
        Store.open(Path(str(location))).close()
        return 0

    monkeypatch.setattr(app, "run_app", run_app)
    result = CliRunner().invoke(cli, ["--db", str(path), "gui"])
    assert result.exit_code == 0, result.output
    assert seen == [True]
    assert os.path.abspath(path) not in safety._prefetched  # taken when the store opened
