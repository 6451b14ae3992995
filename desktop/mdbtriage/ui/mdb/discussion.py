"""The MDB window's third tab, Bespreking: the cases to discuss, the decision form for the case
shown (saved as you go), and closing the MDB as regievoerder.

Keys: Ctrl+Enter saves and goes to the next case, Ctrl+PgDown/PgUp go to the next/previous
case, Ctrl+T adds the activity being entered, Ctrl+S saves, Ctrl+D opens the case's dossier.
Who may save is the chair (:mod:`.chair`); what cannot reach the office server waits in the
journal (:mod:`.journal`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPalette, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core import meetings as rules
from mdbtriage.core.caserules import DOSSIER_DOCUMENTS, missing_documents
from mdbtriage.core.labels import route_name
from mdbtriage.core.meetings import (
    AGENDA_REASONS,
    AGENDA_STATUSES,
    Activity,
    AgendaItem,
    ChairHeld,
    Decision,
    MeetingError,
)
from mdbtriage.core.model import ROLES, SERVICES
from mdbtriage.core.validation import format_date, mask_bsn
from mdbtriage.store import meetings as repo
from mdbtriage.store.dossier import documents
from mdbtriage.store.office import OfficeUnreachable
from mdbtriage.store.records import get_case
from mdbtriage.store.versions import StaleEdit
from mdbtriage.ui.appearance import FlowLayout, SideBySide
from mdbtriage.ui.mdb.base import MdbBase, _policy, _pydate, _qdate
from mdbtriage.ui.stale import StaleEditDialog

SAVE_DELAY_MS = 600
#: How a reason that only the regievoerder may close starts (the line above the button, and
#: the store's refusal).
REGIE_ONLY = "Alleen de regievoerder (VA)"
_Index = QModelIndex | QPersistentModelIndex


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


#: The marks in front of a case in the list: decided, partly decided, not yet.
CASE_MARKS = ("✓", "…", "○")
_WRAP = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap


class _HangingIndent(QStyledItemDelegate):
    """A case in the list with its mark (✓, … or ○) in a column of its own: a text that wraps
    (a long name, large text) goes on under its own first word, not under the mark."""

    def _parts(self, option: QStyleOptionViewItem, index: _Index) -> tuple[str, str, int]:
        """The mark, the text after it, and the room the marks take (the widest, plus a
        space), so that every case's text starts at the same place."""
        self.initStyleOption(option, index)
        mark, _, rest = option.text.partition(" ")
        if mark not in CASE_MARKS:
            mark, rest = "", option.text
        metrics = option.fontMetrics
        indent = max(metrics.horizontalAdvance(m) for m in CASE_MARKS)
        return mark, rest, indent + metrics.horizontalAdvance("  ")

    @staticmethod
    def _margin(option: QStyleOptionViewItem) -> int:
        """The room the style leaves on either side of an item's text."""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is None:
            return 3
        return style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, option, widget) + 1

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        opt = QStyleOptionViewItem(option)
        mark, rest, indent = self._parts(opt, index)
        metrics, margin = opt.fontMetrics, self._margin(opt)
        view = opt.widget
        if isinstance(view, QListWidget):
            width = view.viewport().width() - 2 * view.spacing()
        else:
            width = indent + metrics.horizontalAdvance(rest) + 2 * margin
        room = max(1, width - 2 * margin - indent)
        text = metrics.boundingRect(QRect(0, 0, room, 1 << 20), _WRAP, rest)
        # The style's own height for a line, so a row of one line is as before.
        opt.text = mark or " "
        style = view.style() if view is not None else None
        one_line = (
            style.sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, opt, QSize(), view).height()
            if style is not None
            else metrics.height() + 2
        )
        return QSize(width, one_line + max(0, text.height() - metrics.height()))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        mark, rest, indent = self._parts(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        # The background, the selection and the focus as the style draws them; the text here.
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Normal
            if opt.state & QStyle.StateFlag.State_Enabled
            else QPalette.ColorGroup.Disabled
        )
        if group == QPalette.ColorGroup.Normal and not opt.state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Inactive
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        margin = self._margin(opt)
        area = opt.rect.adjusted(margin, 0, -margin, 0)
        metrics = opt.fontMetrics
        room = max(1, area.width() - indent)
        height = metrics.boundingRect(QRect(0, 0, room, 1 << 20), _WRAP, rest).height()
        top = area.top() + max(0, (area.height() - height) // 2)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(group, role))
        painter.drawText(QRect(area.left(), top, indent, metrics.height()), _WRAP, mark)
        painter.drawText(QRect(area.left() + indent, top, room, height), _WRAP, rest)
        painter.restore()


class _ListBeside(QSplitter):
    """The case list beside the decision form: the list as wide as ``list_width`` (a case on one
    line in the current text size), but no more than two fifths of the width: the form keeps
    the larger part. Until the person moves the handle."""

    def __init__(self, list_width: int) -> None:
        super().__init__()
        self.list_width = list_width
        self.moved = False
        self.splitterMoved.connect(self._moved)

    def _moved(self) -> None:
        self.moved = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.moved or self.count() != 2:
            return
        room = event.size().width() - self.handleWidth()
        left = min(self.list_width, room * 2 // 5)
        self.setSizes([left, room - left])


class _Notice(QLabel):
    """A line shown only while it has something to say (no empty row in the form)."""

    def __init__(self) -> None:
        super().__init__()
        self.hide()

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))


