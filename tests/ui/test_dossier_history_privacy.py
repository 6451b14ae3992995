"""The dossier's access history shows what others did only to the team lead and the privacy
officer; everyone else sees their own records (and those made on their behalf)."""

from __future__ import annotations

from mdbtriage.ui.dossier import DossierWindow
from tests.conftest import TODAY


def _users_in_history(qtbot, store, session, policy, ref: str) -> set[str]:
    window = DossierWindow(store, session, policy, TODAY, ref)
    qtbot.addWidget(window)
    window.show()
    model = window.history.model
    return {str(model.index(row, 2).data()) for row in range(model.rowCount())}


def test_a_va_sees_only_her_own_records_the_team_lead_everyones(
    qtbot, demo_store, tl_session, va_session, policy
):
    ref = demo_store.conn.execute("SELECT case_ref FROM cases LIMIT 1").fetchone()[0]
    assert tl_session.name in _users_in_history(qtbot, demo_store, tl_session, policy, ref)
    assert _users_in_history(qtbot, demo_store, va_session, policy, ref) == {va_session.name}
    assert _users_in_history(qtbot, demo_store, tl_session, policy, ref) >= {
        tl_session.name,
        va_session.name,
    }
