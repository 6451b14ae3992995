"""The team lead records a central decision from the central team's letter: checked in core with
the problems next to the fields, written with its log record, and the case moves to class B."""

from __future__ import annotations

from PySide6.QtGui import QAction

from mdbtriage.store.central import decision_by_ref
from mdbtriage.store.dossier import mark_schrijnend
from mdbtriage.ui.central_decision import CentralDecisionDialog
from tests.conftest import TODAY


def _unapproved_case(store) -> str:  # type: ignore[no-untyped-def]
    return store.conn.execute(
        "SELECT case_ref FROM cases WHERE service = 'HERBEOORDELING' AND schrijnend = 1 "
        "AND schrijnend_ref = 'n.v.t.'"
    ).fetchone()[0]


def test_problems_are_shown_by_their_fields_and_nothing_is_written(qtbot, demo_store, tl_session):
    dialog = CentralDecisionDialog(demo_store, tl_session, TODAY)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.fields["central_ref"], "CT-2026-900")
    qtbot.keyClicks(dialog.fields["bsn"], "123456789")
    dialog.fields["decided_on"].clear()
    qtbot.keyClicks(dialog.fields["decided_on"], "31-02-2026")
    dialog.accept()
    assert dialog.result() == 0
    assert "elfproef" in dialog.problems["bsn"].text() and dialog.problems["bsn"].isVisibleTo(
        dialog
    )
    assert dialog.problems["decided_on"].text()
    assert not dialog.problems["central_ref"].isVisibleTo(dialog)
    assert decision_by_ref(demo_store, "CT-2026-900") is None


def test_a_recorded_decision_moves_the_case_to_class_b(
    qtbot, make_window, tl_session, demo_store, monkeypatch
):
    ref = _unapproved_case(demo_store)
    mark_schrijnend(demo_store, tl_session.actor, ref, "CT-2026-900")
    window = make_window(tl_session)
    action = window.findChild(QAction, "central")
    assert action is not None and action in window.admin_menu.actions()

    def fill(cls, store, session, today, case_ref="", parent=None):  # type: ignore[no-untyped-def]
        dialog = cls(store, session, today, case_ref, parent)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.fields["central_ref"], "CT-2026-900")
        qtbot.keyClicks(dialog.fields["case_ref"], ref)
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("toegekend"))
        dialog.accept()
        return dialog.decision

    monkeypatch.setattr(CentralDecisionDialog, "ask", classmethod(fill))
    with qtbot.waitSignal(window.werkvoorraad.updated, timeout=20000):
        action.trigger()
    decision = decision_by_ref(demo_store, "CT-2026-900")
    assert decision is not None and decision.case_ref == ref and decision.outcome == "toegekend"
    entry = next(e for e in window.werkvoorraad.model.entries() if e.case_ref == ref)
    assert entry.klasse == "B"
    logged = demo_store.conn.execute(
        "SELECT user_id, details FROM audit_log WHERE purpose = 'centrale beslissing vastleggen'"
    ).fetchall()
    assert logged == [
        (tl_session.staff_id, f"centrale toets CT-2026-900 van {TODAY:%d-%m-%Y}: toegekend")
    ]


def test_the_dossier_records_the_decision_for_its_case(
    qtbot, demo_store, tl_session, va_session, policy, monkeypatch
):
    from mdbtriage.store.records import get_case
    from mdbtriage.ui.dossier import DossierWindow

    ref = _unapproved_case(demo_store)  # marked schrijnend with "n.v.t."
    other = DossierWindow(demo_store, va_session, policy, TODAY, ref)
    qtbot.addWidget(other)
    assert not other.central_button.isVisibleTo(other)
    window = DossierWindow(demo_store, tl_session, policy, TODAY, ref)
    qtbot.addWidget(window)
    window.show()
    assert window.central_button.isEnabled()

    def fill(cls, store, session, today, case_ref="", parent=None, central_ref=""):  # type: ignore[no-untyped-def]
        dialog = cls(store, session, today, case_ref, parent, central_ref)
        qtbot.addWidget(dialog)
        assert dialog.fields["case_ref"].text() == ref
        assert dialog.fields["central_ref"].text() == "n.v.t."
        dialog.fields["central_ref"].setText("CT-2026-901")
        dialog.accept()
        return dialog.decision

    monkeypatch.setattr(CentralDecisionDialog, "ask", classmethod(fill))
    window.central_button.click()
    assert get_case(demo_store, ref).facts.schrijnend_ref == "CT-2026-901"
    assert "klasse B" in window.reasons.toPlainText()


def test_a_case_and_a_bsn_of_two_clients_are_refused_by_the_bsn_field(
    qtbot, demo_store, tl_session
):
    """As on import: the decision names a case and a BSN, and they must be one client's."""
    ref, bsn = demo_store.conn.execute(
        "SELECT c.case_ref, k.bsn FROM cases c JOIN clients k ON k.client_id = c.client_id "
        "ORDER BY c.case_ref LIMIT 1"
    ).fetchone()
    other = demo_store.conn.execute(
        "SELECT bsn FROM clients WHERE bsn != ? ORDER BY bsn LIMIT 1", (bsn,)
    ).fetchone()[0]
    dialog = CentralDecisionDialog(demo_store, tl_session, TODAY)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.fields["central_ref"], "CT-2026-901")
    qtbot.keyClicks(dialog.fields["case_ref"], ref)
    qtbot.keyClicks(dialog.fields["bsn"], other)
    dialog.accept()
    assert dialog.result() == 0
    assert dialog.problems["bsn"].isVisibleTo(dialog) and dialog.problems["bsn"].text()
    assert decision_by_ref(demo_store, "CT-2026-901") is None
