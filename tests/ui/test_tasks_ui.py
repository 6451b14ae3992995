"""The task widgets: assignment dialog, Mijn taken, Te accorderen, driven as a person does."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.records import get_case, get_staff
from mdbtriage.store.tasks import get_task, list_tasks, te_accorderen, versions
from mdbtriage.ui import tasks as ui_tasks
from mdbtriage.ui.tasks import (
    AssignTaskDialog,
    CandidateModel,
    MyTasksWidget,
    ResultDialog,
    TaskTableModel,
    TeAccorderenWidget,
)
from tests.conftest import TODAY
from tests.store.test_tasks import seed_team

# The werkvoorraad and the task screens on both stores.
pytestmark = pytest.mark.both_stores


def _actor(store: Store, staff_id: str) -> Actor:
    staff = get_staff(store, staff_id)
    assert staff is not None
    return Actor(user_id=staff.staff_id, name=staff.name, role=staff.role)


@pytest.fixture
def team(store: Store) -> Store:
    seed_team(store)
    from mdbtriage.store.delegations import add_delegation

    add_delegation(
        store,
        _actor(store, "V1"),
        va_id="V1",
        delegate_id="S1",
        tasks=("SPREEKUUR", "RAPPORTAGE"),
        valid_from=date(2026, 1, 1),
    )
    return store


def test_models_pass_modeltester(qtmodeltester, demo_store: Store) -> None:
    tasks = TaskTableModel()
    tasks.set_rows(list_tasks(demo_store))
    assert tasks.rowCount() > 5
    qtmodeltester.check(tasks, force_py=True)
    candidates = CandidateModel()
    from mdbtriage.store.tasks import who_may

    case = list_tasks(demo_store)[0]
    team_id = str(
        demo_store.conn.execute(
            "SELECT team_id FROM cases WHERE case_ref = ?", (case.case_ref,)
        ).fetchone()[0]
    )
    candidates.set_rows(who_may(demo_store, case.case_ref, "SPREEKUUR", team_id, None, TODAY))
    qtmodeltester.check(candidates, force_py=True)


def test_assign_dialog_greys_out_who_may_not(qtbot, team: Store) -> None:
    dialog = AssignTaskDialog(team, _actor(team, "V1"), "R-5", on=TODAY)
    qtbot.addWidget(dialog)
    dialog.set_task("SPREEKUUR")
    model = dialog.model
    by_id = {model.candidate(r)[0].staff_id: r for r in range(model.rowCount())}  # type: ignore[index]
    smv_row = by_id["S1"]
    reason = model.data(model.index(smv_row, 3))
    assert "claimbeoordeling" in reason
    assert model.data(model.index(smv_row, 2)) == "nee"
    assert model.data(model.index(smv_row, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert not dialog.select_staff("S1")
    # Allowed ones come first; only a VA may do the spreekuur in the claim.
    allowed = [
        model.candidate(r)[0].staff_id
        for r in range(model.rowCount())
        if model.candidate(r)[1].allowed
    ]  # type: ignore[index]
    assert set(allowed) == {"V1", "V2"}
    assert by_id["V1"] < by_id["S1"] and by_id["V2"] < by_id["S1"]


def test_assign_dialog_shows_the_short_reason_and_the_full_one_for_the_selected_row(
    qtbot, team: Store
) -> None:
    dialog = AssignTaskDialog(team, _actor(team, "V1"), "R-5", on=TODAY)
    qtbot.addWidget(dialog)
    dialog.resize(760, 600)
    dialog.show()
    dialog.set_task("SPREEKUUR")
    model = dialog.model
    row = next(r for r in range(model.rowCount()) if model.candidate(r)[0].staff_id == "S1")  # type: ignore[index]
    staff, decision = model.candidate(row)  # type: ignore[misc]
    cell = model.data(model.index(row, 3))
    # The cell leads with the condition that failed and names the rule; the sentence is longer.
    # (the rule set by its name, not its code).
    assert cell.startswith("in de claimbeoordeling")
    assert "(regel 1 van Uniforme taakdelegatie 2026)" in cell
    assert not cell.startswith("Niet toegestaan") and len(cell) < len(decision.reason)
    assert model.data(model.index(row, 3), Qt.ItemDataRole.ToolTipRole) == decision.reason
    # A refused row can be selected to read the whole reason, but not assigned.
    assert model.flags(model.index(row, 0)) & Qt.ItemFlag.ItemIsSelectable
    dialog.view.selectRow(row)
    assert dialog.selected() == (staff, decision)
    assert dialog.words(decision.reason) in dialog.reason.text()
    assert dialog.reason.text().startswith("Naam S1: ")
    assert decision.reason in dialog.reason.toolTip()  # with the codes, to look things up
    assert not dialog.assign_button.isEnabled()
    dialog._assign()
    assert team.count("tasks") == 0
    # Nothing in the Toelichting column is cut off: a text wider than the column wraps and the
    # row grows to two lines.
    view = dialog.view
    metrics = view.fontMetrics()
    assert metrics.horizontalAdvance(cell) > view.columnWidth(3)
    assert view.rowHeight(row) >= 2 * metrics.lineSpacing()


def test_assign_dialog_creates_a_delegated_task(qtbot, team: Store) -> None:
    dialog = AssignTaskDialog(team, _actor(team, "V1"), "R-7", on=TODAY)
    qtbot.addWidget(dialog)
    dialog.set_task("RAPPORTAGE")
    assert dialog.select_staff("S1")
    assert "delegatie" in dialog.reason.text()
    dialog.due_check.setChecked(True)
    with qtbot.waitSignal(dialog.assigned) as signal:
        qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    task = get_task(team, signal.args[0])
    assert task is not None and task.assignee_id == "S1" and task.delegating_va_id == "V1"
    assert task.due_on == date(2026, 12, 7)
    # S2 has no delegation: greyed out with the reason.
    again = AssignTaskDialog(team, _actor(team, "V1"), "R-7", on=TODAY)
    qtbot.addWidget(again)
    again.set_task("RAPPORTAGE")
    assert not again.select_staff("S2")


def test_my_tasks_hand_in_then_va_changes_and_accords(qtbot, team: Store, monkeypatch) -> None:
    dialog = AssignTaskDialog(team, _actor(team, "V1"), "R-7", on=TODAY)
    qtbot.addWidget(dialog)
    dialog.set_task("SPREEKUUR")
    assert dialog.select_staff("S1")
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    task_id = dialog.task_id
    assert task_id

    mine = MyTasksWidget(team, _actor(team, "S1"), on=TODAY)
    qtbot.addWidget(mine)
    assert mine.model.rowCount() == 1 and "1 open" in mine.title.text()
    monkeypatch.setattr(
        ResultDialog, "ask_result", classmethod(lambda cls, *a, **k: ("Anamnese SMV.", 45))
    )
    qtbot.mouseClick(mine.submit_button, Qt.MouseButton.LeftButton)
    # The handed-in task stays in the list, waiting for the VA, and the confirmation stays.
    assert mine.model.rowCount() == 1 and not mine.submit_button.isEnabled()
    assert "ingeleverd" in mine.message.text() and mine.message.isVisibleTo(mine)
    assert "1 ingeleverd, wacht op accordering" in mine.title.text()
    spent = team.conn.execute("SELECT minutes_spent FROM tasks WHERE task_id = ?", (task_id,))
    assert spent.fetchone()[0] == 45
    assert [t.task_id for t in te_accorderen(team, "V1")] == [task_id]

    other = TeAccorderenWidget(team, _actor(team, "V2"))
    qtbot.addWidget(other)
    assert other.model.rowCount() == 0 and other.empty.isVisibleTo(other)

    sign = TeAccorderenWidget(team, _actor(team, "V1"))
    qtbot.addWidget(sign)
    assert sign.model.rowCount() == 1
    assert sign.submitted.toPlainText() == "Anamnese SMV."
    header = sign.submitted_label.text()
    assert re.search(r"op \d{2}-\d{2}-\d{4} om \d{2}:\d{2} ", header), header
    assert not re.search(r"\d{4}-\d{2}-\d{2}", header)
    assert not sign.change_button.isEnabled()
    sign.own.setPlainText("Anamnese SMV, aangevuld door de arts.")
    assert sign.change_button.isEnabled()
    qtbot.mouseClick(sign.change_button, Qt.MouseButton.LeftButton)
    assert sign.model.rowCount() == 0
    task = get_task(team, task_id)
    assert task is not None and task.status == "geaccordeerd" and task.changed_by_va
    assert [v.author_id for v in versions(team, task_id)] == ["S1", "V1"]
    assert "Gewijzigd" in sign.stats.text()


def test_va_rejects(qtbot, team: Store, monkeypatch) -> None:
    from mdbtriage.store.tasks import assign_task, submit_task

    task_id = assign_task(
        team,
        _actor(team, "V1"),
        case_ref="R-7",
        task_code="RAPPORTAGE",
        assignee_id="S1",
        by_id="V1",
        on=TODAY,
    )
    submit_task(team, _actor(team, "S1"), task_id, "S1", "Concept.")
    widget = TeAccorderenWidget(team, _actor(team, "V1"))
    qtbot.addWidget(widget)
    monkeypatch.setattr(ResultDialog, "ask", classmethod(lambda cls, *a, **k: "Te mager."))
    qtbot.mouseClick(widget.reject_button, Qt.MouseButton.LeftButton)
    task = get_task(team, task_id)
    assert task is not None and task.status == "afgewezen" and task.reject_reason == "Te mager."
    assert "afgewezen" in widget.message.text()


def test_non_va_sees_a_hint(qtbot, team: Store) -> None:
    widget = TeAccorderenWidget(team, _actor(team, "S1"))
    qtbot.addWidget(widget)
    assert widget.not_va.isVisibleTo(widget) and not widget.splitter.isVisibleTo(widget)


def test_demo_widgets_render(qtbot, demo_store: Store, tmp_path) -> None:
    va = demo_store.conn.execute(
        "SELECT delegating_va_id FROM tasks WHERE status = 'te_accorderen' LIMIT 1"
    ).fetchone()[0]
    widget = TeAccorderenWidget(demo_store, _actor(demo_store, va))
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    assert widget.model.rowCount() >= 1
    assert ui_tasks.TASK_COLUMNS[0].title == "Taak"


def test_the_result_dialog_takes_the_time_spent_from_the_keyboard(qtbot) -> None:
    dialog = ResultDialog(None, "Taak 1 inleveren", "&Resultaat:", with_minutes=True)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    dialog.edit.setFocus()
    qtbot.keyClicks(dialog.edit, "Spreekuur gehouden.")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.minutes
    assert dialog.minutes is not None and dialog.minutes.text() == "niet ingevuld"
    dialog.minutes.selectAll()
    qtbot.keyClicks(dialog.minutes, "50")
    assert dialog.minutes.value() == 50


def _column(key: str) -> int:
    return ui_tasks.TASK_COLUMN_KEYS.index(key)


def test_my_tasks_show_handed_in_and_rejected_work_with_the_reason(qtbot, team: Store) -> None:
    from mdbtriage.store.tasks import assign_task, reject_task, submit_task

    va, smv = _actor(team, "V1"), _actor(team, "S1")
    ids = [
        assign_task(
            team, va, case_ref="R-7", task_code=code, assignee_id="S1", by_id="V1", on=TODAY
        )
        for code in ("RAPPORTAGE", "SPREEKUUR", "SPREEKUUR")
    ]
    submit_task(team, smv, ids[0], "S1", "Concept.")
    reject_task(team, va, ids[0], "V1", "Te mager onderbouwd.")
    submit_task(team, smv, ids[1], "S1", "Anamnese.")
    mine = MyTasksWidget(team, smv, on=TODAY)
    qtbot.addWidget(mine)
    model = mine.model
    rows = {model.task(r).task_id: r for r in range(model.rowCount())}
    assert set(rows) == set(ids)
    status = {i: model.index(rows[i], _column("status")).data() for i in ids}
    assert status == {ids[0]: "afgewezen", ids[1]: "te accorderen", ids[2]: "open"}
    assert model.index(rows[ids[0]], _column("reason")).data() == "Te mager onderbouwd."
    client = get_case(team, "R-7").client_name
    assert model.index(rows[ids[2]], _column("client")).data() == client
    assert model.index(rows[ids[2]], _column("task")).data() == "medisch spreekuur"
    assert "1 open" in mine.title.text() and "1 afgewezen" in mine.title.text()
    mine.view.selectRow(rows[ids[0]])
    assert "Te mager onderbouwd." in mine.detail.text()
    assert not mine.submit_button.isEnabled()


def test_overdue_tasks_are_marked_in_words(qtbot, team: Store) -> None:
    from datetime import timedelta

    from mdbtriage.store.tasks import assign_task

    assign_task(
        team,
        _actor(team, "V1"),
        case_ref="R-7",
        task_code="SPREEKUUR",
        assignee_id="S1",
        by_id="V1",
        due=TODAY + timedelta(days=14),
        on=TODAY,
    )
    later = TODAY + timedelta(days=60)
    mine = MyTasksWidget(team, _actor(team, "S1"), on=later)
    qtbot.addWidget(mine)
    due = mine.model.index(0, _column("due"))
    assert due.data().endswith("te laat")
    assert due.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "waarvan 1 te laat" in mine.title.text()


def test_enter_in_my_tasks_opens_the_dossier(qtbot, team: Store) -> None:
    from mdbtriage.store.tasks import assign_task

    assign_task(
        team,
        _actor(team, "V1"),
        case_ref="R-7",
        task_code="SPREEKUUR",
        assignee_id="S1",
        by_id="V1",
        on=TODAY,
    )
    mine = MyTasksWidget(team, _actor(team, "S1"), on=TODAY)
    qtbot.addWidget(mine)
    mine.show()
    mine.view.setFocus()
    with qtbot.waitSignal(mine.open_case) as opened:
        qtbot.keyClick(mine.view, Qt.Key.Key_Return)
    assert opened.args == ["R-7"]


def test_the_result_dialog_is_finished_with_ctrl_enter(qtbot) -> None:
    dialog = ResultDialog(None, "Taak 1 inleveren", "&Resultaat:")
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    qtbot.keyClicks(dialog.edit, "Klaar")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == ResultDialog.DialogCode.Accepted
    assert dialog.edit.toPlainText() == "Klaar"
