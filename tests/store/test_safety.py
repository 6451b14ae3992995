"""Startup safety: network shares refused, truncated and bit-flipped stores detected at start."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import threading
import time
from datetime import date
from pathlib import Path, PureWindowsPath

import pytest

from mdbtriage.core.model import Actor
from mdbtriage.store import safety
from mdbtriage.store.database import Store, StoreCorrupt, StoreOnNetworkShare
from mdbtriage.store.demo import load_demo

MOUNTS = """\
sysfs /sys sysfs rw,nosuid 0 0
/dev/sda1 / ext4 rw,relatime 0 0
/dev/sdb1 /home ext4 rw 0 0
server:/export /mnt/nfs nfs4 rw,vers=4.2 0 0
//fs01/team /mnt/team\\040share cifs rw 0 0
//fs01/smb /mnt/smb smb3 rw 0 0
user@host:/data /mnt/ssh fuse.sshfs rw 0 0
hostshare /mnt/p9 9p rw 0 0
"""


@pytest.fixture(scope="module")
def sealed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed (sealed) store with a small demo team, copied by each test."""
    path = tmp_path_factory.mktemp("template") / "store.sqlite3"
    store = Store.open(path)
    load_demo(store, n_cases=120, seed=7, today=date(2026, 11, 23), actor=Actor.system_account("t"))
    store.close()
    assert json.loads(safety.seal_path(path).read_text("utf-8"))["checked"] == "quick_check"
    return path


def _copy(template: Path, target_dir: Path, with_seal: bool = True) -> Path:
    target = target_dir / "store.sqlite3"
    shutil.copy2(template, target)
    if with_seal:
        shutil.copy2(safety.seal_path(template), safety.seal_path(target))
    return target


# ---------------------------------------------------------------- network shares


@pytest.mark.parametrize(
    ("where", "fstype"),
    [
        ("/mnt/nfs/mdb/store.sqlite3", "nfs4"),
        ("/mnt/team share/store.sqlite3", "cifs"),
        ("/mnt/smb/a/b/store.sqlite3", "smb3"),
        ("/mnt/ssh/store.sqlite3", "fuse.sshfs"),
        ("/mnt/p9/store.sqlite3", "9p"),
    ],
)
def test_network_file_systems_are_refused(where: str, fstype: str) -> None:
    reason = safety.linux_network_reason(Path(where), MOUNTS)
    assert reason is not None
    assert "netwerkschijf" in reason and fstype in reason and "lokale schijf" in reason


@pytest.mark.parametrize("where", ["/home/va/store.sqlite3", "/mnt/nfsx/store.sqlite3", "/tmp/x"])
def test_local_file_systems_pass(where: str) -> None:
    assert safety.linux_network_reason(Path(where), MOUNTS) is None


def test_store_open_refuses_a_network_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = f"/dev/sda1 / ext4 rw 0 0\nserver:/x {tmp_path} nfs rw 0 0\n"
    monkeypatch.setattr(safety, "read_mounts", lambda: mounts)
    target = tmp_path / "sub" / "store.sqlite3"
    with pytest.raises(StoreOnNetworkShare, match="netwerkschijf"):
        Store.open(target)
    assert not target.exists() and not target.parent.exists()  # nothing was created


@pytest.mark.parametrize(
    ("path", "drive_type", "refused"),
    [
        (r"\\fileserver\team\store.sqlite3", 3, True),
        ("//fileserver/team/store.sqlite3", 3, True),
        (r"\\?\UNC\fileserver\team\store.sqlite3", 3, True),
        (r"H:\mdb\store.sqlite3", 4, True),  # DRIVE_REMOTE
        (r"C:\Users\va\store.sqlite3", 3, False),  # DRIVE_FIXED
        (r"\\?\C:\Users\va\store.sqlite3", 3, False),
    ],
)
def test_windows_unc_and_remote_drives(path: str, drive_type: int, refused: bool) -> None:
    seen: list[str] = []

    def kind(root: str) -> int:
        seen.append(root)
        return drive_type

    reason = safety.windows_network_reason(PureWindowsPath(path), kind)
    assert (reason is not None) == refused
    if reason:
        assert "netwerk" in reason


