"""The rules of the standard herbeoordeling request (contract.md, domain.md), table by table."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.herbeoordeling import (
    Assessment,
    PendingCase,
    RequestFileError,
    assess,
    derive_reference,
    intake_outcome,
    medical_terms,
    parse_json,
    regime_problem,
)
from mdbtriage.core.policy import load_policy
from mdbtriage.core.validation import bsn_check

POLICY = load_policy()

EMPLOYER: dict[str, Any] = {
    "requested_on": "2026-11-02",
    "requester": {
        "kind": "werkgever",
        "name": "M. de Vries",
        "organisation": "Bouwbedrijf Noorderhaven B.V.",
        "contact": "050 123 45 67",
        "loonheffingennummer": "111222333L01",
        "authorisation": None,
    },
    "client": {"bsn": "123456782", "name": "Jan Jansen", "birth_date": "1968-04-12"},
    "benefit": {
        "law": "WIA",
        "regime": "WGA_80_100",
        "percentage": 85,
        "last_assessment": "2024-03-01",
    },
    "request": {
        "kind": "herbeoordeling",
        "reason": "Kan zijn eigen functie niet meer uitvoeren.",
        "change": "Werkt hooguit een uur achter elkaar en heeft daarna rust nodig.",
        "since": "2026-06-01",
        "confirmed_by": "bedrijfsarts A. Bakker",
        "effect_on_work": "minder",
        "attachments": ["Functiebeschrijving"],
    },
    "consent": True,
}
WORKER: dict[str, Any] = {
    "requested_on": "02-11-2026",
    "requester": {"kind": "werknemer", "name": "Jan Jansen", "contact": "06 12345678"},
    "client": {"bsn": "123456782", "name": "Jan Jansen", "birth_date": "12-04-1968"},
    "benefit": {
        "law": "WIA",
        "regime": "WGA_35_80",
        "percentage": 50,
        "last_assessment": "2024-03-01",
    },
    "request": {"kind": "herbeoordeling"},
}


def variant(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of ``base`` with dotted paths set (``None``) or removed (``...``)."""
    data = copy.deepcopy(base)
    for path, value in changes.items():
        *parents, key = path.split("__")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        if value is ...:
            node.pop(key, None)
        else:
            node[key] = value
    return data


def fields(result: Assessment) -> set[str]:
    return {p.field for p in result.problems}


def test_the_contract_example_is_complete() -> None:
    result = assess(EMPLOYER)
    assert result.complete, [p.text() for p in result.problems]
    assert result.warnings == ()
    request = result.request
    assert request.client.bsn == "123456782"
    assert request.benefit.percentage == 85
    assert request.request.since == date(2026, 6, 1)
    assert request.motivated


def test_a_workers_own_request_needs_no_motivation_and_no_consent() -> None:
    result = assess(WORKER)
    assert result.complete, [p.text() for p in result.problems]
    assert result.request.requested_on == date(2026, 11, 2)


EMPLOYER_REQUIRED = [
    "requested_on",
    "requester__kind",
    "requester__name",
    "requester__organisation",
    "requester__contact",
    "requester__loonheffingennummer",
    "client__bsn",
    "client__name",
    "client__birth_date",
    "benefit__law",
    "benefit__regime",
    "benefit__percentage",
    "benefit__last_assessment",
    "request__kind",
    "request__reason",
    "request__change",
    "request__since",
    "request__confirmed_by",
    "request__effect_on_work",
    "consent",
]


@pytest.mark.parametrize("path", EMPLOYER_REQUIRED)
@pytest.mark.parametrize("how", ["removed", "null", "empty"])
def test_each_required_field_missing_alone_is_named_alone(path: str, how: str) -> None:
    value = {"removed": ..., "null": None, "empty": ""}[how]
    result = assess(variant(EMPLOYER, **{path: value}))
    field = path.replace("__", ".")
    assert fields(result) == {field}
    assert "ontbreekt" in result.problems_for(field)[0].message


# The kinds and the law decide which other fields are required, so they stay.
KEPT = ("requester__kind", "request__kind", "benefit__law")


def test_all_required_fields_missing_together_are_all_named() -> None:
    data = variant(
        EMPLOYER,
        **{p: ... for p in EMPLOYER_REQUIRED if p not in KEPT},
    )
    result = assess(data)
    expected = {p.replace("__", ".") for p in EMPLOYER_REQUIRED if p not in KEPT}
    assert fields(result) == expected
    assert len(result.problems) == len(expected)


