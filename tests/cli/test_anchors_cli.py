"""Anchors of the access log's hash chain: a backup's own log record names the head of the copy,
and a restore carries the records made after the backup unchanged, so a head noted between the
backup and the restore is still found by ``check --anchor`` afterwards."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from mdbtriage.store import audit_chain
from mdbtriage.store.audit import records
from mdbtriage.store.database import Store
from tests.cli.conftest import DEMO_TEAM_LEAD, Run

HEAD = re.compile(r"kop ([0-9a-f]{64})")


@pytest.fixture
def demo(run: Run, store_path: Path) -> Path:
    assert run("demo", "--cases", "10", "--on", "2026-11-23").exit_code == 0
    return store_path


def _head_from_check(run: Run) -> str:
    result = run("check")
    assert result.exit_code == 0, result.stderr
    found = HEAD.search(result.stderr)
    assert found is not None
    return found.group(1)


def test_a_backups_own_record_names_the_head_of_the_copy(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "kopie.sqlite3"
    assert run("backup", "--out", str(copy)).exit_code == 0
    with Store.open(demo) as store:
        record = [r for r in records(store.conn) if r.purpose == "reservekopie maken"][-1]
    copy_head = audit_chain.file_head(copy)
    assert copy_head is not None
    assert f"ketenkop {copy_head}" in record.details
    # The head in the record is the copy's, so the anchor check finds it in the live log.
    assert run("check", "--anchor", copy_head).exit_code == 0


def test_a_head_noted_between_backup_and_restore_is_found_after_the_restore(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "kopie.sqlite3"
    assert run("backup", "--out", str(copy)).exit_code == 0
    assert run("--user", DEMO_TEAM_LEAD, "queue", "--format", "json").exit_code == 0
    noted = _head_from_check(run)  # the privacy officer writes this down
    assert run("--user", DEMO_TEAM_LEAD, "audit", "--format", "json").exit_code == 0
    with Store.open(demo) as store:
        before = [(r.log_id, r.details) for r in records(store.conn)]
        replaced_head = audit_chain.head(store.conn)
    restored = run("restore", str(copy))
    assert restored.exit_code == 0, restored.stderr
    assert "ongewijzigd overgenomen (zelfde nummers, inhoud en hashes)" in restored.stderr

    result = run("check", "--anchor", noted)
    assert result.exit_code == 0, result.stderr
    assert "gevonden bij logregel" in result.stderr
    by_file = run("check", "--anchor", str(copy))  # the backup file itself as the anchor
    assert by_file.exit_code == 0, by_file.stderr
    with Store.open(demo) as store:
        after = records(store.conn)
        assert audit_chain.verify(store.conn) is None
    # Every record of the replaced store is there, with the same number and contents.
    assert [(r.log_id, r.details) for r in after[: len(before)]] == before
    restore = next(r for r in after if r.purpose == "reservekopie terugzetten")
    copy_last = _newest_record(copy)
    assert f"logregels {copy_last + 1} t/m {before[-1][0]} ongewijzigd overgenomen" in (
        restore.details
    )
    assert f"ketenkop van de vervangen opslag: {replaced_head}" in restore.details
    assert f"behouden bij logregel {before[-1][0]}" in restore.details
    assert f"ketenkop van de reservekopie: {audit_chain.file_head(copy)}" in restore.details


def test_a_head_from_the_replaced_store_after_restoring_twice_is_still_found(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "kopie.sqlite3"
    assert run("backup", "--out", str(copy)).exit_code == 0
    assert run("--user", DEMO_TEAM_LEAD, "queue").exit_code == 0
    first = _head_from_check(run)
    assert run("restore", str(copy)).exit_code == 0
    second = _head_from_check(run)
    assert run("restore", str(copy)).exit_code == 0
    for noted in (first, second):
        result = run("check", "--anchor", noted)
        assert result.exit_code == 0, result.stderr


def _newest_record(path: Path) -> int:
    """The newest record's number in a backup file, read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT max(log_id) FROM audit_log").fetchone()[0])
    finally:
        conn.close()


def test_an_audit_export_carries_each_records_hash_and_its_record_the_head(
    run: Run, demo: Path
) -> None:
    result = run("--user", DEMO_TEAM_LEAD, "audit", "--format", "json")
    assert result.exit_code == 0, result.stderr
    exported = json.loads(result.stdout)
    for item in exported[:: max(1, len(exported) // 7)]:
        assert run("check", "--anchor", item["chain_hash"]).exit_code == 0
    with Store.open(demo) as store:
        log = records(store.conn)
    own = next(r for r in log if r.purpose == "toegangslogboek inzien")
    # The export's own record names the head it exported: the last exported record's hash.
    assert own.event == "export"
    assert own.log_id == exported[-1]["log_id"] + 1
    assert f"ketenkop {exported[-1]['chain_hash']}" in own.details
