"""Shared building blocks of every PDF: the embedded DejaVu font, A4 page furniture with
"pagina x van y", the document information (title, subject, author, language, and as creation
date the document's own date) and deterministic output (reportlab ``invariant=1``).

Reports take plain data and return bytes; they never read the store or the clock.
"""

from __future__ import annotations

import functools
import re
import weakref
from datetime import date
from itertools import islice
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFName, PDFString, PDFZCompress
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph, Table
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paragraph import split as split_words
from reportlab.platypus.paragraph import strip as strip_text

from mdbtriage.core.resources import resource

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
PAGE_SIZE = A4
MARGIN = 18 * mm
# The language of every PDF, for screen readers and for a viewer's hyphenation and search.
LANGUAGE = "nl-NL"
AUTHOR = "MDB Triage"

_registered = False

# Page streams are written compressed (Flate) as binary, without reportlab's default ASCII85
# layer on top: a 7-bit transport encoding that makes them a quarter larger and took about a
# tenth of the time of a herbeoordeling PDF. Every PDF of this program is made here.
rl_config.useA85 = 0


# A table row cannot break across pages, so free text goes into rows of at most this many
# characters (a third of a page in the narrowest column): long text then flows on.
ROW_CHARS = 900


def text_rows(text: str, limit: int = ROW_CHARS) -> list[str]:
    """``text`` cut into pieces that each fit one table row: at every line break, and a line
    longer than ``limit`` at the last space before it (or at ``limit`` when it has none)."""
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", limit // 2, limit + 1)
            cut = cut if cut > 0 else limit
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        pieces.append(line)
    return pieces


class Para(Paragraph):  # type: ignore[misc]  # reportlab has no types
    """A paragraph that keeps its lines for the width it was last wrapped to, and draws a
    plain single line directly.

    A table wraps every cell several times (sizing its row, keeping a section together,
    splitting at a page end, drawing), always to the same width; the lines are the same each
    time. Most of our paragraphs are one left-aligned line in one font and colour: that line is
    drawn where reportlab's ``drawPara`` draws it (baseline at the top less the font size, same
    font, size, leading and colour), in page coordinates instead of inside a translated
    coordinate system of its own, which skips most of the per-paragraph work of drawing.
    Anything else is drawn by reportlab."""

    width: float
    height: float

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        known = self.__dict__
        if known.get("_wrapped_to") == availWidth and "blPara" in known:
            return self.width, self.height
        lines = self._one_line(availWidth) if known.get("_plain") else None
        if lines is None:
            size: tuple[float, float] = super().wrap(availWidth, availHeight)
        else:
            self.width = availWidth
            self._wrapWidths = [availWidth, availWidth]
            self.blPara = lines
            self.height = self.style.leading
            size = (availWidth, self.height)
        self._wrapped_to = availWidth
        return size

    def _one_line(self, width: float) -> Any:
        """The lines ``breakLines`` makes for a plain text that fits on one line of ``width``
        (its words, measured and added up as it does), or None when the text does not fit and
        is left to reportlab. Only for a paragraph made by :func:`para` from one plain
        fragment in a style without indents, bullets, word-wrap modes or shaping."""
        frag = self.frags[0]
        if width < 1e-8 or hasattr(frag, "backColor") or hasattr(frag, "cbDefn"):
            return None
        font, size = frag.fontName, frag.fontSize
        measured = _measured_words(frag.text, font, size, self.encoding)
        if measured is None:
            return None
        words, used = measured
        if used > width:
            return None
        self.height = 0
        self._width_max = used if used > 0 else 0
        self._splitLongWordCount = self._hyphenations = 0
        ascent, descent = pdfmetrics.getAscentDescent(font, size)
        return frag.clone(
            kind=0,
            lines=[(width - used, list(words))],
            ascent=ascent,
            descent=descent,
            fontSize=size,
        )

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        line = self._plain_line()
        if line is None:
            super().drawOn(canvas, x, y, _sW)
            return
        lines = self.blPara
        x = self._hAlignAdjust(x, _sW)
        draw_line(
            canvas,
            TextLine(
                line,
                lines.fontName,
                lines.fontSize,
                self.style.leading,
                lines.textColor,
                x,
                y + self.height - lines.fontSize,
            ),
        )

    def _plain_line(self) -> str | None:
        """The text of the one line this paragraph was wrapped to, when ``drawPara`` would
        draw it as a plain left-aligned line (no indent, bullet, border, background, underline,
        link, stretched word spacing or direction); otherwise None."""
        known = self.__dict__
        lines = known.get("blPara")
        if (
            lines is None
            or lines.kind != 0
            or len(lines.lines) != 1
            or lines.us_lines
            or lines.link
            or known.get("_splitpara")
            or known.get("_offsets") is not None
            or known.get("_showBoundary")
            or self.bulletText
            or self.debug
            or not rl_config.paraFontSizeHeightOffset
        ):
            return None
        style = self.style
        if (
            style.alignment != TA_LEFT
            or style.leftIndent
            or style.firstLineIndent
            or style.backColor
            or (style.borderColor and style.borderWidth)
            or style.wordWrap
            or getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
            not in ("", "off", None)
        ):
            return None
        extra_space, words = lines.lines[0]
        if extra_space <= -1e-8:
            return None
        return " ".join(words)


