"""A plain one-line ``Para`` is drawn by MDB Triage's own short path instead of reportlab's
``drawPara``: every text run must come out where reportlab puts it, in the same font, size and
colour, on pages that mix such lines with paragraphs that wrap, in tables and in the frame."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from mdbtriage.reports.base import FONT, FONT_BOLD, Para, para, register_fonts

register_fonts()
PLAIN = ParagraphStyle("plain", fontName=FONT, fontSize=9, leading=12, textColor=colors.red)
BOLD = ParagraphStyle("bold", PLAIN, fontName=FONT_BOLD, fontSize=11, leading=14)
CENTRED = ParagraphStyle("centred", PLAIN, alignment=TA_CENTER)
INDENTED = ParagraphStyle("indented", PLAIN, leftIndent=12)
TEXTS = [
    "Referentienummer",
    "Çağrı Öztürk-İnce · 02-11-2026",
    "een regel die in een smalle kolom niet past en dus over meer regels loopt " * 2,
    "Eénwoordzonderspatiesdietelangisvoordesmallekolomvandezetabeldusgaathijerover",
    "a & b <c>",
    "twee\nregels",
    "",
]


def _pdf(make: Any) -> bytes:
    out = io.BytesIO()
    story: list[Any] = []
    for style in (PLAIN, BOLD, CENTRED, INDENTED):
        story += [make(text, style) for text in TEXTS]
        rows = [[make(text, style), make(text.upper(), style)] for text in TEXTS]
        table = Table(rows, colWidths=[60, 200])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    SimpleDocTemplate(out, invariant=1).build(story)
    return out.getvalue()


def _runs(pdf: bytes) -> list[tuple[int, str, str, float, float, float, tuple[float, ...]]]:
    runs: list[tuple[int, str, str, float, float, float, tuple[float, ...]]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, n: int = number) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font["/BaseFont"]) if font else ""
            runs.append((n, text, name[7:], round(size, 3), round(x, 2), round(y, 2), ()))

        page.extract_text(visitor_text=visit)
    return runs


def test_plain_lines_are_drawn_where_reportlab_draws_them() -> None:
    fast = _pdf(para)
    slow = _pdf(lambda text, style: Paragraph(para(text, style).text, style, frags=None))
    assert _runs(fast) == _runs(slow)
    assert len(_runs(fast)) > 50


def test_a_paragraph_that_wraps_or_is_not_plain_is_drawn_by_reportlab() -> None:
    assert para(TEXTS[0], PLAIN)._plain_line() is None  # not wrapped yet
    one = para(TEXTS[1], PLAIN)
    one.wrap(200, 100)
    assert one._plain_line() == TEXTS[1]
    for narrow in (TEXTS[0], TEXTS[2]):  # a long word is split, a long line broken
        many = para(narrow, PLAIN)
        many.wrap(60 - 12, 1000)
        assert many._plain_line() is None
    for style in (CENTRED, INDENTED):
        other = para(TEXTS[0], style)
        other.wrap(400, 100)
        assert other._plain_line() is None
    assert isinstance(para("a & b", PLAIN), Para)
