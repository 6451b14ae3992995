"""A team at work at the same time, on both stores: one chair per MDB (the second window
follows read-only, the regievoerder takes the chair over, logged), and no silent overwrites
(a stale MDB decision and a stale case edit are refused with who changed what and when, and
the form reloads while the person's own text stays to copy)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mdbtriage.core.meetings import Decision
from mdbtriage.core.model import Actor
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.dossier import save_case
from mdbtriage.store.records import get_case, get_staff
from mdbtriage.ui.case_form import CaseFormDialog
from mdbtriage.ui.events import StoreEvents
from mdbtriage.ui.mdb import MdbWindow
from mdbtriage.ui.session import Session
from mdbtriage.ui.stale import StaleEditDialog
from tests.conftest import TODAY

pytestmark = pytest.mark.both_stores


def _actor(store: Store, staff_id: str) -> Actor:
    staff = get_staff(store, staff_id)
    assert staff is not None
    return Actor(staff.staff_id, staff.name, staff.role)


@pytest.fixture
def meeting(demo_store: Store) -> repo.Meeting:
    return next(m for m in repo.list_meetings(demo_store) if not m.closed)


def _window(
    qtbot: QtBot, store: Store, actor: Actor, meeting_id: int, events: StoreEvents, where: str
) -> MdbWindow:
    window = MdbWindow(
        store, actor, today=TODAY, meeting_id=meeting_id, events=events, workstation=where
    )
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(2)  # the Bespreking: live mode
    return window


class _Answers:
    """What the stale-edit dialog was asked, and its answer (reload)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked: list[tuple[str, str]] = []

        def ask(cls: type, parent: object, message: str, own_text: str) -> bool:
            self.asked.append((message, own_text))
            return True

        monkeypatch.setattr(StaleEditDialog, "ask", classmethod(ask))


