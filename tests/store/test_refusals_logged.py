"""Refusals are logged for the desktop too (the same store actions): saving a herbeoordeling
refused by the pending-case rule writes a 'geweigerd' record and names the pending case only to
its own team; a refused MDB closing writes one and closes nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core.meetings import MeetingError
from mdbtriage.core.model import Actor, Case, Client
from mdbtriage.core.policy import load_policy
from mdbtriage.store import meetings
from mdbtriage.store.audit import records
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.store.herbeoordeling import RequestRefused, assess_with_store, save_request
from mdbtriage.store.records import upsert_cases
from tests.conftest import TODAY

pytestmark = pytest.mark.both_stores

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
BSN = "123456782"


def _request() -> dict[str, object]:
    data: dict[str, object] = json.loads(EXAMPLE.read_text("utf-8"))
    data["requester"] = {"kind": "werknemer", "name": "Jan Jansen", "contact": "06 1234 5678"}
    data["request"] = {"kind": "herbeoordeling"}
    data["client"]["bsn"] = BSN  # type: ignore[index]
    return data


def _person(store: Store, role: str) -> Actor:
    row = store.conn.execute(
        "SELECT staff_id, name, role FROM staff WHERE role = ? ORDER BY staff_id", (role,)
    ).fetchone()
    return Actor(row[0], row[1], row[2])


@pytest.fixture
def demo(store: Store) -> Store:
    load_demo(store, n_cases=20, seed=5, today=TODAY, actor=Actor.system_account("test"))
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES ('SMC-ELDERS-1', 'Elders')")
    client = Client(BSN, "Jan Jansen", date(1968, 4, 12))
    case = Case.entered(
        case_ref="W-GEHEIM",
        client=client,
        service="WIA_CLAIM",
        received_on=date(2026, 9, 1),
        team="SMC-ELDERS-1",
    )
    upsert_cases(store, [case], Actor.system_account("test"), "test")
    return store


def test_saving_a_refused_request_is_logged_without_the_other_teams_case(demo: Store) -> None:
    smv = _person(demo, "SMV")
    with pytest.raises(RequestRefused) as refused:
        save_request(demo, _request(), smv, load_policy(), team="SMC-UTRECHT-1")
    assert "W-GEHEIM" not in str(refused.value)
    assert "WIA-claimbeoordeling" in str(refused.value)
    last = records(demo.conn)[-1]
    assert (last.user_id, last.event, last.outcome) == (smv.user_id, "create", "geweigerd")
    assert "W-GEHEIM" not in last.details
    assert demo.count("herbeoordeling_requests") == 0


def test_without_a_viewer_a_store_with_accounts_names_no_case(demo: Store) -> None:
    assessment = assess_with_store(demo, _request())
    assert assessment.refused
    assert not any("W-GEHEIM" in p.message for p in assessment.problems)
    with demo.atomic() as conn:
        conn.execute("UPDATE cases SET team_id = 'SMC-UTRECHT-1' WHERE case_ref = 'W-GEHEIM'")
    own = assess_with_store(demo, _request(), viewer=_person(demo, "VA"))
    assert any("zaak W-GEHEIM" in p.message for p in own.problems)


def test_a_refused_closing_is_logged(demo: Store) -> None:
    upcoming = next(m for m in meetings.list_meetings(demo) if m.status == "voorbereiding")
    lead = _person(demo, "TL")
    before = len(records(demo.conn))
    with pytest.raises(MeetingError):
        meetings.close_meeting(demo, upcoming.meeting_id, lead, today=TODAY)
    log = records(demo.conn)
    assert len(log) == before + 1
    assert (log[-1].user_id, log[-1].outcome) == (lead.user_id, "geweigerd")
    assert meetings.get_meeting(demo, upcoming.meeting_id).status == "voorbereiding"
