"""The MDB window's first tab, Voorbereiding: the agenda of the MDB shown, each case marked
bespreken, niet gereed (with what is missing) or standaardroute, moved, taken off or added by
its case number. Keys on the agenda: Ctrl+1/2/3 mark, Alt+Up/Down move, Del takes a case off
(the buttons name them in Dutch: Alt+Omhoog, Alt+Omlaag).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.labels import route_name
from mdbtriage.core.meetings import AGENDA_REASONS, AGENDA_STATUSES, AgendaItem
from mdbtriage.store import meetings as repo
from mdbtriage.ui.appearance import FittedColumns, FlowLayout, capped_widths
from mdbtriage.ui.mdb.base import MdbBase, _policy

_Index = QModelIndex | QPersistentModelIndex
AGENDA_COLUMNS = (
    "#",
    "Zaak",
    "Cliënt",
    "Klasse",
    "Route",
    "Voorstel regie",
    "Reden",
    "Status",
    "Ontbreekt",
)
#: The Dutch names of the agenda's keys, as Help › Sneltoetsen writes them.
KEY_NAMES = {"Alt+Up": "Alt+Omhoog", "Alt+Down": "Alt+Omlaag"}


class AgendaModel(QAbstractTableModel):
    """The agenda rows with the client shown by name and masked BSN."""

    def __init__(self) -> None:
        super().__init__()
        self._items: list[AgendaItem] = []
        self._clients: dict[str, str] = {}

    def reset(self, items: list[AgendaItem], clients: dict[str, str]) -> None:
        self.beginResetModel()
        self._items = items
        self._clients = clients
        self.endResetModel()

    def item(self, row: int) -> AgendaItem:
        return self._items[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(AGENDA_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        i = self._items[index.row()]
        values = (
            str(i.position),
            i.case_ref,
            self._clients.get(i.case_ref, ""),
            i.klasse,
            route_name(i.route, _policy()),
            i.proposed_lead,
            AGENDA_REASONS.get(i.reason, i.reason),
            AGENDA_STATUSES.get(i.status, i.status),
            i.missing,
        )
        return values[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
            and orientation == Qt.Orientation.Horizontal
        ):
            return AGENDA_COLUMNS[section]  # the tooltip: whole when the column is narrow
        return None


class AgendaColumns(FittedColumns):
    """The agenda's columns: the reason a case is on the agenda (Reden) gets the room. When not
    all fit on one line (large text, a narrow window) the columns give up width in turn, each
    group the widest first, until Reden has a third of the table: what is missing (cut short
    with '…', whole in its tooltip) down to its heading; the other columns down to their
    longest word (a route such as 60-plusmaatregel stays whole, a status is never cut); what
    is missing down to a few letters (an empty column has nothing to show); then Reden down to
    its longest word; last a heading wider than its column's texts is cut short ('…', whole
    in its tooltip). When even that does not fit, the columns fit as any table's."""

    MAIN = AGENDA_COLUMNS.index("Reden")
    SHARE = 1 / 3

    def widths(self, room: int) -> dict[int, int]:
        view, header = self.view, self.view.horizontalHeader()
        main = self.MAIN
        columns = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        if main not in columns:
            return super().widths(room)
        want = {c: max(header.sectionSizeHint(c), view.sizeHintForColumn(c)) for c in columns}
        if sum(want.values()) <= room:  # all on one line: what is left over goes to Reden
            return want | {main: want[main] + room - sum(want.values())}
        heading = {c: min(want[c], header.sectionSizeHint(c)) for c in columns}
        least = {c: min(want[c], max(heading[c], self._word(c))) for c in columns}
        cut = [c for c in self.elide if c in columns]
        wrap = [c for c in columns if c != main and c not in cut]
        few = view.fontMetrics().horizontalAdvance("xxxxx")
        # A column whose heading is wider than its texts (Voorstel regie: VA or AD).
        texts = {c: min(want[c], max(few, view.sizeHintForColumn(c), self._word(c))) for c in wrap}
        widths = dict(want)
        widths[main] = min(want[main], max(least[main], int(room * self.SHARE)))
        for group, floor in (
            (cut, heading),
            (wrap, least),
            (cut, {c: min(heading[c], few) for c in cut}),
            ([main], least),
            (wrap, {c: min(least[c], texts[c]) for c in wrap}),
        ):
            over = sum(widths.values()) - room
            if over > 0:
                _give_up(widths, group, floor, over)
        over = sum(widths.values()) - room
        if over > 0:
            return super().widths(room)
        widths[main] -= over  # what a group gave beyond the need
        return widths


def _give_up(widths: dict[int, int], group: list[int], floor: dict[int, int], need: int) -> None:
    """Narrow the ``group``'s columns, the widest first (all to one cap, none below its
    ``floor``), by ``need`` pixels or as far as they can."""
    widths.update(capped_widths(widths, floor, group, sum(widths[c] for c in group) - need))


