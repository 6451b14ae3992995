"""The werkvoorraad table model: compact rows, filtered, searched and sorted inside the model.

No proxy model: with 250,000 rows a ``QSortFilterProxyModel`` calls ``data()`` millions of times.
Here a filter is one list comprehension over the compact rows and a sort is one ``sorted()``
with a key on plain attributes; ``data()`` formats only the cells that are painted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPen,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)

from mdbtriage.core.labels import role_name, service_short, task_line
from mdbtriage.core.model import CASE_STATUSES, SERVICES
from mdbtriage.core.validation import format_date, parse_bsn
from mdbtriage.store.queue_view import QueueEntry, QueueMerge, merge_entries, triage_key

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    tip: str
    text: Callable[[QueueEntry], str]
    sort_key: Callable[[QueueEntry], Any]
    numeric: bool = False


# The teams' names by id, as the store holds them (set by the werkvoorraad when it reads the
# teams): the Team column shows "SMC Utrecht 1", not the code "SMC-UTRECHT-1".
_TEAM_NAMES: dict[str, str] = {}


def set_team_names(names: dict[str, str]) -> None:
    _TEAM_NAMES.clear()
    _TEAM_NAMES.update(names)


def _team_text(e: QueueEntry) -> str:
    return _TEAM_NAMES.get(e.team, e.team)


# Per case the week the capacity forecast expects it done (None: not in sight), for the cases
# of the teams it was computed for (set by the werkvoorraad when the forecast is in).
_EXPECTED: dict[str, date | None] = {}


def set_expected_weeks(weeks: Mapping[str, date | None]) -> None:
    _EXPECTED.clear()
    _EXPECTED.update(weeks)


def _expected_text(e: QueueEntry) -> str:
    if e.case_ref not in _EXPECTED:
        return ""
    done = _EXPECTED[e.case_ref]
    return f"wk van {format_date(done)}" if done else "niet in zicht"


def _expected_key(e: QueueEntry) -> tuple[int, int]:
    if e.case_ref not in _EXPECTED:
        return (2, 0)
    done = _EXPECTED[e.case_ref]
    return (0, done.toordinal()) if done else (1, 0)


def _overdue_text(e: QueueEntry) -> str:
    days = e.overdue_days
    return str(days) if days else ""


@dataclass(frozen=True, slots=True)
class QueueSignal:
    """A signal shown in the werkvoorraad's Signalen column and offered as a filter: in words
    and with an icon (never by colour alone), read from what the row already holds."""

    key: str
    label: str
    short: Callable[[QueueEntry], str]
    glyph: str
    colour: str
    test: Callable[[QueueEntry], bool]


SIGNALS: tuple[QueueSignal, ...] = (
    QueueSignal(
        "te_laat",
        "Termijn verstreken",
        lambda e: "te laat",
        "!",
        "#b00020",
        lambda e: e.overdue_days > 0,
    ),
    QueueSignal(
        "ingebrekestelling",
        "Ingebrekestelling of dwangsom",
        lambda e: "dwangsom" if e.dwangsom else "ingebrekestelling",
        "§",
        "#8a4b00",
        lambda e: e.ingebrekestelling or e.dwangsom,
    ),
    QueueSignal(
        "schrijnend",
        "Schrijnend",
        lambda e: "schrijnend" if e.schrijnend_approved else "schrijnend (toets)",
        "S",
        "#6a1b9a",
        lambda e: e.schrijnend_approved or e.schrijnend,
    ),
    QueueSignal(
        "motivering",
        "Medische motivering ontbreekt",
        lambda e: "motivering ontbreekt",
        "M",
        "#0b5394",
        lambda e: e.route == "ONVOLLEDIG",
    ),
    QueueSignal(
        "niet_opgepakt",
        "Wordt niet opgepakt",
        lambda e: "niet opgepakt",
        "–",
        "#4b5563",
        lambda e: e.unplanned,
    ),
    QueueSignal(
        "zes_maanden",
        "Langer dan zes maanden",
        lambda e: "> 6 mnd",
        "6",
        "#7a3b00",
        lambda e: e.over_six_months,
    ),
)
SIGNAL_KEYS = {signal.key: signal for signal in SIGNALS}


def signals_of(entry: QueueEntry) -> list[QueueSignal]:
    """The signals of one row, most urgent first."""
    return [signal for signal in SIGNALS if signal.test(entry)]


def _signals_text(e: QueueEntry) -> str:
    return ", ".join(signal.short(e) for signal in signals_of(e))


def _signals_rank(e: QueueEntry) -> int:
    """Sorts the rows with the most urgent signals first when sorted descending: the tests of
    SIGNALS, in their order, as bits (written out: one call per row of 250,000)."""
    return (
        (e.overdue_days > 0) << 6
        | (e.ingebrekestelling or e.dwangsom) << 5
        | (e.schrijnend_approved or e.schrijnend) << 4
        | (e.route == "ONVOLLEDIG") << 3
        | (e.klasse in e.policy.unplanned_classes) << 2
        | e.over_six_months << 1
    )


_ICONS: dict[str, QIcon] = {}


def _signal_pixmap(signal: QueueSignal, *, ringed: bool) -> QPixmap:
    """The signal's square with its glyph; ``ringed``: with a white edge, for a selected row
    (Qt would otherwise blend the square with the selection's blue into a dull brown)."""
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(signal.colour))
    if ringed:
        painter.setPen(QPen(QColor("#ffffff"), 3))
        painter.drawRoundedRect(2, 2, size - 4, size - 4, 7, 7)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(1, 1, size - 2, size - 2, 7, 7)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(22)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, signal.glyph)
    painter.end()
    return pixmap


