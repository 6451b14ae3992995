"""One channel for changes: what one screen changes, the others show without a manual refresh;
what another program commits to the same store file arrives within a second or two."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from mdbtriage.core.meetings import Activity, Decision
from mdbtriage.store import meetings as repo
from mdbtriage.store.changes import DataVersionWatcher, change_watcher
from mdbtriage.store.database import Store
from mdbtriage.store.dossier import add_note
from mdbtriage.store.queue_view import next_tasks
from mdbtriage.store.records import get_staff
from mdbtriage.store.tasks import assign_task
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.mdb import MdbWindow
from mdbtriage.ui.session import Session
from mdbtriage.ui.tasks import AssignTaskDialog, TeAccorderenWidget
from tests.conftest import TODAY


def _shown_tasks(window) -> set[int]:  # type: ignore[no-untyped-def]
    model = window.my_tasks.model
    return {model.task(row).task_id for row in range(model.rowCount())}


def _case_of_team(store: Store, team: str) -> str:
    return str(
        store.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = ? AND status != 'afgerond' "
            "AND case_ref NOT IN (SELECT case_ref FROM tasks) ORDER BY case_ref LIMIT 1",
            (team,),
        ).fetchone()[0]
    )


def _session_of(store: Store, staff_id: str) -> Session:
    staff = get_staff(store, staff_id)
    assert staff is not None
    return Session(staff_id=staff.staff_id, name=staff.name, role=staff.role, team=staff.team)


def _other_va(store: Store, session: Session) -> str:
    return str(
        store.conn.execute(
            "SELECT staff_id FROM staff WHERE role = 'VA' AND team_id = ? AND staff_id != ? "
            "ORDER BY staff_id LIMIT 1",
            (session.team, session.staff_id),
        ).fetchone()[0]
    )


def _assign_from_the_dossier(qtbot, window, ref: str, assignee: str, monkeypatch) -> int:  # type: ignore[no-untyped-def]
    """Open the case's dossier and assign a spreekuur to ``assignee`` with its button."""
    made: list[int] = []

    def ask(cls, store, actor, case_ref, parent=None, on=None):  # type: ignore[no-untyped-def]
        made.append(
            assign_task(
                store, actor, case_ref=case_ref, task_code="SPREEKUUR", assignee_id=assignee, on=on
            )
        )
        return made[-1]

    monkeypatch.setattr(AssignTaskDialog, "ask", classmethod(ask))
    window.open_dossier(ref)
    dossier = window._dossiers[ref]
    qtbot.mouseClick(dossier.assign_button, Qt.MouseButton.LeftButton)
    assert len(made) == 1
    return made[0]


def test_changes_say_what_they_touch() -> None:
    change = Changes.of(cases=["R-1"], tasks=[4])
    assert change.touches("tasks") and change.touches_case("R-1")
    assert not change.touches("meetings", "staff") and not change.touches_case("R-2")
    assert Changes.of(cases=["R-1"], origin=object()) == Changes.of(cases={"R-1"})
    elsewhere = Changes.elsewhere()
    assert elsewhere.external and elsewhere.touches("meetings") and elsewhere.touches_case("R-9")
    assert Changes().is_empty()


def test_nothing_is_reported_for_an_empty_change(qtbot) -> None:  # type: ignore[no-untyped-def]
    events = StoreEvents()
    heard: list[Changes] = []
    events.changed.connect(heard.append)
    events.report(Changes())
    events.report(Changes.of(meetings=[1]))
    assert heard == [Changes.of(meetings=[1])]


def test_the_watcher_sees_other_connections_commits_not_its_own(store: Store) -> None:
    watcher = change_watcher(store)
    assert not watcher.poll()
    store.set_setting("eigen", "1")
    assert not watcher.poll(), "the store's own commit is reported by the action itself"
    with Store.open(store.path) as other:
        other.set_setting("ander", "1")
    assert watcher.poll()
    assert not watcher.poll(), "reported once"


