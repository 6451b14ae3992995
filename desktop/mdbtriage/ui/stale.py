"""A save refused because a colleague changed the same thing meanwhile
(:class:`mdbtriage.store.versions.StaleEdit`): the form says who changed what and when, keeps
what the person had entered to copy, and offers to load the current state."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.ui.appearance import fit_to_screen


class StaleEditDialog(QDialog):
    """The refusal, the person's own text (selectable, with a copy button) and the choice:
    reload (accept) or go back to the form as it is (reject)."""

    def __init__(self, parent: QWidget | None, message: str, own_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Intussen gewijzigd door een collega")
        layout = QVBoxLayout(self)
        self.message = QLabel(message, objectName="stale_message", wordWrap=True)
        layout.addWidget(self.message)
        caption = QLabel("Wat u had ingevoerd (om te kopiëren):", wordWrap=True)
        layout.addWidget(caption)
        self.own = QPlainTextEdit(objectName="stale_own_text")
        self.own.setPlainText(own_text)
        self.own.setReadOnly(True)
        self.own.setAccessibleName("Wat u had ingevoerd")
        caption.setBuddy(self.own)
        layout.addWidget(self.own, 1)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("&Kopiëren")
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.reload_button = buttons.addButton(
            "Opnieuw &laden", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton("&Terug", QDialogButtonBox.ButtonRole.RejectRole)
        self.reload_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 560, 360)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.own.toPlainText())

    @classmethod
    def ask(cls, parent: QWidget | None, message: str, own_text: str) -> bool:
        """Whether to load the current state (the person's text stays in the clipboard when
        they copied it). Tests replace this classmethod."""
        return cls(parent, message, own_text).exec() == QDialog.DialogCode.Accepted