# The words of a plain text and their width on one line, by text, font and size: the labels of
# our forms and summaries are the same in every PDF (and often many times in one).
MEASURED_KEPT = 4096


@functools.lru_cache(maxsize=MEASURED_KEPT)
def _measured_words(
    text: str, font: str, size: float, encoding: str
) -> tuple[tuple[str, ...], float] | None:
    """The words ``breakLines`` makes of ``text`` and their width on one line, measured word by
    word and added up as it does; None for a text without words."""
    words = split_words(strip_text(text))
    if not words:
        return None
    space = pdfmetrics.stringWidth(" ", font, size, encoding)
    used = -space
    for word in words:
        used = used + space + pdfmetrics.stringWidth(word, font, size, encoding)
    return tuple(words), used


class TextLine(NamedTuple):
    """One line of text to draw: its font, size and leading, colour and baseline position."""

    text: str
    font_name: str
    size: float
    leading: float
    color: Any
    x: float
    y: float


def draw_line(canvas: Any, line: TextLine) -> None:
    """Draw ``line`` as :func:`draw_line_reportlab` does, writing the same page operators
    directly where they are known (:func:`_line_operators`): a paragraph of one line is the most
    frequent thing on our pages, and reportlab's objects for it cost more than the text."""
    operators = _line_operators(canvas, line)
    if operators is None:
        draw_line_reportlab(canvas, line)
    else:
        canvas._code.extend(operators)


def draw_line_reportlab(canvas: Any, line: TextLine) -> None:
    """One line of text drawn through reportlab's canvas: the state saved, the colour set, a
    text object at (x, y) in the font, size and leading, the text put out, the state restored."""
    canvas.saveState()
    canvas.setFillColor(line.color)
    text_object = canvas.beginText(line.x, line.y)
    text_object.setFont(line.font_name, line.size, line.leading)
    text_object._textOut(line.text, 1)
    canvas.drawText(text_object)
    canvas.restoreState()


def _line_operators(canvas: Any, line: TextLine) -> list[str] | None:
    """The page operators :func:`draw_line_reportlab` writes: the state saved, the colour, the
    text object, the state restored. None where they could differ from these: another font, a
    colour that is not plain RGB, transparency in force, a page drawn top down."""
    color = line.color
    if (
        type(color) is not Color
        or getattr(color, "alpha", None) not in (None, 1)
        or canvas._extgstate._d.get("ca", 1) != 1
        or getattr(canvas, "_enforceColorSpace", None) is not None
        or not canvas.bottomup
    ):
        return None
    font = pdfmetrics.getFont(line.font_name)
    if not isinstance(font, _Font):
        return None
    doc = canvas._doc
    if color.alpha is not None:  # setting an opacity, even the full one, asks for PDF 1.4
        doc.ensureMinPdfVersion("transparency")
    escape_text = canvas._escape
    shown: list[str] = []
    current = -1
    for subset, part in font.splitString(line.text, doc):
        if subset != current:
            shown.append(
                f"{font.getSubsetInternalName(subset, doc)} {fp_str(line.size)} Tf "
                f"{fp_str(line.leading)} TL"
            )
            current = subset
        shown.append(f"({escape_text(part)}) Tj")
    return [
        "q",
        f"{fp_str((color.red, color.green, color.blue))} rg",
        f"BT 1 0 0 1 {fp_str(line.x, line.y)} Tm {' '.join(shown)} T* ET",
        "Q",
    ]


# Text that reportlab's paragraph parser would see as more than one plain fragment: markup
# (after escaping) or a line break (which becomes <br/>).
_NOT_PLAIN = re.compile("[&<>\n]")
# Per style, the fragment the parser makes for a plain text (a template: fonts, colour, size).
_plain_frags: weakref.WeakKeyDictionary[ParagraphStyle, Any] = weakref.WeakKeyDictionary()


def _simple_lines(style: ParagraphStyle) -> bool:
    """Whether ``breakLines`` in ``style`` puts a plain text that fits on one line as is."""
    return not (
        style.leftIndent
        or style.firstLineIndent
        or style.rightIndent
        or getattr(style, "bulletText", None)
        or style.endDots
        or style.wordWrap
        or style.shaping
        or style.backColor
        or getattr(style, "autoLeading", "") not in ("", "off", None)
    )


