"""Start of the desktop application."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QTableView

from mdbtriage.core.policy import load_policy
from mdbtriage.core.triage import Placement, build_queue
from mdbtriage.core.validation import format_date
from mdbtriage.store.database import Store, StoreError
from mdbtriage.store.records import open_cases

COLUMNS = ("Positie", "Klasse", "Zaak", "Dienst", "Ontvangen", "Wacht (wk)", "Route", "Regie")
_Index = QModelIndex | QPersistentModelIndex


class QueueModel(QAbstractTableModel):
    """The werkvoorraad as compact rows computed once by the triage engine."""

    def __init__(self, placements: list[Placement]) -> None:
        super().__init__()
        self._rows = placements

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        p = self._rows[index.row()]
        values = (
            p.position,
            p.klasse,
            p.case_ref,
            p.facts.service,
            format_date(p.facts.received_on),
            p.waiting_weeks,
            p.route.code,
            p.lead_role,
        )
        return str(values[index.column()])

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


def run_app(store_path: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    try:
        store = Store.open(store_path)
    except StoreError as error:
        QMessageBox.critical(None, "MDB Triage", str(error))
        return 1
    placements = build_queue((r.facts for r in open_cases(store)), date.today(), load_policy())
    window = QMainWindow()
    window.setWindowTitle(f"MDB Triage - {store_path}")
    view = QTableView()
    view.setModel(QueueModel(placements))
    window.setCentralWidget(view)
    window.resize(1100, 700)
    window.show()
    return int(app.exec())
