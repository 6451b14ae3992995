"""The standard herbeoordeling request form: sections as on the paper form, checked as you type
with the reasons next to the fields, preview and printing of the standard PDF, and saving as a
case in the werkvoorraad.

Open it from anywhere with::

    HerbeoordelingForm(store, actor, case_ref=None, parent=None, policy=None).exec()

``store`` is the open :class:`~mdbtriage.store.database.Store`, ``actor`` the
:class:`~mdbtriage.core.model.Actor` who works (for the access log). With ``case_ref`` the form
opens the request saved for that case (or, for a case without one, starts from the case's
client); without it, a new request. ``policy`` (default: the national policy) places the saved
case. The signal ``saved(str)`` carries the case reference after each save.

Every rule lives in :mod:`mdbtriage.core.herbeoordeling`; the form only collects the fields as
the contract's JSON object and shows what the rules say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.central import CentralDecision
from mdbtriage.core.herbeoordeling import (
    EFFECTS,
    LAWS,
    REGIMES,
    REQUEST_KINDS,
    REQUESTER_KINDS,
    Assessment,
    RequestFileError,
    format_percentage,
    intake_outcome,
    parse_json,
)
from mdbtriage.core.labels import role_name
from mdbtriage.core.model import Actor
from mdbtriage.core.policy import Policy, load_policy
from mdbtriage.core.validation import format_date
from mdbtriage.store.central import decision_by_ref
from mdbtriage.store.database import Store
from mdbtriage.store.herbeoordeling import (
    RequestRefused,
    assess_with_store,
    load_request,
    log_output,
    save_request,
)
from mdbtriage.store.outputs import OutputRefused, check_output, file_problem, write_atomically
from mdbtriage.store.records import get_case, list_teams
from mdbtriage.ui.appearance import fit_to_screen
from mdbtriage.ui.dialogs import start_folder
from mdbtriage.ui.pdf_view import PdfPreview, print_pdf

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"


class _FormScroll(QScrollArea):
    """A scroll area that gives its form the height its wrapped reasons need (QScrollArea
    itself ignores height-for-width, which squeezes rows into each other)."""

    def fit(self) -> None:
        content = self.widget()
        layout = content.layout() if content else None
        if content is None or layout is None:
            return
        width = self.viewport().width()
        if layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(width)
        else:
            height = layout.totalMinimumSize().height()
        content.setMinimumHeight(height)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.fit()


class HerbeoordelingForm(QDialog):
    """The aanvraag herbeoordeling, section by section (see the module docstring)."""

    saved = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        case_ref: str | None = None,
        parent: QWidget | None = None,
        policy: Policy | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.policy = policy or load_policy()
        self.case_ref = case_ref
        self.assessment: Assessment | None = None
        self._touched: set[str] = set()
        self._loading = False
        self._fields: dict[str, QWidget] = {}
        self._messages: dict[str, QLabel] = {}
        self._warnings: dict[str, QLabel] = {}
        self._note_rows: dict[QLabel, tuple[QFormLayout, int]] = {}
        self._forms: list[QFormLayout] = []
        self.setObjectName("herbeoordeling_form")
        self.setWindowTitle("Aanvraag herbeoordeling")
        self._build()
        fit_to_screen(self, 760, 860)  # once built: its layout's minimum is known
        self._load()
        self.revalidate()

    # ---- building -------------------------------------------------------------------------

    def _row(self, form: QFormLayout, field: str, label: str, widget: QWidget) -> None:
        """A field with, in rows of their own below it, its reasons and its warnings."""
        name = field.replace(".", "_")
        widget.setObjectName(name)
        caption = QLabel(label)
        caption.setBuddy(widget)  # a screen reader names the field by its caption
        group = form.parentWidget()
        section = group.title().split(". ", 1)[-1] if isinstance(group, QGroupBox) else ""
        widget.setAccessibleName(f"{label} ({section.lower()})" if section else label)
        form.addRow(caption, widget)
        for notes, style, suffix in (
            (self._messages, ERROR_STYLE, "fout"),
            (self._warnings, WARNING_STYLE, "let_op"),
        ):
            note = QLabel()
            note.setObjectName(f"{name}_{suffix}")
            note.setStyleSheet(style)
            note.setWordWrap(True)
            form.addRow("", note)
            form.setRowVisible(form.rowCount() - 1, False)
            notes[field] = note
            self._note_rows[note] = (form, form.rowCount() - 1)
        self._fields[field] = widget
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(lambda _t, f=field: self._edited(f))
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(lambda f=field: self._edited(f))
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i, f=field: self._edited(f))
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(lambda _c, f=field: self._edited(f))

    @staticmethod
    def _combo(options: dict[str, str], empty: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(empty, None)
        for code, label in options.items():
            combo.addItem(label, code)
        return combo

    @staticmethod
    def _date_edit() -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText("DD-MM-JJJJ")
        edit.setMaximumWidth(160)
        return edit

    @staticmethod
    def _text_edit(placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(64)
        return edit

    def _section(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addWidget(group)
        self._forms.append(form)
        return form

    def _captions(self) -> list[QWidget]:
        """The captions of every section's rows (empty ones included), in order."""
        role = QFormLayout.ItemRole.LabelRole
        found: list[QWidget] = []
        for form in self._forms:
            for row in range(form.rowCount()):
                item = form.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    found.append(widget)
        return found

    def align_captions(self) -> int:
        """Give every caption the width of the widest one in the current font, so that the
        fields of all sections stand in one column at every text size. Returns that width.

        Measured from the font as a label measures its text, not from the labels' size hints,
        which count the width they were given for the previous text size."""
        captions = self._captions()
        width = 0
        for caption in captions:
            if not isinstance(caption, QLabel):
                width = max(width, caption.sizeHint().width())
                continue
            margins = caption.contentsMargins()
            # As QLabel measures its text (a buddy's caption hides the & of its Alt letter).
            flags = Qt.TextFlag.TextShowMnemonic.value if caption.buddy() is not None else 0
            text = caption.fontMetrics().size(flags, caption.text()).width()
            width = max(width, text + margins.left() + margins.right() + 2 * caption.margin())
        for caption in captions:
            # Fixed, not a minimum: a label keeps the size hint it had at the previous text size
            # (a minimum counts in it), and would hold its column that wide.
            caption.setFixedWidth(width)
        for form in self._forms:
            form.invalidate()
        return width

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Tekst groter / kleiner changes the font of every window: the captions follow.
        changed = event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange)
        if changed and getattr(self, "_forms", None):
            self.align_captions()

    def _build(self) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)

        form = self._section(layout, "1. Aanvraag")
        self._row(form, "requested_on", "Datum aanvraag", self._date_edit())
        self._row(form, "request.kind", "Soort aanvraag", self._combo(REQUEST_KINDS, "— kies —"))

        form = self._section(layout, "2. Aanvrager")
        self._row(
            form, "requester.kind", "Soort aanvrager", self._combo(REQUESTER_KINDS, "— kies —")
        )
        self._row(form, "requester.name", "Naam", QLineEdit())
        self._row(form, "requester.organisation", "Organisatie", QLineEdit())
        self._row(form, "requester.contact", "Contactgegevens", QLineEdit())
        lh = QLineEdit()
        lh.setPlaceholderText("123456789L01")
        self._row(form, "requester.loonheffingennummer", "Loonheffingennummer", lh)
        self._row(form, "requester.authorisation", "Machtiging", QLineEdit())

        form = self._section(layout, "3. Cliënt")
        bsn = QLineEdit()
        bsn.setPlaceholderText("9 cijfers")
        bsn.setMaximumWidth(160)
        self._row(form, "client.bsn", "BSN", bsn)
        self._row(form, "client.name", "Naam", QLineEdit())
        self._row(form, "client.birth_date", "Geboortedatum", self._date_edit())

        form = self._section(layout, "4. Huidige uitkering")
        self._row(form, "benefit.law", "Wet", self._combo(LAWS, "— kies —"))
        self._row(
            form, "benefit.regime", "Regime", self._combo(REGIMES, "niet van toepassing (geen WIA)")
        )
        pct = QLineEdit()
        pct.setPlaceholderText("0 tot en met 100")
        pct.setMaximumWidth(160)
        self._row(form, "benefit.percentage", "Arbeidsongeschiktheid (%)", pct)
        self._row(form, "benefit.last_assessment", "Laatste beoordeling", self._date_edit())

        form = self._section(layout, "5. Wat wordt gevraagd en waarom")
        self._row(
            form,
            "request.reason",
            "Reden van de aanvraag",
            self._text_edit("Waarom wordt een herbeoordeling gevraagd?"),
        )
        self._row(
            form,
            "request.change",
            "Wat is er veranderd",
            self._text_edit("Functioneren en werk, geen diagnoses of medicatie"),
        )
        self._row(form, "request.since", "Sinds", self._date_edit())
        self._row(
            form,
            "request.confirmed_by",
            "Wie kan dit bevestigen",
            QLineEdit(placeholderText="bijv. bedrijfsarts, behandelend arts"),
        )
        self._row(
            form,
            "request.effect_on_work",
            "Gevolg voor het werk",
            self._combo(EFFECTS, "— kies —"),
        )
        self._row(form, "request.attachments", "Bijlagen", self._text_edit("Eén bijlage per regel"))

        form = self._section(layout, "6. Toestemming")
        self._row(
            form,
            "consent",
            "",
            QCheckBox("De cliënt stemt in met het delen van gegevens"),
        )

        form = self._section(layout, "7. Intake door het team")
        team = QComboBox()
        team.addItem("— kies team —", None)
        for t in list_teams(self.store):
            team.addItem(t.name if t.name == t.team_id else f"{t.name} ({t.team_id})", t.team_id)
        self._row(form, "intake.team", "Team", team)
        self._row(form, "intake.schrijnend", "", QCheckBox("Schrijnend (centraal getoetst)"))
        self._row(form, "intake.schrijnend_ref", "Referentie centrale toets", QLineEdit())
        self._row(form, "intake.working", "", QCheckBox("Cliënt heeft inkomsten uit werk"))
        self.route_label = QLabel()
        self.route_label.setObjectName("route")
        self.route_label.setWordWrap(True)
        form.addRow("Route", self.route_label)
        layout.addStretch(1)
        self.align_captions()

        scroll = _FormScroll()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        self.scroll = scroll  # type: ignore[method-assign, assignment]

        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.reference_label = QLabel()
        self.reference_label.setObjectName("reference")
        self.reference_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.reference_label)

        self.save_button = QPushButton("Opslaan in werkvoorraad")
        self.save_button.setObjectName("save")
        self.preview_button = QPushButton("Voorbeeld…")
        self.preview_button.setObjectName("preview")
        self.print_button = QPushButton("Afdrukken…")
        self.print_button.setObjectName("print")
        self.pdf_button = QPushButton("PDF opslaan…")
        self.pdf_button.setObjectName("export")
        self.json_button = QPushButton("Uit &bestand laden…")
        self.json_button.setObjectName("load_json")
        self.json_button.setToolTip(
            "Een aanvraag invullen vanuit een bestand dat eerder is bewaard of is aangeleverd "
            "(JSON-bestand)"
        )
        self.json_button.clicked.connect(self.load_json)
        close = QPushButton("Sluiten")
        self.save_button.clicked.connect(self.save)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_request)
        self.pdf_button.clicked.connect(self.export_pdf)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.json_button, self.preview_button, self.print_button, self.pdf_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)

        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    # ---- data in and out ------------------------------------------------------------------

    def _load(self) -> None:
        if not self.case_ref:
            return
        document = load_request(self.store, self.case_ref)
        if document is None:
            row = get_case(self.store, self.case_ref)
            if row is None:
                return
            document = {
                "client": {
                    "bsn": row.bsn,
                    "name": row.client_name,
                    "birth_date": row.facts.birth_date.isoformat()
                    if row.facts.birth_date
                    else None,
                },
                "requester": {"kind": row.facts.requester},
                "requested_on": row.facts.received_on.isoformat(),
                "request": {
                    "kind": "wijziging_gezondheid"
                    if row.facts.service == "WIJZIGING_GEZONDHEID"
                    else "herbeoordeling"
                },
                "intake": {
                    "team": row.team,
                    "schrijnend": row.facts.schrijnend,
                    "schrijnend_ref": row.facts.schrijnend_ref,
                    "working": row.facts.working,
                },
            }
        self.set_data(document)

    def set_data(self, document: dict[str, Any]) -> None:
        """Fill the form from a request in the contract's JSON shape."""
        self._loading = True
        try:
            for field, widget in self._fields.items():
                section, _, key = field.partition(".")
                if key:
                    part = document.get(section) or {}
                    value = part.get(key) if isinstance(part, dict) else None
                else:
                    value = document.get(section)
                self._put(widget, field, value)
            self._touched = {f for f in self._fields if self._has_value(f)}
        finally:
            self._loading = False
        self.revalidate()

    def _put(self, widget: QWidget, field: str, value: Any) -> None:
        if isinstance(widget, QCheckBox):
            widget.setChecked(value is True)
        elif isinstance(widget, QComboBox):
            index = widget.findData(value) if value is not None else 0
            widget.setCurrentIndex(max(index, 0))
        elif isinstance(widget, QPlainTextEdit):
            if isinstance(value, list):
                value = "\n".join(str(v) for v in value)
            widget.setPlainText("" if value is None else str(value))
        elif isinstance(widget, QLineEdit):
            if value is None:
                text = ""
            elif field == "benefit.percentage" and isinstance(value, int | float):
                text = format_percentage(float(value)).rstrip("%")
            elif field.endswith(("_on", "birth_date", "last_assessment", "since")):
                text = self._dutch_date(str(value))
            else:
                text = str(value)
            widget.setText(text)

    @staticmethod
    def _dutch_date(text: str) -> str:
        from mdbtriage.core.validation import ValidationError, parse_date

        try:
            return format_date(parse_date(text))
        except ValidationError:
            return text

    def _value(self, field: str) -> Any:
        widget = self._fields[field]
        if isinstance(widget, QCheckBox):
            if field == "consent":
                return True if widget.isChecked() else None
            return widget.isChecked()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QPlainTextEdit):
            text = widget.toPlainText()
            if field == "request.attachments":
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                return lines or None
            return text.strip() or None
        if isinstance(widget, QLineEdit):
            return widget.text().strip() or None
        raise TypeError(field)

    def _has_value(self, field: str) -> bool:
        value = self._value(field)
        return value not in (None, False, "")

    def data(self) -> dict[str, Any]:
        """The request in the contract's JSON shape (with ``reference`` and ``intake``)."""
        document: dict[str, Any] = {}
        if self.case_ref:
            document["reference"] = self.case_ref
        for field in self._fields:
            section, _, key = field.partition(".")
            value = self._value(field)
            if key:
                document.setdefault(section, {})[key] = value
            else:
                document[section] = value
        return document

    # ---- checking -------------------------------------------------------------------------

    def _edited(self, field: str) -> None:
        if self._loading:
            return
        self._touched.add(field)
        self.revalidate()

    def _central_decision(self, assessment: Assessment) -> CentralDecision | None:
        """The recorded central decision with the intake's reference, if any."""
        ref = assessment.request.intake.schrijnend_ref
        return decision_by_ref(self.store, ref) if ref else None

    def revalidate(self) -> Assessment:
        """Check the form with core's rules and show every reason next to its field."""
        assessment = assess_with_store(self.store, self.data(), self.case_ref)
        self.assessment = assessment
        shown = 0
        for field, label in self._messages.items():
            problems = assessment.problems_for(field)
            if field == "intake.team" and "intake.team" in self._touched and not self._value(field):
                messages = ["kies het team dat de zaak behandelt (nodig om op te slaan)"]
            else:
                messages = [p.message for p in problems if field in self._touched or p.refusal]
            label.setText("\n".join(messages))
            self._show_note(label, bool(messages))
            shown += bool(messages)
        for field, label in self._warnings.items():
            warnings = [w.message for w in assessment.warnings_for(field)]
            label.setText("Let op: " + "\n".join(warnings) if warnings else "")
            self._show_note(label, bool(warnings))
        for field, widget in self._fields.items():  # announced with the field itself
            notes = (self._messages[field].text(), self._warnings[field].text())
            widget.setAccessibleDescription("\n".join(note for note in notes if note))
        outcome = intake_outcome(assessment, self.policy, self._central_decision(assessment))
        count = len(assessment.problems)
        has_team = self._value("intake.team") is not None
        if assessment.complete and outcome.route is not None:
            # Why Opslaan is not yet possible is said here, not only in a tooltip.
            missing_team = (
                ""
                if has_team
                else f" <span style='{ERROR_STYLE}'>Kies nog het team om op te slaan.</span>"
            )
            self.summary.setText(
                f"<b>De aanvraag is volledig.</b> {assessment.request.title}, "
                f"route {outcome.route.name}.{missing_team}"
            )
            self.route_label.setText(
                f"{outcome.route.name}, voorgestelde regie {role_name(outcome.route.lead_role)}; "
                f"klasse {outcome.klasse} ({outcome.klasse_label})"
            )
        else:
            hidden = count - shown
            refused = " De aanvraag wordt geweigerd." if assessment.refused else ""
            points = f"nog {count} {'punt' if count == 1 else 'punten'} open"
            if hidden >= count:  # every reason is at a field not yet filled in
                open_text = f"{points}, in velden die u nog niet hebt ingevuld"
            elif hidden > 0:
                open_text = f"{points}, waarvan {hidden} in velden die u nog niet hebt ingevuld"
            else:
                open_text = points
            self.summary.setText(
                f"<span style='{ERROR_STYLE}'><b>Onvolledig:</b> {open_text}.{refused}</span> "
                "Afdrukken geeft een ontvangstbewijs 'ONVOLLEDIG'."
            )
            self.route_label.setText("wordt bepaald als de aanvraag volledig is")
        self.reference_label.setText(f"Referentie <b>{assessment.request.reference}</b>")
        if hasattr(self, "scroll"):
            self.scroll.fit()  # type: ignore[attr-defined]
        self.save_button.setEnabled(assessment.complete and has_team)
        self.save_button.setToolTip(
            ""
            if assessment.complete and has_team
            else "Eerst alle punten invullen en een team kiezen"
        )
        return assessment

    def _show_note(self, note: QLabel, visible: bool) -> None:
        form, row = self._note_rows[note]
        form.setRowVisible(row, visible)

    def note_visible(self, field: str, *, warning: bool = False) -> bool:
        """Whether the reason (or the warning) next to a field is shown."""
        note = (self._warnings if warning else self._messages)[field]
        form, row = self._note_rows[note]
        return bool(form.isRowVisible(row)) and bool(note.text())

    def show_all_problems(self) -> None:
        """Show the reasons at every field, also those not yet touched."""
        self._touched = set(self._fields)
        self.revalidate()

    # ---- actions --------------------------------------------------------------------------

    def save(self) -> None:
        assessment = self.revalidate()
        if not assessment.complete:
            self.show_all_problems()
            return
        try:
            result = save_request(self.store, self.data(), self.actor, self.policy)
        except RequestRefused as refused:
            self.show_all_problems()
            self.ask_warning(self, "Niet opgeslagen", "\n".join(p.text() for p in refused.problems))
            return
        self.case_ref = result.case_ref
        self.revalidate()
        verb = "aangemaakt" if result.created else "bijgewerkt"
        self.summary.setText(
            f"<b>Opgeslagen:</b> zaak {result.case_ref} {verb} ({result.service}, "
            f"route {result.route})."
        )
        self.saved.emit(result.case_ref)

    def pdf(self) -> tuple[bytes, str]:
        """The PDF for the form as it stands: the request, or the ONVOLLEDIG receipt."""
        # reportlab is imported when the first PDF is made, not when the form opens.
        from mdbtriage.reports.herbeoordeling_pdf import render_receipt, render_request

        assessment = self.revalidate()
        outcome = intake_outcome(assessment, self.policy, self._central_decision(assessment))
        if assessment.complete:
            return render_request(assessment, outcome), "aanvraagformulier"
        return render_receipt(assessment, outcome), "ontvangstbewijs ONVOLLEDIG"

    def preview(self) -> PdfPreview:
        pdf, kind = self.pdf()
        reference = self.assessment.request.reference if self.assessment else ""
        dialog = PdfPreview(pdf, f"Voorbeeld {kind} {reference}", self)
        dialog.print_button.clicked.connect(self.print_request)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def print_request(self) -> bool:
        pdf, kind = self.pdf()
        printer = self.ask_printer(self)
        if printer is None or self.assessment is None:
            return False
        log_output(
            self.store,
            self.actor,
            self.assessment,
            "print",
            f"{kind} {self.assessment.request.reference} afgedrukt",
        )
        print_pdf(pdf, printer)
        return True

    def export_pdf(self) -> Path | None:
        pdf, kind = self.pdf()
        if self.assessment is None:
            return None
        reference = self.assessment.request.reference
        path = self.ask_save_path(self, f"{reference}.pdf")
        if path is None:
            return None
        try:
            check_output(path, self.store.path, "PDF-bestand")
            with self.store.atomic():
                log_output(
                    self.store,
                    self.actor,
                    self.assessment,
                    "export",
                    f"{kind} {reference} naar {path.name}",
                )
                write_atomically(path, pdf)
        except OutputRefused as error:
            self.ask_warning(self, "PDF niet opgeslagen", f"{error}; er is niets geschreven.")
            return None
        except OSError as error:
            self.ask_warning(self, "PDF niet opgeslagen", f"{path}: {file_problem(error)}")
            return None
        return path

    # ---- questions to the user (tests replace these classmethods) --------------------------

    @classmethod
    def ask_printer(cls, parent: QWidget) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle("Aanvraag afdrukken")
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def load_json(self) -> bool:
        """Fill the form from a file holding a request in the contract's JSON shape."""
        path = self.ask_open_path(self)
        if path is None:
            return False
        try:
            document = parse_json(path.read_text(encoding="utf-8-sig"))
        except OSError as error:
            reason = (
                "het bestand bestaat niet"
                if isinstance(error, FileNotFoundError)
                else (
                    "geen leesrechten"
                    if isinstance(error, PermissionError)
                    else str(error.strerror)
                )
            )
            self.ask_warning(self, "Aanvraag laden", f"{path} kan niet worden gelezen: {reason}.")
            return False
        except UnicodeDecodeError as error:
            self.ask_warning(
                self,
                "Aanvraag laden",
                f"{path} is geen UTF-8-tekst (byte {error.start + 1}); er is niets ingelezen.",
            )
            return False
        except RequestFileError as error:
            self.ask_warning(self, "Aanvraag laden", f"{path}: {error}; er is niets ingelezen.")
            return False
        self.set_data(document)
        self._touched.update(self._fields)
        self.revalidate()
        return True

    @classmethod
    def ask_open_path(cls, parent: QWidget) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Aanvraag laden", str(start_folder()), "JSON-bestanden (*.json)"
        )
        return Path(path) if path else None

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggestion: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "PDF opslaan", str(start_folder() / suggestion), "PDF-bestanden (*.pdf)"
        )
        return Path(path) if path else None

    @classmethod
    def ask_warning(cls, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)
