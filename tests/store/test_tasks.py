"""Tasks and delegations in the store: assignment, hand-in, accordering, the access log."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import psycopg
import pytest

from mdbtriage.core.model import Actor, Case, Client, Staff
from mdbtriage.store import tasks as tasks_module
from mdbtriage.store.audit import records
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import (
    InputError,
    Refused,
    TaakdelegatieError,
    add_delegation,
    adopt_ruleset,
    list_delegations,
    revoke_delegation,
)
from mdbtriage.store.records import upsert_cases, upsert_staff
from mdbtriage.store.tasks import (
    assign_task,
    get_task,
    list_tasks,
    my_tasks,
    reject_task,
    review_statistics,
    sign_off,
    submit_task,
    te_accorderen,
    versions,
)

pytestmark = pytest.mark.both_stores
# The append-only refusals: SQLite's trigger, PostgreSQL's trigger (SQLSTATE 23000).
INTEGRITY = (sqlite3.IntegrityError, psycopg.IntegrityError)

ON = date(2026, 11, 23)
START = date(2026, 1, 1)
ADMIN = Actor(user_id="T1-TL", name="Teamleider", role="TL")


def _staff(staff_id: str, role: str, team: str = "T1", quals: tuple[str, ...] = ()) -> Staff:
    big = f"{abs(hash(staff_id)) % 10**11:011d}" if role in ("VA", "AIOS", "SMV") else None
    return Staff(staff_id, f"Naam {staff_id}", role, team, big, quals)


def seed_team(store: Store) -> None:
    """Team T1 (two VAs, two SMVs of which one post-HBO A&G, an AIOS, an MS, a TL) and team T2
    with one VA; cases R-7 (ZW), R-5 (WIA_CLAIM), R-4 (HERBEOORDELING)."""
    upsert_staff(
        store,
        [
            _staff("V1", "VA"),
            _staff("V2", "VA"),
            _staff("S1", "SMV"),
            _staff("S2", "SMV", quals=("POST_HBO_AG",)),
            _staff("A1", "AIOS"),
            _staff("M1", "MS"),
            _staff("T1-TL", "TL"),
            _staff("W1", "VA", team="T2"),
        ],
    )
    client = Client("111222333", "Anna Jansen", date(1970, 1, 2))
    other = Client("123456782", "Piet Bos", date(1963, 5, 1))
    upsert_cases(
        store,
        [
            Case.entered(
                case_ref="R-7", client=client, service="ZW", received_on=date(2026, 4, 2), team="T1"
            ),
            Case.entered(
                case_ref="R-5",
                client=other,
                service="WIA_CLAIM",
                received_on=date(2026, 8, 14),
                team="T1",
                working=True,
            ),
            Case.entered(
                case_ref="R-4",
                client=other,
                service="HERBEOORDELING",
                received_on=date(2026, 2, 11),
                team="T1",
                requester="werknemer",
            ),
        ],
        ADMIN,
        purpose="test",
    )


@pytest.fixture
def team(store: Store) -> Store:
    seed_team(store)
    return store


def actor(staff_id: str, role: str = "VA") -> Actor:
    return Actor(user_id=staff_id, name=f"Naam {staff_id}", role=role)


def delegate(store: Store, va: str = "V1", to: str = "S1", **kw: object) -> int:
    args: dict[str, object] = {
        "tasks": ("SPREEKUUR", "RAPPORTAGE", "INFO_OPVRAGEN"),
        "valid_from": START,
    }
    args.update(kw)
    return add_delegation(store, actor(va), va_id=va, delegate_id=to, **args)  # type: ignore[arg-type]


def assign(
    store: Store, case: str, task: str, to: str, by: str | None = None, on: date = ON
) -> int:
    return assign_task(store, ADMIN, case_ref=case, task_code=task, assignee_id=to, by_id=by, on=on)


def log_rows(store: Store, case_ref: str | None = None):  # type: ignore[no-untyped-def]
    return records(store.conn, case_ref=case_ref)


def test_zelfstandig_task_is_created_and_logged(team: Store) -> None:
    task_id = assign(team, "R-5", "DOSSIERSTUDIE", "S1")
    task = get_task(team, task_id)
    assert task is not None and task.permission == "zelfstandig" and task.status == "open"
    assert task.ruleset_id == "uniform-2026" and task.delegating_va_id is None
    last = log_rows(team, "R-5")[-1]
    assert (last.event, last.outcome, last.purpose) == ("create", "gelukt", "taak toewijzen")
    assert last.client_id is not None and last.on_behalf_of is None
    assert submit_task(team, actor("S1", "SMV"), task_id, "S1", "Dossier gelezen.") == "done"
    assert get_task(team, task_id).status == "done"  # type: ignore[union-attr]


def test_refused_assignment_writes_no_task_and_only_a_refusal(team: Store) -> None:
    before = len(log_rows(team))
    with pytest.raises(Refused) as refused:
        assign(team, "R-5", "SPREEKUUR", "S1", by="V1")
    assert "claimbeoordeling" in str(refused.value)
    assert team.count("tasks") == 0
    new = log_rows(team)[before:]
    assert [(r.outcome, r.case_ref, r.on_behalf_of) for r in new] == [("geweigerd", "R-5", "V1")]
    assert "claimbeoordeling" in new[0].details


def test_no_delegation_no_task(team: Store) -> None:
    with pytest.raises(Refused, match="nooit verplicht te delegeren"):
        assign(team, "R-7", "RAPPORTAGE", "S1", by="V1")
    with pytest.raises(Refused):
        assign(team, "R-7", "RAPPORTAGE", "S1")


def test_delegation_by_va_of_another_team_is_refused(team: Store) -> None:
    before = team.count("audit_log")
    with pytest.raises(Refused, match="team T2"):
        delegate(team, va="W1", to="S1")
    assert list_delegations(team) == []
    assert team.count("audit_log") == before + 1
    assert log_rows(team)[-1].outcome == "geweigerd"
    delegate(team, va="V1", to="S1")
    with pytest.raises(Refused, match="team T2"):
        assign(team, "R-7", "RAPPORTAGE", "S1", by="W1")


def test_delegation_wider_than_rule_set_is_refused(team: Store) -> None:
    with pytest.raises(Refused, match="nooit ruimer"):
        delegate(team, tasks=("CONCLUSIE",))
    with pytest.raises(Refused, match="WIA_CLAIM"):
        delegate(team, tasks=("SPREEKUUR",), services=("WIA_CLAIM",))
    with pytest.raises(TaakdelegatieError):
        delegate(team, to="NIEMAND")


def test_delegated_flow_with_change_keeps_both_versions(team: Store) -> None:
    delegate(team)
    task_id = assign(team, "R-7", "SPREEKUUR", "S1", by="V1")
    task = get_task(team, task_id)
    assert task is not None and task.delegating_va_id == "V1" and task.delegation_id
    assert log_rows(team, "R-7")[-1].on_behalf_of == "V1"
    assert [t.task_id for t in my_tasks(team, "S1")] == [task_id]

    with pytest.raises(Refused, match="alleen die medewerker"):
        submit_task(team, actor("S2", "SMV"), task_id, "S2", "niet van mij")
    status = submit_task(team, actor("S1", "SMV"), task_id, "S1", "Anamnese: rugklachten.")
    assert status == "te_accorderen"
    assert [t.task_id for t in te_accorderen(team, "V1")] == [task_id]
    assert [t.task_id for t in my_tasks(team, "V1")] == [task_id]
    assert te_accorderen(team, "V2") == []

    for wrong in ("V2", "S1", "A1"):
        with pytest.raises(Refused, match="Alleen de delegerende verzekeringsarts V1"):
            sign_off(team, actor(wrong), task_id, wrong)
    assert get_task(team, task_id).status == "te_accorderen"  # type: ignore[union-attr]
    refusals = [r for r in log_rows(team, "R-7") if r.purpose == "accorderen"]
    assert {r.outcome for r in refusals} == {"geweigerd"}

    sign_off(team, actor("V1"), task_id, "V1", "Anamnese: rugklachten, tillen beperkt.")
    done = get_task(team, task_id)
    assert done is not None and done.status == "geaccordeerd" and done.signed_by == "V1"
    assert done.changed_by_va and done.reviewed
    kept = versions(team, task_id)
    assert [(v.kind, v.author_id) for v in kept] == [
        ("ingeleverd", "S1"),
        ("gewijzigd_door_va", "V1"),
    ]
    assert kept[0].result == "Anamnese: rugklachten."
    assert te_accorderen(team, "V1") == []
    with pytest.raises(Refused, match="geaccordeerd"):
        sign_off(team, actor("V1"), task_id, "V1")
    signed, again = log_rows(team, "R-7")[-2:]
    assert (signed.purpose, signed.outcome, signed.user_id) == ("accorderen", "gelukt", "V1")
    assert "beide versies bewaard" in signed.details
    assert (again.purpose, again.outcome) == ("accorderen", "geweigerd")


def test_reject(team: Store) -> None:
    delegate(team)
    task_id = assign(team, "R-7", "RAPPORTAGE", "S1", by="V1")
    submit_task(team, actor("S1", "SMV"), task_id, "S1", "Concept.")
    with pytest.raises(InputError, match="reden"):  # bad input, not a rule's refusal
        reject_task(team, actor("V1"), task_id, "V1", " ")
    reject_task(team, actor("V1"), task_id, "V1", "Onvoldoende onderbouwd.")
    task = get_task(team, task_id)
    assert task is not None and task.status == "afgewezen"
    assert task.reject_reason == "Onvoldoende onderbouwd."
    stats = review_statistics(team, "V1")
    assert [(s.delegate_id, s.submitted, s.reviewed, s.rejected) for s in stats] == [
        ("S1", 1, 1, 1)
    ]


def test_review_sample_applies_to_routine_work_only(team: Store) -> None:
    delegate(team, review_percentage=0)
    routine = assign(team, "R-7", "RAPPORTAGE", "S1", by="V1")
    medical = assign(team, "R-7", "SPREEKUUR", "S1", by="V1")
    assert submit_task(team, actor("S1", "SMV"), routine, "S1", "Concept.") == "geaccordeerd"
    assert submit_task(team, actor("S1", "SMV"), medical, "S1", "Spreekuur.") == "te_accorderen"
    unreviewed = get_task(team, routine)
    assert unreviewed is not None and unreviewed.reviewed is False
    sign_off(team, actor("V1"), medical, "V1")
    stats = review_statistics(team, "V1")[0]
    assert (stats.submitted, stats.reviewed, stats.changed, stats.not_sampled) == (2, 1, 0, 1)


def test_team_adopts_rule_set_from_a_date(team: Store) -> None:
    adopt_ruleset(
        team, ADMIN, "T1", "taakherschikking-2026", date(2026, 7, 1), _staff("T1-TL", "TL")
    )
    with pytest.raises(Refused):
        assign(team, "R-7", "SPREEKUUR", "S2", on=date(2026, 6, 30))
    task_id = assign(team, "R-7", "SPREEKUUR", "S2", on=date(2026, 7, 1))
    task = get_task(team, task_id)
    assert task is not None and task.permission == "zelfstandig"
    assert task.ruleset_id == "taakherschikking-2026"
    with pytest.raises(Refused):  # not in the claim, even under taakherschikking
        assign(team, "R-5", "SPREEKUUR", "S2", on=date(2026, 7, 1))
    with pytest.raises(Refused, match=r"teamleider of de regievoerder \(V1\) van team T1"):
        adopt_ruleset(team, ADMIN, "T1", "uniform-2026", ON, _staff("S1", "SMV"))
    with pytest.raises(Refused, match="V2"):  # a VA of the team, not its regievoerder
        adopt_ruleset(team, ADMIN, "T1", "uniform-2026", ON, _staff("V2", "VA"))
    adopt_ruleset(team, ADMIN, "T1", "uniform-2026", date(2027, 1, 1), _staff("V1", "VA"))
    with pytest.raises(TaakdelegatieError):
        adopt_ruleset(team, ADMIN, "T1", "bestaat-niet", ON, _staff("T1-TL", "TL"))


def test_revoked_delegation_refuses_new_tasks(team: Store) -> None:
    delegation_id = delegate(team)
    assert assign(team, "R-7", "RAPPORTAGE", "S1", by="V1")
    with pytest.raises(Refused, match="Alleen verzekeringsarts V1"):
        revoke_delegation(team, actor("V2"), delegation_id, "V2", ON)
    revoke_delegation(team, actor("V1"), delegation_id, "V1", ON, "andere werkverdeling")
    with pytest.raises(Refused):
        assign(team, "R-7", "RAPPORTAGE", "S1", by="V1")
    assert assign(team, "R-7", "RAPPORTAGE", "S1", by="V1", on=date(2026, 11, 22))
    with pytest.raises(Refused, match="al ingetrokken"):
        revoke_delegation(team, actor("V1"), delegation_id, "V1", ON)


def test_audit_log_refuses_update_and_delete(team: Store) -> None:
    assign(team, "R-5", "DOSSIERSTUDIE", "S1")
    with pytest.raises(INTEGRITY, match="alleen aan te vullen"):
        team.conn.execute("UPDATE audit_log SET outcome = 'mislukt'")
    with pytest.raises(INTEGRITY, match="alleen aan te vullen"):
        team.conn.execute("DELETE FROM audit_log")
    assert {r.outcome for r in log_rows(team)} == {"gelukt"}


def test_task_versions_cannot_be_changed(team: Store) -> None:
    task_id = assign(team, "R-5", "DOSSIERSTUDIE", "S1")
    submit_task(team, actor("S1", "SMV"), task_id, "S1", "Origineel.")
    with pytest.raises(INTEGRITY, match="blijft bewaard"):
        team.conn.execute("UPDATE task_versions SET result = 'anders'")
    with pytest.raises(INTEGRITY, match="blijft bewaard"):
        team.conn.execute("DELETE FROM task_versions")


def test_failed_action_writes_no_success_record(
    team: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    delegate(team)
    task_id = assign(team, "R-7", "SPREEKUUR", "S1", by="V1")
    submit_task(team, actor("S1", "SMV"), task_id, "S1", "Spreekuur.")
    before = log_rows(team)
    real_log = tasks_module.log

    def log_then_fail(conn, who, entry):  # type: ignore[no-untyped-def]
        real_log(conn, who, entry)
        raise OSError("schijf vol")

    monkeypatch.setattr(tasks_module, "log", log_then_fail)
    with pytest.raises(OSError):
        sign_off(team, actor("V1"), task_id, "V1", "Gewijzigd.")
    with pytest.raises(OSError):
        assign(team, "R-7", "RAPPORTAGE", "S1", by="V1")
    assert log_rows(team) == before
    task = get_task(team, task_id)
    assert task is not None and task.status == "te_accorderen"
    assert len(versions(team, task_id)) == 1
    assert len(list_tasks(team)) == 1


def test_inactive_staff_gets_no_task(team: Store) -> None:
    upsert_staff(team, [replace(_staff("S1", "SMV"), active=False)])
    with pytest.raises(Refused, match="niet actief"):
        assign(team, "R-5", "DOSSIERSTUDIE", "S1")


def test_unknown_input_is_bad_input(team: Store) -> None:
    with pytest.raises(TaakdelegatieError, match="zaak 'R-404'"):
        assign(team, "R-404", "DOSSIERSTUDIE", "S1")
    with pytest.raises(TaakdelegatieError, match="NIEMAND"):
        assign(team, "R-5", "DOSSIERSTUDIE", "NIEMAND")
    with pytest.raises(TaakdelegatieError, match="ONZIN"):
        assign(team, "R-5", "ONZIN", "S1")


def test_open_task_cannot_be_signed_off_or_rejected(team: Store) -> None:
    delegate(team)
    task_id = assign(team, "R-7", "SPREEKUUR", "S1", by="V1")
    before = len(log_rows(team))
    with pytest.raises(Refused, match="staat op 'open'") as refused:
        sign_off(team, actor("V1"), task_id, "V1", "Eigen versie zonder inleveren.")
    assert f"mdb-triage complete {task_id} --by S1" in str(refused.value)
    with pytest.raises(Refused, match="lever eerst het resultaat in"):
        reject_task(team, actor("V1"), task_id, "V1", "Niet goed.")
    task = get_task(team, task_id)
    assert task is not None and task.status == "open" and task.signed_by is None
    assert versions(team, task_id) == []
    new = log_rows(team)[before:]
    assert [(r.purpose, r.outcome, r.case_ref) for r in new] == [
        ("accorderen", "geweigerd", "R-7"),
        ("afwijzen", "geweigerd", "R-7"),
    ]
    assert all(r.client_id is not None and "staat op 'open'" in r.details for r in new)


def test_sign_off_checks_the_status_inside_the_transaction(
    team: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another window rejected the result after this one read the task: the sign-off sees the
    status as it stands when it writes, not the one read before."""
    delegate(team)
    task_id = assign(team, "R-7", "RAPPORTAGE", "S1", by="V1")
    submit_task(team, actor("S1", "SMV"), task_id, "S1", "Concept.")
    stale = get_task(team, task_id)
    reject_task(team, actor("V1"), task_id, "V1", "Onvoldoende onderbouwd.")
    monkeypatch.setattr(tasks_module, "get_task", lambda _store, _id: stale)
    with pytest.raises(Refused, match="staat op 'afgewezen'"):
        sign_off(team, actor("V1"), task_id, "V1", "Toch goed.")
    with pytest.raises(Refused, match="staat op 'afgewezen'"):
        submit_task(team, actor("S1", "SMV"), task_id, "S1", "Nog eens.")
    monkeypatch.undo()
    task = get_task(team, task_id)
    assert task is not None and task.status == "afgewezen" and not task.changed_by_va
    assert [v.author_id for v in versions(team, task_id)] == ["S1"]


