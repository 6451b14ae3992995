"""Importing cases or staff from CSV in the desktop: a file dialog, a progress bar, and the same
row-level report as the command line. The work runs in a worker thread on its own connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.imports import import_file
from mdbtriage.store.records import WriteCounts
from mdbtriage.ui.appearance import fit_to_screen
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.session import Session
from mdbtriage.ui.worker import Progress, run_in_background

KINDS = {"cases": ("Zaken importeren", "zaken"), "staff": ("Medewerkers importeren", "medewerkers")}


@dataclass(slots=True)
class ImportOutcome:
    written: bool
    lines: list[str] = field(default_factory=list)
    counts: WriteCounts | None = None


def run_import(
    store_path: Path,
    path: Path,
    kind: str,
    skip_invalid: bool,
    actor: Actor,
    on: date,
    progress: Progress,
) -> ImportOutcome:
    """Read, check and (all or nothing, or skipping invalid rows) write one CSV file, as the
    command line does (``store.imports``), on the worker thread's own connection."""
    progress(0, f"{path.name} lezen")
    with Store.open(store_path) as store:
        report = import_file(
            store,
            path,
            kind,
            skip_invalid=skip_invalid,
            actor=actor,
            today=on,
            skip_hint="Kies 'Ongeldige regels overslaan' om de geldige regels te importeren.",
            progress=progress,
        )
    return ImportOutcome(report.written, report.lines, report.counts)


class ImportDialog(QDialog):
    """Choose a file, import it in the background, read the report."""

    finished_import = Signal(object)

    def __init__(
        self, store: Store, session: Session, on: date, kind: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.on = on
        self.kind = kind
        self.outcome: ImportOutcome | None = None
        self.running = False
        title, noun = KINDS[kind]
        self.setWindowTitle(title)
        self.path = QLineEdit(objectName="path")
        self.path.setAccessibleName("CSV-bestand")
        self.path.setPlaceholderText("Kies een CSV-bestand (UTF-8, scheidingsteken , of ;)")
        choose = QPushButton("&Bladeren…", objectName="choose")
        choose.clicked.connect(self.choose_file)
        self.skip = QCheckBox(
            "&Ongeldige regels overslaan (bewaard in BESTAND.rejected.csv met de reden)",
            objectName="skip_invalid",
        )
        self.progress = QProgressBar(objectName="progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel(
            f"Zonder 'overslaan' is de import alles of niets: bij één ongeldige regel worden geen "
            f"{noun} geschreven.",
            objectName="status",
        )
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(objectName="report")
        self.report.setAccessibleName("Verslag van de import")
        self.report.setTabChangesFocus(True)
        self.report.setReadOnly(True)
        self.report.setFont(QFont("DejaVu Sans Mono"))
        self.report.setPlaceholderText("Hier verschijnt het verslag van de import.")
        self.start_button = QPushButton("&Importeren", objectName="start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.close_button = QPushButton("Sl&uiten", objectName="close")
        self.close_button.clicked.connect(self.accept)

        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.skip)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.report, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 760, 460)

    def choose_file(self) -> None:
        path = Ask.open_path(self, KINDS[self.kind][0], "CSV-bestanden (*.csv);;Alle bestanden (*)")
        if path is not None:
            self.path.setText(str(path))

    def start(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.status.setText("Kies eerst een bestand.")
            return
        if self.running:
            return
        self.running = True
        self.start_button.setEnabled(False)
        self.report.clear()
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        path, kind, skip = Path(text), self.kind, self.skip.isChecked()
        store_path, actor, on = self.store.path, self.session.actor, self.on

        def work(progress: Progress) -> ImportOutcome:
            return run_import(store_path, path, kind, skip, actor, on, progress)

        def on_progress(percent: int, message: str) -> None:
            self.progress.setValue(percent)
            self.status.setText(message)

        def done(outcome: ImportOutcome) -> None:
            self.running = False
            self.start_button.setEnabled(True)
            self.outcome = outcome
            self.report.setPlainText("\n".join(outcome.lines))
            self.status.setText(
                "Import voltooid."
                if outcome.written
                else "Import geweigerd: er is niets geschreven."
            )
            if outcome.written:
                self.progress.setValue(100)
            else:  # not left standing at the percentage where the import stopped
                self.progress.setValue(0)
                self.progress.setFormat("geweigerd")
            self.finished_import.emit(outcome)

        def failed(error: BaseException) -> None:
            self.running = False
            self.start_button.setEnabled(True)
            self.outcome = ImportOutcome(False, [f"Onverwachte fout: {error}"])
            self.report.setPlainText(self.outcome.lines[0])
            self.status.setText("Import mislukt: er is niets geschreven.")
            self.progress.setValue(0)
            self.progress.setFormat("mislukt")
            self.finished_import.emit(self.outcome)

        run_in_background(work, done, failed, on_progress)

    def reject(self) -> None:
        if not self.running:
            super().reject()

    def accept(self) -> None:
        if not self.running:
            super().accept()

    @classmethod
    def ask(
        cls, store: Store, session: Session, on: date, kind: str, parent: QWidget | None = None
    ) -> ImportOutcome | None:
        dialog = cls(store, session, on, kind, parent)
        dialog.exec()
        return dialog.outcome
