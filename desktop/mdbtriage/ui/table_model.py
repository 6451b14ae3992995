"""A small read-only table model over rows of display strings (tasks, history, staff lists).

For the short lists of one case or one team; the werkvoorraad has its own lazy model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from mdbtriage.ui.appearance import FittedColumns, fit_columns

_Index = QModelIndex | QPersistentModelIndex
ROW_KEY_ROLE = Qt.ItemDataRole.UserRole + 2


class RowsModel(QAbstractTableModel):
    """Rows of strings with a header; each row may carry a key (an id) for the view's actions."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[tuple[str, ...]] = []
        self._keys: list[object] = []

    def set_rows(self, rows: Sequence[Sequence[object]], keys: Sequence[object] = ()) -> None:
        self.beginResetModel()
        width = len(self._headers)
        self._rows = [
            tuple("" if v is None else str(v) for v in row)[:width]
            + ("",) * max(0, width - len(row))
            for row in rows
        ]
        self._keys = list(keys) if keys else [None] * len(self._rows)
        self.endResetModel()

    def key(self, row: int) -> object:
        return self._keys[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == ROW_KEY_ROLE:
            return self._keys[index.row()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None


class TablePane:
    """A table view with its model, and a hint shown instead of the table when it is empty."""

    def __init__(
        self,
        headers: Sequence[str],
        empty_text: str,
        name: str,
        title: str,
        elide: Sequence[int] = (),
        fitting: type[FittedColumns] = FittedColumns,
    ) -> None:
        """``fitting``: how the columns share the width (a table whose one text column should
        get the room gives its own kind of :class:`FittedColumns`)."""
        from PySide6.QtWidgets import QLabel, QStackedWidget, QTableView

        self.model = RowsModel(headers)
        self.view = QTableView()
        self.view.setObjectName(name)
        self.view.setAccessibleName(title)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        # With large text long texts wrap instead of the table scrolling sideways; the least
        # important columns (``elide``) stay on one line and give up width first.
        self.view.fitted_columns = fitting(self.view, elide)  # type: ignore[attr-defined]
        self.empty = QLabel(empty_text)
        self.empty.setObjectName(f"{name}_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.widget = QStackedWidget()
        self.widget.addWidget(self.view)
        self.widget.addWidget(self.empty)

    def set_rows(self, rows: Sequence[Sequence[object]], keys: Sequence[object] = ()) -> None:
        self.model.set_rows(rows, keys)
        self.widget.setCurrentWidget(self.view if rows else self.empty)
        if rows:
            fit_columns(self.view).fit()
