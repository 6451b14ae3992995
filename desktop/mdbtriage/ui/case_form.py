"""Create or change a case; every rule comes from core and is shown next to its field."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.caserules import FIELD_LABELS, case_fields, check_case
from mdbtriage.core.model import CASE_STATUSES, DWANGSOM_KINDS, REQUESTERS, SERVICES, Case
from mdbtriage.store.database import Store
from mdbtriage.store.dossier import DossierError, save_case
from mdbtriage.store.records import get_case, list_teams
from mdbtriage.store.versions import StaleEdit, case_version
from mdbtriage.ui.appearance import FlowLayout, fit_to_screen
from mdbtriage.ui.session import Session
from mdbtriage.ui.signin import ERROR_STYLE
from mdbtriage.ui.stale import StaleEditDialog

TEXT_FIELDS = ("case_ref", "bsn", "name", "birth_date", "received_on", "schrijnend_ref")
KEPT_FIELDS = ("employer_consents_60_plus", "dwangsom", "dwangsom_deadline")
FLAG_TEXT = {
    "motivated": "medische motivering bijgevoegd",
    "working": "cliënt heeft inkomsten uit werk",
    "consents_60_plus": "toestemming voor de 60-plusroute",
    "medical_reason": "medische aanleiding (ZW: verzekeringsarts aan kop)",
    "schrijnend": "schrijnend (centrale weging)",
    "ingebrekestelling": "ingebrekestelling ontvangen",
    "dwangsom": "dwangsom verschuldigd",
}
PLACEHOLDERS = {
    "case_ref": "bijv. Z26-000123",
    "bsn": "9 cijfers (elfproef)",
    "birth_date": "DD-MM-JJJJ",
    "received_on": "DD-MM-JJJJ",
    "schrijnend_ref": "referentie centrale toets, bijv. CT-2026-004",
}


class CaseFormDialog(QDialog):
    """The case form. ``case`` None: a new case."""

    def __init__(
        self,
        store: Store,
        session: Session,
        on: date,
        case: Case | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.on = on
        self.new = case is None
        self.saved: Case | None = None
        self.setWindowTitle("Nieuwe zaak" if case is None else f"Zaak {case.case_ref} wijzigen")
        self.texts: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._kept: dict[str, str] = {}
        for name in TEXT_FIELDS:
            edit = QLineEdit(objectName=name)
            edit.setPlaceholderText(PLACEHOLDERS.get(name, ""))
            self.texts[name] = edit
        self.service = self._combo("service", dict(SERVICES))
        self.requester = self._combo("requester", {"": "(geen)", **REQUESTERS})
        self.status = self._combo("status", dict(CASE_STATUSES))
        self.team = QComboBox(objectName="team")
        teams = list_teams(store)
        # A store that knows its teams offers them by name (a typo must not make a team); a
        # store without teams yet (set-up) takes the team's code as typed.
        self.team.setEditable(not teams)
        for team in teams:
            self.team.addItem(team.name or team.team_id, team.team_id)
            self.team.setItemData(self.team.count() - 1, team.team_id, Qt.ItemDataRole.ToolTipRole)
        self._set_team(session.team)
        self.flags = {name: QCheckBox(text, objectName=name) for name, text in FLAG_TEXT.items()}
        self.flags["schrijnend"].toggled.connect(self._schrijnend_toggled)

        form = QFormLayout()
        # With large text a field goes below its caption instead of past the window's edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        widgets: dict[str, QWidget] = {
            **self.texts,
            "service": self.service,
            "requester": self.requester,
            "status": self.status,
            "team": self.team,
        }
        self.fields: dict[str, QWidget] = {**widgets, **self.flags}
        for name in (
            "case_ref",
            "bsn",
            "name",
            "birth_date",
            "service",
            "received_on",
            "team",
            "requester",
            "status",
        ):
            self._add_row(form, name, widgets[name])
        # Side by side while they fit, one under the other with large text.
        flags = QWidget()
        flow = FlowLayout(flags, spacing=12)
        for name in FLAG_TEXT:
            flow.addWidget(self.flags[name])
        # The caption as high as a line of check boxes, so that it stands level with the first
        # (the form would centre it on a taller row).
        caption = QLabel("Kenmerken", buddy=flags)
        line = max(box.sizeHint().height() for box in self.flags.values())
        caption.setFixedHeight(max(line, caption.sizeHint().height()))
        form.addRow(caption, flags)
        note = QLabel(
            "Ingebrekestelling en dwangsom worden vastgelegd maar veranderen de volgorde niet."
        )
        note.setWordWrap(True)
        form.addRow("", note)
        for name in FLAG_TEXT:
            form.addRow("", self._error(name))
        self._add_row(form, "schrijnend_ref", self.texts["schrijnend_ref"])
        self.form_error = self._error("form")

        buttons = QDialogButtonBox()
        ok = buttons.addButton("&Opslaan", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("save")
        ok.setDefault(True)
        buttons.addButton("Annuleren", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # The form scrolls down when large text makes it taller than the screen.
        content = QWidget()
        content.setLayout(form)
        form.setContentsMargins(0, 0, 0, 0)
        self.form_scroll = QScrollArea()
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_scroll, 1)
        layout.addWidget(self.form_error)
        layout.addWidget(buttons)
        # As wide as 90 characters where the screen allows, then as tall as the form at that
        # width.
        wide = self.fontMetrics().horizontalAdvance("x") * 90
        fit_to_screen(self, wide, self.minimumSizeHint().height())
        fit_to_screen(self, self.width(), self._whole_height(self.width()))
        # The version the edit starts from: a save after a colleague's change is refused.
        self.version: int | None = None
        if case is not None:
            self._load(case)
        self._schrijnend_toggled(self.flags["schrijnend"].isChecked())

    def _whole_height(self, width: int) -> int:
        """The dialog's height at ``width`` that shows the whole form (its characteristics on as
        many lines as they need) with the buttons below it. The form is measured as narrow as a
        scroll bar would make it, so that none is needed; a screen too low for it makes it
        scroll (fit_to_screen keeps the dialog within the screen)."""
        layout, content = self.layout(), self.form_scroll.widget()
        assert layout is not None and content is not None
        margins = layout.contentsMargins()
        bar = self.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent, None, self.form_scroll
        )
        form = content.heightForWidth(width - margins.left() - margins.right() - bar)
        # Margins, buttons and the spacing between them: the layout without the form.
        around = layout.sizeHint().height() - self.form_scroll.sizeHint().height()
        return max(form, content.minimumSizeHint().height()) + around

    def _load(self, case: Case) -> None:
        """Fill the form with the case as stored now (else as given), and remember its
        version (read first: a change in between makes the save refused, never lost)."""
        self.version = case_version(self.store.conn, case.case_ref)
        row = get_case(self.store, case.case_ref)
        self._fill(row if row is not None else case)

    def _combo(self, name: str, items: dict[str, str]) -> QComboBox:
        combo = QComboBox(objectName=name)
        for code, label in items.items():
            combo.addItem(label, code)
        return combo

    def _error(self, name: str) -> QLabel:
        label: QLabel = QLabel(objectName=f"error_{name}")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self.errors[name] = label
        return label

    def _add_row(self, form: QFormLayout, name: str, widget: QWidget) -> None:
        form.addRow(FIELD_LABELS[name], widget)
        form.addRow("", self._error(name))

    def _schrijnend_toggled(self, on: bool) -> None:
        self.texts["schrijnend_ref"].setEnabled(on)
        if not on:
            self.texts["schrijnend_ref"].clear()

    def _fill(self, case: Case) -> None:
        values = case_fields(case)
        # Facts the form does not show are kept as stored (employer's consent, dwangsom kind
        # and court deadline).
        self._kept = {name: values[name] for name in KEPT_FIELDS}
        for name, edit in self.texts.items():
            edit.setText(values[name])
        self.texts["case_ref"].setReadOnly(True)
        self.service.setCurrentIndex(self.service.findData(case.facts.service))
        self.requester.setCurrentIndex(max(0, self.requester.findData(case.facts.requester or "")))
        self.status.setCurrentIndex(self.status.findData(case.status))
        self._set_team(case.team)
        for name, box in self.flags.items():
            box.setChecked(values[name] not in ("nee", ""))  # dwangsom: ja or its kind
        self.texts["schrijnend_ref"].setText(values["schrijnend_ref"])

    def _set_team(self, team_id: str) -> None:
        """Choose the team with this code (by its name in the list), or type the code where
        the store has no teams yet."""
        found = self.team.findData(team_id)
        if found >= 0:
            self.team.setCurrentIndex(found)
        elif self.team.isEditable():
            self.team.setCurrentText(team_id)

    def raw(self) -> dict[str, str]:
        """The form as text per field, exactly as the CSV import would see it."""
        raw = {name: edit.text() for name, edit in self.texts.items()}
        raw["service"] = str(self.service.currentData())
        raw["requester"] = str(self.requester.currentData() or "")
        raw["status"] = str(self.status.currentData())
        raw["team"] = str(self.team.currentData() or self.team.currentText())
        raw.update({name: "ja" if box.isChecked() else "nee" for name, box in self.flags.items()})
        kept = self._kept
        raw["employer_consents_60_plus"] = kept.get("employer_consents_60_plus", "")
        if self.flags["dwangsom"].isChecked():
            if kept.get("dwangsom") in DWANGSOM_KINDS:
                raw["dwangsom"] = kept["dwangsom"]
            raw["dwangsom_deadline"] = kept.get("dwangsom_deadline", "")
        return raw

    def show_problems(self, problems: dict[str, str]) -> None:
        for name, label in self.errors.items():
            text = problems.get(name, "")
            if text.startswith("is "):
                text = f"{FIELD_LABELS.get(name, name)} {text}"
            elif text:
                text = text[0].upper() + text[1:]
            label.setText(text)
            label.setVisible(bool(text))
            field = self.fields.get(name)
            if field is not None:  # announced with the field, not only shown beneath it
                field.setAccessibleDescription(text)

    def accept(self) -> None:
        checked = check_case(self.raw(), self.on)
        problems = checked.by_field()
        if checked.case is None:
            self.show_problems(problems)
            first = next((n for n in self.texts if n in problems), None)
            if first:
                self.texts[first].setFocus()
            return
        try:
            save_case(
                self.store, self.session.actor, checked.case, new=self.new, version=self.version
            )
        except DossierError as error:
            self.show_problems({"form": str(error)})
            return
        except StaleEdit as stale:
            self.show_problems({"form": str(stale)})
            own = "\n".join(
                f"{FIELD_LABELS.get(name, name)}: {value}"
                for name, value in case_fields(checked.case).items()
                if value
            )
            if StaleEditDialog.ask(self, str(stale), own):
                self._load(checked.case)
                self._schrijnend_toggled(self.flags["schrijnend"].isChecked())
                self.show_problems({})
            return
        self.saved = checked.case
        super().accept()

    @classmethod
    def ask(
        cls,
        store: Store,
        session: Session,
        on: date,
        case: Case | None = None,
        parent: QWidget | None = None,
    ) -> Case | None:
        dialog = cls(store, session, on, case, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
