"""The MDB on the office store: a chair taken, handed over or given up on one workstation is on
the others' screens within two seconds (the database notifies at commit; a renewal of the
lease is no news), and a chair who loses the server goes on, the decisions journaled on the
workstation and sent in order when the server is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from psycopg import sql
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


def _server_gone(db: OfficeDb, login: str) -> None:
    """The server ends the login's connections and takes no new ones (a dropped network)."""
    with psycopg.connect(db.admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(
                sql.Identifier(db.name)
            )
        )
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND usename = %s",
            (db.name, login),
        )


def _server_back(db: OfficeDb) -> None:
    with psycopg.connect(db.admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(sql.Identifier(db.name))
        )


def test_the_chair_goes_on_without_the_server_and_the_journal_is_sent_when_it_is_back(
    qtbot: QtBot, office: Office
) -> None:
    owner = office.owner()
    meeting = _meeting(owner)
    regie = str(meeting.regievoerder_id)
    window = _window(qtbot, office.open(regie), regie, meeting.meeting_id, "zaal")
    assert window._holds_chair() and window.journal is not None
    first = window._current_ref
    assert first is not None and window.case_list.count() >= 2

    before = owner.conn.execute("SELECT max(log_id) FROM audit_log").fetchone()[0]
    _server_gone(office.db, regie)
    try:
        window.remarks.setFocus()
        window.remarks.setPlainText("Besloten zonder verbinding.")
        assert window.save_current()  # kept on this workstation
        assert [e.case_ref for e in window.journal.pending()] == [first]
        assert window.journal_label.isVisible()
        assert "Nog niet verzonden (1)" in window.journal_label.text()
        assert (
            window.case_list.item(window.case_list.currentRow())
            .text()
            .endswith("nog niet verzonden")
        )
        # The chair goes on with the next case; closing the MDB waits for the journal.
        window.step(1)
        second = window._current_ref
        assert second is not None and second != first and window.remarks.isEnabled()
        window.remarks.setPlainText("Ook zonder verbinding.")
        assert window.save_current()
        assert [e.case_ref for e in window.journal.pending()] == [first, second]
        assert not window.close_button.isEnabled()
        assert window.close_hint.isVisible()
        assert "2 besluiten niet verzonden" in window.close_hint.text()
        assert owner_reads_nothing(office.db)
    finally:
        _server_back(office.db)

    # Back: the journal is sent in order through the normal save, and closing may go on.
    qtbot.waitUntil(lambda: not window.journal.pending(), timeout=15000)  # type: ignore[union-attr]
    assert not window.journal.path.exists()
    check = office.owner()
    found = repo.decisions(check, meeting.meeting_id)
    assert found[first].remarks == "Besloten zonder verbinding."
    assert found[second].remarks == "Ook zonder verbinding."
    logged = check.conn.execute(
        "SELECT case_ref, user_id, outcome FROM audit_log WHERE purpose = 'MDB-besluit vastleggen' "
        "AND log_id > ? ORDER BY log_id",
        (before,),
    ).fetchall()
    assert [tuple(r) for r in logged] == [(first, regie, "gelukt"), (second, regie, "gelukt")]
    assert not window.journal_label.isVisible()
    assert "niet verzonden" not in window.close_hint.text()
    assert repo.current_chair(check, meeting.meeting_id).seat == window.seat  # type: ignore[union-attr]
    window.close()


def owner_reads_nothing(db: OfficeDb) -> bool:
    """Nothing can connect while the server is gone (the test's own check)."""
    try:
        psycopg.connect(db.url, connect_timeout=2).close()
    except psycopg.OperationalError:
        return True
    return False
