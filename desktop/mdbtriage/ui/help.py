"""Help › Sneltoetsen and Help › Over MDB Triage.

The shortcut list is built from the main window's own menu actions (so it cannot drift from
them) and the shortcuts of the other windows, which are listed here beside the code that binds
them (ui/werkvoorraad.py, ui/dossier.py, ui/mdb/, ui/tasks.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mdbtriage import __version__
from mdbtriage.ui.appearance import fit_columns, fit_to_screen

#: Shortcuts bound outside the main window's menus: (where, keys, what).
OTHER_SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Werkvoorraad", "Ctrl+F", "Zoeken op naam, zaaknummer of BSN"),
    ("Werkvoorraad", "Enter", "Dossier van de gekozen zaak openen"),
    ("Werkvoorraad", "Esc (in het zoekveld)", "Zoekterm en filters wissen"),
    ("Werkvoorraad", "Menutoets of Shift+F10", "Menu van de tabel: openen, sorteren, kolommen"),
    ("Werkvoorraad", "Alt+L, S", "Sorteren op een kolom (Beeld › Sorteren op)"),
    ("Werkvoorraad", "Alt+L, K", "Kolommen tonen of verbergen (Beeld › Kolommen)"),
    ("Mijn taken", "Enter", "Dossier van de gekozen taak openen"),
    ("Mijn taken", "Alt+I", "Resultaat inleveren"),
    ("Resultaat inleveren", "Ctrl+Enter", "Bevestigen (Enter is een nieuwe regel)"),
    ("Te accorderen", "Enter", "Dossier van de gekozen taak openen"),
    ("Dossier", "Ctrl+T", "Taak toewijzen"),
    ("Dossier", "Ctrl+W", "Venster sluiten"),
    ("MDB", "Esc of Ctrl+W", "MDB-venster sluiten (besluiten zijn bewaard)"),
    ("MDB-voorbereiding", "Ctrl+1 / Ctrl+2 / Ctrl+3", "Bespreken / Niet gereed / Standaardroute"),
    ("MDB-voorbereiding", "Alt+Omhoog / Alt+Omlaag", "Zaak hoger of lager op de agenda"),
    ("MDB-voorbereiding", "Del", "Zaak van de agenda halen"),
    ("MDB-bespreking", "Ctrl+Enter", "Besluit bewaren en naar de volgende zaak"),
    ("MDB-bespreking", "Ctrl+PgDown / Ctrl+PgUp", "Volgende / vorige zaak"),
    ("MDB-bespreking", "Ctrl+T", "Vervolgactiviteit toevoegen"),
    ("MDB-bespreking", "Ctrl+S", "Besluit bewaren"),
    ("MDB-bespreking", "Ctrl+D", "Dossier van de besproken zaak openen"),
)


def menu_shortcuts(menus: Iterable[QMenu]) -> list[tuple[str, str, str]]:
    """(menu, keys, action) for every menu action that has a shortcut."""
    found = []
    for menu in menus:
        where = menu.title().replace("&", "")
        for action in menu.actions():
            if isinstance(action, QAction) and not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                found.append((where, keys, action.text().replace("&", "").rstrip("…")))
    return found


class ShortcutsDialog(QDialog):
    """Every shortcut of the application in one table: where, which keys, what it does."""

    def __init__(self, rows: Iterable[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Sneltoetsen")
        rows = list(rows)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcuts_table")
        self.table.setAccessibleName("Sneltoetsen")
        self.table.setHorizontalHeaderLabels(["Waar", "Toetsen", "Wat"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        # Columns as wide as their texts; should the screen be too narrow for that (large
        # text), the longest texts wrap onto a second line instead of being cut short.
        fit_columns(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        # The focus starts on Sluiten (Esc and Enter close), not on a table cell that would
        # look chosen; Tab goes to the table.
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        width, height = self._content_size(layout, buttons)
        fit_to_screen(self, width, height)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Once laid out: the columns fitted to the table's final width (while it was first
        # laid out, the row numbers' hidden column still took room).
        QTimer.singleShot(0, self, fit_columns(self.table).fit)

    def _content_size(self, layout: QVBoxLayout, buttons: QDialogButtonBox) -> tuple[int, int]:
        """The size that shows every text whole and, where the screen allows, every row: from
        the texts in the font as it is now (Beeld › Tekst groter included)."""
        table = self.table
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        header = table.horizontalHeader()
        columns = sum(
            max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
            for c in range(table.columnCount())
        )
        frame = 2 * table.frameWidth()
        scroll_bar = table.verticalScrollBar().sizeHint().width()
        margins = layout.contentsMargins()
        width = columns + frame + scroll_bar + margins.left() + margins.right()
        height = (
            header.sizeHint().height()
            + table.verticalHeader().length()
            + frame
            + layout.spacing()
            + buttons.sizeHint().height()
            + margins.top()
            + margins.bottom()
        )
        return width, height

    def texts(self) -> list[tuple[str, str, str]]:
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc, union-attr]
            for r in range(self.table.rowCount())
        ]


class AboutDialog(QDialog):
    """Help › Over MDB Triage: what it is, the version, the store and who is signed in."""

    def __init__(self, store_path: str, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("Over MDB Triage")
        text = QLabel(
            f"<h3>MDB Triage {__version__}</h3>"
            "<p>Werkvoorraad, MDB-sessies en taakdelegatie voor de sociaal-medische teams.</p>"
            f"<p>Opslag: {_escape(store_path)}<br>Aangemeld: {_escape(who)}</p>"
            "<p>Sneltoetsen: Help › Sneltoetsen (F1).</p>"
        )
        text.setObjectName("about_text")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
