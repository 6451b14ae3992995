"""The MDB summary as an A4 PDF: date, team, attendees, and per case the decision.

Two versions from the same data (:class:`mdbtriage.core.meetings.MeetingSummary`): the medical
one (for VA, AIOS and SMV) also shows the triage reasons, the medical considerations and what is
missing from the dossier; the non-medical one (for AD, team lead, printing) is built from
:func:`mdbtriage.core.meetings.non_medical`, which has already removed that content. This module
only renders what it is given, and prints the BSN masked in both versions.
"""

from __future__ import annotations

import functools
import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from mdbtriage.core.forecast import ForecastPage
from mdbtriage.core.meetings import AGENDA_REASONS, MeetingSummary, SummaryCase
from mdbtriage.core.model import ROLES
from mdbtriage.core.validation import format_date, mask_bsn
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

# The activity note column is narrow: its pieces are shorter than other free text's.
NOTE_CHARS = 400

_INK = colors.HexColor("#1f2933")
_MUTED = colors.HexColor("#52606d")
_RULE = colors.HexColor("#9aa5b1")
_BAND = colors.HexColor("#e4e7eb")
_MEDICAL = colors.HexColor("#8a1c1c")


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, made once (they are not changed after)."""
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, textColor=_INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=_MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "case": ParagraphStyle("case", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13),
        "banner": ParagraphStyle(
            "banner",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=9,
            textColor=colors.white,
            alignment=TA_LEFT,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "label": ParagraphStyle("label", parent=base, fontSize=8.5, leading=10.5, textColor=_MUTED),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return para(text, style)


def _grid(rows: list[list[object]], widths: list[float], header: bool = True) -> Grid:
    table = Grid(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), _BAND)]
    table.setStyle(TableStyle(style))
    return table


def _yes_no(value: bool | None) -> str:
    return "onbekend" if value is None else ("ja" if value else "nee")


def _case_block(
    number: int, case: SummaryCase, s: dict[str, ParagraphStyle], width: float, medical: bool
) -> KeepTogether:
    parts: list[object] = []
    head = (
        f"{number}. {case.case_ref} · {case.client_name} · BSN {mask_bsn(case.bsn)} · "
        f"{case.service}"
    )
    parts.append(_p(head, s["case"]))
    parts.append(
        _p(
            f"Op de agenda: {AGENDA_REASONS.get(case.reason, case.reason)}. Triagevoorstel: "
            f"klasse {case.klasse}, route {case.route}, voorgestelde regie {case.proposed_lead}.",
            s["small"],
        )
    )
    label_w = 38 * mm
    facts: list[list[object]] = []
    lead = case.lead_role and f"{ROLES.get(case.lead_role, case.lead_role)} ({case.lead_role})"
    if case.lead_name:
        lead = f"{case.lead_name}, {lead}"
    facts.append([_p("Aan kop", s["label"]), _p(lead or "nog niet besloten", s["cell"])])
    facts.append(
        [
            _p("Vast aanspreekpunt", s["label"]),
            _p(case.contact_name or "nog niet besloten", s["cell"]),
        ]
    )
    facts.append(
        [_p("Dossier compleet", s["label"]), _p(_yes_no(case.dossier_complete), s["cell"])]
    )

    def text(label: str, value: str) -> None:
        """A free text under its label, one row per piece so that it flows over pages."""
        for index, piece in enumerate(text_rows(value)):
            facts.append([_p(label if index == 0 else "", s["label"]), _p(piece, s["cell"])])

    if case.remarks:
        text("Opmerkingen", case.remarks)
    if medical:
        if case.medical_remarks:
            text("Medische overwegingen", case.medical_remarks)
        if case.triage_reasons:
            text("Redenen triage", "\n".join(f"• {r}" for r in case.triage_reasons))
    table = Grid(facts, colWidths=[label_w, width - label_w])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    parts.append(Spacer(1, 2))
    parts.append(table)
    if case.activities:
        rows: list[list[object]] = [
            [_p(h, s["label"]) for h in ("Activiteit", "Wie", "Uiterlijk", "Toelichting")]
        ]
        for a in case.activities:
            who = f"{a.assignee} ({a.assignee_role})" if a.assignee_role else a.assignee
            first, *more = text_rows(a.note, NOTE_CHARS)
            rows.append(
                [
                    _p(a.task, s["cell"]),
                    _p(who, s["cell"]),
                    _p(format_date(a.due_on), s["cell"]),
                    _p(first, s["cell"]),
                ]
            )
            rows.extend(["", "", "", _p(piece, s["cell"])] for piece in more)
        parts.append(Spacer(1, 3))
        parts.append(_grid(rows, [width * 0.34, width * 0.3, width * 0.13, width * 0.23]))
    else:
        parts.append(_p("Nog geen vervolgactiviteiten besloten.", s["small"]))
    parts.append(Spacer(1, 8))
    return KeepTogether(parts)


def _forecast_page(
    forecast: ForecastPage, s: dict[str, ParagraphStyle], width: float
) -> list[object]:
    """The team's capacity forecast on a page of its own: weeks, targets and inputs."""
    story: list[object] = [PageBreak()]
    story.append(_p(f"Prognose van team {forecast.team} op {format_date(forecast.on)}", s["h2"]))
    story.append(
        _p(
            "Een schatting: de werkvoorraad in de volgorde van het beleid, gepland op de uren "
            "van het team.",
            s["small"],
        )
    )
    story.append(Spacer(1, 4))
    rows: list[list[object]] = [
        [_p(h, s["label"]) for h in ("Week van", "Achterstand", "WIA-claims > 6 maanden")]
    ]
    rows += [
        [_p(format_date(start), s["cell"]), _p(str(backlog), s["cell"]), _p(str(over), s["cell"])]
        for start, backlog, over in forecast.weeks
    ]
    story.append(_grid(rows, [width * 0.34, width * 0.33, width * 0.33]))
    story.append(Spacer(1, 6))
    for sentence in forecast.sentences:
        story.append(_p(sentence, s["cell"]))
    story.append(Spacer(1, 4))
    story.append(_p(forecast.inputs, s["small"]))
    return story


