"""The MDB window during a meeting: the dossier of the case under discussion, one compact
notice while cases are undecided (gone once they are), a closed MDB read only, Esc and Ctrl+W
close the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.ui.mdb import MdbWindow, _qdate
from tests.conftest import TODAY
from tests.ui.test_mdb import DAY, REGIE, _activate, _decide_current, _open


@pytest.fixture
def meeting_window(qtbot: QtBot, store: Store, actor: Actor) -> MdbWindow:
    """An MDB with three cases to discuss, open on the Bespreking tab."""
    load_demo(store, n_cases=400, seed=11, today=TODAY, actor=actor)
    window = _open(qtbot, store, REGIE)
    window.new_date.setDate(_qdate(DAY))
    qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
    meeting = window.meeting
    assert meeting is not None
    discussed = [i.case_ref for i in repo.agenda(store, meeting.meeting_id) if i.discussed]
    for ref in discussed[3:]:
        repo.set_item_status(store, meeting.meeting_id, ref, "standaardroute", "", REGIE)
    window.open_meeting(meeting.meeting_id)
    window.tabs.setCurrentIndex(2)
    _activate(qtbot, window)
    assert window.case_list.count() == 3
    return window


def test_ctrl_d_opens_the_dossier_of_the_case_under_discussion(
    qtbot: QtBot, meeting_window: MdbWindow
) -> None:
    window = meeting_window
    window.case_list.setCurrentRow(1)
    window.remarks.setFocus()
    with qtbot.waitSignal(window.open_case) as asked:
        qtbot.keyClick(window.remarks, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert asked.args == [window._current_ref]
    with qtbot.waitSignal(window.open_case):
        qtbot.mouseClick(window.dossier_button, Qt.MouseButton.LeftButton)


def test_undecided_cases_give_one_line_that_goes_when_they_are_decided(
    qtbot: QtBot, meeting_window: MdbWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = meeting_window
    status_before = window.status_label.text()
    qtbot.mouseClick(window.close_button, Qt.MouseButton.LeftButton)
    notice = window.close_notice
    assert notice.isVisibleTo(window)
    assert "3 zaken zijn nog niet volledig besloten" in notice.text()
    assert "\n" not in notice.text()
    assert window.status_label.text() == status_before  # nothing pushed above the tabs
    window.case_list.setCurrentRow(0)
    for remaining in (2, 1):
        _decide_current(qtbot, window, "besluit")
        qtbot.keyClick(window.remarks, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        word = "zaak is" if remaining == 1 else "zaken zijn"
        assert f"{remaining} {word} nog niet volledig besloten" in notice.text()
    _decide_current(qtbot, window, "laatste besluit")
    qtbot.keyClick(window.remarks, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not notice.isVisibleTo(window)

    monkeypatch.setattr(MdbWindow, "confirm", classmethod(lambda cls, parent, text: True))
    qtbot.mouseClick(window.close_button, Qt.MouseButton.LeftButton)
    assert window.meeting is not None and window.meeting.closed
    # A closed MDB: read only, no Verwijderen, no promise of saving.
    window.tabs.setCurrentIndex(2)
    assert not window.remove_button.isVisibleTo(window)
    assert "bewaard" not in window.saved_label.text()
    assert window.saved_label.text().startswith("Gesloten: 3 van 3")


@pytest.mark.parametrize(
    "keys",
    [
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ],
)
def test_esc_and_ctrl_w_close_the_mdb_window(qtbot: QtBot, meeting_window: MdbWindow, keys) -> None:
    window = meeting_window
    window.case_list.setFocus()
    qtbot.keyClick(window.case_list, keys[0], keys[1])
    qtbot.waitUntil(lambda: not window.isVisible())


def test_the_dossier_checklist_feeds_dossier_compleet(
    qtbot: QtBot, meeting_window: MdbWindow
) -> None:
    from mdbtriage.core.caserules import DOSSIER_DOCUMENTS
    from mdbtriage.store.dossier import set_document

    window = meeting_window
    refs = [
        str(window.case_list.item(r).data(Qt.ItemDataRole.UserRole))
        for r in range(window.case_list.count())
    ]
    for code in DOSSIER_DOCUMENTS:
        set_document(window.store, REGIE, refs[1], code, True, TODAY)
    window.case_list.setCurrentRow(1)
    assert window.dossier.currentData() is True
    assert "Dossierstukken volgens de checklist: compleet." in window.proposal_label.text()
    window.case_list.setCurrentRow(2)
    assert window.dossier.currentData() is False
    assert "ontbreekt" in window.proposal_label.text()
