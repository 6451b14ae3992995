"""The standard herbeoordeling request as a PDF: a fixed A4 layout with the reference number and
"pagina x van y" on every page, the sections of the form, the team's intake and a signature
block. An incomplete request is only printed as a receipt marked ONVOLLEDIG that lists what is
missing.

Plain data in, bytes out: the output depends only on the request (reportlab ``invariant=1``,
no clock; the creation date is the date of the request), so the same request gives the same
bytes.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from mdbtriage.core.herbeoordeling import (
    EFFECTS,
    LAWS,
    REGIMES,
    REQUEST_KINDS,
    REQUESTER_KINDS,
    Assessment,
    IntakeOutcome,
    format_percentage,
    in_form_order,
)
from mdbtriage.core.model import SERVICES
from mdbtriage.core.validation import format_date
from mdbtriage.reports.base import (
    AUTHOR,
    FONT,
    FONT_BOLD,
    LANGUAGE,
    MARGIN,
    PAGE_SIZE,
    Grid,
    numbered_canvas,
    para,
    register_fonts,
    text_rows,
)

ORGANISATION = "UWV · Sociaal-medisch centrum"
INK = colors.HexColor("#1d2b3a")
RULE = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef2f6")
ALERT = colors.HexColor("#b3261e")
WARN = colors.HexColor("#8a5a00")
LABEL_WIDTH = 58 * mm
# platypus pads its page frame this much on each side: the frame starts this much outside the
# margins, so that the headings, every table and the signature box stand on the margins, level
# with the header and footer rules, each as wide as the text width.
FRAME_PADDING = 6
TEXT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
# A section of at most this many rows is kept whole on one page; a longer one starts on the
# current page when this much room is left (heading and a few rows) and flows on.
KEEP_WHOLE_ROWS = 12
LONG_SECTION_START = 45 * mm


class IncompleteRequest(ValueError):
    """The full form was asked for a request that is not complete."""


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, made once (they are not changed after)."""
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=17, leading=21),
        "sub": ParagraphStyle("sub", base, fontSize=9, textColor=colors.HexColor("#4a5a6a")),
        "section": ParagraphStyle(
            "section", base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=9
        ),
        "label": ParagraphStyle("label", base, fontSize=9, textColor=colors.HexColor("#39475a")),
        "missing": ParagraphStyle("missing", base, textColor=ALERT),
        "warn": ParagraphStyle("warn", base, fontSize=8.5, leading=11, textColor=WARN),
        "note": ParagraphStyle("note", base, fontSize=8.5, leading=11),
        "stamp": ParagraphStyle(
            "stamp",
            base,
            fontName=FONT_BOLD,
            fontSize=22,
            leading=26,
            textColor=ALERT,
            alignment=TA_CENTER,
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return para(text, style)


def _day(value: date | None) -> str:
    return format_date(value) if value else ""


class _Sheet:
    """Builds the sections; on a receipt, empty or refused fields are marked in red."""

    def __init__(self, assessment: Assessment, receipt: bool) -> None:
        self.assessment = assessment
        self.receipt = receipt
        self.s = _styles()
        self.story: list[Any] = []

    def heading(self, text: str) -> None:
        self.story.append(_p(text, self.s["section"]))
        self.story.append(Spacer(1, 2 * mm))

    def section(self, title: str, rows: Sequence[tuple[str, str, str]]) -> None:
        """A numbered section: its heading kept on the page of its first rows. A short section
        stays whole on one page; a long one starts where at least a few rows fit under its
        heading and flows on over the next pages."""
        start = len(self.story)
        self.heading(title)
        count = self.rows(rows)
        block = self.story[start:]
        del self.story[start:]
        if count > KEEP_WHOLE_ROWS:
            self.story.append(CondPageBreak(LONG_SECTION_START))
            self.story.extend(block)
        else:
            self.story.append(KeepTogether(block))

    def _cells(self, field: str, value: str) -> list[Paragraph]:
        """The value column of one field as paragraphs, each its own table row so that a long
        field (many attachments, many problems) flows on over as many pages as it needs."""
        problems = self.assessment.problems_for(field) if field else []
        warnings = self.assessment.warnings_for(field) if field else []
        if problems and self.receipt:
            lines = text_rows(value) if value else []
            cells = [_p(line, self.s["missing"]) for line in lines]
            cells += [_p("— " + p.message, self.s["missing"]) for p in problems]
        else:
            cells = [_p(line or "—", self.s["base"]) for line in text_rows(value or "—")]
        cells += [_p("Let op: " + w.message, self.s["warn"]) for w in warnings]
        return cells

    def rows(self, rows: Sequence[tuple[str, str, str]]) -> int:
        """``(field, label, value)`` rows as a two-column table; a field's lines, problems and
        warnings are rows of their own under one label, ruled off together. Returns the
        number of table rows."""
        data: list[list[Any]] = []
        style: list[Any] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (0, -1), SHADE),
            ("LINEABOVE", (0, 0), (-1, 0), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ]
        for field, label, value in rows:
            cells = self._cells(field, value)
            first = len(data)
            data.append([_p(label, self.s["label"]), cells[0]])
            data.extend(["", cell] for cell in cells[1:])
            last = len(data) - 1
            style.append(("LINEBELOW", (0, last), (-1, last), 0.4, RULE))
            if last > first:
                style.append(("BOTTOMPADDING", (0, first), (-1, last - 1), 1))
                style.append(("TOPPADDING", (0, first + 1), (-1, last), 1))
        table = Grid(data, colWidths=[LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], hAlign="LEFT")
        table.setStyle(TableStyle(style))
        self.story.append(table)
        return len(data)


