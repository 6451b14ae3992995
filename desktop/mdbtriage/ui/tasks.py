"""Tasks and taakdelegatie on screen: the assignment dialog, "Mijn taken" and "Te accorderen".

Self-contained widgets; each takes the store and the acting person (an ``Actor`` whose
``user_id`` is a staff id) and does its own reads and writes through ``mdbtriage.store.tasks``,
so the rules of ``core.taakdelegatie`` apply exactly as on the command line.

- ``AssignTaskDialog(store, actor, case_ref, on=None, parent=None)``: pick a task, optionally
  the delegating VA and a due date; lists every team member, those who may do the task first,
  the others greyed out with the reason. ``AssignTaskDialog.ask(store, actor, case_ref,
  parent=None, on=None) -> int | None`` runs it and returns the new task id (patch it in tests).
  Signal ``assigned(int)``.
- ``MyTasksWidget(store, actor, on=None, parent=None, events=None)``: the person's open tasks
  with a "Resultaat inleveren…" button. Signal ``open_case(str)`` (double-click).
- ``TeAccorderenWidget(store, actor, parent=None, events=None)``: the VA's list of delegated
  results waiting for accordering, the handed-in version, and Accorderen / Wijzigen en
  accorderen / Afwijzen; below it the review statistics per delegate. Signal ``open_case(str)``.

Both widgets report what they change to the window's store events (``events``, a
:class:`mdbtriage.ui.events.StoreEvents`) and read again when it reports changes to tasks.
- ``ResultDialog.ask(parent, title, label, text="") -> str | None``: a multi-line text question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QMargins,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.labels import service_short, task_short
from mdbtriage.core.model import ROLES, SERVICES, Actor, Staff
from mdbtriage.core.taakdelegatie import (
    PERMISSIONS,
    TASK_STATUSES,
    Judgement,
    RuleSet,
    RuleSetError,
    load_ruleset,
)
from mdbtriage.core.validation import format_date
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import Refused, TaakdelegatieError, ruleset_for
from mdbtriage.store.records import get_case, get_staff, list_staff, list_teams
from mdbtriage.store.tasks import (
    MAX_MINUTES,
    StaleEdit,
    TaskRow,
    assign_task,
    list_tasks,
    reject_task,
    review_statistics,
    sign_off,
    submit_task,
    te_accorderen,
    versions,
    who_may,
)
from mdbtriage.ui.appearance import fit_columns, fit_to_screen
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.stale import StaleEditDialog

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
_GREY = QBrush(QColor("#5f6b7a"))  # still 5:1 on white: readable, and "nee" says it in words


# --- words instead of codes ------------------------------------------------------------------


def _ruleset_name(ruleset_id: str, ruleset: RuleSet) -> str:
    if ruleset_id == ruleset.ruleset_id:
        return ruleset.name
    try:
        return load_ruleset(ruleset_id).name
    except RuleSetError:
        return ruleset_id


def in_words(text: str, ruleset: RuleSet, staff: Sequence[Staff]) -> str:
    """A judgement's sentence (core.taakdelegatie writes it with the codes, for the log and
    the command line) as a person reads it: a task, service, rule set and colleague by name,
    a rule by its number in its rule set, instead of ``'naam' (DOSSIERSTUDIE)``,
    ``(WIA_CLAIM)``, ``SMC-UTRECHT-1-VA1`` and ``(DOSSIERSTUDIE, AD/AIOS/SMV/VA: ...)``."""
    for rule in ruleset.rules:
        label = rule.label(ruleset.ruleset_id)
        if label in text:
            where = f"regel {rule.number} van regelset {_ruleset_name(rule.source, ruleset)}"
            if rule.source != ruleset.ruleset_id:
                # A rule of the base rule set, taken over by the team's: say both, so the
                # rule set named above the list and the one in the reason do not seem to clash.
                where = (
                    f"regel {rule.number} van {_ruleset_name(rule.source, ruleset)}, "
                    f"overgenomen in {ruleset.name}"
                )
            text = text.replace(label, where)
    # The dialog names the rule set once, above the list.
    text = text.replace(f"geen regel in {ruleset.ruleset_id} ", "geen regel in deze regelset ")
    for code, task in ruleset.tasks.items():
        text = text.replace(f"'{task.name}' ({code})", f"'{task.name}'")
    for code, name in SERVICES.items():
        text = text.replace(f"{name} ({code})", name)
    # The longest ids first: one id may end another (``VA1`` and ``SMV-VA1``).
    for person in sorted(staff, key=lambda s: -len(s.staff_id)):
        role = ROLES.get(person.role, person.role)
        text = text.replace(f"({person.staff_id}, {role})", f"({role})")
        text = text.replace(f"{person.name} ({person.staff_id})", person.name)
        text = re.sub(rf"(?<![\w-]){re.escape(person.staff_id)}(?![\w-])", person.name, text)
    for ruleset_id in {ruleset.ruleset_id, *(rule.source for rule in ruleset.rules)}:
        text = re.sub(
            rf"(?<![\w-]){re.escape(ruleset_id)}(?![\w-])",
            _ruleset_name(ruleset_id, ruleset),
            text,
        )
    return text


def _names(staff: Sequence[Staff]) -> dict[str, str]:
    """Each colleague's name as a list shows it: with the staff number only for a name that
    two colleagues share."""
    seen: dict[str, int] = {}
    for person in staff:
        seen[person.name] = seen.get(person.name, 0) + 1
    return {p.staff_id: p.name if seen[p.name] == 1 else f"{p.name} ({p.staff_id})" for p in staff}


# --- models -----------------------------------------------------------------------------------


class CandidateModel(QAbstractTableModel):
    """Team members with the decision for one task; refused ones are grey (selectable, so the
    full reason can be read under the table, but never assigned).

    The Toelichting column shows the short reason (the rule or condition that decided) so it
    is not cut off; the whole sentence is the tooltip of every cell of the row."""

    HEADERS = ("Medewerker", "Rol", "Mag het", "Toelichting")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Staff, Judgement]] = []
        self._words: Callable[[str], str] = str
        self._names: dict[str, str] = {}

    def set_rows(
        self,
        rows: Sequence[tuple[Staff, Judgement]],
        words: Callable[[str], str] | None = None,
    ) -> None:
        """The team members with their judgement; ``words`` puts a judgement's codes in words
        (see :func:`in_words`)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._words = words or str
        self._names = _names([staff for staff, _d in self._rows])
        self.endResetModel()

    def candidate(self, row: int) -> tuple[Staff, Judgement] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        staff, decision = self._rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            if column == 0:
                return self._names.get(staff.staff_id, staff.name)
            if column == 1:
                return ROLES.get(staff.role, staff.role)
            if column == 2:
                if not decision.allowed:
                    return "nee"
                if decision.delegating_va_id:
                    return self._words(f"ja, onder delegatie van {decision.delegating_va_id}")
                return "ja, zelfstandig"
            if column == 3:
                return self._words(decision.summary or decision.reason.split(":", 1)[0])
        if role == _TOOLTIP:
            # The sentence with its codes (staff numbers, the rule), to look things up.
            return decision.reason
        if role == _FOREGROUND and not decision.allowed:
            return _GREY
        if role == ROW_ROLE:
            return staff.staff_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


