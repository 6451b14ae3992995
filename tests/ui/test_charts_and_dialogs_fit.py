"""What a person sees of the Sneltoetsen, Capaciteit, Overzicht and Prognose screens with
normal and large text: whole texts, no empty bands, every category named, no number in a bar
it does not fit in, a table that uses the pane's width."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from mdbtriage.core.forecast import load_norms
from mdbtriage.core.validation import format_date
from mdbtriage.store.database import Store
from mdbtriage.ui.appearance import FRAME_ALLOWANCE, apply_zoom, available_rect
from mdbtriage.ui.capacity_dialog import CapacityDialog
from mdbtriage.ui.help import OTHER_SHORTCUTS, ShortcutsDialog
from mdbtriage.ui.session import Session
from tests.conftest import TODAY
from tests.ui.test_accessibility import ran_on_a_small_screen

MENU_ROWS = [
    ("Bestand", "Ctrl+N", "Nieuwe zaak"),
    ("Bestand", "Ctrl+E", "Werkvoorraad exporteren naar CSV"),
    ("Beeld", "Ctrl++", "Tekst groter"),
]


@pytest.fixture
def zoom() -> Iterator[object]:
    """Set the text size (Beeld › Tekst groter) for windows opened afterwards; back to 100 %
    at the end."""
    try:
        yield apply_zoom
    finally:
        apply_zoom(100)


def _shortcuts(qtbot) -> ShortcutsDialog:  # type: ignore[no-untyped-def]
    dialog = ShortcutsDialog([*MENU_ROWS, *OTHER_SHORTCUTS])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()  # the columns are fitted once the dialog is laid out
    return dialog


def _cut_texts(dialog: ShortcutsDialog) -> list[str]:
    """The cells whose text is not shown whole: wider than its column on one line, without
    the row being tall enough for a second line."""
    table = dialog.table
    metrics = table.fontMetrics()
    cut = []
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            text = table.item(row, column).text()
            one_line = metrics.horizontalAdvance(text) + 6 <= table.columnWidth(column)
            wrapped = table.rowHeight(row) >= 2 * metrics.lineSpacing()
            if not one_line and not wrapped:
                cut.append(text)
    return cut


@pytest.mark.parametrize("percent", [100, 150, 200])
def test_the_shortcuts_show_every_text_whole_at_any_text_size(qtbot, zoom, percent) -> None:
    zoom(percent)
    dialog = _shortcuts(qtbot)
    assert not _cut_texts(dialog)
    # As wide as the texts need, where the screen has the room (it scrolls down, not sideways).
    room = available_rect(dialog)
    assert dialog.width() <= room.width() - FRAME_ALLOWANCE[0]
    assert dialog.height() <= room.height() - FRAME_ALLOWANCE[1]
    table = dialog.table
    metrics = table.fontMetrics()
    need = sum(max(metrics.horizontalAdvance(row[c]) for row in dialog.texts()) for c in range(3))
    assert dialog.width() >= min(need, room.width() - FRAME_ALLOWANCE[0])
    assert table.horizontalScrollBar().maximum() == 0


def test_the_shortcuts_open_without_a_chosen_cell_and_with_rows_of_one_line(qtbot) -> None:
    dialog = _shortcuts(qtbot)
    table = dialog.table
    assert not table.currentIndex().isValid() and not table.selectedItems()
    line = table.fontMetrics().height()
    assert all(table.rowHeight(r) <= line + 8 for r in range(table.rowCount()))


def _capacity(qtbot, store: Store, session: Session) -> CapacityDialog:  # type: ignore[no-untyped-def]
    dialog = CapacityDialog(store, session, session.team, load_norms(), TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    return dialog


def test_capaciteit_shows_a_message_only_when_there_is_one(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    dialog = _capacity(qtbot, demo_store, tl_session)
    scroll = dialog.findChild(QScrollArea)
    assert not dialog.problem.isVisible()
    room = scroll.height()
    dialog.starts.setDate(QDate(2026, 12, 7))
    dialog.ends.setDate(QDate(2026, 12, 1))
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    assert dialog.problem.isVisible() and "vóór" in dialog.problem.text()
    dialog.ends.setDate(QDate(2026, 12, 11))
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert not dialog.problem.isVisible() and scroll.height() == room


@pytest.mark.parametrize("percent", [100, 200])
def test_capaciteit_has_room_for_a_date_before_there_is_an_absence(
    qtbot, zoom, demo_store: Store, tl_session: Session, percent
) -> None:
    zoom(percent)
    dialog = _capacity(qtbot, demo_store, tl_session)
    assert dialog.table.rowCount() == 0
    date_width = dialog.table.fontMetrics().horizontalAdvance(format_date(TODAY))
    assert dialog.table.columnWidth(1) > date_width
    assert dialog.table.columnWidth(2) > date_width


def test_capaciteit_fits_1366_by_768_without_scrolling(
    qtbot, request, tmp_path: Path, demo_store: Store, tl_session: Session
) -> None:
    """At the normal text size the whole form is on a 1366×768 screen: no scroll bar for a
    few missing pixels."""
    if ran_on_a_small_screen(request, tmp_path):
        return
    dialog = _capacity(qtbot, demo_store, tl_session)
    scroll = dialog.findChild(QScrollArea)
    assert scroll.verticalScrollBar().maximum() == 0
    assert scroll.widget().height() <= scroll.viewport().height()


def _named_categories(view) -> int:  # type: ignore[no-untyped-def]
    """How many category names a horizontal bar chart shows left of its plot (Qt Charts hides
    a name that would touch the one before it)."""
    area = view.chart().plotArea()
    shown = 0
    for item in view.scene().items():
        if type(item).__name__ != "QGraphicsItem" or not item.isVisible():
            continue  # the axes' texts are items of a kind of Qt Charts' own
        rect = item.sceneBoundingRect()
        inside = area.top() - 1 <= rect.center().y() <= area.bottom() + 1
        if rect.width() > 4 and rect.right() <= area.left() + 1 and inside:  # not an empty one
            shown += 1
    return shown


def _overzicht(qtbot, store: Store, session: Session):  # type: ignore[no-untyped-def]
    from mdbtriage.ui.overzicht import OverzichtView

    view = OverzichtView(store, session)
    qtbot.addWidget(view)
    view.resize(1366 - FRAME_ALLOWANCE[0], 768 - 160)  # the tab's room on a 1366×768 screen
    return view


SERVICES = [f"dienst {n}" for n in range(1, 10)]
PEOPLE = [f"Medewerker {n} (VA)" for n in range(1, 13)]


def _draw(qtbot, view) -> None:  # type: ignore[no-untyped-def]
    view._bars(view.service_chart, SERVICES, [("zaken", list(range(10, 100, 10)))], horizontal=True)
    load = [("open taken", [2] * len(PEOPLE)), ("te accorderen", [1] * len(PEOPLE))]
    view._bars(view.load_chart, PEOPLE, load, horizontal=True, stacked=True)
    view.figures.total = 1  # as with cases in the werkvoorraad: the charts are shown
    view._show_view()
    view.show()
    qtbot.waitExposed(view)
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("percent", [100, 150, 200])
def test_every_category_of_the_bar_charts_is_named(
    qtbot, zoom, demo_store: Store, tl_session: Session, percent
) -> None:
    zoom(percent)
    view = _overzicht(qtbot, demo_store, tl_session)
    _draw(qtbot, view)
    service = view.findChild(QChartView, "service_chart")
    load = view.findChild(QChartView, "load_chart")
    assert _named_categories(service) == len(SERVICES)
    assert _named_categories(load) == len(PEOPLE)


@pytest.mark.parametrize("percent", [100, 150])
def test_no_number_in_a_bar_is_taller_than_the_bar(
    qtbot, zoom, demo_store: Store, tl_session: Session, percent
) -> None:
    from PySide6.QtGui import QFontMetrics

    zoom(percent)
    view = _overzicht(qtbot, demo_store, tl_session)
    _draw(qtbot, view)
    series = view.load_chart.series()[0]
    area = view.load_chart.plotArea()
    thickness = area.height() / len(PEOPLE) * series.barWidth()
    height = max(QFontMetrics(s.labelFont()).height() for s in series.barSets())
    assert not series.isLabelsVisible() or thickness >= height
    # Too thin a bar for its number: none inside it (it is in the tooltip and the table).
    view.findChild(QChartView, "load_chart").setFixedHeight(13 * view.fontMetrics().lineSpacing())
    for _ in range(3):
        QApplication.processEvents()
    area = view.load_chart.plotArea()
    thin = area.height() / len(PEOPLE) * series.barWidth() < height
    assert thin and not series.isLabelsVisible()
    assert any(row[1] == PEOPLE[0] and row[3] == 2 for row in view.rows)


def test_stacked_labels_need_a_bar_as_thick_as_a_label_is_high() -> None:
    from mdbtriage.ui.overzicht import stacked_labels_fit

    sets = [("open taken", [4, 3]), ("te accorderen", [2, 1])]
    assert stacked_labels_fit(sets, 5.0)
    assert stacked_labels_fit(sets, 5.0, thickness=16, label_height=14)
    assert not stacked_labels_fit(sets, 5.0, thickness=9.5, label_height=14)


def _prognose(qtbot, store: Store, session: Session):  # type: ignore[no-untyped-def]
    from mdbtriage.core.policy import load_policy
    from mdbtriage.ui.prognose import PrognoseView

    view = PrognoseView(store, session, load_policy(), TODAY)
    qtbot.addWidget(view)
    view.resize(1366 - FRAME_ALLOWANCE[0], 768 - 160)
    with qtbot.waitSignal(view.computed, timeout=20000):
        view.show()
    for _ in range(3):
        QApplication.processEvents()
    return view


def _labelled_weeks(axis) -> list[float]:  # type: ignore[no-untyped-def]
    """The values the week axis puts a label at."""
    from PySide6.QtCharts import QValueAxis

    low, high = axis.min(), axis.max()
    if axis.tickType() == QValueAxis.TickType.TicksDynamic:
        first = axis.tickAnchor()
        first -= axis.tickInterval() * ((first - low) // axis.tickInterval())
        count = int((high - first) // axis.tickInterval()) + 1
        return [first + i * axis.tickInterval() for i in range(count)]
    step = (high - low) / (axis.tickCount() - 1)
    return [low + i * step for i in range(axis.tickCount())]


def test_the_prognose_labels_its_weeks_in_even_steps_up_to_the_last(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    view = _prognose(qtbot, demo_store, tl_session)
    weeks = view.table.rowCount()
    assert weeks == 26
    axis = view.chart.axes(Qt.Orientation.Horizontal)[0]
    labelled = _labelled_weeks(axis)
    assert all(w == int(w) for w in labelled), labelled
    steps = {b - a for a, b in pairwise(labelled)}
    assert len(steps) == 1 and labelled[0] == 1 and labelled[-1] == weeks, labelled


def test_week_ticks_step_evenly_and_end_on_the_last_week() -> None:
    from mdbtriage.ui.prognose import week_ticks

    assert week_ticks(26, 20) == (5, 26)  # 1, 6, 11, 16, 21, 26
    assert week_ticks(13, 20) == (1, 13)  # room for every week
    assert week_ticks(52, 20) == (3, 52)
    step, last = week_ticks(104, 12)  # 103 weeks on: no even step ends on week 104
    assert last >= 104 and (last - 1) % step == 0 and (last - 1) // step + 1 <= 12


def test_the_prognose_table_uses_its_width_with_rows_of_one_line(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    view = _prognose(qtbot, demo_store, tl_session)
    table = view.table
    columns = [table.columnWidth(c) for c in range(table.columnCount())]
    assert sum(columns) == table.viewport().width()
    assert all(table.columnWidth(c) >= table.sizeHintForColumn(c) for c in range(len(columns)))
    line = table.fontMetrics().height()
    assert all(table.rowHeight(r) <= line + 8 for r in range(table.rowCount()))