def _form_sections(sheet: _Sheet, outcome: IntakeOutcome) -> None:
    request = sheet.assessment.request
    requester = request.requester
    client = request.client
    benefit = request.benefit
    motivation = request.request
    non_client = requester.kind is not None and not requester.is_client

    sheet.section(
        "1. Aanvraag",
        [
            ("reference", "Referentienummer", request.reference),
            ("requested_on", "Datum aanvraag", _day(request.requested_on)),
            ("request.kind", "Soort aanvraag", REQUEST_KINDS.get(motivation.kind or "", "")),
        ],
    )
    rows = [
        ("requester.kind", "Soort aanvrager", REQUESTER_KINDS.get(requester.kind or "", "")),
        ("requester.name", "Naam", requester.name),
        ("requester.organisation", "Organisatie", requester.organisation),
        ("requester.contact", "Contactgegevens", requester.contact),
    ]
    if requester.kind in ("werkgever", "eigenrisicodrager") or requester.loonheffingennummer:
        rows.append(
            (
                "requester.loonheffingennummer",
                "Loonheffingennummer",
                requester.loonheffingennummer or "",
            )
        )
    if requester.kind == "gemachtigde" or requester.authorisation:
        rows.append(("requester.authorisation", "Machtiging", requester.authorisation or ""))
    sheet.section("2. Aanvrager", rows)

    sheet.section(
        "3. Cliënt",
        [
            ("client.bsn", "BSN", client.bsn or ""),
            ("client.name", "Naam", client.name),
            ("client.birth_date", "Geboortedatum", _day(client.birth_date)),
        ],
    )
    if benefit.regime:
        regime = REGIMES[benefit.regime]
    elif benefit.law and benefit.law != "WIA":
        regime = "niet van toepassing (alleen bij de WIA)"
    else:
        regime = ""
    sheet.section(
        "4. Huidige uitkering",
        [
            ("benefit.law", "Wet", LAWS.get(benefit.law or "", "")),
            ("benefit.regime", "Regime", regime),
            (
                "benefit.percentage",
                "Arbeidsongeschiktheid",
                format_percentage(benefit.percentage) if benefit.percentage is not None else "",
            ),
            ("benefit.last_assessment", "Laatste beoordeling", _day(benefit.last_assessment)),
        ],
    )
    sheet.section(
        "5. Wat wordt gevraagd en waarom",
        [
            ("request.reason", "Reden van de aanvraag", motivation.reason),
            ("request.change", "Wat is er veranderd", motivation.change),
            ("request.since", "Sinds", _day(motivation.since)),
            ("request.confirmed_by", "Wie kan dit bevestigen", motivation.confirmed_by),
            (
                "request.effect_on_work",
                "Gevolg voor het werk",
                EFFECTS.get(motivation.effect_on_work or "", ""),
            ),
            (
                "request.attachments",
                "Bijlagen",
                "\n".join(f"{i}. {a}" for i, a in enumerate(motivation.attachments, 1)),
            ),
        ],
    )
    if non_client:
        sheet.story.append(Spacer(1, 1.5 * mm))
        sheet.story.append(
            _p(
                "De aanvrager beschrijft het functioneren en het werk, zonder medische details. "
                "Medische informatie gaat alleen apart via de bedrijfsarts of arbodienst, "
                "gemarkeerd 'Medisch geheim'.",
                sheet.s["note"],
            )
        )
    consent = {True: "ja", False: "nee", None: ""}[request.consent]
    if request.consent is None and requester.is_client:
        consent = "niet nodig: de cliënt vraagt zelf aan"
    sheet.section(
        "6. Toestemming",
        [("consent", "Cliënt stemt in met het delen van gegevens", consent)],
    )

    intake = request.intake
    if outcome.complete and outcome.route is not None:
        route = f"{outcome.route.name}, voorgestelde regie {outcome.route.lead_role}"
        klasse = f"{outcome.klasse}: {outcome.klasse_label}" if outcome.klasse else ""
    else:
        route = "wordt bepaald als de aanvraag volledig is"
        klasse = ""
    schrijnend = outcome.schrijnend_text()
    rows = [
        ("", "Volledig", "ja" if outcome.complete else "nee"),
        ("", "Zaaksoort", SERVICES[outcome.service]),
        ("", "Route", route),
    ]
    if klasse:
        rows.append(("", "Klasse werkvoorraad", klasse))
    rows += [
        ("intake.schrijnend", "Schrijnend", schrijnend),
        ("intake.working", "Cliënt heeft inkomsten uit werk", "ja" if intake.working else "nee"),
        ("intake.team", "Team", intake.team or ""),
    ]
    sheet.section("7. Intake door het team", rows)


