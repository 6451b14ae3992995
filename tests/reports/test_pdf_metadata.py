"""The PDFs' document information: a title and subject that say what the document is, an
author, Dutch as the language, and as creation date the document's own date (the date of the
request, the day a summary was printed) instead of reportlab's invariant 1 January 2000, so the
same input still gives the same bytes."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from mdbtriage.core.herbeoordeling import assess, intake_outcome
from mdbtriage.core.meetings import non_medical
from mdbtriage.core.policy import load_policy
from mdbtriage.reports.herbeoordeling_pdf import render_receipt, render_request
from mdbtriage.reports.mdb_summary import build_summary_pdf
from tests.reports.summaries import closed_summary

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
POLICY = load_policy()


def _example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    return data


def _info(pdf: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document information and the catalog of ``pdf``."""
    reader = PdfReader(io.BytesIO(pdf))
    info = reader.trailer["/Info"].get_object()
    return dict(info), dict(reader.trailer["/Root"].get_object())


def test_the_request_is_titled_and_dated_by_the_request() -> None:
    assessment = assess(_example())
    outcome = intake_outcome(assessment, POLICY)
    pdf = render_request(assessment, outcome)
    info, catalog = _info(pdf)
    reference = assessment.request.reference
    assert info["/Title"] == f"Aanvraag herbeoordeling {reference}"
    assert info["/Subject"].startswith("Aanvraag herbeoordeling: het standaardformulier")
    assert info["/Author"] == "MDB Triage"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261102"
    assert PdfReader(io.BytesIO(pdf)).metadata.creation_date == datetime(2026, 11, 2)
    assert catalog["/Lang"] == "nl-NL"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712  (a PDF boolean)
    assert render_request(assessment, outcome) == pdf  # still the same bytes


def test_a_receipt_is_titled_as_one_and_without_a_date_has_no_creation_date() -> None:
    data = _example()
    data["consent"] = None
    assessment = assess(data)
    info, _ = _info(render_receipt(assessment, intake_outcome(assessment, POLICY)))
    reference = assessment.request.reference
    assert info["/Title"] == f"Ontvangstbewijs aanvraag herbeoordeling {reference}"
    assert info["/Subject"].startswith("Ontvangstbewijs ONVOLLEDIG")
    assert info["/CreationDate"] == "D:20261102"

    del data["requested_on"]
    assessment = assess(data)
    info, _ = _info(render_receipt(assessment, intake_outcome(assessment, POLICY)))
    assert "/CreationDate" not in info and "/ModDate" not in info
    assert info["/Title"].startswith("Ontvangstbewijs aanvraag herbeoordeling")


def test_the_mdb_summary_is_titled_by_team_date_and_version_and_dated_when_printed() -> None:
    summary = replace(closed_summary(()), printed_on=date(2026, 11, 30))
    info, catalog = _info(build_summary_pdf(summary))
    assert info["/Title"] == "MDB-verslag Team 1 02-11-2026 (medische versie)"
    assert "multidisciplinaire bespreking" in info["/Subject"]
    assert "Team 1" in info["/Author"]
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261130"
    assert catalog["/Lang"] == "nl-NL"
    info, _ = _info(build_summary_pdf(non_medical(summary)))
    assert info["/Title"] == "MDB-verslag Team 1 02-11-2026 (niet-medische versie)"
    assert build_summary_pdf(summary) == build_summary_pdf(summary)


def test_the_mdb_summary_names_the_team_by_its_name_only() -> None:
    """A PDF has no tooltip: the team is "SMC Utrecht 1", not also its code."""
    summary = replace(closed_summary(()), team_id="SMC-UTRECHT-1", team_name="SMC Utrecht 1")
    pdf = PdfReader(io.BytesIO(build_summary_pdf(summary)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "SMC Utrecht 1" in text and "SMC-UTRECHT-1" not in text