def signal_icon(signal: QueueSignal) -> QIcon:
    """A small square in the signal's colour with its glyph in white (made once), in its own
    colour also on a selected row."""
    icon = _ICONS.get(signal.key)
    if icon is None:
        icon = QIcon(_signal_pixmap(signal, ringed=False))
        icon.addPixmap(_signal_pixmap(signal, ringed=True), QIcon.Mode.Selected)
        _ICONS[signal.key] = icon
    return icon


def _decoration(entry: QueueEntry, column: Column) -> QIcon | None:
    if column.key != "signals":
        return None
    for signal in SIGNALS:
        if signal.test(entry):
            return signal_icon(signal)
    return None


COLUMNS: tuple[Column, ...] = (
    Column(
        "position",
        "Positie",
        "Plaats in de triagevolgorde",
        lambda e: str(e.position),
        lambda e: e.position,
        True,
    ),
    Column("klasse", "Klasse", "Beleidsklasse A-D", lambda e: e.klasse, lambda e: e.klasse),
    Column(
        "service",
        "Dienst",
        "Soort dienstverlening",
        lambda e: service_short(e.service),
        lambda e: service_short(e.service),
    ),
    Column("case_ref", "Zaak", "Zaaknummer", lambda e: e.case_ref, lambda e: e.case_ref),
    Column(
        "client",
        "Cliënt",
        "Naam van de cliënt",
        lambda e: e.client_name,
        lambda e: e.client_name.casefold(),
    ),
    Column(
        "signals",
        "Signalen",
        "Te laat, ingebrekestelling of dwangsom, schrijnend, medische motivering ontbreekt, "
        "wordt niet opgepakt, langer dan zes maanden",
        _signals_text,
        _signals_rank,
    ),
    Column("bsn", "BSN", "BSN (gemaskeerd)", lambda e: e.bsn_masked, lambda e: e.bsn_masked[-3:]),
    Column(
        "received",
        "Ontvangen",
        "Ontvangstdatum",
        lambda e: format_date(e.received_on),
        lambda e: e.received_on,
    ),
    Column(
        "waiting",
        "Wacht (wk)",
        "Wachttijd in weken",
        lambda e: str(e.waiting_weeks),
        lambda e: e.waiting_days,
        True,
    ),
    Column(
        "overdue",
        "Dagen te laat",
        "Dagen na de wettelijke beslistermijn",
        _overdue_text,
        lambda e: e.overdue_days,
        True,
    ),
    Column(
        "six_months",
        "> 6 mnd",
        "Langer dan zes maanden in behandeling",
        lambda e: "ja" if e.over_six_months else "",
        lambda e: e.over_six_months,
    ),
    Column(
        "route",
        "Route",
        "Behandelroute (naam uit het beleid)",
        lambda e: e.route_rule.name,
        lambda e: e.route_rule.name,
    ),
    Column(
        "lead",
        "Regie",
        "Voorgestelde regie (rol)",
        lambda e: role_name(e.lead_role),
        lambda e: e.lead_role,
    ),
    Column(
        "status",
        "Status",
        "Status van de zaak",
        lambda e: CASE_STATUSES.get(e.status, e.status),
        lambda e: e.status,
    ),
    Column(
        "next_task",
        "Volgende taak",
        "Eerste openstaande taak",
        lambda e: task_line(e.next_task) if e.next_task else "",
        lambda e: (e.next_task == "", e.next_task),
    ),
    Column("team", "Team", "SMC-team", lambda e: _team_text(e), lambda e: _team_text(e)),
    Column(
        "expected",
        "Verwacht klaar",
        "De week waarin de zaak volgens de capaciteitsprognose klaar is: een schatting, "
        "voor de zaken van uw eigen team",
        _expected_text,
        _expected_key,
    ),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)

