"""Break-glass (noodtoegang): the dossier of another team's client opens only with a stated
reason, logged as 'emergency' with that reason; without one it is refused and logged
'geweigerd'. The team lead and the privacy officer list these records; nobody else does."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdbtriage.core.model import Actor
from mdbtriage.core.noodtoegang import MIN_REASON, needs_emergency, reason_problem
from mdbtriage.core.validation import BIDI_CONTROLS
from mdbtriage.store.audit import records
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.store.dossier import (
    DossierError,
    EmergencyRefused,
    emergency_records,
    read_dossier,
)
from tests.conftest import TODAY

pytestmark = pytest.mark.both_stores

OTHER_TEAM = "SMC-ELDERS-1"
REASON = "collega afwezig, cliënt belt met een spoedvraag over zijn herbeoordeling"


def _person(store: Store, role: str) -> Actor:
    row = store.conn.execute(
        "SELECT staff_id, name, role FROM staff WHERE role = ? ORDER BY staff_id", (role,)
    ).fetchone()
    return Actor(user_id=row[0], name=row[1], role=row[2])


@pytest.fixture
def district(store: Store) -> tuple[Store, str, str]:
    """A demo team (with accounts) and one case moved to a second team: (store, own case,
    other team's case)."""
    load_demo(store, n_cases=40, seed=3, today=TODAY, actor=Actor.system_account("test"))
    own, other = (r[0] for r in store.conn.execute("SELECT case_ref FROM cases LIMIT 2"))
    with store.atomic() as conn:
        conn.execute("INSERT INTO teams (team_id, name) VALUES (?, 'SMC Elders 1')", (OTHER_TEAM,))
        conn.execute("UPDATE cases SET team_id = ? WHERE case_ref = ?", (OTHER_TEAM, other))
    return store, own, other


def test_own_team_opens_as_an_ordinary_read(district: tuple[Store, str, str]) -> None:
    store, own, _ = district
    va = _person(store, "VA")
    read_dossier(store, va, own)
    last = records(store.conn)[-1]
    assert (last.event, last.outcome, last.case_ref) == ("read", "gelukt", own)


@pytest.mark.parametrize("reason", [None, "", "   ", "kijken"])
def test_another_team_without_a_reason_is_refused_and_logged(
    district: tuple[Store, str, str], reason: str | None
) -> None:
    store, _, other = district
    smv = _person(store, "SMV")
    with pytest.raises(EmergencyRefused, match=f"team {OTHER_TEAM}"):
        read_dossier(store, smv, other, emergency_reason=reason)
    last = records(store.conn)[-1]
    assert (last.event, last.outcome, last.user_id, last.case_ref) == (
        "emergency",
        "geweigerd",
        smv.user_id,
        other,
    )
    assert "reden voor noodtoegang" in last.details


def test_another_team_with_a_reason_is_logged_as_noodtoegang(
    district: tuple[Store, str, str],
) -> None:
    store, _, other = district
    va = _person(store, "VA")
    row = read_dossier(store, va, other, emergency_reason=f"  {REASON}\n")
    assert row.facts.case_ref == other
    last = records(store.conn)[-1]
    assert (last.event, last.outcome, last.case_ref) == ("emergency", "gelukt", other)
    assert last.client_id == row.client_id
    assert last.details == f"cliënt van team {OTHER_TEAM}; reden: {REASON}"
    assert not [r for r in records(store.conn) if r.event == "read" and r.case_ref == other]


def test_the_privacy_officer_and_team_lead_list_break_glass_others_are_refused(
    district: tuple[Store, str, str],
) -> None:
    store, _, other = district
    va = _person(store, "VA")
    read_dossier(store, va, other, emergency_reason=REASON)
    with pytest.raises(EmergencyRefused):
        read_dossier(store, va, other)
    po = Actor(user_id="PO-1", name="Privacy Functionaris", role="PO")
    for viewer in (_person(store, "TL"), po):
        listed = emergency_records(store, viewer)
        assert [(x.user_id, x.outcome) for x in listed] == [
            (va.user_id, "geweigerd"),
            (va.user_id, "gelukt"),
        ]
        assert REASON in listed[1].details
    with pytest.raises(DossierError, match="privacyfunctionaris"):
        emergency_records(store, va)
    last = records(store.conn)[-1]
    assert (last.user_id, last.outcome, last.purpose) == (
        va.user_id,
        "geweigerd",
        "noodtoegang nakijken",
    )


@pytest.mark.workstation_only  # set-up mode (no accounts): the workstation store's
def test_set_up_mode_asks_no_reason(store: Store) -> None:
    load_demo(store, n_cases=20, seed=3, today=TODAY, actor=Actor.system_account("test"))
    with store.atomic() as conn:
        conn.execute("DELETE FROM accounts")
    ref = store.conn.execute("SELECT case_ref FROM cases LIMIT 1").fetchone()[0]
    read_dossier(store, Actor.system_account("beheer"), ref)
    assert records(store.conn)[-1].event == "read"


@given(own=st.text(max_size=8) | st.none(), case_team=st.text(max_size=8), accounts=st.booleans())
def test_break_glass_exactly_outside_the_case_team_once_accounts_exist(
    own: str | None, case_team: str, accounts: bool
) -> None:
    assert needs_emergency(own, case_team, accounts) == (accounts and own != case_team)


@given(st.text(max_size=600))
def test_a_reason_is_accepted_only_with_enough_words_of_substance(text: str) -> None:
    problem = reason_problem(text)
    stripped = text.strip()
    if len(stripped) < MIN_REASON:
        assert problem is not None and "reden voor noodtoegang" in problem
    if problem is None:
        assert MIN_REASON <= len(stripped) <= 500
        assert not any(
            # line breaks as typed or pasted on Windows (\r\n) and tabs are free text's own
            (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t") or ch in BIDI_CONTROLS
            for ch in stripped
        )