# ---------------------------------------------------------------- truncation


def test_sealed_store_reopens_and_seal_is_removed_while_open(
    sealed_template: Path, tmp_path: Path
) -> None:
    path = _copy(sealed_template, tmp_path)
    store = Store.open(path)
    assert not safety.seal_path(path).exists()
    assert store.count("cases") == 120
    other = Store.open(path)  # a second program
    other.close()
    assert not safety.seal_path(path).exists()  # the first is still open: no seal yet
    store.close()
    assert safety.seal_path(path).exists()


@pytest.mark.parametrize("with_seal", [True, False])
def test_every_truncation_is_detected(
    sealed_template: Path, tmp_path: Path, with_seal: bool
) -> None:
    size = sealed_template.stat().st_size
    page = 4096
    cuts = sorted({1, 15, 50, 99, 100, 101, 4095, page, 2 * page, size // 2, size - page, size - 1})
    if with_seal:
        cuts.insert(0, 0)
    for cut in cuts:
        path = _copy(sealed_template, tmp_path, with_seal=with_seal)
        with path.open("r+b") as handle:
            handle.truncate(cut)
        with pytest.raises(StoreCorrupt) as caught:
            Store.open(path).close()
        message = str(caught.value)
        assert "beschadigd" in message and "restore" in message, (cut, message)
        assert "Traceback" not in message


def test_a_missing_sealed_store_is_not_silently_recreated(
    sealed_template: Path, tmp_path: Path
) -> None:
    path = _copy(sealed_template, tmp_path)
    path.unlink()
    with pytest.raises(StoreCorrupt, match="ontbreekt"):
        Store.open(path)
    assert not path.exists()


# ---------------------------------------------------------------- bit flips


def test_every_bit_flip_in_a_sealed_store_is_detected(
    sealed_template: Path, tmp_path: Path
) -> None:
    size = sealed_template.stat().st_size
    rng = random.Random(20261123)
    positions = [0, 18, 28, 92, 100, size - 1, *(rng.randrange(size) for _ in range(40))]
    for position in positions:
        path = _copy(sealed_template, tmp_path)
        with path.open("r+b") as handle:
            handle.seek(position)
            byte = handle.read(1)[0]
            handle.seek(position)
            handle.write(bytes([byte ^ (1 << rng.randrange(8))]))
        with pytest.raises(StoreCorrupt):
            Store.open(path).close()


def test_unsealed_structural_damage_is_found_by_the_full_check(
    sealed_template: Path, tmp_path: Path
) -> None:
    """After a crash there is no seal; the startup check then runs integrity_check."""
    path = _copy(sealed_template, tmp_path, with_seal=False)
    with path.open("r+b") as handle:  # wipe an index page somewhere in the middle
        handle.seek(4096 * 10)
        handle.write(b"\x00" * 4096)
    with pytest.raises(StoreCorrupt, match=r"integriteitscontrole|SQLite meldt"):
        Store.open(path)


def test_a_damaged_store_is_never_sealed(sealed_template: Path, tmp_path: Path) -> None:
    """Damage found while open (e.g. by 'check') must not be vouched for by a new seal."""
    path = _copy(sealed_template, tmp_path, with_seal=False)
    store = Store.open(path)
    store.conn.execute("PRAGMA cache_size = 0")
    with path.open("r+b") as handle:
        handle.seek(4096 * 10)
        handle.write(b"\x00" * 4096)
    assert store.integrity_problems() != []
    store.close()
    assert not safety.seal_path(path).exists()


# ---------------------------------------------------------------- which check runs at start


def _record_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the SQLite checks the store runs (they still run)."""
    seen: list[str] = []
    real = Store.integrity_problems

    def recording(self: Store, quick: bool = False) -> list[str]:
        seen.append("quick_check" if quick else "integrity_check")
        return real(self, quick)

    monkeypatch.setattr(Store, "integrity_problems", recording)
    return seen


def _rewrite_seal(path: Path, **changes: object) -> None:
    data = json.loads(safety.seal_path(path).read_text("utf-8"))
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    safety.seal_path(path).write_text(json.dumps(data), "utf-8")


def test_a_seal_that_records_the_close_check_skips_it_at_start(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(sealed_template, tmp_path)
    seen = _record_checks(monkeypatch)
    store = Store.open(path)
    assert seen == []  # byte for byte as it was when it passed quick_check at close
    assert store.count("cases") == 120
    store.close()
    assert seen == ["quick_check"]  # checked at close, then sealed with the check recorded
    assert json.loads(safety.seal_path(path).read_text("utf-8"))["checked"] == "quick_check"


@pytest.mark.parametrize("checked", [None, "", "niets", "foreign_key_check", 1])
def test_a_seal_without_a_known_close_check_still_gets_quick_check(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: object
) -> None:
    path = _copy(sealed_template, tmp_path)
    _rewrite_seal(path, checked=checked)
    seen = _record_checks(monkeypatch)
    Store.open(path).close()
    assert seen[0] == "quick_check"


def test_a_store_without_a_seal_gets_the_full_integrity_check(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(sealed_template, tmp_path, with_seal=False)
    seen = _record_checks(monkeypatch)
    Store.open(path).close()
    assert seen == ["integrity_check", "quick_check"]


def _flip_a_byte(path: Path) -> None:
    """One bit changed in a byte inside a record, near the end of the file."""
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size - 200)
        byte = handle.read(1)[0]
        handle.seek(-1, 1)
        handle.write(bytes([byte ^ 0x04]))


def test_a_bit_flip_under_a_checked_seal_is_found_by_the_seal_hash(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The skipped quick_check is replaced by the hash: a changed byte still refuses the start."""
    path = _copy(sealed_template, tmp_path)
    seen = _record_checks(monkeypatch)
    _flip_a_byte(path)  # a byte inside a record, which quick_check cannot see
    with pytest.raises(StoreCorrupt, match="controlegetal klopt niet"):
        Store.open(path)
    assert seen == []


# ---------------------------------------------------------------- the seal read ahead


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which thread read a store file whole for its digest, one entry per reading."""
    read: list[str] = []
    real = safety.file_digest

    def counted(path: Path) -> str:
        read.append(threading.current_thread().name)
        return real(path)

    monkeypatch.setattr(safety, "file_digest", counted)
    return read


def _settled(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The store as when it was closed a while ago: with "a while" made 0.2 s for the test
    (the change time cannot be set back), last written and changed longer ago than that."""
    monkeypatch.setattr(safety, "SETTLED_NS", 200_000_000)
    time.sleep(0.25)
    return path


def _read_ahead_done(path: Path) -> None:
    safety.prefetch_digest(path)
    with contextlib.suppress(Exception):
        safety._prefetched[os.path.abspath(path)].result(timeout=30)


def test_a_store_read_ahead_opens_without_reading_it_again(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desktop reads a sealed store for its seal check while Qt loads: opening it then
    takes that digest and does not read the file a second time."""
    path = _settled(_copy(sealed_template, tmp_path), monkeypatch)
    read = _reads(monkeypatch)
    _read_ahead_done(path)
    safety.prefetch_digest(path)  # asked twice: read once
    store = Store.open(path)
    assert read == ["mdb-triage-seal-digest"]
    assert store.count("cases") == 120
    store.close()
    assert read == ["mdb-triage-seal-digest", "MainThread"]  # the seal written at close
    assert safety.seal_path(path).exists()


def test_a_store_written_just_now_is_read_when_opened(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written moments ago could be written again within the file system's clock tick
    unnoticed: it is not read ahead, but read when opened."""
    path = _copy(sealed_template, tmp_path)
    read = _reads(monkeypatch)
    _read_ahead_done(path)
    Store.open(path).close()
    assert read == ["MainThread", "MainThread"]


def test_a_change_after_the_read_ahead_is_still_found(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A byte changed between the read ahead and the opening gives the file a new
    modification time: it is read again, and the seal refuses it as without the read ahead."""
    path = _settled(_copy(sealed_template, tmp_path), monkeypatch)
    _read_ahead_done(path)
    _flip_a_byte(path)
    with pytest.raises(StoreCorrupt, match="controlegetal klopt niet"):
        Store.open(path)


def test_a_store_replaced_after_the_read_ahead_is_read_again(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another file put in its place (same length, same modification time) is another inode."""
    path = _settled(_copy(sealed_template, tmp_path), monkeypatch)
    _read_ahead_done(path)
    damaged = tmp_path / "other.sqlite3"
    shutil.copy2(path, damaged)
    _flip_a_byte(damaged)
    shutil.copystat(path, damaged)
    damaged.replace(path)
    with pytest.raises(StoreCorrupt, match="controlegetal klopt niet"):
        Store.open(path)


def test_a_store_whose_attributes_changed_just_now_is_read_when_opened(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tool that writes the file and then sets its old modification time back (``cp -p``,
    ``rsync -t``) still changes its change time: such a file is not read ahead either."""
    path = _settled(_copy(sealed_template, tmp_path), monkeypatch)
    written = path.stat().st_mtime_ns
    os.utime(path, ns=(written, written))  # the modification time as it was; ctime is now
    read = _reads(monkeypatch)
    _read_ahead_done(path)
    Store.open(path).close()
    assert read == ["MainThread", "MainThread"]


def test_no_read_ahead_for_a_folder_or_a_name_without_a_file(tmp_path: Path) -> None:
    """``--db .`` is refused in Dutch when the store is opened; the read ahead stays silent."""
    safety.prefetch_digest(Path("."))
    safety.prefetch_digest(Path("/"))
    safety.prefetch_digest(tmp_path)
    assert os.path.abspath(".") not in safety._prefetched


def test_no_read_ahead_without_a_seal_or_a_file(
    sealed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _settled(_copy(sealed_template, tmp_path, with_seal=False), monkeypatch)
    read = _reads(monkeypatch)
    safety.prefetch_digest(path)
    safety.prefetch_digest(tmp_path / "absent.sqlite3")
    assert read == []
    assert os.path.abspath(path) not in safety._prefetched


def test_damage_while_open_is_found_at_close_and_the_store_is_not_sealed(
    sealed_template: Path, tmp_path: Path
) -> None:
    """The close-time check is what the next start relies on: it must not seal damage."""
    path = _copy(sealed_template, tmp_path, with_seal=False)
    store = Store.open(path)
    store.conn.execute("PRAGMA cache_size = 0")
    with path.open("r+b") as handle:
        handle.seek(4096 * 10)
        handle.write(b"\x00" * 4096)
    store.close()  # no explicit check: the close's own quick_check finds it
    assert store.damaged
    assert not safety.seal_path(path).exists()
    with pytest.raises(StoreCorrupt, match=r"integriteitscontrole|SQLite meldt"):
        Store.open(path)


def test_cli_reports_a_corrupt_store_in_dutch_without_traceback(
    sealed_template: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from mdbtriage.cli import cli

    path = _copy(sealed_template, tmp_path)
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\xff\xfe")
    result = CliRunner().invoke(cli, ["--db", str(path), "check"])
    assert result.exit_code == 1
    assert "is beschadigd" in result.output and "restore" in result.output
    assert "Traceback" not in result.output
