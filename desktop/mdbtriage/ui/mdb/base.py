"""What the MDB window's parts share: the window's state (the MDB shown, this seat and its
chair, the decisions as last read), the top bar's widgets, and the few helpers every tab uses
(reporting a change, showing a refusal).

Each tab and each concern of the window is a mixin on :class:`MdbBase`
(:mod:`.preparation`, :mod:`.attendance`, :mod:`.discussion`, :mod:`.journal`, :mod:`.chair`,
:mod:`.report`); :class:`mdbtriage.ui.mdb.window.MdbWindow` joins them and builds the window.
What one part asks of another is declared here, under ``TYPE_CHECKING``, so that the type checker
knows it while the running class finds the part's own method.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QMainWindow, QPushButton, QTabWidget

from mdbtriage.core.meetings import AgendaItem, Chair, Decision, MeetingError
from mdbtriage.core.model import Actor, Staff
from mdbtriage.core.policy import Policy, load_policy
from mdbtriage.core.validation import mask_bsn
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.meetings.journal import Journal
from mdbtriage.store.records import get_case
from mdbtriage.ui.events import Changes, StoreEvents

if TYPE_CHECKING:
    from mdbtriage.store.office import OfficeUnreachable
    from mdbtriage.ui.mdb.discussion import _CaseView


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


@cache
def _policy() -> Policy:
    """The policy whose route names the agenda shows."""
    return load_policy()


class MdbBase(QMainWindow):
    """The MDB window's state and shared helpers (see the module docstring)."""

    #: The dossier of a case is asked for (the main window opens it).
    open_case = Signal(str)

    # Set by MdbWindow.__init__.
    store: Store
    actor: Actor
    events: StoreEvents
    seat: str
    workstation: str
    chair: Chair | None
    own_team: str | None
    today: date
    medical: bool
    meeting: repo.Meeting | None
    staff: dict[str, Staff]
    journal: Journal | None
    _renewed_at: float
    _decision_version: int | None
    _current_ref: str | None
    _loading: bool
    _dirty: bool
    _pdf_bytes: bytes
    _sending: bool
    _save_timer: QTimer
    _send_timer: QTimer
    _chair_timer: QTimer
    # What the chair goes on with should the server become unreachable.
    _items: dict[str, AgendaItem]
    _names: dict[str, str]
    _decided: dict[str, Decision]
    _versions: dict[str, int]
    _views: dict[str, _CaseView]
    # The top bar (MdbWindow._build).
    meeting_combo: QComboBox
    team_combo: QComboBox
    new_date: QDateEdit
    create_button: QPushButton
    status_label: QLabel
    chair_label: QLabel
    chair_button: QPushButton
    tabs: QTabWidget
    # The Bespreking's lines that the journal writes to (DiscussionTab._build_live).
    decision_error: QLabel
    saved_label: QLabel
    journal_label: QLabel

    if TYPE_CHECKING:
        # What the parts ask of each other (each defined in its own module).
        def _fill_meetings(self, wanted: int | None) -> None: ...
        def _refresh_all(self, preview: bool = True) -> None: ...
        def _refresh_attendance(self) -> None: ...
        def _refresh_live(self) -> None: ...
        def _refresh_live_marks(self) -> None: ...
        def _show_case(self, ref: str | None) -> None: ...
        def _show_close_state(self) -> None: ...
        def _form_decision(self) -> Decision: ...
        def save_current(self) -> bool: ...
        def _journaled(self) -> dict[str, Decision]: ...
        def _keep_in_journal(self, decision: Decision, lost: OfficeUnreachable | None) -> bool: ...
        def _show_journal(self) -> None: ...
        def send_journal(self) -> None: ...
        def _follows(self) -> bool: ...
        def _chair_changed(self, chair: Chair | None) -> None: ...
        def _show_chair(self) -> None: ...

    def _meeting_id(self) -> int:
        assert self.meeting is not None
        return self.meeting.meeting_id

    def _client_names(self, refs: list[str]) -> dict[str, str]:
        """Each case's client as the agenda and the case list show it: the name with the masked
        BSN."""
        names: dict[str, str] = {}
        for ref in refs:
            row = get_case(self.store, ref)
            if row is not None:
                names[ref] = f"{row.client_name} ({mask_bsn(row.bsn)})"
        return names

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

    def _try(self, action: Callable[[], object]) -> bool:
        try:
            action()
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
