"""The MDB window: prepare the agenda, register attendance, decide case by case during the
meeting (keyboard first, saved as you go), close as regievoerder, preview and print the summary.

Open it from anywhere with::

    window = MdbWindow(store, actor, today=date.today(), meeting_id=None)
    window.show()

``store`` is an open :class:`mdbtriage.store.database.Store`, ``actor`` the signed-in
:class:`mdbtriage.core.model.Actor` (its role decides whether medical content is shown),
``today`` the date for new meetings and summaries, ``meeting_id`` the MDB to open first
(default: the nearest one in preparation). Decisions are written to the store as they are made;
closing the window mid-meeting loses nothing, and reopening it resumes where it stopped.
``events`` (a :class:`mdbtriage.ui.events.StoreEvents`) hears what the window changes, closing
an MDB included; the window follows the changes it reports from other screens and elsewhere.

One chair per MDB: opening the Bespreking of an open MDB takes its chair for this window (a
lease renewed every 20 seconds while the window is open, see
:mod:`mdbtriage.store.meetings.chair`). While another seat holds it, the whole MDB is read-only
here, says "Voorzitter: <naam> op <werkplek>" and follows the decisions as they are saved; the
regievoerder can take the chair over. A decision changed elsewhere since the form showed it is
not overwritten: the save is refused with who changed it, and the form offers to reload.

On the office store the chair goes on when the server cannot be reached: decisions are kept in
the journal on this workstation (:mod:`mdbtriage.store.meetings.journal`), shown as "nog niet
verzonden", and sent in order when the server is back; the MDB is not closed before then.

Keys in the Bespreking tab: Ctrl+Enter saves and goes to the next case, Ctrl+PgDown/PgUp go to
the next/previous case, Ctrl+T adds the activity being entered, Ctrl+S saves.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QBuffer,
    QByteArray,
    QDate,
    QIODevice,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpacerItem,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core import meetings as rules
from mdbtriage.core.caserules import DOSSIER_DOCUMENTS, missing_documents
from mdbtriage.core.labels import route_name
from mdbtriage.core.meetings import (
    AGENDA_REASONS,
    AGENDA_STATUSES,
    MEETING_STATUSES,
    Activity,
    AgendaItem,
    Chair,
    ChairHeld,
    Decision,
    MeetingError,
    chair_takeover_problem,
)
from mdbtriage.core.model import ROLES, SERVICES, Actor, Staff
from mdbtriage.core.policy import Policy, load_policy
from mdbtriage.core.validation import format_date, mask_bsn
from mdbtriage.reports.mdb_summary import build_summary_pdf
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.dossier import documents
from mdbtriage.store.meetings.chair import RENEW_EVERY
from mdbtriage.store.meetings.journal import Journal, JournalError
from mdbtriage.store.office import OfficeUnreachable
from mdbtriage.store.outputs import OutputRefused, file_problem
from mdbtriage.store.records import get_case, get_staff, list_teams
from mdbtriage.store.versions import StaleEdit
from mdbtriage.ui.appearance import FlowLayout, fit_columns, fit_to_screen
from mdbtriage.ui.dialogs import start_folder
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.stale import StaleEditDialog

_Index = QModelIndex | QPersistentModelIndex
AGENDA_COLUMNS = (
    "#",
    "Zaak",
    "Cliënt",
    "Klasse",
    "Route",
    "Voorstel regie",
    "Reden",
    "Status",
    "Ontbreekt",
)
SAVE_DELAY_MS = 600
CHAIR_CHECK_MS = 5000
"""How often the window looks at the chair: renewing its own (every RENEW_EVERY), or seeing
who holds it and whether it became free."""
JOURNAL_RETRY_MS = 5000
"""How often the chair's window tries to send the decisions journaled while the office server
could not be reached (and at once when the connection is back)."""


@dataclass(frozen=True, slots=True)
class _CaseView:
    """What the Bespreking shows of one case besides the decision form."""

    item: AgendaItem
    title: str
    proposal: str
    papers_complete: bool | None
    decision: Decision | None
    version: int
    history: str


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


@cache
def _policy() -> Policy:
    """The policy whose route names the agenda shows."""
    return load_policy()


class AgendaModel(QAbstractTableModel):
    """The agenda rows with the client shown by name and masked BSN."""

    def __init__(self) -> None:
        super().__init__()
        self._items: list[AgendaItem] = []
        self._clients: dict[str, str] = {}

    def reset(self, items: list[AgendaItem], clients: dict[str, str]) -> None:
        self.beginResetModel()
        self._items = items
        self._clients = clients
        self.endResetModel()

    def item(self, row: int) -> AgendaItem:
        return self._items[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(AGENDA_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        i = self._items[index.row()]
        values = (
            str(i.position),
            i.case_ref,
            self._clients.get(i.case_ref, ""),
            i.klasse,
            route_name(i.route, _policy()),
            i.proposed_lead,
            AGENDA_REASONS.get(i.reason, i.reason),
            AGENDA_STATUSES.get(i.status, i.status),
            i.missing,
        )
        return values[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return AGENDA_COLUMNS[section]
        return None


class MdbWindow(QMainWindow):
    """Prepare, hold, close and print MDBs (see the module docstring)."""

    #: The dossier of a case is asked for (the main window opens it).
    open_case = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        today: date | None = None,
        meeting_id: int | None = None,
        parent: QWidget | None = None,
        team: str | None = None,
        events: StoreEvents | None = None,
        workstation: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.events = events or StoreEvents(self)
        # This window's seat at the MDB, and the chair of the MDB shown (as last read).
        self.seat = repo.new_seat()
        self.workstation = workstation or repo.workstation_name()
        self.chair: Chair | None = None
        self._renewed_at = 0.0
        self._decision_version: int | None = None
        # The MDB window opens on the person's own team and proposes it for a new MDB.
        if team is None:
            staff = get_staff(store, actor.user_id)
            team = staff.team if staff is not None else None
        self.own_team = team
        self.today = today or date.today()
        self.medical = rules.may_see_medical(actor.role)
        self.meeting: repo.Meeting | None = None
        self.staff: dict[str, Staff] = {}
        self._current_ref: str | None = None
        self._loading = False
        self._dirty = False
        self._pdf_bytes = b""
        self.setWindowTitle("MDB-sessies")
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_current)
        # The chair's journal (office store): decisions kept here while the server cannot be
        # reached, sent in order when it is back. And what was last read of the Bespreking, so
        # that the chair goes on meanwhile.
        self.journal: Journal | None = None
        self._sending = False
        self._send_timer = QTimer(self)
        self._send_timer.setInterval(JOURNAL_RETRY_MS)
        self._send_timer.timeout.connect(self.send_journal)
        self._items: dict[str, AgendaItem] = {}
        self._names: dict[str, str] = {}
        self._decided: dict[str, Decision] = {}
        self._versions: dict[str, int] = {}
        self._views: dict[str, _CaseView] = {}
        self._chair_timer = QTimer(self)
        self._chair_timer.setInterval(CHAIR_CHECK_MS)
        self._chair_timer.timeout.connect(self._check_chair)
        self._build()
        # Once built (its layout's minimum is known); larger with large text, within the screen,
        # so the agenda's columns and the Bespreking's notices keep their words.
        em, line = self.fontMetrics().horizontalAdvance("x"), self.fontMetrics().lineSpacing()
        fit_to_screen(self, max(1200, em * 170), max(780, line * 44))
        for keys in ("Esc", "Ctrl+W"):
            QShortcut(QKeySequence(keys), self, self.close)
        self._fill_meetings(meeting_id)
        self.events.changed.connect(self._store_changed)
        self.events.connection.connect(self._connection_changed)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        top_bar = QWidget()  # wraps onto a second line with large text
        top = FlowLayout(top_bar)
        self.meeting_combo = QComboBox()
        top.addWidget(QLabel("MD&B:", buddy=self.meeting_combo))
        self.meeting_combo.setMinimumWidth(360)
        self.meeting_combo.currentIndexChanged.connect(self._meeting_chosen)
        top.addWidget(self.meeting_combo)
        top.addItem(QSpacerItem(24, 0))
        self.team_combo = QComboBox()
        top.addWidget(QLabel("&Nieuwe MDB voor", buddy=self.team_combo))
        for team in list_teams(self.store):
            self.team_combo.addItem(team.name, team.team_id)
        self.team_combo.setCurrentIndex(max(0, self.team_combo.findData(self.own_team)))
        top.addWidget(self.team_combo)
        self.new_date = QDateEdit(_qdate(self.today + timedelta(days=7)))
        self.new_date.setAccessibleName("Datum nieuwe MDB")
        top.addWidget(QLabel("op", buddy=self.new_date))
        self.new_date.setDisplayFormat("dd-MM-yyyy")
        self.new_date.setCalendarPopup(True)
        top.addWidget(self.new_date)
        self.create_button = QPushButton("Agenda voorstellen")
        self.create_button.clicked.connect(self.create_meeting)
        top.addWidget(self.create_button)
        outer.addWidget(top_bar)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        outer.addWidget(self.status_label)
        chair_bar = QWidget()
        chair_row = QHBoxLayout(chair_bar)
        chair_row.setContentsMargins(0, 0, 0, 0)
        self.chair_label = QLabel(objectName="chair_label", wordWrap=True)
        chair_row.addWidget(self.chair_label, 1)
        self.chair_button = QPushButton(objectName="chair_button")
        self.chair_button.clicked.connect(self.take_chair)
        self.chair_button.hide()
        chair_row.addWidget(self.chair_button)
        outer.addWidget(chair_bar)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_agenda(), "1 Voorbereiding")
        self.tabs.addTab(self._build_attendance(), "2 Aanwezigheid")
        self.tabs.addTab(self._build_live(), "3 Bespreking")
        self.tabs.addTab(self._build_report(), "4 Verslag")
        self.tabs.currentChanged.connect(self._tab_changed)
        outer.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _build_agenda(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.agenda_model = AgendaModel()
        self.agenda_view = QTableView()
        self.agenda_view.setAccessibleName("Agenda")
        self.agenda_view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.agenda_view.setModel(self.agenda_model)
        self.agenda_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agenda_view.verticalHeader().hide()
        # With large text names wrap and the reason and what is missing are cut short, so the
        # agenda does not scroll sideways.
        fit_columns(
            self.agenda_view, (AGENDA_COLUMNS.index("Reden"), AGENDA_COLUMNS.index("Ontbreekt"))
        )
        layout.addWidget(self.agenda_view, 1)
        self.agenda_empty = QLabel(
            "Nog geen MDB gekozen. Kies hierboven een team en een datum en klik op "
            "'Agenda voorstellen'."
        )
        layout.addWidget(self.agenda_empty)
        # The buttons wrap onto more lines in a narrow window or with large text.
        button_bar = QWidget()
        buttons = FlowLayout(button_bar)
        self.agenda_buttons: list[QPushButton] = []
        for text, key, slot in (
            ("Bespreken", "Ctrl+1", lambda: self.mark("bespreken")),
            ("Niet gereed…", "Ctrl+2", lambda: self.mark("niet_gereed")),
            ("Standaardroute", "Ctrl+3", lambda: self.mark("standaardroute")),
            ("Omhoog", "Alt+Up", lambda: self.move(-1)),
            ("Omlaag", "Alt+Down", lambda: self.move(1)),
            ("Van agenda halen", "Del", self.drop),
        ):
            button = QPushButton(f"{text} ({key})")
            button.clicked.connect(slot)
            QShortcut(QKeySequence(key), self.agenda_view, activated=slot)
            buttons.addWidget(button)
            self.agenda_buttons.append(button)
        self.add_ref = QLineEdit()
        self.add_ref.setAccessibleName("Zaaknummer toevoegen aan de agenda")
        self.add_ref.setPlaceholderText("zaaknummer")
        self.add_ref.returnPressed.connect(self.add_case)
        buttons.addWidget(self.add_ref)
        add = QPushButton("Zaak toevoegen")
        add.clicked.connect(self.add_case)
        buttons.addWidget(add)
        self.agenda_buttons.append(add)
        layout.addWidget(button_bar)
        return page

    def _build_attendance(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.regie_combo = QComboBox()
        self.regie_combo.activated.connect(self._regie_chosen)
        form.addRow("&Regievoerder (VA)", self.regie_combo)
        layout.addLayout(form)
        self.attendee_list = QListWidget()
        layout.addWidget(QLabel("Aan&wezig (vink af wie er niet is):", buddy=self.attendee_list))
        self.attendee_list.itemChanged.connect(self._attendee_changed)
        layout.addWidget(self.attendee_list, 1)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #8a1c1c;")
        layout.addWidget(self.warning_label)
        return page

    def _build_live(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        splitter = QSplitter()
        self.case_list = QListWidget()
        self.case_list.setAccessibleName("Zaken op de agenda")
        # Room for "○ 20. Z26-000000 · a long name (******000)" at the start; with large text
        # a row wraps onto a second line instead of the list scrolling sideways.
        list_width = self.fontMetrics().horizontalAdvance(
            "○ 20. Z26-000000 · Marieke van der Lee (******000)"
        )
        self.case_list.setMinimumWidth(list_width // 2)
        self.case_list.setWordWrap(True)
        self.case_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.case_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.case_list.currentRowChanged.connect(self._case_chosen)
        splitter.addWidget(self.case_list)
        right = QWidget()
        form_layout = QVBoxLayout(right)
        title_row = QHBoxLayout()
        self.case_title = QLabel()
        self.case_title.setObjectName("case_title")
        self.case_title.setWordWrap(True)
        title_font = self.case_title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.case_title.setFont(title_font)
        title_row.addWidget(self.case_title, 1)
        # The dossier of the case under discussion, opened beside the meeting (Ctrl+D).
        self.dossier_button = QPushButton("Dossier openen (Ctrl+D)")
        self.dossier_button.setObjectName("open_dossier")
        self.dossier_button.clicked.connect(self.open_current_dossier)
        title_row.addWidget(self.dossier_button)
        form_layout.addLayout(title_row)
        self.proposal_label = QLabel()
        self.proposal_label.setWordWrap(True)
        self.proposal_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form_layout.addWidget(self.proposal_label)
        form = QFormLayout()
        # With large text a field goes below its caption instead of past the window's edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.lead_role = QComboBox()
        self.lead_role.addItem("— kies —", None)
        for code, name in ROLES.items():
            if code != "TL":
                self.lead_role.addItem(f"{code} · {name}", code)
        self.lead_role.currentIndexChanged.connect(self._lead_role_changed)
        form.addRow("&Aan kop", self.lead_role)
        self.lead_staff = QComboBox()
        self.lead_staff.currentIndexChanged.connect(self._changed)
        form.addRow("Wie aan &kop", self.lead_staff)
        self.contact = QComboBox()
        self.contact.currentIndexChanged.connect(self._changed)
        form.addRow("&Vast aanspreekpunt", self.contact)
        self.dossier = QComboBox()
        for text, value in (("— onbekend —", None), ("ja", True), ("nee", False)):
            self.dossier.addItem(text, value)
        self.dossier.currentIndexChanged.connect(self._changed)
        form.addRow("&Dossier compleet", self.dossier)
        for combo in (self.lead_role, self.lead_staff, self.contact):
            # As wide as the form allows, not as its longest name (its list shows them whole).
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        form_layout.addLayout(form)
        self.activities = QTableWidget(0, 4)
        self.activities.setAccessibleName("Vervolgactiviteiten")
        self.activities.setTabKeyNavigation(False)
        form_layout.addWidget(QLabel("Vervolgactiviteiten"))
        self.activities.setHorizontalHeaderLabels(
            ["Activiteit", "Wie", "Uiterlijk", "Onder delegatie van"]
        )
        self.activities.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.activities.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.activities.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.activities.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        form_layout.addWidget(self.activities)
        # The new activity's fields and buttons wrap onto a next line with large text.
        entry_bar = QWidget()
        entry = FlowLayout(entry_bar)
        self.task_combo = QComboBox()
        for code, name in rules.activities().items():
            self.task_combo.addItem(name, code)
        self.task_combo.setAccessibleName("Nieuwe vervolgactiviteit")
        # Not as wide as the longest activity (its list shows them whole).
        self.task_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.task_combo.setMinimumContentsLength(24)
        entry.addWidget(self.task_combo)
        self.assignee = QComboBox()
        self.assignee.setAccessibleName("Wie doet de activiteit")
        self.assignee.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.assignee.setMinimumContentsLength(16)
        entry.addWidget(self.assignee)
        self.due = QDateEdit()
        self.due.setAccessibleName("Uiterlijk klaar op")
        self.due.setDisplayFormat("dd-MM-yyyy")
        self.due.setCalendarPopup(True)
        entry.addWidget(self.due)
        self.add_activity_button = QPushButton("Toevoegen (Ctrl+T)")
        self.add_activity_button.clicked.connect(self.add_activity)
        entry.addWidget(self.add_activity_button)
        self.remove_button = QPushButton("Verwijderen")
        self.remove_button.clicked.connect(self.remove_activity)
        entry.addWidget(self.remove_button)
        form_layout.addWidget(entry_bar)
        remarks_label = QLabel("&Opmerkingen (komen in beide verslagen)", wordWrap=True)
        form_layout.addWidget(remarks_label)
        self.remarks = QPlainTextEdit()
        self.remarks.setTabChangesFocus(True)
        remarks_label.setBuddy(self.remarks)
        self.remarks.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.remarks.textChanged.connect(self._changed)
        self.remarks.textChanged.connect(self._check_remarks)
        form_layout.addWidget(self.remarks)
        self.remarks_warning = QLabel()
        self.remarks_warning.setWordWrap(True)
        self.remarks_warning.setStyleSheet("color: #8a1c1c;")
        self.remarks_warning.hide()
        form_layout.addWidget(self.remarks_warning)
        self.medical_label = QLabel(
            "&Medische overwegingen (alleen in het medische verslag)", wordWrap=True
        )
        self.medical_remarks = QPlainTextEdit()
        self.medical_remarks.setTabChangesFocus(True)
        self.medical_remarks.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.medical_remarks.textChanged.connect(self._changed)
        self.medical_label.setBuddy(self.medical_remarks)
        self.medical_label.setVisible(self.medical)
        self.medical_remarks.setVisible(self.medical)
        form_layout.addWidget(self.medical_label)
        form_layout.addWidget(self.medical_remarks)
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setStyleSheet("color: #52606d;")
        form_layout.addWidget(self.history_label)
        self.decision_error = QLabel()
        self.decision_error.setWordWrap(True)
        self.decision_error.setStyleSheet("color: #8a1c1c;")
        form_layout.addWidget(self.decision_error)
        form_layout.addStretch(1)
        # With large text the form is taller than the window: it scrolls instead of squeezing
        # its rows over each other.
        right_scroll = QScrollArea()
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        right_scroll.setWidget(right)
        splitter.addWidget(right_scroll)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([max(340, list_width * 2 // 3), 860])
        layout.addWidget(splitter, 1)
        # Why the MDB cannot be closed yet: a line of the window's width (with large text not
        # a narrow column beside the button that pushes the form away), gone once all is decided.
        self.close_notice = QLabel()
        self.close_notice.setObjectName("close_notice")
        self.close_notice.setWordWrap(True)
        self.close_notice.setStyleSheet("color: #8a1c1c;")
        self.close_notice.hide()
        layout.addWidget(self.close_notice)
        # Decisions kept on this workstation while the office server cannot be reached.
        self.journal_label = QLabel(objectName="journal_label", wordWrap=True)
        self.journal_label.setStyleSheet("background: #fff3cd; color: #5c3c00; padding: 4px;")
        self.journal_label.hide()
        layout.addWidget(self.journal_label)
        bottom = QHBoxLayout()
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        bottom.addWidget(self.saved_label, 1)
        # Why the button is not available, in words beside it (not only in its tooltip).
        self.close_hint = QLabel(objectName="close_hint")
        self.close_hint.setWordWrap(True)
        self.close_hint.hide()
        bottom.addWidget(self.close_hint)
        self.close_button = QPushButton("Besluiten bevestigen en MDB sluiten")
        self.close_button.clicked.connect(self.close_meeting)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        for key, slot in (
            ("Ctrl+Return", self.save_and_next),
            ("Ctrl+Enter", self.save_and_next),
            ("Ctrl+PgDown", lambda: self.step(1)),
            ("Ctrl+PgUp", lambda: self.step(-1)),
            ("Ctrl+T", self.add_activity),
            ("Ctrl+S", self.save_current),
            ("Ctrl+D", self.open_current_dossier),
        ):
            QShortcut(QKeySequence(key), page, activated=slot)
        return page

    def _build_report(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.version_combo = QComboBox()
        bar.addWidget(QLabel("V&ersie:", buddy=self.version_combo))
        self.version_combo.addItem("niet-medisch (AD, teamleider, afdrukken)", "niet-medisch")
        if self.medical:
            self.version_combo.addItem("medisch (VA, AIOS, SMV)", "medisch")
        self.version_combo.currentIndexChanged.connect(self.refresh_preview)
        bar.addWidget(self.version_combo)
        self.print_button = QPushButton("Afdrukken…")
        self.print_button.clicked.connect(self.print_summary)
        bar.addWidget(self.print_button)
        self.export_button = QPushButton("Opslaan als PDF…")
        self.export_button.clicked.connect(self.export_summary)
        bar.addWidget(self.export_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.pdf_view, 1)
        self._pdf_buffer: QBuffer | None = None
        return page

    # --- meetings ----------------------------------------------------------------------------

    def _list_meetings(self, chosen: int | None = None) -> list[repo.Meeting]:
        """The MDBs in the choice at the top, ``chosen`` chosen (without opening it)."""
        found = repo.list_meetings(self.store)
        self.meeting_combo.blockSignals(True)
        self.meeting_combo.clear()
        for m in found:
            self.meeting_combo.addItem(
                f"{format_date(m.held_on)} · {m.team_name} · {MEETING_STATUSES[m.status]}",
                m.meeting_id,
            )
        if chosen is not None:
            self.meeting_combo.setCurrentIndex(max(0, self.meeting_combo.findData(chosen)))
        self.meeting_combo.blockSignals(False)
        return found

    def _fill_meetings(self, wanted: int | None) -> None:
        found = self._list_meetings()
        if wanted is None:
            own = [m for m in found if m.team_id == self.own_team]
            found_first = own or found
            upcoming = [m for m in found_first if not m.closed]
            wanted = (
                min(upcoming, key=lambda m: abs((m.held_on - self.today).days)).meeting_id
                if upcoming
                else (found_first[0].meeting_id if found_first else None)
            )
        index = self.meeting_combo.findData(wanted) if wanted is not None else -1
        if index >= 0:
            self.meeting_combo.setCurrentIndex(index)
            self._meeting_chosen(index)
        else:
            self.open_meeting(None)

    def _meeting_chosen(self, index: int) -> None:
        meeting_id = self.meeting_combo.itemData(index)
        if meeting_id is not None:
            self.open_meeting(int(meeting_id))

    def create_meeting(self) -> None:
        team = self.team_combo.currentData()
        if team is None:
            self._show_problems(
                ["Er zijn nog geen teams. Laad demogegevens of importeer medewerkers."]
            )
            return
        try:
            meeting_id = repo.create_meeting(
                self.store, team=str(team), held_on=_pydate(self.new_date.date()), actor=self.actor
            )
        except MeetingError as error:
            self._show_problems(error.problems)
            return
        self._report(meeting_id)
        self._fill_meetings(meeting_id)
        self.tabs.setCurrentIndex(0)

    def open_meeting(self, meeting_id: int | None) -> None:
        self.save_current()
        self._current_ref = None
        if self.meeting is not None and self.meeting.meeting_id != meeting_id:
            self._release_chair()
        self.meeting = repo.get_meeting(self.store, meeting_id) if meeting_id is not None else None
        self._views = {}
        self.journal = (
            Journal.for_meeting(self.store, self.meeting.meeting_id)
            if self.store.is_office and self.meeting is not None and not self.meeting.closed
            else None
        )
        self._read_chair(take=self.tabs.currentIndex() == 2)
        if self.meeting is not None:
            self.staff = repo.team_staff(self.store, self.meeting.team_id)
            # Opening a meeting shows its cases: one 'read' record per client, once per opening
            # (refreshing the agenda while it is open writes none).
            repo.read_agenda(self.store, self.meeting.meeting_id, self.actor)
        self._refresh_all()
        if self._journaled():  # decisions journaled here before (the program was closed)
            self.send_journal()

    def _refresh_all(self, preview: bool = True) -> None:
        self._refresh_agenda()
        self._refresh_attendance()
        self._refresh_live()
        if preview and self.tabs.currentIndex() == 3:
            self.refresh_preview()
        m = self.meeting
        if m is None:
            self.status_label.setText("Geen MDB gekozen.")
        elif m.closed:
            self.status_label.setText(
                f"{m.label} is gesloten: de besluiten zijn bevestigd en staan in de historie van "
                "elke zaak. Alleen het verslag kan nog worden afgedrukt."
            )
        else:
            self.status_label.setText(f"{m.label} · in voorbereiding")
        self._show_chair()
        editable = m is not None and not m.closed and not self._follows()
        for button in self.agenda_buttons:
            button.setEnabled(editable)
        self.attendee_list.setEnabled(editable)
        self.regie_combo.setEnabled(editable)
        self._show_close_state()

    def _show_close_state(self) -> None:
        """Whether the MDB can be closed here, and if not why, in words beside the button."""
        m = self.meeting
        editable = m is not None and not m.closed and not self._follows()
        regie = editable and m is not None and m.regievoerder_id == self.actor.user_id
        waiting = len(self._journaled())
        self.close_button.setEnabled(regie and not waiting)
        if editable and waiting:
            why = (
                f"Nog {waiting} {'besluit' if waiting == 1 else 'besluiten'} niet verzonden naar "
                "de kantooropslag: de MDB sluit pas als alles is verzonden."
            )
        elif editable and not regie:
            why = "Alleen de regievoerder (VA) sluit de MDB."
        else:
            why = ""
        self.close_button.setToolTip(why)
        self.close_button.setAccessibleDescription(why)
        self.close_hint.setText(why)
        self.close_hint.setVisible(bool(why))

    # --- preparation ---------------------------------------------------------------------------

    def _client_names(self, refs: list[str]) -> dict[str, str]:
        names: dict[str, str] = {}
        for ref in refs:
            row = get_case(self.store, ref)
            if row is not None:
                names[ref] = f"{row.client_name} ({mask_bsn(row.bsn)})"
        return names

    def _refresh_agenda(self) -> None:
        items = repo.agenda(self.store, self.meeting.meeting_id) if self.meeting else []
        self.agenda_model.reset(items, self._client_names([i.case_ref for i in items]))
        if self.meeting is None:
            self.agenda_empty.setText(
                "Nog geen MDB gekozen. Kies hierboven een team en een datum en klik op "
                "'Agenda voorstellen'."
            )
        elif not items:
            self.agenda_empty.setText("De agenda is leeg. Voeg zaken toe met hun zaaknummer.")
        else:
            counts = {s: sum(1 for i in items if i.status == s) for s in AGENDA_STATUSES}
            self.agenda_empty.setText(
                f"{len(items)} zaken: {counts['bespreken']} bespreken, {counts['niet_gereed']} "
                f"niet gereed, {counts['standaardroute']} standaardroute (vermeld, niet besproken)."
            )

    def _selected_item(self) -> AgendaItem | None:
        rows = self.agenda_view.selectionModel().selectedRows()
        return self.agenda_model.item(rows[0].row()) if rows else None

    def _select_ref(self, ref: str) -> None:
        for row in range(self.agenda_model.rowCount()):
            if self.agenda_model.item(row).case_ref == ref:
                self.agenda_view.selectRow(row)
                return

    @classmethod
    def ask_missing(cls, parent: QWidget, case_ref: str, current: str) -> str | None:
        """Ask what is missing from the dossier; ``None`` when cancelled."""
        text, ok = QInputDialog.getText(
            parent, "Niet gereed", f"Wat ontbreekt er in het dossier van {case_ref}?", text=current
        )
        return text if ok else None

    def mark(self, status: str) -> None:
        item = self._selected_item()
        if self.meeting is None or item is None:
            return
        missing = ""
        if status == "niet_gereed":
            answer = self.ask_missing(self, item.case_ref, item.missing)
            if answer is None:
                return
            missing = answer
        self._try(
            lambda: repo.set_item_status(
                self.store, self._meeting_id(), item.case_ref, status, missing, self.actor
            )
        )
        self._after_agenda_change(item.case_ref)

    def move(self, offset: int) -> None:  # type: ignore[override]  # not QWidget.move
        item = self._selected_item()
        if self.meeting is None or item is None:
            return
        self._try(lambda: repo.move_case(self.store, self._meeting_id(), item.case_ref, offset))
        self._after_agenda_change(item.case_ref)

    def drop(self) -> None:
        item = self._selected_item()
        if self.meeting is None or item is None:
            return
        self._try(lambda: repo.drop_case(self.store, self._meeting_id(), item.case_ref, self.actor))
        self._after_agenda_change(None)

    def add_case(self) -> None:
        ref = self.add_ref.text().strip()
        if self.meeting is None or not ref:
            return
        if self._try(lambda: repo.add_case(self.store, self._meeting_id(), ref, self.actor)):
            self.add_ref.clear()
        self._after_agenda_change(ref)

    def _after_agenda_change(self, select: str | None) -> None:
        self._report(self._meeting_id() if self.meeting else None, [select] if select else [])
        self._refresh_agenda()
        self._refresh_attendance()
        self._refresh_live()
        if select:
            self._select_ref(select)

    # --- attendance -----------------------------------------------------------------------

    def _refresh_attendance(self) -> None:
        self.attendee_list.blockSignals(True)
        self.attendee_list.clear()
        self.regie_combo.clear()
        if self.meeting is None:
            self.attendee_list.blockSignals(False)
            self.warning_label.setText("")
            return
        for a in repo.attendees(self.store, self.meeting.meeting_id):
            item = QListWidgetItem(f"{a.name} · {ROLES.get(a.role, a.role)} ({a.role})")
            item.setData(Qt.ItemDataRole.UserRole, a.staff_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if a.present else Qt.CheckState.Unchecked)
            self.attendee_list.addItem(item)
        self.attendee_list.blockSignals(False)
        for s in sorted(self.staff.values(), key=lambda s: s.name):
            if s.role == "VA":
                self.regie_combo.addItem(s.name, s.staff_id)
        self.regie_combo.setCurrentIndex(self.regie_combo.findData(self.meeting.regievoerder_id))
        warnings = (
            repo.warnings(self.store, self.meeting.meeting_id) if not self.meeting.closed else []
        )
        self.warning_label.setText(
            "\n".join(f"⚠ {w}" for w in warnings)
            if warnings
            else "Alle benodigde rollen zijn aanwezig."
        )
        self.warning_label.setStyleSheet("color: #8a1c1c;" if warnings else "color: #2f6b3a;")

    def _attendee_changed(self, item: QListWidgetItem) -> None:
        if self.meeting is None:
            return
        staff_id = str(item.data(Qt.ItemDataRole.UserRole))
        present = item.checkState() == Qt.CheckState.Checked
        self._try(lambda: repo.set_present(self.store, self._meeting_id(), staff_id, present))
        self._report(self._meeting_id())
        QTimer.singleShot(0, self._refresh_attendance)

    def _regie_chosen(self, index: int) -> None:
        staff_id = self.regie_combo.itemData(index)
        if self.meeting is None or staff_id is None:
            return
        self._try(lambda: repo.set_regievoerder(self.store, self._meeting_id(), str(staff_id)))
        self._report(self._meeting_id())
        self.meeting = repo.get_meeting(self.store, self._meeting_id())
        self._refresh_all()

    # --- live mode --------------------------------------------------------------------------

    def _meeting_id(self) -> int:
        assert self.meeting is not None
        return self.meeting.meeting_id

    def _discussed(self) -> list[AgendaItem]:
        if self.meeting is None:
            return []
        return [i for i in repo.agenda(self.store, self.meeting.meeting_id) if i.discussed]

    def _refresh_live(self) -> None:
        items = self._discussed()
        decided = repo.decisions(self.store, self.meeting.meeting_id) if self.meeting else {}
        keep = self._current_ref
        self.case_list.blockSignals(True)
        self.case_list.clear()
        names = self._client_names([i.case_ref for i in items])
        # What the chair goes on with should the server become unreachable.
        self._items = {i.case_ref: i for i in items}
        self._names = names
        self._decided = dict(decided)
        self._versions = (
            repo.decision_versions(self.store, self.meeting.meeting_id) if self.meeting else {}
        )
        decided.update(self._journaled())
        for item in items:
            entry = QListWidgetItem()
            entry.setData(Qt.ItemDataRole.UserRole, item.case_ref)
            entry.setData(
                Qt.ItemDataRole.UserRole + 1,
                f"{item.position}. {item.case_ref} · {names.get(item.case_ref, '')}",
            )
            self.case_list.addItem(entry)
        self._mark_cases(decided)
        self.case_list.blockSignals(False)
        refs = [i.case_ref for i in items]
        if not refs:
            self._current_ref = None
            self._show_case(None)
            return
        row = refs.index(keep) if keep in refs else self._first_open_row(refs, decided)
        self.case_list.setCurrentRow(row)
        self._current_ref = refs[row]
        self._show_case(self._current_ref)
        done = sum(1 for r in refs if not rules.completeness_problems(decided.get(r), r))
        if self.meeting is not None and self.meeting.closed:
            self.saved_label.setText(f"Gesloten: {done} van {len(refs)} zaken besloten.")
        else:
            self.saved_label.setText(
                f"{done} van {len(refs)} zaken besloten · elk besluit wordt direct bewaard"
            )
        self._update_close_notice()

    @staticmethod
    def _first_open_row(refs: list[str], decided: dict[str, Decision]) -> int:
        for n, ref in enumerate(refs):
            if rules.completeness_problems(decided.get(ref), ref):
                return n
        return 0

    def _case_chosen(self, row: int) -> None:
        if row < 0:
            return
        self.save_current()
        ref = str(self.case_list.item(row).data(Qt.ItemDataRole.UserRole))
        self._current_ref = ref
        self._show_case(ref)

    def step(self, offset: int) -> None:
        target = self.case_list.currentRow() + offset
        if 0 <= target < self.case_list.count():
            self.case_list.setCurrentRow(target)

    def save_and_next(self) -> None:
        if self.save_current():
            self._refresh_live_marks()
            self.step(1)

    def open_current_dossier(self) -> None:
        """Open the dossier of the case under discussion (the main window shows it)."""
        if self._current_ref is not None:
            self.save_current()
            self.open_case.emit(self._current_ref)

    def _show_close_notice(self, problems: list[str]) -> None:
        """What stands in the way of closing, in one line: the cases not yet fully decided are
        counted (the list marks them with ○ or …), other reasons named."""
        refs = {
            str(self.case_list.item(r).data(Qt.ItemDataRole.UserRole))
            for r in range(self.case_list.count())
        }
        cases = sorted({p.split(":", 1)[0] for p in problems if p.split(":", 1)[0] in refs})
        others = [p for p in problems if p.split(":", 1)[0] not in refs]
        parts = []
        if cases:
            parts.append(
                f"{len(cases)} {'zaak is' if len(cases) == 1 else 'zaken zijn'} nog niet volledig "
                "besloten (○ of … in de lijst)"
            )
        parts.extend(p[:1].lower() + p[1:].rstrip(".") for p in others)
        self.close_notice.setText("⚠ Nog niet te sluiten: " + "; ".join(parts) + ".")
        self.close_notice.show()

    def _update_close_notice(self) -> None:
        """After a decision: the notice follows what is still open, and goes when nothing is."""
        if self.close_notice.isHidden():
            return
        try:
            problems = (
                repo.closing_problems(self.store, self.meeting.meeting_id, self.actor)
                if self.meeting is not None and not self.meeting.closed
                else []
            )
        except OfficeUnreachable:
            return  # as it was, until the server is back
        if problems:
            self._show_close_notice(problems)
        else:
            self.close_notice.hide()
            self.close_notice.setText("")

    def _refresh_live_marks(self) -> None:
        if self.meeting is None:
            return
        try:
            self._decided = repo.decisions(self.store, self.meeting.meeting_id)
            self._versions = repo.decision_versions(self.store, self.meeting.meeting_id)
        except OfficeUnreachable:
            pass  # the chair goes on: the decisions as last read, and those journaled here
        self._mark_cases({**self._decided, **self._journaled()})
        self._update_close_notice()

    def _mark_cases(self, decided: dict[str, Decision]) -> None:
        """✓ decided, … partly, ○ not yet; and which decisions are not yet sent."""
        waiting = self._journaled()
        for row in range(self.case_list.count()):
            entry = self.case_list.item(row)
            ref = str(entry.data(Qt.ItemDataRole.UserRole))
            decision = decided.get(ref)
            complete = not rules.completeness_problems(decision, ref)
            mark = "✓" if complete else ("…" if decision else "○")
            text = f"{mark} {entry.data(Qt.ItemDataRole.UserRole + 1)}"
            entry.setText(text + (" · nog niet verzonden" if ref in waiting else ""))
        self._show_journal()

    def _fill_staff_combo(self, combo: QComboBox, role: str | None, selected: str | None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("— kies —", None)
        people = sorted(self.staff.values(), key=lambda s: (s.role != role, s.role, s.name))
        for s in people:
            if s.active and (role is None or s.role == role):
                combo.addItem(f"{s.name} ({s.role})", s.staff_id)
        index = combo.findData(selected) if selected else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def _show_case(self, ref: str | None) -> None:
        self._loading = True
        self._dirty = False
        self.decision_error.setText("")
        editable = (
            ref is not None
            and self.meeting is not None
            and not self.meeting.closed
            and not self._follows()
        )
        for widget in (
            self.lead_role,
            self.lead_staff,
            self.contact,
            self.dossier,
            self.task_combo,
            self.assignee,
            self.due,
            self.add_activity_button,
            self.remarks,
            self.medical_remarks,
        ):
            widget.setEnabled(editable)
        # A closed MDB is read only: nothing to remove.
        self.remove_button.setVisible(self.meeting is not None and not self.meeting.closed)
        self.remove_button.setEnabled(editable)
        self.dossier_button.setEnabled(ref is not None)
        if ref is None or self.meeting is None:
            self.case_title.setText(
                "Geen zaken om te bespreken. Markeer zaken als 'bespreken' in de voorbereiding."
                if self.meeting
                else "Kies of maak eerst een MDB."
            )
            self.proposal_label.setText("")
            self.history_label.setText("")
            self.activities.setRowCount(0)
            self._loading = False
            return
        try:
            view = self._case_view(ref)
            self._views[ref] = view
        except OfficeUnreachable:
            # The chair goes on without the server: the case as last read (or as the agenda
            # showed it), the decision as last decided here.
            view = self._offline_view(ref)
        journaled = self._journaled().get(ref)
        decision = journaled or view.decision or Decision(ref)
        self.case_title.setText(view.title)
        self.proposal_label.setText(view.proposal)
        # The version this form starts from (0: no decision yet).
        self._decision_version = view.version
        # Without a decision the form starts from the triage proposal; it is saved once edited.
        lead_role = decision.lead_role or view.item.proposed_lead or None
        self.lead_role.blockSignals(True)
        self.lead_role.setCurrentIndex(max(0, self.lead_role.findData(lead_role)))
        self.lead_role.blockSignals(False)
        self._fill_staff_combo(self.lead_staff, lead_role, decision.lead_staff_id)
        self._fill_staff_combo(self.contact, None, decision.contact_staff_id)
        self._fill_staff_combo(self.assignee, None, decision.lead_staff_id)
        self.assignee.removeItem(0)
        complete = decision.dossier_complete
        if complete is None:  # not yet decided: the checklist's answer, saved once edited
            complete = view.papers_complete
        self.dossier.setCurrentIndex(max(0, self.dossier.findData(complete)))
        self.due.setDate(_qdate(self.meeting.held_on + timedelta(days=14)))
        self._set_activities(decision.activities)
        self.remarks.setPlainText(decision.remarks)
        self.medical_remarks.setPlainText(decision.medical_remarks if self.medical else "")
        self.history_label.setText(view.history)
        self._loading = False

    def _case_view(self, ref: str) -> _CaseView:
        """What the Bespreking shows of a case, read from the store."""
        assert self.meeting is not None
        item = next(
            i for i in repo.agenda(self.store, self.meeting.meeting_id) if i.case_ref == ref
        )
        row = get_case(self.store, ref)
        client = f"{row.client_name} · BSN {mask_bsn(row.bsn)}" if row else ""
        service = SERVICES.get(row.facts.service, row.facts.service) if row else ""
        lead = ROLES.get(item.proposed_lead, item.proposed_lead)
        # The dossier's document checklist feeds "Dossier compleet".
        missing = missing_documents(set(documents(self.store, ref)))
        papers = (
            "Dossierstukken volgens de checklist: compleet."
            if not missing
            else "Dossierstukken volgens de checklist: ontbreekt "
            + ", ".join(DOSSIER_DOCUMENTS[code] for code in missing)
            + "."
        )
        proposal = (
            f"Triagevoorstel: klasse {item.klasse}, route {route_name(item.route, _policy())}, "
            f"voorgestelde regie {lead}. Op de agenda: "
            f"{AGENDA_REASONS.get(item.reason, item.reason)}. {papers}"
        )
        if self.medical and item.triage_reasons:
            proposal += "\n" + "\n".join(f"• {r}" for r in item.triage_reasons)
        history = [
            h
            for h in repo.case_history(self.store, ref)
            if h.meeting_id != self.meeting.meeting_id and h.meeting_status == "gesloten"
        ]
        if history:
            h = history[0]
            lead = (
                ROLES.get(h.decision.lead_role, h.decision.lead_role)
                if h.decision and h.decision.lead_role
                else "geen besluit"
            )
            times = "één eerdere MDB" if len(history) == 1 else f"{len(history)} eerdere MDB's"
            history_text = (
                f"Eerder besproken: MDB van {format_date(h.held_on)} "
                f"({AGENDA_STATUSES[h.agenda_status]}, aan kop: {lead}); {times}."
            )
        else:
            history_text = "Nog niet eerder in een MDB besproken."
        return _CaseView(
            item=item,
            title=f"{item.position}. {ref} · {client} · {service}",
            proposal=proposal,
            papers_complete=not missing,
            decision=repo.decisions(self.store, self.meeting.meeting_id).get(ref),
            version=repo.decision_versions(self.store, self.meeting.meeting_id).get(ref, 0),
            history=history_text,
        )

    def _offline_view(self, ref: str) -> _CaseView:
        """The case while the server cannot be reached: as last read here, else as the agenda
        showed it; the decision as last read or decided here."""
        known = self._views.get(ref)
        decision = self._decided.get(ref)
        if known is not None:
            return replace(
                known,
                decision=decision or known.decision,
                version=self._versions.get(ref, known.version),
            )
        item = self._items[ref]
        return _CaseView(
            item=item,
            title=f"{item.position}. {ref} · {self._names.get(ref, '')}",
            proposal=(
                f"Triagevoorstel: klasse {item.klasse}, voorgestelde regie "
                f"{ROLES.get(item.proposed_lead, item.proposed_lead)}. Geen verbinding met de "
                "kantooropslag: de gegevens van de zaak volgen zodra de server weer bereikbaar is."
            ),
            papers_complete=None,
            decision=decision,
            version=self._versions.get(ref, 0),
            history="",
        )

    def _set_activities(self, activities: tuple[Activity, ...]) -> None:
        self.activities.setRowCount(0)
        for a in activities:
            row = self.activities.rowCount()
            self.activities.insertRow(row)
            values = (
                rules.activity_label(a.task),
                self.staff[a.assignee_id].name if a.assignee_id in self.staff else a.assignee_id,
                format_date(a.due_on),
                self.staff[a.delegated_by].name if a.delegated_by in self.staff else "",
            )
            for col, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if col == 0:
                    cell.setData(Qt.ItemDataRole.UserRole, a)
                self.activities.setItem(row, col, cell)

    def _activities(self) -> tuple[Activity, ...]:
        found = []
        for row in range(self.activities.rowCount()):
            cell = self.activities.item(row, 0)
            found.append(cell.data(Qt.ItemDataRole.UserRole))  # type: ignore[union-attr]
        return tuple(found)

    def _lead_role_changed(self) -> None:
        if self._loading:
            return
        role = self.lead_role.currentData()
        current = self.lead_staff.currentData()
        keep = current if current in self.staff and self.staff[current].role == role else None
        self._fill_staff_combo(self.lead_staff, role, keep)
        if keep is None and self.lead_staff.count() == 2:
            self.lead_staff.setCurrentIndex(1)
        self._changed()

    def _check_remarks(self) -> None:
        """Warn next to the general remarks when they look medical (the core word check)."""
        warning = rules.remark_warning(self.remarks.toPlainText())
        self.remarks_warning.setText(f"⚠ {warning}" if warning else "")
        self.remarks_warning.setVisible(bool(warning))

    def _changed(self) -> None:
        if self._loading or self._current_ref is None:
            return
        self._dirty = True
        self._save_timer.start()

    def _form_decision(self) -> Decision:
        assert self._current_ref is not None
        return Decision(
            case_ref=self._current_ref,
            lead_role=self.lead_role.currentData(),
            lead_staff_id=self.lead_staff.currentData(),
            contact_staff_id=self.contact.currentData(),
            activities=self._activities(),
            remarks=self.remarks.toPlainText(),
            medical_remarks=self.medical_remarks.toPlainText() if self.medical else "",
            dossier_complete=self.dossier.currentData(),
        )

    def add_activity(self) -> None:
        if self._current_ref is None or self.meeting is None or self.meeting.closed:
            return
        task = self.task_combo.currentData()
        assignee = self.assignee.currentData()
        if task is None or assignee is None:
            return
        activity = Activity(str(task), str(assignee), _pydate(self.due.date()))
        trial = replace(self._form_decision(), activities=(activity,))
        bare = replace(
            trial, lead_role=None, lead_staff_id=None, contact_staff_id=None, medical_remarks=""
        )
        try:
            problems = rules.decision_problems(
                bare,
                meeting_on=self.meeting.held_on,
                staff=self.staff,
                va_present=repo.va_present(self.store, self.meeting.meeting_id),
            ) or repo.check_activities(self.store, self.meeting, trial)
        except OfficeUnreachable:
            # Without the server the taakdelegatie rules are checked when the decision is sent.
            problems = rules.decision_problems(
                bare, meeting_on=self.meeting.held_on, staff=self.staff, va_present=True
            )
        if problems:
            self.decision_error.setText("Geweigerd: " + "; ".join(problems))
            return
        self._set_activities((*self._activities(), activity))
        self.decision_error.setText("")
        self._dirty = True
        self.save_current()

    def remove_activity(self) -> None:
        row = self.activities.currentRow()
        if row < 0:
            return
        kept = tuple(a for n, a in enumerate(self._activities()) if n != row)
        self._set_activities(kept)
        self._dirty = True
        self.save_current()

    def save_current(self) -> bool:
        """Write the decision on screen; ``False`` (with the reasons shown) when refused."""
        self._save_timer.stop()
        if (
            not self._dirty
            or self._current_ref is None
            or self.meeting is None
            or self.meeting.closed
        ):
            return True
        if self._follows():
            return False
        decision = self._form_decision()
        if self._journaled():
            # Decisions wait in the journal: this one goes after them, in order.
            kept = self._keep_in_journal(decision, None)
            self.send_journal()
            return kept
        try:
            self._decision_version = repo.save_decision(
                self.store,
                self.meeting.meeting_id,
                decision,
                self.actor,
                version=self._decision_version,
                seat=self.seat,
            )
        except ChairHeld as held:
            self.decision_error.setText("Niet bewaard: " + "; ".join(held.problems))
            self._chair_changed(held.chair)
            return False
        except MeetingError as error:
            self.decision_error.setText("Niet bewaard: " + "; ".join(error.problems))
            return False
        except StaleEdit as stale:
            self.decision_error.setText(f"Niet bewaard: {stale}")
            own = "\n\n".join(t for t in (decision.remarks, decision.medical_remarks) if t)
            if StaleEditDialog.ask(self, str(stale), own):
                self._dirty = False
                self._show_case(self._current_ref)
                self._refresh_live_marks()
            return False
        except OfficeUnreachable as lost:
            return self._keep_in_journal(decision, lost)
        self._dirty = False
        self._report(self.meeting.meeting_id, [self._current_ref])
        self.decision_error.setText("")
        self.saved_label.setText(f"Besluit {self._current_ref} bewaard.")
        self._refresh_live_marks()
        return True

    # --- the chair's journal (office store) ---------------------------------------------------

    def _journaled(self) -> dict[str, Decision]:
        """The decisions kept here and not yet sent, by case (the latest of each)."""
        if self.journal is None:
            return {}
        try:
            return {e.case_ref: e.decision for e in self.journal.pending()}
        except JournalError as error:
            self._show_problems([str(error)])
            return {}

    def _keep_in_journal(self, decision: Decision, lost: OfficeUnreachable | None) -> bool:
        """The server cannot be reached (or decisions wait already): keep the decision in the
        journal on this workstation; the chair goes on."""
        if self.journal is None:
            self.decision_error.setText(f"Niet bewaard: {lost}")
            return False
        try:
            self.journal.append(decision, self._decision_version, self.actor)
        except JournalError as error:
            self.decision_error.setText(f"Niet bewaard: {error}")
            return False
        self._dirty = False
        self.decision_error.setText("")
        self.saved_label.setText(
            f"Besluit {decision.case_ref} bewaard op deze werkplek, nog niet verzonden."
        )
        self._send_timer.start()
        self._refresh_live_marks()
        return True

    def _show_journal(self) -> None:
        """The line that names the decisions not yet sent; the close button waits for them."""
        waiting = sorted(self._journaled())
        if waiting:
            self.journal_label.setText(
                f"⏳ Nog niet verzonden ({len(waiting)}): {', '.join(waiting)}. Geen verbinding "
                "met de kantooropslag: de besluiten staan op deze werkplek en worden op volgorde "
                "verzonden zodra de server weer bereikbaar is."
            )
        self.journal_label.setVisible(bool(waiting))
        self._show_close_state()

    def _connection_changed(self, connected: bool) -> None:
        if connected:
            self.send_journal()

    def send_journal(self) -> None:
        """Send the journaled decisions in order (on a timer, and when the connection is
        back); a refused one is shown with the text to copy."""
        m = self.meeting
        if self.journal is None or m is None or self._sending:
            return
        if not self._journaled():
            self._send_timer.stop()
            self._show_journal()
            return
        self._sending = True
        try:
            if not self._follows():
                # The chair first (its lease may have lapsed meanwhile): colleagues see who
                # chairs, and the decisions are sent from this seat.
                try:
                    self.chair = repo.take_chair(
                        self.store, m.meeting_id, self.actor, self.seat, self.workstation
                    )
                    self._renewed_at = time.monotonic()
                except OfficeUnreachable:
                    self._send_timer.start()
                    return
                except ChairHeld as held:
                    self.chair = held.chair
                except MeetingError:
                    pass
            try:
                result = self.journal.send_pending(self.store, self.actor, seat=self.seat)
            except JournalError as error:
                self._show_problems([str(error)])
                return
        finally:
            self._sending = False
        if result.unreachable:
            self._send_timer.start()
        else:
            self._send_timer.stop()
        if result.sent:
            self._report(m.meeting_id, result.cases)
            self.saved_label.setText(
                f"{len(result.sent)} {'besluit' if len(result.sent) == 1 else 'besluiten'} uit "
                "het journaal verzonden."
            )
        for refusal in result.refused:
            entry = refusal.entry
            message = (
                f"Het besluit over {entry.case_ref} dat op deze werkplek bewaard was, is niet "
                f"verzonden: {refusal.message}"
            )
            self._show_problems([message])
            StaleEditDialog.ask(self, message, entry.own_text)
        if not self._dirty:
            self._refresh_live_marks()
            self._show_case(self._current_ref)
        else:
            self._show_journal()
        self._show_chair()

    @classmethod
    def confirm(cls, parent: QWidget, text: str) -> bool:
        answer = QMessageBox.question(parent, "MDB sluiten", text)
        return answer == QMessageBox.StandardButton.Yes

    def close_meeting(self) -> None:
        if self.meeting is None or not self.save_current() or self._journaled():
            return
        problems = repo.closing_problems(self.store, self.meeting.meeting_id, self.actor)
        if problems:
            self._show_close_notice(problems)
            return
        self.close_notice.hide()
        if not self.confirm(
            self,
            "Als regievoerder bevestigt u de besluiten van deze MDB. De activiteiten worden taken "
            "en de MDB kan daarna niet meer worden gewijzigd. Doorgaan?",
        ):
            return
        try:
            task_ids = repo.close_meeting(
                self.store, self.meeting.meeting_id, self.actor, today=self.today, seat=self.seat
            )
        except MeetingError as error:
            self._show_close_notice(error.problems)
            return
        meeting_id = self.meeting.meeting_id
        refs = [i.case_ref for i in repo.agenda(self.store, meeting_id)]
        self._report(meeting_id, refs, task_ids)
        self._fill_meetings(meeting_id)
        self.status_label.setText(
            f"{self.meeting.label if self.meeting else ''} gesloten; {len(task_ids)} taken aangemaakt."
        )

    # --- the chair ----------------------------------------------------------------------------

    def _holds_chair(self) -> bool:
        return self.chair is not None and self.chair.seat == self.seat

    def _follows(self) -> bool:
        """Whether another seat chairs the MDB shown: then this window only follows it."""
        return self.chair is not None and self.chair.seat != self.seat

    def _read_chair(self, *, take: bool) -> None:
        """Who chairs the MDB shown; with ``take`` this window takes the chair when it is free
        (opening the Bespreking of an open MDB)."""
        self.chair = None
        m = self.meeting
        if m is None or m.closed:
            self._chair_timer.stop()
            return
        if take:
            try:
                self.chair = repo.take_chair(
                    self.store, m.meeting_id, self.actor, self.seat, self.workstation
                )
                self._renewed_at = time.monotonic()
            except ChairHeld as held:
                self.chair = held.chair
            except MeetingError:
                self.chair = None
        else:
            self.chair = repo.current_chair(self.store, m.meeting_id)
        self._chair_timer.start()

    def _release_chair(self) -> None:
        if self._holds_chair() and self.chair is not None:
            with contextlib.suppress(OfficeUnreachable):  # else the lease lapses by itself
                repo.release_chair(self.store, self.chair.meeting_id, self.seat)
        self.chair = None
        self._chair_timer.stop()

    def _check_chair(self) -> None:
        """Every few seconds: renew this window's chair, or see who holds it now."""
        m = self.meeting
        if m is None or m.closed:
            self._chair_timer.stop()
            return
        if self._holds_chair():
            if time.monotonic() - self._renewed_at < RENEW_EVERY.total_seconds() - 1:
                return
            try:
                repo.take_chair(self.store, m.meeting_id, self.actor, self.seat, self.workstation)
                self._renewed_at = time.monotonic()
            except ChairHeld as held:
                self._chair_changed(held.chair)
            except MeetingError:
                self._chair_changed(None)
            except OfficeUnreachable:
                pass  # the chair goes on; renewed (or taken again) when the server is back
            return
        try:
            now = repo.current_chair(self.store, m.meeting_id)
        except OfficeUnreachable:
            return
        if now != self.chair:
            self._chair_changed(now)

    def _follow_chair(self) -> bool:
        """A change of the MDB shown came in (on the office store the moment a colleague's
        window takes, hands over or gives up the chair): who chairs it now. Whether the chair
        changed (the window then shows it)."""
        m = self.meeting
        if m is None or m.closed:
            return False
        now = repo.current_chair(self.store, m.meeting_id)
        if (now.seat if now else None) == (self.chair.seat if self.chair else None):
            self.chair = now
            return False
        self._chair_changed(now)
        return True

    def _chair_changed(self, chair: Chair | None) -> None:
        """Another seat took the chair, or it became free: the window follows (read-only) or
        may be taken."""
        lost = self._holds_chair() and (chair is None or chair.seat != self.seat)
        self.chair = chair
        if lost and chair is not None:
            message = f"Het voorzitterschap is overgenomen: {chair.label}. U volgt nu alleen-lezen."
            self._show_problems([message])
            if self._dirty and self._current_ref is not None:
                # What was typed but not saved any more stays available to copy.
                decision = self._form_decision()
                own = "\n\n".join(t for t in (decision.remarks, decision.medical_remarks) if t)
                StaleEditDialog.ask(self, message + " Uw laatste wijziging is niet bewaard.", own)
        self._dirty = False
        self._refresh_all(preview=False)

    def _may_take_over(self) -> bool:
        m = self.meeting
        if m is None:
            return False
        me = self.staff.get(self.actor.user_id) or get_staff(self.store, self.actor.user_id)
        return chair_takeover_problem(me, m.team_id, m.regievoerder_id) is None

    def _show_chair(self) -> None:
        """The chair line above the tabs and the button to take the chair (over)."""
        m = self.meeting
        chair = self.chair
        button = ""
        if m is None or m.closed:
            text = ""
        elif chair is None:
            text = (
                "Nog geen voorzitter: wie de Bespreking opent, wordt voorzitter en legt de "
                "besluiten vast."
            )
            button = "Voorzitter worden"
        elif chair.seat == self.seat:
            text = f"U bent voorzitter op {chair.workstation}: u legt de besluiten vast."
        else:
            text = (
                f"{chair.label}. U volgt de bespreking alleen-lezen; de besluiten verschijnen "
                "zodra ze zijn bewaard."
            )
            if self._may_take_over():
                button = "Voorzitterschap overnemen"
        self.chair_label.setText(text)
        self.chair_label.setVisible(bool(text))
        self.chair_button.setText(button)
        self.chair_button.setVisible(bool(button))

    @classmethod
    def confirm_take_over(cls, parent: QWidget, text: str) -> bool:
        answer = QMessageBox.question(parent, "Voorzitterschap overnemen", text)
        return answer == QMessageBox.StandardButton.Yes

    def take_chair(self) -> None:
        """Become the chair: of a free chair at once; from another seat (the regievoerder
        only) after confirming, logged in the access log."""
        m = self.meeting
        if m is None or m.closed:
            return
        self._read_chair(take=True)
        if self._follows() and self.chair is not None:
            if not self.confirm_take_over(
                self,
                f"{self.chair.label}. Als regievoerder neemt u het voorzitterschap over; daar "
                "kan dan niets meer worden vastgelegd. Doorgaan?",
            ):
                self._refresh_all(preview=False)
                return
            try:
                self.chair = repo.take_over(
                    self.store, m.meeting_id, self.actor, self.seat, self.workstation
                )
                self._renewed_at = time.monotonic()
            except MeetingError as error:
                self._show_problems(error.problems)
        self._refresh_all(preview=False)

    # --- report ---------------------------------------------------------------------------

    def _tab_changed(self, index: int) -> None:
        self.save_current()
        if index == 2:
            if self.meeting is not None and not self._holds_chair():
                self._read_chair(take=True)
                self._refresh_all(preview=False)
            self._refresh_live()
        if index == 3:
            self.refresh_preview()

    def _version(self) -> str:
        return str(self.version_combo.currentData())

    def _summary(self) -> rules.MeetingSummary | None:
        if self.meeting is None:
            return None
        try:
            return repo.summary(
                self.store,
                self.meeting.meeting_id,
                actor=self.actor,
                printed_on=self.today,
                medical=self._version() == "medisch",
            )
        except MeetingError as error:
            self._show_problems(error.problems)
            return None

    def refresh_preview(self) -> None:
        data = self._summary()
        self.print_button.setEnabled(data is not None)
        self.export_button.setEnabled(data is not None)
        if data is None:
            self.pdf_document.close()
            return
        self._pdf_bytes = build_summary_pdf(data)
        self.pdf_document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(self._pdf_bytes))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._pdf_buffer = buffer
        self.pdf_document.load(buffer)

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggestion: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Verslag opslaan", str(start_folder() / suggestion), "PDF (*.pdf)"
        )
        return path or None

    @classmethod
    def ask_printer(cls, parent: QWidget, printer: QPrinter) -> bool:
        return QPrintDialog(printer, parent).exec() == QPrintDialog.DialogCode.Accepted

    def export_summary(self) -> None:
        data = self._summary()
        if data is None or self.meeting is None:
            return
        suggestion = (
            f"MDB-{self.meeting.team_id}-{self.meeting.held_on.isoformat()}-{self._version()}.pdf"
        )
        path = self.ask_save_path(self, suggestion)
        if not path:
            return
        try:
            repo.export_summary(self.store, self.actor, data, build_summary_pdf(data), Path(path))
        except MeetingError as error:
            self._show_problems(error.problems)
            return
        except OutputRefused as error:
            self._show_problems([f"{error}; er is niets geschreven."])
            return
        except OSError as error:
            self._show_problems(
                [f"{path}: het verslag kan niet worden geschreven ({file_problem(error)})"]
            )
            return
        self.status_label.setText(f"Verslag opgeslagen in {path}.")

    def print_summary(self) -> None:
        data = self._summary()
        if data is None or self.meeting is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if not self.ask_printer(self, printer):
            return
        document = QPdfDocument(self)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(build_summary_pdf(data)))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(buffer)

        def send() -> None:
            painter = QPainter()
            if not painter.begin(printer):
                raise OSError("de printer kan niet worden gestart")
            try:
                for page in range(document.pageCount()):
                    if page:
                        printer.newPage()
                    rect = painter.viewport()
                    image = document.render(page, rect.size())
                    painter.drawImage(rect, image)
            finally:
                painter.end()

        try:
            repo.print_summary(
                self.store, self.actor, data, printer.printerName() or "printer", send
            )
        except MeetingError as error:
            self._show_problems(error.problems)
            return
        except OSError as error:
            self._show_problems([f"Het verslag is niet afgedrukt: {error}"])
            return
        self.status_label.setText(f"Verslag afgedrukt ({document.pageCount()} pagina's).")

    # --- changes --------------------------------------------------------------------------

    def _report(
        self, meeting_id: int | None, cases: list[str] | None = None, tasks: list[int] | None = None
    ) -> None:
        """Tell the other screens what this window changed."""
        self.events.report(
            Changes.of(
                meetings=[meeting_id] if meeting_id is not None else [],
                cases=cases or [],
                tasks=tasks or [],
                origin=self,
            )
        )

    def _editing(self) -> bool:
        """Whether someone is working in the Bespreking's decision form."""
        focus = self.focusWidget()
        return self.tabs.currentIndex() == 2 and focus is not None and focus.hasFocus()

    def _store_changed(self, changes: Changes) -> None:
        """Changes made in another window or elsewhere: the MDBs, the agenda, the attendance
        and the decisions follow (without a new 'read' record, and without the report's
        preview); a decision form being typed in keeps its text."""
        if changes.origin is self or not changes.touches("meetings", "cases", "staff"):
            return
        self.save_current()
        shown = self.meeting.meeting_id if self.meeting is not None else None
        found = {m.meeting_id: m for m in self._list_meetings(shown)}
        self.meeting = found.get(shown) if shown is not None else None
        if self.meeting is not None:
            self.staff = repo.team_staff(self.store, self.meeting.team_id)
            if (changes.unknown or shown in changes.meetings) and self._follow_chair():
                return  # the window was read again for the new chair
        if self._editing():
            self._refresh_agenda()
            self._refresh_attendance()
            self._refresh_live_marks()
        else:
            self._refresh_all(preview=False)

    # --- helpers --------------------------------------------------------------------------

    def _try(self, action: object) -> bool:
        try:
            action()  # type: ignore[operator]
        except MeetingError as error:
            self._show_problems(error.problems)
            return False
        return True

    def _show_problems(self, problems: list[str]) -> None:
        self.status_label.setText("⚠ " + "\n⚠ ".join(problems))
        self.status_label.setStyleSheet("color: #8a1c1c;")
        # Bound to the label: a window closed within the 8 seconds cancels the timer.
        label = self.status_label
        QTimer.singleShot(8000, label, lambda: label.setStyleSheet(""))

    @classmethod
    def confirm_close_unsent(cls, parent: QWidget, text: str) -> bool:
        answer = QMessageBox.question(
            parent,
            "Besluiten nog niet verzonden",
            text,
            defaultButton=QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_current()
        waiting = sorted(self._journaled())
        if waiting and not self.confirm_close_unsent(
            self,
            f"{len(waiting)} {'besluit is' if len(waiting) == 1 else 'besluiten zijn'} nog niet "
            f"verzonden naar de kantooropslag ({', '.join(waiting)}). Ze blijven op deze werkplek "
            "bewaard en worden verzonden wanneer u deze MDB hier weer opent. Het venster toch "
            "sluiten?",
        ):
            event.ignore()
            return
        self._send_timer.stop()
        self._release_chair()
        super().closeEvent(event)
