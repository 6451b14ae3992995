"""No silent overwrites: an edit of a case, a delegation, a task result or an MDB decision that
started from an older version is refused with who changed what and when; without a version
(the command line) an edit acts on the current one. Of two sign-offs of one task, one wins."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from mdbtriage.core.meetings import Decision
from mdbtriage.core.model import Actor
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store, StoreError
from mdbtriage.store.delegations import Refused, get_delegation, revoke_delegation
from mdbtriage.store.dossier import mark_schrijnend, save_case
from mdbtriage.store.records import get_case
from mdbtriage.store.tasks import get_task, sign_off, submit_task
from mdbtriage.store.versions import StaleEdit, case_version
from tests.store.test_tasks import ADMIN, ON, actor, assign, delegate, seed_team

pytestmark = pytest.mark.both_stores


@pytest.fixture
def team(store: Store) -> Store:
    seed_team(store)
    return store


def test_stale_edit_is_a_store_error() -> None:
    assert issubclass(StaleEdit, StoreError)


def test_every_change_of_a_case_raises_its_version(team: Store) -> None:
    assert case_version(team.conn, "R-7") == 1
    case = get_case(team, "R-7")  # type: ignore[arg-type]
    assert save_case(team, ADMIN, case.with_facts(working=True), new=False, version=1) == 2
    mark_schrijnend(team, ADMIN, "R-7", "CT-1")
    assert case_version(team.conn, "R-7") == 3


def test_a_stale_case_edit_is_refused_naming_who_what_and_when(team: Store) -> None:
    case = get_case(team, "R-7")  # type: ignore[arg-type]
    colleague = Actor("V1", "Naam V1", "VA")
    save_case(team, colleague, case.with_facts(working=True), new=False, version=1)
    with pytest.raises(StaleEdit) as refused:
        save_case(team, ADMIN, case.with_facts(motivated=True), new=False, version=1)
    message = str(refused.value)
    assert message.startswith("Zaak R-7 is intussen gewijzigd door Naam V1 (V1) op ")
    assert "working: nee → ja" in message and "niet bewaard" in message
    assert refused.value.last.version == 2
    stored = get_case(team, "R-7")  # type: ignore[arg-type]
    assert stored.facts.working and not stored.facts.motivated  # the colleague's change stands
    # Reloaded (version 2), the edit goes through; without a version it acts on the current.
    assert save_case(team, ADMIN, stored.with_facts(motivated=True), new=False, version=2) == 3
    save_case(team, ADMIN, stored.with_facts(motivated=False), new=False)
    assert case_version(team.conn, "R-7") == 4


def test_schrijnend_marking_from_a_stale_screen_is_refused(team: Store) -> None:
    case = get_case(team, "R-7")  # type: ignore[arg-type]
    save_case(team, ADMIN, case.with_facts(working=True), new=False)
    with pytest.raises(StaleEdit, match="Zaak R-7 is intussen gewijzigd"):
        mark_schrijnend(team, ADMIN, "R-7", "CT-9", version=1)
    assert not get_case(team, "R-7").facts.schrijnend  # type: ignore[arg-type]


def _handed_in(store: Store) -> int:
    delegate(store)
    task_id = assign(store, "R-7", "SPREEKUUR", "S1", by="V1")
    submit_task(store, actor("S1", "SMV"), task_id, "S1", "Spreekuur gehouden.")
    return task_id


def test_a_stale_hand_in_is_refused(team: Store) -> None:
    task_id = assign(team, "R-5", "DOSSIERSTUDIE", "S1")
    version = get_task(team, task_id).version  # type: ignore[union-attr]
    submit_task(team, actor("S1", "SMV"), task_id, "S1", "Gelezen.", version=version)
    with pytest.raises(StaleEdit, match=r"Taak \d+ \(DOSSIERSTUDIE\) is intussen gewijzigd"):
        submit_task(team, actor("S1", "SMV"), task_id, "S1", "Nogmaals.", version=version)


def test_of_two_sign_offs_of_one_task_one_wins_and_the_other_is_told(team: Store) -> None:
    task_id = _handed_in(team)
    seen = get_task(team, task_id).version  # type: ignore[union-attr]
    # Both workstations show the task at the same version; the first sign-off wins.
    sign_off(team, actor("V1"), task_id, "V1", "Mijn versie.", version=seen)
    with pytest.raises(StaleEdit) as refused:
        sign_off(team, actor("V1"), task_id, "V1", "Andere versie.", version=seen)
    assert "is intussen gewijzigd door Naam V1 (V1)" in str(refused.value)
    assert "(geaccordeerd)" in str(refused.value)
    # Without a version (the command line) the rule itself refuses the second one.
    with pytest.raises(Refused, match="kan niet meer worden geaccordeerd"):
        sign_off(team, actor("V1"), task_id, "V1")
    task = get_task(team, task_id)
    assert task is not None and task.status == "geaccordeerd" and task.version == seen + 1
    results = team.conn.execute(
        "SELECT result FROM task_versions WHERE task_id = ? AND kind = 'gewijzigd_door_va'",
        (task_id,),
    ).fetchall()
    assert [r[0] for r in results] == ["Mijn versie."]
    refusals = team.conn.execute(
        "SELECT count(*) FROM audit_log WHERE purpose = 'accorderen' AND outcome = 'geweigerd'"
    ).fetchone()[0]
    assert refusals == 2  # both refused attempts are in the access log


def test_a_stale_revocation_is_refused(team: Store) -> None:
    delegation_id = delegate(team)
    row = get_delegation(team, delegation_id)
    assert row is not None and row.version == 1
    revoke_delegation(team, actor("V1"), delegation_id, "V1", ON, "andere werkverdeling")
    with pytest.raises(StaleEdit) as refused:
        revoke_delegation(team, actor("V1"), delegation_id, "V1", ON, version=1)
    assert str(refused.value).startswith(
        f"Delegatie {delegation_id} is intussen gewijzigd door Naam V1 (V1) op "
    )
    assert f"ingetrokken per {ON.isoformat()}" in str(refused.value)
    assert get_delegation(team, delegation_id).version == 2  # type: ignore[union-attr]


def _meeting_with_case(store: Store) -> tuple[int, str]:
    meeting_id = repo.create_meeting(store, team="T1", held_on=date(2026, 11, 30), actor=ADMIN)
    ref = repo.agenda(store, meeting_id)[0].case_ref
    repo.set_item_status(store, meeting_id, ref, "bespreken", "", ADMIN)
    return meeting_id, ref


def test_a_stale_mdb_decision_is_refused(team: Store) -> None:
    meeting_id, ref = _meeting_with_case(team)
    first = repo.save_decision(
        team, meeting_id, Decision(ref, remarks="Eerst."), actor("V1"), version=0
    )
    assert first == 1 and repo.decision_versions(team, meeting_id) == {ref: 1}
    assert (
        repo.save_decision(team, meeting_id, Decision(ref, remarks="Daarna."), ADMIN, version=1)
        == 2
    )
    with pytest.raises(StaleEdit) as refused:
        repo.save_decision(team, meeting_id, Decision(ref, remarks="Oud."), actor("V1"), version=1)
    assert str(refused.value).startswith(
        f"Het MDB-besluit over {ref} is intussen gewijzigd door Naam T1-TL (T1-TL) op "
    )
    # A form that started without a decision is refused when one was saved meanwhile.
    with pytest.raises(StaleEdit):
        repo.save_decision(team, meeting_id, Decision(ref, remarks="Nieuw."), ADMIN, version=0)
    assert repo.decisions(team, meeting_id)[ref].remarks == "Daarna."


def _open_again(request: pytest.FixtureRequest, backend: str) -> Store:
    """Another connection to the same store, as a second workstation has."""
    if backend == "kantoor":
        from mdbtriage.store.office_store import OfficeStore

        return OfficeStore.open_url(request.getfixturevalue("office_db").url)
    return Store.open(request.getfixturevalue("store_path"))


def test_two_workstations_signing_off_at_once_one_wins(
    team: Store, request: pytest.FixtureRequest, backend: str
) -> None:
    task_id = _handed_in(team)
    seen = get_task(team, task_id).version  # type: ignore[union-attr]
    stores = [_open_again(request, backend) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(store: Store, text: str) -> None:
        start.wait()
        try:
            sign_off(store, actor("V1"), task_id, "V1", text, version=seen)
        except (StaleEdit, Refused) as refused:
            outcomes.append(f"geweigerd: {refused}")
        else:
            outcomes.append("gelukt")

    workers = [
        threading.Thread(target=sign, args=(s, f"Versie {n}.")) for n, s in enumerate(stores)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    for s in stores:
        s.close()
    assert sorted(o.split(":")[0] for o in outcomes) == ["gelukt", "geweigerd"]
    assert "is intussen gewijzigd door Naam V1 (V1)" in next(o for o in outcomes if o != "gelukt")
    changed = team.conn.execute(
        "SELECT count(*) FROM task_versions WHERE task_id = ? AND kind = 'gewijzigd_door_va'",
        (task_id,),
    ).fetchone()[0]
    assert changed == 1


def _last_record(store: Store) -> tuple[str, str, str | None, str, str]:
    row = store.conn.execute(
        "SELECT user_id, outcome, case_ref, purpose, details FROM audit_log "
        "ORDER BY log_id DESC LIMIT 1"
    ).fetchone()
    return (str(row[0]), str(row[1]), row[2], str(row[3]), str(row[4]))


def test_refused_stale_case_edits_are_logged(team: Store) -> None:
    case = get_case(team, "R-7")  # type: ignore[arg-type]
    save_case(team, Actor("V1", "Naam V1", "VA"), case.with_facts(working=True), new=False)
    with pytest.raises(StaleEdit):
        save_case(team, ADMIN, case.with_facts(motivated=True), new=False, version=1)
    user, outcome, ref, purpose, details = _last_record(team)
    assert (user, outcome, ref, purpose) == (ADMIN.user_id, "geweigerd", "R-7", "zaak wijzigen")
    assert details.startswith("wijziging geweigerd: Zaak R-7 is intussen gewijzigd door Naam V1")
    with pytest.raises(StaleEdit):
        mark_schrijnend(team, ADMIN, "R-7", "CT-9", version=1)
    user, outcome, ref, purpose, details = _last_record(team)
    assert (outcome, ref, purpose) == ("geweigerd", "R-7", "schrijnend gemarkeerd (CT-9)")
    assert details.startswith("markering schrijnend geweigerd: Zaak R-7 is intussen gewijzigd")


def test_a_refused_stale_mdb_decision_is_logged(team: Store) -> None:
    meeting_id, ref = _meeting_with_case(team)
    repo.save_decision(team, meeting_id, Decision(ref, remarks="Eerst."), ADMIN, version=0)
    with pytest.raises(StaleEdit):
        repo.save_decision(team, meeting_id, Decision(ref, remarks="Oud."), actor("V1"), version=0)
    user, outcome, logged_ref, purpose, details = _last_record(team)
    assert (user, outcome, logged_ref) == ("V1", "geweigerd", ref)
    assert purpose == "MDB-besluit vastleggen"
    assert details.startswith(f"MDB {meeting_id}: besluit geweigerd: Het MDB-besluit over {ref}")
    assert repo.decisions(team, meeting_id)[ref].remarks == "Eerst."
