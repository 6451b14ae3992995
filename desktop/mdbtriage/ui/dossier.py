"""The dossier of one case: client, case facts, triage reasons and flags, the document checklist,
tasks, MDB decisions, notes and the case's access history. Opening it logs a 'read'.

What the dossier changes it reports to the window's store events; it reads again when they
report a change to its case (from any screen, or from elsewhere)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.caserules import DOSSIER_DOCUMENTS, missing_documents
from mdbtriage.core.labels import route_name, service_name, task_short
from mdbtriage.core.model import CASE_STATUSES, MEDICAL_ROLES, REQUESTERS, ROLES, Case
from mdbtriage.core.policy import Policy
from mdbtriage.core.triage import dwangsom_flag, place
from mdbtriage.core.validation import format_date, mask_bsn
from mdbtriage.store.database import Store
from mdbtriage.store.dossier import (
    DossierError,
    EmergencyRefused,
    add_note,
    case_log,
    documents,
    emergency_records,
    emergency_team,
    mark_schrijnend,
    notes,
    read_dossier,
    set_document,
)
from mdbtriage.store.records import get_case, get_staff, list_teams
from mdbtriage.ui.appearance import FittedColumns, capped_widths, fit_to_screen
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.session import Session
from mdbtriage.ui.table_model import TablePane

TASK_STATUS = {
    "open": "open",
    "done": "afgerond",
    "te_accorderen": "te accorderen",
    "geaccordeerd": "geaccordeerd",
    "afgewezen": "afgewezen",
}
_TASKS_AVAILABLE = importlib.util.find_spec("mdbtriage.ui.tasks") is not None
_MEDICAL = [role for role in ROLES if role in MEDICAL_ROLES]
MEDICAL_HIDDEN = (
    f"Medische inhoud is alleen zichtbaar voor {', '.join(_MEDICAL[:-1])} en {_MEDICAL[-1]}."
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _local_time(stamp: str) -> str:
    """A UTC stamp from the log in the computer's local time, as DD-MM-JJJJ UU:MM."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone():%d-%m-%Y %H:%M}"


def expected_text(next_week: date | None, done_week: date | None) -> str:
    """The forecast's weeks for one case, in words, marked as an estimate."""
    if next_week is None:
        return "niet in zicht: het team heeft geen uren voor dit werk (schatting)"
    start = f"werk begint in de week van {format_date(next_week)}"
    if done_week is None:
        return f"{start}; klaar niet in zicht (schatting)"
    return f"{start}, klaar in de week van {format_date(done_week)} (schatting)"


HISTORY_COLUMNS = ("Tijdstip", "Handeling", "Door", "Rol", "Uitkomst", "Doel", "Details")


class RecordColumns(FittedColumns):
    """The Logboek's columns: the record's own text (Details) gets the room. When all fit on
    one line it gets what is left over; when they do not (large text, a narrow window) the
    other columns give up width first, the widest first, down to their longest word (a short
    one, Rol or Uitkomst, stays as it is) until Details has two fifths of the table; only then
    is Details narrowed too. Every word stays whole and a row is as high as its wrapped texts."""

    MAIN = HISTORY_COLUMNS.index("Details")
    SHARE = 0.4

    def widths(self, room: int) -> dict[int, int]:
        fitted = super().widths(room)
        main = self.MAIN
        if main not in fitted:
            return fitted
        view, header = self.view, self.view.horizontalHeader()
        want = {c: max(header.sectionSizeHint(c), view.sizeHintForColumn(c)) for c in fitted}
        if sum(want.values()) <= room:  # all on one line: what is left over goes to Details
            return want | {main: want[main] + room - sum(want.values())}
        least = {c: min(want[c], max(header.sectionSizeHint(c), self._word(c))) for c in fitted}
        target = min(want[main], max(least[main], int(room * self.SHARE)))
        others = [c for c in fitted if c != main]
        if fitted[main] >= target or room - sum(least[c] for c in others) < least[main]:
            return fitted  # Details has its room, or nothing can give it more
        # One cap for the other columns, as high as the room left allows (not below their words).
        widths = capped_widths(fitted, least, others, room - target)
        widths[main] = room - sum(widths.values())
        return widths


