"""The MDB window's fourth tab, Verslag: the summary of the MDB shown in the medical or the
non-medical version, previewed page by page, printed or saved as PDF (each output logged by the
store, one record per client).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core import meetings as rules
from mdbtriage.core.meetings import MeetingError
from mdbtriage.reports.mdb_summary import build_summary_pdf
from mdbtriage.store import meetings as repo
from mdbtriage.store.outputs import OutputRefused, file_problem
from mdbtriage.ui.dialogs import start_folder
from mdbtriage.ui.mdb.base import MdbBase
from mdbtriage.ui.pdf_view import load_pdf, print_pdf, show_pages


class ReportTab(MdbBase):
    """Tab 4 Verslag: preview, print and export of the summary (see the module docstring)."""

    def _build_report(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.version_combo = QComboBox()
        bar.addWidget(QLabel("V&ersie:", buddy=self.version_combo))
        self.version_combo.addItem("niet-medisch (AD, teamleider, afdrukken)", "niet-medisch")
        if self.medical:
            self.version_combo.addItem("medisch (VA, AIOS, SMV)", "medisch")
        self.version_combo.currentIndexChanged.connect(self.refresh_preview)
        bar.addWidget(self.version_combo)
        self.print_button = QPushButton("Afdrukken…")
        self.print_button.clicked.connect(self.print_summary)
        bar.addWidget(self.print_button)
        self.export_button = QPushButton("Opslaan als PDF…")
        self.export_button.clicked.connect(self.export_summary)
        bar.addWidget(self.export_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        show_pages(self.pdf_view, self.pdf_document)
        layout.addWidget(self.pdf_view, 1)
        self._pdf_buffer: QBuffer | None = None
        return page

    def _version(self) -> str:
        return str(self.version_combo.currentData())

    def _summary(self) -> rules.MeetingSummary | None:
        if self.meeting is None:
            return None
        try:
            return repo.summary(
                self.store,
                self.meeting.meeting_id,
                actor=self.actor,
                printed_on=self.today,
                medical=self._version() == "medisch",
            )
        except MeetingError as error:
            self._show_problems(error.problems)
            return None

    def refresh_preview(self) -> None:
        data = self._summary()
        self.print_button.setEnabled(data is not None)
        self.export_button.setEnabled(data is not None)
        if data is None:
            self.pdf_document.close()
            return
        self._pdf_bytes = build_summary_pdf(data)
        self.pdf_document.close()
        self._pdf_buffer = load_pdf(self.pdf_document, self._pdf_bytes, self)

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggestion: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Verslag opslaan", str(start_folder() / suggestion), "PDF (*.pdf)"
        )
        return path or None

    @classmethod
    def ask_printer(cls, parent: QWidget, printer: QPrinter) -> bool:
        return QPrintDialog(printer, parent).exec() == QPrintDialog.DialogCode.Accepted

    def export_summary(self) -> None:
        data = self._summary()
        if data is None or self.meeting is None:
            return
        suggestion = (
            f"MDB-{self.meeting.team_id}-{self.meeting.held_on.isoformat()}-{self._version()}.pdf"
        )
        path = self.ask_save_path(self, suggestion)
        if not path:
            return
        try:
            repo.export_summary(self.store, self.actor, data, build_summary_pdf(data), Path(path))
        except MeetingError as error:
            self._show_problems(error.problems)
            return
        except OutputRefused as error:
            self._show_problems([f"{error}; er is niets geschreven."])
            return
        except OSError as error:
            self._show_problems(
                [f"{path}: het verslag kan niet worden geschreven ({file_problem(error)})"]
            )
            return
        self.status_label.setText(f"Verslag opgeslagen in {path}.")

    def print_summary(self) -> None:
        data = self._summary()
        if data is None or self.meeting is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if not self.ask_printer(self, printer):
            return
        pdf = build_summary_pdf(data)
        pages = 0

        def send() -> None:
            nonlocal pages
            pages = print_pdf(pdf, printer)

        try:
            repo.print_summary(
                self.store, self.actor, data, printer.printerName() or "printer", send
            )
        except MeetingError as error:
            self._show_problems(error.problems)
            return
        except OSError as error:
            self._show_problems([f"Het verslag is niet afgedrukt: {error}"])
            return
        self.status_label.setText(f"Verslag afgedrukt ({pages} pagina's).")