class DiscussionTab(MdbBase):
    """Tab 3 Bespreking: the case list and the decision form (see the module docstring)."""

    def _build_live(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.case_list = QListWidget()
        self.case_list.setAccessibleName("Zaken op de agenda")
        # Room for "○ 20. Z26-000000 · a name (******000)" on one line in the current text size;
        # a longer name, or a narrow window, wraps onto a second line (under its text, not under
        # its mark) instead of the list scrolling sideways or taking the decision form's room.
        style, metrics = self.case_list.style(), self.case_list.fontMetrics()
        list_width = (
            metrics.horizontalAdvance("○  20. Z26-000000 · Marieke van der Lee (******000)")
            + 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
            + style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            + 2 * style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
        )
        splitter = _ListBeside(list_width)
        self.case_list.setMinimumWidth(list_width // 2)
        self.case_list.setWordWrap(True)
        self.case_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.case_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.case_list.setItemDelegate(_HangingIndent(self.case_list))
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
        self._fit_activities()
        form_layout.addWidget(self.activities)
        # The new activity's fields and buttons wrap onto a next line with large text; not
        # shown where the decision cannot be changed (read only, a closed MDB).
        self.entry_bar = entry_bar = QWidget()
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
        # The general and the medical remarks side by side while each has room for a line of
        # some 40 characters (one under the other with large text): the medical form keeps its
        # last lines in sight without scrolling.
        remarks_row = SideBySide()
        general = QVBoxLayout()
        remarks_label = QLabel("&Opmerkingen (komen in beide verslagen)", wordWrap=True)
        general.addWidget(remarks_label)
        self.remarks = QPlainTextEdit()
        self.remarks.setTabChangesFocus(True)
        remarks_label.setBuddy(self.remarks)
        self.remarks.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.remarks.textChanged.connect(self._changed)
        self.remarks.textChanged.connect(self._check_remarks)
        general.addWidget(self.remarks)
        self.remarks_warning = QLabel()
        self.remarks_warning.setWordWrap(True)
        self.remarks_warning.setStyleSheet("color: #8a1c1c;")
        self.remarks_warning.hide()
        general.addWidget(self.remarks_warning)
        general.addStretch(1)
        remarks_row.addLayout(general, 1)
        self.medical_label = QLabel(
            "&Medische overwegingen (alleen in het medische verslag)", wordWrap=True
        )
        self.medical_remarks = QPlainTextEdit()
        self.medical_remarks.setTabChangesFocus(True)
        self.medical_remarks.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.medical_remarks.textChanged.connect(self._changed)
        self.medical_label.setBuddy(self.medical_remarks)
        medical_part = QWidget()
        medical = QVBoxLayout(medical_part)
        medical.setContentsMargins(0, 0, 0, 0)
        medical.addWidget(self.medical_label)
        medical.addWidget(self.medical_remarks)
        medical.addStretch(1)
        remarks_row.addWidget(medical_part, 1)
        medical_part.setVisible(self.medical)
        self.medical_label.setVisible(self.medical)
        self.medical_remarks.setVisible(self.medical)
        line = self.fontMetrics().averageCharWidth() * 40
        for field in (self.remarks, self.medical_remarks):
            field.setMinimumWidth(line)
        form_layout.addWidget(remarks_row)
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setStyleSheet("color: #52606d;")
        form_layout.addWidget(self.history_label)
        self.decision_error = _Notice()
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
        # Why the button is not available, in words (not only in its tooltip): a line of its
        # own just above the button, not a narrow column beside it.
        self.close_hint = QLabel(objectName="close_hint")
        self.close_hint.setWordWrap(True)
        self.close_hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.close_hint.hide()
        layout.addWidget(self.close_hint)
        bottom = QHBoxLayout()
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        bottom.addWidget(self.saved_label, 1)
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
            why = f"{REGIE_ONLY} sluit de MDB."
        else:
            why = ""
        self.close_button.setToolTip(why)
        self.close_button.setAccessibleDescription(why)
        self.close_hint.setText(why)
        self.close_hint.setVisible(bool(why))

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
                # The masked BSN joined to the name by a space that does not break: a
                # wrapped name keeps its BSN.
                f"{item.position}. {item.case_ref} · "
                + names.get(item.case_ref, "").replace(" (", "\u00a0("),
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
        # That only the regievoerder closes is said once: by the line above the button.
        said = self.close_hint.text() if not self.close_hint.isHidden() else ""
        others = [
            p
            for p in problems
            if p.split(":", 1)[0] not in refs
            and not (said.startswith(REGIE_ONLY) and p.startswith(REGIE_ONLY))
        ]
        parts = []
        if cases:
            parts.append(
                f"{len(cases)} {'zaak is' if len(cases) == 1 else 'zaken zijn'} nog niet volledig "
                "besloten (○ of … in de lijst)"
            )
        parts.extend(p[:1].lower() + p[1:].rstrip(".") for p in others)
        if not parts:
            self.close_notice.hide()
            self.close_notice.setText("")
            return
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
        # Read only (a closed MDB, or following the chair elsewhere): nothing to add or remove,
        # and the form has the room for what is decided.
        self.entry_bar.setVisible(editable or ref is None)
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

    def _fit_activities(self) -> None:
        """The activities table as tall as its rows (room for one when empty, five before it
        scrolls), not a fixed block of empty lines that pushes the form's last fields out of
        sight."""
        table = self.activities
        rows = min(max(table.rowCount(), 1), 5)
        height = (
            table.horizontalHeader().sizeHint().height()
            + rows * table.verticalHeader().defaultSectionSize()
            + 2 * table.frameWidth()
        )
        table.setFixedHeight(height)

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
        self._fit_activities()

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

    def _editing(self) -> bool:
        """Whether someone is working in the Bespreking's decision form."""
        focus = self.focusWidget()
        return self.tabs.currentIndex() == 2 and focus is not None and focus.hasFocus()
