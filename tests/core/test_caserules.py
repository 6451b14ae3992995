"""The rules for one case, shared by the CSV import and the case form."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.caserules import case_fields, check_case
from mdbtriage.core.model import SERVICES

TODAY = date(2026, 11, 23)
VALID = {
    "case_ref": "R-1",
    "bsn": "111222333",
    "name": "Jan Jansen",
    "birth_date": "01-05-1963",
    "service": "HERBEOORDELING",
    "received_on": "2026-10-01",
    "team": "SMC-1",
    "requester": "werkgever",
    "schrijnend": "ja",
    "schrijnend_ref": "CT-2026-004",
}


def test_valid_case_is_built():
    checked = check_case(VALID, TODAY)
    assert checked.problems == []
    assert checked.case is not None
    assert checked.case.facts.schrijnend and checked.case.facts.schrijnend_ref == "CT-2026-004"
    assert checked.case.client.birth_date == date(1963, 5, 1)


def test_every_problem_names_its_field():
    raw = dict(VALID, bsn="123456789", received_on="2027-01-01", requester="", schrijnend="nee")
    by_field = check_case(raw, TODAY).by_field()
    assert by_field["bsn"] == "BSN voldoet niet aan de elfproef"
    assert "toekomst" in by_field["received_on"]
    assert by_field["requester"] == "is verplicht bij HERBEOORDELING"
    assert by_field["schrijnend_ref"] == "ingevuld terwijl schrijnend 'nee' is"


@settings(max_examples=40, deadline=None)
@given(
    service=st.sampled_from(sorted(SERVICES)),
    flags=st.lists(st.booleans(), min_size=6, max_size=6),
    days=st.integers(min_value=0, max_value=2000),
)
def test_fields_of_a_valid_case_check_back_to_the_same_case(service, flags, days):
    from datetime import timedelta

    raw = dict(VALID, service=service, received_on=(TODAY - timedelta(days=days)).isoformat())
    if service == "WIJZIGING_GEZONDHEID":
        raw["requester"] = "gemachtigde"
    for name, flag in zip(
        ("motivated", "working", "schrijnend", "ingebrekestelling", "consents_60_plus", "dwangsom"),
        flags,
        strict=True,
    ):
        raw[name] = "ja" if flag else "nee"
    if not flags[2]:
        raw["schrijnend_ref"] = ""
    first = check_case(raw, TODAY)
    assert first.case is not None, first.problems
    again = check_case(case_fields(first.case), TODAY)
    assert again.case == first.case


def test_requester_kinds_per_service():
    bezwaar_by_uwv = dict(VALID, service="BEZWAAR", requester="uwv")
    assert "uwv kan geen" in check_case(bezwaar_by_uwv, TODAY).by_field()["requester"]
    melding_by_employer = dict(VALID, service="WIJZIGING_GEZONDHEID", requester="werkgever")
    assert "werkgever kan geen" in check_case(melding_by_employer, TODAY).by_field()["requester"]
    assert check_case(dict(VALID, requester="uwv"), TODAY).case is not None
    melding = dict(VALID, service="WIJZIGING_GEZONDHEID", requester="", schrijnend="nee")
    melding["schrijnend_ref"] = ""
    assert check_case(melding, TODAY).case is not None


def test_new_optional_facts():
    raw = dict(
        VALID,
        service="ZW",
        medical_reason="ja",
        employer_consents_60_plus="",
        dwangsom="rechterlijk",
        dwangsom_deadline="31-01-2027",
    )
    case = check_case(raw, TODAY).case
    assert case is not None and case.facts.medical_reason
    assert case.facts.employer_consents_60_plus is None  # no employer to ask
    assert (case.facts.dwangsom, case.facts.dwangsom_kind) == (True, "rechterlijk")
    assert case.facts.dwangsom_deadline == date(2027, 1, 31)
    assert check_case(case_fields(case), TODAY).case == case
    refused = check_case(dict(raw, employer_consents_60_plus="nee"), TODAY).case
    assert refused is not None and refused.facts.employer_consents_60_plus is False
    bad = check_case(dict(raw, dwangsom="boete", dwangsom_deadline="2027-01-31"), TODAY)
    assert set(bad.by_field()) == {"dwangsom", "dwangsom_deadline"}