class Grid(Table):  # type: ignore[misc]  # reportlab has no types
    """A table that lays itself out once for a width.

    reportlab's ``Table.wrap`` measures every cell again on each call, and a table is wrapped
    several times to the same width: ``KeepTogether`` measures its content (with unlimited
    height), the frame wraps it again to place it, a split wraps it once more. Once every row has
    been measured (reportlab may stop early when rows overflow the height offered), the result
    depends on the width alone; a later wrap to that width returns it unchanged."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self.__dict__.get("_laid_out_for") == availWidth:
            self.availWidth = availWidth
            return self._width, self._height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        complete = self.__dict__.get("_hmax") == len(self._argH)
        self._laid_out_for = availWidth if complete else None
        return size


def para(text: str, style: ParagraphStyle) -> Para:
    """``text`` (plain, not markup) as a paragraph in ``style``, each line break kept.

    Most of our texts are one plain line: for those the fragment reportlab's markup parser
    would make is made directly from the style's template (the same attributes, the same
    whitespace cleaning), which skips the parser; anything else goes through the parser.
    ``tests/reports/test_para_fast_path.py`` holds the two against each other. A style must
    not be changed after its first use here."""
    if _NOT_PLAIN.search(text) is None and not style.textTransform:
        template = _plain_frags.get(style)
        if template is None:
            template = _plain_frags[style] = Paragraph("x", style).frags[0]
        clean = cleanBlockQuotedText(text)
        frags = []
        if clean:
            frag = template.clone(text=clean)
            frag.link = []
            frag.us_lines = []
            frags.append(frag)
        made = Para(clean, style, frags=frags)
        made._plain = bool(frags) and "\xad" not in clean and _simple_lines(style)
        return made
    return Para(escape(text).replace("\n", "<br/>"), style)


# The characters beyond ASCII that every document's font subsets start with, in this order:
# the Dutch and Turkish letters of names and the punctuation our texts use. reportlab numbers
# the characters of a document's first subset in the order they first appear, so two
# documents with the same characters still made different subsets; starting from the same
# 31 (the free codes below 32 of that subset), nearly every document's first subset is the
# same, and its font program is made and compressed once per process (``_Face``).
COMMON_CHARACTERS = "éëèêïöüóáàäçñíÉÖÜÇŞİğış·–—…•’“”"


class _States(weakref.WeakKeyDictionary):  # type: ignore[type-arg]
    """A font's per-document state, made on first use with the common characters first."""

    def __init__(self, font: _Font) -> None:
        super().__init__()
        self.font = weakref.ref(font)

    def __getitem__(self, doc: Any) -> Any:
        try:
            return super().__getitem__(doc)
        except KeyError:
            font = self.font()
            if font is None:
                raise
            state = self[doc] = TTFont.State(font._asciiReadable, font)
            TTFont.splitString(font, COMMON_CHARACTERS, doc)
            return state


