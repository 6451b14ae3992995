"""The smaller items of a working day: Help › Sneltoetsen and Over, the herbeoordeling form's
Uit bestand laden and why Opslaan waits, file dialogs that open in the documents folder, the
reasons pane after a search that finds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.ui.dialogs import start_folder
from mdbtriage.ui.help import AboutDialog, ShortcutsDialog
from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm
from tests.ui.test_herbeoordeling_form import example, make


def _shown(kind: type):  # type: ignore[no-untyped-def]
    return next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None
    )


def test_f1_lists_every_shortcut_of_the_menus_and_the_other_windows(
    qtbot: QtBot, make_window, tl_session
) -> None:
    window = make_window(tl_session)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: _shown(ShortcutsDialog) is not None)
    dialog = _shown(ShortcutsDialog)
    rows = dialog.texts()
    keys = {(where, keys) for where, keys, _what in rows}
    assert ("Bestand", "Ctrl+N") in keys and ("Zaak", "Ctrl+M") in keys
    assert ("Help", "F1") in keys
    assert ("MDB-bespreking", "Ctrl+D") in keys and ("Mijn taken", "Enter") in keys
    # Every shortcut of the menus is listed under its own menu.
    for menu in (window.file_menu, window.case_menu, window.view_menu):
        for action in menu.actions():
            if not action.shortcut().isEmpty():
                assert any(
                    what.startswith(action.text().replace("&", "")[:10]) for *_, what in rows
                )
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _shown(ShortcutsDialog) is None)


def test_help_about_names_the_version_store_and_person(
    qtbot: QtBot, make_window, tl_session
) -> None:
    window = make_window(tl_session)
    about = next(a for a in window.help_menu.actions() if a.objectName() == "about")
    about.trigger()
    qtbot.waitUntil(lambda: _shown(AboutDialog) is not None)
    label = _shown(AboutDialog).findChild(QLabel, "about_text")
    assert "MDB Triage 0." in label.text() and tl_session.name in label.text()
    _shown(AboutDialog).reject()


def test_json_laden_fills_the_form(
    qtbot: QtBot, store: Store, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "aanvraag.json"
    source.write_text(json.dumps(example()), encoding="utf-8")
    form = make(qtbot, store, actor)
    monkeypatch.setattr(HerbeoordelingForm, "ask_open_path", classmethod(lambda cls, p: source))
    qtbot.mouseClick(form.json_button, Qt.MouseButton.LeftButton)
    assert "De aanvraag is volledig." in form.summary.text()
    assert form.save_button.isEnabled()


def test_json_laden_refuses_a_file_that_is_not_a_request(
    qtbot: QtBot, store: Store, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "lijst.json"
    source.write_text("[1, 2]", encoding="utf-8")
    warned: list[str] = []
    form = make(qtbot, store, actor)
    monkeypatch.setattr(HerbeoordelingForm, "ask_open_path", classmethod(lambda cls, p: source))
    monkeypatch.setattr(
        HerbeoordelingForm, "ask_warning", classmethod(lambda cls, p, t, text: warned.append(text))
    )
    qtbot.mouseClick(form.json_button, Qt.MouseButton.LeftButton)
    assert warned and "één JSON-object" in warned[0]
    assert "Onvolledig" in form.summary.text()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"client": }', "regel 1, kolom 12: hier wordt een waarde verwacht"),
        ('{"client": {"name": "\\ud800"}}', "veld 'client.name'"),
    ],
)
def test_json_laden_says_in_dutch_what_is_wrong_and_where(
    qtbot: QtBot,
    store: Store,
    actor: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: str,
    said: str,
) -> None:
    """The same reading as the command line's: Dutch, with line and column or the field."""
    source = tmp_path / "aanvraag.json"
    source.write_text(content, encoding="utf-8")
    warned: list[str] = []
    form = make(qtbot, store, actor)
    monkeypatch.setattr(HerbeoordelingForm, "ask_open_path", classmethod(lambda cls, p: source))
    monkeypatch.setattr(
        HerbeoordelingForm, "ask_warning", classmethod(lambda cls, p, t, text: warned.append(text))
    )
    qtbot.mouseClick(form.json_button, Qt.MouseButton.LeftButton)
    assert warned and said in warned[0] and "Expecting" not in warned[0]


def test_a_complete_request_without_team_says_why_it_cannot_be_saved(
    qtbot: QtBot, store: Store, actor: Actor
) -> None:
    document = example()
    intake = dict(document.get("intake") or {})  # type: ignore[call-overload]
    intake["team"] = None
    document["intake"] = intake
    form = make(qtbot, store, actor)
    form.set_data(document)
    form.revalidate()
    assert "De aanvraag is volledig." in form.summary.text()
    assert not form.save_button.isEnabled()
    assert "Kies nog het team om op te slaan." in form.summary.text()  # not a tooltip only


def test_file_dialogs_start_in_the_documents_folder_not_the_program_folder() -> None:
    folder = start_folder()
    assert folder.is_dir() and folder != Path.cwd()


def test_the_reasons_pane_clears_when_a_search_finds_nothing(
    qtbot: QtBot, make_window, tl_session
) -> None:
    view = make_window(tl_session).werkvoorraad
    view.table.selectRow(0)
    assert "positie 1" in view.reasons.toPlainText()
    qtbot.keyClicks(view.search, "geen-zaak-heet-zo")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.model.rowCount() == 0
    assert "positie" not in view.reasons.toPlainText()
    assert "Kies een zaak" in view.reasons.toPlainText()


def test_the_toolbar_offers_the_daily_actions_and_opens_a_dossier(
    qtbot: QtBot, make_window, tl_session
) -> None:
    from PySide6.QtWidgets import QToolButton

    from mdbtriage.ui.dossier import DossierWindow

    window = make_window(tl_session)
    texts = [a.iconText() for a in window.toolbar.actions()]
    assert texts[:2] == ["Nieuwe zaak", "Dossier openen"]
    assert "MDB-sessies" in texts and "Werkvoorraad vernieuwen" in texts
    window.werkvoorraad.table.selectRow(0)
    ref = window.werkvoorraad.current_case()
    button = window.toolbar.widgetForAction(window.toolbar.actions()[1])
    assert isinstance(button, QToolButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _shown(DossierWindow) is not None)
    assert _shown(DossierWindow).case_ref == ref
