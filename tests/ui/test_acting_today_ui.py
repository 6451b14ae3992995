"""The assignment dialog acts on its day only: a delegation revoked while it is open refuses the
assignment on the click, with the reason, and no task appears (same rule as the command line)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mdbtriage.store.database import Store
from mdbtriage.store.delegations import add_delegation, list_delegations, revoke_delegation
from mdbtriage.store.tasks import list_tasks
from mdbtriage.ui.tasks import AssignTaskDialog
from tests.conftest import TODAY
from tests.store.test_tasks import actor, seed_team


def test_a_revocation_while_the_dialog_is_open_refuses_the_assignment(qtbot, store: Store) -> None:
    seed_team(store)
    add_delegation(
        store, actor("V1"), va_id="V1", delegate_id="S1", tasks=("RAPPORTAGE",), valid_from=TODAY
    )
    dialog = AssignTaskDialog(store, actor("V1"), "R-7", on=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_task("RAPPORTAGE")
    assert dialog.select_staff("S1")
    delegation = list_delegations(store)[0].delegation
    revoke_delegation(store, actor("V1"), delegation.delegation_id, "V1", TODAY)
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    assert dialog.task_id is None
    assert dialog.reason.text().startswith("Geweigerd:")
    assert "ingetrokken" in dialog.reason.text()
    assert list_tasks(store, case_ref="R-7") == []
