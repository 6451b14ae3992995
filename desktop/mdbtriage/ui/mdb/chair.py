"""One chair per MDB: opening the Bespreking of an open MDB takes its chair for this window (a
lease renewed while the window is open, see :mod:`mdbtriage.store.meetings.chair`). While
another seat holds it the MDB is read-only here and the chair line above the tabs says who
chairs it; the regievoerder can take the chair over.
"""

from __future__ import annotations

import contextlib
import time

from PySide6.QtWidgets import QMessageBox, QWidget

from mdbtriage.core.meetings import Chair, ChairHeld, MeetingError, chair_takeover_problem
from mdbtriage.store import meetings as repo
from mdbtriage.store.meetings.chair import RENEW_EVERY
from mdbtriage.store.office import OfficeUnreachable
from mdbtriage.store.records import get_staff
from mdbtriage.ui.mdb.base import MdbBase
from mdbtriage.ui.stale import StaleEditDialog

CHAIR_CHECK_MS = 5000
"""How often the window looks at the chair: renewing its own (every RENEW_EVERY), or seeing
who holds it and whether it became free."""


class Chairing(MdbBase):
    """Taking, keeping, following and taking over the chair (see the module docstring)."""

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
