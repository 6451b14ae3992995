"""MDB meetings in the store: preparation, decisions saved at once, closing, freezing, history."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from mdbtriage.core.meetings import Activity, Decision, MeetingError, SummaryRefused, remark_terms
from mdbtriage.core.model import Actor
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo, load_demo_meetings
from tests.conftest import TODAY

pytestmark = pytest.mark.both_stores
INTEGRITY = (sqlite3.IntegrityError, psycopg.IntegrityError)

ON = TODAY + timedelta(days=7)
TEAM = "SMC-UTRECHT-1"
VA1 = Actor(f"{TEAM}-VA1", "Regievoerder", "VA")
TL = Actor(f"{TEAM}-TL1", "Teamleider", "TL")


@pytest.fixture
def demo(store: Store, actor: Actor) -> Store:
    load_demo(store, n_cases=400, seed=7, today=TODAY, actor=actor)
    return store


def _meeting(store: Store) -> int:
    return repo.create_meeting(store, team=TEAM, held_on=ON, actor=TL)


def _decide(store: Store, meeting_id: int, ref: str, actor: Actor = VA1) -> Decision:
    decision = Decision(
        case_ref=ref,
        lead_role="VA",
        lead_staff_id=f"{TEAM}-VA2",
        contact_staff_id=f"{TEAM}-SMV1",
        activities=(Activity("SPREEKUUR", f"{TEAM}-VA2", ON + timedelta(days=10)),),
        remarks="Cliënt uitnodigen voor spreekuur.",
        medical_remarks="Hernia L5, pijnbehandeling loopt.",
        dossier_complete=True,
    )
    repo.save_decision(store, meeting_id, decision, actor)
    return decision


def test_a_new_meeting_invites_the_team_and_proposes_an_agenda(demo: Store) -> None:
    meeting_id = _meeting(demo)
    meeting = repo.get_meeting(demo, meeting_id)
    assert meeting.status == "voorbereiding"
    assert meeting.regievoerder_id == f"{TEAM}-VA1"
    items = repo.agenda(demo, meeting_id)
    assert 0 < len(items) <= 25
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    assert all(i.triage_reasons for i in items)
    people = repo.attendees(demo, meeting_id)
    assert {a.role for a in people} >= {"VA", "SMV", "AD", "TL"}
    assert repo.warnings(demo, meeting_id) == []
    created = demo.conn.execute(
        "SELECT count(*) FROM audit_log WHERE purpose = 'MDB voorbereiden' "
        "AND client_id IS NOT NULL AND details LIKE ?",
        (f"MDB {meeting_id} %",),
    ).fetchone()[0]
    assert created == len(items)


def test_preparer_marks_adds_drops_and_reorders(demo: Store) -> None:
    meeting_id = _meeting(demo)
    items = repo.agenda(demo, meeting_id)
    first, second = items[0].case_ref, items[1].case_ref
    with pytest.raises(MeetingError, match="vul in wat er in het dossier ontbreekt"):
        repo.set_item_status(demo, meeting_id, first, "niet_gereed", " ", TL)
    repo.set_item_status(demo, meeting_id, first, "niet_gereed", "verslag bedrijfsarts", TL)
    repo.move_case(demo, meeting_id, second, -1)
    order = [i.case_ref for i in repo.agenda(demo, meeting_id)]
    assert order[:2] == [second, first]
    on_agenda = set(order)
    extra = next(
        r[0]
        for r in demo.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = ? AND status != 'afgerond' ORDER BY case_ref",
            (TEAM,),
        )
        if r[0] not in on_agenda
    )
    added = repo.add_case(demo, meeting_id, extra, TL)
    assert added.reason == "handmatig" and added.position == len(order) + 1
    with pytest.raises(MeetingError, match="staat al op de agenda"):
        repo.add_case(demo, meeting_id, extra, TL)
    repo.drop_case(demo, meeting_id, second, TL)
    after = repo.agenda(demo, meeting_id)
    assert after[0].case_ref == first and after[0].missing == "verslag bedrijfsarts"
    assert second not in {i.case_ref for i in after}
    assert [i.position for i in after] == list(range(1, len(after) + 1))


def test_absent_va_blocks_medical_decisions(demo: Store) -> None:
    meeting_id = _meeting(demo)
    for a in repo.attendees(demo, meeting_id):
        if a.role == "VA":
            repo.set_present(demo, meeting_id, a.staff_id, False)
    warnings = repo.warnings(demo, meeting_id)
    assert any("er kunnen geen medische besluiten worden genomen" in w for w in warnings)
    ref = next(i.case_ref for i in repo.agenda(demo, meeting_id) if i.discussed)
    with pytest.raises(MeetingError, match="geen verzekeringsarts aanwezig"):
        _decide(demo, meeting_id, ref)
    assert repo.decisions(demo, meeting_id) == {}


def test_decisions_are_saved_at_once_and_replace_the_draft(demo: Store) -> None:
    meeting_id = _meeting(demo)
    ref = repo.agenda(demo, meeting_id)[0].case_ref
    _decide(demo, meeting_id, ref)
    # Another connection (a restarted program) sees the decision without anything else done.
    with Store.open(demo.path) as again:
        assert repo.decisions(again, meeting_id)[ref].medical_remarks.startswith("Hernia")
    repo.save_decision(
        demo,
        meeting_id,
        Decision(
            ref, lead_role="AD", lead_staff_id=f"{TEAM}-AD1", remarks="anders", medical_remarks=""
        ),
        TL,
    )
    saved = repo.decisions(demo, meeting_id)[ref]
    assert saved.lead_role == "AD" and saved.activities == ()
    assert saved.medical_remarks.startswith("Hernia"), "a team lead cannot erase medical content"


def test_closing_by_the_regievoerder_freezes_the_meeting_and_keeps_history(demo: Store) -> None:
    meeting_id = _meeting(demo)
    discussed = [i.case_ref for i in repo.agenda(demo, meeting_id) if i.discussed]
    for ref in discussed[:-1]:
        _decide(demo, meeting_id, ref)
    with pytest.raises(MeetingError) as refused:
        repo.close_meeting(demo, meeting_id, VA1)
    assert refused.value.problems == [f"{discussed[-1]}: nog geen besluit"]
    _decide(demo, meeting_id, discussed[-1])
    with pytest.raises(MeetingError, match="Alleen de regievoerder"):
        repo.close_meeting(demo, meeting_id, TL)
    assert repo.get_meeting(demo, meeting_id).status == "voorbereiding"
    repo.close_meeting(demo, meeting_id, VA1)
    meeting = repo.get_meeting(demo, meeting_id)
    assert meeting.closed and meeting.closed_by == VA1.user_id
    with pytest.raises(MeetingError, match="gesloten"):
        _decide(demo, meeting_id, discussed[0])
    with pytest.raises(INTEGRITY, match="gesloten"):
        demo.conn.execute(
            "UPDATE meeting_decisions SET remarks = 'x' WHERE meeting_id = ?", (meeting_id,)
        )
    history = repo.case_history(demo, discussed[0])
    assert history[0].meeting_id == meeting_id
    assert history[0].decision is not None and history[0].decision.activities[0].task == "SPREEKUUR"


def test_the_next_agenda_brings_back_changed_cases(demo: Store) -> None:
    meeting_id = repo.create_meeting(demo, team=TEAM, held_on=TODAY - timedelta(days=14), actor=TL)
    discussed = [i.case_ref for i in repo.agenda(demo, meeting_id) if i.discussed]
    for ref in discussed:
        _decide(demo, meeting_id, ref)
    repo.close_meeting(demo, meeting_id, VA1)
    demo.conn.execute(
        "UPDATE cases SET updated_at = '2999-01-01T00:00:00Z' WHERE case_ref = ?", (discussed[0],)
    )
    proposal = {i.case_ref: i.reason for i in repo.propose(demo, TEAM, ON)}
    assert proposal[discussed[0]] == "gewijzigd"
    assert not any(proposal.get(r) == "wacht_langst" for r in discussed[1:]), (
        "a case discussed two weeks ago does not come back as waiting longest"
    )


def test_demo_has_a_closed_and_an_upcoming_meeting_per_team(store: Store, actor: Actor) -> None:
    load_demo(store, n_cases=400, seed=7, today=TODAY, actor=actor)
    found = repo.list_meetings(store, TEAM)
    assert [(m.status, m.held_on) for m in found] == [
        ("voorbereiding", TODAY + timedelta(days=7)),
        ("gesloten", TODAY - timedelta(days=14)),
    ]
    past = repo.agenda(store, found[1].meeting_id)
    upcoming = {i.case_ref: i.reason for i in repo.agenda(store, found[0].meeting_id)}
    assert upcoming.get(past[0].case_ref) == "gewijzigd"
    assert load_demo_meetings(store, today=TODAY, actor=actor) == 0, "loading twice adds nothing"


def test_activities_go_through_the_taakdelegatie_rules(demo: Store) -> None:
    meeting_id = _meeting(demo)
    ref = repo.agenda(demo, meeting_id)[0].case_ref
    refused = Decision(ref, activities=(Activity("ARBEIDSKUNDIG", f"{TEAM}-SMV1", ON),))
    with pytest.raises(MeetingError) as error:
        repo.save_decision(demo, meeting_id, refused, VA1)
    assert "Activiteit 1" in str(error.value) and "regel" in str(error.value)
    assert ref not in repo.decisions(demo, meeting_id)
    for item in repo.agenda(demo, meeting_id):
        if item.discussed:
            _decide(demo, meeting_id, item.case_ref)
    task_ids = repo.close_meeting(demo, meeting_id, VA1)
    created = demo.conn.execute(
        f"SELECT count(*) FROM tasks WHERE task_id IN ({','.join('?' * len(task_ids))}) "
        "AND task_code = 'SPREEKUUR'",
        task_ids,
    ).fetchone()[0]
    assert created == len(task_ids) == sum(1 for i in repo.agenda(demo, meeting_id) if i.discussed)


def _audit(store: Store, where: str, *params: object) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT event, outcome, case_ref, user_id FROM audit_log WHERE " + where, params
        )
    ]


def test_the_medical_summary_is_refused_to_a_non_medical_role_in_the_store(demo: Store) -> None:
    meeting_id = _meeting(demo)
    with pytest.raises(SummaryRefused, match="alleen voor VA, AIOS, SMV en MSP; Teamleider is"):
        repo.summary(demo, meeting_id, actor=TL, printed_on=TODAY, medical=True)
    assert _audit(demo, "outcome = 'geweigerd' AND user_id = ?", TL.user_id) == [
        ("read", "geweigerd", None, TL.user_id)
    ]
    plain = repo.summary(demo, meeting_id, actor=TL, printed_on=TODAY, medical=False)
    assert not plain.medical
    for role in ("VA", "AIOS", "SMV"):
        medical = repo.summary(
            demo, meeting_id, actor=Actor("x", "Arts", role), printed_on=TODAY, medical=True
        )
        assert medical.medical
    # A summary made for someone else cannot be written or printed by a non-medical role.
    with pytest.raises(SummaryRefused):
        repo.export_summary(demo, TL, medical, b"%PDF", Path("/nonexistent/x.pdf"))


def test_summary_data_holds_only_masked_bsns(demo: Store) -> None:
    meeting_id = _meeting(demo)
    data = repo.summary(demo, meeting_id, actor=VA1, printed_on=TODAY, medical=True)
    assert data.cases and all(c.bsn.startswith("******") for c in data.cases)


def test_summary_names_each_route_in_the_policys_words(demo: Store) -> None:
    from mdbtriage.store.delegations import policy_for

    names = policy_for(demo, None, TODAY).route_names()
    meeting_id = _meeting(demo)
    data = repo.summary(demo, meeting_id, actor=VA1, printed_on=TODAY, medical=True)
    items = {i.case_ref: i for i in repo.agenda(demo, meeting_id)}
    assert data.cases
    for case in data.cases:
        assert case.route == names[items[case.case_ref].route]


def test_showing_the_agenda_logs_one_read_per_case(demo: Store) -> None:
    meeting_id = _meeting(demo)
    items = repo.read_agenda(demo, meeting_id, TL)
    assert items == repo.agenda(demo, meeting_id)
    reads = _audit(demo, "event = 'read' AND purpose = 'MDB inzien' AND user_id = ?", TL.user_id)
    assert sorted(r[2] for r in reads) == sorted(i.case_ref for i in items)
    assert {r[1] for r in reads} == {"gelukt"}


def test_export_and_print_log_with_the_action_or_not_at_all(demo: Store, tmp_path: Path) -> None:
    meeting_id = _meeting(demo)
    data = repo.summary(demo, meeting_id, actor=TL, printed_on=TODAY, medical=False)
    target = tmp_path / "verslag.pdf"
    repo.export_summary(demo, TL, data, b"%PDF-1.4", target)
    assert target.read_bytes() == b"%PDF-1.4"
    exports = _audit(demo, "event = 'export' AND details LIKE ?", f"MDB {meeting_id}, niet-%")
    assert len(exports) == len(data.cases)
    with pytest.raises(OSError):
        repo.export_summary(demo, TL, data, b"%PDF", tmp_path / "missing" / "x.pdf")
    sent: list[str] = []
    repo.print_summary(demo, TL, data, "Kantoorprinter", lambda: sent.append("ok"))
    assert sent == ["ok"]
    prints = _audit(demo, "event = 'print' AND details LIKE ?", "%Kantoorprinter%")
    assert len(prints) == len(data.cases)

    def jammed() -> None:
        raise OSError("papierstoring")

    with pytest.raises(OSError, match="papierstoring"):
        repo.print_summary(demo, TL, data, "Defecte printer", jammed)
    assert _audit(demo, "details LIKE ?", "%Defecte printer%") == []
    assert len(_audit(demo, "event = 'export'")) == len(exports), "a failed write logs nothing"


def test_closing_records_the_delegating_va_the_rules_chose(demo: Store) -> None:
    meeting_id = _meeting(demo)
    discussed = [i.case_ref for i in repo.agenda(demo, meeting_id) if i.discussed]
    for ref in discussed[1:]:
        _decide(demo, meeting_id, ref)
    delegated = Decision(
        case_ref=discussed[0],
        lead_role="AIOS",
        lead_staff_id=f"{TEAM}-AIOS1",
        contact_staff_id=f"{TEAM}-SMV1",
        activities=(Activity("SPREEKUUR", f"{TEAM}-AIOS1", ON + timedelta(days=10)),),
        remarks="Spreekuur door de AIOS.",
        dossier_complete=True,
    )
    repo.save_decision(demo, meeting_id, delegated, VA1)
    assert repo.decisions(demo, meeting_id)[discussed[0]].activities[0].delegated_by is None
    task_ids = repo.close_meeting(demo, meeting_id, VA1)
    task_va = demo.conn.execute(
        f"SELECT delegating_va_id FROM tasks WHERE task_id IN ({','.join('?' * len(task_ids))}) "
        "AND assignee_id = ?",
        (*task_ids, f"{TEAM}-AIOS1"),
    ).fetchone()[0]
    assert task_va is not None
    recorded = repo.decisions(demo, meeting_id)[discussed[0]].activities[0]
    assert recorded.delegated_by == task_va
    va_name = demo.conn.execute("SELECT name FROM staff WHERE staff_id = ?", (task_va,)).fetchone()
    data = repo.summary(demo, meeting_id, actor=TL, printed_on=TODAY, medical=False)
    case = next(c for c in data.cases if c.case_ref == discussed[0])
    assert case.activities[0].note == f"onder delegatie van {va_name[0]}"
    others = [c for c in data.cases if c.case_ref in discussed[1:]]
    assert all(a.note == "" for c in others for a in c.activities), "own tasks name nobody"


def test_demo_general_remarks_hold_no_medical_words(store: Store, actor: Actor) -> None:
    load_demo(store, n_cases=400, seed=7, today=TODAY, actor=actor)
    remarks = [str(r[0]) for r in store.conn.execute("SELECT remarks FROM meeting_decisions")]
    medical = [
        str(r[0]) for r in store.conn.execute("SELECT medical_remarks FROM meeting_decisions")
    ]
    assert remarks and [r for r in remarks if remark_terms(r)] == []
    assert any("Belastbaarheid opnieuw vaststellen" in r for r in medical)
