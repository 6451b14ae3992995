"""The desktop's start on a lost store (issue 13, item 2) and on a folder given as the store
(item 6): the newest good backup is named and offered, never a new empty store; a folder is a
Dutch message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from mdbtriage.store import safety
from mdbtriage.store.backup import create_backup, list_backups
from mdbtriage.store.database import Store, StoreCorrupt, StoreMissing
from mdbtriage.ui.recovery import RecoveryDialog, open_store_or_recover


def _lost_store_with_backup(path: Path) -> Path:
    store = Store.open(path)
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')")
    made = create_backup(store)
    store.close()
    path.unlink()
    safety.seal_path(path).unlink()  # deleted after an unclean stop: only the backups show it
    return made


def test_a_lost_store_is_not_replaced_by_an_empty_one(
    qtbot: QtBot, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _lost_store_with_backup(store_path)
    offered: list[tuple[type, Path | None]] = []

    def decline(cls: type, parent: object, error: StoreCorrupt, backup: Path | None) -> bool:
        offered.append((type(error), backup))
        return False

    monkeypatch.setattr(RecoveryDialog, "ask", classmethod(decline))
    assert open_store_or_recover(store_path) is None
    assert offered == [(StoreMissing, made)]
    assert not store_path.exists()


def test_a_lost_store_is_brought_back_from_the_named_backup(
    qtbot: QtBot, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _lost_store_with_backup(store_path)
    told: list[str] = []
    monkeypatch.setattr(RecoveryDialog, "ask", classmethod(lambda cls, p, e, b: b == made))
    monkeypatch.setattr(RecoveryDialog, "inform", classmethod(lambda cls, p, t: told.append(t)))
    store = open_store_or_recover(store_path)
    assert store is not None
    assert store.count("teams") == 1
    assert made.name in told[0] and "teruggezet" in told[0]
    store.close()
    assert [b.path for b in list_backups(store_path)][-1] == made


def test_the_dialog_says_the_store_is_missing_and_how_to_restore(
    qtbot: QtBot, store_path: Path
) -> None:
    made = _lost_store_with_backup(store_path)
    with pytest.raises(StoreMissing) as caught:
        Store.open(store_path)
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.windowTitle() + "\n" + box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text() == "Afsluiten").click()

    QTimer.singleShot(50, answer)
    assert RecoveryDialog.ask(None, caught.value, made) is False
    text = seen[0]
    assert "opslag ontbreekt" in text and "geen nieuwe, lege opslag" in text
    assert made.name in text and f'restore "{made}"' in text
    assert "reservekopie in" in text  # what showed the earlier store


def test_a_folder_as_store_is_a_dutch_message(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(RecoveryDialog, "fail", classmethod(lambda cls, p, t: shown.append(t)))
    assert open_store_or_recover(tmp_path) is None
    assert "is een map, geen opslagbestand" in shown[0]
    assert "Traceback" not in shown[0]
