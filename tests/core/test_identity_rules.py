"""Who may do what beyond taakdelegatie (contract.md "Identity"): rules in core, one place for
the command line and the desktop."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mdbtriage.core.accounts import (
    account_refusal,
    may_read_log_of_others,
    ruleset_refusal,
    team_lead_refusal,
)
from mdbtriage.core.model import ROLES

ROLE = st.sampled_from([*ROLES, "PO", "onbekend"])


@given(role=ROLE)
def test_set_up_mode_applies_no_role_restrictions(role: str) -> None:
    assert team_lead_refusal(role, accounts_exist=False, what="medewerkers importeren") is None
    assert may_read_log_of_others(role, accounts_exist=False)


@given(role=ROLE)
def test_with_accounts_only_a_team_lead_manages_staff(role: str) -> None:
    refusal = team_lead_refusal(role, accounts_exist=True, what="medewerkers importeren")
    assert (refusal is None) == (role == "TL")
    if refusal:
        assert refusal == "alleen een teamleider mag medewerkers importeren"


@given(role=ROLE)
def test_others_records_for_the_team_lead_and_the_privacy_officer(role: str) -> None:
    assert may_read_log_of_others(role, accounts_exist=True) == (role in {"TL", "PO"})


@given(actor=ROLE, target=ROLE)
def test_the_first_account_is_a_team_leads_then_only_a_team_lead_creates(
    actor: str, target: str
) -> None:
    first = account_refusal(actor, target, accounts_exist=False)
    assert (first is None) == (target == "TL")
    later = account_refusal(actor, target, accounts_exist=True)
    assert (later is None) == (actor == "TL")


@given(role=ROLE, same_team=st.booleans(), active=st.booleans(), regie=st.booleans())
def test_a_rule_set_is_adopted_by_the_team_lead_or_the_regievoerder(
    role: str, same_team: bool, active: bool, regie: bool
) -> None:
    refusal = ruleset_refusal(
        "X1", role, "T1" if same_team else "T2", active, "T1", "X1" if regie else "V9"
    )
    allowed = same_team and active and (role == "TL" or (role == "VA" and regie))
    assert (refusal is None) == allowed
