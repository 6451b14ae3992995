"""Long free text never breaks a PDF: it is cut into table rows that flow on over numbered pages
(reports/base.py ``text_rows``), in the MDB summary as in the herbeoordeling form."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from mdbtriage.core.meetings import SummaryActivity, SummaryCase
from mdbtriage.reports.base import text_rows
from mdbtriage.reports.mdb_summary import build_summary_pdf
from tests.reports.summaries import closed_summary


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_an_mdb_summary_with_very_long_remarks_and_notes_paginates() -> None:
    remark = " ".join(f"Opmerking{i:04d} over het werk." for i in range(1500))
    case = SummaryCase(
        case_ref="R-1",
        client_name="Jan Jansen",
        bsn="123456782",
        service="ZW",
        status="bespreken",
        reason="nieuw",
        klasse="A",
        route="REGULIER",
        proposed_lead="VA",
        remarks=remark,
        medical_remarks="\n".join(f"Overweging {i}" for i in range(300)),
        triage_reasons=tuple(f"Reden {i}" for i in range(120)),
        activities=(
            SummaryActivity("SPREEKUUR", "Dokter", "VA", date(2026, 12, 1), "Noot " * 1500),
        ),
    )
    summary = closed_summary((case,))
    pages = pages_of(build_summary_pdf(summary))
    total = len(pages)
    assert total > 5
    assert all(f"pagina {n} van {total}" in text for n, text in enumerate(pages, start=1))
    whole = " ".join(pages)
    assert "Opmerking0000" in whole and "Opmerking1499" in whole
    assert "Overweging 299" in whole and "Reden 119" in whole


@given(st.text(max_size=3000), st.integers(20, 1000))
def test_text_rows_keep_every_word_and_fit_the_limit(text: str, limit: int) -> None:
    pieces = text_rows(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
