"""The werkvoorraad screen driven as a person would: filters, search, sorting, export."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
from tests.store.test_queue_in_place import actions, apply_change

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
    case = Case.entered(
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
    case = Case.entered(
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


# Changes put in place ------------------------------------------------------------------------


def _edit(store, ref: str, **changes) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from mdbtriage.core.model import Actor
    from mdbtriage.store.records import get_case

    case = get_case(store, ref)  # type: ignore[arg-type]
    facts = {name: value for name, value in changes.items() if name != "status"}
    case = replace(case.with_facts(**facts), status=changes.get("status", case.status))
    upsert_cases(store, [case], Actor.system_account("collega"), "test")


def _same_as_read_whole(view, store, policy) -> None:  # type: ignore[no-untyped-def]
    """The view's rows, positions, flags and next tasks, and the team figures, are those of the
    werkvoorraad read whole, in the view's sort order and filter."""
    from mdbtriage.store.overview import figures_by_team

    whole = load_queue(store, TODAY, policy)
    assert view.model.all_entries() == whole
    header = view.table.horizontalHeader()
    expected = QueueModel()
    expected.set_entries(whole)
    expected.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
    expected.set_filter(view.model.current_filter)
    assert view.model.entries() == expected.entries()
    assert view.figures_by_team == figures_by_team(whole)


