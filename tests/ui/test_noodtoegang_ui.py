"""Break-glass in the desktop: opening another team's dossier asks a reason; without one it stays
closed (refused and logged), with one it opens and the access is logged as noodtoegang. The team
lead (Beheer) and the privacy officer (Privacy) review the list."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from mdbtriage.store.audit import records
from mdbtriage.store.database import Store
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.dossier import EmergencyReview
from mdbtriage.ui.session import Session

OTHER_TEAM = "SMC-ELDERS-1"
REASON = "collega met spoed afwezig, cliënt belt over de uitslag"


@pytest.fixture
def other_case(demo_store: Store) -> str:
    ref = str(demo_store.conn.execute("SELECT case_ref FROM cases LIMIT 1").fetchone()[0])
    with demo_store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES (?, 'SMC Elders 1')", (OTHER_TEAM,))
        conn.execute("UPDATE cases SET team_id = ? WHERE case_ref = ?", (OTHER_TEAM, ref))
    return ref


@pytest.mark.parametrize("answer", [None, "", "even"])
def test_without_a_reason_the_dossier_stays_closed_and_the_refusal_is_logged(
    make_window, demo_store: Store, va_session: Session, other_case: str, monkeypatch, answer
) -> None:
    asked: list[str] = []
    warned: list[str] = []
    monkeypatch.setattr(
        Ask, "text", classmethod(lambda cls, p, t, label, v="": asked.append(label) or answer)
    )
    monkeypatch.setattr(Ask, "warn", classmethod(lambda cls, p, t, msg: warned.append(msg)))
    window = make_window(va_session)
    window.open_dossier(other_case)
    assert other_case not in window._dossiers
    assert asked and OTHER_TEAM in asked[0] and "privacyfunctionaris" in asked[0]
    # Cancelling says nothing more; a reason that does not do is shown why.
    assert bool(warned) == (answer is not None)
    last = records(demo_store.conn)[-1]
    assert (last.event, last.outcome, last.case_ref) == ("emergency", "geweigerd", other_case)


def test_with_a_reason_it_opens_and_is_logged_as_noodtoegang(
    make_window, demo_store: Store, va_session: Session, other_case: str, monkeypatch
) -> None:
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, p, t, label, v="": REASON))
    window = make_window(va_session)
    window.open_dossier(other_case)
    assert window._dossiers[other_case].isVisible()
    granted = [r for r in records(demo_store.conn) if r.event == "emergency"]
    assert [(r.user_id, r.outcome) for r in granted] == [(va_session.staff_id, "gelukt")]
    assert REASON in granted[0].details


def test_own_team_opens_without_a_question(
    make_window, demo_store: Store, va_session: Session, monkeypatch
) -> None:
    monkeypatch.setattr(Ask, "text", classmethod(lambda *a: pytest.fail("asked a reason")))
    ref = demo_store.conn.execute(
        "SELECT case_ref FROM cases WHERE team_id = ? LIMIT 1", (va_session.team,)
    ).fetchone()[0]
    window = make_window(va_session)
    window.open_dossier(ref)
    assert window._dossiers[ref].isVisible()


def test_the_team_lead_and_privacy_officer_review_break_glass(
    qtbot, make_window, demo_store: Store, tl_session: Session, va_session, other_case, monkeypatch
) -> None:
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, p, t, label, v="": REASON))
    make_window(va_session).open_dossier(other_case)
    tl_window = make_window(tl_session)
    assert any(a.objectName() == "emergency_review" for a in tl_window.admin_menu.actions())
    po = Session(staff_id="PO-1", name="Pia Privacy", role="PO", team=tl_session.team)
    po_window = make_window(po)
    menus = {m.title(): m for m in po_window.menuBar().findChildren(QMenu)}
    assert any(a.objectName() == "emergency_review" for a in menus["Privac&y"].actions())
    for session in (tl_session, po):
        review = EmergencyReview(demo_store, session)
        qtbot.addWidget(review)
        model = review.table.model
        assert model.rowCount() == 1
        cells = [str(model.index(0, c).data()) for c in range(model.columnCount())]
        assert other_case in cells and va_session.staff_id in cells[2] and REASON in cells[5]
