"""Saving a request as its case: the werkvoorraad place, the access log, the pending rule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core.model import Actor, Case, Client
from mdbtriage.core.policy import load_policy
from mdbtriage.core.triage import build_queue
from mdbtriage.store.database import Store
from mdbtriage.store.herbeoordeling import (
    RequestRefused,
    assess_with_store,
    load_request,
    pending_cases,
    save_request,
)
from mdbtriage.store.records import get_case, open_cases, upsert_cases
from tests.conftest import work_log_count

pytestmark = pytest.mark.both_stores

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
POLICY = load_policy()


def example() -> dict[str, object]:
    data: dict[str, object] = json.loads(EXAMPLE.read_text("utf-8"))
    return data


def worker_request() -> dict[str, object]:
    data = example()
    data["requester"] = {"kind": "werknemer", "name": "Jan Jansen", "contact": "06 1234 5678"}
    data["request"] = {"kind": "herbeoordeling"}
    return data


def add_case(store: Store, actor: Actor, ref: str, service: str, status: str = "open") -> None:
    client = Client("123456782", "Jan Jansen", date(1968, 4, 12))
    upsert_cases(
        store,
        [
            Case.entered(
                case_ref=ref,
                client=client,
                service=service,
                received_on=date(2026, 9, 1),
                team="SMC-GRONINGEN",
                status=status,
            )
        ],
        actor,
        purpose="test",
    )


def test_saving_creates_the_case_in_its_policy_place_and_logs_it(
    store: Store, actor: Actor
) -> None:
    saved = save_request(store, example(), actor, POLICY)
    assert saved.created and saved.service == "HERBEOORDELING" and saved.route == "REGULIER"
    row = get_case(store, saved.case_ref)
    assert row is not None
    assert row.facts.requester == "werkgever" and row.facts.motivated
    assert row.team == "SMC-GRONINGEN"
    placement = build_queue([r.facts for r in open_cases(store)], date(2026, 11, 23), POLICY)[0]
    assert placement.klasse == "D" and placement.route.code == "REGULIER"
    document = load_request(store, saved.case_ref)
    assert document is not None and document["reference"] == saved.case_ref
    events = store.query("SELECT event, case_ref FROM audit_log WHERE role != 'eigenaar'")
    assert [tuple(e) for e in events] == [("create", saved.case_ref)]
    again = save_request(store, example(), actor, POLICY)
    assert not again.created
    assert store.count("cases") == 1
    assert store.query("SELECT event FROM audit_log ORDER BY log_id")[-1][0] == "change"


def test_saving_a_request_again_keeps_what_the_request_does_not_hold(
    store: Store, actor: Actor
) -> None:
    """The case's ingebrekestelling, dwangsom (kind and court deadline), consents and medical
    reason are not on the form: a request saved again for the same case keeps them."""
    saved = save_request(store, example(), actor, POLICY)
    row = get_case(store, saved.case_ref)
    assert row is not None
    recorded = row.with_facts(
        ingebrekestelling=True,
        dwangsom=True,
        dwangsom_kind="rechterlijk",
        dwangsom_deadline=date(2027, 1, 31),
        consents_60_plus=True,
        employer_consents_60_plus=False,
        medical_reason=True,
    )
    upsert_cases(store, [recorded], actor, purpose="test")
    save_request(store, example(), actor, POLICY)
    after = get_case(store, saved.case_ref)
    assert after is not None
    kept = ("ingebrekestelling", "dwangsom", "dwangsom_kind", "dwangsom_deadline")
    kept += ("consents_60_plus", "employer_consents_60_plus", "medical_reason")
    assert {name: getattr(after.facts, name) for name in kept} == {
        name: getattr(recorded.facts, name) for name in kept
    }


@pytest.mark.workstation_only  # set-up mode (no accounts): the workstation store's
def test_a_workers_request_is_refused_while_a_wia_claim_is_pending(
    store: Store, actor: Actor
) -> None:
    add_case(store, actor, "W-1", "WIA_CLAIM", "in_behandeling")
    assert [c.case_ref for c in pending_cases(store, "123456782")] == ["W-1"]
    assessment = assess_with_store(store, worker_request())
    assert assessment.refused
    with pytest.raises(RequestRefused, match="W-1"):
        save_request(store, worker_request(), actor, POLICY)
    assert store.count("herbeoordeling_requests") == 0
    assert [r.facts.case_ref for r in open_cases(store)] == ["W-1"]


def test_a_decided_claim_blocks_nothing(store: Store, actor: Actor) -> None:
    add_case(store, actor, "W-1", "WIA_CLAIM", "afgerond")
    assert save_request(store, worker_request(), actor, POLICY).created


def test_an_incomplete_request_writes_nothing(store: Store, actor: Actor) -> None:
    data = example()
    data["consent"] = False
    with pytest.raises(RequestRefused, match="consent"):
        save_request(store, data, actor, POLICY)
    assert store.count("cases") == 0 and work_log_count(store) == 0
