"""Qt's own dialogs in Dutch, the style and icon, and the message when Qt cannot start."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
)

from mdbtriage.ui.app import application
from mdbtriage.ui.appearance import install_dutch, qt_start_problem


def test_a_question_from_qt_reads_ja_and_nee(qtbot, qapp):
    install_dutch(qapp)
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.extend(button.text().replace("&", "") for button in box.buttons())
        box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(0, answer)
    reply = QMessageBox.question(None, "Zaak sluiten", "Wilt u de zaak sluiten?")
    assert sorted(seen) == ["Ja", "Nee"]
    assert reply == QMessageBox.StandardButton.No


def test_ok_and_cancel_and_the_file_dialog_read_dutch(qtbot, qapp):
    install_dutch(qapp)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == (
        "Annuleren"
    )
    dialog = QFileDialog(None, "Opslaan")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    labels = {label.text().replace("&", "") for label in dialog.findChildren(QLabel)}
    assert any(text.startswith("Bestandsnaam") for text in labels)
    assert "File name:" not in labels


def test_the_application_starts_in_dutch_with_the_fusion_style_and_an_icon(qapp):
    app = application()
    assert app.findChild(type(install_dutch(app)), "qtbase_nl") is not None
    assert app.style().name().lower() == "fusion"
    assert not app.windowIcon().isNull()


def test_without_a_screen_or_libxcb_cursor_the_message_is_dutch():
    no_screen = qt_start_problem({"QT_QPA_PLATFORM": ""})
    assert no_screen is not None and "geen beeldscherm" in no_screen
    assert qt_start_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_a_missing_libxcb_cursor_is_named_with_its_package(monkeypatch):
    from mdbtriage.ui import appearance

    x11 = {"QT_QPA_PLATFORM": "", "DISPLAY": ":0"}
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(appearance, "XCB_CURSOR_LIBRARY", "libmdb-triage-absent.so.0")
    missing = qt_start_problem(x11)
    assert missing is not None and "libxcb-cursor0 ontbreekt" in missing
    assert "apt-get install libxcb-cursor0" in missing
    monkeypatch.setattr(appearance, "XCB_CURSOR_LIBRARY", "libc.so.6")  # one that loads
    assert qt_start_problem(x11) is None
    assert qt_start_problem({**x11, "QT_QPA_PLATFORM": "wayland"}) is None


def test_side_by_side_parts_go_one_under_the_other_when_the_width_is_short(qtbot):
    from PySide6.QtWidgets import QPushButton, QWidget

    from mdbtriage.ui.appearance import SideBySide

    window = QWidget()
    qtbot.addWidget(window)
    row = SideBySide(window)
    left, right = QPushButton("Links " * 10), QPushButton("Rechts " * 10)
    row.addWidget(left, 1)
    row.addWidget(right)
    wide = left.minimumSizeHint().width() + right.minimumSizeHint().width() + 40
    narrow = max(left.minimumSizeHint().width(), right.minimumSizeHint().width()) + 10
    assert row.minimumSizeHint().width() < wide  # it may always fall back to a column
    window.show()
    row.resize(wide, 100)
    QApplication.processEvents()
    assert left.y() == right.y() and left.x() < right.x()
    row.resize(narrow, 200)
    QApplication.processEvents()
    assert left.x() == right.x() and left.y() < right.y()
    assert right.geometry().right() < row.width()