def _signature_block(sheet: _Sheet) -> None:
    request = sheet.assessment.request
    s = sheet.s
    line = "_" * 34
    left = [
        _p("Aanvrager", s["section"]),
        _p(f"Naam: {request.requester.name}", s["base"]),
        _p(f"Datum: {_day(request.requested_on)}", s["base"]),
        Spacer(1, 9 * mm),
        _p(line, s["base"]),
        _p("Handtekening", s["label"]),
    ]
    right = [
        _p("Voor ontvangst (team)", s["section"]),
        _p("Naam: " + "_" * 26, s["base"]),
        _p("Datum: " + "_" * 25, s["base"]),
        Spacer(1, 9 * mm),
        _p(line, s["base"]),
        _p("Paraaf", s["label"]),
    ]
    table = Grid([[left, right]], colWidths=[TEXT_WIDTH / 2, TEXT_WIDTH / 2], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("LINEBEFORE", (1, 0), (1, 0), 0.6, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    sheet.story.append(
        KeepTogether([_p("8. Ondertekening", s["section"]), Spacer(1, 2 * mm), table])
    )


def _page_furniture(reference: str, stamp: str | None) -> Callable[[Any, Any], None]:
    def draw(canvas: Any, doc: Any) -> None:
        width, height = PAGE_SIZE
        canvas.saveState()
        if stamp:
            canvas.setFillColor(colors.Color(0.70, 0.15, 0.12, alpha=0.10))
            canvas.setFont(FONT_BOLD, 78)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, -20, stamp)
            canvas.rotate(-40)
            canvas.translate(-width / 2, -height / 2)
        canvas.setFillColor(INK)
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, height - 11 * mm, ORGANISATION)
        canvas.setFont(FONT_BOLD, 8)
        canvas.drawRightString(width - MARGIN, height - 11 * mm, f"Referentie {reference}")
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, height - 13 * mm, width - MARGIN, height - 13 * mm)
        canvas.restoreState()

    return draw


