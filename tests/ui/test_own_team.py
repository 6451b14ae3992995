"""The desktop opens on the signed-in person's own team: the werkvoorraad filters to it (all
teams one click away) and the MDB window opens on, and proposes, the own team."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mdbtriage.core.model import Actor, Case, Client
from mdbtriage.store.meetings import create_meeting
from mdbtriage.store.records import upsert_cases
from mdbtriage.ui.mdb import MdbWindow
from mdbtriage.ui.session import Session
from tests.conftest import TODAY

# The werkvoorraad and the task screens on both stores.
pytestmark = pytest.mark.both_stores

OTHER = "SMC-ZWOLLE-1"


def _lead_of_last_team(store) -> Session:
    """The demo's team lead, in a store with a second team (sorting after the lead's) that has
    cases and an MDB nearer to today than the lead's own."""
    cases = [
        Case.entered(
            case_ref=f"ZW-{i}",
            client=Client(bsn=bsn, name=f"Zwolse Cliënt {i}", birth_date=date(1970, 1, 1)),
            service="ABA",
            received_on=TODAY - timedelta(days=30 + i),
            team=OTHER,
        )
        for i, bsn in enumerate(("111222333", "123456782"))
    ]
    actor = Actor.system_account("test")
    upsert_cases(store, cases, actor, "test")
    create_meeting(store, team=OTHER, held_on=TODAY + timedelta(days=1), actor=actor)
    row = store.conn.execute(
        "SELECT staff_id, name, role, team_id FROM staff WHERE role = 'TL' ORDER BY staff_id"
    ).fetchone()
    return Session(staff_id=row[0], name=row[1], role=row[2], team=row[3])


def test_werkvoorraad_opens_on_the_own_team_and_all_teams_is_one_click(
    qtbot, make_window, demo_store
):
    lead = _lead_of_last_team(demo_store)
    teams = {r[0] for r in demo_store.conn.execute("SELECT team_id FROM cases")}
    assert len(teams) > 1 and lead.team in teams
    view = make_window(lead).werkvoorraad
    shown = {view.model.entry(r).team for r in range(view.model.rowCount())}
    assert shown == {lead.team}
    assert view.team.currentData() == lead.team
    assert view.all_teams.text() == "Alle teams"

    qtbot.mouseClick(view.all_teams, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == view.model.total()
    assert {view.model.entry(r).team for r in range(view.model.rowCount())} == teams
    assert view.all_teams.text().startswith("Alleen ")

    qtbot.mouseClick(view.all_teams, Qt.MouseButton.LeftButton)
    assert {view.model.entry(r).team for r in range(view.model.rowCount())} == {lead.team}


def test_esc_in_the_search_box_returns_to_the_own_team(qtbot, make_window, demo_store):
    lead = _lead_of_last_team(demo_store)
    view = make_window(lead).werkvoorraad
    qtbot.mouseClick(view.all_teams, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.search, "zzz")
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.team.currentData() == lead.team
    assert {view.model.entry(r).team for r in range(view.model.rowCount())} == {lead.team}


def test_the_mdb_window_opens_on_the_own_team_and_proposes_it(qtbot, make_window, demo_store):
    lead = _lead_of_last_team(demo_store)
    window = make_window(lead)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, MdbWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    mdb = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MdbWindow))
    assert mdb.meeting is not None and mdb.meeting.team_id == lead.team
    assert mdb.team_combo.currentData() == lead.team
    mdb.close()


def test_the_team_column_shows_the_team_by_name(make_window, demo_store):
    from mdbtriage.store.records import list_teams
    from mdbtriage.ui.queue_model import COLUMN_KEYS

    lead = _lead_of_last_team(demo_store)
    view = make_window(lead).werkvoorraad
    names = {t.team_id: t.name for t in list_teams(demo_store)}
    assert names[lead.team] != lead.team
    cell = view.model.index(0, COLUMN_KEYS.index("team")).data()
    assert cell == names[lead.team]