_WARN = QBrush(QColor("#a35200"))  # 5.2:1 on the striped rows too
_LATE = QBrush(QColor("#b00020"))
_MUTED = QBrush(QColor("#6b6b6b"))
_BOLD = QFont()
_BOLD.setBold(True)


_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _foreground(entry: QueueEntry, column: Column) -> QBrush | None:
    if column.key == "overdue" and entry.overdue_days:
        return _LATE if entry.long_overdue else _WARN
    if column.key == "six_months" and entry.over_six_months:
        return _LATE
    if entry.unplanned:
        return _MUTED
    return None


def _font(entry: QueueEntry, column: Column) -> QFont | None:
    if column.key == "overdue" and entry.long_overdue:
        return _BOLD
    return None


def _tooltip(entry: QueueEntry, column: Column) -> str | None:
    if column.key == "service":
        return SERVICES.get(entry.service, entry.service)
    if column.key == "klasse":
        return f"{entry.klasse}: {entry.policy.class_labels.get(entry.klasse, '')}"
    if column.key in ("client", "next_task", "team") and column.text(entry):
        return column.text(entry)  # whole, where the column may elide it
    return ", ".join(entry.flags) or None


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the user narrowed the werkvoorraad to; ``None`` means all."""

    klasse: str | None = None
    service: str | None = None
    route: str | None = None
    lead_role: str | None = None
    team: str | None = None
    status: str | None = None
    signal: str | None = None
    text: str = ""

    def with_(self, **changes: Any) -> QueueFilter:
        return replace(self, **changes)

    def matcher(self) -> Callable[[QueueEntry], bool] | None:
        """One predicate over a row, or ``None`` when nothing is filtered."""
        checks: list[Callable[[QueueEntry], bool]] = []
        if self.klasse:
            k = self.klasse
            checks.append(lambda e: e.klasse == k)
        if self.service:
            s = self.service
            checks.append(lambda e: e.service == s)
        if self.route:
            r = self.route
            checks.append(lambda e: e.route == r)
        if self.lead_role:
            lr = self.lead_role
            checks.append(lambda e: e.lead_role == lr)
        if self.team:
            t = self.team
            checks.append(lambda e: e.team == t)
        if self.status:
            st = self.status
            checks.append(lambda e: e.status == st)
        if self.signal in SIGNAL_KEYS:
            test = SIGNAL_KEYS[self.signal].test
            checks.append(test)
        needle = self.text.strip().casefold()
        if needle:
            digits = needle.replace(" ", "").replace(".", "")
            if digits.isdigit() and len(digits) in (8, 9):
                try:
                    needle = parse_bsn(digits)
                except ValueError:
                    needle = digits
            checks.append(lambda e: needle in e.search_key)
        if not checks:
            return None
        if len(checks) == 1:
            return checks[0]
        return lambda e: all(check(e) for check in checks)

    def apply(self, entries: list[QueueEntry]) -> list[QueueEntry]:
        """The entries that pass, in their order. Each check narrows the list in turn, so the
        later checks only see what the first left over."""
        match = self.matcher()
        if match is None:
            return entries
        rows = entries
        for check in self._checks():
            rows = [e for e in rows if check(e)]
        return rows

    def _checks(self) -> list[Callable[[QueueEntry], bool]]:
        single = [
            QueueFilter(klasse=self.klasse),
            QueueFilter(service=self.service),
            QueueFilter(route=self.route),
            QueueFilter(lead_role=self.lead_role),
            QueueFilter(team=self.team),
            QueueFilter(status=self.status),
            QueueFilter(signal=self.signal),
            QueueFilter(text=self.text),
        ]
        found = [f.matcher() for f in single]
        return [m for m in found if m is not None]


class _Reversed:
    """A sort key that orders the other way round (for bisecting a list sorted descending)."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.key == other.key)

    __hash__ = None  # type: ignore[assignment]