def test_an_empty_request_names_every_always_required_field() -> None:
    assert fields(assess({})) == {
        "requested_on",
        "requester.kind",
        "requester.name",
        "requester.contact",
        "client.bsn",
        "client.name",
        "client.birth_date",
        "benefit.law",
        "benefit.percentage",
        "benefit.last_assessment",
        "request.kind",
    }


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("gemachtigde", {}, "requester.authorisation"),
        ("eigenrisicodrager", {"requester__organisation": ...}, "requester.organisation"),
        ("werkgever", {"requester__loonheffingennummer": ...}, "requester.loonheffingennummer"),
        ("gemachtigde", {"consent": False}, "consent"),
        ("eigenrisicodrager", {"consent": ...}, "consent"),
    ],
)
def test_requester_specific_rules(kind: str, extra: dict[str, Any], field: str) -> None:
    data = variant(EMPLOYER, requester__kind=kind, **extra)
    assert field in fields(assess(data))


def test_a_gemachtigde_with_authorisation_and_an_insurer_without_loonheffingennummer_pass() -> None:
    data = variant(
        EMPLOYER,
        requester__kind="gemachtigde",
        requester__authorisation="machtiging van 01-10-2026",
        requester__loonheffingennummer=...,
    )
    assert assess(data).complete
    data = variant(
        EMPLOYER, requester__kind="eigenrisicodrager", requester__loonheffingennummer=None
    )
    assert assess(data).complete


@pytest.mark.parametrize(
    ("path", "value", "field", "fragment"),
    [
        ("requested_on", "2026-02-30", "requested_on", "bestaat niet"),
        ("requested_on", "2 nov 2026", "requested_on", "JJJJ-MM-DD of DD-MM-JJJJ"),
        ("requester__kind", "uwv", "requester.kind", "onbekend"),
        ("requester__kind", "buurman", "requester.kind", "kies uit werknemer"),
        ("requester__name", 42, "requester.name", "moet tekst zijn"),
        (
            "requester__loonheffingennummer",
            "11122233301",
            "requester.loonheffingennummer",
            "123456789L01",
        ),
        (
            "requester__loonheffingennummer",
            "123456789L01",
            "requester.loonheffingennummer",
            "elfproef",
        ),
        ("client__bsn", "123456789", "client.bsn", "elfproef"),
        ("client__bsn", "12345", "client.bsn", "9 cijfers"),
        ("client__bsn", "12345678a", "client.bsn", "alleen cijfers"),
        ("client__birth_date", "31-04-1968", "client.birth_date", "bestaat niet"),
        ("benefit__law", "ZW", "benefit.law", "WIA, WAO, WAZ, Wajong"),
        ("benefit__regime", "WGA", "benefit.regime", "onbekend"),
        ("benefit__percentage", "veel", "benefit.percentage", "geen getal"),
        ("benefit__percentage", 120, "benefit.percentage", "tussen 0 en 100"),
        ("benefit__percentage", True, "benefit.percentage", "getal"),
        (
            "benefit__last_assessment",
            "2027-01-01",
            "benefit.last_assessment",
            "na de datum van de aanvraag",
        ),
        ("benefit__last_assessment", "1960-01-01", "benefit.last_assessment", "geboortedatum"),
        ("request__kind", "bezwaar", "request.kind", "herbeoordeling, wijziging_gezondheid"),
        ("request__since", "2026-12-01", "request.since", "na de datum van de aanvraag"),
        ("request__effect_on_work", "evenveel", "request.effect_on_work", "meer, minder, onbekend"),
        ("request__attachments", "brief.pdf", "request.attachments", "lijst"),
        ("request__attachments", ["brief.pdf", ""], "request.attachments", "bijlage 2"),
        ("consent", "misschien", "consent", "ja of nee"),
        ("consent", 1, "consent", "true of false"),
        ("client", "Jan", "client", "object"),
        ("reference", "HB 1", "reference", "letters, cijfers"),
        ("intake__schrijnend_ref", "CT-1", "intake.schrijnend_ref", "schrijnend"),
    ],
)
def test_invalid_values_are_named_with_field_and_reason(
    path: str, value: Any, field: str, fragment: str
) -> None:
    result = assess(variant(EMPLOYER, **{path: value}))
    messages = [p.message for p in result.problems_for(field)]
    assert messages, [p.text() for p in result.problems]
    assert any(fragment in m for m in messages), messages


