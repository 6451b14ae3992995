"""Team, Overzicht and imports from the desktop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from mdbtriage.store.overview import queue_figures
from mdbtriage.store.records import get_case, get_staff
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.imports import ImportDialog
from mdbtriage.ui.main_window import LazyTab

CASES_HEADER = (
    "case_ref;bsn;name;birth_date;service;received_on;team;requester;motivated;working;"
    "schrijnend;schrijnend_ref;ingebrekestelling\n"
)


def _tab(window, title_part):
    """The screen of the tab, as a person sees it: chosen, so built."""
    for i in range(window.tabs.count()):
        if title_part in window.tabs.tabText(i).replace("&", ""):
            window.tabs.setCurrentIndex(i)
            page = window.tabs.widget(i)
            return page.view() if isinstance(page, LazyTab) else page
    raise AssertionError(f"no tab {title_part}")


def test_team_tab_lists_staff_with_big_and_hours(
    qtmodeltester, make_window, tl_session, demo_store
):
    window = make_window(tl_session)
    team = _tab(window, "Team")
    model = team.staff.model
    qtmodeltester.check(model, force_py=True)
    count = demo_store.conn.execute(
        "SELECT count(*) FROM staff WHERE team_id = ?", (tl_session.team,)
    ).fetchone()[0]
    assert model.rowCount() == count
    rows = {model.index(r, 1).data(): r for r in range(model.rowCount())}
    va = demo_store.conn.execute(
        "SELECT staff_id, big_number FROM staff WHERE role = 'VA' AND team_id = ? LIMIT 1",
        (tl_session.team,),
    ).fetchone()
    assert model.index(rows[va[0]], 3).data() == va[1]
    assert model.index(rows[va[0]], 7).data() == "ja"
    assert "fte" in team.summary.text()
    from mdbtriage.store.delegations import ruleset_for
    from tests.conftest import TODAY

    ruleset = ruleset_for(demo_store, tl_session.team, TODAY)
    assert f"{ruleset.name}, versie {ruleset.version}" in team.ruleset_title.text()
    assert ruleset.ruleset_id in team.ruleset_title.toolTip()  # the code, to find its file
    assert team.rules.model.rowCount() > 10
    qtmodeltester.check(team.rules.model, force_py=True)


def test_overzicht_only_for_team_lead_and_counts_match(make_window, tl_session, va_session):
    window = make_window(tl_session)
    overzicht = window.overzicht
    assert overzicht is not None
    entries = window.werkvoorraad.model.all_entries()
    expected = queue_figures(entries, tl_session.team)
    assert overzicht.figures.total == expected.total > 0
    assert overzicht.figures.by_class == expected.by_class
    series = overzicht.class_chart.series()[0]
    values = [series.barSets()[0].at(i) for i in range(4)]
    assert values == [float(expected.by_class[k]) for k in "ABCD"]
    assert "na de wettelijke termijn" in overzicht.summary.text()
    overzicht.team.setCurrentIndex(0)
    assert overzicht.figures.total == len(entries)
    assert make_window(va_session).overzicht is None


def test_import_cases_from_gui_reports_rows_and_writes_nothing(
    qtbot, demo_store, tl_session, team_id, tmp_path, monkeypatch
):
    from tests.conftest import TODAY

    path = tmp_path / "zaken.csv"
    path.write_text(
        CASES_HEADER
        + f"G-1;111222333;Anna Smit;01-01-1970;ABA;01-10-2026;{team_id};;;;;;\n"
        + f"G-2;123456789;Piet Bos;01-01-1970;ABA;01-10-2026;{team_id};;;;;;\n",
        encoding="utf-8",
    )
    dialog = ImportDialog(demo_store, tl_session, TODAY, "cases")
    qtbot.addWidget(dialog)
    dialog.show()
    monkeypatch.setattr(Ask, "open_path", classmethod(lambda cls, *a: path))
    qtbot.mouseClick(
        dialog.findChild(type(dialog.start_button), "choose"), Qt.MouseButton.LeftButton
    )
    assert dialog.path.text() == str(path)
    with qtbot.waitSignal(dialog.finished_import, timeout=10000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    report = dialog.report.toPlainText()
    assert (
        "zaken.csv, regel 3, kolom bsn, waarde '123456789': BSN voldoet niet aan de elfproef"
        in report
    )
    assert "er is niets geschreven" in report
    assert get_case(demo_store, "G-1") is None
    dialog.skip.setChecked(True)
    with qtbot.waitSignal(dialog.finished_import, timeout=10000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome.written
    assert get_case(demo_store, "G-1") is not None
    assert dialog.progress.value() == 100
    rejected = Path(str(path)[:-4] + ".rejected.csv")
    assert "elfproef" in rejected.read_text(encoding="utf-8-sig")
    assert "1 zaken toegevoegd, 0 bijgewerkt" in dialog.report.toPlainText()


def test_import_staff_from_menu_refreshes_team(
    qtbot, make_window, tl_session, demo_store, tmp_path, monkeypatch
):
    window = make_window(tl_session)
    path = tmp_path / "staff.csv"
    path.write_text(
        "staff_id,name,role,team,big_number,qualifications,hours_per_week\n"
        f"NW-1,Nieuwe Arts,VA,{tl_session.team},12345678901,,32\n",
        encoding="utf-8",
    )

    def run(cls, store, session, on, kind, parent=None):
        dialog = cls(store, session, on, kind, parent)
        qtbot.addWidget(dialog)
        dialog.path.setText(str(path))
        with qtbot.waitSignal(dialog.finished_import, timeout=10000):
            dialog.start()
        return dialog.outcome

    monkeypatch.setattr(ImportDialog, "ask", classmethod(run))
    window.findChild(type(window.export_action), "import_staff").trigger()
    assert get_staff(demo_store, "NW-1").hours_per_week == 32
    names = [
        window.team_view.staff.model.index(r, 0).data()
        for r in range(window.team_view.staff.model.rowCount())
    ]
    assert "Nieuwe Arts" in names


def test_overzicht_bar_labels_stay_off_the_axis(qtbot, demo_store, tl_session):
    from PySide6.QtCharts import QAbstractBarSeries

    from mdbtriage.ui.overzicht import OverzichtView, stacked_labels_fit

    view = OverzichtView(demo_store, tl_session)
    qtbot.addWidget(view)
    view._bars(view.class_chart, list("ABCD"), [("zaken", [870, 17, 0, 458])], horizontal=False)
    series = view.class_chart.series()[0]
    assert series.isLabelsVisible()
    # A short bar (B: 17 of an axis up to 1000+) has its number beyond its end, not on the axis.
    assert series.labelsPosition() == QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd
    # Stacked segments are labelled inside; with a sliver among them, no labels at all.
    load = [("open taken", [200, 3]), ("te accorderen", [1, 150])]
    view._bars(view.load_chart, ["X (VA)", "Y (SMV)"], load, horizontal=True, stacked=True)
    stacked = view.load_chart.series()[0]
    assert stacked.labelsPosition() == QAbstractBarSeries.LabelsPosition.LabelsCenter
    assert not stacked.isLabelsVisible()
    even = [("open taken", [4, 3]), ("te accorderen", [2, 0])]
    view._bars(view.load_chart, ["X (VA)", "Y (SMV)"], even, horizontal=True, stacked=True)
    assert view.load_chart.series()[0].isLabelsVisible()
    assert not stacked_labels_fit([("a", [100, 2])], 100.0)
    assert stacked_labels_fit([("a", [100, 0, 3])], 100.0)


def test_side_by_side_series_differ_by_pattern_not_only_colour(qtbot, demo_store, tl_session):
    from PySide6.QtCore import Qt

    from mdbtriage.ui.overzicht import OverzichtView

    view = OverzichtView(demo_store, tl_session)
    qtbot.addWidget(view)
    sets = [("na de termijn", [5, 3, 0, 1]), ("langer dan 6 maanden", [2, 0, 0, 4])]
    view._bars(view.term_chart, list("ABCD"), sets, horizontal=False)
    first, second = view.term_chart.series()[0].barSets()
    assert first.brush().style() == Qt.BrushStyle.SolidPattern
    assert second.brush().style() == Qt.BrushStyle.BDiagPattern
    # Stacked segments carry their numbers inside: those stay solid.
    load = [("open taken", [4, 3]), ("te accorderen", [2, 1])]
    view._bars(view.load_chart, ["X (VA)", "Y (SMV)"], load, horizontal=True, stacked=True)
    assert all(
        s.brush().style() == Qt.BrushStyle.SolidPattern
        for s in view.load_chart.series()[0].barSets()
    )


def test_team_overzicht_and_prognose_are_built_when_their_tab_is_chosen(
    make_window, tl_session, va_session, qtbot
):
    """The main window opens on the werkvoorraad; Team, Overzicht and Prognose are built when
    a person first chooses their tab (by mouse, keyboard or menu), not at start."""
    window = make_window(tl_session)
    tabs = window.tabs
    lazy = {
        tabs.tabText(i).replace("&", ""): tabs.widget(i)
        for i in range(tabs.count())
        if isinstance(tabs.widget(i), LazyTab)
    }
    assert set(lazy) == {"Team", "Overzicht", "Prognose"}
    assert not any(tab.built for tab in lazy.values())
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # O&verzicht
    assert tabs.currentWidget() is lazy["Overzicht"]
    assert lazy["Overzicht"].built and not lazy["Team"].built and not lazy["Prognose"].built
    # Built after the werkvoorraad was counted: it shows those figures at once.
    overzicht = window.overzicht
    expected = queue_figures(window.werkvoorraad.model.all_entries(), tl_session.team)
    assert overzicht.figures.total == expected.total > 0
    assert overzicht.isVisible() and overzicht.summary.text().startswith(
        f"{expected.total:,}".replace(",", ".")
    )
    tabs.setCurrentWidget(lazy["Team"])
    assert lazy["Team"].built and window.team_view.isVisible()
    assert window.team_view.staff.model.rowCount() > 0
    other = make_window(va_session)
    assert other.overzicht is None and other.prognose is None
    assert [other.tabs.tabText(i) for i in range(other.tabs.count())].count("T&eam") == 1


def test_a_tab_chosen_with_the_keyboard_puts_the_focus_on_its_first_control(
    make_window, tl_session, qtbot
):
    """Built when chosen, each screen still takes the focus on its first control (the Tab key
    goes on from there), opens no window of its own, and the main window stays active."""
    from PySide6.QtWidgets import QApplication

    window = make_window(tl_session)
    qtbot.waitUntil(window.isActiveWindow)
    windows = set(QApplication.topLevelWidgets())
    for key, first in (
        (Qt.Key.Key_E, "team_choice"),
        (Qt.Key.Key_V, "overzicht_team"),
        (Qt.Key.Key_P, "prognose_team"),
    ):
        window.tabs.setCurrentWidget(window.werkvoorraad)
        window.werkvoorraad.table.setFocus()
        qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)
        focused = QApplication.focusWidget()
        assert focused is not None and focused.objectName() == first
        assert window.isActiveWindow()
        shown = {w for w in QApplication.topLevelWidgets() if w.isVisible()}
        assert shown - windows == set(), [w.objectName() for w in shown - windows]
