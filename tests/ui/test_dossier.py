"""The dossier and the case form, driven with keyboard and mouse."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QLabel

from mdbtriage.core.central import CentralDecision
from mdbtriage.store.central import record_decisions
from mdbtriage.store.dossier import add_note, documents
from mdbtriage.store.records import get_case
from mdbtriage.ui.case_form import CaseFormDialog
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.dossier import DossierWindow
from mdbtriage.ui.table_model import RowsModel
from tests.conftest import TODAY


def _reads(store, ref):
    return store.conn.execute(
        "SELECT user_id FROM audit_log WHERE event = 'read' AND case_ref = ?", (ref,)
    ).fetchall()


def _dossier(qtbot, store, session, policy, ref):
    window = DossierWindow(store, session, policy, TODAY, ref)
    qtbot.addWidget(window)
    window.show()
    return window


def test_enter_in_queue_opens_dossier_and_logs_read(qtbot, make_window, tl_session, demo_store):
    window = make_window(tl_session)
    view = window.werkvoorraad
    view.table.setFocus()
    view.table.selectRow(2)
    ref = view.model.entry(2).case_ref
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dossier = window._dossiers[ref]
    assert dossier.isVisible()
    assert ref in dossier.title.text()
    assert _reads(demo_store, ref) == [(tl_session.staff_id,)]
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert len(window._dossiers) == 1


def test_dossier_shows_facts_reasons_and_history(qtbot, demo_store, tl_session, policy):
    ref = "V-0004"  # the demo's bezwaar with a central decision toegekend
    window = _dossier(qtbot, demo_store, tl_session, policy, ref)
    text = window.reasons.toPlainText()
    assert "schrijnend met centrale toets" in text
    assert "klasse B" in text
    facts = window.findChildren(QLabel)
    assert any(label.text().startswith("ja, centraal getoetst: CT-") for label in facts)
    assert window.history.model.rowCount() >= 1
    assert window.history.model.index(0, 1).data() == "inzien"
    assert "******" in window.title.text()


def test_checklist_ticks_are_saved_and_logged(qtbot, demo_store, va_session, policy):
    ref = demo_store.conn.execute("SELECT case_ref FROM cases LIMIT 1").fetchone()[0]
    window = _dossier(qtbot, demo_store, va_session, policy, ref)
    window.tabs.setCurrentIndex(1)
    assert "Ontbreekt nog" in window.checklist_summary.text()
    before = demo_store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE event = 'change' AND case_ref = ?", (ref,)
    ).fetchone()[0]
    for code in ("RIV", "BEDRIJFSARTS", "HUISARTS", "SPECIALIST", "AD_RAPPORT"):
        qtbot.keyClick(window.document_boxes[code], Qt.Key.Key_Space)
    assert set(documents(demo_store, ref)) == {
        "RIV",
        "BEDRIJFSARTS",
        "HUISARTS",
        "SPECIALIST",
        "AD_RAPPORT",
    }
    assert window.checklist_summary.text() == "Het dossier is compleet."
    qtbot.keyClick(window.document_boxes["HUISARTS"], Qt.Key.Key_Space)
    assert "HUISARTS" not in documents(demo_store, ref)
    assert "huisarts" in window.checklist_summary.text()
    changes = demo_store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE event = 'change' AND case_ref = ?", (ref,)
    ).fetchone()[0]
    assert changes - before == 6  # five ticks and one untick, each logged


def test_medical_notes_only_for_medical_roles(qtbot, demo_store, va_session, ad_session, policy):
    ref = demo_store.conn.execute("SELECT case_ref FROM cases LIMIT 1").fetchone()[0]
    window = _dossier(qtbot, demo_store, va_session, policy, ref)
    window.tabs.setCurrentIndex(4)
    qtbot.keyClicks(window.note_text, "Anamnese: rugklachten sinds 2024")
    window.note_medical.setChecked(True)
    qtbot.mouseClick(
        window.findChild(type(window.schrijnend_button), "add_note"), Qt.MouseButton.LeftButton
    )
    add_note(demo_store, ad_session.actor, ref, "Werkgever gebeld over passend werk", medical=False)
    assert "rugklachten" in window.notes_view.toPlainText()
    other = _dossier(qtbot, demo_store, ad_session, policy, ref)
    text = other.notes_view.toPlainText()
    assert "rugklachten" not in text
    assert "Werkgever gebeld" in text
    assert "alleen zichtbaar voor VA, AIOS, SMV en MSP" in text
    assert not other.note_medical.isVisibleTo(other)


def test_mark_schrijnend_waits_for_the_central_decision(
    qtbot, demo_store, tl_session, policy, monkeypatch
):
    ref = demo_store.conn.execute(
        "SELECT case_ref FROM cases WHERE service = 'BEZWAAR' AND schrijnend = 0 LIMIT 1"
    ).fetchone()[0]
    window = _dossier(qtbot, demo_store, tl_session, policy, ref)
    monkeypatch.setattr(Ask, "text", classmethod(lambda cls, *a, **k: "CT-2026-123"))
    changed = []
    window.events.changed.connect(changed.append)
    qtbot.mouseClick(window.schrijnend_button, Qt.MouseButton.LeftButton)
    case = get_case(demo_store, ref)
    assert case.facts.schrijnend and case.facts.schrijnend_ref == "CT-2026-123"
    # A reference alone is no approval: the case stays in D until the decision is recorded.
    assert "klasse D" in window.reasons.toPlainText()
    assert "schrijnend: centrale toets ontbreekt" in window.reasons.toPlainText()
    assert [sorted(c.cases) for c in changed] == [[ref]]
    assert not window.schrijnend_button.isEnabled()
    decision = CentralDecision("CT-2026-123", ref, None, TODAY, "toegekend")
    record_decisions(demo_store, [decision], tl_session.actor, "centrale beslissing vastleggen")
    window.refresh()
    assert "klasse B" in window.reasons.toPlainText()


def test_new_case_form_shows_errors_next_to_fields(qtbot, demo_store, tl_session):
    dialog = CaseFormDialog(demo_store, tl_session, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.texts["case_ref"], "NIEUW-1")
    qtbot.keyClicks(dialog.texts["bsn"], "123456789")
    qtbot.keyClicks(dialog.texts["received_on"], "31-02-2026")
    dialog.service.setCurrentIndex(dialog.service.findData("HERBEOORDELING"))
    qtbot.keyClick(dialog.texts["received_on"], Qt.Key.Key_Return)
    assert dialog.errors["bsn"].text() == "BSN voldoet niet aan de elfproef"
    assert dialog.errors["name"].text() == "Naam is verplicht"
    assert dialog.errors["received_on"].text() == "Deze datum bestaat niet"
    assert dialog.errors["requester"].isVisibleTo(dialog)
    assert not dialog.errors["case_ref"].isVisibleTo(dialog)
    assert get_case(demo_store, "NIEUW-1") is None


def test_new_case_is_saved_logged_and_appears_in_queue(
    qtbot, make_window, tl_session, demo_store, monkeypatch
):
    window = make_window(tl_session)
    total = window.werkvoorraad.model.rowCount()

    def fill(cls, store, session, on, case=None, parent=None):
        dialog = cls(store, session, on, case, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.texts["case_ref"], "NIEUW-2")
        qtbot.keyClicks(dialog.texts["bsn"], "111222333")
        qtbot.keyClicks(dialog.texts["name"], "Joke Bakker")
        qtbot.keyClicks(dialog.texts["birth_date"], "12-04-1968")
        qtbot.keyClicks(dialog.texts["received_on"], "01-10-2026")
        dialog.service.setCurrentIndex(dialog.service.findData("WIA_CLAIM"))
        qtbot.keyClick(dialog.texts["name"], Qt.Key.Key_Return)
        return dialog.saved

    monkeypatch.setattr(CaseFormDialog, "ask", classmethod(fill))
    with qtbot.waitSignal(window.werkvoorraad.updated, timeout=10000):
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.werkvoorraad.model.rowCount() == total + 1
    assert window.werkvoorraad.current_case() == "NIEUW-2"
    assert get_case(demo_store, "NIEUW-2").team == tl_session.team
    created = demo_store.conn.execute(
        "SELECT user_id FROM audit_log WHERE event = 'create' AND case_ref = 'NIEUW-2'"
    ).fetchall()
    assert created == [(tl_session.staff_id,)]


def test_edit_case_keeps_reference_and_updates(qtbot, demo_store, tl_session, policy, monkeypatch):
    ref = demo_store.conn.execute(
        "SELECT case_ref FROM cases WHERE service = 'ZW' LIMIT 1"
    ).fetchone()[0]
    window = _dossier(qtbot, demo_store, tl_session, policy, ref)

    def edit(cls, store, session, on, case=None, parent=None):
        dialog = cls(store, session, on, case, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.texts["case_ref"].isReadOnly()
        dialog.status.setCurrentIndex(dialog.status.findData("in_behandeling"))
        dialog.flags["ingebrekestelling"].setChecked(True)
        dialog.accept()
        return dialog.saved

    monkeypatch.setattr(CaseFormDialog, "ask", classmethod(edit))
    qtbot.mouseClick(
        window.findChild(type(window.schrijnend_button), "edit"), Qt.MouseButton.LeftButton
    )
    row = get_case(demo_store, ref)
    assert row.status == "in_behandeling" and row.facts.ingebrekestelling
    assert "ingebrekestelling geregistreerd" in window.reasons.toPlainText()


def test_escape_closes_dossier(qtbot, demo_store, tl_session, policy):
    ref = demo_store.conn.execute("SELECT case_ref FROM cases LIMIT 1").fetchone()[0]
    window = _dossier(qtbot, demo_store, tl_session, policy, ref)
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.tabs, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_rows_model_passes_modeltester(qtmodeltester):
    model = RowsModel(("A", "B"))
    model.set_rows([("1", "2"), ("3",)], keys=[10, 11])
    qtmodeltester.check(model, force_py=True)
    assert model.index(1, 1).data() == ""
    assert model.key(1) == 11


def test_empty_tasks_tab_points_to_a_menu_that_exists_and_assigns_from_the_dossier(
    qtbot, make_window, va_session, demo_store, monkeypatch
):
    from mdbtriage.store.tasks import assign_task, list_tasks
    from mdbtriage.ui.tasks import AssignTaskDialog

    ref = demo_store.conn.execute(
        "SELECT case_ref FROM cases WHERE team_id = ? AND status != 'afgerond' AND case_ref "
        "NOT IN (SELECT case_ref FROM tasks) ORDER BY case_ref LIMIT 1",
        (va_session.team,),
    ).fetchone()[0]
    window = make_window(va_session)
    window.open_dossier(ref)
    dossier = window._dossiers[ref]
    dossier.tabs.setCurrentWidget(dossier.tasks.widget)
    assert dossier.tasks.widget.currentWidget() is dossier.tasks.empty
    hint = dossier.tasks.empty.text()
    assert "Zaak › Taak toewijzen… (Ctrl+T)" in hint
    action = window.findChild(QAction, "assign_task")
    assert action in window.case_menu.actions()
    assert window.case_menu.title().replace("&", "") == "Zaak"
    assert action.text().replace("&", "") == "Taak toewijzen…"
    assert action.shortcut().toString() == "Ctrl+T"

    keys = {s.key().toString() for s in dossier.findChildren(QShortcut)}
    assert "Ctrl+T" in keys and dossier.assign_button.isVisible()

    asked: list[str] = []

    def ask(cls, store, actor, case_ref, parent=None, on=None):
        asked.append(case_ref)
        return assign_task(
            store,
            actor,
            case_ref=case_ref,
            task_code="SPREEKUUR",
            assignee_id=actor.user_id,
            on=TODAY,
        )

    monkeypatch.setattr(AssignTaskDialog, "ask", classmethod(ask))
    with qtbot.waitSignal(window.events.changed):
        qtbot.mouseClick(dossier.assign_button, Qt.MouseButton.LeftButton)
    assert asked == [ref]
    assert [t.task_code for t in list_tasks(demo_store, case_ref=ref)] == ["SPREEKUUR"]
    assert dossier.tasks.widget.currentWidget() is dossier.tasks.view
    assert dossier.tasks.model.index(0, 0).data() == "medisch spreekuur"


def test_dossier_shows_the_forecasts_weeks_for_the_case(qtbot, demo_store, tl_session, policy):
    from mdbtriage.core.forecast import week_start
    from mdbtriage.store.forecast import read_forecast_inputs

    ref = demo_store.conn.execute(
        "SELECT case_ref FROM cases WHERE service = 'WIA_CLAIM' AND status = 'open' "
        "AND team_id = ? ORDER BY received_on LIMIT 1",
        (tl_session.team,),
    ).fetchone()[0]
    window = _dossier(qtbot, demo_store, tl_session, policy, ref)
    qtbot.waitUntil(lambda: "week van" in window.expected.text(), timeout=20000)
    expected = read_forecast_inputs(demo_store, tl_session.team, TODAY, policy).run()
    case = next(c for c in expected.cases if c.case_ref == ref)
    assert case.next_week is not None and case.next_week >= week_start(TODAY)
    assert f"werk begint in de week van {case.next_week:%d-%m-%Y}" in window.expected.text()
    assert "(schatting)" in window.expected.text()


def test_dossier_of_an_unplanned_case_says_so(qtbot, demo_store, tl_session, policy):
    ref = demo_store.conn.execute(
        "SELECT case_ref FROM cases WHERE service = 'HERBEOORDELING' AND schrijnend = 0 "
        "AND status = 'open' LIMIT 1"
    ).fetchone()[0]
    window = _dossier(qtbot, demo_store, tl_session, policy, ref)
    assert window.expected.text() == "niet gepland"