@pytest.mark.parametrize(
    "path",
    [
        "colour",
        "requester__phone",
        "client__adres",
        "benefit__klasse",
        "request__urgent",
        "intake__prio",
    ],
)
def test_unknown_keys_are_errors(path: str) -> None:
    result = assess(variant(EMPLOYER, **{path: "x"}))
    field = path.replace("__", ".")
    assert fields(result) == {field}
    assert "onbekend veld" in result.problems[0].message


@pytest.mark.parametrize(
    ("law", "regime", "percentage", "ok"),
    [
        ("WIA", "GEEN", 0, True),
        ("WIA", "GEEN", 34.9, True),
        ("WIA", "GEEN", 35, False),
        ("WIA", "WGA_35_80", 35, True),
        ("WIA", "WGA_35_80", 79.9, True),
        ("WIA", "WGA_35_80", 80, False),
        ("WIA", "WGA_35_80", 34, False),
        ("WIA", "WGA_80_100", 80, True),
        ("WIA", "WGA_80_100", 100, True),
        ("WIA", "WGA_80_100", 79, False),
        ("WIA", "IVA", 80, True),
        ("WIA", "IVA", 60, False),
        ("WIA", None, 60, False),
        ("WAO", None, 60, True),
        ("WAZ", None, 20, True),
        ("Wajong", None, 100, True),
        ("WAO", "IVA", 90, False),
        ("Wajong", "GEEN", 10, False),
        ("WAZ", "WGA_35_80", 50, False),
    ],
)
def test_law_regime_and_percentage_fit_together(
    law: str, regime: str | None, percentage: float, ok: bool
) -> None:
    data = variant(
        EMPLOYER, benefit__law=law, benefit__regime=regime, benefit__percentage=percentage
    )
    result = assess(data)
    assert result.complete is ok, [p.text() for p in result.problems]
    if not ok:
        assert fields(result) == {"benefit.regime"}


@settings(max_examples=150, deadline=None)
@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_exactly_the_regimes_of_the_band_fit_a_wia_percentage(percentage: float) -> None:
    fitting = {
        r
        for r in ("GEEN", "WGA_35_80", "WGA_80_100", "IVA")
        if not regime_problem("WIA", r, percentage)
    }
    if percentage < 35:
        assert fitting == {"GEEN"}
    elif percentage < 80:
        assert fitting == {"WGA_35_80"}
    else:
        assert fitting == {"WGA_80_100", "IVA"}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_the_bsn_is_accepted_exactly_when_it_passes_the_11_check(bsn: str) -> None:
    result = assess(variant(EMPLOYER, client__bsn=bsn))
    assert result.complete is bsn_check(bsn)


@settings(max_examples=60, deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(["iso", "dutch"]),
)
def test_dates_are_read_in_both_formats(day: date, style: str) -> None:
    text = day.isoformat() if style == "iso" else day.strftime("%d-%m-%Y")
    result = assess(variant(WORKER, requested_on=text, benefit__last_assessment=text))
    assert result.request.requested_on == day
    assert result.complete


def test_a_workers_herbeoordeling_is_refused_while_a_wia_decision_or_bezwaar_is_pending() -> None:
    pending = [
        PendingCase("W-1", "WIA_CLAIM", "open"),
        PendingCase("B-7", "BEZWAAR", "in_behandeling"),
    ]
    result = assess(WORKER, pending)
    assert result.refused and not result.complete
    messages = [p.message for p in result.problems]
    assert len(messages) == 2
    assert "WIA-claimbeoordeling (zaak W-1, open)" in messages[0]
    assert "bezwaarzaak (zaak B-7, in behandeling)" in messages[1]


@pytest.mark.parametrize(
    ("data", "pending"),
    [
        (WORKER, [PendingCase("W-1", "WIA_CLAIM", "afgerond")]),
        (WORKER, [PendingCase("Z-1", "ZW", "open")]),
        (EMPLOYER, [PendingCase("W-1", "WIA_CLAIM", "open")]),
        (
            variant(
                WORKER,
                request__kind="wijziging_gezondheid",
                request__change="Kan meer",
                request__since="2026-10-01",
            ),
            [PendingCase("W-1", "WIA_CLAIM", "open")],
        ),
    ],
)
def test_what_a_pending_case_does_not_block(
    data: dict[str, Any], pending: list[PendingCase]
) -> None:
    assert assess(data, pending).complete


def test_a_refusal_is_reported_together_with_missing_fields() -> None:
    result = assess(variant(WORKER, client__name=...), [PendingCase("W-1", "WIA_CLAIM", "open")])
    assert fields(result) == {"client.name", "request.kind"}
    assert not result.refused