@dataclass(frozen=True, slots=True)
class TaskColumn:
    title: str
    text: Callable[[TaskRow], str]
    key: str = ""


def _status_text(t: TaskRow) -> str:
    text = TASK_STATUSES.get(t.status, t.status)
    if t.reviewed is False:
        text += " (steekproef: niet beoordeeld)"
    if t.changed_by_va:
        text += " (gewijzigd door arts)"
    return text


TASK_COLUMNS: tuple[TaskColumn, ...] = (
    TaskColumn("Taak", lambda t: task_short(t.task_code), "task"),
    TaskColumn("Zaak", lambda t: t.case_ref, "case"),
    TaskColumn("Cliënt", lambda t: "", "client"),  # filled by the model (see client_names)
    TaskColumn("Dienst", lambda t: service_short(t.service), "service"),
    TaskColumn("Uitvoerder", lambda t: t.assignee_name, "assignee"),
    TaskColumn(  # as the dossier's task list heads it: short, so the task gets the room
        "Namens VA",
        lambda t: t.delegating_va_name or t.delegating_va_id or "zelfstandig",
        "va",
    ),
    TaskColumn("Status", _status_text, "status"),
    TaskColumn("Uiterlijk", lambda t: format_date(t.due_on) if t.due_on else "", "due"),
    TaskColumn("Nr.", lambda t: str(t.task_id), "number"),
    TaskColumn("Reden van afwijzing", lambda t: t.reject_reason or "", "reason"),
)
TASK_COLUMN_KEYS = tuple(c.key for c in TASK_COLUMNS)
_LATE = QBrush(QColor("#b00020"))
_BOLD = QFont()
_BOLD.setBold(True)


def overdue(task: TaskRow, on: date) -> bool:
    """An open task past its due date."""
    return task.status == "open" and task.due_on is not None and task.due_on < on


class TaskTableModel(QAbstractTableModel):
    """A list of tasks (compact rows, formatted only when painted)."""

    def __init__(self, parent: Any = None, on: date | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TaskRow] = []
        self._clients: dict[str, str] = {}
        self.on = on or date.today()

    def set_rows(self, rows: Sequence[TaskRow], clients: dict[str, str] | None = None) -> None:
        """The tasks, with the client's name per case (``client_names``)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._clients = clients or {}
        self.endResetModel()

    def task(self, row: int) -> TaskRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(TASK_COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        task = self._rows[index.row()]
        column = TASK_COLUMNS[index.column()]
        late = column.key == "due" and overdue(task, self.on)
        if role == _DISPLAY:
            if column.key == "client":
                return self._clients.get(task.case_ref, "")
            text = column.text(task)
            return f"{text} · te laat" if late else text  # in words, not by colour alone
        if role == _FOREGROUND and late:
            return _LATE
        if role == Qt.ItemDataRole.FontRole and late:
            return _BOLD
        if role == _TOOLTIP:
            return task.decision_reason
        if role == ROW_ROLE:
            return task.task_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return TASK_COLUMNS[section].title if 0 <= section < len(TASK_COLUMNS) else None
        return None


class _Padded(QStyledItemDelegate):
    """Cells with room after their text: a column as wide as its longest text does not put
    that text against the next column's border (the room grows with the text size)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + option.fontMetrics.horizontalAdvance("nn"), size.height())


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
    view.setItemDelegate(_Padded(view))
    # With large text a long task or name wraps instead of the table scrolling sideways.
    fit_columns(view)
    return view