def test_a_change_elsewhere_is_put_in_place_keeping_selection_and_scroll(
    qtbot, make_window, tl_session, demo_store, policy, monkeypatch
):
    from PySide6.QtWidgets import QTableView

    from mdbtriage.core.model import Actor
    from mdbtriage.store.tasks import assign_task
    from mdbtriage.ui.events import Changes

    window = make_window(tl_session)
    view = window.werkvoorraad
    view.team.choose(None)  # all teams
    model = view.model
    rows = model.rowCount()
    assert rows > 100
    view.table.scrollTo(model.index(rows // 2, 0), QTableView.ScrollHint.PositionAtTop)
    top_row = view.table.rowAt(0)
    top = model.entry(top_row).case_ref
    view.table.selectRow(top_row + 3)
    selected = view.current_case()
    assert selected is not None
    reloads: list[object] = []
    monkeypatch.setattr(view, "reload", lambda *args, **kwargs: reloads.append(args))
    updates: list[int] = []
    view.updated.connect(updates.append)
    moved: list[object] = []
    model.rowsMoved.connect(lambda *args: moved.append(args))
    reset: list[object] = []
    model.modelReset.connect(lambda: reset.append(True))

    def colleague(**keys) -> None:  # type: ignore[no-untyped-def]
        window.events.report(Changes.of(**keys, by="Collega", external=True))

    # A dwangsom recorded on a case in view: its row changes where it is.
    ref = model.entry(top_row + 1).case_ref
    _edit(demo_store, ref, dwangsom=True)
    colleague(cases=[ref])
    assert len(updates) == 1
    assert model.entry(top_row + 1).case_ref == ref
    assert "dwangsom" in model.index(top_row + 1, _col("signals")).data()
    # Cases above the view afgerond and received earlier: the rows in view move, the first
    # case in view stays the first, the selected case stays selected.
    above = [model.entry(2).case_ref, model.entry(5).case_ref]
    _edit(demo_store, above[0], status="afgerond")
    _edit(demo_store, above[1], received_on=TODAY - timedelta(days=400))
    colleague(cases=above)
    # A case in view received much earlier goes to the front: its row moves (no reset).
    _edit(demo_store, model.entry(top_row + 2).case_ref, received_on=TODAY - timedelta(days=900))
    colleague(cases=[model.entry(top_row + 2).case_ref])
    assert moved and not reset
    # A new case comes in; a task assigned to the selected case (named by its id only).
    new = Case.entered(
        case_ref="Z26-NIEUW",
        client=Client(bsn="123456782", name="Nieuwe Cliënt", birth_date=date(1970, 1, 1)),
        service="WIA_CLAIM",
        received_on=TODAY - timedelta(days=30),
        team=tl_session.team,
    )
    upsert_cases(demo_store, [new], Actor.system_account("collega"), "test")
    colleague(cases=["Z26-NIEUW"])
    assignee = demo_store.conn.execute(
        "SELECT s.staff_id FROM staff s JOIN cases c ON c.team_id = s.team_id "
        "WHERE c.case_ref = ? AND s.role = 'VA' ORDER BY s.staff_id LIMIT 1",
        (selected,),
    ).fetchone()[0]
    task = assign_task(
        demo_store,
        Actor.system_account("collega"),
        case_ref=selected,
        task_code="SPREEKUUR",
        assignee_id=assignee,
        on=TODAY,
    )
    colleague(tasks=[task])
    assert len(updates) == 5 and not reloads and not reset
    assert view.current_case() == selected
    assert model.entry(view.table.rowAt(0)).case_ref == top
    assert model.entry(model.row_of(selected)).next_task.startswith("SPREEKUUR")
    assert selected in view.reasons.toPlainText()
    assert model.row_of(above[0]) is None and model.row_of("Z26-NIEUW") is not None
    _same_as_read_whole(view, demo_store, policy)
    assert "Bijgewerkt" in window.statusBar().currentMessage()


def test_changes_of_unknown_or_many_cases_read_the_queue_again(
    qtbot, make_window, tl_session, demo_store
):
    from mdbtriage.store.queue_view import IN_PLACE_LIMIT
    from mdbtriage.ui.events import Changes

    window = make_window(tl_session)
    view = window.werkvoorraad
    updates: list[int] = []
    view.updated.connect(updates.append)
    for changes in (
        Changes.elsewhere(),
        Changes.of(staff=["X"], external=True),
        Changes.of(cases=[f"R-{i}" for i in range(IN_PLACE_LIMIT + 1)], external=True),
    ):
        with qtbot.waitSignal(view.loaded, timeout=20000):
            window.events.report(changes)
    assert not updates


def test_a_colleagues_commit_is_put_in_place_within_two_seconds(
    qtbot, make_window, tl_session, demo_store, policy, backend
):
    """On the office store the database names the changed case: only its row is read. On
    the workstation store another program's commit names nothing: the queue is read again."""
    import time

    from mdbtriage.store.database import Store

    window = make_window(tl_session)
    view = window.werkvoorraad
    updates: list[int] = []
    view.updated.connect(updates.append)
    loads: list[int] = []
    view.loaded.connect(loads.append)
    ref = view.model.entry(3).case_ref
    with Store.open(demo_store.path) as other:
        started = time.monotonic()
        _edit(other, ref, ingebrekestelling=True)
        qtbot.waitUntil(
            lambda: view.model.entry(view.model.row_of(ref)).placement.facts.ingebrekestelling,
            timeout=2000,
        )
    assert time.monotonic() - started < 2
    if backend == "kantoor":
        assert updates and not loads
        _same_as_read_whole(view, demo_store, policy)
    else:
        assert loads and not updates


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A demo store file to copy for each example."""
    from mdbtriage.core.model import Actor
    from mdbtriage.store.database import Store
    from mdbtriage.store.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "store.sqlite3"
    with Store.open(path) as store:
        load_demo(store, n_cases=120, seed=3, today=TODAY, actor=Actor.system_account("t"))
    return path


FILTERS = [
    QueueFilter(),
    QueueFilter(klasse="C"),
    QueueFilter(signal="te_laat"),
    QueueFilter(status="open"),
    QueueFilter(text="an"),
    QueueFilter(service="WIA_CLAIM", signal="zes_maanden"),
    QueueFilter(team="own"),
]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.lists(actions, min_size=1, max_size=4), min_size=1, max_size=3),
    column=st.integers(min_value=0, max_value=len(COLUMN_KEYS) - 1),
    descending=st.booleans(),
    queue_filter=st.sampled_from(FILTERS),
)
def test_rows_put_in_place_are_those_a_full_read_shows(
    qtmodeltester, demo_copy, tmp_path, steps, column, descending, queue_filter
):
    """The model's rows in view after changes put in place (in any sort order and filter) are
    those a model given the whole werkvoorraad shows, and Qt's model checks hold throughout
    (rows inserted, removed and moved one at a time)."""
    import shutil
    import tempfile
    from pathlib import Path

    from mdbtriage.store.database import Store
    from mdbtriage.store.queue_view import cases_to_update, queue_entries

    policy = load_policy()
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "store.sqlite3"
    shutil.copy(demo_copy, path)
    with Store.open(path) as store:
        if queue_filter.team == "own":
            team = store.conn.execute("SELECT min(team_id) FROM teams").fetchone()[0]
            queue_filter = queue_filter.with_(team=team)
        model = QueueModel()
        model.set_entries(load_queue(store, TODAY, policy))
        model.sort(column, order)
        model.set_filter(queue_filter)
        qtmodeltester.check(model, force_py=True)
        for step in steps:
            cases: set[str] = set()
            tasks: set[int] = set()
            for action in step:
                more_cases, more_tasks = apply_change(store, action)
                cases |= more_cases
                tasks |= more_tasks
            refs = cases_to_update(store, cases, tasks, model.shown_clients)
            model.update_entries(refs, queue_entries(store, TODAY, policy, refs))
            whole = load_queue(store, TODAY, policy)
            assert model.all_entries() == whole
            expected = QueueModel()
            expected.set_entries(whole)
            expected.sort(column, order)
            expected.set_filter(queue_filter)
            assert model.entries() == expected.entries()
            assert model.rowCount() == expected.rowCount()
            for ref in refs:
                assert model.row_of(ref) == expected.row_of(ref)
