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
        for width in (120, 40, 400):
            fast = para(text, style)
            parsed = Paragraph(escape(text).replace("\n", "<br/>"), style)
            size = fast.wrap(width, 800)
            assert size == parsed.wrap(width, 800)
            assert _lines(fast) == _lines(parsed)
            assert fast.wrap(width, 800) == size  # remembered


def _lines(paragraph: Paragraph) -> dict[str, object]:
    """What wrapping left on the paragraph: its lines and the measures ``breakLines`` keeps."""
    known = dict(paragraph.__dict__)
    lines = known.pop("blPara")
    for own in ("_wrapped_to", "_plain"):
        known.pop(own, None)
    return {**_plain(known), "lines": _plain(lines)}


def _plain(value: object) -> object:
    """Fragments and lines as plain data that compares by content."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, *(_plain(item) for item in value)]
    if hasattr(value, "__dict__") and not hasattr(value, "rgb"):
        return [type(value).__name__, _plain(vars(value))]
    return value


def test_plain_lines_and_edge_cases() -> None:
    for text in ["", " ", "x", "  Hallo  wereld ", "a\tb\xa0c", "Çağrı  İnce", "a & b", "x\ny"]:
        _same(text)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_any_text_gives_the_parsers_paragraph(text: str) -> None:
    _same(text)
