"""``encrypt``, ``decrypt`` and the passphrase on the command line: from MDB_TRIAGE_PASSPHRASE or
asked, never an argument; refusals are Dutch with exit code 3, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

pytest.importorskip("sqlcipher3")

from mdbtriage.cli import cli
from mdbtriage.core.accounts import DEMO_PASSWORD
from mdbtriage.store import safety
from mdbtriage.store.backup import backup_dir, list_backups
from tests.cli.conftest import DEMO_TEAM_LEAD

KEY = "paard batterij nietje"


def _run(db: Path, *args: str, key: str | None = KEY, given: str | None = None) -> Result:
    env = {"MDB_TRIAGE_PASSPHRASE": key} if key is not None else {"MDB_TRIAGE_PASSPHRASE": ""}
    env["MDB_TRIAGE_PASSWORD"] = DEMO_PASSWORD
    return CliRunner().invoke(cli, ["--db", str(db), *args], env=env, input=given)


def _plain_readable(path: Path) -> bool:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def test_encrypt_then_every_command_needs_the_passphrase(store_path: Path) -> None:
    assert _run(store_path, "demo", "--cases", "25", key=None).exit_code == 0
    assert _run(store_path, "backup", key=None).exit_code == 0
    result = _run(store_path, "encrypt")
    assert result.exit_code == 0, result.output
    assert "versleuteld en met de wachtwoordzin gecontroleerd" in result.output
    assert "overschreven en verwijderd" in result.output
    assert "1 reservekopieën versleuteld" in result.output
    assert not _plain_readable(store_path)
    assert not _plain_readable(list_backups(store_path)[0].path)

    result = _run(store_path, "check")
    assert result.exit_code == 0 and "25 zaken" in result.output

    result = _run(store_path, "check", key="een heel andere zin")
    assert result.exit_code == 3
    assert "klopt niet" in result.output and "Traceback" not in result.output

    result = _run(store_path, "check", key=None)  # no variable, nothing typed
    assert result.exit_code == 3 and "versleuteld" in result.output

    result = _run(store_path, "check", key=None, given=KEY + "\n")  # typed at the prompt
    assert result.exit_code == 0, result.output
    assert "Wachtwoordzin voor store.sqlite3" in result.output
    assert KEY not in result.output  # not echoed

    result = _run(store_path, "--user", DEMO_TEAM_LEAD, "queue", "--format", "json")
    assert result.exit_code == 0 and result.stdout.count('"case_ref"') == 25


def test_encrypt_asks_twice_and_refuses_a_mismatch_or_a_short_passphrase(
    store_path: Path,
) -> None:
    assert _run(store_path, "demo", "--cases", "5", key=None).exit_code == 0
    result = _run(store_path, "encrypt", key=None, given=f"{KEY}\nandere zin hier\n")
    assert result.exit_code == 2 and "niet gelijk" in result.output
    result = _run(store_path, "encrypt", key="kort")
    assert result.exit_code == 2 and "te kort" in result.output
    assert _plain_readable(store_path)
    result = _run(store_path, "encrypt", "--keep-plain", key=None, given=f"{KEY}\n{KEY}\n")
    assert result.exit_code == 0, result.output
    kept = next(backup_dir(store_path).glob("store.onversleuteld-*.sqlite3"))
    assert _plain_readable(kept) and f"bewaard als {kept}" in result.output
    assert "--passphrase" not in CliRunner().invoke(cli, ["encrypt", "--help"]).output


def test_backup_and_restore_of_an_encrypted_store(store_path: Path, tmp_path: Path) -> None:
    assert _run(store_path, "encrypt").exit_code == 0  # creates an empty encrypted store
    assert _run(store_path, "demo", "--cases", "12").exit_code == 0
    out = tmp_path / "kopie.sqlite3"
    result = _run(store_path, "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert safety.looks_encrypted(out) and not _plain_readable(out)
    assert _run(store_path, "restore", str(out), "--check-only").exit_code == 0
    result = _run(store_path, "restore", str(out), "--check-only", key="verkeerde zin!")
    assert result.exit_code == 2 and "klopt niet" in result.output
    assert (
        _run(store_path, "--user", DEMO_TEAM_LEAD, "demo", "--cases", "3", "--force").exit_code == 0
    )
    result = _run(store_path, "restore", str(out))
    assert result.exit_code == 0, result.output
    assert "logregels van na de reservekopie zijn overgenomen" in result.output
    result = _run(store_path, "check")
    assert result.exit_code == 0 and "12 zaken" in result.output


def test_decrypt_returns_to_plain_sqlite(store_path: Path) -> None:
    assert _run(store_path, "demo", "--cases", "8", key=None).exit_code == 0
    assert _run(store_path, "backup", key=None).exit_code == 0
    assert _run(store_path, "encrypt").exit_code == 0
    result = _run(store_path, "decrypt", key="niet de goede zin")
    assert result.exit_code == 3 and not _plain_readable(store_path)
    result = _run(store_path, "decrypt")
    assert result.exit_code == 0, result.output
    assert "1 reservekopieën ontsleuteld" in result.output
    assert _plain_readable(store_path) and _plain_readable(list_backups(store_path)[0].path)
    result = _run(store_path, "check", key=None)
    assert result.exit_code == 0 and "8 zaken" in result.output
    assert _run(store_path, "decrypt").exit_code == 3  # nothing to decrypt
