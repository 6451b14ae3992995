"""A line of text is written to the page directly (``reports.base.draw_line``) with the very
operators reportlab's canvas writes for it (``draw_line_reportlab``): for any text, in each of
our fonts, any plain colour, at any position, and with the canvas left in the same state.
Where the operators could differ (another colour model, transparency, a foreign font) the
line goes through reportlab."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.colors import CMYKColor, Color
from reportlab.pdfgen.canvas import Canvas

from mdbtriage.reports.base import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    TextLine,
    draw_line,
    draw_line_reportlab,
    register_fonts,
)

register_fonts()

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("()\\ëİ·"),
    max_size=60,
)
channel = st.floats(0, 1, allow_nan=False)
coordinate = st.floats(-1000, 1000, allow_nan=False)


def _page(prefix: str) -> Canvas:
    canvas = Canvas(io.BytesIO(), invariant=1)
    if prefix:  # characters already given codes in this document, in another order
        draw_line_reportlab(canvas, TextLine(prefix, FONT, 9, 11, Color(0, 0, 0), 0, 0))
    return canvas


def _state(canvas: Canvas) -> dict[str, Any]:
    state = {name: canvas.__dict__[name] for name in Canvas.STATE_ATTRIBUTES}
    state["_extgstate"] = dict(canvas._extgstate._d)
    return state


@settings(max_examples=200, deadline=None)
@given(
    texts,
    texts,
    st.sampled_from([FONT, FONT_BOLD, FONT_ITALIC]),
    st.sampled_from([6, 8, 9, 10.5, 14]),
    st.sampled_from([7, 11, 12.5, 17]),
    st.tuples(channel, channel, channel),
    coordinate,
    coordinate,
)
def test_a_line_is_written_as_reportlab_writes_it(
    text: str,
    prefix: str,
    font: str,
    size: float,
    leading: float,
    rgb: tuple[float, float, float],
    x: float,
    y: float,
) -> None:
    direct, through = _page(prefix), _page(prefix)
    draw_line(direct, TextLine(text, font, size, leading, Color(*rgb), x, y))
    draw_line_reportlab(through, TextLine(text, font, size, leading, Color(*rgb), x, y))
    assert direct._code == through._code
    assert _state(direct) == _state(through)
    for canvas in (direct, through):
        canvas.showPage()
    assert direct.getpdfdata() == through.getpdfdata()


def test_other_colours_and_transparency_go_through_reportlab() -> None:
    for color in (CMYKColor(0, 1, 1, 0), Color(1, 0, 0, alpha=0.5)):
        direct, through = _page(""), _page("")
        draw_line(direct, TextLine("Tekst", FONT, 9, 11, color, 10, 10))
        draw_line_reportlab(through, TextLine("Tekst", FONT, 9, 11, color, 10, 10))
        assert direct._code == through._code
    # With transparency in force on the page, a plain colour switches it back as reportlab does.
    direct, through = _page(""), _page("")
    for canvas in (direct, through):
        canvas.setFillAlpha(0.3)
    draw_line(direct, TextLine("Tekst", FONT, 9, 11, Color(0, 0, 0), 10, 10))
    draw_line_reportlab(through, TextLine("Tekst", FONT, 9, 11, Color(0, 0, 0), 10, 10))
    assert direct._code == through._code
    assert any(" gs" in op for op in through._code)


def test_a_font_not_ours_goes_through_reportlab() -> None:
    direct, through = _page(""), _page("")
    draw_line(direct, TextLine("Tekst (a)", "Helvetica", 9, 11, Color(0, 0, 0), 10, 10))
    draw_line_reportlab(through, TextLine("Tekst (a)", "Helvetica", 9, 11, Color(0, 0, 0), 10, 10))
    assert direct._code == through._code
