"""The team lead's dialog to record one central decision on a schrijnende situation from the
central team's letter (``core.central``): checked in core, each problem shown by its field,
written with its access-log record; the werkvoorraad then places the cases it covers."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.central import FIELD_LABELS, CentralDecision, check_decision
from mdbtriage.core.triage import CENTRAL_OUTCOMES
from mdbtriage.store.central import decision_conflicts, record_decisions
from mdbtriage.store.database import Store
from mdbtriage.ui.session import Session

PURPOSE = "centrale beslissing vastleggen"


class CentralDecisionDialog(QDialog):
    """One decision: central reference, case or client (BSN), date and outcome."""

    def __init__(
        self,
        store: Store,
        session: Session,
        today: date,
        case_ref: str = "",
        parent: QWidget | None = None,
        central_ref: str = "",
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.today = today
        self.decision: CentralDecision | None = None
        self.setWindowTitle("Centrale beslissing vastleggen")
        initial = {
            "central_ref": central_ref,
            "case_ref": case_ref,
            "bsn": "",
            "decided_on": today.strftime("%d-%m-%Y"),
        }
        self.fields: dict[str, QLineEdit] = {}
        for name, text in initial.items():
            field = self.fields[name] = QLineEdit(text)
            field.setObjectName(name)
        self.fields["central_ref"].setPlaceholderText("bijv. CT-2026-004")
        self.fields["case_ref"].setPlaceholderText("zaaknummer, of leeg bij een beslissing per BSN")
        self.fields["bsn"].setPlaceholderText("BSN, of leeg bij een beslissing per zaak")
        self.fields["decided_on"].setPlaceholderText("DD-MM-JJJJ")
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        for outcome in CENTRAL_OUTCOMES:
            self.outcome.addItem(outcome, outcome)
        self.problems: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, widget in (*self.fields.items(), ("outcome", self.outcome)):
            label = QLabel(f"{FIELD_LABELS[name]}:")
            label.setBuddy(widget)
            form.addRow(label, widget)
            problem = QLabel()
            problem.setObjectName(f"problem_{name}")
            problem.setStyleSheet("color: #b00020")
            problem.setWordWrap(True)
            problem.hide()
            self.problems[name] = problem
            form.addRow("", problem)
        note = QLabel(
            "Een beslissing per BSN geldt voor de herbeoordelingen en bezwaren van die cliënt "
            "die op of vóór de datum van de beslissing zijn ontvangen. Een zaak telt als "
            "schrijnend (klasse B) als haar referentie die van een toegekende beslissing is."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Vastleggen")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def raw(self) -> dict[str, str]:
        values = {name: field.text() for name, field in self.fields.items()}
        values["outcome"] = str(self.outcome.currentData())
        return values

    def accept(self) -> None:
        decision, problems = check_decision(self.raw(), self.today)
        found: dict[str, list[str]] = {}
        for name, reason in problems:
            found.setdefault(name, []).append(reason)
        if decision is not None:  # the case and the BSN must be one client's, as on import
            conflict = decision_conflicts(self.store, [decision]).get(decision.central_ref)
            if conflict is not None:
                found.setdefault(conflict[0], []).append(conflict[1])
        for name, label in self.problems.items():
            label.setText("; ".join(found.get(name, [])))
            label.setVisible(name in found)
        if decision is None or found:
            return
        record_decisions(self.store, [decision], self.session.actor, PURPOSE)
        self.decision = decision
        super().accept()

    @classmethod
    def ask(
        cls,
        store: Store,
        session: Session,
        today: date,
        case_ref: str = "",
        parent: QWidget | None = None,
        central_ref: str = "",
    ) -> CentralDecision | None:
        """The decision recorded, or None when the team lead cancelled."""
        dialog = cls(store, session, today, case_ref, parent, central_ref)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.decision
        return None
