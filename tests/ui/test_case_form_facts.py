"""The case form with the facts of the corrected policy: the medical reason of a ZW case, the
requester rule of core, and the stored facts the form does not show kept on editing."""

from __future__ import annotations

from datetime import date

from mdbtriage.store.records import get_case, upsert_cases
from mdbtriage.ui.case_form import CaseFormDialog
from tests.conftest import TODAY


def test_an_employer_cannot_report_a_change_in_health(qtbot, demo_store, tl_session):
    dialog = CaseFormDialog(demo_store, tl_session, TODAY)
    qtbot.addWidget(dialog)
    dialog.service.setCurrentIndex(dialog.service.findData("WIJZIGING_GEZONDHEID"))
    dialog.requester.setCurrentIndex(dialog.requester.findData("werkgever"))
    dialog.accept()
    assert "werkgever kan geen" in dialog.errors["requester"].text().lower()


def test_editing_keeps_what_the_form_does_not_show_and_sets_the_medical_reason(
    qtbot, demo_store, tl_session
):
    ref = demo_store.conn.execute(
        "SELECT case_ref FROM cases WHERE service = 'ZW' AND medical_reason = 0 LIMIT 1"
    ).fetchone()[0]
    stored = get_case(demo_store, ref)
    stored = stored.with_facts(
        employer_consents_60_plus=False,
        dwangsom=True,
        dwangsom_kind="rechterlijk",
        dwangsom_deadline=date(2027, 1, 31),
    )
    upsert_cases(demo_store, [stored], tl_session.actor, "test")
    dialog = CaseFormDialog(demo_store, tl_session, TODAY, stored)
    qtbot.addWidget(dialog)
    dialog.flags["medical_reason"].setChecked(True)
    dialog.accept()
    after = get_case(demo_store, ref)
    assert after.facts.medical_reason
    assert after.facts.employer_consents_60_plus is False
    assert (after.facts.dwangsom_kind, after.facts.dwangsom_deadline) == (
        "rechterlijk",
        date(2027, 1, 31),
    )


def test_the_team_is_chosen_by_its_name_and_stored_by_its_code(qtbot, demo_store, tl_session):
    from mdbtriage.store.records import list_teams

    teams = {t.team_id: t.name for t in list_teams(demo_store)}
    dialog = CaseFormDialog(demo_store, tl_session, TODAY)
    qtbot.addWidget(dialog)
    assert not dialog.team.isEditable()  # a typo cannot make a team
    assert dialog.team.currentText() == teams[tl_session.team] != tl_session.team
    assert dialog.raw()["team"] == tl_session.team


def test_a_store_without_teams_takes_the_team_as_typed(qtbot, tmp_path, tl_session):
    from mdbtriage.store.database import Store

    with Store.open(tmp_path / "leeg.sqlite3") as empty:
        dialog = CaseFormDialog(empty, tl_session, TODAY)
        qtbot.addWidget(dialog)
        assert dialog.team.isEditable()
        dialog.team.setCurrentText("SMC-NIEUW-1")
        assert dialog.raw()["team"] == "SMC-NIEUW-1"