class _CaseNumberField(QLineEdit):
    """The field for a case number to add: as wide as a case number (or its placeholder) in
    the current font, so that the agenda's buttons keep to one line where they can."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        # Qt's own hint is some 17 characters 'x' plus the frame and margins.
        padding = max(0, hint.width() - 17 * metrics.horizontalAdvance("x"))
        text = max(
            metrics.horizontalAdvance(self.placeholderText()),
            metrics.horizontalAdvance("Z26-000000WW"),
        )
        return QSize(min(hint.width(), padding + text), hint.height())


class PreparationTab(MdbBase):
    """Tab 1 Voorbereiding: the agenda (see the module docstring)."""

    def _build_agenda(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.agenda_model = AgendaModel()
        self.agenda_view = QTableView()
        self.agenda_view.setAccessibleName("Agenda")
        self.agenda_view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.agenda_view.setModel(self.agenda_model)
        self.agenda_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda_view.verticalHeader().hide()
        # With large text the reason keeps its room and wraps, names wrap and what is missing
        # is cut short, so the agenda does not scroll sideways.
        self.agenda_view.fitted_columns = AgendaColumns(  # type: ignore[attr-defined]
            self.agenda_view, (AGENDA_COLUMNS.index("Ontbreekt"),)
        )
        # A heading cut short says so ('…'); it is whole in its tooltip.
        self.agenda_view.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        layout.addWidget(self.agenda_view, 1)
        self.agenda_empty = QLabel(
            "Nog geen MDB gekozen. Kies hierboven een team en een datum en klik op "
            "'Agenda voorstellen'."
        )
        layout.addWidget(self.agenda_empty)
        # The buttons wrap onto more lines in a narrow window or with large text.
        button_bar = QWidget()
        buttons = FlowLayout(button_bar)
        self.agenda_buttons: list[QPushButton] = []
        # Each button names its key as Help › Sneltoetsen does, in Dutch (Alt+Omhoog, not
        # Qt's Alt+Up).
        for text, key, slot in (
            ("Bespreken", "Ctrl+1", lambda: self.mark("bespreken")),
            ("Niet gereed…", "Ctrl+2", lambda: self.mark("niet_gereed")),
            ("Standaardroute", "Ctrl+3", lambda: self.mark("standaardroute")),
            ("Omhoog", "Alt+Up", lambda: self.move(-1)),
            ("Omlaag", "Alt+Down", lambda: self.move(1)),
            ("Van agenda halen", "Del", self.drop),
        ):
            button = QPushButton(f"{text} ({KEY_NAMES.get(key, key)})")
            button.clicked.connect(slot)
            QShortcut(QKeySequence(key), self.agenda_view, activated=slot)
            buttons.addWidget(button)
            self.agenda_buttons.append(button)
        self.add_ref = _CaseNumberField()
        self.add_ref.setAccessibleName("Zaaknummer toevoegen aan de agenda")
        self.add_ref.setPlaceholderText("zaaknummer")
        self.add_ref.returnPressed.connect(self.add_case)
        buttons.addWidget(self.add_ref)
        add = QPushButton("Zaak toevoegen")
        add.clicked.connect(self.add_case)
        buttons.addWidget(add)
        self.agenda_buttons.append(add)
        layout.addWidget(button_bar)
        return page

    def _refresh_agenda(self) -> None:
        items = repo.agenda(self.store, self.meeting.meeting_id) if self.meeting else []
        self.agenda_model.reset(items, self._client_names([i.case_ref for i in items]))
        if self.meeting is None:
            self.agenda_empty.setText(
                "Nog geen MDB gekozen. Kies hierboven een team en een datum en klik op "
                "'Agenda voorstellen'."
            )
        elif not items:
            self.agenda_empty.setText("De agenda is leeg. Voeg zaken toe met hun zaaknummer.")
        else:
            counts = {s: sum(1 for i in items if i.status == s) for s in AGENDA_STATUSES}
            self.agenda_empty.setText(
                f"{len(items)} zaken: {counts['bespreken']} bespreken, {counts['niet_gereed']} "
                f"niet gereed, {counts['standaardroute']} standaardroute (vermeld, niet besproken)."
            )

    def _selected_item(self) -> AgendaItem | None:
        rows = self.agenda_view.selectionModel().selectedRows()
        return self.agenda_model.item(rows[0].row()) if rows else None

    def _select_ref(self, ref: str) -> None:
        for row in range(self.agenda_model.rowCount()):
            if self.agenda_model.item(row).case_ref == ref:
                self.agenda_view.selectRow(row)
                return

    @classmethod
    def ask_missing(cls, parent: QWidget, case_ref: str, current: str) -> str | None:
        """Ask what is missing from the dossier; ``None`` when cancelled."""
        text, ok = QInputDialog.getText(
            parent, "Niet gereed", f"Wat ontbreekt er in het dossier van {case_ref}?", text=current
        )
        return text if ok else None

    def mark(self, status: str) -> None:
        item = self._selected_item()
        if self.meeting is None or item is None:
            return
        missing = ""
        if status == "niet_gereed":
            answer = self.ask_missing(self, item.case_ref, item.missing)
            if answer is None:
                return
            missing = answer
        self._try(
            lambda: repo.set_item_status(
                self.store, self._meeting_id(), item.case_ref, status, missing, self.actor
            )
        )
        self._after_agenda_change(item.case_ref)

    def move(self, offset: int) -> None:  # type: ignore[override]  # not QWidget.move
        item = self._selected_item()
        if self.meeting is None or item is None:
            return
        self._try(lambda: repo.move_case(self.store, self._meeting_id(), item.case_ref, offset))
        self._after_agenda_change(item.case_ref)

    def drop(self) -> None:
        item = self._selected_item()
        if self.meeting is None or item is None:
            return
        self._try(lambda: repo.drop_case(self.store, self._meeting_id(), item.case_ref, self.actor))
        self._after_agenda_change(None)

    def add_case(self) -> None:
        ref = self.add_ref.text().strip()
        if self.meeting is None or not ref:
            return
        if self._try(lambda: repo.add_case(self.store, self._meeting_id(), ref, self.actor)):
            self.add_ref.clear()
        self._after_agenda_change(ref)

    def _after_agenda_change(self, select: str | None) -> None:
        self._report(self._meeting_id() if self.meeting else None, [select] if select else [])
        self._refresh_agenda()
        self._refresh_attendance()
        self._refresh_live()
        if select:
            self._select_ref(select)
