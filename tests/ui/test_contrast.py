"""Contrast of the colours in the desktop's code against what they are drawn on (WCAG 2.1:
4.5:1 for text, 3:1 for graphics such as chart bars, lines and icons). Every #rrggbb in
desktop/mdbtriage/ui is either judged here or named as exempt, so a new colour cannot slip in
unchecked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mdbtriage.ui import overzicht, prognose, queue_model, tasks

UI = Path(__file__).resolve().parents[2] / "desktop" / "mdbtriage" / "ui"
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
TEXT, GRAPHIC = 4.5, 3.0
CHART = "#ffffff"  # QtCharts' light theme draws on white

#: Colours that need no contrast, and why.
EXEMPT = {
    "#6b7280": "disabled text: WCAG exempts controls that cannot be used",
    "#e0c060": "the banner's border is decoration; its text has its own contrast",
}


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def palette() -> dict[str, str]:
    """The application palette as ui/appearance.py sets it (read, not applied)."""
    source = (UI / "appearance.py").read_text(encoding="utf-8")
    found = re.findall(r"palette\.setColor\(role\.(\w+), QColor\(\"(#[0-9a-fA-F]{6})\"\)\)", source)
    return {name: colour.lower() for name, colour in found}


def stylesheet_text_colours() -> dict[str, str]:
    """'color: #rrggbb' in style sheets (labels with a message), with where each is."""
    found: dict[str, str] = {}
    for path in sorted(UI.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for colour in re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", line):
                found.setdefault(colour.lower(), f"{path.name}:{number}")
    return found


def _brush(brush) -> str:
    return str(brush.color().name()).lower()


def pairs() -> list[tuple[str, str, float, str]]:
    """(foreground, background, minimum, what) for everything the desktop draws in colour."""
    p = palette()
    found = [
        (p["Text"], p["Base"], TEXT, "tekst in velden en tabellen"),
        (p["Text"], p["AlternateBase"], TEXT, "tekst op een gestreepte rij"),
        (p["WindowText"], p["Window"], TEXT, "tekst in vensters"),
        (p["ButtonText"], p["Button"], TEXT, "knoptekst"),
        (p["PlaceholderText"], p["Base"], TEXT, "voorbeeldtekst in een leeg veld"),
        (p["Link"], p["Base"], TEXT, "koppeling"),
        (p["HighlightedText"], p["Highlight"], TEXT, "gekozen rij"),
        (p["ToolTipText"], p["ToolTipBase"], TEXT, "tooltip"),
        ("#1f2933", "#fff4d6", TEXT, "voorbeeldbalk van de werkvoorraad"),
        ("#5c3c00", "#fff3cd", TEXT, "melding: geen verbinding met de kantooropslag"),
    ]
    for colour, where in stylesheet_text_colours().items():
        for background in (p["Window"], p["Base"]):
            found.append((colour, background, TEXT, f"melding {where}"))
    table_colours = {
        "werkvoorraad: termijn verstreken": _brush(queue_model._WARN),
        "werkvoorraad: lang te laat": _brush(queue_model._LATE),
        "werkvoorraad: niet opgepakt": _brush(queue_model._MUTED),
        "taken: mag het niet": _brush(tasks._GREY),
        "taken: te laat": _brush(tasks._LATE),
    }
    for what, colour in table_colours.items():
        for background in (p["Base"], p["AlternateBase"]):
            found.append((colour, background, TEXT, what))
    for signal in queue_model.SIGNALS:
        found.append(("#ffffff", signal.colour, TEXT, f"teken van signaal {signal.label}"))
        for background in (p["Base"], p["AlternateBase"]):
            found.append((signal.colour, background, GRAPHIC, f"signaal {signal.label}"))
    for colour in overzicht.COLOURS:
        found.append((colour, CHART, GRAPHIC, "staaf in het overzicht"))
        inside = overzicht._INSIDE_LABEL.get(colour, "#000000")
        found.append((inside, colour, TEXT, "getal in een staaf"))
    found.append(("#000000", CHART, TEXT, "getal naast een staaf"))
    for colour in (prognose.BACKLOG_COLOUR, prognose.SIX_MONTHS_COLOUR, "#000000"):
        found.append((colour, CHART, GRAPHIC, "lijn in de prognose"))
    return [(fg.lower(), bg.lower(), minimum, what) for fg, bg, minimum, what in found]


@pytest.mark.parametrize("foreground, background, minimum, what", pairs())
def test_colour_has_enough_contrast(foreground, background, minimum, what) -> None:
    assert ratio(foreground, background) >= minimum, (
        f"{what}: {foreground} op {background} is {ratio(foreground, background):.2f}:1"
    )


def test_every_colour_in_the_code_is_judged() -> None:
    judged = {c for fg, bg, _, _ in pairs() for c in (fg, bg)} | set(EXEMPT)
    unjudged = []
    for path in sorted(UI.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for colour in HEX.findall(line):
                if colour.lower() not in judged:
                    unjudged.append(f"{path.name}:{number} {colour}")
    assert not unjudged, "kleuren zonder contrastcontrole: " + ", ".join(unjudged)


def test_the_ratio_is_wcags() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
