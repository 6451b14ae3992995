"""GUI start on a damaged store: the newest good backup is offered and restored; automatic
backups on exit; the dialog itself in plain Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from mdbtriage.store.backup import create_backup, list_backups
from mdbtriage.store.database import Store, StoreCorrupt
from mdbtriage.ui.recovery import AutoBackup, RecoveryDialog, open_store_or_recover


def _damaged_store_with_backup(path: Path) -> Path:
    store = Store.open(path)
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')")
    backup = create_backup(store)
    store.close()
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size - 100)
        handle.write(b"\xde\xad")
    return backup


def test_damaged_store_is_restored_from_the_newest_good_backup(
    qtbot: QtBot, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = _damaged_store_with_backup(store_path)
    offered: list[Path | None] = []
    told: list[str] = []

    def ask(cls: type, parent: object, error: StoreCorrupt, found: Path | None) -> bool:
        offered.append(found)
        assert "beschadigd" in str(error)
        return True

    monkeypatch.setattr(RecoveryDialog, "ask", classmethod(ask))
    monkeypatch.setattr(RecoveryDialog, "inform", classmethod(lambda cls, p, t: told.append(t)))
    store = open_store_or_recover(store_path)
    assert store is not None
    assert offered == [backup]
    assert store.count("teams") == 1
    assert "teruggezet" in told[0] and "bewaard als" in told[0]
    store.close()


def test_declining_leaves_the_damaged_store_untouched(
    qtbot: QtBot, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _damaged_store_with_backup(store_path)
    before = store_path.read_bytes()
    monkeypatch.setattr(RecoveryDialog, "ask", classmethod(lambda cls, p, e, b: False))
    assert open_store_or_recover(store_path) is None
    assert store_path.read_bytes() == before


def test_the_dialog_speaks_dutch_and_names_the_backup(qtbot: QtBot, store_path: Path) -> None:
    backup = _damaged_store_with_backup(store_path)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(store_path)
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text() + "\n" + box.informativeText())
        box.grab().save(str(store_path.parent / "herstel.png"))
        restore = next(b for b in box.buttons() if b.text() == "Reservekopie terugzetten")
        restore.click()

    QTimer.singleShot(50, answer)
    assert RecoveryDialog.ask(None, caught.value, backup) is True
    assert backup.name in seen[0] and "beschadigd" in seen[0]
    import re
    from datetime import datetime

    made = datetime.fromtimestamp(backup.stat().st_mtime)
    assert f"reservekopie is van {made:%d-%m-%Y} om {made:%H:%M}" in seen[0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", seen[0].split("(")[0])


def test_auto_backup_on_exit_only_after_changes(qtbot: QtBot, store: Store) -> None:
    auto = AutoBackup(store)
    assert auto.on_exit() is None
    auto = AutoBackup(store)
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('T9', 'Team 9')")
    path = auto.on_exit()
    assert path is not None and [b.path for b in list_backups(store.path)] == [path]


def test_a_smoke_run_on_a_damaged_store_says_so_and_does_not_wait_for_a_person(
    qtbot: QtBot,
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _damaged_store_with_backup(store_path)
    before = store_path.read_bytes()
    monkeypatch.setenv("MDB_TRIAGE_SMOKE", "1")
    assert open_store_or_recover(store_path) is None  # no dialog: this would hang otherwise
    assert "smoke: opslag niet te openen" in capsys.readouterr().err
    assert store_path.read_bytes() == before
