"""GUI start on an encrypted store: the passphrase is asked in a small Dutch dialog, three
attempts, a clear message after a wrong one; a damaged encrypted store is restored from its
encrypted backup with the same passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

pytest.importorskip("sqlcipher3")

from mdbtriage.store.backup import create_backup
from mdbtriage.store.database import Store, StoreCorrupt
from mdbtriage.ui.passphrase import PassphraseDialog
from mdbtriage.ui.recovery import RecoveryDialog, open_store_or_recover

KEY = "paard batterij nietje"


@pytest.fixture
def encrypted(store_path: Path) -> Path:
    with Store.open(store_path, passphrase=KEY) as store, store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('T1', 'Team 1')")
    return store_path


def _answers(monkeypatch: pytest.MonkeyPatch, answers: list[str | None]) -> list[str]:
    messages: list[str] = []

    def ask(cls: type, parent: object, path: Path, message: str = "") -> str | None:
        messages.append(message)
        return answers.pop(0)

    monkeypatch.setattr(PassphraseDialog, "ask", classmethod(ask))
    return messages


def test_the_right_passphrase_after_two_wrong_ones_opens_the_store(
    qtbot: QtBot, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = _answers(monkeypatch, ["fout een", "fout twee", KEY])
    store = open_store_or_recover(encrypted)
    assert store is not None and store.encrypted and store.count("teams") == 1
    store.close()
    assert messages[0] == ""
    assert messages[1] == "De wachtwoordzin klopt niet. Nog 2 pogingen."
    assert messages[2] == "De wachtwoordzin klopt niet. Nog 1 poging."


def test_three_wrong_passphrases_end_the_application(
    qtbot: QtBot, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = encrypted.read_bytes()
    _answers(monkeypatch, ["a", "b", "c", KEY])
    failed: list[str] = []
    monkeypatch.setattr(RecoveryDialog, "fail", classmethod(lambda cls, p, t: failed.append(t)))
    assert open_store_or_recover(encrypted) is None
    assert "3 keer verkeerd" in failed[0] and "niet gewijzigd" in failed[0]
    assert encrypted.read_bytes() == before


def test_quitting_the_question_ends_without_a_store(
    qtbot: QtBot, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answers(monkeypatch, [None])
    assert open_store_or_recover(encrypted) is None


def test_the_environment_passphrase_is_used_without_asking(
    qtbot: QtBot, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MDB_TRIAGE_PASSPHRASE", KEY)
    messages = _answers(monkeypatch, [])
    store = open_store_or_recover(encrypted)
    assert store is not None and messages == []
    store.close()


def test_a_damaged_encrypted_store_is_restored_with_the_same_passphrase(
    qtbot: QtBot, encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(encrypted, passphrase=KEY) as store:
        backup = create_backup(store)
    with encrypted.open("r+b") as handle:
        handle.seek(encrypted.stat().st_size - 100)
        handle.write(b"\xde\xad")
    _answers(monkeypatch, [KEY])
    offered: list[Path | None] = []

    def ask(cls: type, parent: object, error: StoreCorrupt, found: Path | None) -> bool:
        offered.append(found)
        return True

    monkeypatch.setattr(RecoveryDialog, "ask", classmethod(ask))
    monkeypatch.setattr(RecoveryDialog, "inform", classmethod(lambda cls, p, t: None))
    store = open_store_or_recover(encrypted)
    assert offered == [backup]
    assert store is not None and store.encrypted and store.count("teams") == 1
    store.close()


def test_the_dialog_asks_in_dutch_and_hides_what_is_typed(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = PassphraseDialog(tmp_path / "store.sqlite3", "De wachtwoordzin klopt niet.")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok.isEnabled()  # nothing typed yet
    qtbot.keyClicks(dialog.field, KEY)
    assert dialog.ok.isEnabled() and dialog.field.displayText() != KEY
    assert dialog.error.isVisible() and "klopt niet" in dialog.error.text()
    dialog.grab().save(str(tmp_path / "wachtwoordzin.png"))

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, PassphraseDialog)
        box.field.setText(KEY)
        box.ok.click()

    QTimer.singleShot(50, answer)
    assert PassphraseDialog.ask(None, tmp_path / "store.sqlite3") == KEY
