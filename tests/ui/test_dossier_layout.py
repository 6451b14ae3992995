"""The dossier's Logboek with large text: Details, the record's own text, gets the room, the
short columns keep their words on one line, no word is cut short and a row is as high as its
wrapped texts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt

from mdbtriage.ui.appearance import apply_zoom
from mdbtriage.ui.dossier import HISTORY_COLUMNS, DossierWindow
from tests.conftest import TODAY


@pytest.fixture
def zoom(qapp) -> Iterator[None]:
    yield
    apply_zoom(100)


def _busiest_case(store) -> str:
    """The case with the most records in the access log (tasks, MDB decisions)."""
    return str(
        store.conn.execute(
            "SELECT case_ref FROM audit_log WHERE case_ref IS NOT NULL "
            "GROUP BY case_ref ORDER BY COUNT(*) DESC, case_ref LIMIT 1"
        ).fetchone()[0]
    )


@pytest.mark.parametrize("percent", [150, 200])
def test_the_logboek_gives_details_the_room_and_keeps_every_word_whole(
    qtbot, demo_store, tl_session, policy, zoom, percent
) -> None:
    apply_zoom(percent)
    window = DossierWindow(demo_store, tl_session, policy, TODAY, _busiest_case(demo_store))
    qtbot.addWidget(window)
    window.show()
    window.resize(1350, 728)  # a 1366×768 screen less the window's frame
    window.tabs.setCurrentWidget(window.history.widget)
    view, model = window.history.view, window.history.model
    qtbot.waitUntil(lambda: view.viewport().width() > 1000 and model.rowCount() > 3)
    qtbot.waitUntil(lambda: view.horizontalHeader().length() <= view.viewport().width())
    width = {name: view.columnWidth(HISTORY_COLUMNS.index(name)) for name in HISTORY_COLUMNS}
    details = width["Details"]
    assert details == max(width.values()), width
    assert details >= view.viewport().width() // 4, width
    assert view.horizontalScrollBar().maximum() == 0
    metrics = view.fontMetrics()
    margin = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) + 1)
    for name in ("Handeling", "Rol", "Uitkomst"):  # short: on one line
        column = HISTORY_COLUMNS.index(name)
        longest = max(
            metrics.horizontalAdvance(str(model.index(r, column).data()))
            for r in range(model.rowCount())
        )
        assert longest + margin <= width[name], name
    for row in range(model.rowCount()):
        for column, name in enumerate(HISTORY_COLUMNS):
            text = str(model.index(row, column).data() or "")
            room = width[name] - margin
            # No word cut short with '…' ...
            for word in text.split():
                assert metrics.horizontalAdvance(word) <= room, (name, word, width)
            # ... and the row as high as the cell's wrapped text.
            wrapped = metrics.boundingRect(
                QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text
            )
            assert wrapped.height() <= view.rowHeight(row), (name, text)
