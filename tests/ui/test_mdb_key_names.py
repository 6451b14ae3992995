"""The MDB agenda's buttons name their keys in Dutch, as Help › Sneltoetsen does, and the keys
still work."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.ui.help import OTHER_SHORTCUTS
from mdbtriage.ui.mdb import _qdate
from tests.conftest import TODAY
from tests.ui.test_mdb import DAY, REGIE, _open


@pytest.fixture
def demo(store: Store, actor: Actor) -> Store:
    load_demo(store, n_cases=400, seed=11, today=TODAY, actor=actor)
    return store


def test_the_agenda_buttons_name_their_keys_in_dutch(qtbot: QtBot, demo: Store) -> None:
    window = _open(qtbot, demo, REGIE)
    texts = [b.text() for b in window.agenda_buttons]
    assert "Omhoog (Alt+Omhoog)" in texts
    assert "Omlaag (Alt+Omlaag)" in texts
    assert "Van agenda halen (Del)" in texts
    for text in texts:
        assert not re.search(r"\b(Up|Down|Delete|PgUp|PgDown)\b", text), text
    # As Help › Sneltoetsen names them.
    listed = " / ".join(keys for where, keys, _ in OTHER_SHORTCUTS if where == "MDB-voorbereiding")
    for text in texts:
        keys = re.search(r"\(([^)]*)\)$", text)
        if keys:
            for key in keys.group(1).split(" / "):
                assert key in listed, key


def test_the_agenda_keys_still_move_a_case(qtbot: QtBot, demo: Store) -> None:
    window = _open(qtbot, demo, REGIE)
    window.new_date.setDate(_qdate(DAY))
    qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
    assert window.meeting is not None
    first, second = (i.case_ref for i in repo.agenda(demo, window.meeting.meeting_id)[:2])
    window.agenda_view.selectRow(1)
    window.agenda_view.setFocus()
    qtbot.keyClick(window.agenda_view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    order = [i.case_ref for i in repo.agenda(demo, window.meeting.meeting_id)[:2]]
    assert order == [second, first]


def test_the_agenda_buttons_keep_to_one_line_at_1366x768(qtbot: QtBot, demo: Store) -> None:
    window = _open(qtbot, demo, REGIE)
    window.resize(1200, 728)  # the MDB window on a screen of 1366×768 at 100 %
    qtbot.waitUntil(lambda: window.width() == 1200)
    qtbot.wait(50)
    tops = {w.mapTo(window, w.rect().topLeft()).y() for w in window.agenda_buttons}
    field = window.add_ref
    assert len(tops) == 1, "the buttons wrap onto a second line"
    # The case number field holds a case number and its placeholder whole.
    room = field.width() - 8
    assert field.fontMetrics().horizontalAdvance("Z26-000000") <= room
    assert field.fontMetrics().horizontalAdvance(field.placeholderText()) <= room
