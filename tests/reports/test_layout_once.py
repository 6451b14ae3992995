"""The PDFs' shortcuts change nothing on paper: a table laid out once per width
(``reports.base.Grid``), a text split into the font's subset codes once per document
(``reports.base._Font``), the font programs of subsets kept once made (``reports.base._Face``)
and a line's operators written directly (``reports.base.draw_line``) give byte for byte the PDF
that reportlab's own ``Table.wrap``, ``TTFont.splitString``, ``TTFontFace.addSubsetObjects`` and
canvas calls give, for an MDB summary of many cases with tables that split over pages, and for
the herbeoordeling form. Every document's subsets start with the same
characters, so different documents embed the same font program."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.platypus import Table

from mdbtriage.core.herbeoordeling import assess, intake_outcome
from mdbtriage.core.meetings import MeetingSummary, SummaryActivity, SummaryCase
from mdbtriage.core.policy import load_policy
from mdbtriage.reports import base
from mdbtriage.reports.herbeoordeling_pdf import render_request
from mdbtriage.reports.mdb_summary import build_summary_pdf
from tests.reports.summaries import closed_summary

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"


def _summary() -> MeetingSummary:
    cases = tuple(
        SummaryCase(
            case_ref=f"R-{n}",
            client_name=f"Cliënt {n} Öztürk",
            bsn="123456782",
            service="ZW",
            status="bespreken",
            reason="nieuw",
            klasse="A",
            route="REGULIER",
            proposed_lead="VA",
            remarks=" ".join(f"Opmerking {n}.{i} over het werk." for i in range(40 * (n % 3))),
            medical_remarks="\n".join(f"Overweging {i}" for i in range(n % 5)),
            triage_reasons=tuple(f"Reden {i}" for i in range(3 + n % 4)),
            activities=(
                SummaryActivity("SPREEKUUR", "Dokter", "VA", date(2026, 12, 1), "Noot " * n),
            ),
        )
        for n in range(1, 31)
    )
    return closed_summary(cases)


def _request() -> bytes:
    assessment = assess(json.loads(EXAMPLE.read_text("utf-8")))
    return render_request(assessment, intake_outcome(assessment, load_policy()))


@pytest.mark.parametrize("make", [lambda: build_summary_pdf(_summary()), _request])
def test_the_shortcuts_give_the_same_pdf_as_reportlab(make, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fast = make()
    monkeypatch.setattr(base.Grid, "wrap", Table.wrap)
    monkeypatch.setattr(base._Font, "splitString", TTFont.splitString)
    monkeypatch.setattr(base._Face, "addSubsetObjects", TTFontFace.addSubsetObjects)
    monkeypatch.setattr(base, "draw_line", base.draw_line_reportlab)
    plain = make()
    assert fast == plain


def _font_programs(pdf: bytes) -> dict[str, bytes]:
    """The embedded font programs of a PDF by font name (subset prefix left off)."""
    programs = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"]).split("+", 1)[1]
            program = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            assert programs.setdefault(name, program) == program
    return programs


def test_different_documents_embed_the_same_font_program() -> None:
    summary, request = _font_programs(build_summary_pdf(_summary())), _font_programs(_request())
    assert summary[base.FONT] == request[base.FONT]
    assert summary[base.FONT_BOLD] == request[base.FONT_BOLD]


def test_characters_beyond_the_common_ones_are_embedded_and_found_again() -> None:
    names = "Łukasz Wąsik, Jürgen Straße, Ayşe Öztürk, İlknur Çelik, Zoë “Bo” Müller…"
    summary = _summary()
    first = replace(summary.cases[0], client_name=names)
    pdf = build_summary_pdf(replace(summary, cases=(first, *summary.cases[1:])))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert names in text


def test_a_table_is_laid_out_once_per_width(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[float] = []
    real = Table._calc

    def counted(self, width, height):  # type: ignore[no-untyped-def]
        calls.append(width)
        return real(self, width, height)

    monkeypatch.setattr(Table, "_calc", counted)
    grid = base.Grid([["a", "b"], ["c", "d"]], colWidths=[50, 50])
    assert grid.wrap(100, 1000) == grid.wrap(100, 10**7)
    assert len(calls) == 1
    grid.wrap(120, 1000)
    assert len(calls) == 2
    # With spanned rows reportlab stops measuring where the rows overflow the height offered
    # (long tables): such a partial layout is made again on the next wrap.
    short = base.Grid(
        [[f"regel {i}", ""] for i in range(200)],
        colWidths=[50, 50],
        style=[("SPAN", (0, 0), (1, 1))],
        longTableOptimize=1,
    )
    short.wrap(100, 20)
    assert short._hmax < 200
    short.wrap(100, 20)
    assert len(calls) == 4
    short.wrap(100, 10**7)  # every row measured: kept
    short.wrap(100, 20)
    assert len(calls) == 5