def test_the_second_mdb_window_follows_read_only_and_the_regievoerder_takes_over(
    qtbot: QtBot, demo_store: Store, meeting: repo.Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    regie = meeting.regievoerder_id
    assert regie is not None
    lead = demo_store.conn.execute(
        "SELECT staff_id FROM staff WHERE role = 'TL' AND team_id = ?", (meeting.team_id,)
    ).fetchone()[0]
    events = StoreEvents()
    chair = _window(qtbot, demo_store, _actor(demo_store, lead), meeting.meeting_id, events, "zaal")
    assert chair.chair_label.text().startswith("U bent voorzitter op zaal")
    assert chair.remarks.isEnabled() and not chair.chair_button.isVisible()

    other = _window(
        qtbot, demo_store, _actor(demo_store, regie), meeting.meeting_id, events, "kamer-12"
    )
    lead_name = _actor(demo_store, lead).name
    assert other.chair_label.text().startswith(f"Voorzitter: {lead_name} op zaal")
    assert not other.remarks.isEnabled() and not other.lead_role.isEnabled()
    assert not other.close_button.isEnabled()
    assert not any(b.isEnabled() for b in other.agenda_buttons)
    assert other.chair_button.isVisible()
    assert other.chair_button.text() == "Voorzitterschap overnemen"

    # A decision saved by the chair reaches the follower through the channel.
    ref = chair._current_ref
    assert ref is not None and other._current_ref == ref
    chair.remarks.setFocus()
    qtbot.keyClicks(chair.remarks, "Besloten aan tafel.")
    assert chair.save_current()
    assert other.remarks.toPlainText() == chair.remarks.toPlainText()
    assert "Besloten aan tafel." in other.remarks.toPlainText()

    # The regievoerder takes the chair over (confirmed), logged in the access log.
    monkeypatch.setattr(MdbWindow, "confirm_take_over", classmethod(lambda cls, p, t: True))
    qtbot.mouseClick(other.chair_button, Qt.MouseButton.LeftButton)
    assert other.chair_label.text().startswith("U bent voorzitter op kamer-12")
    assert other.remarks.isEnabled() and not other.chair_button.isVisible()
    logged = demo_store.conn.execute(
        "SELECT user_id, outcome, details FROM audit_log "
        "WHERE purpose = 'MDB-voorzitterschap overnemen' ORDER BY log_id"
    ).fetchall()
    assert [(r[0], r[1]) for r in logged] == [(regie, "gelukt")]
    assert f"van {lead_name} ({lead}) op zaal naar kamer-12" in logged[0][2]

    # The former chair learns it at its next renewal and follows read-only from then on.
    chair._renewed_at = 0.0
    chair._check_chair()
    regie_name = _actor(demo_store, regie).name
    assert chair.chair_label.text().startswith(f"Voorzitter: {regie_name} op kamer-12")
    assert not chair.remarks.isEnabled()
    assert chair.save_current() is False or not chair._dirty

    # Closing the window gives the chair up: the chair is free again.
    other.close()
    assert repo.current_chair(demo_store, meeting.meeting_id) is None


def test_a_decision_changed_elsewhere_is_not_overwritten(
    qtbot: QtBot, demo_store: Store, meeting: repo.Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    regie = meeting.regievoerder_id
    assert regie is not None
    answers = _Answers(monkeypatch)
    window = _window(
        qtbot, demo_store, _actor(demo_store, regie), meeting.meeting_id, StoreEvents(), "zaal"
    )
    ref = window._current_ref
    assert ref is not None
    # A colleague's program saves a decision on the same case (not through this window).
    colleague = _actor(demo_store, regie)
    repo.save_decision(
        demo_store, meeting.meeting_id, Decision(ref, remarks="Elders vastgelegd."), colleague
    )
    window.remarks.setFocus()
    window.remarks.setPlainText("Mijn eigen tekst.")
    assert window.save_current() is False
    message, own = answers.asked[0]
    assert message.startswith(f"Het MDB-besluit over {ref} is intussen gewijzigd door ")
    assert "Mijn eigen tekst." in own
    # Reloaded: the colleague's decision stands and is on screen; saving again works.
    assert window.remarks.toPlainText() == "Elders vastgelegd."
    assert repo.decisions(demo_store, meeting.meeting_id)[ref].remarks == "Elders vastgelegd."
    window.remarks.setPlainText("Elders vastgelegd, aangevuld.")
    assert window.save_current()
    assert repo.decisions(demo_store, meeting.meeting_id)[ref].remarks.endswith("aangevuld.")


def test_a_stale_case_edit_is_refused_with_the_message_and_reloads(
    qtbot: QtBot, demo_store: Store, tl_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = _Answers(monkeypatch)
    ref = demo_store.conn.execute(
        "SELECT case_ref FROM cases WHERE working = 0 AND motivated = 0 ORDER BY case_ref LIMIT 1"
    ).fetchone()[0]
    dialog = CaseFormDialog(demo_store, tl_session, TODAY, get_case(demo_store, ref))  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    # Meanwhile a colleague changes the case.
    colleague = demo_store.conn.execute(
        "SELECT staff_id FROM staff WHERE role = 'VA' ORDER BY staff_id LIMIT 1"
    ).fetchone()[0]
    stored = get_case(demo_store, ref)  # type: ignore[arg-type]
    save_case(demo_store, _actor(demo_store, colleague), stored.with_facts(working=True), new=False)
    dialog.flags["motivated"].setChecked(True)
    dialog.accept()
    name = _actor(demo_store, colleague).name
    message, own = answers.asked[0]
    assert message.startswith(f"Zaak {ref} is intussen gewijzigd door {name} ({colleague}) op ")
    assert "working: nee → ja" in message
    assert "motivated: ja" in own.lower() or "medische motivering" in own.lower()
    assert dialog.result() != dialog.DialogCode.Accepted
    # The colleague's change stands; the reloaded form shows it, without the refused edit.
    saved = get_case(demo_store, ref)  # type: ignore[arg-type]
    assert saved.facts.working and not saved.facts.motivated
    assert dialog.flags["working"].isChecked() and not dialog.flags["motivated"].isChecked()
    dialog.flags["motivated"].setChecked(True)
    dialog.accept()
    assert get_case(demo_store, ref).facts.motivated  # type: ignore[union-attr]
