"""The herbeoordeling form whose PDF this package prints: its fields stand in one column over all
sections at every text size (the captions are as wide as the widest caption in the current
font), and the button that reads a request from a file says so in plain Dutch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.records import ensure_teams
from mdbtriage.ui.appearance import apply_zoom
from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm
from tests.ui.test_accessibility import clashes


@pytest.fixture
def zoom() -> Iterator[None]:
    try:
        yield
    finally:
        apply_zoom(100)


def _open(qtbot: QtBot, store: Store, actor: Actor) -> HerbeoordelingForm:
    ensure_teams(store, ["SMC-GRONINGEN"])
    form = HerbeoordelingForm(store, actor)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def _field_lefts(form: HerbeoordelingForm) -> dict[str, int]:
    """Where each field (and the route) starts, in the form's coordinates."""
    widgets = {**form._fields, "route": form.route_label}
    return {name: w.mapTo(form, QPoint(0, 0)).x() for name, w in widgets.items()}


def _problems(form: HerbeoordelingForm) -> list[str]:
    """Fields out of line with the first one, and captions narrower than their text."""
    lefts = _field_lefts(form)
    first = lefts["requested_on"]
    found = [f"{name} op x={x}, niet {first}" for name, x in lefts.items() if x != first]
    for caption in form._captions():
        assert isinstance(caption, QLabel)
        text = caption.text()
        if text and caption.width() < caption.fontMetrics().horizontalAdvance(text):
            found.append(f"bijschrift {caption.text()!r} afgesneden")
    return found


def test_the_fields_line_up_at_normal_text(qtbot: QtBot, store: Store, actor: Actor) -> None:
    form = _open(qtbot, store, actor)
    assert _problems(form) == []


def test_the_fields_line_up_when_opened_at_200_percent(
    qtbot: QtBot, store: Store, actor: Actor, zoom: None
) -> None:
    normal = _open(qtbot, store, actor)
    normal_width = normal.align_captions()
    normal.close()
    apply_zoom(200)
    form = _open(qtbot, store, actor)
    assert _problems(form) == []
    caption = next(c for c in form._captions() if c.text() == "Loonheffingennummer")
    assert caption.width() >= caption.fontMetrics().horizontalAdvance("Loonheffingennummer")
    assert form.align_captions() > 1.5 * normal_width  # the captions grew with the text


def test_the_fields_line_up_again_when_the_text_size_changes(
    qtbot: QtBot, store: Store, actor: Actor, zoom: None
) -> None:
    form = _open(qtbot, store, actor)
    field = form._fields["requester.name"]
    normal = field.mapTo(form, QPoint(0, 0)).x()
    apply_zoom(200)
    qtbot.waitUntil(lambda: field.mapTo(form, QPoint(0, 0)).x() > normal)
    assert _problems(form) == []
    apply_zoom(100)
    qtbot.waitUntil(lambda: field.mapTo(form, QPoint(0, 0)).x() == normal)
    assert _problems(form) == []


def test_the_load_button_is_plain_dutch_with_its_own_alt_letter(
    qtbot: QtBot, store: Store, actor: Actor
) -> None:
    form = _open(qtbot, store, actor)
    assert form.json_button.text() == "Uit &bestand laden…"
    assert "JSON" not in form.json_button.text()
    assert clashes(form) == []
