"""The MDB window's second tab, Aanwezigheid: who of the team is present, the regievoerder (a
VA), and the warnings when a role the MDB needs is missing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.model import ROLES
from mdbtriage.store import meetings as repo
from mdbtriage.ui.mdb.base import MdbBase


class AttendanceTab(MdbBase):
    """Tab 2 Aanwezigheid: attendance and the regievoerder (see the module docstring)."""

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