def test_a_closed_connection_reports_nothing(store_path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(store_path)
    watcher = DataVersionWatcher(store.conn)
    store.close()
    assert not watcher.poll()


def test_an_assignment_from_the_dossier_is_in_mijn_taken_at_once(
    qtbot, make_window, va_session, demo_store, monkeypatch
) -> None:
    window = make_window(va_session)
    ref = _case_of_team(demo_store, va_session.team)
    before = _shown_tasks(window)
    with qtbot.waitSignal(window.werkvoorraad.updated, timeout=20000):
        task_id = _assign_from_the_dossier(qtbot, window, ref, va_session.staff_id, monkeypatch)
        # No refresh asked for: the dossier's report reached Mijn taken.
        assert _shown_tasks(window) == before | {task_id}
    # The werkvoorraad put the case's row in place: the new task is its next one.
    row = window.werkvoorraad.model.row_of(ref)
    if row is not None:
        assert window.werkvoorraad.model.entry(row).next_task == next_tasks(demo_store, [ref])[ref]
    assert "Bijgewerkt" not in window.statusBar().currentMessage()
    # A closed dossier hears nothing more.
    window._dossiers[ref].close()
    qtbot.waitUntil(lambda: ref not in window._dossiers)
    window.events.report(Changes.of(cases=[ref]))


def test_closing_an_mdb_updates_the_werkvoorraad_and_mijn_taken(
    qtbot, make_window, demo_store, monkeypatch
) -> None:
    upcoming = next(m for m in repo.list_meetings(demo_store) if not m.closed)
    chair = upcoming.regievoerder_id
    assert chair is not None
    session = _session_of(demo_store, chair)
    actor = session.actor
    due = upcoming.held_on + timedelta(days=10)
    discussed = [i.case_ref for i in repo.agenda(demo_store, upcoming.meeting_id) if i.discussed]
    assert discussed
    for ref in discussed:
        repo.save_decision(
            demo_store,
            upcoming.meeting_id,
            Decision(
                case_ref=ref,
                lead_role="VA",
                lead_staff_id=chair,
                contact_staff_id=chair,
                activities=(Activity("SPREEKUUR", chair, due),),
                remarks="Cliënt uitnodigen.",
                dossier_complete=True,
            ),
            actor,
        )
    window = make_window(session)
    idle = [r for r in discussed if not next_tasks(demo_store, [r]).get(r)]
    before = _shown_tasks(window)
    window.open_mdb()
    mdb = window.findChild(MdbWindow)
    assert mdb is not None and mdb.meeting is not None
    if mdb.meeting.meeting_id != upcoming.meeting_id:
        mdb.meeting_combo.setCurrentIndex(mdb.meeting_combo.findData(upcoming.meeting_id))
    assert mdb.close_button.isEnabled()
    monkeypatch.setattr(MdbWindow, "confirm", classmethod(lambda cls, parent, text: True))
    with qtbot.waitSignal(window.werkvoorraad.updated, timeout=20000):
        qtbot.mouseClick(mdb.close_button, Qt.MouseButton.LeftButton)
        assert repo.get_meeting(demo_store, upcoming.meeting_id).closed
        created = set(_shown_tasks(window)) - before
        assert len(created) == len(discussed), "Mijn taken shows the MDB's new tasks at once"
    for ref in idle:
        row = window.werkvoorraad.model.row_of(ref)
        if row is not None:
            assert window.werkvoorraad.model.entry(row).next_task.startswith("SPREEKUUR")
    mdb.close()


@pytest.fixture
def second_store(demo_store: Store) -> Iterator[Store]:
    """A second connection to the same store file, as a second workstation has."""
    other = Store.open(demo_store.path)
    yield other
    other.close()


def test_two_workstations_see_each_others_assignments_within_two_seconds(
    qtbot, make_window, va_session, demo_store, second_store, monkeypatch
) -> None:
    here = make_window(va_session)
    colleague = _session_of(second_store, _other_va(demo_store, va_session))
    there = make_window(colleague, second_store)
    assert here.store.conn is not there.store.conn
    heard_here: list[Changes] = []
    here.events.changed.connect(heard_here.append)
    ref = _case_of_team(demo_store, va_session.team)

    task_id = _assign_from_the_dossier(qtbot, here, ref, colleague.staff_id, monkeypatch)
    started = time.monotonic()
    qtbot.waitUntil(lambda: task_id in _shown_tasks(there), timeout=2000)
    assert time.monotonic() - started < 2
    assert there.statusBar().currentMessage().startswith("Bijgewerkt om ")
    assert "andere werkplek" in there.statusBar().currentMessage()
    assert not any(c.external for c in heard_here), "the own change is not reported back"

    # Reading again writes nothing: the two screens do not keep waking each other.
    qtbot.wait(1500)
    heard_there: list[Changes] = []
    there.events.changed.connect(heard_there.append)
    heard_here.clear()
    qtbot.wait(1500)
    assert not heard_there and not any(c.external for c in heard_here)
    there.close()


def test_another_program_s_commit_reaches_the_werkvoorraad_keeping_selection_and_scroll(
    qtbot, make_window, tl_session, demo_store, second_store
) -> None:
    window = make_window(tl_session)
    view = window.werkvoorraad
    rows = view.model.rowCount()
    assert rows > 20
    view.table.scrollTo(view.model.index(rows // 2, 0), QTableView.ScrollHint.PositionAtTop)
    top = view.model.entry(view.table.rowAt(0)).case_ref
    view.table.selectRow(view.table.rowAt(0) + 3)
    selected = view.current_case()
    assert selected is not None and top != view.model.entry(0).case_ref
    with qtbot.waitSignal(view.loaded, timeout=20000):
        add_note(second_store, tl_session.actor, selected, "Gebeld met cliënt.", False)
    assert view.current_case() == selected
    assert view.model.entry(view.table.rowAt(0)).case_ref == top
    assert "Bijgewerkt" in window.statusBar().currentMessage()


def test_te_accorderen_keeps_the_vas_own_version_when_changes_arrive(
    qtbot, demo_store: Store
) -> None:
    va = str(
        demo_store.conn.execute(
            "SELECT delegating_va_id FROM tasks WHERE status = 'te_accorderen' LIMIT 1"
        ).fetchone()[0]
    )
    events = StoreEvents()
    widget = TeAccorderenWidget(demo_store, _session_of(demo_store, va).actor, events=events)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() >= 1
    widget.view.selectRow(widget.model.rowCount() - 1)
    chosen = widget.current()
    assert chosen is not None
    widget.own.setPlainText("Mijn eigen versie, half af")
    events.report(Changes.elsewhere())
    current = widget.current()
    assert current is not None and current.task_id == chosen.task_id
    assert widget.own.toPlainText() == "Mijn eigen versie, half af"


def test_the_mdb_window_follows_a_decision_saved_elsewhere_without_logging_a_read(
    qtbot, demo_store: Store
) -> None:
    upcoming = next(m for m in repo.list_meetings(demo_store) if not m.closed)
    chair = upcoming.regievoerder_id
    assert chair is not None
    actor = _session_of(demo_store, chair).actor
    events = StoreEvents()
    window = MdbWindow(
        demo_store, actor, today=TODAY, meeting_id=upcoming.meeting_id, events=events
    )
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(2)
    assert window.case_list.count() >= 1
    first = window.case_list.item(0)
    ref = str(first.data(Qt.ItemDataRole.UserRole))
    assert first.text().startswith("○")

    def reads() -> int:
        return int(
            demo_store.conn.execute(
                "SELECT count(*) FROM audit_log WHERE event = 'read' AND user_id = ?", (chair,)
            ).fetchone()[0]
        )

    before = reads()
    with Store.open(demo_store.path) as elsewhere:
        repo.save_decision(
            elsewhere,
            upcoming.meeting_id,
            Decision(
                case_ref=ref,
                lead_role="VA",
                lead_staff_id=chair,
                contact_staff_id=chair,
                activities=(Activity("SPREEKUUR", chair, upcoming.held_on + timedelta(days=10)),),
                remarks="Elders besloten.",
                dossier_complete=True,
            ),
            actor,
        )
    events.report(Changes.elsewhere())
    assert window.case_list.item(0).text().startswith("✓")
    assert reads() == before, "following a change writes nothing that would wake the others"


def test_office_notices_become_changes_key_by_key() -> None:
    from mdbtriage.store.changes import Notice

    changes = Changes.from_notices(
        [
            Notice("tasks", ("12",), "SMC-1-VA1", ("R-1",)),
            Notice("central_decisions", ("C-9",), "SMC-1-TL1", ("R-2",)),
        ]
    )
    assert changes.tasks == {12} and changes.cases == {"R-1", "R-2"}
    assert not changes.unknown and changes.external and changes.by is None
    # A central decision by BSN alone names no case: everything is read again.
    assert Changes.from_notices([Notice("central_decisions", ("C-9",), "x", ())]).unknown
