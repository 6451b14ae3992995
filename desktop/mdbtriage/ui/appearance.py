"""How the desktop looks everywhere: Qt's own texts in Dutch, one calm style, the window icon,
and windows that fit the screen they open on.

Every top-level window asks :func:`fit_to_screen` for its first size and
:func:`restore_geometry` for a remembered one, so no window opens taller or wider than the
available screen (1366×768 included) and a size remembered on a larger screen is not
restored beyond a smaller one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QLibraryInfo,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHeaderView,
    QLayout,
    QLayoutItem,
    QProxyStyle,
    QStyle,
    QStyledItemDelegate,
    QStyleFactory,
    QStyleOption,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

#: Room left around a window for the title bar and frame the window manager adds.
FRAME_ALLOWANCE = (16, 40)

#: The text sizes Beeld › Tekst groter / kleiner steps through, in percent.
ZOOM_STEPS = (80, 90, 100, 110, 125, 150, 175, 200)
_base_point_size: list[float] = []  # the application font's size before any zoom


def apply_zoom(percent: int) -> int:
    """Set the application's text size to ``percent`` of its size at the start (within
    ZOOM_STEPS' range); windows and dialogs opened afterwards follow. Returns the percentage."""
    app = QApplication.instance()
    percent = min(max(int(percent), ZOOM_STEPS[0]), ZOOM_STEPS[-1])
    if not isinstance(app, QApplication) or (percent == 100 and not _base_point_size):
        return percent  # never zoomed: the font stays as it is
    if not _base_point_size:
        _base_point_size.append(app.font().pointSizeF())
    font = app.font()
    font.setPointSizeF(_base_point_size[0] * percent / 100)
    app.setFont(font)
    _set_style(app, percent / 100)
    return percent


def next_zoom(percent: int, step: int) -> int:
    """The next larger (step > 0) or smaller (step < 0) size, or 100 (step 0)."""
    if step == 0:
        return 100
    if step > 0:
        return next((s for s in ZOOM_STEPS if s > percent), ZOOM_STEPS[-1])
    return next((s for s in reversed(ZOOM_STEPS) if s < percent), ZOOM_STEPS[0])


def install_dutch(app: QApplication) -> QTranslator | None:
    """Load Qt's Dutch translation (Ja/Nee, OK/Annuleren, the file dialog's texts) that ships
    with PySide6; None when this Qt has no Dutch translation."""
    existing = app.findChild(QTranslator, "qtbase_nl")
    if existing is not None:
        return existing
    translator = QTranslator(app)
    translator.setObjectName("qtbase_nl")
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_nl", folder):
        translator.deleteLater()
        return None
    app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    return translator


def window_icon() -> QIcon:
    """The application's icon (the ranked bars of the werkvoorraad)."""
    data = resources.files("mdbtriage.resources").joinpath("icons", "mdb-triage.svg").read_bytes()
    from PySide6.QtGui import QPixmap

    pixmap = QPixmap()
    pixmap.loadFromData(data, "SVG")
    return QIcon(pixmap)


class ZoomedStyle(QProxyStyle):
    """Fusion with the marks that sit beside text (check boxes, radio buttons, sort arrows, the
    icons of lists and tables) as much larger as the text is (Beeld › Tekst groter): Qt sizes
    them in pixels, so at 200 % text a check box would be half the height of its label."""

    SCALED = frozenset(
        {
            QStyle.PixelMetric.PM_IndicatorWidth,
            QStyle.PixelMetric.PM_IndicatorHeight,
            QStyle.PixelMetric.PM_ExclusiveIndicatorWidth,
            QStyle.PixelMetric.PM_ExclusiveIndicatorHeight,
            QStyle.PixelMetric.PM_HeaderMarkSize,
            QStyle.PixelMetric.PM_SmallIconSize,
            QStyle.PixelMetric.PM_ButtonIconSize,
        }
    )

    def __init__(self, factor: float) -> None:
        super().__init__(QStyleFactory.create("Fusion"))
        self.factor = factor

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        value = super().pixelMetric(metric, option, widget)
        return round(value * self.factor) if metric in self.SCALED else value


def _set_style(app: QApplication, factor: float) -> None:
    """Fusion, or Fusion with its marks scaled when the text is zoomed (only then: every
    measurement then passes through Python)."""
    current = app.style()
    scaled = abs(factor - 1) > 0.01
    if isinstance(current, ZoomedStyle) and scaled and current.factor == factor:
        return
    if not scaled and not isinstance(current, ZoomedStyle) and current.name() == "fusion":
        return
    style = ZoomedStyle(factor) if scaled else QStyleFactory.create("Fusion")
    if style is not None:
        palette = app.palette()
        app.setStyle(style)
        app.setPalette(palette)  # a new style brings its own


