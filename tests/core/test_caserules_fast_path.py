"""The case check written out for speed gives exactly what the straightforward definition gives:
the same case, or the same problems in the same order with the same Dutch reasons; the elfproef
on byte values agrees with the digit-by-digit sum."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from operator import mul
from typing import TypeVar

from hypothesis import event, given, settings
from hypothesis import strategies as st

from mdbtriage.core.caserules import (
    CASE_STATUS_CODES,
    FLAG_FIELDS,
    REF_PATTERN,
    CaseCheck,
    check_case,
)
from mdbtriage.core.model import REQUESTERS, SERVICES, Case, Client, requester_problem
from mdbtriage.core.validation import (
    BIDI_CONTROLS,
    ValidationError,
    bsn_check,
    parse_bool,
    parse_bsn,
    parse_date,
)

T = TypeVar("T")
TODAY = date(2026, 11, 23)
_CONTROL_CHARS = "".join(chr(c) for c in [*range(32), *range(0x7F, 0xA0)]) + "".join(BIDI_CONTROLS)


def reference_check_case(raw: Mapping[str, str], today: date) -> CaseCheck:
    """``check_case`` as first written: one helper call per field."""
    problems: list[tuple[str, str]] = []

    def fail(name: str, reason: str) -> None:
        problems.append((name, reason))

    def text(name: str, required: bool = True) -> str:
        value = raw.get(name, "").strip()
        if required and not value:
            fail(name, "is verplicht")
        elif any(ch in _CONTROL_CHARS for ch in value):
            fail(name, "bevat regeleinden of stuurtekens")
        return value

    def convert(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(raw.get(name, ""))
        except ValidationError as error:
            fail(name, str(error))
            return None

    ref = text("case_ref")
    if ref and not REF_PATTERN.match(ref):
        fail("case_ref", "mag alleen letters, cijfers en - _ . / bevatten (max. 40)")
    bsn = convert("bsn", parse_bsn)
    name = text("name")
    birth = convert("birth_date", parse_date)
    service = text("service").upper()
    if service and service not in SERVICES:
        fail("service", f"onbekende dienst; kies uit {' '.join(SERVICES)}")
    received = convert("received_on", parse_date)
    if received and received > today:
        fail("received_on", f"ligt in de toekomst (na {today.isoformat()})")
    if birth and birth > today:
        fail("birth_date", "ligt in de toekomst")
    elif birth and received and received <= today and birth >= received:
        fail("birth_date", "ligt niet vóór de ontvangstdatum")
    elif birth and received and received <= today and received.year - birth.year > 120:
        fail("birth_date", "geeft een leeftijd boven 120 jaar")
    team = text("team")
    requester = text("requester", required=False).lower() or None
    if requester and requester not in REQUESTERS:
        fail("requester", f"onbekende aanvrager; kies uit {' '.join(REQUESTERS)}")
    elif service in SERVICES and (why := requester_problem(service, requester)):
        fail("requester", why)
    flags = {flag: bool(convert(flag, parse_bool)) for flag in FLAG_FIELDS}
    employer = None
    if raw.get("employer_consents_60_plus", "").strip():
        employer = convert("employer_consents_60_plus", parse_bool)
    dwangsom_text = raw.get("dwangsom", "").strip().lower()
    kind = dwangsom_text if dwangsom_text in ("bestuurlijk", "rechterlijk") else None
    dwangsom = True
    if kind is None:
        try:
            dwangsom = parse_bool(dwangsom_text)
        except ValidationError:
            fail("dwangsom", "kies uit nee bestuurlijk rechterlijk")
            dwangsom = False
    deadline = None
    if raw.get("dwangsom_deadline", "").strip():
        deadline = convert("dwangsom_deadline", parse_date)
    if deadline is not None and kind != "rechterlijk":
        fail("dwangsom_deadline", "alleen bij een rechterlijke dwangsom")
    schrijnend_ref = text("schrijnend_ref", required=False) or None
    if schrijnend_ref and not flags["schrijnend"]:
        fail("schrijnend_ref", "ingevuld terwijl schrijnend 'nee' is")
    status = text("status", required=False).lower() or "open"
    if status not in CASE_STATUS_CODES:
        fail("status", "kies uit open, in_behandeling, afgerond")
    if problems or bsn is None or received is None:
        return CaseCheck(None, problems)
    return CaseCheck(
        Case.entered(
            case_ref=ref,
            client=Client(bsn=bsn, name=name, birth_date=birth),
            service=service,
            received_on=received,
            team=team,
            requester=requester,
            schrijnend_ref=schrijnend_ref,
            status=status,
            employer_consents_60_plus=employer,
            dwangsom=dwangsom,
            dwangsom_kind=kind,
            dwangsom_deadline=deadline,
            **flags,
        ),
        problems,
    )


# Values near the rules: valid ones, typical mistakes, blanks, padding, control characters.
FIELD_VALUES: dict[str, list[str]] = {
    "case_ref": ["R-1", "Z26-0001", "", "  ", "a b", "-R", "R\t1", "X" * 41, " R-2 "],
    "bsn": ["111222333", "11222333", "123456789", "", "abc", "111 222 333", "000000000"],
    "name": ["Jan Jansen", "", " ", "Jan\nJansen", "É. Ödün"],
    "birth_date": ["01-05-1963", "1963-05-01", "", "31-02-1990", "2030-01-01", "1800-01-01"],
    "service": [*SERVICES, "wia_claim", "", "ONBEKEND", " ZW "],
    "received_on": ["2026-10-01", "01-10-2026", "", "2027-01-01", "1960-01-01", "1-1-2026"],
    "team": ["SMC-1", "", "T\x01"],
    "requester": ["", *REQUESTERS, "WERKGEVER", "baas", " uwv "],
    "schrijnend_ref": ["", "CT-2026-004", "CT\n1"],
    "status": ["", "open", "AFGEROND", "in_behandeling", "klaar"],
    "employer_consents_60_plus": ["", "ja", "nee", "misschien"],
    "dwangsom": ["", "nee", "ja", "bestuurlijk", "Rechterlijk", "boete"],
    "dwangsom_deadline": ["", "2027-01-31", "31-02-2027"],
}
BOOL_VALUES = ["", "ja", "nee", "Ja", " NEE ", "j", "n", "1", "0", "true", "onwaar", "misschien"]


VALID_VALUES: dict[str, list[str]] = {
    "case_ref": ["R-1", "Z26-0001", " R-2 "],
    "bsn": ["111222333", "11222333", "111 222 333"],
    "name": ["Jan Jansen", "É. Ödün"],
    "birth_date": ["01-05-1963", "1970-12-31", ""],
    "service": [*SERVICES, "wia_claim"],
    "received_on": ["2026-10-01", "01-10-2026"],
    "team": ["SMC-1", " SMC-2"],
    "requester": [*REQUESTERS, "WERKGEVER"],
    "schrijnend_ref": ["", "CT-2026-004"],
    "status": ["", "open", "AFGEROND", "in_behandeling"],
    "employer_consents_60_plus": ["", "ja", "nee"],
    "dwangsom": ["", "nee", "bestuurlijk", "rechterlijk"],
    "dwangsom_deadline": [""],
}
VALID_BOOLS = ["", "ja", "nee", "Ja", " NEE ", "j", "1", "0", "true", "onwaar"]


def raw_rows() -> st.SearchStrategy[dict[str, str]]:
    fields = {name: st.sampled_from(values) for name, values in FIELD_VALUES.items()}
    fields.update({flag: st.sampled_from(BOOL_VALUES) for flag in FLAG_FIELDS})
    valid = {name: st.sampled_from(values) for name, values in VALID_VALUES.items()}
    valid.update({flag: st.sampled_from(VALID_BOOLS) for flag in FLAG_FIELDS})
    return (
        st.fixed_dictionaries(
            {}, optional={**fields, **{n: st.text(max_size=12) for n in ("name", "team")}}
        )
        | st.fixed_dictionaries(fields)
        | st.fixed_dictionaries(valid)
    )


@settings(max_examples=400, deadline=None)
@given(raw=raw_rows())
def test_check_case_equals_the_straightforward_definition(raw: dict[str, str]) -> None:
    fast, reference = check_case(raw, TODAY), reference_check_case(raw, TODAY)
    assert fast.problems == reference.problems
    assert fast.case == reference.case
    event("valid" if fast.case is not None else "refused")


@settings(max_examples=100, deadline=None)
@given(raw=st.dictionaries(st.sampled_from([*FIELD_VALUES, *FLAG_FIELDS]), st.text(max_size=15)))
def test_check_case_equals_the_definition_on_arbitrary_text(raw: dict[str, str]) -> None:
    fast, reference = check_case(raw, TODAY), reference_check_case(raw, TODAY)
    assert fast.problems == reference.problems
    assert fast.case == reference.case


def test_a_valid_row_gives_an_ordinary_case() -> None:
    raw = {
        "case_ref": "R-1",
        "bsn": "111222333",
        "name": "Jan",
        "birth_date": "01-05-1963",
        "service": "zw",
        "received_on": "2026-10-01",
        "team": "SMC-1",
        "motivated": "Ja",
    }
    case = check_case(raw, TODAY).case
    assert isinstance(case, Case) and isinstance(case.client, Client)
    assert case == reference_check_case(raw, TODAY).case
    assert case.facts.service == "ZW" and case.facts.motivated and case.client_id is None


def reference_bsn_check(digits: str) -> bool:
    """The elfproef over nine ASCII digits (contract.md: other scripts' digits are no digits)."""
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()) or digits == "000000000":
        return False
    total = sum(map(mul, map(int, digits[:8]), (9, 8, 7, 6, 5, 4, 3, 2))) - int(digits[8])
    return total % 11 == 0


@settings(max_examples=500, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=8, max_size=10)
    | st.text(alphabet="0123456789\u0661\u0967x ", min_size=9, max_size=9)
)
def test_elfproef_equals_the_digit_sum(digits: str) -> None:
    assert bsn_check(digits) == reference_bsn_check(digits)
