"""``encrypt`` and ``decrypt`` are in the access log under the operating-system account: they need
file access, not a sign-in (contract.md "Identity"), and a privacy officer reads afterwards who
converted the store, when, and what became of its copies."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

pytest.importorskip("sqlcipher3")

from mdbtriage.cli import cli
from mdbtriage.core.accounts import DEMO_PASSWORD
from mdbtriage.store.audit import AuditRecord, records
from mdbtriage.store.database import Store

KEY = "paard batterij nietje"


def _run(db: Path, *args: str, key: str = KEY) -> Result:
    env = {"MDB_TRIAGE_PASSPHRASE": key, "MDB_TRIAGE_PASSWORD": DEMO_PASSWORD}
    return CliRunner().invoke(cli, ["--db", str(db), *args], env=env)


def _log(path: Path, key: str | None) -> list[AuditRecord]:
    with Store.open(path, passphrase=key) as store:
        return records(store.conn)


def test_encrypt_and_decrypt_are_logged_under_the_os_account(store_path: Path) -> None:
    assert _run(store_path, "demo", "--cases", "10").exit_code == 0
    assert _run(store_path, "backup").exit_code == 0
    encrypted = _run(store_path, "encrypt")
    assert encrypted.exit_code == 0, encrypted.output
    last = _log(store_path, KEY)[-1]
    assert (last.event, last.outcome, last.purpose) == ("change", "gelukt", "opslag versleutelen")
    assert last.user_id == f"os:{getpass.getuser()}"
    assert "1 reservekopieën mee versleuteld" in last.details

    decrypted = _run(store_path, "decrypt")
    assert decrypted.exit_code == 0, decrypted.output
    last = _log(store_path, None)[-1]
    assert (last.outcome, last.purpose) == ("gelukt", "opslag ontsleutelen")
    assert last.user_id.startswith("os:") and "niet meer versleuteld" in last.details


def test_a_refused_decrypt_is_logged(store_path: Path) -> None:
    assert _run(store_path, "demo", "--cases", "10").exit_code == 0
    refused = _run(store_path, "decrypt")
    assert refused.exit_code == 3 and "niet versleuteld" in refused.output
    last = _log(store_path, None)[-1]
    assert (last.outcome, last.purpose) == ("geweigerd", "opslag ontsleutelen")
    assert last.user_id.startswith("os:")