def apply_style(app: QApplication) -> None:
    """Qt's Fusion style with a calm light palette; text colours keep a contrast of at least
    4.5:1 on their backgrounds."""
    style = QStyleFactory.create("Fusion")
    if style is not None:
        app.setStyle(style)
    palette = QPalette()
    role = QPalette.ColorRole
    palette.setColor(role.Window, QColor("#f3f4f6"))
    palette.setColor(role.WindowText, QColor("#1f2933"))
    palette.setColor(role.Base, QColor("#ffffff"))
    palette.setColor(role.AlternateBase, QColor("#f5f7fa"))
    palette.setColor(role.Text, QColor("#1f2933"))
    palette.setColor(role.Button, QColor("#e9ecf0"))
    palette.setColor(role.ButtonText, QColor("#1f2933"))
    palette.setColor(role.Highlight, QColor("#0b5394"))
    palette.setColor(role.HighlightedText, QColor("#ffffff"))
    palette.setColor(role.ToolTipBase, QColor("#ffffff"))
    palette.setColor(role.ToolTipText, QColor("#1f2933"))
    palette.setColor(role.PlaceholderText, QColor("#5f6b7a"))
    palette.setColor(role.Link, QColor("#0b5394"))
    disabled = QPalette.ColorGroup.Disabled
    for which in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, which, QColor("#6b7280"))
    app.setPalette(palette)
    app.setWindowIcon(window_icon())