class DossierWindow(QWidget):
    """One case, in its own window."""

    def __init__(
        self,
        store: Store,
        session: Session,
        policy: Policy,
        on: date,
        case_ref: str,
        parent: QWidget | None = None,
        emergency_reason: str | None = None,
        events: StoreEvents | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.events = events or StoreEvents(self)
        self.store = store
        self.session = session
        self.policy = policy
        self.on = on
        self.case_ref = case_ref
        self.row: Case = read_dossier(
            store, session.actor, case_ref, emergency_reason=emergency_reason
        )
        self.setObjectName("dossier")
        self.setWindowTitle(f"Dossier {case_ref}")

        self.title = QLabel(objectName="title")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.facts = QFormLayout()
        self.facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        facts_box = QWidget()
        facts_box.setLayout(self.facts)
        self.reasons = QTextBrowser(objectName="reasons")
        self.reasons.setAccessibleName("Waarom deze prioriteit")

        # With large text the facts scroll down instead of being cut off at the window's foot.
        facts_scroll = QScrollArea(objectName="facts_scroll")
        facts_scroll.setWidgetResizable(True)
        facts_scroll.setFrameShape(QFrame.Shape.NoFrame)
        facts_scroll.setWidget(facts_box)
        overview = QWidget()
        overview_layout = QHBoxLayout(overview)
        overview_layout.addWidget(facts_scroll, 1)
        overview_layout.addWidget(self.reasons, 1)

        checklist = QWidget()
        checklist_layout = QVBoxLayout(checklist)
        self.document_boxes: dict[str, QCheckBox] = {}
        for code, label in DOSSIER_DOCUMENTS.items():
            box = QCheckBox(label, objectName=f"doc_{code}")
            box.toggled.connect(lambda on, code=code: self._toggle_document(code, on))
            self.document_boxes[code] = box
            checklist_layout.addWidget(box)
        self.checklist_summary = QLabel(objectName="checklist_summary")
        self.checklist_summary.setWordWrap(True)
        checklist_layout.addWidget(self.checklist_summary)
        checklist_layout.addStretch(1)

        self.tasks = TablePane(
            ("Taak", "Uitvoerder", "Rol", "Bevoegdheid", "Namens VA", "Uiterlijk", "Status"),
            "Nog geen taken voor deze zaak.\n\nWijs een taak toe met ‘Taak toewijzen…’ onderaan "
            "dit venster (Ctrl+T), in het hoofdvenster via Zaak › Taak toewijzen… (Ctrl+T) of "
            "vanuit de MDB.",
            "tasks_table",
            "Taken",
        )
        self.decisions = TablePane(
            ("MDB", "Team", "Aan kop", "Activiteiten", "Dossier compleet", "Opmerkingen"),
            "Deze zaak is nog niet in een MDB besproken.",
            "decisions_table",
            "MDB-besluiten",
            (5, 3),
        )
        self.history = TablePane(
            HISTORY_COLUMNS,
            "Nog niets vastgelegd.",
            "history_table",
            "Logboek",
            (),  # purpose and details wrap: they are what the record says, read whole
            RecordColumns,
        )

        notes_tab = QWidget()
        notes_layout = QVBoxLayout(notes_tab)
        self.notes_view = QTextBrowser(objectName="notes")
        self.notes_view.setAccessibleName("Notities")
        self.note_text = QPlainTextEdit(objectName="note_text")
        self.note_text.setAccessibleName("Nieuwe notitie")
        self.note_text.setTabChangesFocus(True)  # Tab goes on to 'Notitie toevoegen'
        self.note_text.setPlaceholderText("Nieuwe notitie…")
        self.note_text.setMaximumHeight(90)
        self.note_medical = QCheckBox("medische notitie", objectName="note_medical")
        self.note_medical.setVisible(session.sees_medical)
        add = QPushButton("Notitie toe&voegen", objectName="add_note")
        add.clicked.connect(self._add_note)
        row = QHBoxLayout()
        row.addWidget(self.note_medical)
        row.addStretch(1)
        row.addWidget(add)
        notes_layout.addWidget(self.notes_view, 1)
        notes_layout.addWidget(self.note_text)
        notes_layout.addLayout(row)

        self.tabs = QTabWidget(objectName="dossier_tabs")
        self.tabs.addTab(overview, "&Zaak en triage")
        self.tabs.addTab(checklist, "&Dossierstukken")
        self.tabs.addTab(self.tasks.widget, "&Taken")
        self.tabs.addTab(self.decisions.widget, "&MDB-besluiten")
        self.tabs.addTab(notes_tab, "&Notities")
        self.tabs.addTab(self.history.widget, "&Logboek")

        edit = QPushButton("&Wijzigen…", objectName="edit")
        edit.clicked.connect(self.edit_case)
        self.schrijnend_button = QPushButton("&Schrijnend markeren…", objectName="schrijnend")
        self.schrijnend_button.clicked.connect(self.mark_schrijnend)
        self.central_button = QPushButton("&Centrale beslissing…", objectName="central")
        self.central_button.setToolTip(
            "De beslissing van het centrale team over deze schrijnende zaak vastleggen"
        )
        self.central_button.clicked.connect(self.record_central)
        self.central_button.setVisible(session.is_team_lead)
        self.assign_button = QPushButton("T&aak toewijzen…", objectName="assign_task")
        self.assign_button.setToolTip("Een taak op deze zaak toewijzen (Ctrl+T)")
        self.assign_button.clicked.connect(self.assign_task)
        self.assign_button.setVisible(_TASKS_AVAILABLE)
        close = QPushButton("Sl&uiten", objectName="close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(edit)
        buttons.addWidget(self.schrijnend_button)
        buttons.addWidget(self.central_button)
        buttons.addWidget(self.assign_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        if _TASKS_AVAILABLE:
            QShortcut(QKeySequence("Ctrl+T"), self, self.assign_task)
        # Larger with large text (within the screen): the log's purpose and details stay readable.
        em, line = self.fontMetrics().horizontalAdvance("x"), self.fontMetrics().lineSpacing()
        fit_to_screen(self, max(980, em * 140), max(620, line * 36))
        self.refresh()
        self.events.changed.connect(self._store_changed)

    # Filling ----------------------------------------------------------------------------------

    def _store_changed(self, changes: Changes) -> None:
        if changes.origin is not self and (
            changes.touches_case(self.case_ref) or changes.touches("staff")
        ):
            self.refresh()

    def _report(self, tasks: tuple[int, ...] = ()) -> None:
        """Tell the other screens that this case changed."""
        self.events.report(Changes.of(cases=[self.case_ref], tasks=tasks, origin=self))

    def refresh(self) -> None:
        row = get_case(self.store, self.case_ref)
        if row is None:
            return
        self.row = row
        facts = row.facts
        self.title.setText(
            f"<h2>{_escape(row.client_name)} · {mask_bsn(row.bsn)} · {_escape(facts.case_ref)}</h2>"
        )
        while self.facts.rowCount():
            self.facts.removeRow(0)
        requester = REQUESTERS.get(facts.requester or "", "")
        yes = {True: "ja", False: "nee"}
        placement = place(facts, self.on, self.policy)
        if placement.schrijnend_approved:
            schrijnend = f"ja, centraal getoetst: {facts.schrijnend_ref} toegekend"
        elif facts.schrijnend:
            missing = placement.schrijnend_unconfirmed
            reference = f" ({facts.schrijnend_ref})" if facts.schrijnend_ref else ""
            schrijnend = f"ja{reference}" + (f"; {missing.split(': ', 1)[1]}" if missing else "")
        else:
            schrijnend = "nee"
        dwangsom = dwangsom_flag(facts) if facts.dwangsom else "nee"
        for label, value in (
            ("Cliënt", row.client_name),
            ("BSN", mask_bsn(row.bsn)),
            ("Geboortedatum", format_date(facts.birth_date) if facts.birth_date else "onbekend"),
            ("Dienst", service_name(facts.service)),
            ("Ontvangen op", format_date(facts.received_on)),
            ("Team", self._team_name(row.team)),
            ("Status", CASE_STATUSES.get(row.status, row.status)),
            ("Aanvrager", requester or "(geen)"),
            ("Medische motivering", yes[facts.motivated]),
            ("Heeft inkomsten", yes[facts.working]),
            ("Schrijnend", schrijnend),
            ("Ingebrekestelling", yes[facts.ingebrekestelling]),
            ("Dwangsom", dwangsom),
        ):
            value_label = QLabel(value)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addRow(f"{label}:", value_label)
        self.expected = QLabel("wordt berekend…", objectName="expected_week")
        self.expected.setWordWrap(True)
        self.expected.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.addRow("Verwacht (prognose):", self.expected)
        self._forecast_case(placement.klasse)
        reasons = "".join(f"<li>{_escape(r)}</li>" for r in placement.reasons(self.policy))
        flags = "".join(f"<li><b>{_escape(f)}</b></li>" for f in placement.flags)
        self.reasons.setHtml(
            f"<h3>Triage op {format_date(self.on)}: klasse {placement.klasse}, "
            f"route {_escape(route_name(placement.route.code, self.policy))}</h3><ul>{reasons}</ul>"
            f"<p><b>Signalen</b></p><ul>{flags or '<li>geen signalen</li>'}</ul>"
        )
        self.schrijnend_button.setEnabled(
            facts.service in self.policy.service_schrijnend_class and not facts.schrijnend_ref
        )
        self.central_button.setEnabled(
            facts.service in self.policy.service_schrijnend_class and facts.schrijnend
        )
        self._fill_documents()
        self._fill_tasks()
        self._fill_decisions()
        self._fill_notes()
        self._fill_history()

    def _forecast_case(self, klasse: str) -> None:
        """The weeks the team's forecast expects work on this case to start and finish,
        computed off the GUI thread on a connection of its own."""
        if klasse in self.policy.unplanned_classes or self.row.status == "afgerond":
            self.expected.setText("niet gepland")
            return
        from mdbtriage.ui.worker import run_in_background

        path, team, on, policy = self.store.path, self.row.team, self.on, self.policy
        case_ref = self.case_ref
        self._forecast_generation = generation = getattr(self, "_forecast_generation", 0) + 1
        label = self.expected

        def show(text: str) -> None:
            if generation == self._forecast_generation:  # a refresh replaced the label since
                label.setText(text)

        def work(_progress: Any) -> str:
            from mdbtriage.store.forecast import case_weeks

            with Store.open(path) as store:
                case = case_weeks(store, team, on, policy).get(case_ref)
            return expected_text(case.next_week, case.done_week) if case else "niet gepland"

        def failed(error: BaseException) -> None:
            show(f"kon niet worden berekend ({error})")

        run_in_background(work, show, failed, parent=self)

    def _fill_documents(self) -> None:
        present = documents(self.store, self.case_ref)
        for code, box in self.document_boxes.items():
            box.blockSignals(True)
            box.setChecked(code in present)
            label = DOSSIER_DOCUMENTS[code]
            box.setText(
                f"{label} (binnen op {format_date(present[code])})" if code in present else label
            )
            box.blockSignals(False)
        missing = missing_documents(set(present))
        self.checklist_summary.setText(
            "Het dossier is compleet."
            if not missing
            else "Ontbreekt nog: " + ", ".join(DOSSIER_DOCUMENTS[m] for m in missing) + "."
        )

    def _fill_tasks(self) -> None:
        try:
            from mdbtriage.store.tasks import list_tasks
        except ImportError:
            self.tasks.set_rows([])
            return
        rows = list_tasks(self.store, case_ref=self.case_ref)
        self.tasks.set_rows(
            [
                (
                    task_short(t.task_code),
                    t.assignee_name,
                    t.assignee_role,
                    t.permission,
                    t.delegating_va_name or "",
                    format_date(t.due_on) if t.due_on else "",
                    TASK_STATUS.get(t.status, t.status),
                )
                for t in rows
            ],
            [t.task_id for t in rows],
        )

    def _fill_decisions(self) -> None:
        try:
            from mdbtriage.store.meetings import case_history
        except ImportError:
            self.decisions.set_rows([])
            return
        rows = []
        for entry in case_history(self.store, self.case_ref):
            d = entry.decision
            activities = (
                ", ".join(
                    f"{task_short(a.task)} → {self._staff_name(a.assignee_id)} "
                    f"({format_date(a.due_on)})"
                    for a in d.activities
                )
                if d
                else ""
            )
            remarks = d.remarks if d else ""
            if d and d.medical_remarks:
                remarks += (
                    (" | medisch: " + d.medical_remarks)
                    if self.session.sees_medical
                    else (" | " + MEDICAL_HIDDEN)
                )
            complete = (
                ""
                if d is None or d.dossier_complete is None
                else ("ja" if d.dossier_complete else "nee")
            )
            rows.append(
                (
                    f"{format_date(entry.held_on)} ({entry.meeting_status})",
                    entry.team_id,
                    (d.lead_role or "") + (f" / {d.lead_staff_id}" if d and d.lead_staff_id else "")
                    if d
                    else "nog geen besluit",
                    activities,
                    complete,
                    remarks.strip(" |"),
                )
            )
        self.decisions.set_rows(rows)

    def _fill_notes(self) -> None:
        shown = notes(self.store, self.case_ref, with_medical=self.session.sees_medical)
        parts = [
            f"<p><b>{_escape(n.author_name)}</b>, {_local_time(n.created_at)}"
            f"{' · <i>medisch</i>' if n.medical else ''}<br>{_escape(n.text)}</p>"
            for n in shown
        ]
        if not self.session.sees_medical:
            parts.append(f"<p><i>{MEDICAL_HIDDEN}</i></p>")
        if not shown:
            parts.insert(0, "<p>Nog geen notities bij deze zaak.</p>")
        self.notes_view.setHtml("".join(parts))

    def _team_name(self, team_id: str) -> str:
        return next((t.name for t in list_teams(self.store) if t.team_id == team_id), team_id)

    def _staff_name(self, staff_id: str) -> str:
        staff = get_staff(self.store, staff_id)
        return staff.name if staff is not None else staff_id

    def _fill_history(self) -> None:
        lines = case_log(self.store, self.case_ref, self.session.actor)
        self.history.set_rows(
            [
                (
                    _local_time(x.at),
                    x.event_label,
                    x.user_name,
                    x.role,
                    x.outcome,
                    x.purpose,
                    x.details,
                )
                for x in lines
            ]
        )

    # Actions ----------------------------------------------------------------------------------

    def _toggle_document(self, code: str, present: bool) -> None:
        set_document(self.store, self.session.actor, self.case_ref, code, present, self.on)
        self._fill_documents()
        self._fill_history()
        self._report()

    def _add_note(self) -> None:
        try:
            add_note(
                self.store,
                self.session.actor,
                self.case_ref,
                self.note_text.toPlainText(),
                self.note_medical.isChecked(),
            )
        except DossierError as error:
            Ask.warn(self, "Notitie", str(error))
            return
        self.note_text.clear()
        self._fill_notes()
        self._fill_history()
        self._report()

    def edit_case(self) -> None:
        from mdbtriage.ui.case_form import CaseFormDialog

        saved = CaseFormDialog.ask(self.store, self.session, self.on, self.row, self)
        if saved is not None:
            self.refresh()
            self._report()

    def assign_task(self) -> None:
        """Assign a task on this case (the taakdelegatie dialog), then show it in Taken."""
        from mdbtriage.ui.tasks import AssignTaskDialog

        task_id = AssignTaskDialog.ask(self.store, self.session.actor, self.case_ref, self, self.on)
        if task_id is None:
            return
        self._fill_tasks()
        self._fill_history()
        self.tabs.setCurrentWidget(self.tasks.widget)
        self._report(tasks=(task_id,))

    def record_central(self) -> None:
        """Team lead: record the central team's decision on this case (reference prefilled)."""
        from mdbtriage.ui.central_decision import CentralDecisionDialog

        row = get_case(self.store, self.case_ref)
        reference = (row.facts.schrijnend_ref or "") if row else ""
        decision = CentralDecisionDialog.ask(
            self.store, self.session, self.on, self.case_ref, self, central_ref=reference
        )
        if decision is None:
            return
        if decision.case_ref == self.case_ref and decision.central_ref != reference:
            # The case refers to the decision recorded for it from now on.
            mark_schrijnend(self.store, self.session.actor, self.case_ref, decision.central_ref)
        self.refresh()
        if decision.case_ref is None:  # by BSN alone: every case of the client it covers
            self.events.report(Changes(unknown=True, origin=self))
        else:
            self.events.report(Changes.of(cases={self.case_ref, decision.case_ref}, origin=self))

    def mark_schrijnend(self) -> None:
        reference = Ask.text(
            self,
            "Schrijnend markeren",
            "Referentie van de centrale toets (bijv. CT-2026-004):",
        )
        if reference is None:
            return
        try:
            mark_schrijnend(self.store, self.session.actor, self.case_ref, reference)
        except DossierError as error:
            Ask.warn(self, "Schrijnend markeren", str(error))
            return
        self.refresh()
        self._report()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)


# Break-glass (noodtoegang) ------------------------------------------------------------------------


def open_dossier_window(
    store: Store,
    session: Session,
    policy: Policy,
    on: date,
    case_ref: str,
    parent: QWidget | None = None,
    events: StoreEvents | None = None,
) -> DossierWindow | None:
    """The dossier's window; for a case of another team only with a stated reason (break-glass,
    logged as noodtoegang). No reason, or one that does not do, is refused and logged
    ``geweigerd``; the refusal is shown unless the person cancelled. None when refused."""
    reason: str | None = None
    team = emergency_team(store, session.actor, case_ref)
    if team is not None:
        reason = Ask.text(
            parent,
            "Noodtoegang",
            f"Zaak {case_ref} hoort bij team {team}, niet bij uw team ({session.team}).\n"
            "Alleen met een reden kunt u dit dossier openen (noodtoegang). De toegang en de "
            "reden worden vastgelegd en door de privacyfunctionaris nagekeken.\n\nReden:",
        )
    try:
        return DossierWindow(
            store, session, policy, on, case_ref, parent, emergency_reason=reason, events=events
        )
    except EmergencyRefused as refused:
        if reason is not None:
            Ask.warn(parent, "Noodtoegang geweigerd", str(refused))
        return None


class EmergencyReview(QDialog):
    """Every break-glass access, granted and refused, for the privacy officer and the team lead
    to review (reading the list is logged)."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emergency_review")
        self.setWindowTitle("Noodtoegang nakijken")
        self.table = TablePane(
            ("Tijdstip", "Zaak", "Door", "Rol", "Uitkomst", "Reden en team"),
            "Er is nog geen noodtoegang vastgelegd.",
            "emergency_table",
            "Noodtoegang",
        )
        lines = emergency_records(store, session.actor)
        self.table.set_rows(
            [
                (
                    _local_time(x.at),
                    x.case_ref,
                    f"{x.user_name} ({x.user_id})",
                    x.role,
                    x.outcome,
                    x.details,
                )
                for x in lines
            ]
        )
        close = QPushButton("Sl&uiten", objectName="close")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table.widget, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        fit_to_screen(self, 900, 480)
