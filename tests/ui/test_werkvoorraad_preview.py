"""The werkvoorraad's first rows are shown at once, from the database's order, while the whole
queue is computed; the whole queue then takes their place where the user was."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from mdbtriage.store.queue_view import PREVIEW_ROWS, load_preview, load_queue
from mdbtriage.ui import werkvoorraad
from mdbtriage.ui.queue_model import COLUMN_KEYS, QueueModel, frozen_model
from tests.conftest import TODAY

ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ToolTipRole,
)


def _col(key: str) -> int:
    return COLUMN_KEYS.index(key)


def _held_back(monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[threading.Event]:
    """The worker's call of ``werkvoorraad.<name>`` waits until the test sets the event."""
    gate = threading.Event()
    real = getattr(werkvoorraad, name)

    def held_back(*args: object, **kwargs: object) -> object:
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(werkvoorraad, name, held_back)
    yield gate
    gate.set()


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The whole queue is held back until the test sets the event (the first rows are not)."""
    yield from _held_back(monkeypatch, "load_queue")


def _window(qtbot, demo_store, policy, settings, session):  # type: ignore[no-untyped-def]
    from mdbtriage.ui.main_window import MainWindow

    window = MainWindow(demo_store, session, policy, TODAY, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _cells(model, rows: int) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [[model.index(r, c).data() for c in range(len(COLUMN_KEYS))] for r in range(rows)]


def test_first_rows_come_first_then_the_whole_queue_where_the_user_was(
    qtbot, held, demo_store, policy, settings, tl_session
):
    window = _window(qtbot, demo_store, policy, settings, tl_session)
    view = window.werkvoorraad
    with qtbot.waitSignal(view.preview_shown, timeout=20000) as shown:
        pass
    expected = load_queue(demo_store, TODAY, policy)
    assert len(expected) > PREVIEW_ROWS  # the demo store has more open cases than the preview
    assert shown.args == [PREVIEW_ROWS]
    qtbot.waitUntil(lambda: view.table.model().rowCount() == PREVIEW_ROWS)
    preview = view.table.model()
    assert preview is view.preview_model and preview is not view.model
    assert view.stack.currentWidget() is view.table
    # Positions 1..200 in policy order, the same cases as the whole queue's first 200.
    positions = [preview.index(r, _col("position")).data() for r in range(PREVIEW_ROWS)]
    assert positions == [str(n) for n in range(1, PREVIEW_ROWS + 1)]
    refs = [preview.index(r, _col("case_ref")).data() for r in range(PREVIEW_ROWS)]
    assert refs == [e.case_ref for e in expected[:PREVIEW_ROWS]]
    first_cells = _cells(preview, PREVIEW_ROWS)
    # Said what is going on; what needs the whole queue waits for it.
    assert view.banner.isVisible()
    assert "Werkvoorraad wordt berekend… (eerste 200 zaken getoond)" in view.banner.text()
    assert "berekenen" in view.count.text()
    assert not view.table.isSortingEnabled()
    for widget in (view.search, view.klasse, view.service, view.team, view.status):
        assert not widget.isEnabled()
        assert "hele werkvoorraad" in widget.toolTip()
    # A first row can be picked and explained meanwhile.
    view.table.setFocus()
    view.table.selectRow(120)
    assert view.current_case() == expected[120].case_ref
    text = view.reasons.toPlainText()
    assert f"{expected[120].case_ref}: positie 121" in text
    assert expected[120].placement.reasons(policy)[0] in text
    view.table.scrollTo(preview.index(150, 0), QTableView.ScrollHint.PositionAtTop)
    top = view.table.rowAt(0)
    assert top > 100

    held.set()
    with qtbot.waitSignal(view.loaded, timeout=20000):
        pass
    assert view.table.model() is view.model and view.preview_model is None
    assert view.model.rowCount() == len(expected)
    assert _cells(view.model, PREVIEW_ROWS) == first_cells
    assert view.current_case() == expected[120].case_ref  # selection kept
    assert view.table.rowAt(0) == top  # and the scroll position
    assert "positie 121" in view.reasons.toPlainText()
    assert not view.banner.isVisible()
    assert view.search.isEnabled() and view.klasse.isEnabled() and view.table.isSortingEnabled()
    assert "zaken op 23-11-2026" in view.count.text()
    # The full table sorts and filters again.
    view.table.sortByColumn(_col("client"), Qt.SortOrder.AscendingOrder)
    names = [view.model.entry(r).client_name.casefold() for r in range(view.model.rowCount())]
    assert names == sorted(names)
    window.close_dossiers()


def test_frozen_copy_shows_what_the_queue_model_shows(qtmodeltester, demo_store, policy):
    entries = load_preview(demo_store, TODAY, policy)
    frozen = frozen_model(entries)
    qtmodeltester.check(frozen, force_py=True)
    live = QueueModel()
    live.set_entries(entries)
    assert (frozen.rowCount(), frozen.columnCount()) == (live.rowCount(), live.columnCount())
    for column in range(live.columnCount()):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            assert frozen.headerData(column, Qt.Orientation.Horizontal, role) == live.headerData(
                column, Qt.Orientation.Horizontal, role
            )
    styled = 0
    for row in range(live.rowCount()):
        for column in range(live.columnCount()):
            for role in ROLES:
                value = live.index(row, column).data(role)
                assert frozen.index(row, column).data(role) == value, (row, column, role)
                styled += role == Qt.ItemDataRole.FontRole and value is not None
            flags = frozen.flags(frozen.index(row, column))
            assert not flags & Qt.ItemFlag.ItemIsEditable
    assert styled  # the demo's first rows include cases far past their term (bold)


def test_reload_with_rows_shown_keeps_the_table_and_shows_no_preview(
    qtbot, make_window, tl_session
):
    window = make_window(tl_session)
    view = window.werkvoorraad
    previews: list[int] = []
    view.preview_shown.connect(previews.append)
    with qtbot.waitSignal(view.loaded, timeout=20000):
        view.reload()
    assert previews == [] and view.table.model() is view.model


def test_failure_after_the_first_rows_says_so_and_leaves_no_half_state(
    qtbot, monkeypatch, demo_store, policy, settings, tl_session
):
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("schijf niet leesbaar")

    monkeypatch.setattr(werkvoorraad, "load_queue", broken)
    window = _window(qtbot, demo_store, policy, settings, tl_session)
    view = window.werkvoorraad
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.empty, timeout=20000)
    assert "kon niet worden berekend: schijf niet leesbaar" in view.empty.text()
    assert view.table.model() is view.model and view.preview_model is None
    assert view.search.isEnabled() and not view.banner.isVisible()
    window.close_dossiers()


def test_export_while_the_first_rows_are_shown_exports_the_whole_werkvoorraad(
    qtbot, held, demo_store, policy, settings, tl_session, tmp_path, monkeypatch
):
    import csv

    from mdbtriage.ui.dialogs import Ask

    window = _window(qtbot, demo_store, policy, settings, tl_session)
    view = window.werkvoorraad
    with qtbot.waitSignal(view.preview_shown, timeout=20000):
        pass
    target = tmp_path / "werkvoorraad.csv"
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: target))
    window.export_view()
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    expected = load_queue(demo_store, TODAY, policy)
    assert len(expected) > PREVIEW_ROWS
    assert len(rows) - 1 == len(expected)
    assert [r[0] for r in rows[1:]] == [str(e.position) for e in expected]
    held.set()
    with qtbot.waitSignal(view.loaded, timeout=20000):
        pass
    window.close_dossiers()


@pytest.fixture
def numbering_held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The own team's positions among all teams are held back until the test sets the event."""
    yield from _held_back(monkeypatch, "whole_positions")