def available_rect(widget: QWidget | None = None) -> QRect:
    """The room on the screen the widget is on (the primary screen otherwise), without the
    panels and task bars of the desktop."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Give the window the size it would like, but no more than the screen has room for
    (leaving room for the frame), and centre it on that room."""
    room = available_rect(widget)
    frame_w, frame_h = FRAME_ALLOWANCE
    least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    width = min(max(width, least.width()), room.width() - frame_w)
    height = min(max(height, least.height()), room.height() - frame_h)
    _allow_shrink(widget, width, height)
    # Through QWidget: a window may have a method of its own named move (the MDB's agenda).
    QWidget.resize(widget, width, height)
    QWidget.move(
        widget,
        room.x() + (room.width() - widget.width()) // 2,
        room.y() + max(0, (room.height() - frame_h - widget.height()) // 2),
    )


def _allow_shrink(widget: QWidget, width: int, height: int) -> None:
    """A layout's minimum can be larger than the screen: let the window shrink to what fits
    (the contents then scroll or wrap) rather than hang off the screen."""
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if hint.width() > width:
        widget.setMinimumWidth(width)
    if hint.height() > height:
        widget.setMinimumHeight(height)


def restore_geometry(widget: QWidget, saved: object) -> bool:
    """Restore a remembered size and place, but only within the available screen: a size
    remembered on a larger screen shrinks to fit this one."""
    if not isinstance(saved, QByteArray | bytes) or not saved:
        return False
    if not widget.restoreGeometry(QByteArray(saved)):
        return False
    keep_within_screen(widget)
    return True


def keep_within_screen(widget: QWidget) -> None:
    """Shrink and move a window so its frame lies within the available screen."""
    if widget.isMaximized() or widget.isFullScreen():
        return
    room = available_rect(widget)
    frame_w, frame_h = FRAME_ALLOWANCE
    width = min(widget.width(), room.width() - frame_w)
    height = min(widget.height(), room.height() - frame_h)
    _allow_shrink(widget, width, height)
    if (width, height) != (widget.width(), widget.height()):
        QWidget.resize(widget, width, height)
    x = min(max(widget.x(), room.x()), room.right() + 1 - widget.width() - frame_w)
    y = min(max(widget.y(), room.y()), room.bottom() + 1 - widget.height() - frame_h)
    QWidget.move(widget, max(x, room.x()), max(y, room.y()))


#: The system packages the desktop needs on a minimal Debian or Ubuntu (also in the README).
SYSTEM_PACKAGES = "libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libegl1"


#: The library Qt's X11 platform loads since Qt 6.5; without it Qt cannot open a window.
XCB_CURSOR_LIBRARY = "libxcb-cursor.so.0"


def _loadable(library: str) -> bool:
    """Whether the dynamic linker finds and loads ``library``, as Qt will (no ``ldconfig``
    process, as ``ctypes.util.find_library`` would start)."""
    import ctypes

    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def qt_start_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why Qt cannot open a window here, in Dutch, or None. Qt itself ends the program with an
    English message when its X11 platform cannot load; this is asked before Qt starts."""
    import os
    import sys

    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform.split(":")[0] not in ("", "xcb"):
        return None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "MDB Triage kan geen venster openen: er is geen beeldscherm (DISPLAY is niet "
            "gezet). Start MDB Triage vanuit het bureaublad, of gebruik de opdrachtregel "
            "(mdb-triage --help)."
        )
    if platform == "" and env.get("WAYLAND_DISPLAY"):
        return None
    if not _loadable(XCB_CURSOR_LIBRARY):
        return (
            "MDB Triage kan geen venster openen: het systeempakket libxcb-cursor0 ontbreekt. "
            f"Laat het installeren (Debian/Ubuntu: apt-get install {SYSTEM_PACKAGES}) en "
            "start opnieuw. De opdrachtregel (mdb-triage --help) werkt zonder."
        )
    return None


class FlowLayout(QLayout):
    """Widgets side by side while they fit, on the next line when they do not: a row of
    filters stays usable in a narrow window or with large text (no width of its own beyond
    its widest widget)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """All on one line."""
        hints = [item.sizeHint() for item in self._items if not item.isEmpty()]
        width = sum(h.width() for h in hints) + self._gap * max(0, len(hints) - 1)
        return QSize(width, max((h.height() for h in hints), default=0))

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in lines (each item centred on its line's height, so that a label
        stands level with the field beside it); the height used."""
        x, y, line = rect.x(), rect.y(), 0
        row: list[tuple[QLayoutItem, int, QSize]] = []

        def place() -> None:
            for item, left, hint in row:
                item.setGeometry(QRect(QPoint(left, y + (line - hint.height()) // 2), hint))
            row.clear()

        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                if move:
                    place()
                x, y, line = rect.x(), y + line + self._gap, 0
            row.append((item, x, hint))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        if move:
            place()
        return y + line - rect.y()


class SideBySide(QWidget):
    """Parts side by side while the width allows each its minimum, one under the other when it
    does not (large text, a narrow window): a form reflows instead of scrolling sideways."""

    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        if spacing >= 0:
            self._box.setSpacing(spacing)

    def addWidget(self, widget: QWidget, stretch: int = 0) -> None:
        self._box.addWidget(widget, stretch)

    def addLayout(self, layout: QLayout, stretch: int = 0) -> None:
        part = QWidget()
        part.setLayout(layout)
        layout.setContentsMargins(0, 0, 0, 0)
        self._box.addWidget(part, stretch)

    def side_by_side_width(self) -> int:
        """The least width that holds every part beside the others."""
        parts = [self._box.itemAt(i) for i in range(self._box.count())]
        widths = [p.minimumSize().width() for p in parts if p is not None and not p.isEmpty()]
        return sum(widths) + self._box.spacing() * max(0, len(widths) - 1)

    def minimumSizeHint(self) -> QSize:
        hint = self._box.minimumSize()
        if self._box.direction() == QBoxLayout.Direction.LeftToRight:
            # It may always fall back to one under the other: no wider than the widest part.
            parts = [self._box.itemAt(i) for i in range(self._box.count())]
            widest = max((p.minimumSize().width() for p in parts if p is not None), default=0)
            hint.setWidth(widest)
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        beside = event.size().width() >= self.side_by_side_width()
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if self._box.direction() != direction:
            self._box.setDirection(direction)
        super().resizeEvent(event)


def capped_widths(
    widths: Mapping[int, int], least: Mapping[int, int], columns: Sequence[int], room: int
) -> dict[int, int]:
    """The ``columns``' widths narrowed, the widest first, all to one cap (none below its
    ``least``): the highest cap whose widths together stay within ``room``, or no cap above 0
    when none does."""
    low, high = 0, max((widths[c] for c in columns), default=0)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(least[c], min(widths[c], cap)) for c in columns) <= room:
            low = cap
        else:
            high = cap - 1
    return {c: max(least[c], min(widths[c], low)) for c in columns}


class FittedColumns(QObject):
    """A table's columns as wide as their contents while the table is wide enough for them;
    when it is not (large text, a narrow window) the widest columns give up width first and
    their texts wrap onto more lines, so the table does not scroll sideways. A column keeps at
    least the width of its heading; the one with the longest texts takes what is left over."""

    def __init__(self, view: QTableView, elide: Sequence[int] = ()) -> None:
        super().__init__(view)
        self.view = view
        self.elide = tuple(elide)
        self._fitting = False
        view.setWordWrap(True)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._one_line = _OneLine(self)
        for column in self.elide:
            view.setItemDelegateForColumn(column, self._one_line)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.viewport().installEventFilter(self)
        # Once the model's changes are in (a table widget reports every cell).
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self.fit)
        model = view.model()
        for signal in (
            model.modelReset,
            model.layoutChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.dataChanged,
        ):
            signal.connect(lambda *_args: self._later.start())
        header.sectionCountChanged.connect(lambda *_args: self._later.start())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and shiboken6.isValid(self.view):
            self.fit()
        return False

    def widths(self, room: int) -> dict[int, int]:
        """Each shown column's width in ``room`` pixels."""
        view, header = self.view, self.view.horizontalHeader()
        columns = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        if not columns:
            return {}
        want = {c: max(header.sectionSizeHint(c), view.sizeHintForColumn(c)) for c in columns}
        # What is left over goes first to the columns cut short (most short first), then to the
        # column with the longest texts (a task, a result): not to whatever column happens to be
        # last (a number).
        widest = max(columns, key=lambda c: (want[c], -c))
        wanted = dict(want)
        # At least its heading, and a word of up to a dozen characters (a case number) whole.
        short = view.fontMetrics().horizontalAdvance("Z26-000000xx")
        least = {
            c: min(want[c], max(header.sectionSizeHint(c), min(short, self._word(c))))
            for c in columns
        }
        for column in self.elide:
            least[column] = min(want[column], header.sectionSizeHint(column))
        if sum(least.values()) > room:  # too narrow even so: only the headings stay whole
            least = {c: min(want[c], header.sectionSizeHint(c)) for c in columns}
        over = sum(want.values()) - room
        for column in self.elide:  # the least important texts give up width first
            if over > 0 and column in want:
                give = min(over, want[column] - least[column])
                want[column] -= give
                over -= give
        if over > 0:  # the widest columns give up width first
            want = capped_widths(want, least, columns, room)
        extra = room - sum(want.values())
        for column in sorted(columns, key=lambda c: want[c] - wanted[c]):
            if extra <= 0 or wanted[column] <= want[column]:
                break
            give = min(extra, wanted[column] - want[column])
            want[column] += give
            extra -= give
        want[widest] += max(0, extra)
        return want

    def _word(self, column: int, rows: int = 200) -> int:
        """The width of the column's longest word (a case number does not wrap), over its
        first ``rows`` rows."""
        model, metrics = self.view.model(), self.view.fontMetrics()
        words = {
            word
            for row in range(min(rows, model.rowCount()))
            for word in str(model.index(row, column).data() or "").split()
        }
        widest = max((metrics.horizontalAdvance(word) for word in words), default=0)
        return widest + metrics.horizontalAdvance("xx") if widest else 0

    def fit(self) -> None:
        """Size the columns to the table's width now."""
        if self._fitting:
            return
        self._fitting = True
        try:
            header = self.view.horizontalHeader()
            for column, width in self.widths(self.view.viewport().width()).items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False