class _Face(TTFontFace):  # type: ignore[misc]  # reportlab has no types
    """The font file, which keeps the font programs of the subsets it made.

    Embedding a subset means cutting its glyphs out of the font file and compressing them
    (about 1.5 ms a font in each PDF). The same subset always gives the same program, so the
    programs of the last few subsets are kept; the PDF is byte for byte what reportlab writes."""

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:
        if not doc.compression:
            return super().addSubsetObjects(doc, fontname, subset)
        made = _font_program(self, tuple(subset))
        # As ``TTFontFace.addSubsetObjects``, with the program compressed already (a stream
        # whose dictionary names its filter is written as it is).
        font_file = pdfdoc.PDFStream()
        font_file.content = made[0]
        font_file.dictionary["Length1"] = made[1]
        font_file.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(PDFZCompress.pdfname)])
        font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        flags = (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": flags,
                "FontBBox": pdfdoc.PDFArray(self.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


KEPT_SUBSETS = 16  # per font: a handful of subsets are in use, each program some 20 KB


@functools.lru_cache(maxsize=KEPT_SUBSETS * 3)  # our three fonts
def _font_program(face: _Face, subset: tuple[int, ...]) -> tuple[bytes, int]:
    """The font program of ``subset`` of ``face``, compressed, and its length uncompressed."""
    program = face.makeSubset(list(subset))
    return PDFZCompress.encode(program), len(program)


class _Font(TTFont):  # type: ignore[misc]  # reportlab has no types
    """The embedded font, which splits a text into its subsets' codes once per document, starts
    every document's subsets with :data:`COMMON_CHARACTERS` and keeps the font programs of the
    subsets it embedded (``_Face``).

    Every text drawn in a TrueType font goes through ``splitString``, which looks up each
    character's code in the document's subsets in Python; our PDFs draw the same labels and
    values many times. Once a text is split, its characters have their codes in that document
    for good (codes are only ever added), so the split is kept with the document's state."""

    def __init__(self, name: str, handle: Any) -> None:
        super().__init__(name, handle)
        self.face.__class__ = _Face
        self.state = _States(self)

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> Any:
        state = self.state[doc]
        known: dict[str, Any] | None = getattr(state, "mdb_splits", None)
        if known is None:
            known = state.mdb_splits = {}
            state.mdb_codes = {}  # character → its code, for those of the first subset
            state.mdb_seen = 0  # how many of the state's assignments are in mdb_codes
        found = known.get(text)
        if found is not None:
            return found
        codes: dict[int, int] = state.mdb_codes
        if type(text) is str and all(map(codes.__contains__, map(ord, set(text)))):
            # Every character has its code in the first subset already: the one run
            # ``TTFont.splitString`` would give, its bytes made in one pass by ``translate``.
            found = [(0, text.translate(codes).encode("latin-1"))] if text else []
        else:
            found = super().splitString(text, doc, encoding)
            self._learn(state)
        known[text] = found
        return found

    @staticmethod
    def _learn(state: Any) -> None:
        """Add the characters given codes in the first subset since the last call to
        ``state.mdb_codes`` (codes are only ever added, in order)."""
        assignments: dict[int, int] = state.assignments
        if len(assignments) == state.mdb_seen:
            return
        codes: dict[int, int] = state.mdb_codes
        for char, code in islice(assignments.items(), state.mdb_seen, None):
            if code < 256:
                codes[char] = code
        if 32 in codes:  # a no-break space is written as a space
            codes[0xA0] = codes[32]
        state.mdb_seen = len(assignments)


def register_fonts() -> None:
    """Register the shipped DejaVu fonts once (they print every Dutch and Turkish character)."""
    global _registered
    if _registered:
        return
    for name in (FONT, FONT_BOLD, FONT_ITALIC):
        with resource("fonts", f"{name}.ttf").open("rb") as handle:
            pdfmetrics.registerFont(_Font(name, handle))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
    )
    # Table cells that hold a plain string (an empty filler cell, say) are drawn in the cell
    # style's font, which reportlab sets to Helvetica: a font the PDF would then reference
    # without embedding it. Every text of our PDFs is in DejaVu, embedded.
    from reportlab.platypus.tables import CellStyle

    CellStyle.fontname = FONT
    _registered = True


def pdf_date(day: date) -> str:
    """``day`` as a PDF date of the day alone ("D:20261102"): the time is not known."""
    return f"D:{day.year:04d}{day.month:02d}{day.day:02d}"


class DocumentInfo(PDFInfo):  # type: ignore[misc]  # reportlab has no types
    """The document information dictionary as reportlab writes it, with ``made_on`` (the
    document's own date: the date of the request, the day a summary was printed) as its creation
    and modification date. reportlab's invariant mode, which keeps the output the same for the
    same input, would write 1 January 2000; without a date of its own a document has none."""

    made_on: date | None = None

    def format(self, document: Any) -> Any:
        entries: dict[str, Any] = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "Producer": PDFString(self.producer),
            "Creator": PDFString(self.creator),
            "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords),
            "Trapped": PDFName(self.trapped),
        }
        if self.made_on is not None:
            entries["CreationDate"] = entries["ModDate"] = PDFString(pdf_date(self.made_on))
        return PDFDictionary(entries).format(document)


class NumberedCanvas(pdfcanvas.Canvas):  # type: ignore[misc]  # reportlab has no types
    """A canvas that writes "pagina x van y" and a footer line on every page once the total
    is known. Set ``footer_left`` (e.g. reference and date) before building, and ``made_on``,
    the document's date, for its document information (:class:`DocumentInfo`)."""

    footer_left = ""
    made_on: date | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invariant", 1)
        # Every page starts in the embedded DejaVu font: reportlab's default, Helvetica, would
        # otherwise be referenced (not embedded) by each page even where no text uses it.
        register_fonts()
        if not kwargs.get("initialFontName"):  # platypus passes None explicitly
            kwargs["initialFontName"] = FONT
        super().__init__(*args, **kwargs)
        info = DocumentInfo()
        info.__dict__.update(self._doc.info.__dict__)
        info.made_on = self.made_on
        self._doc.info = info
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setFont(FONT, 8)
        self.setStrokeGray(0.6)
        self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        self.drawString(MARGIN, 10 * mm, self.footer_left)
        self.drawRightString(width - MARGIN, 10 * mm, f"pagina {self._pageNumber} van {total}")
        self.restoreState()


def numbered_canvas(footer_left: str, made_on: date | None = None) -> type[NumberedCanvas]:
    """A NumberedCanvas class with a fixed footer text and the document's date (its creation
    date in the document information), for ``doc.build(canvasmaker=...)``."""
    return type("FooterCanvas", (NumberedCanvas,), {"footer_left": footer_left, "made_on": made_on})
