"""PDF on screen and on paper, for every window that shows or prints one (the MDB summary in
ui/mdb/report.py, the herbeoordeling request in ui/herbeoordeling_form.py).

- :func:`load_pdf` puts PDF bytes into a :class:`QPdfDocument` (for a :class:`QPdfView`);
- :func:`show_pages` sets a view to show every page below the other, as wide as the view;
- :class:`PdfPreview` is a dialog with the pages and a print button;
- :func:`print_pdf` prints every page at the printer's resolution, each page whole and in its
  own proportions (not stretched to the paper).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from mdbtriage.ui.appearance import fit_to_screen


def load_pdf(document: QPdfDocument, pdf: bytes, parent: QObject | None = None) -> QBuffer:
    """Load ``pdf`` into ``document``; the buffer returned must live as long as the document
    reads from it (keep a reference)."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


def show_pages(view: QPdfView, document: QPdfDocument) -> None:
    """Show ``document`` in ``view``: every page, one below the other, as wide as the view."""
    view.setDocument(document)
    view.setPageMode(QPdfView.PageMode.MultiPage)
    view.setZoomMode(QPdfView.ZoomMode.FitToWidth)


class PdfPreview(QDialog):
    """A PDF shown page by page (QtPdf), with a print button."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_to_screen(self, 760, 900)
        self.document = QPdfDocument(self)
        self._buffer = load_pdf(self.document, pdf, self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        show_pages(self.view, self.document)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("Afdrukken…", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("Sluiten", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page of a PDF on a printer (or into a PDF file); returns the pages printed."""
    document = QPdfDocument()
    _source = load_pdf(document, pdf)  # read while the pages are rendered
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("de printer kan niet worden gestart")
    try:
        dpi = printer.resolution()
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            image = document.render(page, size)
            target = painter.viewport()
            scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.topLeft(), scaled), image)
    finally:
        painter.end()
    return document.pageCount()
