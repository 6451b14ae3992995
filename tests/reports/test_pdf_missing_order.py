"""The ONVOLLEDIG receipt lists what is missing or invalid in the order of the form: the kind of
request, in section 1 with the date, comes right after the date, not after the benefit (where
the JSON holds it)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from mdbtriage.core.herbeoordeling import (
    FIELD_LABELS,
    FORM_ORDER,
    Problem,
    assess,
    in_form_order,
    intake_outcome,
)
from mdbtriage.core.policy import load_policy
from mdbtriage.reports import herbeoordeling_pdf
from mdbtriage.reports.herbeoordeling_pdf import render_receipt

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
POLICY = load_policy()


def _incomplete() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    del data["requested_on"]
    data["request"]["kind"] = "iets anders"
    data["requester"]["name"] = ""
    data["requester"]["contact"] = ""
    del data["requester"]["loonheffingennummer"]
    data["client"]["bsn"] = "123456789"
    data["client"]["name"] = ""
    data["benefit"]["law"] = None
    data["benefit"]["percentage"] = 140
    data["benefit"]["last_assessment"] = "31-02-2024"
    data["consent"] = None
    return data


def _listed(pdf: bytes) -> list[str]:
    """The numbered points under "Wat ontbreekt of niet klopt", by their labels."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.findall(r"^\d+\. ([^:\n]+):", text, flags=re.MULTILINE)


def test_the_receipt_lists_the_points_in_the_order_of_the_form() -> None:
    assessment = assess(_incomplete())
    listed = _listed(render_receipt(assessment, intake_outcome(assessment, POLICY)))
    assert listed[:2] == ["Datum aanvraag", "Soort aanvraag"]
    assert listed == [
        "Datum aanvraag",
        "Soort aanvraag",
        "Naam aanvrager",
        "Contactgegevens",
        "Loonheffingennummer",
        "BSN",
        "Naam cliënt",
        "Wet",
        "Arbeidsongeschiktheidspercentage",
        "Datum laatste beoordeling",
        "Toestemming van de cliënt",
    ]


def test_every_field_has_its_place_and_unknown_keys_stand_with_their_part() -> None:
    assert set(FORM_ORDER) == set(FIELD_LABELS)
    assert len(FORM_ORDER) == len(set(FORM_ORDER))
    problems = [
        Problem("extra", "onbekend veld"),
        Problem("consent", "ontbreekt"),
        Problem("client.foo", "onbekend veld"),
        Problem("request.kind", "ontbreekt"),
        Problem("request.bar", "onbekend veld"),
        Problem("client.bsn", "eerste"),
        Problem("client.bsn", "tweede"),
        Problem("requested_on", "ontbreekt"),
    ]
    assert [(p.field, p.message) for p in in_form_order(problems)] == [
        ("requested_on", "ontbreekt"),
        ("request.kind", "ontbreekt"),
        ("client.bsn", "eerste"),
        ("client.bsn", "tweede"),
        ("client.foo", "onbekend veld"),
        ("request.bar", "onbekend veld"),
        ("consent", "ontbreekt"),
        ("extra", "onbekend veld"),
    ]


def test_the_order_is_the_order_the_form_prints_its_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printed: list[str] = []
    rows = herbeoordeling_pdf._Sheet.rows

    def recording(self: Any, section_rows: Any) -> int:
        printed.extend(field for field, _, _ in section_rows if field)
        return rows(self, section_rows)

    monkeypatch.setattr(herbeoordeling_pdf._Sheet, "rows", recording)
    data = _incomplete()
    data["requester"]["kind"] = "gemachtigde"
    assessment = assess(data)
    render_receipt(assessment, intake_outcome(assessment, POLICY))
    assert len(printed) > 20
    assert printed == sorted(printed, key=FORM_ORDER.index)


def test_the_command_line_lists_the_points_in_the_forms_order_too() -> None:
    """One order for the receipt and for core's list of problems (the command line prints it)."""
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["request"]["kind"] = "iets anders"
    document["benefit"]["law"] = None
    problems = assess(document).problems
    fields = [p.field for p in problems]
    assert fields == sorted(fields, key=FORM_ORDER.index)
    assert fields.index("request.kind") < fields.index("benefit.law")