class _OneLine(QStyledItemDelegate):
    """A column whose texts stay on one line, cut short with '…' when it is too narrow."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText


def _words(text: str) -> list[str]:
    """The parts a cell's text wraps into at most: its words, split after a hyphen that is not
    followed by a digit (as the line breaker does: '16-11-2025' and 'UTRECHT-1-' stay whole)."""
    return [part for part in re.split(r"\s+|(?<=-)(?!\d)", text) if part]


class WholeWordColumns(FittedColumns):
    """Fitted columns that cut no word of a text short while other columns have room to spare:
    with large text a column narrowed to the others' width showed 'verpleegkun…' beside a
    column wider than anything in it. The room comes from the columns wider than their longest
    word (or heading); no column gets narrower than that."""

    def widths(self, room: int) -> dict[int, int]:
        given = super().widths(room)
        view = self.view
        header, model, metrics = view.horizontalHeader(), view.model(), view.fontMetrics()
        # A cell's margins: the focus frame's on each side, and a pixel more.
        focus = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
        margin = 2 * (focus + 1) + 1
        need = {}
        for column in given:
            texts = [str(model.index(r, column).data() or "") for r in range(model.rowCount())]
            word = max(
                (metrics.horizontalAdvance(w) + margin for t in texts for w in _words(t)),
                default=0,
            )
            whole = max(header.sectionSizeHint(column), view.sizeHintForColumn(column))
            need[column] = min(whole, max(header.sectionSizeHint(column), word))
        for column in sorted(given):
            short = need[column] - given[column]
            while short > 0:
                spare = max(given, key=lambda c: given[c] - need[c])
                more = min(short, given[spare] - need[spare])
                if more <= 0:
                    break
                given[spare] -= more
                given[column] += more
                short -= more
        return given


def fit_columns(view: QTableView, elide: Sequence[int] = ()) -> FittedColumns:
    """Let ``view``'s columns fit its width (see FittedColumns): the ``elide`` columns, the
    least important, give up width first and stay on one line. Kept with the view."""
    fitted = getattr(view, "fitted_columns", None)
    if not isinstance(fitted, FittedColumns):
        fitted = FittedColumns(view, elide)
        view.fitted_columns = fitted  # type: ignore[attr-defined]
    return fitted