def _build(sheet: _Sheet, title: str, subject: str, stamp: str | None) -> bytes:
    """The PDF of ``sheet``: ``title`` with the reference on every page and as the document's
    title, ``subject`` as its subject, and the date of the request as its creation date (the
    same request gives the same bytes; a request without a date gives a PDF without one)."""
    request = sheet.assessment.request
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN - FRAME_PADDING,
        rightMargin=MARGIN - FRAME_PADDING,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{title} {request.reference}",
        author=AUTHOR,
        subject=subject,
        creator=AUTHOR,
        lang=LANGUAGE,
        displayDocTitle=True,
        invariant=1,
    )
    furniture = _page_furniture(request.reference, stamp)
    footer = f"{title} · referentie {request.reference}"
    doc.build(
        sheet.story,
        onFirstPage=furniture,
        onLaterPages=furniture,
        canvasmaker=numbered_canvas(footer, request.requested_on),
    )
    return buffer.getvalue()


def render_request(assessment: Assessment, outcome: IntakeOutcome) -> bytes:
    """The standardized request form; only for a complete request."""
    if not assessment.complete:
        raise IncompleteRequest(
            "een onvolledige aanvraag kan alleen als ontvangstbewijs (ONVOLLEDIG) worden afgedrukt"
        )
    sheet = _Sheet(assessment, receipt=False)
    request = assessment.request
    sheet.story.append(_p(request.title, sheet.s["title"]))
    sheet.story.append(
        _p(
            f"Referentienummer {request.reference} · ontvangen {_day(request.requested_on)}",
            sheet.s["sub"],
        )
    )
    _form_sections(sheet, outcome)
    _signature_block(sheet)
    subject = f"{request.title}: het standaardformulier, met de intake door het team"
    return _build(sheet, request.title, subject, None)


def render_receipt(assessment: Assessment, outcome: IntakeOutcome) -> bytes:
    """A receipt marked ONVOLLEDIG that lists every missing or invalid part of the request."""
    sheet = _Sheet(assessment, receipt=True)
    request = assessment.request
    s = sheet.s
    title = f"Ontvangstbewijs {request.title[0].lower()}{request.title[1:]}"
    received = _day(request.requested_on) or "datum ontbreekt"
    sheet.story.append(_p(title, s["title"]))
    sheet.story.append(_p(f"Referentienummer {request.reference} · ontvangen {received}", s["sub"]))
    sheet.story.append(Spacer(1, 4 * mm))
    stamp = Grid([[_p("ONVOLLEDIG", s["stamp"])]], colWidths=[TEXT_WIDTH], hAlign="LEFT")
    stamp.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.6, ALERT),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    sheet.story.append(stamp)
    sheet.story.append(Spacer(1, 3 * mm))
    sheet.story.append(
        _p(
            "Deze aanvraag is ontvangen maar niet volledig. Ze wordt pas in behandeling genomen "
            f"als de onderdelen hieronder zijn aangevuld. Vermeld bij het aanvullen referentie "
            f"{request.reference}.",
            s["base"],
        )
    )
    sheet.heading(f"Wat ontbreekt of niet klopt ({len(assessment.problems)})")
    for index, problem in enumerate(in_form_order(assessment.problems), start=1):
        sheet.story.append(
            _p(f"{index}. {problem.label}: {problem.message}", s["missing"]),
        )
    _form_sections(sheet, outcome)
    subject = (
        f"Ontvangstbewijs ONVOLLEDIG: de {request.title[0].lower()}{request.title[1:]} is "
        f"ontvangen maar niet volledig; wat ontbreekt of niet klopt ({len(assessment.problems)})"
    )
    return _build(sheet, title, subject, "ONVOLLEDIG")