def test_a_change_in_health_goes_the_light_way() -> None:
    data = variant(
        WORKER,
        request__kind="wijziging_gezondheid",
        request__change="Ik kan weer halve dagen werken.",
        request__since="2026-10-01",
    )
    result = assess(data)
    assert result.complete
    outcome = intake_outcome(result, POLICY)
    assert outcome.service == "WIJZIGING_GEZONDHEID"
    assert outcome.route is not None and outcome.route.code == "LICHT"
    assert outcome.klasse == "C"
    assert fields(assess(variant(data, request__change=..., request__since=...))) == {
        "request.change",
        "request.since",
    }


def test_an_employer_does_not_report_a_change_in_health() -> None:
    data = variant(EMPLOYER, request__kind="wijziging_gezondheid")
    result = assess(data)
    assert fields(result) == {"request.kind"}
    assert "meldt de cliënt zelf" in result.problems[0].message


@pytest.mark.parametrize(
    ("changes", "route", "klasse"),
    [
        ({}, "REGULIER", "D"),
        ({"intake": {"working": True}}, "PRAKTISCH", "D"),
        # a reference alone is no central decision (the register holds them)
        ({"intake": {"schrijnend": True, "schrijnend_ref": "CT-2026-004"}}, "REGULIER", "D"),
        ({"intake": {"schrijnend": True}}, "REGULIER", "D"),
    ],
)
def test_the_intake_places_a_complete_request_by_policy(
    changes: dict[str, Any], route: str, klasse: str
) -> None:
    result = assess({**EMPLOYER, **changes})
    outcome = intake_outcome(result, POLICY)
    assert outcome.complete
    assert outcome.route is not None and outcome.route.code == route
    assert outcome.klasse == klasse


def test_an_incomplete_request_gets_no_route() -> None:
    outcome = intake_outcome(assess(variant(EMPLOYER, request__reason=...)), POLICY)
    assert not outcome.complete and outcome.route is None


def test_medical_detail_in_an_employers_text_is_a_warning_not_an_error() -> None:
    data = variant(
        EMPLOYER,
        request__change="Sinds de burn-out en de Depressie slikt hij 20 mg sertraline.",
        request__attachments=["MRI-verslag hernia"],
    )
    result = assess(data)
    assert result.complete
    by_field = {w.field: w.message for w in result.warnings}
    assert set(by_field) == {"request.change", "request.attachments"}
    assert "burn-out, Depressie, 20 mg, sertraline" in by_field["request.change"]
    worker = variant(WORKER, request__change="Mijn depressie is erger geworden.")
    assert assess(worker).warnings == ()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Hij heeft kanker en gebruikt medicijnen", ["kanker", "medicijnen"]),
        ("antidepressiva, 2,5 mg", ["antidepressiva", "2,5 mg"]),
        ("Overspannenheid na een hernia-operatie", ["Overspannenheid", "hernia-operatie"]),
        ("Werkt in het magazijn als mgr. en tilt niet meer", []),
        ("Kan geen diensten meer draaien, werkt halve dagen", []),
        ("Medische informatie volgt via de bedrijfsarts", []),
    ],
)
def test_medical_terms(text: str, found: list[str]) -> None:
    assert medical_terms(text) == found


def test_the_reference_follows_from_the_content_only() -> None:
    reordered = dict(reversed(list(EMPLOYER.items())))
    first = assess(EMPLOYER).request.reference
    assert first.startswith("HB-") and len(first) == 13
    assert assess(reordered).request.reference == first
    assert assess({**EMPLOYER, "intake": {"working": True}}).request.reference == first
    assert assess(variant(EMPLOYER, client__name="Piet")).request.reference != first
    assert assess({**EMPLOYER, "reference": "HB-2026-0042"}).request.reference == "HB-2026-0042"
    assert derive_reference(EMPLOYER) == first
    respelled = variant(
        EMPLOYER,
        requested_on="02-11-2026",
        benefit__percentage="85",
        requester__authorisation=...,
        request__kind="Herbeoordeling",
    )
    assert assess(respelled).request.reference == first


def test_parse_json_names_line_and_column() -> None:
    with pytest.raises(RequestFileError, match="regel 2, kolom"):
        parse_json('{\n  "requested_on": ,\n}')
    with pytest.raises(RequestFileError, match="JSON-object"):
        parse_json("[1, 2]")
