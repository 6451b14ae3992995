"""The Team tab as a team lead reads it on a 1366×768 screen: the rule set's notes and
qualifications and the delegated tasks are shown whole, and a delegate's role is named."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QTableView

from mdbtriage.core.model import ROLES
from mdbtriage.store.database import Store
from mdbtriage.ui.appearance import FRAME_ALLOWANCE
from mdbtriage.ui.session import Session
from mdbtriage.ui.team import TeamView
from tests.conftest import TODAY


def _team_view(qtbot, store: Store, session: Session, width: int) -> TeamView:
    view = TeamView(store, session, TODAY)
    qtbot.addWidget(view)
    view.resize(width - FRAME_ALLOWANCE[0], 768 - FRAME_ALLOWANCE[1])
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    return view


def _cut_off(table: QTableView, column: int) -> list[str]:
    """The texts of ``column`` that do not show whole: wrapped into the column's width, they
    need more room than the row has (or a word is wider than the column)."""
    model, metrics = table.model(), table.fontMetrics()
    room = table.columnWidth(column) - 6  # the cell's margins (Fusion: 3 on each side)
    cut = []
    for row in range(model.rowCount()):
        text = str(model.index(row, column).data() or "")
        if not text:
            continue
        wrapped = metrics.boundingRect(
            QRect(0, 0, room, 100_000), int(Qt.TextFlag.TextWordWrap), text
        )
        if wrapped.width() > room or wrapped.height() > table.rowHeight(row):
            cut.append(text)
    return cut


def _column(table: QTableView, title: str) -> int:
    model = table.model()
    return next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == title
    )


def test_the_rule_sets_notes_and_qualifications_show_whole_at_1366(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    view = _team_view(qtbot, demo_store, tl_session, 1366)
    rules = view.rules.view
    assert rules.model().rowCount() > 0
    for title in ("Toelichting", "Kwalificaties", "Rollen", "Taak"):
        column = _column(rules, title)
        assert any(
            rules.model().index(r, column).data() for r in range(rules.model().rowCount())
        ), title
        assert _cut_off(rules, column) == [], title
    assert rules.horizontalScrollBar().maximum() == 0


def test_the_delegated_tasks_show_whole_at_1366_with_the_role_by_its_name(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    view = _team_view(qtbot, demo_store, tl_session, 1366)
    delegations = view.delegations.view
    model = delegations.model()
    assert model.rowCount() > 0
    assert _cut_off(delegations, _column(delegations, "Taken")) == []
    assert _cut_off(delegations, _column(delegations, "Diensten")) == []
    roles = {model.index(r, _column(delegations, "Rol")).data() for r in range(model.rowCount())}
    assert roles <= set(ROLES.values()), roles
    assert delegations.horizontalScrollBar().maximum() == 0


def test_at_200_percent_the_lists_grow_with_their_rows(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    """With twice the text the wrapped rows are taller: each list of the team still shows its
    first three rows whole (the page scrolls down instead)."""
    from mdbtriage.ui.appearance import apply_zoom

    apply_zoom(200)
    try:
        view = _team_view(qtbot, demo_store, tl_session, 1366)
        for pane in (view.staff, view.delegations, view.rules):
            table = pane.view
            rows = min(3, table.model().rowCount())
            qtbot.waitUntil(
                lambda t=table, n=rows: (
                    t.viewport().height() >= sum(t.rowHeight(r) for r in range(n))
                )
            )
    finally:
        apply_zoom(100)
