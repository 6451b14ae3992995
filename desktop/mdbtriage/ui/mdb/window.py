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

This module builds the window (the top bar with the MDB choice and a new MDB, the chair line,
the four tabs) and opens an MDB; each tab and concern is its own module in this package:
:mod:`.preparation`, :mod:`.attendance`, :mod:`.discussion`, :mod:`.journal`, :mod:`.chair`,
:mod:`.report`, with the shared state in :mod:`.base`.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpacerItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core import meetings as rules
from mdbtriage.core.meetings import MEETING_STATUSES, AgendaItem, Chair, Decision, MeetingError
from mdbtriage.core.model import Actor, Staff
from mdbtriage.core.validation import format_date
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.meetings.journal import Journal
from mdbtriage.store.records import get_staff, list_teams
from mdbtriage.ui.appearance import FlowLayout, fit_to_screen
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.mdb.attendance import AttendanceTab
from mdbtriage.ui.mdb.base import _pydate, _qdate
from mdbtriage.ui.mdb.chair import CHAIR_CHECK_MS, Chairing
from mdbtriage.ui.mdb.discussion import SAVE_DELAY_MS, DiscussionTab, _CaseView
from mdbtriage.ui.mdb.journal import JOURNAL_RETRY_MS, DecisionJournal
from mdbtriage.ui.mdb.preparation import PreparationTab
from mdbtriage.ui.mdb.report import ReportTab


class MdbWindow(PreparationTab, AttendanceTab, DiscussionTab, DecisionJournal, Chairing, ReportTab):
    """Prepare, hold, close and print MDBs (see the module docstring).

    The signal ``open_case(str)`` asks for the dossier of a case (the main window opens it).
    """

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

    def _tab_changed(self, index: int) -> None:
        self.save_current()
        if index == 2:
            if self.meeting is not None and not self._holds_chair():
                self._read_chair(take=True)
                self._refresh_all(preview=False)
            self._refresh_live()
        if index == 3:
            self.refresh_preview()

    # --- changes --------------------------------------------------------------------------

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
