"""The werkvoorraad screen driven as a person would: filters, search, sorting, export."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.modeltest import ModelTester

from mdbtriage.core.model import Case, Client
from mdbtriage.core.policy import load_policy
from mdbtriage.core.triage import build_queue
from mdbtriage.store.queue_view import entries_from, load_queue
from mdbtriage.store.records import open_cases, upsert_cases
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.queue_model import COLUMN_KEYS, QueueFilter, QueueModel
from tests.conftest import TODAY

# The werkvoorraad and the task screens on both stores.
pytestmark = pytest.mark.both_stores


def _col(key: str) -> int:
    return COLUMN_KEYS.index(key)


def test_queue_model_passes_modeltester(qtmodeltester, demo_store, policy):
    model = QueueModel()
    model.set_entries(load_queue(demo_store, TODAY, policy))
    qtmodeltester.check(model, force_py=True)
    model.set_filter(QueueFilter(klasse="A"))
    qtmodeltester.check(model, force_py=True)


def test_queue_model_stays_consistent_while_filtering_and_sorting(qtbot, demo_store, policy):
    model = QueueModel()
    tester = ModelTester(qtbot)
    tester.check(model, force_py=True)
    model.set_entries(load_queue(demo_store, TODAY, policy))
    model.sort(_col("client"), Qt.SortOrder.DescendingOrder)
    model.set_filter(QueueFilter(text="a"))
    model.set_filter(QueueFilter())
    assert model.rowCount() == len(model.all_entries())


def test_window_shows_queue_in_policy_order(make_window, tl_session, demo_store, policy):
    window = make_window(tl_session)
    model = window.werkvoorraad.model
    expected = build_queue((r.facts for r in open_cases(demo_store)), TODAY, policy)
    assert model.rowCount() == len(expected)
    first = [model.index(r, _col("case_ref")).data() for r in range(10)]
    assert first == [p.case_ref for p in expected[:10]]
    assert model.index(0, _col("position")).data() == "1"
    bsn = model.index(0, _col("bsn")).data()
    assert bsn.startswith("******") and len(bsn) == 9
    assert "zaken op 23-11-2026" in window.werkvoorraad.count.text()


def test_filter_by_class_and_service(qtbot, make_window, tl_session):
    window = make_window(tl_session)
    view = window.werkvoorraad
    view.klasse.setCurrentIndex(view.klasse.findData("D"))
    model = view.model
    assert model.rowCount() > 0
    assert {model.index(r, _col("klasse")).data() for r in range(model.rowCount())} == {"D"}
    view.service.setCurrentIndex(view.service.findData("BEZWAAR"))
    services = {model.index(r, _col("service")).data() for r in range(model.rowCount())}
    assert services == {"bezwaar en beroep"}  # in words, not the code BEZWAAR
    assert " van " in view.count.text()


def test_filter_by_route_lead_team_and_status(make_window, tl_session, team_id):
    window = make_window(tl_session)
    view = window.werkvoorraad
    model = view.model
    view.route.setCurrentIndex(view.route.findData("ONVOLLEDIG"))
    assert model.rowCount() > 0
    assert all(e.route == "ONVOLLEDIG" and e.lead_role == "PB" for e in model.entries())
    view.route.setCurrentIndex(0)
    view.lead.setCurrentIndex(view.lead.findData("SMV"))
    assert {e.route for e in model.entries()} == {"LICHT"}
    view.lead.setCurrentIndex(0)
    view.team.setCurrentIndex(view.team.findData(team_id))
    view.status.setCurrentIndex(view.status.findData("in_behandeling"))
    assert model.rowCount() > 0
    assert all(e.team == team_id and e.status == "in_behandeling" for e in model.entries())


def test_search_by_name_reference_and_full_bsn(qtbot, make_window, tl_session, demo_store):
    window = make_window(tl_session)
    view = window.werkvoorraad
    ref, name, bsn = demo_store.conn.execute(
        "SELECT c.case_ref, k.name, k.bsn FROM cases c JOIN clients k USING (client_id) "
        "WHERE c.status != 'afgerond' ORDER BY c.case_ref LIMIT 1 OFFSET 40"
    ).fetchone()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.search, bsn)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.entry(0).case_ref == ref
    view.search.clear()
    qtbot.keyClicks(view.search, ref.lower())
    qtbot.waitUntil(lambda: view.model.rowCount() >= 1 and view.model.entry(0).case_ref == ref)
    view.search.clear()
    qtbot.keyClicks(view.search, name.split()[-1].upper())
    qtbot.waitUntil(lambda: ref in {e.case_ref for e in view.model.entries()})
    assert all(
        name.split()[-1].casefold() in e.client_name.casefold() for e in view.model.entries()
    )


def test_search_without_result_shows_empty_state_and_escape_clears(qtbot, make_window, tl_session):
    window = make_window(tl_session)
    view = window.werkvoorraad
    total = view.model.rowCount()
    view.search.setFocus()
    qtbot.keyClicks(view.search, "zzzz-bestaat-niet")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert view.stack.currentWidget() is view.empty
    assert "Geen zaken gevonden" in view.empty.text()
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.model.rowCount() == total
    assert view.stack.currentWidget() is view.table


def test_search_is_logged_once(qtbot, make_window, tl_session, demo_store):
    window = make_window(tl_session)
    view = window.werkvoorraad
    view.LOG_SEARCH_DELAY_MS = 0
    view._log_timer.setInterval(10)
    qtbot.keyClicks(view.search, "Jan")
    view.apply_filter_now()

    def logged() -> int:
        return demo_store.conn.execute(
            "SELECT count(*) FROM audit_log WHERE event = 'search' AND user_id = ?",
            (tl_session.staff_id,),
        ).fetchone()[0]

    qtbot.waitUntil(lambda: logged() == 1)
    qtbot.wait(50)
    assert logged() == 1


def test_selected_case_shows_its_reasons(qtbot, make_window, tl_session, policy):
    window = make_window(tl_session)
    view = window.werkvoorraad
    view.table.setFocus()
    view.table.selectRow(0)
    entry = view.model.entry(0)
    text = view.reasons.toPlainText()
    assert entry.case_ref in text
    assert entry.placement.reasons(policy)[0] in text
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.model.entry(1).case_ref in view.reasons.toPlainText()


def test_overdue_days_are_coloured(make_window, tl_session):
    window = make_window(tl_session)
    model = window.werkvoorraad.model
    late = next(r for r in range(model.rowCount()) if model.entry(r).placement.overdue_days > 56)
    on_time = next(r for r in range(model.rowCount()) if model.entry(r).placement.overdue_days == 0)
    brush = model.index(late, _col("overdue")).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().red() > 150
    assert model.index(on_time, _col("overdue")).data() == ""


def test_clicking_header_sorts_inside_model(qtbot, make_window, tl_session):
    window = make_window(tl_session)
    window.show()
    view = window.werkvoorraad
    header = view.table.horizontalHeader()
    point = QPoint(header.sectionViewportPosition(_col("waiting")) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    waits = [e.placement.waiting_days for e in view.model.entries()]
    assert waits == sorted(waits)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    waits = [e.placement.waiting_days for e in view.model.entries()]
    assert waits == sorted(waits, reverse=True)
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    positions = [e.position for e in view.model.entries()]
    assert positions == sorted(positions)


def test_export_writes_current_view_and_logs(
    qtbot, make_window, tl_session, demo_store, tmp_path, monkeypatch
):
    window = make_window(tl_session)
    view = window.werkvoorraad
    view.klasse.setCurrentIndex(view.klasse.findData("A"))
    target = tmp_path / "export.csv"
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: target))
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][:4] == ["Positie", "Klasse", "Dienst", "Zaak"]
    assert len(rows) - 1 == view.model.rowCount()
    assert {r[1] for r in rows[1:]} == {"A"}
    details = demo_store.conn.execute(
        "SELECT details, user_id FROM audit_log WHERE event = 'export'"
    ).fetchall()
    assert len(details) == 1 and "klasse=A" in details[0][0]
    assert details[0][1] == tl_session.staff_id


def test_empty_store_shows_hint(qtbot, store, policy, settings):
    from mdbtriage.ui.main_window import MainWindow
    from mdbtriage.ui.session import Session

    window = MainWindow(
        store, Session("X1", "Eerste Teamleider", "TL", "T1"), policy, TODAY, settings
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.werkvoorraad.loaded, timeout=5000):
        pass
    assert window.werkvoorraad.stack.currentWidget() is window.werkvoorraad.empty
    assert "De werkvoorraad is leeg" in window.werkvoorraad.empty.text()


def test_columns_and_geometry_are_remembered(qtbot, make_window, tl_session, settings):
    window = make_window(tl_session)
    window.werkvoorraad.set_column_visible(_col("team"), False)
    window.resize(760, 560)
    size = window.size()
    window.close()
    again = make_window(tl_session)
    assert again.werkvoorraad.table.horizontalHeader().isSectionHidden(_col("team"))
    assert again.size() == size
    assert settings.value("main/geometry") is not None


def test_entries_keep_next_task_when_task_table_exists(store, policy):
    today = date(2026, 11, 23)
    case = Case(
        case_ref="R-1",
        client=Client(bsn="111222333", name="Test Cliënt", birth_date=date(1970, 1, 1)),
        service="ABA",
        received_on=today - timedelta(days=10),
        team="T1",
    )
    from mdbtriage.core.model import Actor

    upsert_cases(store, [case], Actor.system_account("t"), "test")
    entries = entries_from(open_cases(store), today, load_policy(), {"R-1": "SPREEKUUR → VA1"})
    assert entries[0].next_task == "SPREEKUUR → VA1"
    assert entries[0].search_key.startswith("r-1\t")


def test_export_neutralises_formulas_like_the_cli(
    qtbot, make_window, tl_session, demo_store, tmp_path, monkeypatch
):
    case = Case(
        case_ref="=1+1",
        client=Client(bsn="111222333", name='=HYPERLINK("x")', birth_date=date(1970, 1, 1)),
        service="ABA",
        received_on=TODAY - timedelta(days=3),
        team="T1",
    )
    from mdbtriage.core.model import Actor

    upsert_cases(demo_store, [case], Actor.system_account("t"), "test")
    window = make_window(tl_session)
    qtbot.mouseClick(window.werkvoorraad.all_teams, Qt.MouseButton.LeftButton)  # team T1
    window.werkvoorraad.search.setText("hyperlink")
    window.werkvoorraad.apply_filter_now()
    target = tmp_path / "export.csv"
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: target))
    window.export_view()
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert len(rows) == 2
    assert rows[1][_col("case_ref")] == "'=1+1"
    assert rows[1][_col("client")] == '\'=HYPERLINK("x")'


def test_export_that_cannot_be_written_leaves_no_file_and_no_log(
    qtbot, make_window, tl_session, demo_store, tmp_path, monkeypatch
):
    window = make_window(tl_session)
    target = tmp_path / "missing-folder" / "export.csv"
    warned: list[str] = []
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: target))
    monkeypatch.setattr(Ask, "warn", classmethod(lambda cls, _p, title, text: warned.append(text)))
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert warned and "kan niet worden geschreven: de map bestaat niet" in warned[0]
    assert not target.exists()
    exports = demo_store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE event = 'export'"
    ).fetchone()[0]
    assert exports == 0


def test_default_columns_fit_a_1366_pixel_screen(qtbot, make_window, tl_session):
    window = make_window(tl_session)
    window.resize(1366, 768)
    qtbot.wait(20)
    view = window.werkvoorraad
    header = view.table.horizontalHeader()
    for key in ("route", "lead", "bsn"):
        assert header.isSectionHidden(_col(key))
    shown = [i for i in range(len(COLUMN_KEYS)) if not header.isSectionHidden(i)]
    assert {"status", "next_task", "klasse", "overdue"} <= {COLUMN_KEYS[i] for i in shown}
    viewport = view.table.viewport().width()
    for i in shown[:-1]:  # the last one stretches to the edge
        assert header.sectionViewportPosition(i) + header.sectionSize(i) <= viewport, COLUMN_KEYS[i]
    last = shown[-1]
    assert header.sectionViewportPosition(last) + 40 <= viewport
    # Route and regie come back through the header's menu.
    menu = view.column_menu()
    route = next(a for a in menu.actions() if a.text().startswith("Route –"))
    assert not route.isChecked()
    route.trigger()
    assert not header.isSectionHidden(_col("route"))


def test_next_task_names_the_person(demo_store):
    from mdbtriage.store.queue_view import next_tasks

    ref, code, name, due = demo_store.conn.execute(
        "SELECT t.case_ref, t.task_code, s.name, t.due_on FROM tasks t JOIN staff s "
        "ON s.staff_id = t.assignee_id WHERE t.status = 'open' AND t.due_on IS NOT NULL "
        "AND (SELECT count(*) FROM tasks u WHERE u.case_ref = t.case_ref "
        "AND u.status IN ('open', 'te_accorderen', 'afgewezen')) = 1 LIMIT 1"
    ).fetchone()
    assert next_tasks(demo_store)[ref] == f"{code} → {name} ({due[8:10]}-{due[5:7]})"


def test_window_shows_progress_until_the_rows_arrive(
    qtbot, demo_store, policy, settings, tl_session
):
    from mdbtriage.ui.main_window import MainWindow

    window = MainWindow(demo_store, tl_session, policy, TODAY, settings)
    qtbot.addWidget(window)
    view = window.werkvoorraad
    seen: list[int] = []
    view.progress.valueChanged.connect(seen.append)
    # Shown at once, before any row is computed: what is going on, not an empty table.
    assert view.stack.currentWidget() is view.loading_page
    assert view.model.rowCount() == 0
    assert "berekenen" in view.count.text()
    with qtbot.waitSignal(view.loaded, timeout=20000):
        pass
    assert seen and seen == sorted(seen) and max(seen) >= 75
    assert view.progress_text.text().endswith("…")
    assert view.stack.currentWidget() is view.table and view.model.rowCount() > 0
    window.close_dossiers()


def test_reload_asked_while_loading_runs_once_more_afterwards(qtbot, make_window, tl_session):
    window = make_window(tl_session)
    view = window.werkvoorraad
    loads: list[int] = []
    view.loaded.connect(loads.append)
    view.reload()
    view.reload()  # while the first runs: remembered, not dropped
    view.reload()
    qtbot.waitUntil(lambda: len(loads) == 2, timeout=20000)
    qtbot.wait(100)
    assert len(loads) == 2 and not view._loading


def test_queue_is_built_without_collector_passes_and_kept_out_of_later_ones(demo_store, policy):
    import gc

    passes: list[str] = []

    def seen(phase: str, _info: dict) -> None:
        if phase == "start":
            passes.append(phase)

    before = gc.get_freeze_count()
    gc.callbacks.append(seen)
    try:
        entries = load_queue(demo_store, TODAY, policy)
    finally:
        gc.callbacks.remove(seen)
    assert entries and passes == []
    assert gc.isenabled()
    assert gc.get_freeze_count() - before >= len(entries)


def test_replaced_rows_are_freed_off_the_gui_thread(qtbot):
    import threading

    from mdbtriage.ui.worker import release_in_background

    freed_on: list[int] = []

    class Row:
        def __del__(self) -> None:
            freed_on.append(threading.get_ident())

    box = [[Row() for _ in range(5000)]]
    release_in_background(box)
    qtbot.waitUntil(lambda: len(freed_on) == 5000, timeout=5000)
    assert threading.get_ident() not in set(freed_on)
    # A list someone else still holds is left whole.
    kept = [Row() for _ in range(10)]
    release_in_background([kept])
    qtbot.wait(100)
    assert len(kept) == 10
