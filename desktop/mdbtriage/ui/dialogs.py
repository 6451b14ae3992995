"""The standard dialogs the application asks through, as classmethods tests can replace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


def start_folder() -> Path:
    """Where file dialogs open: the user's documents folder (else the home folder), not the
    folder the program happens to run in."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    for folder in (Path(documents) if documents else None, Path.home()):
        if folder is not None and folder.is_dir():
            return folder
    return Path.home()


class Ask:
    """Questions to the user. Tests patch these classmethods instead of driving native dialogs."""

    @classmethod
    def save_path(
        cls, parent: QWidget | None, title: str, suggestion: str, filters: str
    ) -> Path | None:
        start = suggestion if Path(suggestion).is_absolute() else str(start_folder() / suggestion)
        path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
        return Path(path) if path else None

    @classmethod
    def open_path(cls, parent: QWidget | None, title: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder()), filters)
        return Path(path) if path else None

    @classmethod
    def confirm(cls, parent: QWidget | None, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        yes = box.addButton("Ja", QMessageBox.ButtonRole.YesRole)
        box.addButton("Nee", QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes

    @classmethod
    def inform(cls, parent: QWidget | None, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
        box.addButton("OK", QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    @classmethod
    def warn(cls, parent: QWidget | None, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
        box.addButton("OK", QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    @classmethod
    def text(cls, parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
        text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, value)
        return text if ok else None
