"""``check`` verifies the access log's hash chain and, with ``--anchor``, that a head noted
earlier (or a backup's) is still in it; a break is exit 1 naming the record, in Dutch."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from mdbtriage.store import audit_chain
from mdbtriage.store.safety import seal_path
from tests.cli.conftest import DEMO_TEAM_LEAD, Run

HEAD = re.compile(r"kop ([0-9a-f]{64})")


@pytest.fixture
def demo(run: Run, store_path: Path) -> Path:
    assert run("demo", "--cases", "10", "--on", "2026-11-23").exit_code == 0
    return store_path


def _tamper(path: Path, *sql: str) -> None:
    """Change the file as someone with it could: drop the append-only triggers, edit, and
    remove the seal that would give the change away (safety.py)."""
    seal_path(path).unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    for name in ("audit_log_no_update", "audit_log_no_delete", "audit_chain_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_check_reports_the_chain_and_its_head(run: Run, demo: Path) -> None:
    result = run("check")
    assert result.exit_code == 0, result.stderr
    assert "hashketen klopt" in result.stderr
    head = HEAD.search(result.stderr)
    assert head is not None
    again = run("check", "--anchor", head.group(1))
    assert again.exit_code == 0 and "gevonden bij logregel" in again.stderr


def test_an_edited_record_is_named(run: Run, demo: Path) -> None:
    _tamper(demo, "UPDATE audit_log SET user_id = 'iemand' WHERE log_id = 3")
    result = run("check")
    assert result.exit_code == 1
    assert "hashketen is verbroken bij logregel 3" in result.stderr
    assert "Traceback" not in result.output
    conn = sqlite3.connect(demo)
    last = conn.execute("SELECT outcome, purpose FROM audit_log ORDER BY log_id DESC").fetchone()
    conn.close()
    assert last == ("mislukt", "opslag controleren")


def test_a_removed_tail_is_found_against_the_anchor(run: Run, demo: Path) -> None:
    head = HEAD.search(run("check").stderr)
    assert head is not None
    _tamper(
        demo,
        "DELETE FROM audit_chain WHERE log_id = (SELECT max(log_id) FROM audit_log)",
        "DELETE FROM audit_log WHERE log_id = (SELECT max(log_id) FROM audit_log)",
    )
    assert run("check").exit_code == 0  # a shorter chain still holds
    result = run("check", "--anchor", head.group(1))
    assert result.exit_code == 1
    assert "komt er niet meer in voor" in result.stderr


def test_a_recomputed_chain_is_found_against_a_backup(run: Run, demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopie.sqlite3"
    made = run("backup", "--out", str(copy))
    assert made.exit_code == 0, made.stderr
    assert "Ketenkop van het toegangslogboek in deze reservekopie" in made.stderr
    seal_path(demo).unlink()
    conn = sqlite3.connect(demo)
    for name in ("audit_log_no_update", "audit_chain_no_update"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE audit_log SET details = 'weggepoetst' WHERE log_id = 2")
    previous = ""
    for row in conn.execute("SELECT * FROM audit_log ORDER BY log_id").fetchall():
        previous = audit_chain.chain_hash(previous, *row)
        conn.execute("UPDATE audit_chain SET hash = ? WHERE log_id = ?", (previous, row[0]))
    conn.commit()
    conn.close()
    assert run("check").exit_code == 0
    result = run("check", "--anchor", str(copy))
    assert result.exit_code == 1 and "komt er niet meer in voor" in result.stderr


def test_a_bad_anchor_is_bad_input(run: Run, demo: Path) -> None:
    result = run("check", "--anchor", "geen-hash")
    assert result.exit_code == 2
    assert "Optie --anchor, waarde 'geen-hash'" in result.stderr


def test_an_audit_export_carries_the_head(run: Run, demo: Path) -> None:
    exported = run("--user", DEMO_TEAM_LEAD, "audit", "--format", "json")
    assert exported.exit_code == 0, exported.stderr
    head = re.search(r"Ketenkop van het toegangslogboek.*: ([0-9a-f]{64})", exported.stderr)
    assert head is not None and head.group(1) not in exported.stdout
    assert run("check", "--anchor", head.group(1)).exit_code == 0