def _hint(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555; padding: 12px;")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _form_label(text: str, buddy: QWidget) -> QLabel:
    """A form's label with its Alt letter. The underlined letter splits the word where the
    font would have drawn two letters closer (``T&aak``): the word comes out a pixel or two
    wider than the label measures, and its last letter was cut off. A space's width more
    keeps it whole, at any text size."""
    label = QLabel(text)
    label.setBuddy(buddy)
    label.setMinimumWidth(label.sizeHint().width() + label.fontMetrics().horizontalAdvance(" "))
    return label


def _team_name(store: Store, team_id: str) -> str:
    return next((t.name for t in list_teams(store) if t.team_id == team_id), team_id)


def client_names(store: Store, rows: Sequence[TaskRow]) -> dict[str, str]:
    """The client's name per case of the tasks (a person's list holds a few cases)."""
    names: dict[str, str] = {}
    for ref in {t.case_ref for t in rows}:
        case = get_case(store, ref)
        if case is not None:
            names[ref] = case.client_name
    return names


def _staff_of(store: Store, actor: Actor) -> Staff | None:
    return get_staff(store, actor.user_id)


def _local_time(stamp: str) -> str:
    """A stored UTC timestamp as Dutch users read it, in local time: ``23-11-2026 om 14:05``."""
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return f"{format_date(moment.date())} om {moment:%H:%M}"


# --- dialogs ----------------------------------------------------------------------------------


class ResultDialog(QDialog):
    """A multi-line text question (a task's result, a reason for rejection)."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        text: str = "",
        with_minutes: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("result_dialog")
        layout = QVBoxLayout(self)
        caption = QLabel(label)
        caption.setWordWrap(True)
        layout.addWidget(caption)
        self.edit = QPlainTextEdit(text)
        self.edit.setObjectName("result_text")
        self.edit.setTabChangesFocus(True)
        caption.setBuddy(self.edit)
        layout.addWidget(self.edit)
        self.minutes: QSpinBox | None = None
        if with_minutes:
            self.minutes = QSpinBox(objectName="result_minutes", minimum=0, maximum=MAX_MINUTES)
            self.minutes.setSuffix(" minuten")
            self.minutes.setSpecialValueText("niet ingevuld")
            self.minutes.setSingleStep(15)
            row = QHBoxLayout()
            minutes_label = QLabel("&Bestede tijd (optioneel):", buddy=self.minutes)
            row.addWidget(minutes_label)
            row.addWidget(self.minutes)
            row.addStretch(1)
            layout.addLayout(row)
        hint = QLabel("Tab gaat naar de volgende knop; Ctrl+Enter bevestigt, Esc annuleert.")
        hint.setObjectName("result_hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("OK", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        buttons.addButton("Annuleren", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Finished from the keyboard: Ctrl+Enter from the text (Enter there is a new line).
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._accept_if_ready)
        self.edit.textChanged.connect(self._update)
        self._update()
        fit_to_screen(self, 520, 280)

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.edit.toPlainText().strip()))

    def _accept_if_ready(self) -> None:
        if self.ok.isEnabled():
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
        dialog = cls(parent, title, label, text)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.edit.toPlainText().strip()
        return None

    @classmethod
    def ask_result(
        cls, parent: QWidget | None, title: str, label: str
    ) -> tuple[str, int | None] | None:
        """A task's result and the minutes spent on it (``None`` when not filled in)."""
        dialog = cls(parent, title, label, with_minutes=True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        minutes = dialog.minutes.value() if dialog.minutes is not None else 0
        return dialog.edit.toPlainText().strip(), minutes or None


class AssignTaskDialog(QDialog):
    """Assign a task on a case: who may do it, and why the others may not."""

    assigned = Signal(int)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        case_ref: str,
        on: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.case_ref = case_ref
        self.on = on or date.today()
        self.task_id: int | None = None
        self.setObjectName("assign_task_dialog")
        case = get_case(store, case_ref)
        if case is None:
            raise TaakdelegatieError(f"zaak '{case_ref}' bestaat niet")
        self.team = case.team
        self.service = case.facts.service
        ruleset = ruleset_for(store, self.team, self.on)
        self.setWindowTitle(f"Taak toewijzen: zaak {case_ref}")

        layout = QVBoxLayout(self)
        self.ruleset = ruleset
        self.staff = list_staff(store, self.team)
        intro = QLabel(
            f"Zaak {case_ref}, {SERVICES[self.service]}, team {_team_name(store, self.team)}. "
            f"Regelset {ruleset.name} op {format_date(self.on)}."
            + "".join(
                f" Deze regelset bouwt voort op {_ruleset_name(source, ruleset)}."
                for source in sorted({r.source for r in ruleset.rules} - {ruleset.ruleset_id})
            )
        )
        # The rule set's code, to find its file, where it does not stand in the way.
        intro.setToolTip(f"Regelset {ruleset.ruleset_id}, versie {ruleset.version}")
        intro.setObjectName("assign_intro")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.task_combo = QComboBox()
        self.task_combo.setObjectName("task_combo")
        # Tasks and doctors by name; a task's code and a doctor's staff number in the tooltip.
        names = [task.name for task in ruleset.tasks.values()]
        for code, task in ruleset.tasks.items():
            shared = names.count(task.name) > 1  # then the code tells them apart
            self.task_combo.addItem(f"{task.name} ({code})" if shared else task.name, code)
            self.task_combo.setItemData(self.task_combo.count() - 1, f"Taakcode {code}", _TOOLTIP)
        form.addRow(_form_label("T&aak", self.task_combo), self.task_combo)
        self.va_combo = QComboBox()
        self.va_combo.setObjectName("va_combo")
        self.va_combo.addItem("Automatisch (de arts met een geldige delegatie)", None)
        vas = [s for s in self.staff if s.role == "VA" and s.active]
        for s, name in zip(vas, _names(vas).values(), strict=True):
            self.va_combo.addItem(name, s.staff_id)
            self.va_combo.setItemData(
                self.va_combo.count() - 1, f"Personeelsnr. {s.staff_id}", _TOOLTIP
            )
        if actor.role == "VA":
            found = self.va_combo.findData(actor.user_id)
            if found >= 0:
                self.va_combo.setCurrentIndex(found)
        form.addRow(_form_label("&Delegerende arts", self.va_combo), self.va_combo)
        due_row = QHBoxLayout()
        self.due_check = QCheckBox("Uiterlijk op")
        self.due_check.setObjectName("due_check")
        self.due_edit = QDateEdit(QDate(self.on.year, self.on.month, self.on.day).addDays(14))
        self.due_edit.setObjectName("due_edit")
        self.due_edit.setAccessibleName("Uiterlijk op")
        self.due_edit.setDisplayFormat("dd-MM-yyyy")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setMinimumDate(QDate(self.on.year, self.on.month, self.on.day))
        self.due_edit.setEnabled(False)
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        due_row.addWidget(self.due_check)
        due_row.addWidget(self.due_edit)
        due_row.addStretch(1)
        form.addRow("Termijn", due_row)
        layout.addLayout(form)
        self.count = QLabel("")
        self.count.setObjectName("assign_count")
        self.count.setWordWrap(True)
        layout.addWidget(self.count)

        self.model = CandidateModel(self)
        self.view = _table(self.model, "candidates")
        self.view.setAccessibleName("Wie mag de taak doen")
        # A long short reason wraps instead of being cut off (the table's columns fit its width).
        layout.addWidget(self.view, 1)
        self.reason = QLabel("")
        self.reason.setObjectName("assign_reason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.setMinimumHeight(self.reason.fontMetrics().lineSpacing() * 3)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.reason)

        buttons = QDialogButtonBox()
        self.assign_button = buttons.addButton("&Toewijzen", QDialogButtonBox.ButtonRole.AcceptRole)
        self.assign_button.setObjectName("assign_button")
        buttons.addButton("Annuleren", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._assign)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.task_combo.currentIndexChanged.connect(self.refresh)
        self.va_combo.currentIndexChanged.connect(self.refresh)
        self.view.selectionModel().selectionChanged.connect(self._update)
        self.view.doubleClicked.connect(lambda _i: self._assign())
        self.refresh()
        fit_to_screen(self, *self._wanted_size())

    def _wanted_size(self) -> tuple[int, int]:
        """Room for the whole list without scrolling, its columns as wide as their texts (in
        the current text size); fit_to_screen keeps it within the screen, where long texts
        wrap and the list scrolls."""
        view, header = self.view, self.view.horizontalHeader()
        columns = sum(
            max(header.sectionSizeHint(c), view.sizeHintForColumn(c))
            for c in range(self.model.columnCount())
        )
        bar = view.verticalScrollBar().sizeHint().width()
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else QMargins()
        side = margins.left() + margins.right()
        width = max(self.sizeHint().width(), columns + 2 * view.frameWidth() + bar + side)
        # Each row on one line at that width; the reason below has room for three lines.
        focus = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameVMargin, None, view)
        line = view.fontMetrics().height() + 2 * (focus + 1) + 1  # a line, its margins, grid
        rows = line * self.model.rowCount()
        table = rows + max(header.height(), header.sizeHint().height()) + 2 * view.frameWidth()
        height = self.sizeHint().height() - view.sizeHint().height() + table
        return width, height

    def words(self, text: str) -> str:
        """A judgement's sentence with names instead of codes (see :func:`in_words`)."""
        return in_words(text, self.ruleset, self.staff)

    def set_task(self, code: str) -> None:
        self.task_combo.setCurrentIndex(self.task_combo.findData(code))

    def set_va(self, staff_id: str | None) -> None:
        self.va_combo.setCurrentIndex(self.va_combo.findData(staff_id))

    def refresh(self) -> None:
        code = self.task_combo.currentData()
        if code is None:
            return
        rows = who_may(
            self.store, self.case_ref, code, self.team, self.va_combo.currentData(), self.on
        )
        self.model.set_rows(rows, self.words)
        allowed = sum(1 for _s, d in rows if d.allowed)
        self.count.setText(
            f"{allowed} van {len(rows)} teamleden mogen deze taak doen ('nee' bij Mag het: niet "
            "toegestaan); kies een regel om de volledige reden te lezen."
            if allowed
            else "Niemand in het team mag deze taak nu doen. Leg eerst een delegatie vast of "
            "kies een andere taak."
        )
        self.reason.setText("")
        first = next((i for i, (_s, d) in enumerate(rows) if d.allowed), None)
        if first is not None:
            self.view.selectRow(first)
        self._update()

    def select_staff(self, staff_id: str) -> bool:
        for row in range(self.model.rowCount()):
            found = self.model.candidate(row)
            if found and found[0].staff_id == staff_id:
                if not found[1].allowed:
                    return False
                self.view.selectRow(row)
                return True
        return False

    def selected(self) -> tuple[Staff, Judgement] | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.candidate(rows[0].row()) if rows else None

    def _update(self) -> None:
        chosen = self.selected()
        self.assign_button.setEnabled(chosen is not None and chosen[1].allowed)
        if chosen is not None:
            staff, decision = chosen
            self.reason.setText(f"{staff.name}: {self.words(decision.reason)}")
            self.reason.setToolTip(f"Personeelsnr. {staff.staff_id}. {decision.reason}")
            self.reason.setStyleSheet("" if decision.allowed else "color: #8a1c1c;")

    def _assign(self) -> None:
        chosen = self.selected()
        if chosen is None or not chosen[1].allowed:
            return
        staff, decision = chosen
        due = self.due_edit.date().toPython() if self.due_check.isChecked() else None
        try:
            self.task_id = assign_task(
                self.store,
                self.actor,
                case_ref=self.case_ref,
                task_code=decision.task,
                assignee_id=staff.staff_id,
                by_id=decision.delegating_va_id,
                due=due,  # type: ignore[arg-type]
                on=self.on,
                today=self.on,
            )
        except Refused as refused:
            self.refresh()  # the list as it stands now; the refusal stays readable below it
            self.reason.setText("Geweigerd: " + self.words(" ".join(refused.reasons)))
            self.reason.setStyleSheet("color: #8a1c1c;")
            return
        self.assigned.emit(self.task_id)
        self.accept()

    @classmethod
    def ask(
        cls,
        store: Store,
        actor: Actor,
        case_ref: str,
        parent: QWidget | None = None,
        on: date | None = None,
    ) -> int | None:
        dialog = cls(store, actor, case_ref, on, parent)
        return dialog.task_id if dialog.exec() == QDialog.DialogCode.Accepted else None


def _row_of(rows: Sequence[TaskRow], task: TaskRow | None) -> int:
    """The row of ``task`` among ``rows``, or the first row when it is no longer listed."""
    if task is not None:
        for row, candidate in enumerate(rows):
            if candidate.task_id == task.task_id:
                return row
    return 0


# --- Mijn taken -------------------------------------------------------------------------------


class MyTasksWidget(QWidget):
    """The signed-in person's tasks: open ones to hand in a result, and the results handed in
    (waiting for the VA, accorded) or rejected with the VA's reason. Enter opens the dossier."""

    open_case = Signal(str)

    #: The statuses listed, in this order: what asks something of the person comes first.
    SHOWN = ("open", "afgewezen", "te_accorderen", "geaccordeerd", "done")

    def __init__(
        self,
        store: Store,
        actor: Actor,
        on: date | None = None,
        parent: QWidget | None = None,
        events: StoreEvents | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.on = on or date.today()
        self.events = events or StoreEvents(self)
        self.setObjectName("my_tasks")
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("my_tasks_title")
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.model = TaskTableModel(self, self.on)
        self.view = _table(self.model, "my_tasks_table")
        self.view.setAccessibleName("Mijn taken")
        self.view.hideColumn(TASK_COLUMN_KEYS.index("assignee"))  # always this person
        # Enter and a double click open the dossier.
        self.view.activated.connect(self._open)
        layout.addWidget(self.view, 1)
        self.empty = _hint(
            "U heeft geen taken. Nieuwe taken verschijnen hier zodra ze in een MDB of vanuit "
            "een dossier aan u zijn toegewezen.",
            "my_tasks_empty",
        )
        # At the top, where the list would begin, not a quarter down the page.
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.empty, 1)
        self.message = QLabel("")
        self.message.setObjectName("my_tasks_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.message.hide()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.detail = QLabel("")
        self.detail.setObjectName("my_tasks_detail")
        self.detail.setWordWrap(True)
        row.addWidget(self.detail, 1)
        self.open_button = QPushButton("&Dossier openen")
        self.open_button.setObjectName("open_dossier_button")
        self.open_button.clicked.connect(self.open_current)
        row.addWidget(self.open_button)
        self.submit_button = QPushButton("Resultaat &inleveren…")
        self.submit_button.setObjectName("submit_button")
        self.submit_button.clicked.connect(self.submit_current)
        row.addWidget(self.submit_button)
        layout.addLayout(row)
        self.view.selectionModel().selectionChanged.connect(self._update)
        self.reload()
        self.events.changed.connect(self._store_changed)

    def _store_changed(self, changes: Changes) -> None:
        if changes.origin is not self and changes.touches("tasks", "cases", "staff"):
            self.reload()

    def reload(self) -> None:
        """Read the person's tasks again; the selected task stays selected."""
        kept = self.current()
        rows = list_tasks(self.store, assignee_id=self.actor.user_id, statuses=self.SHOWN)
        order = {status: i for i, status in enumerate(self.SHOWN)}
        rows.sort(key=lambda t: (order.get(t.status, len(order)), not overdue(t, self.on)))
        self.model.set_rows(rows, client_names(self.store, rows))
        count = {status: sum(t.status == status for t in rows) for status in self.SHOWN}
        late = sum(overdue(t, self.on) for t in rows)
        parts = [f"{count['open']} open" + (f", waarvan {late} te laat" if late else "")]
        if count["te_accorderen"]:
            parts.append(f"{count['te_accorderen']} ingeleverd, wacht op accordering")
        if count["afgewezen"]:
            parts.append(f"{count['afgewezen']} afgewezen")
        self.title.setText("Mijn taken: " + "; ".join(parts))
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        # The reason column only while a result was rejected: empty, it took the width the
        # other columns need with large text.
        self.view.setColumnHidden(
            TASK_COLUMN_KEYS.index("reason"), not any(t.reject_reason for t in rows)
        )
        if rows:
            self.view.selectRow(_row_of(rows, kept))
            fit_columns(self.view).fit()
        self._update()

    def current(self) -> TaskRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.task(rows[0].row()) if rows else None

    def _update(self) -> None:
        task = self.current()
        self.submit_button.setEnabled(task is not None and task.status == "open")
        self.open_button.setEnabled(task is not None)
        if task is None:
            self.detail.setText("")
        elif task.status == "afgewezen":
            by = task.delegating_va_name or "de verzekeringsarts"
            self.detail.setText(
                f"Afgewezen door {by}: {task.reject_reason or '(geen reden opgegeven)'}"
            )
        elif task.status == "te_accorderen":
            self.detail.setText(f"Ingeleverd; wacht op accordering door {task.delegating_va_name}.")
        elif task.status in ("geaccordeerd", "done"):
            self.detail.setText(f"Gereed ({TASK_STATUSES[task.status]}).")
        elif task.delegating_va_id:
            self.detail.setText(
                f"Gedelegeerd door {task.delegating_va_name}: het resultaat gaat naar de lijst "
                "'te accorderen' van deze arts en telt pas na accordering."
            )
        else:
            self.detail.setText("Zelfstandige taak: na inleveren is de taak gereed.")

    def _open(self, index: QModelIndex) -> None:
        task = self.model.task(index.row())
        if task is not None:
            self.open_case.emit(task.case_ref)

    def open_current(self) -> None:
        task = self.current()
        if task is not None:
            self.open_case.emit(task.case_ref)

    def submit_current(self) -> None:
        task = self.current()
        if task is None or task.status != "open":
            return
        answer = ResultDialog.ask_result(
            self,
            f"Taak {task.task_id} inleveren",
            f"&Resultaat van {task_short(task.task_code)} op zaak {task.case_ref}:",
        )
        if answer is None:
            return
        text, minutes = answer
        try:
            status = submit_task(
                self.store,
                self.actor,
                task.task_id,
                self.actor.user_id,
                text,
                minutes=minutes,
                version=task.version,
            )
        except (Refused, TaakdelegatieError) as error:
            Ask.warn(self, "Inleveren geweigerd", str(error))
            return
        except StaleEdit as stale:
            if StaleEditDialog.ask(self, str(stale), text):
                self.reload()
            return
        self.reload()
        # After the reload, so the confirmation stays until the next hand-in.
        self.message.setText(
            f"Taak {task.task_id} ({task_short(task.task_code)}, zaak {task.case_ref}) "
            f"ingeleverd: {TASK_STATUSES[status]}."
        )
        self.message.show()
        self.events.report(Changes.of(tasks=[task.task_id], cases=[task.case_ref], origin=self))


# --- Te accorderen ----------------------------------------------------------------------------


class _CompactSplitter(QSplitter):
    """A splitter on a scrolling page that asks no more height than its least: the page gives
    it the room there is, and scrolls only when even that least does not fit (the page asks
    its contents' preferred height, and a list and two text fields prefer much more)."""

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()


class TeAccorderenWidget(QWidget):
    """A VA's delegated results waiting for accordering: accept, change and accept, or reject."""

    open_case = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget | None = None,
        events: StoreEvents | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.events = events or StoreEvents(self)
        self.setObjectName("te_accorderen")
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("te_accorderen_title")
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        self.not_va = _hint(
            "Alleen een verzekeringsarts accordeert gedelegeerd werk.", "te_accorderen_not_va"
        )
        layout.addWidget(self.not_va)
        self.empty = _hint(
            "Er wacht niets op uw accordering. Gedelegeerd werk verschijnt hier zodra de "
            "medewerker het resultaat inlevert.",
            "te_accorderen_empty",
        )
        # At the top, where the list would begin; the page does not spread out around it.
        for hint in (self.not_va, self.empty):
            hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.empty, 1)

        self.splitter = _CompactSplitter(Qt.Orientation.Vertical)
        self.model = TaskTableModel(self)
        self.view = _table(self.model, "te_accorderen_table")
        self.view.setAccessibleName("Te accorderen")
        self.view.hideColumn(TASK_COLUMN_KEYS.index("va"))  # always this person
        self.view.hideColumn(TASK_COLUMN_KEYS.index("reason"))  # nothing rejected here yet
        self.view.activated.connect(self._open)  # Enter and a double click
        self.splitter.addWidget(self.view)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        self.submitted_label = QLabel("Ingeleverd resultaat")
        self.submitted_label.setObjectName("submitted_label")
        self.submitted_label.setWordWrap(True)  # a long name and date wrap with large text
        detail_layout.addWidget(self.submitted_label)
        self.submitted = QPlainTextEdit()
        self.submitted.setObjectName("submitted_text")
        self.submitted.setReadOnly(True)
        self.submitted.setTabChangesFocus(True)
        self.submitted_label.setBuddy(self.submitted)
        detail_layout.addWidget(self.submitted)
        self.own = QPlainTextEdit()
        self.own.setObjectName("own_text")
        self.own.setTabChangesFocus(True)  # Tab goes on to the buttons
        own_label = QLabel(
            "Uw versie (alleen invullen als u het resultaat wijzigt)", buddy=self.own
        )
        own_label.setWordWrap(True)
        detail_layout.addWidget(own_label)
        detail_layout.addWidget(self.own)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton("Acc&orderen")
        self.accept_button.setObjectName("accept_button")
        self.change_button = QPushButton("Wi&jzigen en accorderen")
        self.change_button.setObjectName("change_button")
        self.reject_button = QPushButton("A&fwijzen…")
        self.reject_button.setObjectName("reject_button")
        for button in (self.accept_button, self.change_button, self.reject_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        detail_layout.addLayout(buttons)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 1)
        # A few rows of the list in view, also with large text: the page scrolls down then.
        lines = self.fontMetrics().lineSpacing()
        self.view.setMinimumHeight(lines * 11)
        self.submitted.setMinimumHeight(lines * 3)
        self.own.setMinimumHeight(lines * 3)
        self.message = QLabel("")
        self.message.setObjectName("te_accorderen_message")
        self.message.setWordWrap(True)
        self.stats = QLabel("")
        self.stats.setObjectName("review_stats")
        self.stats.setWordWrap(True)
        self.stats.setTextFormat(Qt.TextFormat.RichText)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.splitter, 1)
        body_layout.addWidget(self.message)
        body_layout.addWidget(self.stats)
        self.page = QScrollArea(objectName="te_accorderen_scroll")
        self.page.setWidgetResizable(True)
        self.page.setFrameShape(QFrame.Shape.NoFrame)
        self.page.setWidget(body)
        layout.addWidget(self.page, 1)

        self.accept_button.clicked.connect(lambda: self._sign(False))
        self.change_button.clicked.connect(lambda: self._sign(True))
        self.reject_button.clicked.connect(self._reject)
        self.own.textChanged.connect(self._update)
        self.view.selectionModel().selectionChanged.connect(self._show_current)
        self.reload()
        self.events.changed.connect(self._store_changed)

    def _store_changed(self, changes: Changes) -> None:
        if changes.origin is not self and changes.touches("tasks", "cases", "staff"):
            self.reload()

    def reload(self) -> None:
        """Read the list again. The selected result stays selected, and the VA's own version
        being written stays as it is while the handed-in result did not change."""
        kept, submitted = self.current(), self.submitted.toPlainText()
        own, cursor = self.own.toPlainText(), self.own.textCursor().position()
        staff = _staff_of(self.store, self.actor)
        is_va = staff is not None and staff.role == "VA"
        rows = te_accorderen(self.store, self.actor.user_id) if is_va else []
        self.model.set_rows(rows, client_names(self.store, rows))
        self.title.setText(f"Te accorderen: {len(rows)}" if is_va else "Te accorderen")
        self.not_va.setVisible(not is_va)
        self.empty.setVisible(is_va and not rows)
        self.splitter.setVisible(bool(rows))
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.setStretchFactor(self.not_va, 0 if is_va else 1)
            layout.setStretchFactor(self.page, 1 if rows else 0)
        if rows:
            self.view.selectRow(_row_of(rows, kept))
            fit_columns(self.view).fit()
        self._show_current()
        current = self.current()
        if (
            kept is not None
            and current is not None
            and current.task_id == kept.task_id
            and self.submitted.toPlainText() == submitted
            and self.own.toPlainText() != own
        ):
            self.own.setPlainText(own)
            text = self.own.textCursor()
            text.setPosition(min(cursor, len(own)))
            self.own.setTextCursor(text)
        self._show_stats(is_va)

    def _show_stats(self, is_va: bool) -> None:
        stats = review_statistics(self.store, self.actor.user_id) if is_va else []
        if not stats:
            self.stats.setText("")
            return
        lines = []
        for s in stats:
            who = get_staff(self.store, s.delegate_id)
            name = who.name if who else s.delegate_id
            lines.append(
                f"<tr><td>{name}</td><td align='right'>{s.submitted}</td>"
                f"<td align='right'>{s.reviewed}</td><td align='right'>{s.changed}</td>"
                f"<td align='right'>{s.rejected}</td><td align='right'>{s.not_sampled}</td>"
                f"<td align='right'>{s.waiting}</td></tr>"
            )
        # The gaps between the columns grow with the text size (a fixed 6 pixels let the
        # headings almost touch with large text).
        gap = self.stats.fontMetrics().horizontalAdvance("nn")
        cell = f"style='padding-right: {gap}px'"
        self.stats.setText(
            (
                "<b>Beoordeling per medewerker</b><table cellspacing='2'><tr><th align='left'>"
                "Medewerker</th><th>Ingeleverd</th><th>Beoordeeld</th><th>Gewijzigd</th>"
                "<th>Afgewezen</th><th>Niet in steekproef</th><th>Wacht</th></tr>"
                + "".join(lines)
                + "</table>"
            )
            .replace("<th", f"<th {cell}")
            .replace("<td", f"<td {cell}")
        )

    def current(self) -> TaskRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.task(rows[0].row()) if rows else None

    def _show_current(self) -> None:
        task = self.current()
        if task is None:
            self.submitted.setPlainText("")
        else:
            found = versions(self.store, task.task_id)
            latest = found[-1] if found else None
            self.submitted_label.setText(
                f"Ingeleverd door {latest.author_name} op {_local_time(latest.created_at)} "
                f"({task_short(task.task_code)}, zaak {task.case_ref}, "
                f"{PERMISSIONS[task.permission]})"
                if latest
                else "Nog geen resultaat ingeleverd"
            )
            self.submitted.setPlainText(latest.result if latest else "")
            self.own.setPlainText(latest.result if latest else "")
        self._update()

    def _update(self) -> None:
        task = self.current()
        has = task is not None
        self.accept_button.setEnabled(has)
        self.reject_button.setEnabled(has)
        own = self.own.toPlainText().strip()
        self.change_button.setEnabled(
            has and bool(own) and own != self.submitted.toPlainText().strip()
        )

    def _open(self, index: QModelIndex) -> None:
        task = self.model.task(index.row())
        if task is not None:
            self.open_case.emit(task.case_ref)

    def _sign(self, with_change: bool) -> None:
        task = self.current()
        if task is None:
            return
        text = self.own.toPlainText().strip() if with_change else None
        try:
            sign_off(
                self.store, self.actor, task.task_id, self.actor.user_id, text, version=task.version
            )
        except (Refused, TaakdelegatieError) as error:
            Ask.warn(self, "Accorderen geweigerd", str(error))
            return
        except StaleEdit as stale:
            if StaleEditDialog.ask(self, str(stale), self.own.toPlainText()):
                self.reload()
            return
        self.message.setText(
            f"Taak {task.task_id} geaccordeerd"
            + (": uw versie is vastgelegd, de ingeleverde versie blijft bewaard." if text else ".")
        )
        self.reload()
        self.events.report(Changes.of(tasks=[task.task_id], cases=[task.case_ref], origin=self))

    def _reject(self) -> None:
        task = self.current()
        if task is None:
            return
        reason = ResultDialog.ask(
            self, f"Taak {task.task_id} afwijzen", "Waarom wijst u dit resultaat af?"
        )
        if reason is None:
            return
        try:
            reject_task(
                self.store,
                self.actor,
                task.task_id,
                self.actor.user_id,
                reason,
                version=task.version,
            )
        except (Refused, TaakdelegatieError) as error:
            Ask.warn(self, "Afwijzen geweigerd", str(error))
            return
        except StaleEdit as stale:
            if StaleEditDialog.ask(self, str(stale), reason):
                self.reload()
            return
        self.message.setText(f"Taak {task.task_id} afgewezen; het resultaat telt niet.")
        self.reload()
        self.events.report(Changes.of(tasks=[task.task_id], cases=[task.case_ref], origin=self))