class QueueModel(QAbstractTableModel):
    """The werkvoorraad rows in view order; the full list is kept for refiltering."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[QueueEntry] = []
        self._by_ref: dict[str, QueueEntry] | None = None
        self._ordered: dict[tuple[int, bool], list[QueueEntry]] = {}
        self._rows: list[QueueEntry] = []
        self._filter = QueueFilter()
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.AscendingOrder
        # One team's rows in the order of the whole werkvoorraad, whose positions among all
        # teams are still being computed: the column shows that, sorting by it keeps the order.
        self.positions_pending = False

    # Qt interface -----------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if self.positions_pending and column.key == "position":
            if role == _DISPLAY:
                return "…"
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return "De plaats onder alle teams wordt berekend"
        if role == _DISPLAY:
            return column.text(entry)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _foreground(entry, column)
        if role == Qt.ItemDataRole.FontRole:
            return _font(entry, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(entry, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return _decoration(entry, column)
        if role == ENTRY_ROLE:
            return entry
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == _DISPLAY:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column = column
        self._sort_order = order
        self.layoutAboutToBeChanged.emit()
        self._rows = self._view()
        self.layoutChanged.emit()

    # Our interface ----------------------------------------------------------------------------

    def set_entries(
        self, entries: list[QueueEntry], by_ref: dict[str, QueueEntry] | None = None
    ) -> None:
        """Show ``entries`` (in triage order); ``by_ref``, the same rows by case reference when
        made elsewhere already (for :meth:`update_entries`, otherwise made when first needed)."""
        self.beginResetModel()
        self.positions_pending = False
        self._all = entries
        self._by_ref = by_ref
        self._ordered = {}
        self._rows = self._view()
        self.endResetModel()

    def update_entries(self, case_refs: Collection[str], fresh: Sequence[QueueEntry]) -> QueueMerge:
        """Put the new rows ``fresh`` of the cases ``case_refs`` in place of their old ones
        (``store.queue_view.merge_entries``: afterwards the rows are those a full read gives)
        and tell the views row by row: a row whose place in view stays is changed, one whose
        place changes is moved (the selection goes with it), one that leaves the view (afgerond,
        filtered out) is removed, one that comes in is inserted, and the positions of the rows
        that moved up or down are changed. The sort order and filter stay as they are."""
        if self._by_ref is None:
            self._by_ref = {e.case_ref: e for e in self._all}
        if any(self._rows is ordered for ordered in self._ordered.values()):
            self._rows = list(self._rows)  # changed below row by row, the full list at once
        merge = merge_entries(self._all, case_refs, fresh, self._by_ref)
        self._ordered = {(0, False): self._all}
        key = self._view_key()
        match = self._filter.matcher()
        old = {e.case_ref: e for e in merge.removed}
        new = {e.case_ref: e for e in merge.added}
        last_column = len(COLUMNS) - 1
        for ref in sorted(old.keys() | new.keys()):
            before, after = old.get(ref), new.get(ref)
            row = None
            if before is not None and (match is None or match(before)):
                row = self._row_in_view(before, key)
            shown = after is not None and (match is None or match(after))
            if row is None and not shown:
                continue
            if row is None:
                assert after is not None
                target = bisect_left(self._rows, key(after), key=key)
                self.beginInsertRows(QModelIndex(), target, target)
                self._rows.insert(target, after)
                self.endInsertRows()
                continue
            if not shown:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
                continue
            assert after is not None
            target = bisect_left(self._rows, key(after), key=key)
            if target > row:
                target -= 1  # the place among the other rows
            if target != row:
                destination = target if target < row else target + 1
                self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
                del self._rows[row]
                self._rows.insert(target, after)
                self.endMoveRows()
            else:
                self._rows[row] = after
            self.dataChanged.emit(self.index(target, 0), self.index(target, last_column))
        if merge.renumbered is not None and self._rows:
            self.column_changed("position")
        return merge

    def shown_clients(self, case_refs: Collection[str]) -> set[int]:
        """The clients of the rows of these cases (as they are now, before an update)."""
        if self._by_ref is None:
            self._by_ref = {e.case_ref: e for e in self._all}
        by_ref = self._by_ref
        found = (by_ref[ref].client_id for ref in case_refs if ref in by_ref)
        return {client_id for client_id in found if client_id is not None}

    def _view_key(self) -> Callable[[QueueEntry], Any]:
        """The order of the rows in view as a key: the sort column's key, ties in triage order
        (the sorts are stable over the list in triage order)."""
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if self._sort_column == 0:
            if descending:
                return lambda e: _Reversed(triage_key(e))
            return triage_key
        column_key = COLUMNS[self._sort_column].sort_key
        if descending:
            return lambda e: (_Reversed(column_key(e)), triage_key(e))
        return lambda e: (column_key(e), triage_key(e))

    def _row_in_view(self, entry: QueueEntry, key: Callable[[QueueEntry], Any]) -> int | None:
        """The row of ``entry`` in view: found by its key, or (when the values a column was
        sorted on changed since, such as the forecast's weeks) by looking."""
        row = bisect_left(self._rows, key(entry), key=key)
        if row < len(self._rows) and self._rows[row] is entry:
            return row
        return next((i for i, e in enumerate(self._rows) if e is entry), None)

    def column_changed(self, key: str) -> None:
        """Every row's cell of one column changed (a value computed after the rows came in)."""
        column = COLUMN_KEYS.index(key)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))

    def set_filter(self, queue_filter: QueueFilter) -> None:
        if queue_filter == self._filter:
            return
        self.beginResetModel()
        self._filter = queue_filter
        self._rows = self._view()
        self.endResetModel()

    @property
    def current_filter(self) -> QueueFilter:
        return self._filter

    def entry(self, row: int) -> QueueEntry:
        return self._rows[row]

    def entries(self) -> list[QueueEntry]:
        """The rows in view order (filtered and sorted)."""
        return list(self._rows)

    def all_entries(self) -> list[QueueEntry]:
        return self._all

    def total(self) -> int:
        """How many rows there are, filtered or not."""
        return len(self._all)

    def row_of(self, case_ref: str) -> int | None:
        entry = self._by_ref.get(case_ref) if self._by_ref is not None else None
        if entry is not None:
            match = self._filter.matcher()
            return (
                self._row_in_view(entry, self._view_key())
                if match is None or match(entry)
                else None
            )
        for row, entry in enumerate(self._rows):
            if entry.case_ref == case_ref:
                return row
        return None

    def _view(self) -> list[QueueEntry]:
        """The full list in the current sort order (cached per column), then filtered."""
        return self._filter.apply(self._ordered_all())

    def _ordered_all(self) -> list[QueueEntry]:
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        cache_key = (self._sort_column, descending)
        ordered = self._ordered.get(cache_key)
        if ordered is None:
            if self._sort_column == 0:
                # The triage order itself: the full list already is in it.
                ordered = list(reversed(self._all)) if descending else self._all
            else:
                # Stable sorts of the list in triage order: ties keep their triage position.
                key = COLUMNS[self._sort_column].sort_key
                ordered = sorted(self._all, key=key, reverse=descending)
            self._ordered[cache_key] = ordered
        return ordered


