"""``reports.base.para`` makes the fragments of a plain line itself instead of running
reportlab's markup parser: the paragraph must be the one the parser makes from the escaped text
(a line break as ``<br/>``), for any text, in every style of both reports."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph

from mdbtriage.reports import herbeoordeling_pdf, mdb_summary
from mdbtriage.reports.base import para, register_fonts

register_fonts()
STYLES = [*herbeoordeling_pdf._styles().values(), *mdb_summary._styles().values()]
PIECES = [*"ab Zé€ıİçğ\t\n\xa0\u2028&<>;#'\"·—-.,:0", "&amp;", "<br/>", "Bijlage", "  "]
TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _same(text: str) -> None:
    for style in STYLES:
        fast = para(text, style)
        parsed = Paragraph(escape(text).replace("\n", "<br/>"), style)
        assert [f.__dict__ for f in fast.frags] == [f.__dict__ for f in parsed.frags]
        assert fast.text == parsed.text
        assert fast.style is parsed.style
        assert fast.wrap(120, 800) == parsed.wrap(120, 800)
        assert fast.wrap(120, 800) == parsed.wrap(120, 800)  # remembered lines
        assert fast.wrap(40, 800) == parsed.wrap(40, 800)


def test_plain_lines_and_edge_cases() -> None:
    for text in ["", " ", "x", "  Hallo  wereld ", "a\tb\xa0c", "Çağrı  İnce", "a & b", "x\ny"]:
        _same(text)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_any_text_gives_the_parsers_paragraph(text: str) -> None:
    _same(text)
