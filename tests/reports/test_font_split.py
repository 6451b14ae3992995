"""Our font splits a text into its subsets' codes (``reports.base._Font.splitString``) exactly
as reportlab's ``TTFont.splitString`` does, text after text in one document: the same runs of
codes, and the same codes given to new characters, whether a text is seen again, holds only
characters that have codes already, or brings new ones (a no-break space, characters the font
lacks, more characters than the first subset holds)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.ttfonts import TTFont

from mdbtriage.reports.base import FONT, FONT_BOLD, register_fonts

register_fonts()

# Texts of characters that have codes from the start (ASCII and the common ones) or get them
# on first use, and texts of any characters: new ones, ones the font lacks, and enough of
# them to fill the first subset.
known = st.text(st.sampled_from("Zaak ëé·İ()\\\xa0\x00\t"), max_size=40)
anything = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.characters(min_codepoint=0x100, max_codepoint=0x24F),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(known | anything, max_size=30), st.sampled_from([FONT, FONT_BOLD]))
def test_a_text_is_split_as_reportlab_splits_it(texts: list[str], name: str) -> None:
    font = pdfmetrics.getFont(name)
    ours, theirs = PDFDocument(), PDFDocument()
    for text in [*texts, *texts]:  # each text a second time: kept splits
        assert font.splitString(text, ours) == TTFont.splitString(font, text, theirs)
    assert font.state[ours].assignments == font.state[theirs].assignments
    assert font.state[ours].subsets == font.state[theirs].subsets