def test_assignment_logs_the_user_and_the_va_on_whose_behalf(team: Store) -> None:
    """``--by VA`` on a task the assignee does alone still names the VA in the log."""
    task_id = assign_task(
        team,
        ADMIN,
        case_ref="R-5",
        task_code="DOSSIERSTUDIE",
        assignee_id="S1",
        by_id="V1",
        on=ON,
    )
    last = log_rows(team, "R-5")[-1]
    assert (last.user_id, last.on_behalf_of, last.outcome) == ("T1-TL", "V1", "gelukt")
    assert f"taak {task_id}" in last.details
    with pytest.raises(Refused):
        assign_task(
            team, ADMIN, case_ref="R-5", task_code="SPREEKUUR", assignee_id="S1", by_id="V2", on=ON
        )
    refused = log_rows(team, "R-5")[-1]
    assert (refused.user_id, refused.on_behalf_of, refused.outcome) == ("T1-TL", "V2", "geweigerd")


def test_via_note_goes_into_every_record_of_the_action(team: Store) -> None:
    via = "via opdrachtregel, systeemaccount jan, zonder --user"
    delegation_id = add_delegation(
        team,
        actor("V1"),
        va_id="V1",
        delegate_id="S1",
        tasks=("RAPPORTAGE",),
        valid_from=START,
        via=via,
    )
    task_id = assign_task(
        team,
        ADMIN,
        case_ref="R-7",
        task_code="RAPPORTAGE",
        assignee_id="S1",
        by_id="V1",
        on=ON,
        via=via,
    )
    with pytest.raises(Refused):
        sign_off(team, actor("V1"), task_id, "V1", via=via)
    submit_task(team, actor("S1", "SMV"), task_id, "S1", "Concept.", via=via)
    reject_task(team, actor("V1"), task_id, "V1", "Mager.", via=via)
    revoke_delegation(team, actor("V1"), delegation_id, "V1", ON, via=via)
    rows = log_rows(team)[-6:]
    assert [r.purpose for r in rows] == [
        "taakdelegatie vastleggen",
        "taak toewijzen",
        "accorderen",
        "taakresultaat inleveren",
        "afwijzen",
        "taakdelegatie intrekken",
    ]
    assert all(r.details.endswith(via) for r in rows)
