"""The case form with large text: as tall as its contents where the screen has the room (no
scroll bar, the last field whole), and the caption of the characteristics level with their first
line of check boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel, QScrollArea

from mdbtriage.ui.appearance import FRAME_ALLOWANCE, apply_zoom, available_rect
from mdbtriage.ui.case_form import CaseFormDialog
from tests.conftest import TODAY


@pytest.fixture
def zoom(qapp) -> Iterator[None]:
    yield
    apply_zoom(100)


def _shown(qtbot, demo_store, tl_session) -> CaseFormDialog:
    dialog = CaseFormDialog(demo_store, tl_session, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.parametrize("percent", [100, 125, 150])
def test_the_form_is_whole_without_scrolling_when_the_screen_has_room(
    qtbot, demo_store, tl_session, zoom, percent
) -> None:
    apply_zoom(percent)
    dialog = _shown(qtbot, demo_store, tl_session)
    room = available_rect(dialog)
    assert dialog.height() < room.height() - FRAME_ALLOWANCE[1], "het scherm is te laag"
    scroll = dialog.findChild(QScrollArea)
    assert scroll.verticalScrollBar().maximum() == 0
    # Centrale toets, the last field, is whole within the visible part of the form.
    last = dialog.texts["schrijnend_ref"]
    bottom = last.mapTo(scroll.viewport(), QPoint(0, last.height()))
    assert bottom.y() <= scroll.viewport().height()
    # Not much taller than the form either: at most a line of check boxes to spare.
    spare = scroll.viewport().height() - scroll.widget().heightForWidth(scroll.viewport().width())
    assert spare <= 2 * dialog.flags["dwangsom"].sizeHint().height()


@pytest.mark.parametrize("percent", [100, 150, 200])
def test_the_characteristics_caption_stands_level_with_their_first_line(
    qtbot, demo_store, tl_session, zoom, percent
) -> None:
    apply_zoom(percent)
    dialog = _shown(qtbot, demo_store, tl_session)
    # As wide as on a 1366 pixel screen: the caption beside its check boxes, not above them.
    dialog.resize(max(dialog.width(), 1260), dialog.height())
    qtbot.waitUntil(lambda: dialog.width() >= 1260)
    caption = next(label for label in dialog.findChildren(QLabel) if label.text() == "Kenmerken")
    first = dialog.flags["motivated"]  # the first check box, on the first line
    caption_middle = caption.mapTo(dialog, caption.rect().center()).y()
    box_middle = first.mapTo(dialog, first.rect().center()).y()
    assert abs(caption_middle - box_middle) <= 1
    assert caption.buddy() is first.parentWidget()
