"""The herbeoordeling PDF's intake prints the central decision's reference and date."""

from __future__ import annotations

from datetime import date

from mdbtriage.core.central import CentralDecision
from mdbtriage.core.herbeoordeling import assess, intake_outcome
from mdbtriage.reports.herbeoordeling_pdf import render_request
from tests.reports.test_herbeoordeling_pdf import POLICY, example, text_of


def test_the_intake_prints_the_central_decision() -> None:
    data = example()
    data["intake"] = {**data["intake"], "schrijnend": True, "schrijnend_ref": "CT-2026-004"}  # type: ignore[dict-item]
    assessment = assess(data)
    bsn = assessment.request.client.bsn
    decision = CentralDecision("CT-2026-004", None, bsn, date(2026, 11, 10), "toegekend")
    text, _pages = text_of(render_request(assessment, intake_outcome(assessment, POLICY, decision)))
    assert "ja, centraal getoetst: centrale toets CT-2026-004 van 10-11-2026: toegekend" in text
    assert "B: schrijnend, centraal getoetst" in text
    without = intake_outcome(assessment, POLICY)
    text, _pages = text_of(render_request(assessment, without))
    assert "gemeld met referentie CT-2026-004, maar geen centrale beslissing vastgelegd" in text