def _many_teams(store, policy):  # type: ignore[no-untyped-def]
    """A store of six teams, where the first rows overall hold few of the team lead's team."""
    from mdbtriage.core.model import Actor
    from mdbtriage.store.demo import load_demo
    from tests.ui.conftest import _session

    load_demo(store, n_cases=12000, seed=7, today=TODAY, actor=Actor.system_account("test"))
    session = _session(store, "TL")
    expected = load_queue(store, TODAY, policy)
    own = [e for e in expected if e.team == session.team]
    assert 0 < sum(e.team == session.team for e in expected[:PREVIEW_ROWS]) < 50
    return session, expected, own


def test_in_a_store_of_many_teams_the_own_team_is_complete_before_the_others(
    qtbot, held, numbering_held, store, policy, settings
):
    """Six teams: the first rows overall hold few of the own team; the own team's whole
    werkvoorraad follows at once, in the order of the whole werkvoorraad, then numbered among
    all teams, and can be searched and sorted while the other teams are computed; the whole
    queue then keeps where the user was."""
    from mdbtriage.ui.main_window import MainWindow

    session, expected, own = _many_teams(store, policy)
    window = MainWindow(store, session, policy, TODAY, settings)
    qtbot.addWidget(window)
    view = window.werkvoorraad
    with qtbot.waitSignal(view.team_ready, timeout=20000) as ready:
        window.show()
    assert ready.args == [len(own)]
    assert view.table.model() is view.model and view.preview_model is None
    assert view.model.rowCount() == len(own)
    # Before the numbering: the rows and their order are the team's in the whole werkvoorraad,
    # the position says it is being computed (also in the reasons), sorting by it keeps them.
    pending = _cells(view.model, 30)
    assert {row[0] for row in pending} == {"…"}
    said = view.model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert said == "De plaats onder alle teams wordt berekend"  # a screen reader's words
    assert [row[1:] for row in pending] == [row[1:] for row in _cells(_full_model(own), 30)]
    view.table.selectRow(3)
    assert "positie onder alle teams wordt berekend" in view.reasons.toPlainText()
    view.table.sortByColumn(_col("position"), Qt.SortOrder.DescendingOrder)
    assert view.model.entry(0).case_ref == own[-1].case_ref
    view.table.sortByColumn(_col("position"), Qt.SortOrder.AscendingOrder)
    with qtbot.waitSignal(view.team_numbered, timeout=20000) as numbered:
        numbering_held.set()
    assert numbered.args == [len(own)]
    assert view.current_case() == own[3].case_ref
    assert f"positie {own[3].position:,}".replace(",", ".") in view.reasons.toPlainText()
    assert _cells(view.model, 30) == _cells(_full_model(own), 30)  # positions among all teams
    assert [view.model.entry(r).position for r in range(5)] == [e.position for e in own[:5]]
    assert view.banner.isVisible() and "compleet" in view.banner.text()
    assert not view.team.isEnabled() and not view.all_teams.isEnabled()
    assert view.search.isEnabled() and view.table.isSortingEnabled()
    # Searching and sorting work on the team's queue meanwhile.
    name = own[7].client_name
    view.search.setText(name)
    view.apply_filter_now()
    assert not view.all_teams.isEnabled()  # a filter change does not free the team choice
    view.clear_filters()  # Esc: back to the start, but only this team is in
    assert view.team.value() == session.team and view.model.rowCount() == len(own)
    view.search.setText(name)
    view.apply_filter_now()
    assert view.model.rowCount() > 0 and all(
        name.casefold() in view.model.entry(r).client_name.casefold()
        for r in range(view.model.rowCount())
    )
    view.search.setText("")
    view.apply_filter_now()
    view.table.sortByColumn(_col("client"), Qt.SortOrder.AscendingOrder)
    view.table.selectRow(40)
    picked = view.current_case()
    assert picked is not None
    held.set()
    with qtbot.waitSignal(view.loaded, timeout=30000):
        pass
    assert view.current_case() == picked  # selection kept
    assert view.model.rowCount() == len(own) and view.model.total() == len(expected)
    assert view.team.isEnabled() and view.all_teams.isEnabled() and not view.banner.isVisible()
    names = [view.model.entry(r).client_name.casefold() for r in range(view.model.rowCount())]
    assert names == sorted(names)
    window.close_dossiers()


