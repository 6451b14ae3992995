"""The form shows the same bounds as the command line, next to the field, while typing: other
scripts' digits, control and direction characters, dates in the future or before 1900."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.records import ensure_teams
from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm


@pytest.mark.parametrize(
    ("name", "field", "text", "said"),
    [
        ("client_bsn", "client.bsn", "١٢٣٤٥٦٧٨٢", "alleen cijfers"),
        ("client_bsn", "client.bsn", "１２３４５６７８２", "alleen cijfers"),
        ("client_name", "client.name", "Jan \u202eJansen", "leesrichting"),
        ("client_birth_date", "client.birth_date", "01-01-1800", "ligt voor 01-01-1900"),
        (
            "requested_on",
            "requested_on",
            (date.today() + timedelta(days=1)).strftime("%d-%m-%Y"),
            "in de toekomst",
        ),
    ],
)
def test_the_reason_shows_next_to_the_field(
    qtbot: QtBot, store: Store, actor: Actor, name: str, field: str, text: str, said: str
) -> None:
    ensure_teams(store, ["SMC-GRONINGEN"])
    form = HerbeoordelingForm(store, actor, None)
    qtbot.addWidget(form)
    form.show()
    widget = form.findChild(QLineEdit, name) or form.findChild(QPlainTextEdit, name)
    assert widget is not None, name
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:  # pasted: key events cannot carry other scripts' characters
        widget.insert(text) if isinstance(widget, QLineEdit) else widget.insertPlainText(text)
    form.revalidate()
    assert form.note_visible(field)
    assert said in form._messages[field].text()
    assert not form.save_button.isEnabled()
