"""A second connection of the same process to an open store skips the start checks (they ran
when the store was opened and take seconds on a large store); the last one to close seals."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdbtriage.store import safety
from mdbtriage.store.database import Store, StoreCorrupt


def _no_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    called: list[str] = []
    monkeypatch.setattr(
        safety, "file_problems", lambda path: called.append("file") or ([], False, False)
    )
    monkeypatch.setattr(
        Store,
        "integrity_problems",
        lambda self, quick=False: called.append("quick" if quick else "integrity") or [],
    )
    return called


def test_second_open_in_process_skips_checks_and_only_the_last_close_seals(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Store.open(store_path)
    called = _no_checks(monkeypatch)
    second = Store.open(store_path)
    assert called == []
    second.conn.execute("INSERT INTO teams (team_id, name) VALUES ('T', 'T')")
    assert first.conn.execute("SELECT count(*) FROM teams").fetchone()[0] == 1
    second.close()
    assert not safety.seal_path(store_path).exists()
    assert called == []  # not the last connection: neither checked nor sealed
    first.close()
    assert safety.seal_path(store_path).exists()
    assert called == ["quick"]  # the last one checks before it seals
    third = Store.open(store_path)  # nothing of this process is open: a start, checked
    assert called == ["quick", "file", "integrity"]
    third.close()


def test_a_connection_closed_directly_does_not_count_as_open(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Store.open(store_path)
    first.conn.close()  # as a restore does with the store it replaces
    called = _no_checks(monkeypatch)
    Store.open(store_path).close()
    assert called == ["file", "integrity", "quick"]


def test_damage_found_at_start_still_refuses(store_path: Path) -> None:
    Store.open(store_path).close()
    data = bytearray(store_path.read_bytes())
    data[-100] ^= 0xFF
    store_path.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt):
        Store.open(store_path)
