"""The MDB on the office store: a chair taken, handed over or given up on one workstation is on
the others' screens within two seconds (the database notifies at commit; a renewal of the
lease is no news), and a chair who loses the server goes on, the decisions journaled on the
workstation and sent in order when the server is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from mdbtriage.core.meetings import Decision
from mdbtriage.core.model import Actor
from mdbtriage.store import meetings as repo
from mdbtriage.store.changes import OfficeWatcher, change_watcher
from mdbtriage.store.office import with_user
from mdbtriage.store.office_store import OfficeStore
from mdbtriage.store.records import get_staff
from mdbtriage.ui.events import StoreEvents
from mdbtriage.ui.mdb import MdbWindow
from tests.pg_fixtures import DAY, OfficeDb

TODAY = date.fromisoformat(DAY)


class Office:
    """Connections to the demo office store, one per login, closed afterwards."""

    def __init__(self, db: OfficeDb) -> None:
        self.db = db
        self.stores: list[OfficeStore] = []

    def open(self, login: str) -> OfficeStore:
        store = OfficeStore.open_url(with_user(self.db.url, login))
        self.stores.append(store)
        return store

    def owner(self) -> OfficeStore:
        store = OfficeStore.open_url(self.db.url)
        self.stores.append(store)
        return store


@pytest.fixture
def office(demo_office: OfficeDb) -> Iterator[Office]:
    opened = Office(demo_office)
    yield opened
    for store in opened.stores:
        store.close()


def _meeting(store: OfficeStore) -> repo.Meeting:
    return next(m for m in repo.list_meetings(store) if not m.closed and m.regievoerder_id)


def _actor(store: OfficeStore, staff_id: str) -> Actor:
    staff = get_staff(store, staff_id)
    assert staff is not None
    return Actor(staff.staff_id, staff.name, staff.role)


def _window(
    qtbot: QtBot, store: OfficeStore, staff_id: str, meeting_id: int, where: str
) -> MdbWindow:
    """An MDB window in the Bespreking that hears colleagues' commits (no 5-second chair check)."""
    events = StoreEvents()
    events.watch(change_watcher(store), interval_ms=100)
    window = MdbWindow(
        store,
        _actor(store, staff_id),
        today=TODAY,
        meeting_id=meeting_id,
        events=events,
        workstation=where,
    )
    qtbot.addWidget(window)
    window._chair_timer.setInterval(600_000)
    window.show()
    window.tabs.setCurrentIndex(2)
    return window


def _lead(store: OfficeStore, team_id: str) -> str:
    row = store.conn.execute(
        "SELECT staff_id FROM staff WHERE role = 'TL' AND team_id = ? ORDER BY staff_id", (team_id,)
    ).fetchone()
    return str(row[0])


def test_a_chair_change_is_on_the_other_screens_within_two_seconds(
    qtbot: QtBot, office: Office
) -> None:
    probe = office.owner()
    meeting = _meeting(probe)
    lead, regie = _lead(probe, meeting.team_id), str(meeting.regievoerder_id)
    chair = _window(qtbot, office.open(lead), lead, meeting.meeting_id, "zaal")
    assert chair.chair_label.text().startswith("U bent voorzitter op zaal")
    follower_store = office.open(regie)
    follower = _window(qtbot, follower_store, regie, meeting.meeting_id, "kamer-12")
    assert follower.chair_label.text().startswith("Voorzitter: ")

    # Renewing the lease is no news for colleagues.
    watcher = OfficeWatcher(follower_store)
    try:
        repo.take_chair(chair.store, meeting.meeting_id, chair.actor, chair.seat, "zaal")
        time.sleep(0.3)
        assert not watcher.poll()
    finally:
        watcher.close()

    # The chair leaves: the follower sees the chair free within two seconds.
    started = time.monotonic()
    chair.close()
    qtbot.waitUntil(
        lambda: follower.chair_label.text().startswith("Nog geen voorzitter"), timeout=2000
    )
    assert time.monotonic() - started < 2

    # Someone takes it at another workstation: the follower names the new chair.
    other = office.open(lead)
    started = time.monotonic()
    repo.take_chair(other, meeting.meeting_id, _actor(other, lead), "stoel-3", "kamer-7")
    qtbot.waitUntil(lambda: "op kamer-7" in follower.chair_label.text(), timeout=2000)
    assert time.monotonic() - started < 2
    assert not follower.remarks.isEnabled()
    follower.close()


def test_a_saved_decision_notifies_its_keys_only(office: Office) -> None:
    """An upsert runs the INSERT triggers with no new rows: that statement sends nothing (a
    notice without keys would make every screen read everything again)."""
    owner = office.owner()
    meeting = _meeting(owner)
    regie = str(meeting.regievoerder_id)
    ref = next(i.case_ref for i in repo.agenda(owner, meeting.meeting_id) if i.discussed)
    listener = office.open(regie)
    watcher = OfficeWatcher(listener)
    try:
        chair = office.open(regie)

        for remarks in ("Eerst.", "Daarna."):
            repo.save_decision(
                chair, meeting.meeting_id, Decision(ref, remarks=remarks), _actor(chair, regie)
            )
            deadline = time.monotonic() + 2
            while not watcher.poll() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert watcher.notices and all(n.keys for n in watcher.notices), watcher.notices
    finally:
        watcher.close()
