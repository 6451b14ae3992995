"""The question for the passphrase of an encrypted store, asked once at start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #b00020;"


class PassphraseDialog(QDialog):
    """Ask the passphrase of ``store_path``; ``message`` says why it is asked again."""

    def __init__(self, store_path: Path, message: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("MDB Triage - versleutelde opslag")
        intro = QLabel(
            f"De opslag {store_path.name} is versleuteld.\nGeef de wachtwoordzin om hem te "
            "openen. De wachtwoordzin wordt nergens bewaard."
        )
        intro.setWordWrap(True)
        intro.setToolTip(str(store_path))
        self.field: QLineEdit = QLineEdit(objectName="passphrase")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setPlaceholderText("Wachtwoordzin")
        self.field.setAccessibleName("Wachtwoordzin")
        self.field.setAccessibleDescription(message)  # the refusal is announced with the field
        self.error = QLabel(message, objectName="error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(bool(message))
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("&Openen", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("ok")
        self.ok.setDefault(True)
        self.ok.setEnabled(False)
        cancel = buttons.addButton("&Afsluiten", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.field.textChanged.connect(lambda text: self.ok.setEnabled(bool(text)))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.field.setFocus()

    def accept(self) -> None:
        if self.field.text():
            super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, store_path: Path, message: str = "") -> str | None:
        """The passphrase typed, or None when the person chose to quit."""
        dialog = cls(store_path, message, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.field.text()
