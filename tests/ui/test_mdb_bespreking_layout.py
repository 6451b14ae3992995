"""The MDB's Bespreking as it looks: a case that wraps in the list goes on under its own text
(the masked BSN with the name), why the MDB cannot be closed here is a line of its own, and a
medical colleague following the meeting sees the whole decision form at 1366×768."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.ui.mdb import MdbWindow, _qdate
from tests.conftest import TODAY
from tests.ui.test_mdb import DAY, REGIE, TEAM, _activate, _open

# The MDB window's size on a screen of 1366×768 at 100 % (scripts/screens.py).
WINDOW_1366 = (1200, 728)


@pytest.fixture
def demo(store: Store, actor: Actor) -> Store:
    load_demo(store, n_cases=400, seed=11, today=TODAY, actor=actor)
    return store


def _meeting(qtbot: QtBot, store: Store, actor: Actor, where: str = "SPREEKKAMER-1") -> MdbWindow:
    """An MDB made by the regievoerder and opened by ``actor`` on the Bespreking (its chair)."""
    maker = _open(qtbot, store, REGIE)
    maker.new_date.setDate(_qdate(DAY))
    qtbot.mouseClick(maker.create_button, Qt.MouseButton.LeftButton)
    assert maker.meeting is not None
    meeting_id = maker.meeting.meeting_id
    maker.close()
    window = MdbWindow(store, actor, today=TODAY, meeting_id=meeting_id, workstation=where)
    qtbot.addWidget(window)
    window.resize(*WINDOW_1366)
    window.show()
    window.tabs.setCurrentIndex(2)
    _activate(qtbot, window)
    return window


def _ink(image: QImage, area: QRect, background: QColor) -> int:
    """How many pixels of ``area`` differ clearly from the background (text drawn there)."""
    found = 0
    for y in range(max(0, area.top()), min(image.height(), area.bottom() + 1)):
        for x in range(max(0, area.left()), min(image.width(), area.right() + 1)):
            pixel = image.pixelColor(x, y)
            if abs(pixel.lightness() - background.lightness()) > 60:
                found += 1
    return found


def test_a_wrapped_case_goes_on_under_its_text_not_under_its_mark(
    qtbot: QtBot, demo: Store
) -> None:
    window = _meeting(qtbot, demo, REGIE)
    cases = window.case_list
    # A narrow list (large text, the splitter dragged): the first case wraps.
    splitter = cases.parentWidget()
    splitter.setSizes([cases.minimumWidth(), 2000])  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: cases.viewport().width() <= cases.minimumWidth())
    cases.clearSelection()
    cases.setCurrentRow(-1)
    qtbot.wait(50)
    line = cases.fontMetrics().lineSpacing()
    rect = cases.visualItemRect(cases.item(0))
    assert rect.height() >= 2 * line, "the case wraps onto a second line, its row as tall"
    image = cases.viewport().grab().toImage()
    background = cases.palette().color(cases.viewport().backgroundRole())
    mark = cases.fontMetrics().horizontalAdvance("○")
    # The second line: nothing under the mark, the text further on.
    second = QRect(rect.left(), rect.top() + line + 2, rect.width(), line - 4)
    under_mark = QRect(second.left(), second.top(), mark + 4, second.height())
    assert _ink(image, under_mark, background) == 0, "the wrapped text starts under the mark"
    assert _ink(image, second.adjusted(mark + 4, 0, 0, 0), background) > 0
    # The first line has its mark at the start.
    first_mark = QRect(rect.left(), rect.top() + 1, mark + 4, line - 2)
    assert _ink(image, first_mark, background) > 0


def test_the_masked_bsn_wraps_with_the_name(qtbot: QtBot, demo: Store) -> None:
    window = _meeting(qtbot, demo, REGIE)
    cases = window.case_list
    assert cases.count() > 0
    # The client's last name and masked BSN are joined by a space that does not break.
    for row in range(cases.count()):
        assert re.search(r"\S\u00a0\(\*{6}\d{3}\)", cases.item(row).text())


def test_the_agendas_clients_stay_whole_in_a_narrow_window(qtbot: QtBot, demo: Store) -> None:
    window = _meeting(qtbot, demo, REGIE)
    window.tabs.setCurrentIndex(0)
    window.resize(720, WINDOW_1366[1])
    view = window.agenda_view
    qtbot.waitUntil(lambda: view.viewport().width() < 720)
    view.fitted_columns.fit()  # type: ignore[attr-defined]
    column = 2  # Cliënt: the name wraps, its masked BSN on a line of its own if need be
    metrics = view.fontMetrics()
    room = view.columnWidth(column) - 6  # the margins either side of a cell's text
    for row in range(min(10, view.model().rowCount())):
        text = str(view.model().index(row, column).data())
        lines = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text)
        assert lines.width() <= view.columnWidth(column), text
        assert lines.height() <= view.rowHeight(row), text


def test_why_the_mdb_cannot_be_closed_here_is_a_line_of_its_own(qtbot: QtBot, demo: Store) -> None:
    # The team lead chairs the meeting: only the regievoerder (a VA) closes it.
    lead = demo.conn.execute(
        "SELECT staff_id, name FROM staff WHERE role = 'TL' AND team_id = ? ORDER BY staff_id",
        (TEAM,),
    ).fetchone()
    window = _meeting(qtbot, demo, Actor(lead[0], lead[1], "TL"))
    hint, button = window.close_hint, window.close_button
    assert not button.isEnabled()
    assert hint.isVisible() and hint.text() == "Alleen de regievoerder (VA) sluit de MDB."
    # One line, above the button (not a narrow column squeezed beside it).
    assert hint.height() < 2 * hint.fontMetrics().lineSpacing()
    hint_bottom = hint.mapTo(window, QPoint(0, hint.height())).y()
    assert hint_bottom <= button.mapTo(window, QPoint(0, 0)).y()
    assert hint.fontMetrics().horizontalAdvance(hint.text()) <= hint.width()
    # Trying to close: the notice names what is undecided, the regievoerder only once (above).
    window.close_meeting()
    notice = window.close_notice
    assert notice.isVisible() and "nog niet volledig besloten" in notice.text()
    assert "regievoerder" not in notice.text()
    assert hint.isVisible() and "regievoerder" in hint.text()


def test_a_medical_colleague_following_sees_the_whole_form_at_1366x768(
    qtbot: QtBot, demo: Store
) -> None:
    chair = _meeting(qtbot, demo, REGIE)
    assert chair.meeting is not None and not chair._follows()
    colleague = Actor(f"{TEAM}-VA2", "Collega", "VA")
    follower = MdbWindow(
        demo,
        colleague,
        today=TODAY,
        meeting_id=chair.meeting.meeting_id,
        workstation="LAPTOP-ARTS",
    )
    qtbot.addWidget(follower)
    follower.resize(*WINDOW_1366)
    follower.show()
    follower.tabs.setCurrentIndex(2)
    _activate(qtbot, follower)
    assert follower._follows() and follower.medical
    assert "• " in follower.proposal_label.text()  # the triage reasons, one a line
    form = next(
        a for a in follower.findChildren(QScrollArea) if a.widget().isAncestorOf(follower.remarks)
    )
    qtbot.wait(50)
    # Nothing of the form below the window's edge: its last lines are in sight, whole.
    assert form.verticalScrollBar().maximum() == 0
    for part in (follower.medical_label, follower.medical_remarks, follower.history_label):
        assert part.isVisible()
        bottom = part.mapTo(form.viewport(), QPoint(0, part.height())).y()
        assert bottom <= form.viewport().height(), part
    # Read only: the fields to add an activity are not offered.
    assert not follower.add_activity_button.isVisible()
    assert not follower.task_combo.isVisible()
