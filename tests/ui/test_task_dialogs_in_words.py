"""The task screens as a person reads them: the assignment dialog speaks in names (tasks,
services, colleagues, the rule set), its labels are whole, and the task lists leave room
after each column's text."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QLineEdit, QTableView, QWidget

from mdbtriage.core.model import SERVICES, Actor
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import ruleset_for
from mdbtriage.store.records import get_case, get_staff, list_staff
from mdbtriage.store.tasks import list_tasks
from mdbtriage.ui.session import Session
from mdbtriage.ui.tasks import AssignTaskDialog, MyTasksWidget, TeAccorderenWidget
from tests.conftest import TODAY


def _actor(store: Store, staff_id: str) -> Actor:
    staff = get_staff(store, staff_id)
    assert staff is not None
    return Actor(user_id=staff.staff_id, name=staff.name, role=staff.role)


def _case_of_team(store: Store, team: str) -> str:
    row = store.conn.execute(
        "SELECT case_ref FROM cases WHERE team_id = ? ORDER BY case_ref LIMIT 1", (team,)
    ).fetchone()
    return str(row[0])


def _shown_texts(dialog: AssignTaskDialog) -> list[str]:
    """What the dialog shows as text for the task chosen now, with each row selected in turn."""
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    model = dialog.model
    for row in range(model.rowCount()):
        texts += [str(model.index(row, c).data() or "") for c in range(model.columnCount())]
        dialog.view.selectRow(row)
        texts.append(dialog.reason.text())
    return texts


def test_the_assign_dialog_shows_names_not_codes(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    case_ref = _case_of_team(demo_store, tl_session.team)
    case = get_case(demo_store, case_ref)
    assert case is not None
    dialog = AssignTaskDialog(demo_store, tl_session.actor, case_ref, on=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    ruleset = ruleset_for(demo_store, case.team, TODAY)
    staff = list_staff(demo_store, case.team)
    texts = [dialog.task_combo.itemText(i) for i in range(dialog.task_combo.count())]
    texts += [dialog.va_combo.itemText(i) for i in range(dialog.va_combo.count())]
    for code in ruleset.tasks:
        dialog.set_task(code)
        texts += _shown_texts(dialog)
    shown = "\n".join(texts)
    codes = [*ruleset.tasks, *(c for c, name in SERVICES.items() if c != name)]
    codes += [s.staff_id for s in staff]
    codes += [ruleset.ruleset_id, *(rule.source for rule in ruleset.rules)]
    found = sorted(
        {code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", shown)}
    )
    assert found == [], found
    assert "AD/AIOS" not in shown
    # The names are there instead; the codes stay at hand in the tooltips.
    assert ruleset.name in dialog.findChild(QLabel, "assign_intro").text()
    assert ruleset.ruleset_id in dialog.findChild(QLabel, "assign_intro").toolTip()
    first = next(iter(ruleset.tasks))
    assert dialog.task_combo.itemText(0) == ruleset.tasks[first].name
    assert first in dialog.task_combo.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert SERVICES[case.facts.service] in shown


def _rightmost_ink(text: str, buddy: QWidget, width: int, height: int) -> int:
    """The right edge of ``text`` as a label with a buddy draws it when it has room."""
    roomy = QLabel(text)
    roomy.setBuddy(buddy)
    roomy.resize(width + 40, height)
    image = roomy.grab().toImage()
    return max(
        (
            x
            for x in range(image.width())
            for y in range(image.height())
            if QColor(image.pixel(x, y)).lightness() < 160
        ),
        default=-1,
    )


def test_the_assign_dialogs_labels_are_not_cut_off(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    dialog = AssignTaskDialog(
        demo_store, tl_session.actor, _case_of_team(demo_store, tl_session.team), on=TODAY
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    form = dialog.findChild(QFormLayout)
    assert isinstance(form, QFormLayout)
    for field in (dialog.task_combo, dialog.va_combo):
        label = form.labelForField(field)
        assert isinstance(label, QLabel)
        ink = _rightmost_ink(label.text(), QLineEdit(), label.width(), label.height())
        assert ink < label.width(), (label.text(), ink, label.width())


def _gaps(view: QTableView) -> dict[str, int]:
    """Per shown column: the room between its widest text and the column's right border."""
    model, metrics, header = view.model(), view.fontMetrics(), view.horizontalHeader()
    gaps = {}
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            continue
        texts = [str(model.index(r, column).data() or "") for r in range(model.rowCount())]
        widest = max((metrics.horizontalAdvance(t) for t in texts if t), default=0)
        if widest:
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            gaps[title] = view.columnWidth(column) - widest
    return gaps


def test_task_lists_leave_room_after_each_columns_text(qtbot, demo_store: Store) -> None:
    task = next(t for t in list_tasks(demo_store) if t.status == "te_accorderen")
    widgets = [
        TeAccorderenWidget(demo_store, _actor(demo_store, str(task.delegating_va_id))),
        MyTasksWidget(demo_store, _actor(demo_store, task.assignee_id), on=TODAY),
    ]
    for widget in widgets:
        qtbot.addWidget(widget)
        widget.resize(1350, 700)
        widget.show()
        qtbot.waitExposed(widget)
        QApplication.processEvents()
        view = widget.view
        assert view.model().rowCount() > 0
        least = 8 + view.fontMetrics().horizontalAdvance("n")  # the cell's margins, and more
        tight = {title: gap for title, gap in _gaps(view).items() if gap < least}
        assert tight == {}, (widget.objectName(), tight)
        assert view.horizontalScrollBar().maximum() == 0
