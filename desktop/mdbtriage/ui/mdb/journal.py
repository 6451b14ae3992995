"""The chair's journal on the office store: decisions that cannot be saved because the server
cannot be reached are kept on this workstation (:mod:`mdbtriage.store.meetings.journal`), shown
as "nog niet verzonden" in the case list and in a line above the buttons, and sent in order
every few seconds and at once when the connection is back. A refused one is shown with the
chair's text to copy; closing the window with decisions not yet sent asks first.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QMessageBox, QWidget

from mdbtriage.core.meetings import ChairHeld, Decision, MeetingError
from mdbtriage.store import meetings as repo
from mdbtriage.store.meetings.journal import JournalError
from mdbtriage.store.office import OfficeUnreachable
from mdbtriage.ui.mdb.base import MdbBase
from mdbtriage.ui.stale import StaleEditDialog

JOURNAL_RETRY_MS = 5000
"""How often the chair's window tries to send the decisions journaled while the office server
could not be reached (and at once when the connection is back)."""


class DecisionJournal(MdbBase):
    """Decisions kept here while the office server cannot be reached (see the module
    docstring)."""

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
    def confirm_close_unsent(cls, parent: QWidget, text: str) -> bool:
        answer = QMessageBox.question(
            parent,
            "Besluiten nog niet verzonden",
            text,
            defaultButton=QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
