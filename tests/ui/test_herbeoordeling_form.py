"""The herbeoordeling form as a person uses it: type, read the reasons, save, print."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor, Case, Client
from mdbtriage.store.database import Store
from mdbtriage.store.records import ensure_teams, get_case, upsert_cases
from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm, PdfPreview

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"


def example() -> dict[str, object]:
    data: dict[str, object] = json.loads(EXAMPLE.read_text("utf-8"))
    return data


def make(
    qtbot: QtBot, store: Store, actor: Actor, case_ref: str | None = None
) -> HerbeoordelingForm:
    ensure_teams(store, ["SMC-GRONINGEN"])
    form = HerbeoordelingForm(store, actor, case_ref)
    qtbot.addWidget(form)
    form.show()
    return form


def type_into(qtbot: QtBot, form: HerbeoordelingForm, name: str, text: str) -> None:
    widget = form.findChild(QLineEdit, name) or form.findChild(QPlainTextEdit, name)
    assert widget is not None, name
    qtbot.keyClicks(widget, text)


def choose(form: HerbeoordelingForm, name: str, code: str) -> None:
    combo = form.findChild(QComboBox, name)
    assert combo is not None
    combo.setCurrentIndex(combo.findData(code))


def test_a_new_form_is_incomplete_and_cannot_be_saved(
    qtbot: QtBot, store: Store, actor: Actor
) -> None:
    form = make(qtbot, store, actor)
    assert not form.save_button.isEnabled()
    assert "Onvolledig" in form.summary.text()
    assert not form.note_visible("client.bsn")  # untouched fields stay quiet


def test_reasons_appear_next_to_the_field_while_typing(
    qtbot: QtBot, store: Store, actor: Actor
) -> None:
    form = make(qtbot, store, actor)
    type_into(qtbot, form, "client_bsn", "123456789")
    assert form.note_visible("client.bsn")
    assert "elfproef" in form._messages["client.bsn"].text()
    form.findChild(QLineEdit, "client_bsn").clear()
    type_into(qtbot, form, "client_bsn", "123456782")
    assert not form.note_visible("client.bsn")


def test_an_employers_medical_detail_is_warned_next_to_the_text(
    qtbot: QtBot, store: Store, actor: Actor
) -> None:
    form = make(qtbot, store, actor)
    choose(form, "requester_kind", "werkgever")
    type_into(qtbot, form, "request_change", "Na zijn hernia gebruikt hij pijnstillers")
    assert form.note_visible("request.change", warning=True)
    assert "hernia, pijnstillers" in form._warnings["request.change"].text()
    choose(form, "requester_kind", "werknemer")
    assert not form.note_visible("request.change", warning=True)


def test_typing_a_complete_request_and_saving_puts_it_in_the_werkvoorraad(
    qtbot: QtBot, store: Store, actor: Actor
) -> None:
    form = make(qtbot, store, actor)
    type_into(qtbot, form, "requested_on", "02-11-2026")
    choose(form, "request_kind", "herbeoordeling")
    choose(form, "requester_kind", "werkgever")
    type_into(qtbot, form, "requester_name", "M. de Vries")
    type_into(qtbot, form, "requester_organisation", "Noorderhaven B.V.")
    type_into(qtbot, form, "requester_contact", "050 1234567")
    type_into(qtbot, form, "requester_loonheffingennummer", "111222333L01")
    type_into(qtbot, form, "client_bsn", "123456782")
    type_into(qtbot, form, "client_name", "Jan Jansen")
    type_into(qtbot, form, "client_birth_date", "12-04-1968")
    choose(form, "benefit_law", "WIA")
    choose(form, "benefit_regime", "WGA_35_80")
    type_into(qtbot, form, "benefit_percentage", "85")
    assert "35 tot 80" in form._messages["benefit.regime"].text()
    choose(form, "benefit_regime", "WGA_80_100")
    assert not form.note_visible("benefit.regime")
    type_into(qtbot, form, "benefit_last_assessment", "01-03-2024")
    type_into(qtbot, form, "request_reason", "Kan zijn functie niet meer uitvoeren")
    type_into(qtbot, form, "request_change", "Werkt hooguit een uur achter elkaar")
    type_into(qtbot, form, "request_since", "01-06-2026")
    type_into(qtbot, form, "request_confirmed_by", "bedrijfsarts")
    choose(form, "request_effect_on_work", "minder")
    assert not form.save_button.isEnabled()
    assert "1 punt" in form.summary.text()
    qtbot.mouseClick(
        form.findChild(type(form._fields["consent"]), "consent"), Qt.MouseButton.LeftButton
    )
    assert form.assessment is not None and form.assessment.complete
    assert not form.save_button.isEnabled()  # still no team
    choose(form, "intake_team", "SMC-GRONINGEN")
    assert form.save_button.isEnabled()
    assert "regulier, voorgestelde regie verzekeringsarts" in form.route_label.text()  # words
    with qtbot.waitSignal(form.saved) as signal:
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    ref = signal.args[0]
    row = get_case(store, ref)
    assert row is not None and row.facts.service == "HERBEOORDELING"
    assert row.facts.requester == "werkgever" and row.facts.motivated
    assert "Opgeslagen" in form.summary.text()
    reopened = make(qtbot, store, actor, ref)
    assert reopened.findChild(QLineEdit, "client_name").text() == "Jan Jansen"
    assert reopened.assessment is not None and reopened.assessment.complete


def test_a_worker_is_told_why_while_a_wia_claim_is_pending(
    qtbot: QtBot, store: Store, actor: Actor
) -> None:
    client = Client("123456782", "Jan Jansen", date(1968, 4, 12))
    upsert_cases(
        store,
        [
            Case.entered(
                case_ref="W-1",
                client=client,
                service="WIA_CLAIM",
                received_on=date(2026, 9, 1),
                team="SMC-GRONINGEN",
            )
        ],
        actor,
        "t",
    )
    form = make(qtbot, store, actor)
    data = example()
    data["requester"] = {"kind": "werknemer", "name": "Jan Jansen", "contact": "06 1234 5678"}
    data["consent"] = None
    form.set_data(data)
    assert form.note_visible("request.kind")
    assert "W-1" in form._messages["request.kind"].text()
    assert not form.save_button.isEnabled()


def test_preview_print_and_export_are_logged(
    qtbot: QtBot, store: Store, actor: Actor, tmp_path: Path, monkeypatch
) -> None:
    form = make(qtbot, store, actor)
    form.set_data(example())
    preview = form.preview()
    assert isinstance(preview, PdfPreview)
    assert preview.document.pageCount() == 2
    preview.close()
    out = tmp_path / "print.pdf"

    def printer(cls: type, parent: object) -> QPrinter:
        p = QPrinter()
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(out))
        return p

    monkeypatch.setattr(HerbeoordelingForm, "ask_printer", classmethod(printer))
    monkeypatch.setattr(
        HerbeoordelingForm, "ask_save_path", classmethod(lambda cls, parent, s: tmp_path / s)
    )
    assert form.print_request()
    assert out.read_bytes().startswith(b"%PDF")
    path = form.export_pdf()
    assert path is not None and path.read_bytes().startswith(b"%PDF")
    events = [r[0] for r in store.query("SELECT event FROM audit_log ORDER BY log_id")]
    assert events == ["print", "export"]


def test_an_incomplete_request_prints_as_a_receipt(
    qtbot: QtBot, store: Store, actor: Actor
) -> None:
    form = make(qtbot, store, actor)
    data = example()
    data["consent"] = None
    form.set_data(data)
    pdf, kind = form.pdf()
    assert kind == "ontvangstbewijs ONVOLLEDIG"
    assert pdf.startswith(b"%PDF")
