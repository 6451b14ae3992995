"""A whole MDB through the window: agenda, attendance, live decisions by keyboard, an
interrupted and resumed session, closing by the regievoerder, history and the summary; the
warning next to a medical-looking general remark; printing logged by the store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.ui import mdb as mdb_module
from mdbtriage.ui.mdb import MdbWindow, _qdate
from tests.conftest import TODAY

TEAM = "SMC-UTRECHT-1"
REGIE = Actor(f"{TEAM}-VA1", "Regievoerder", "VA")
DAY = TODAY + timedelta(days=21)


@pytest.fixture
def demo(store: Store, actor: Actor) -> Store:
    load_demo(store, n_cases=400, seed=11, today=TODAY, actor=actor)
    return store


def _open(qtbot: QtBot, store: Store, actor: Actor, meeting_id: int | None = None) -> MdbWindow:
    window = MdbWindow(store, actor, today=TODAY, meeting_id=meeting_id)
    qtbot.addWidget(window)
    window.show()
    _activate(qtbot, window)
    return window


def _activate(qtbot: QtBot, window: MdbWindow) -> None:
    """Shortcuts act in the active window; another test window may have taken that role."""
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _pick(combo, data: object) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))


def _decide_current(qtbot: QtBot, window: MdbWindow, remark: str) -> None:
    """Decide the case on screen as a chair would: lead, contact, dossier, one activity, remark."""
    qtbot.keyClicks(window.lead_role, "VA")
    assert window.lead_role.currentData() == "VA"
    _pick(window.lead_staff, f"{TEAM}-VA2")
    _pick(window.contact, f"{TEAM}-SMV2")
    _pick(window.dossier, True)
    _pick(window.task_combo, "DOSSIERSTUDIE")
    _pick(window.assignee, f"{TEAM}-VA2")
    window.due.setDate(_qdate(DAY + timedelta(days=10)))
    qtbot.keyClick(window.remarks, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    window.remarks.setFocus()
    qtbot.keyClicks(window.remarks, remark)
    window.medical_remarks.setPlainText(f"medisch: {remark}")


def test_a_whole_mdb_from_agenda_to_closed_meeting(
    qtbot: QtBot, qtmodeltester, demo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _open(qtbot, demo, REGIE)
    # Preparation: create the MDB and let the tool propose the agenda.
    window.new_date.setDate(_qdate(DAY))
    qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
    meeting = window.meeting
    assert meeting is not None and meeting.held_on == DAY
    qtmodeltester.check(window.agenda_model)
    items = repo.agenda(demo, meeting.meeting_id)
    assert window.agenda_model.rowCount() == len(items) > 5
    # Mark the first case niet gereed with what is missing, move the third up, drop the fourth.
    monkeypatch.setattr(
        MdbWindow, "ask_missing", classmethod(lambda cls, p, ref, cur: "verslag bedrijfsarts")
    )
    _activate(qtbot, window)
    window.agenda_view.setFocus()
    window.agenda_view.selectRow(0)
    qtbot.keyClick(window.agenda_view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    window.agenda_view.selectRow(2)
    qtbot.keyClick(window.agenda_view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    window.agenda_view.selectRow(3)
    qtbot.keyClick(window.agenda_view, Qt.Key.Key_Delete)
    after = repo.agenda(demo, meeting.meeting_id)
    assert after[0].status == "niet_gereed" and after[0].missing == "verslag bedrijfsarts"
    assert after[1].case_ref == items[2].case_ref
    assert items[3].case_ref not in {i.case_ref for i in after}
    # Keep the test short: three cases to discuss, the rest listed only.
    discussed = [i.case_ref for i in after if i.discussed][:3]
    for item in after:
        if item.discussed and item.case_ref not in discussed:
            repo.set_item_status(
                demo, meeting.meeting_id, item.case_ref, "standaardroute", "", REGIE
            )
    # Attendance: without any VA the window warns that no medical decisions can be taken.
    window.tabs.setCurrentIndex(1)
    vas = [
        r
        for r in range(window.attendee_list.count())
        if "(VA)" in window.attendee_list.item(r).text()
    ]
    for r in vas:
        window.attendee_list.item(r).setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: "geen medische besluiten" in window.warning_label.text())
    for r in vas:
        window.attendee_list.item(r).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(
        lambda: (
            "Alle benodigde rollen" in window.warning_label.text()
            or "AD" in window.warning_label.text()
        )
    )
    absent = next(
        r
        for r in range(window.attendee_list.count())
        if "(RIB)" in window.attendee_list.item(r).text()
    )
    window.attendee_list.item(absent).setCheckState(Qt.CheckState.Unchecked)
    assert not next(a for a in repo.attendees(demo, meeting.meeting_id) if a.role == "RIB").present

    # Live: decide the first case, then begin the second and close the window mid-sentence.
    window.tabs.setCurrentIndex(2)
    _activate(qtbot, window)
    assert window.case_list.count() == 3
    window.case_list.setCurrentRow(0)
    assert window._current_ref == discussed[0]
    _decide_current(qtbot, window, "eerste besluit")
    qtbot.keyClick(window.remarks, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window._current_ref == discussed[1]
    _decide_current(qtbot, window, "tweede, onderbroken")
    window.close()
    saved = repo.decisions(demo, meeting.meeting_id)
    assert saved[discussed[0]].remarks == "eerste besluit"
    assert saved[discussed[1]].remarks == "tweede, onderbroken", "closing mid-meeting loses nothing"
    assert saved[discussed[1]].activities[0].task == "DOSSIERSTUDIE"

    # Resume: a new window opens the same MDB at the first case without a complete decision.
    window = _open(qtbot, demo, REGIE, meeting.meeting_id)
    window.tabs.setCurrentIndex(2)
    assert window.remarks.toPlainText() == "" or window._current_ref == discussed[2]
    assert window._current_ref == discussed[2]
    window.step(-1)
    assert window.remarks.toPlainText() == "tweede, onderbroken"
    window.step(1)
    _decide_current(qtbot, window, "derde besluit")
    # An activity the taakdelegatie refuses is not added, and the reason is shown.
    _pick(window.task_combo, "ARBEIDSKUNDIG")
    _pick(window.assignee, f"{TEAM}-SMV1")
    qtbot.keyClick(window.remarks, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert "Geweigerd" in window.decision_error.text()
    assert window.activities.rowCount() == 1
    qtbot.keyClick(window.remarks, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    # Closing: the regievoerder confirms; the meeting is frozen and every case keeps its history.
    monkeypatch.setattr(MdbWindow, "confirm", classmethod(lambda cls, parent, text: True))
    assert window.close_button.isEnabled()
    qtbot.mouseClick(window.close_button, Qt.MouseButton.LeftButton)
    closed = repo.get_meeting(demo, meeting.meeting_id)
    assert closed.closed and closed.closed_by == REGIE.user_id
    assert not window.lead_role.isEnabled()
    for ref, remark in zip(
        discussed, ("eerste besluit", "tweede, onderbroken", "derde besluit"), strict=True
    ):
        history = repo.case_history(demo, ref)
        assert (
            history[0].meeting_id == meeting.meeting_id and history[0].meeting_status == "gesloten"
        )
        assert history[0].decision is not None and history[0].decision.remarks == remark
    tasks = repo.meeting_task_ids(demo, meeting.meeting_id)
    assert sorted(tasks) == sorted(discussed)
    for ref in discussed:
        row = demo.conn.execute(
            "SELECT task_code, assignee_id, due_on, status FROM tasks WHERE task_id = ?",
            (tasks[ref][0],),
        ).fetchone()
        assert tuple(row) == (
            "DOSSIERSTUDIE",
            f"{TEAM}-VA2",
            (DAY + timedelta(days=10)).isoformat(),
            "open",
        )

    # Summary: preview, then export the non-medical version; one log record per client.
    window.tabs.setCurrentIndex(3)
    assert window.pdf_document.pageCount() >= 1
    target = tmp_path / "verslag.pdf"
    monkeypatch.setattr(MdbWindow, "ask_save_path", classmethod(lambda cls, parent, s: str(target)))
    qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF")
    logged = demo.conn.execute(
        "SELECT count(*) FROM audit_log WHERE event = 'export' AND details LIKE ?",
        (f"MDB {meeting.meeting_id}, niet-medische versie%",),
    ).fetchone()[0]
    assert logged == len(repo.agenda(demo, meeting.meeting_id))


def test_team_lead_sees_no_medical_content_and_cannot_close(qtbot: QtBot, demo: Store) -> None:
    lead = Actor(f"{TEAM}-TL1", "Teamleider", "TL")
    window = _open(qtbot, demo, lead)
    assert window.meeting is not None and not window.meeting.closed
    window.tabs.setCurrentIndex(2)
    assert window.medical_remarks.isHidden()
    assert "•" not in window.proposal_label.text(), "no triage reasons for a non-medical role"
    assert not window.close_button.isEnabled()
    assert (
        window.version_combo.count() == 1 and window.version_combo.currentData() == "niet-medisch"
    )


def test_a_medical_looking_general_remark_is_warned_about(qtbot: QtBot, demo: Store) -> None:
    window = _open(qtbot, demo, REGIE)
    window.tabs.setCurrentIndex(2)
    assert window._current_ref is not None
    assert window.remarks_warning.isHidden()
    window.remarks.setFocus()
    qtbot.keyClicks(window.remarks, "Belastbaarheid opnieuw vaststellen")
    assert window.remarks_warning.isVisible()
    text = window.remarks_warning.text()
    assert "'Belastbaarheid'" in text
    assert "lijkt medische informatie te bevatten; zet dit bij medische overwegingen" in text
    window.remarks.setPlainText("Cliënt uitnodigen voor het spreekuur.")
    assert window.remarks_warning.isHidden()


def test_print_and_export_are_logged_by_the_store_not_the_window(
    qtbot: QtBot, demo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = "".join(
        part.read_text(encoding="utf-8") for part in Path(mdb_module.__file__).parent.glob("*.py")
    )
    assert "def print_summary" in source
    assert ".atomic(" not in source and "audit" not in source and "log_" not in source
    lead = Actor(f"{TEAM}-TL1", "Teamleider", "TL")
    window = _open(qtbot, demo, lead)
    closed = next(m for m in repo.list_meetings(demo, TEAM) if m.closed)
    window.open_meeting(closed.meeting_id)
    window.tabs.setCurrentIndex(3)
    out = tmp_path / "afdruk.pdf"

    def to_file(cls, parent, printer: QPrinter) -> bool:  # type: ignore[no-untyped-def]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(MdbWindow, "ask_printer", classmethod(to_file))
    qtbot.mouseClick(window.print_button, Qt.MouseButton.LeftButton)
    assert out.read_bytes().startswith(b"%PDF")
    printed = demo.conn.execute(
        "SELECT count(*) FROM audit_log WHERE event = 'print' AND user_id = ? AND details LIKE ?",
        (lead.user_id, f"MDB {closed.meeting_id}, niet-medische versie%"),
    ).fetchone()[0]
    assert printed == len(repo.agenda(demo, closed.meeting_id))
    assert "afgedrukt" in window.status_label.text()


def test_opening_an_mdb_logs_a_read_per_case_once(qtbot: QtBot, demo: Store) -> None:
    meeting = next(m for m in repo.list_meetings(demo, TEAM) if m.closed)
    refs = {i.case_ref for i in repo.agenda(demo, meeting.meeting_id)}
    assert refs

    def reads() -> list[str]:
        return [
            str(r[0])
            for r in demo.conn.execute(
                "SELECT case_ref FROM audit_log WHERE event = 'read' AND purpose = 'MDB inzien' "
                "AND user_id = ?",
                (REGIE.user_id,),
            )
        ]

    window = _open(qtbot, demo, REGIE, meeting.meeting_id)
    after_opening = reads()
    assert refs <= set(after_opening)
    window._refresh_all()  # refreshing what is open writes no more records
    assert reads() == after_opening
