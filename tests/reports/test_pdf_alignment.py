"""The herbeoordeling PDF stands on its margins: every section table, the ONVOLLEDIG stamp and
the signature box start at the left margin and end at the right one, level with the header and
footer rules, and the headings start there too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mdbtriage.core.herbeoordeling import assess, intake_outcome
from mdbtriage.core.policy import load_policy
from mdbtriage.reports.base import MARGIN, PAGE_SIZE, Grid, Para
from mdbtriage.reports.herbeoordeling_pdf import render_receipt, render_request

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
POLICY = load_policy()


def _drawn(monkeypatch: pytest.MonkeyPatch, render: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Where ``render`` draws its tables (left, right, first cell) and its headings (left)."""
    tables: list[tuple[float, float, str]] = []
    headings: list[tuple[float, str]] = []
    grid_draw, para_draw = Grid.drawOn, Para.drawOn

    def draw_grid(self: Any, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        left = self._hAlignAdjust(x, _sW)
        first = self._cellvalues[0][0]
        first = first[0] if isinstance(first, list | tuple) else first
        tables.append((left, left + self._width, first.getPlainText()))
        grid_draw(self, canvas, x, y, _sW)

    def draw_para(self: Any, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if self.style.name == "section":
            headings.append((x, self.getPlainText()))
        para_draw(self, canvas, x, y, _sW)

    monkeypatch.setattr(Grid, "drawOn", draw_grid)
    monkeypatch.setattr(Para, "drawOn", draw_para)
    assessment = assess(data)
    render(assessment, intake_outcome(assessment, POLICY))
    return {"tables": tables, "headings": headings}


def _example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    return data


def test_the_signature_box_lines_up_with_the_tables_above_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn = _drawn(monkeypatch, render_request, _example())
    tables = drawn["tables"]
    assert len(tables) >= 8  # seven sections and the signature box
    assert tables[-1][2] == "Aanvrager"  # the signature box is drawn last
    right = PAGE_SIZE[0] - MARGIN
    for left, end, first in tables:
        assert left == pytest.approx(MARGIN), first
        assert end == pytest.approx(right), first
    for left, text in drawn["headings"]:
        if text in ("Aanvrager", "Voor ontvangst (team)"):
            continue  # inside the signature box
        assert left == pytest.approx(MARGIN), text


def test_the_receipt_stamp_lines_up_with_the_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _example()
    data["consent"] = None
    tables = _drawn(monkeypatch, render_receipt, data)["tables"]
    assert tables[0][2] == "ONVOLLEDIG"
    assert {round(left, 3) for left, _, _ in tables} == {round(MARGIN, 3)}
    assert {round(end, 3) for _, end, _ in tables} == {round(PAGE_SIZE[0] - MARGIN, 3)}
