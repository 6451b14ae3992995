"""One chair per MDB: a lease taken by the seat that opens the Bespreking, renewed while open,
expired when its workstation disappears; the regievoerder takes it over, logged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mdbtriage.core.meetings import ChairHeld, Decision, MeetingError
from mdbtriage.store import meetings as repo
from mdbtriage.store.audit import records
from mdbtriage.store.database import Store
from mdbtriage.store.meetings.chair import LEASE, RENEW_EVERY
from mdbtriage.store.records import upsert_staff
from tests.store.test_tasks import ADMIN, _staff, actor, seed_team

pytestmark = pytest.mark.both_stores

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def meeting(store: Store) -> int:
    seed_team(store)
    upsert_staff(store, [_staff("V3", "VA", quals=("REGIEVOERDER",))])
    meeting_id = repo.create_meeting(store, team="T1", held_on=date(2026, 11, 30), actor=ADMIN)
    ref = repo.agenda(store, meeting_id)[0].case_ref
    repo.set_item_status(store, meeting_id, ref, "bespreken", "", ADMIN)
    return meeting_id


def test_the_first_seat_takes_the_chair_and_a_second_is_told_who_holds_it(
    store: Store, meeting: int
) -> None:
    assert repo.current_chair(store, meeting, now=T0) is None
    chair = repo.take_chair(store, meeting, actor("V1"), "seat-a", "werkplek-12", now=T0)
    assert (chair.holder_id, chair.workstation, chair.seat) == ("V1", "werkplek-12", "seat-a")
    assert chair.label == "Voorzitter: Naam V1 op werkplek-12"
    with pytest.raises(ChairHeld, match="voorgezeten door Naam V1 op werkplek-12") as held:
        repo.take_chair(store, meeting, ADMIN, "seat-b", "kamer-3", now=T0)
    assert held.value.chair == chair
    assert repo.current_chair(store, meeting, now=T0) == chair


def test_renewing_keeps_the_chair_and_an_abandoned_one_expires(store: Store, meeting: int) -> None:
    repo.take_chair(store, meeting, actor("V1"), "seat-a", "werkplek-12", now=T0)
    later = T0 + RENEW_EVERY
    renewed = repo.take_chair(store, meeting, actor("V1"), "seat-a", "werkplek-12", now=later)
    assert renewed.taken_at < renewed.renewed_at and renewed.expires_at > renewed.renewed_at
    # Still held just before the lease runs out; free after it (the workstation disappeared).
    with pytest.raises(ChairHeld):
        repo.take_chair(store, meeting, ADMIN, "seat-b", "kamer-3", now=later + LEASE / 2)
    assert repo.current_chair(store, meeting, now=later + LEASE + timedelta(seconds=1)) is None
    chair = repo.take_chair(
        store, meeting, ADMIN, "seat-b", "kamer-3", now=later + LEASE + timedelta(seconds=1)
    )
    assert chair.holder_id == "T1-TL"
    # The first seat, back again, has lost it.
    with pytest.raises(ChairHeld, match="Naam T1-TL op kamer-3"):
        repo.take_chair(store, meeting, actor("V1"), "seat-a", "werkplek-12", now=later + LEASE)


def test_released_chair_is_free(store: Store, meeting: int) -> None:
    repo.take_chair(store, meeting, actor("V1"), "seat-a", "werkplek-12", now=T0)
    repo.release_chair(store, meeting, "seat-b")  # not the holder: nothing happens
    assert repo.current_chair(store, meeting, now=T0) is not None
    repo.release_chair(store, meeting, "seat-a")
    assert repo.current_chair(store, meeting, now=T0) is None


def test_only_the_chair_saves_decisions_from_the_bespreking(store: Store, meeting: int) -> None:
    ref = repo.agenda(store, meeting)[0].case_ref
    repo.take_chair(store, meeting, actor("V1"), "seat-a", "werkplek-12")
    with pytest.raises(ChairHeld):
        repo.save_decision(store, meeting, Decision(ref, remarks="Niet ik."), ADMIN, seat="b")
    repo.save_decision(
        store, meeting, Decision(ref, remarks="De voorzitter."), ADMIN, seat="seat-a"
    )
    assert repo.decisions(store, meeting)[ref].remarks == "De voorzitter."


def test_the_regievoerder_takes_over_and_it_is_logged(store: Store, meeting: int) -> None:
    repo.take_chair(store, meeting, actor("V1"), "seat-a", "werkplek-12", now=T0)
    # Neither a VA without the qualification nor a team lead may take it over.
    for who in (actor("V2"), ADMIN):
        with pytest.raises(MeetingError, match="Alleen de regievoerder"):
            repo.take_over(store, meeting, who, "seat-b", "kamer-3", now=T0)
    assert repo.current_chair(store, meeting, now=T0).holder_id == "V1"  # type: ignore[union-attr]
    chair = repo.take_over(store, meeting, actor("V3"), "seat-c", "vergaderzaal", now=T0)
    assert (chair.holder_id, chair.workstation) == ("V3", "vergaderzaal")
    logged = [r for r in records(store.conn) if r.purpose == "MDB-voorzitterschap overnemen"]
    assert [(r.user_id, r.outcome) for r in logged] == [
        ("V2", "geweigerd"),
        ("T1-TL", "geweigerd"),
        ("V3", "gelukt"),
    ]
    assert logged[-1].details == (
        f"MDB {meeting}: voorzitterschap overgenomen van Naam V1 (V1) op werkplek-12 "
        "naar vergaderzaal"
    )
    # The seat that held it is now told who has it.
    with pytest.raises(ChairHeld, match="Naam V3 op vergaderzaal"):
        repo.take_chair(store, meeting, actor("V1"), "seat-a", "werkplek-12", now=T0)


def test_the_meetings_own_regievoerder_may_take_over(store: Store, meeting: int) -> None:
    regievoerder = repo.get_meeting(store, meeting).regievoerder_id
    assert regievoerder is not None
    repo.take_chair(store, meeting, ADMIN, "seat-a", "kamer-3", now=T0)
    chair = repo.take_over(store, meeting, actor(regievoerder), "seat-b", "zaal", now=T0)
    assert chair.holder_id == regievoerder


def test_closing_gives_the_chair_up_and_a_closed_meeting_has_none(
    store: Store, meeting: int
) -> None:
    regie = repo.get_meeting(store, meeting).regievoerder_id
    assert regie is not None
    for item in repo.agenda(store, meeting):
        repo.set_item_status(store, meeting, item.case_ref, "standaardroute", "", ADMIN)
    repo.take_chair(store, meeting, actor(regie), "seat-a", "werkplek-12")
    with pytest.raises(ChairHeld):
        repo.close_meeting(store, meeting, actor(regie), seat="seat-b")
    repo.close_meeting(store, meeting, actor(regie), seat="seat-a")
    assert repo.current_chair(store, meeting) is None
    with pytest.raises(MeetingError, match="gesloten"):
        repo.take_chair(store, meeting, actor(regie), "seat-a", "werkplek-12")
