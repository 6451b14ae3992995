"""The Team tab shares its height among its three lists as a team lead would want: the whole
team and every delegation in view where the screen allows, no list with empty room below its
rows, and one scroll bar (the page's) when large text makes the lists taller than the window."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QTableView

from mdbtriage.core.validation import format_date
from mdbtriage.store.database import Store
from mdbtriage.ui.appearance import FRAME_ALLOWANCE, apply_zoom
from mdbtriage.ui.session import Session
from mdbtriage.ui.team import TeamView
from tests.conftest import TODAY
from tests.ui.test_team_view_fit import _column, _cut_off

#: The height the window's menu, tool bar, tabs and status bar take above and below the tab.
WINDOW_CHROME = 100


def _team_view(qtbot, store: Store, session: Session, width: int, height: int) -> TeamView:
    view = TeamView(store, session, TODAY)
    qtbot.addWidget(view)
    view.resize(width - FRAME_ALLOWANCE[0], height - FRAME_ALLOWANCE[1] - WINDOW_CHROME)
    view.show()
    qtbot.waitExposed(view)
    for _ in range(5):
        QApplication.processEvents()
    return view


def _rows_height(table: QTableView) -> int:
    return sum(table.rowHeight(r) for r in range(table.model().rowCount()))


def _empty_below_rows(table: QTableView) -> int:
    return table.viewport().height() - _rows_height(table)


def test_at_1366_the_whole_team_and_every_delegation_show_without_scrolling(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    view = _team_view(qtbot, demo_store, tl_session, 1366, 768)
    page = view.page.verticalScrollBar()
    qtbot.waitUntil(lambda: view.staff.view.verticalScrollBar().maximum() == 0)
    assert view.staff.model.rowCount() == 13
    assert view.delegations.view.verticalScrollBar().maximum() == 0
    assert page.maximum() == 0  # the rule set's section is on screen, not below the edge
    assert 0 <= _empty_below_rows(view.delegations.view) < 4
    # The rule set gets the room that is left: its first rows at least.
    rules = view.rules.view
    assert rules.viewport().height() >= sum(rules.rowHeight(r) for r in range(3))
    assert view.rules.widget.geometry().bottom() <= view.page.viewport().height()


def test_at_1920_no_list_has_empty_room_below_its_rows(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    view = _team_view(qtbot, demo_store, tl_session, 1920, 1080)
    qtbot.waitUntil(lambda: view.staff.view.verticalScrollBar().maximum() == 0)
    for pane in (view.staff, view.delegations):
        assert pane.view.verticalScrollBar().maximum() == 0, pane.view.objectName()
        assert 0 <= _empty_below_rows(pane.view) < 4, pane.view.objectName()
    assert view.page.verticalScrollBar().maximum() == 0
    # The rule set takes the rest of the page and scrolls within it.
    rules = view.rules.view
    assert rules.viewport().height() > 10 * rules.rowHeight(0)


def test_at_200_percent_the_lists_show_whole_and_only_the_page_scrolls(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    apply_zoom(200)
    try:
        view = _team_view(qtbot, demo_store, tl_session, 1366, 768)
        qtbot.waitUntil(lambda: view.page.verticalScrollBar().maximum() > 0)
        # One scroll bar, the page's: each list whole, no row half in view with empty cells.
        for pane in (view.staff, view.delegations, view.rules):
            table = pane.view
            qtbot.waitUntil(lambda t=table: t.verticalScrollBar().maximum() == 0)
            assert 0 <= _empty_below_rows(table) < 4, table.objectName()
        # A role is read whole, not 'verpleegkun…', while other columns have room to spare.
        staff = view.staff.view
        assert _cut_off(staff, _column(staff, "Rol")) == []
    finally:
        apply_zoom(100)


def test_the_rule_set_is_named_in_words_with_its_code_in_the_tooltip(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    from mdbtriage.store.delegations import ruleset_for

    ruleset = ruleset_for(demo_store, tl_session.team, TODAY)
    view = _team_view(qtbot, demo_store, tl_session, 1366, 768)
    title = view.ruleset_title.text()
    on = format_date(TODAY)
    assert title.startswith(f"{ruleset.name}, versie {ruleset.version}, geldt op {on}.")
    assert ruleset.ruleset_id not in title
    assert ruleset.ruleset_id in view.ruleset_title.toolTip()
