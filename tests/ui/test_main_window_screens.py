"""The colleagues' screens reached from the main window: tasks tabs, MDB window, dossier task list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _titles(window):
    return [window.tabs.tabText(i).replace("&", "") for i in range(window.tabs.count())]


def test_tabs_follow_the_role(make_window, tl_session, va_session, ad_session):
    pytest.importorskip("mdbtriage.ui.tasks")
    assert _titles(make_window(tl_session)) == [
        "Werkvoorraad",
        "Mijn taken",
        "Team",
        "Overzicht",
        "Prognose",
    ]
    assert _titles(make_window(va_session)) == [
        "Werkvoorraad",
        "Mijn taken",
        "Te accorderen",
        "Team",
    ]
    assert "Overzicht" not in _titles(make_window(ad_session))


def test_my_task_opens_its_dossier(qtbot, make_window, va_session, demo_store):
    pytest.importorskip("mdbtriage.ui.tasks")
    window = make_window(va_session)
    ref = demo_store.conn.execute(
        "SELECT case_ref FROM tasks WHERE assignee_id = ? LIMIT 1", (va_session.staff_id,)
    ).fetchone()
    if ref is None:
        pytest.skip("the demo gave this VA no task")
    window.my_tasks.open_case.emit(ref[0])
    assert ref[0] in window._dossiers
    dossier = window._dossiers[ref[0]]
    assert dossier.tasks.model.rowCount() >= 1


def test_ctrl_m_opens_the_mdb_window(qtbot, make_window, tl_session):
    window = make_window(tl_session)
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    from mdbtriage.ui.mdb import MdbWindow

    opened = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MdbWindow) and w.isVisible()
    ]
    assert len(opened) == 1
    opened[0].close()
