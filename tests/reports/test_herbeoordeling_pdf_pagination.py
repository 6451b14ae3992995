"""Long requests flow on over as many pages as they need, each page numbered "pagina x van y";
only absurd sizes are refused (by the request's bounds, before a PDF is made)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from mdbtriage.core.herbeoordeling import MAX_ATTACHMENTS, MAX_TEXT, assess, intake_outcome
from mdbtriage.core.policy import load_policy
from mdbtriage.reports.herbeoordeling_pdf import render_receipt, render_request

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
POLICY = load_policy()


def request(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    data["request"].update(changes)
    return data


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("count", [30, 100])
def test_many_attachments_flow_on_over_numbered_pages(count: int) -> None:
    attachments = [f"Bijlage {i:03d}: verslag van het gesprek op de werkplek" for i in range(count)]
    assessment = assess(request(attachments=attachments))
    assert assessment.complete
    pages = pages_of(render_request(assessment, intake_outcome(assessment, POLICY)))
    total = len(pages)
    assert total >= (2 if count == 30 else 3)
    for number, text in enumerate(pages, start=1):
        assert f"pagina {number} van {total}" in text
        assert f"Referentie {assessment.request.reference}" in text
    whole = " ".join(pages)
    for i in range(count):
        assert f"Bijlage {i:03d}:" in whole
    assert "Handtekening" in pages[-1]


def test_long_texts_and_the_longest_attachments_allowed_still_print() -> None:
    long_text = ("De werknemer kan zijn taken niet meer volhouden. " * 40)[:MAX_TEXT]
    assessment = assess(
        request(
            reason=long_text,
            change="\n".join(f"Regel {i} van de beschrijving." for i in range(60)),
            attachments=[("Bijlage " * 300)[:MAX_TEXT]] * 12,
        )
    )
    assert assessment.complete
    pages = pages_of(render_request(assessment, intake_outcome(assessment, POLICY)))
    assert len(pages) > 3
    assert "Regel 59 van de beschrijving." in " ".join(pages)


def test_a_receipt_with_hundreds_of_problems_paginates() -> None:
    data = request(attachments=[""] * MAX_ATTACHMENTS)
    data["client"]["name"] = ""
    assessment = assess(data)
    assert len(assessment.problems) > MAX_ATTACHMENTS
    pages = pages_of(render_receipt(assessment, intake_outcome(assessment, POLICY)))
    total = len(pages)
    assert total > 5
    assert all(f"pagina {n} van {total}" in t for n, t in enumerate(pages, start=1))
    assert f"bijlage {MAX_ATTACHMENTS} moet een niet-lege tekst zijn" in " ".join(pages)


def test_more_attachments_than_the_bound_are_refused_before_printing() -> None:
    assessment = assess(request(attachments=["x"] * (MAX_ATTACHMENTS + 1)))
    assert [p.field for p in assessment.problems] == ["request.attachments"]
    assert "te veel" in assessment.problems[0].message
