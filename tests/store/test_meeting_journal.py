"""The chair's journal: decisions that could not reach the server are kept on the workstation
(0600, one line each, on disk before the chair goes on) and sent in order through the normal
save when it is back; a refusal comes back with the text to copy, the later decisions on that
case with it; a decision whose commit was cut off is recognised as stored."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mdbtriage.core.meetings import Decision
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.meetings import journal as journal_module
from mdbtriage.store.meetings.journal import Journal, JournalError
from mdbtriage.store.office import OfficeUnreachable
from tests.store.test_tasks import ADMIN, actor, seed_team

pytestmark = pytest.mark.both_stores

CHAIR = actor("V1")


@pytest.fixture
def meeting(store: Store) -> tuple[int, list[str]]:
    seed_team(store)
    meeting_id = repo.create_meeting(store, team="T1", held_on=date(2026, 11, 30), actor=ADMIN)
    refs = [i.case_ref for i in repo.agenda(store, meeting_id)][:2]
    for ref in refs:
        repo.set_item_status(store, meeting_id, ref, "bespreken", "", ADMIN)
    return meeting_id, refs


@pytest.fixture
def journal(store: Store, meeting: tuple[int, list[str]], tmp_path: Path) -> Journal:
    return Journal.for_meeting(store, meeting[0], tmp_path / "kantoor-journaal")


def test_a_journaled_decision_is_on_disk_for_the_user_alone(
    store: Store, meeting: tuple[int, list[str]], journal: Journal
) -> None:
    meeting_id, (a, b) = meeting
    assert journal.path.name.endswith(f"-mdb-{meeting_id}.jsonl")
    first = journal.append(Decision(a, remarks="Aan tafel besloten."), 0, CHAIR)
    journal.append(Decision(b, remarks="Ook."), 3, CHAIR)
    again = journal.append(Decision(a, remarks="Aan tafel besloten, aangevuld."), 0, CHAIR)
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert [(e.seq, e.case_ref, e.version) for e in journal.pending()] == [
        (1, a, 0),
        (2, b, 3),
        (3, a, None),  # after the first on the same case: its version is known once sent
    ]
    assert first.own_text == "Aan tafel besloten." and again.by == CHAIR.user_id
    # Saved again before anything else (the form saves as the chair types): replaced.
    latest = journal.append(Decision(a, remarks="Aan tafel besloten, definitief."), 0, CHAIR)
    assert latest.seq == 3 and len(journal.pending()) == 3
    assert journal.pending()[-1].decision.remarks.endswith("definitief.")
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    # A line cut off while it was written is left out; a damaged one before it is an error.
    with journal.path.open("a", encoding="utf-8") as out:
        out.write('{"seq": 4, "meeting')
    assert len(journal.pending()) == 3
    lines = journal.path.read_text(encoding="utf-8").split("\n")
    journal.path.write_text("\n".join(["kapot", *lines]), encoding="utf-8")
    with pytest.raises(JournalError, match="beschadigd"):
        journal.pending()


def test_the_journal_is_sent_in_order_through_the_normal_save(
    store: Store, meeting: tuple[int, list[str]], journal: Journal
) -> None:
    meeting_id, (a, b) = meeting
    seat = "seat-zaal"
    repo.take_chair(store, meeting_id, CHAIR, seat, "zaal")
    journal.append(Decision(a, remarks="Eerst."), 0, CHAIR)
    journal.append(Decision(b, remarks="Tweede zaak."), 0, CHAIR)
    journal.append(Decision(a, remarks="Eerst, aangevuld."), 0, CHAIR)
    sent = journal.send_pending(store, CHAIR, seat=seat)
    assert not sent.refused and not sent.unreachable
    assert [(e.case_ref, v) for e, v in sent.sent] == [(a, 1), (b, 1), (a, 2)]
    found = repo.decisions(store, meeting_id)
    assert found[a].remarks == "Eerst, aangevuld." and found[b].remarks == "Tweede zaak."
    assert journal.pending() == [] and not journal.path.exists()
    logged = store.conn.execute(
        "SELECT case_ref, user_id, outcome FROM audit_log WHERE purpose = 'MDB-besluit vastleggen' "
        "ORDER BY log_id"
    ).fetchall()
    assert [tuple(r) for r in logged] == [
        (a, "V1", "gelukt"),
        (b, "V1", "gelukt"),
        (a, "V1", "gelukt"),
    ]


def test_a_refused_decision_comes_back_with_the_later_ones_on_its_case(
    store: Store, meeting: tuple[int, list[str]], journal: Journal
) -> None:
    meeting_id, (a, b) = meeting
    journal.append(Decision(a, remarks="Mijn tekst."), 0, CHAIR)
    journal.append(Decision(b, remarks="Andere zaak."), 0, CHAIR)
    journal.append(Decision(a, remarks="Mijn tekst, aangevuld."), 0, CHAIR)
    # Meanwhile a colleague saved a decision on the first case.
    repo.save_decision(store, meeting_id, Decision(a, remarks="Van een collega."), ADMIN)
    sent = journal.send_pending(store, CHAIR, seat=None)
    assert [e.case_ref for e, _ in sent.sent] == [b]
    assert [(r.entry.seq, r.entry.own_text) for r in sent.refused] == [
        (1, "Mijn tekst."),
        (3, "Mijn tekst, aangevuld."),
    ]
    assert sent.refused[0].message.startswith(f"Het MDB-besluit over {a} is intussen gewijzigd")
    assert "bouwde daarop voort" in sent.refused[1].message
    assert repo.decisions(store, meeting_id)[a].remarks == "Van een collega."
    assert journal.pending() == []


def test_another_seat_in_the_chair_refuses_the_journal(
    store: Store, meeting: tuple[int, list[str]], journal: Journal
) -> None:
    meeting_id, (a, _) = meeting
    journal.append(Decision(a, remarks="Mijn tekst."), 0, CHAIR)
    repo.take_chair(store, meeting_id, ADMIN, "seat-kamer", "kamer-7")
    sent = journal.send_pending(store, CHAIR, seat="seat-zaal")
    assert not sent.sent and "voorgezeten door" in sent.refused[0].message
    assert a not in repo.decisions(store, meeting_id)


def test_a_decision_whose_commit_was_cut_off_is_recognised_as_stored(
    store: Store, meeting: tuple[int, list[str]], journal: Journal
) -> None:
    meeting_id, (a, _) = meeting
    decision = Decision(a, remarks="Opgeslagen, maar het antwoord kwam niet aan.")
    repo.save_decision(store, meeting_id, decision, CHAIR, version=0)
    journal.append(decision, 0, CHAIR)
    sent = journal.send_pending(store, CHAIR, seat=None)
    assert [(e.case_ref, v) for e, v in sent.sent] == [(a, 1)] and not sent.refused
    assert repo.decision_versions(store, meeting_id) == {a: 1}


def test_while_the_server_cannot_be_reached_the_journal_stays(
    store: Store,
    meeting: tuple[int, list[str]],
    journal: Journal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, (a, b) = meeting
    journal.append(Decision(a, remarks="Eerst."), 0, CHAIR)
    journal.append(Decision(b, remarks="Daarna."), 0, CHAIR)
    save = journal_module.save_decision
    calls: list[str] = []

    def unreachable_for_b(
        store: Store, meeting_id: int, decision: Decision, *a: object, **k: object
    ) -> int:
        calls.append(decision.case_ref)
        if decision.case_ref == b:
            raise OfficeUnreachable("Kantooropslag: de server is niet bereikbaar")
        return save(store, meeting_id, decision, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(journal_module, "save_decision", unreachable_for_b)
    sent = journal.send_pending(store, CHAIR, seat=None)
    assert sent.unreachable and [e.case_ref for e, _ in sent.sent] == [a]
    assert [e.case_ref for e in journal.pending()] == [b]
    monkeypatch.setattr(journal_module, "save_decision", save)
    assert [e.case_ref for e, _ in journal.send_pending(store, CHAIR, seat=None).sent] == [b]


def test_decisions_journaled_by_someone_else_wait_for_that_person(
    store: Store, meeting: tuple[int, list[str]], journal: Journal
) -> None:
    _, (a, b) = meeting
    journal.append(Decision(a, remarks="Van de vorige voorzitter."), 0, actor("V2"))
    journal.append(Decision(b, remarks="Van mij."), 0, CHAIR)
    sent = journal.send_pending(store, CHAIR, seat=None)
    assert [e.case_ref for e, _ in sent.sent] == [b]
    assert [(e.case_ref, e.by) for e in journal.pending()] == [(a, "V2")]
    stored = json.loads(journal.path.read_text(encoding="utf-8").splitlines()[0])
    assert stored["decision"]["remarks"] == "Van de vorige voorzitter."
    assert datetime.fromisoformat(stored["at"].replace("Z", "+00:00")) <= datetime.now(UTC)


def test_the_journal_is_named_after_the_store_and_the_meeting(store: Store) -> None:
    journal = Journal.for_meeting(store, 12)
    assert journal.path.parent.name == "kantoor-journaal"
    assert journal.path.name.endswith("-mdb-12.jsonl")
