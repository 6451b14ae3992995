"""The MDB window with large text: the Bespreking's case list grows with the text (a case
reference and a name on one line) while the decision form keeps the larger part, and the
agenda gives the reason a case is on it (Reden) room before the status and what is missing,
with every word of a route or a status whole."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.ui.appearance import apply_zoom
from mdbtriage.ui.mdb.preparation import AGENDA_COLUMNS
from tests.conftest import TODAY
from tests.ui.test_mdb import REGIE
from tests.ui.test_mdb_bespreking_layout import _meeting

#: A typical case in the list: its number, case reference, name and masked BSN.
TYPICAL = "20. Z26-000000 · Marieke van der Lee (******000)"


@pytest.fixture
def demo(store: Store, actor: Actor) -> Store:
    load_demo(store, n_cases=400, seed=11, today=TODAY, actor=actor)
    return store


@pytest.fixture
def zoom(qapp) -> Iterator[None]:
    yield
    apply_zoom(100)


@pytest.mark.parametrize(("percent", "size"), [(150, (1870, 924)), (200, (1870, 924))])
def test_the_case_list_follows_the_text_size(
    qtbot: QtBot, demo: Store, zoom: None, percent: int, size: tuple[int, int]
) -> None:
    apply_zoom(percent)
    window = _meeting(qtbot, demo, REGIE)
    window.resize(*size)  # a 1920×1080 screen less the window's frame
    cases = window.case_list
    splitter = cases.parentWidget()
    qtbot.waitUntil(lambda: splitter.width() > 1700)
    assert cases.count() > 10
    line = cases.fontMetrics().lineSpacing()
    metrics = cases.fontMetrics()
    typical = metrics.horizontalAdvance(TYPICAL)
    for row in range(cases.count()):
        text = cases.item(row).text()
        if metrics.horizontalAdvance(text.replace("\u00a0", " ")) <= typical:
            assert cases.visualItemRect(cases.item(row)).height() < 2 * line, text
    # The decision form keeps the larger part.
    assert cases.width() <= splitter.width() * 2 // 5


def test_the_case_list_leaves_the_form_the_larger_part_at_1366_by_768(
    qtbot: QtBot, demo: Store, zoom: None
) -> None:
    apply_zoom(200)
    window = _meeting(qtbot, demo, REGIE)
    window.resize(1350, 728)
    cases = window.case_list
    splitter = cases.parentWidget()
    qtbot.waitUntil(lambda: splitter.width() > 1200)
    assert splitter.width() // 3 < cases.width() <= splitter.width() * 2 // 5
    # The person may move the handle: the list keeps the width chosen.
    splitter.moveSplitter(300, 1)  # type: ignore[attr-defined]
    chosen = cases.width()
    window.resize(1300, 700)
    qtbot.waitUntil(lambda: splitter.width() < 1300)
    assert cases.width() == chosen


def test_the_agenda_gives_the_reason_room_before_status_and_what_is_missing(
    qtbot: QtBot, demo: Store, zoom: None
) -> None:
    apply_zoom(200)
    window = _meeting(qtbot, demo, REGIE)
    window.tabs.setCurrentIndex(0)
    window.resize(1350, 728)  # a 1366×768 screen less the window's frame
    view, model = window.agenda_view, window.agenda_model
    qtbot.waitUntil(lambda: view.viewport().width() > 1200 and model.rowCount() > 3)
    qtbot.waitUntil(lambda: view.horizontalHeader().length() <= view.viewport().width())
    width = {name: view.columnWidth(AGENDA_COLUMNS.index(name)) for name in AGENDA_COLUMNS}
    assert width["Reden"] >= width["Status"], width
    assert width["Reden"] >= width["Ontbreekt"], width
    metrics = view.fontMetrics()
    margin = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) + 1)
    for row in range(model.rowCount()):
        for name in ("Reden", "Route", "Status", "Cliënt", "Zaak"):
            text = str(model.index(row, AGENDA_COLUMNS.index(name)).data())
            room = width[name] - margin
            # Whole words ('60-plusmaatregel' not broken at its hyphen, no 'situa…') ...
            for word in text.split():
                assert metrics.horizontalAdvance(word) <= room, (name, word, width)
            # ... on as many lines as they need, the row as high.
            wrapped = metrics.boundingRect(
                QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text
            )
            assert wrapped.height() <= view.rowHeight(row), (name, text)
    # A heading cut short says so, and is whole in its tooltip.
    header = view.horizontalHeader()
    assert header.textElideMode() == Qt.TextElideMode.ElideRight
    tip = model.headerData(
        AGENDA_COLUMNS.index("Ontbreekt"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert tip == "Ontbreekt"