def _full_model(entries):  # type: ignore[no-untyped-def]
    model = QueueModel()
    model.set_entries(entries)
    return model


def test_a_case_closed_while_the_own_team_is_numbered_leaves_and_the_selection_stays(
    qtbot, held, monkeypatch, store, policy, settings
):
    """A colleague closes a case between the reading of the team's rows and their numbering
    among all teams: its row goes when the positions come, the selected case stays selected."""
    from mdbtriage.ui.main_window import MainWindow

    session, _expected, own = _many_teams(store, policy)
    closed = own[1].case_ref
    real = werkvoorraad.whole_positions
    gate = threading.Event()

    def without_closed(*args: object, **kwargs: object) -> dict[str, int]:
        gate.wait(30)
        positions = real(*args, **kwargs)  # type: ignore[arg-type]
        del positions[closed]
        return positions

    monkeypatch.setattr(werkvoorraad, "whole_positions", without_closed)
    window = MainWindow(store, session, policy, TODAY, settings)
    qtbot.addWidget(window)
    view = window.werkvoorraad
    with qtbot.waitSignal(view.team_ready, timeout=20000):
        window.show()
    view.table.selectRow(5)
    picked = view.current_case()
    assert picked == own[5].case_ref and view.model.positions_pending
    with qtbot.waitSignal(view.team_numbered, timeout=20000) as numbered:
        gate.set()
    assert numbered.args == [len(own) - 1]
    assert view.model.rowCount() == len(own) - 1
    assert closed not in {view.model.entry(r).case_ref for r in range(view.model.rowCount())}
    assert view.current_case() == picked
    assert view.model.entry(1).position == own[2].position
    held.set()
    with qtbot.waitSignal(view.loaded, timeout=30000):
        pass
    window.close_dossiers()