def frozen_model(entries: list[QueueEntry], parent: QObject | None = None) -> QStandardItemModel:
    """What a :class:`QueueModel` shows for ``entries`` (in their order), copied into Qt's own
    item model, cell by cell and role by role.

    Drawing and scrolling such a model calls no Python, so it stays smooth while a worker
    thread keeps the interpreter busy: the table shows the first rows this way while the
    whole werkvoorraad is being computed. Read only; not sortable (it holds only part of the
    rows). More rows can be added with :func:`add_frozen_rows`.
    """
    model = QStandardItemModel(0, len(COLUMNS), parent)
    horizontal = Qt.Orientation.Horizontal
    for i, column in enumerate(COLUMNS):
        model.setHeaderData(i, horizontal, column.title, _DISPLAY)
        model.setHeaderData(i, horizontal, column.tip, Qt.ItemDataRole.ToolTipRole)
    add_frozen_rows(model, entries)
    return model


def add_frozen_rows(model: QStandardItemModel, entries: list[QueueEntry]) -> None:
    """Append frozen copies of ``entries`` to a model made by :func:`frozen_model`."""
    flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
    foreground, font = Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole
    alignment, tooltip = Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole
    first = model.rowCount()
    model.setRowCount(first + len(entries))
    set_item = model.setItem
    for row, entry in enumerate(entries, start=first):
        flag_text = ", ".join(entry.flags) or None
        for i, column in enumerate(COLUMNS):
            item = QStandardItem(column.text(entry))
            item.setFlags(flags)
            if (brush := _foreground(entry, column)) is not None:
                item.setData(brush, foreground)
            if (bold := _font(entry, column)) is not None:
                item.setData(bold, font)
            if column.numeric:
                item.setData(_RIGHT, alignment)
            if (icon := _decoration(entry, column)) is not None:
                item.setData(icon, Qt.ItemDataRole.DecorationRole)
            tip = _tooltip(entry, column) if column.key in _OWN_TIPS else flag_text
            if tip is not None:
                item.setData(tip, tooltip)
            set_item(row, i, item)


_OWN_TIPS = frozenset({"service", "klasse", "client", "next_task", "team"})
