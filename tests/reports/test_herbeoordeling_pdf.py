"""The herbeoordeling PDF: deterministic, every filled-in field in its text, ONVOLLEDIG receipt."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from mdbtriage.core.herbeoordeling import assess, intake_outcome
from mdbtriage.core.policy import load_policy
from mdbtriage.reports.herbeoordeling_pdf import IncompleteRequest, render_receipt, render_request

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
POLICY = load_policy()


def example() -> dict[str, object]:
    data: dict[str, object] = json.loads(EXAMPLE.read_text("utf-8"))
    return data


def text_of(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def test_the_form_holds_every_field_and_page_numbers() -> None:
    assessment = assess(example())
    pdf = render_request(assessment, intake_outcome(assessment, POLICY))
    text, pages = text_of(pdf)
    for expected in (
        "Aanvraag herbeoordeling",
        assessment.request.reference,
        "02-11-2026",
        "werkgever",
        "M. de Vries",
        "Bouwbedrijf Noorderhaven B.V.",
        "111222333L01",
        "123456782",
        "Jan Jansen",
        "12-04-1968",
        "WGA 80-100%",
        "85%",
        "01-03-2024",
        "01-06-2026",
        "bedrijfsarts A. Bakker, Arbodienst Noord",
        "kan minder werken",
        "Functiebeschrijving uitvoerder",
        "regulier, voorgestelde regie VA",
        "SMC-GRONINGEN",
        "Handtekening",
        f"pagina {pages} van {pages}",
    ):
        assert expected in text, expected
    assert text.count(assessment.request.reference) >= 2 * pages
    assert "ONVOLLEDIG" not in text


def test_the_same_request_gives_the_same_bytes() -> None:
    assessment = assess(example())
    outcome = intake_outcome(assessment, POLICY)
    assert render_request(assessment, outcome) == render_request(assessment, outcome)


def test_an_incomplete_request_is_only_a_receipt_listing_what_is_missing() -> None:
    data = example()
    data["consent"] = None
    assert isinstance(data["requester"], dict)
    del data["requester"]["loonheffingennummer"]
    assessment = assess(data)
    outcome = intake_outcome(assessment, POLICY)
    with pytest.raises(IncompleteRequest):
        render_request(assessment, outcome)
    text, _ = text_of(render_receipt(assessment, outcome))
    assert "ONVOLLEDIG" in text
    assert "Wat ontbreekt of niet klopt (2)" in text
    assert "Loonheffingennummer: ontbreekt (verplicht voor een werkgever)" in text
    assert "Toestemming van de cliënt: ontbreekt" in text
    assert "Jan Jansen" in text