def build_summary_pdf(summary: MeetingSummary) -> bytes:
    """The summary PDF for the version ``summary`` is (medical or not)."""
    register_fonts()
    s = _styles()
    buffer = io.BytesIO()
    version = "medische versie" if summary.medical else "niet-medische versie"
    held_on = format_date(summary.held_on)
    title = f"MDB {summary.team_name} {held_on}"
    # The document information: the team as author, and the day it was printed as its creation
    # date (not the clock, so that the same summary gives the same bytes).
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=22 * mm,
        title=f"MDB-verslag {summary.team_name} {held_on} ({version})",
        author=f"{summary.team_name} ({AUTHOR})",
        subject=(
            f"Verslag van de multidisciplinaire bespreking (MDB) van {summary.team_name} "
            f"op {held_on}, {version}"
        ),
        creator=AUTHOR,
        lang=LANGUAGE,
        displayDocTitle=True,
        invariant=1,
    )
    width = PAGE_SIZE[0] - 2 * MARGIN - 12  # the frame pads 6 pt on each side
    story: list[object] = []
    story.append(_p(f"Verslag MDB · {version}", s["title"]))
    story.append(Spacer(1, 4))
    if summary.medical:
        banner_text = (
            "MEDISCH GEHEIM · alleen voor verzekeringsarts, AIOS, SMV en medisch specialist"
        )
        banner_colour = _MEDICAL
    else:
        banner_text = "Zonder medische inhoud · voor arbeidsdeskundige, teamleider en afdrukken"
        banner_colour = _MUTED
    banner = Grid([[_p(banner_text, s["banner"])]], colWidths=[width])
    banner.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), banner_colour),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story.append(banner)
    story.append(Spacer(1, 6))
    if summary.status == "gesloten":
        status = f"gesloten; besluiten bevestigd door {summary.closed_by or 'de regievoerder'}"
    else:
        status = "concept: de besluiten zijn nog niet bevestigd door de regievoerder"
    meta = [
        ["Team", summary.team_name or summary.team_id],
        ["Datum MDB", format_date(summary.held_on)],
        ["Regievoerder", summary.regievoerder or "niet aangewezen"],
        ["Status", status],
        ["Afgedrukt", format_date(summary.printed_on)],
    ]
    meta_table = Grid(
        [[_p(a, s["label"]), _p(b, s["cell"])] for a, b in meta],
        colWidths=[38 * mm, width - 38 * mm],
    )
    meta_table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(meta_table)

    story.append(_p("Aanwezigen", s["h2"]))
    present = [a for a in summary.attendees if a.present]
    absent = [a for a in summary.attendees if not a.present]
    cells = [
        [_p(a.name, s["cell"]), _p(f"{ROLES.get(a.role, a.role)} ({a.role})", s["label"])]
        for a in present
    ]
    if len(cells) % 2:
        cells.append(["", ""])
    half = len(cells) // 2
    rows: list[list[object]] = [[*cells[i], *cells[i + half]] for i in range(half)]
    if rows:
        story.append(_grid(rows, [width * 0.22, width * 0.28] * 2, header=False))
    else:
        story.append(_p("Geen aanwezigen geregistreerd.", s["small"]))
    if absent:
        story.append(Spacer(1, 3))
        story.append(
            _p("Afwezig: " + ", ".join(f"{a.name} ({a.role})" for a in absent), s["small"])
        )
    for warning in summary.warnings:
        story.append(_p(f"Let op: {warning}", s["small"]))

    discussed = [c for c in summary.cases if c.status == "bespreken"]
    not_ready = [c for c in summary.cases if c.status == "niet_gereed"]
    standard = [c for c in summary.cases if c.status == "standaardroute"]
    story.append(_p(f"Besproken zaken ({len(discussed)})", s["h2"]))
    if not discussed:
        story.append(_p("Geen zaken om te bespreken op deze agenda.", s["small"]))
    for n, case in enumerate(discussed, start=1):
        story.append(_case_block(n, case, s, width, summary.medical))

    if not_ready:
        story.append(_p(f"Niet gereed ({len(not_ready)})", s["h2"]))
        rows = [[_p(h, s["label"]) for h in ("Zaak", "Cliënt", "BSN", "Ontbreekt")]]
        rows += [
            [
                _p(c.case_ref, s["cell"]),
                _p(c.client_name, s["cell"]),
                _p(mask_bsn(c.bsn), s["cell"]),
                _p(c.missing or "dossier onvolledig", s["cell"]),
            ]
            for c in not_ready
        ]
        story.append(_grid(rows, [width * 0.16, width * 0.3, width * 0.16, width * 0.38]))
    if standard:
        story.append(_p(f"Standaardroute, niet besproken ({len(standard)})", s["h2"]))
        rows = [[_p(h, s["label"]) for h in ("Zaak", "Cliënt", "BSN", "Dienst", "Klasse / route")]]
        rows += [
            [
                _p(c.case_ref, s["cell"]),
                _p(c.client_name, s["cell"]),
                _p(mask_bsn(c.bsn), s["cell"]),
                _p(c.service, s["cell"]),
                _p(f"{c.klasse} / {c.route}", s["cell"]),
            ]
            for c in standard
        ]
        story.append(
            _grid(rows, [width * 0.16, width * 0.26, width * 0.16, width * 0.26, width * 0.16])
        )
    if summary.forecast is not None:
        story.extend(_forecast_page(summary.forecast, s, width))
    if summary.chain_head:
        # An anchor kept outside the store: 'mdb-triage check --anchor HASH' finds whether the
        # access log still holds what it held when this summary was made.
        story.append(Spacer(1, 8))
        story.append(
            _p(
                f"Ketenkop van het toegangslogboek bij het maken van dit verslag: "
                f"{summary.chain_head}",
                s["small"],
            )
        )
    footer = f"{title} · {version}"
    doc.build(story, canvasmaker=numbered_canvas(footer, summary.printed_on))
    return buffer.getvalue()
