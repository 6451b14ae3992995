"""Encryption at rest: an SQLCipher store opened with its passphrase only, encrypted backups,
and converting a plain store (with its backups) into an encrypted one and back."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

pytest.importorskip("sqlcipher3")

from mdbtriage.core.model import Actor
from mdbtriage.store import safety
from mdbtriage.store.backup import (
    BackupError,
    backup_dir,
    create_backup,
    list_backups,
    newest_good_backup,
    restore_backup,
    verify_backup,
)
from mdbtriage.store.crypt import decrypt_store, encrypt_store, new_passphrase_problem
from mdbtriage.store.database import (
    SQLITE_HEADER,
    Store,
    StoreCorrupt,
    StoreEncrypted,
    StoreNotEncrypted,
    WrongPassphrase,
)
from mdbtriage.store.demo import load_demo

KEY = "paard batterij nietje"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _fill(store: Store, n: int = 40) -> None:
    load_demo(store, n_cases=n, seed=5, today=date(2026, 11, 23), actor=Actor.system_account("t"))


def _plain_readable(path: Path) -> bool:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _contains(path: Path, text: str) -> bool:
    return text.encode() in path.read_bytes()


def test_encrypted_store_opens_only_with_its_passphrase(store_path: Path) -> None:
    with Store.open(store_path, passphrase=KEY) as store:
        assert store.encrypted
        _fill(store)
        cases = store.count("cases")
        name = store.conn.execute("SELECT name FROM clients LIMIT 1").fetchone()[0]
    raw = store_path.read_bytes()
    assert raw[:16] != SQLITE_HEADER
    assert not _plain_readable(store_path)
    assert not _contains(store_path, name)
    assert safety.looks_encrypted(store_path)
    assert safety.seal_path(store_path).exists()

    with Store.open(store_path, passphrase=KEY) as again:
        assert again.count("cases") == cases
        assert again.integrity_problems() == []
    with pytest.raises(StoreEncrypted, match="versleuteld"):
        Store.open(store_path)
    with pytest.raises(WrongPassphrase, match="klopt niet"):
        Store.open(store_path, passphrase="verkeerde wachtwoordzin")
    assert store_path.read_bytes() == raw  # refusals leave the file as it was


def test_damage_to_an_encrypted_store_is_found_by_its_seal(store_path: Path) -> None:
    with Store.open(store_path, passphrase=KEY) as store:
        _fill(store, 10)
    with store_path.open("r+b") as handle:
        handle.seek(store_path.stat().st_size // 2)
        handle.write(b"\x00\x01\x02")
    with pytest.raises(StoreCorrupt, match="controlegetal"):
        Store.open(store_path, passphrase=KEY)
    safety.unseal(store_path)  # without the seal the page checksums (HMAC) find it
    with pytest.raises(StoreCorrupt):
        Store.open(store_path, passphrase=KEY)


def test_a_passphrase_for_a_plain_store_is_refused(store: Store) -> None:
    path = store.path
    store.close()
    with pytest.raises(StoreNotEncrypted, match="encrypt"):
        Store.open(path, passphrase=KEY)


def test_a_worker_connection_inherits_the_key(store_path: Path) -> None:
    with Store.open(store_path, passphrase=KEY), Store.open(store_path) as worker:
        assert worker.encrypted and worker.count("teams") == 0  # a thread knows only the path


def test_backup_of_an_encrypted_store_is_encrypted_and_restorable(store_path: Path) -> None:
    store = Store.open(store_path, passphrase=KEY)
    _fill(store)
    backup = create_backup(store, now=T0)
    cases = store.count("cases")
    with store.atomic() as conn:
        conn.execute("DELETE FROM case_notes")
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('LATER', 'Later')")
    store.close()
    assert backup.read_bytes()[:16] != SQLITE_HEADER and not _plain_readable(backup)
    assert verify_backup(backup, passphrase=KEY) == []
    assert "versleuteld" in verify_backup(backup)[0]
    assert "klopt niet" in verify_backup(backup, passphrase="iets anders dan dit")[0]
    assert newest_good_backup(store_path, KEY) == backup
    assert newest_good_backup(store_path) is None

    with pytest.raises(BackupError, match="wachtwoordzin"):
        restore_backup(store_path, backup)
    result = restore_backup(store_path, backup, passphrase=KEY)
    assert result.kept_copy is not None and not _plain_readable(result.kept_copy)
    assert verify_backup(result.kept_copy, passphrase=KEY) == []
    assert not _plain_readable(store_path)
    with Store.open(store_path, passphrase=KEY) as restored:
        assert restored.count("cases") == cases
        assert (
            restored.conn.execute("SELECT count(*) FROM teams WHERE team_id = 'LATER'").fetchone()[
                0
            ]
            == 0
        )


def test_a_plain_backup_restored_into_an_encrypted_store_is_encrypted(store: Store) -> None:
    _fill(store, 10)
    plain = create_backup(store, now=T0)
    path = store.path
    store.close()
    encrypt_store(path, KEY, keep_plain=True)
    kept_plain = next(backup_dir(path).glob("store.onversleuteld-*.sqlite3"))
    restore_backup(path, kept_plain, passphrase=KEY)
    assert safety.looks_encrypted(path)
    with Store.open(path, passphrase=KEY) as restored:
        assert restored.count("cases") == 10
    assert not plain.exists() or not _plain_readable(plain)


def test_encrypt_converts_the_store_and_its_backups_and_removes_the_plain_files(
    store: Store,
) -> None:
    _fill(store)
    name = store.conn.execute("SELECT name FROM clients LIMIT 1").fetchone()[0]
    backup = create_backup(store, now=T0)
    cases = store.count("cases")
    log_rows = store.count("audit_log")
    path = store.path
    store.close()
    assert _contains(path, name) and _contains(backup, name)

    result = encrypt_store(path, KEY)
    assert result.wiped and result.kept_plain is None and result.copies == [backup]
    for file in (path, backup):
        assert safety.looks_encrypted(file) and not _plain_readable(file)
        assert not _contains(file, name)
    leftovers = [p.name for p in path.parent.rglob("*") if p.is_file()]
    assert not [n for n in leftovers if n.endswith((".wissen", ".omgezet", ".part"))]
    with Store.open(path, passphrase=KEY) as encrypted:
        assert encrypted.count("cases") == cases
        assert encrypted.count("audit_log") == log_rows
    assert list_backups(path)[0].path == backup
    assert verify_backup(backup, passphrase=KEY) == []

    again = encrypt_store(path, KEY)  # nothing plain left
    assert again.copies == [] and not again.created

    back = decrypt_store(path, KEY)
    assert back.copies == [backup]
    assert _plain_readable(path) and _plain_readable(backup)
    with Store.open(path) as plain:
        assert plain.count("cases") == cases


def test_encrypt_keeps_a_plain_copy_only_when_asked(store: Store) -> None:
    _fill(store, 5)
    path = store.path
    store.close()
    result = encrypt_store(path, KEY, keep_plain=True, now=T0)
    assert result.kept_plain == backup_dir(path) / "store.onversleuteld-20261123-090000.sqlite3"
    assert _plain_readable(result.kept_plain)


def test_encrypt_refuses_a_short_passphrase_and_a_store_in_use(store: Store) -> None:
    assert new_passphrase_problem("kort") is not None
    assert new_passphrase_problem(KEY) is None
    path = store.path
    with pytest.raises(Exception, match="te kort"):
        encrypt_store(path, "kort")
    before = path.read_bytes()
    with pytest.raises(Exception, match="ander programma"):
        encrypt_store(path, KEY)  # the fixture's connection stands for the desktop application
    assert not safety.looks_encrypted(path) and path.read_bytes()[:16] == before[:16]


def test_encrypt_creates_a_missing_store(tmp_path: Path) -> None:
    path = tmp_path / "nieuw" / "store.sqlite3"
    result = encrypt_store(path, KEY)
    assert result.created and safety.looks_encrypted(path)
    with Store.open(path, passphrase=KEY) as store:
        assert store.schema_version() > 0
