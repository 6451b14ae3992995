"""The Prognose tab: own team first, the forecast per week, what-if beside the current
situation, numbers in a table as well as a chart."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mdbtriage.core.policy import Policy
from mdbtriage.store.database import Store
from mdbtriage.ui.prognose import PrognoseView
from mdbtriage.ui.session import Session
from tests.conftest import TODAY


def make_view(qtbot, store: Store, session: Session, policy: Policy) -> PrognoseView:
    view = PrognoseView(store, session, policy, TODAY)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.computed, timeout=20000):
        view.show()
    return view


def test_opens_on_the_own_team_with_a_row_per_week(
    qtbot, demo_store: Store, tl_session: Session, policy: Policy
) -> None:
    view = make_view(qtbot, demo_store, tl_session, policy)
    assert view.current_team() == tl_session.team
    assert view.table.rowCount() == 26
    assert view.table.horizontalHeaderItem(1).text() == "Achterstand"
    assert view.table.item(0, 0).text() == "23-11-2026"
    assert "Schatting" in view.note.text()
    assert "Niemand wacht langer dan zes maanden" in view.verdict.text()
    assert view.comparison is not None and view.comparison.what_if is None
    logged = demo_store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE purpose = 'capaciteitsprognose' AND user_id = ?",
        (tl_session.staff_id,),
    ).fetchone()[0]
    assert logged == 1


def test_extra_va_hours_show_a_what_if_that_is_never_worse(
    qtbot, demo_store: Store, tl_session: Session, policy: Policy
) -> None:
    view = make_view(qtbot, demo_store, tl_session, policy)
    with qtbot.waitSignal(view.computed, timeout=20000):
        view.extra["VA"].setFocus()
        view.extra["VA"].selectAll()
        qtbot.keyClicks(view.extra["VA"], "40")
    comparison = view.comparison
    assert comparison is not None and comparison.what_if is not None
    assert all(
        b <= a for a, b in zip(comparison.base.backlog, comparison.what_if.backlog, strict=True)
    )
    assert view.table.columnCount() == 5
    assert "Wat als (+40 uur VA" in view.verdict.text()
    # What-ifs are computed from the inputs read once: no extra log records.
    logged = demo_store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE purpose = 'capaciteitsprognose'"
    ).fetchone()[0]
    assert logged == 1
    with qtbot.waitSignal(view.computed, timeout=20000):
        qtbot.mouseClick(view.reset, Qt.MouseButton.LeftButton)
    assert view.comparison is not None and view.comparison.what_if is None
    assert view.table.columnCount() == 3


def test_a_va_sees_only_the_own_team(
    qtbot, demo_store: Store, va_session: Session, policy: Policy
) -> None:
    view = make_view(qtbot, demo_store, va_session, policy)
    assert view.team.count() == 1
    assert view.current_team() == va_session.team


def test_the_team_lead_finds_it_as_a_tab(
    make_window, tl_session: Session, va_session: Session
) -> None:
    window = make_window(tl_session)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "&Prognose" in titles
    other = make_window(va_session)
    assert "&Prognose" not in [other.tabs.tabText(i) for i in range(other.tabs.count())]


def test_the_team_lead_records_an_absence_and_the_teams_shares(
    qtbot, demo_store: Store, tl_session: Session, policy: Policy
) -> None:
    from PySide6.QtCore import QDate

    from mdbtriage.core.forecast import load_norms
    from mdbtriage.store.forecast import absences, team_settings
    from mdbtriage.ui.capacity_dialog import CapacityDialog

    dialog = CapacityDialog(demo_store, tl_session, tl_session.team, load_norms(), TODAY)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Capaciteit van SMC Utrecht 1"  # the team by its name
    dialog.who.setCurrentIndex(0)
    who = dialog.who.currentData()
    dialog.starts.setDate(QDate(2026, 12, 7))
    dialog.ends.setDate(QDate(2026, 12, 1))
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    assert "vóór" in dialog.problem.text()
    assert absences(demo_store, tl_session.team) == []
    dialog.ends.setDate(QDate(2026, 12, 11))
    qtbot.keyClicks(dialog.reason, "verlof")
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    stored = absences(demo_store, tl_session.team)
    assert [(a.staff_id, a.reason) for a in stored] == [(who, "verlof")]
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "07-12-2026"
    dialog.other.setValue(30)
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert team_settings(demo_store, tl_session.team).other_work_share == 0.3
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.remove, Qt.MouseButton.LeftButton)
    assert absences(demo_store, tl_session.team) == []
    assert dialog.changed


def test_the_team_lead_sets_the_teams_own_norm(
    qtbot, demo_store: Store, tl_session: Session, policy: Policy
) -> None:
    from mdbtriage.core.forecast import load_norms
    from mdbtriage.store.forecast import read_forecast_inputs, team_norms
    from mdbtriage.ui.capacity_dialog import CapacityDialog

    dialog = CapacityDialog(demo_store, tl_session, tl_session.team, load_norms(), TODAY)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.norm_set, Qt.MouseButton.LeftButton)
    assert "Kies eerst een norm" in dialog.problem.text()
    dialog.norms_table.selectRow(1)  # WIA-claimbeoordeling, medisch spreekuur
    assert dialog.norms_table.item(1, 3).text() == "1,5"
    dialog.norm_hours.setValue(2.5)
    qtbot.mouseClick(dialog.norm_set, Qt.MouseButton.LeftButton)
    assert dialog.norms_table.item(1, 4).text() == "2,5"
    stored = team_norms(demo_store, tl_session.team)
    assert [(m.service, m.task, m.hours) for m in stored] == [("WIA_CLAIM", "SPREEKUUR", 2.5)]
    result = read_forecast_inputs(demo_store, tl_session.team, TODAY, policy).run(weeks=2)
    assert {(c["task"], c["measured_hours"], c["source"]) for c in result.inputs["calibrated"]} >= {
        ("SPREEKUUR", 2.5, "team")
    }
    qtbot.mouseClick(dialog.norm_clear, Qt.MouseButton.LeftButton)
    assert team_norms(demo_store, tl_session.team) == []
    assert dialog.norms_table.item(1, 4).text() == ""
    log = demo_store.conn.execute(
        "SELECT details FROM audit_log WHERE purpose = 'capaciteit: normen' ORDER BY log_id"
    ).fetchall()
    assert [r[0].split(": ", 1)[1] for r in log] == ["standaard -> 2.5 uur", "2.5 uur -> standaard"]


def test_the_werkvoorraad_has_the_expected_week_of_the_own_teams_cases(
    qtbot, make_window, tl_session: Session, demo_store: Store, policy: Policy
) -> None:
    from mdbtriage.store.forecast import expected_weeks
    from mdbtriage.ui.queue_model import COLUMN_KEYS

    window = make_window(tl_session)
    view = window.werkvoorraad
    column = COLUMN_KEYS.index("expected")
    assert view.table.horizontalHeader().isSectionHidden(column)  # one click away in the menu
    qtbot.waitUntil(
        lambda: any(view.model.index(row, column).data() for row in range(view.model.rowCount())),
        timeout=20000,
    )
    weeks = expected_weeks(demo_store, tl_session.team, TODAY, policy)
    shown = 0
    for row in range(view.model.rowCount()):
        entry = view.model.entry(row)
        text = view.model.index(row, column).data()
        if entry.case_ref in weeks:
            done = weeks[entry.case_ref]
            assert text == (f"wk van {done:%d-%m-%Y}" if done else "niet in zicht")
            shown += 1
        else:
            assert text == ""  # another team's case, or a class the policy does not plan
    assert shown == len(weeks) > 0


def test_the_capacity_button_never_opens_as_a_window_of_its_own(
    qtbot, demo_store: Store, tl_session: Session, va_session: Session, policy: Policy
) -> None:
    """Built while the main window is active (when its tab is first chosen), the screen shows
    no part of it before it has a parent: that part would flash up as a window and take the
    activation. The team lead sees the button with the screen; others never."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    shown_alone: list[str] = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Show
                and isinstance(watched, QWidget)
                and watched.isWindow()
                and not isinstance(watched, PrognoseView)
            ):
                shown_alone.append(watched.objectName() or type(watched).__name__)
            return False

    watch = Watch()
    app = QApplication.instance()
    app.installEventFilter(watch)
    try:
        lead = make_view(qtbot, demo_store, tl_session, policy)
        other = make_view(qtbot, demo_store, va_session, policy)
    finally:
        app.removeEventFilter(watch)
    assert shown_alone == []
    assert lead.capacity_button.isVisible()
    assert not other.capacity_button.isVisible()


def test_the_week_table_writes_large_numbers_as_dutch_readers_do() -> None:
    from mdbtriage.core.validation import format_count

    assert format_count(1503) == "1.503" and format_count(250_000) == "250.000"
    assert format_count(7) == "7"
