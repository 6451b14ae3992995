"""The team lead's capacity inputs for the forecast: absences as periods and the team's shares
(other work, delegation). Every change goes through a store action and is logged."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.forecast import MIN_MEASUREMENTS, Norms
from mdbtriage.core.validation import format_date
from mdbtriage.store.database import Store
from mdbtriage.store.forecast import (
    CapacityError,
    TeamSettings,
    absences,
    add_absence,
    measured_times,
    remove_absence,
    set_team_norm,
    set_team_settings,
    team_norms,
    team_settings,
)
from mdbtriage.store.records import list_staff, list_teams
from mdbtriage.ui.appearance import FlowLayout, SideBySide, fit_columns, fit_to_screen
from mdbtriage.ui.session import Session


def _names(names: dict[str, str]) -> dict[str, str]:
    """Each colleague's name as the form shows it (staff id to name): with the staff number
    only for a name that two colleagues share."""
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {
        staff_id: name if seen[name] == 1 else f"{name} ({staff_id})"
        for staff_id, name in names.items()
    }


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class CapacityDialog(QDialog):
    """Absences and shares of one team."""

    def __init__(
        self,
        store: Store,
        session: Session,
        team: str,
        norms: Norms,
        on: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.team = team
        self.norms = norms
        self.changed = False
        team_names = {t.team_id: t.name for t in list_teams(store)}
        self.setWindowTitle(f"Capaciteit van {team_names.get(team) or team}")
        self.names = {s.staff_id: s.name for s in list_staff(store, team)}

        self.table = QTableWidget(0, 4, objectName="absences_table")
        self.table.setHorizontalHeaderLabels(["Medewerker", "Van", "Tot en met", "Reden"])
        self.table.setAccessibleName("Afwezigheden")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Room for the headings and two dates (Van, Tot en met) without scrolling sideways.
        x = self.fontMetrics().horizontalAdvance("x")
        self.date_width = self.fontMetrics().horizontalAdvance(format_date(date(2000, 12, 28))) + x
        header = self.table.horizontalHeader()
        least = (
            header.sectionSizeHint(0)
            + 2 * self.date_width
            + header.sectionSizeHint(3)
            + 2 * self.table.frameWidth()
            + self.table.verticalScrollBar().sizeHint().width()
        )
        self.table.setMinimumWidth(max(x * 40, least))
        # A few rows in view also when it stands above the forms (large text).
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.remove = QPushButton("Afwezigheid &verwijderen", objectName="absence_remove")
        self.remove.clicked.connect(self.remove_selected)

        self.who = QComboBox(objectName="absence_who")
        # A colleague by name; the staff number only for a name two colleagues share, and in
        # the tooltip.
        shown = _names(self.names)
        for staff_id, name in sorted(shown.items(), key=lambda kv: kv[1]):
            self.who.addItem(name, staff_id)
            self.who.setItemData(
                self.who.count() - 1, f"Personeelsnr. {staff_id}", Qt.ItemDataRole.ToolTipRole
            )
        self.who.currentIndexChanged.connect(
            lambda _i: self.who.setToolTip(
                f"Personeelsnr. {self.who.currentData()}" if self.who.currentData() else ""
            )
        )
        self.who.setToolTip(
            f"Personeelsnr. {self.who.currentData()}" if self.who.currentData() else ""
        )
        # As wide as a name, not wider: beside its caption like the other fields, also with
        # large text (the form grows it to the width there is; its list shows names whole).
        self.who.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.who.setMinimumContentsLength(min(20, max((len(n) for n in shown.values()), default=0)))
        self.starts = QDateEdit(_qdate(on), objectName="absence_starts", calendarPopup=True)
        self.ends = QDateEdit(_qdate(on), objectName="absence_ends", calendarPopup=True)
        for edit in (self.starts, self.ends):
            edit.setDisplayFormat("dd-MM-yyyy")
        self.reason = QLineEdit(objectName="absence_reason", maxLength=200)
        self.add = QPushButton("Afwezigheid &toevoegen", objectName="absence_add")
        self.add.clicked.connect(self.add_absence)
        self.problem = QLabel(objectName="capacity_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        new = QGroupBox("Nieuwe afwezigheid")
        form = QFormLayout(new)
        # With large text a field goes below its caption, instead of past the window's edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(QLabel("&Medewerker:", buddy=self.who), self.who)
        form.addRow(QLabel("Va&n:", buddy=self.starts), self.starts)
        form.addRow(QLabel("Tot &en met:", buddy=self.ends), self.ends)
        form.addRow(QLabel("&Reden:", buddy=self.reason), self.reason)
        form.addRow(self.add)

        settings = team_settings(store, team)
        self.other = QSpinBox(objectName="team_other_work", minimum=0, maximum=90, suffix="%")
        self.other.setValue(
            round(
                100
                * (
                    settings.other_work_share
                    if settings.other_work_share is not None
                    else norms.other_work_share
                )
            )
        )
        self.delegation = QSpinBox(objectName="team_delegation", minimum=0, maximum=100, suffix="%")
        self.delegation.setValue(
            round(
                100
                * (
                    settings.delegation_share
                    if settings.delegation_share is not None
                    else norms.delegation_share
                )
            )
        )
        self.save = QPushButton("Teaminstellingen &opslaan", objectName="team_settings_save")
        self.save.clicked.connect(self.save_settings)
        shares = QGroupBox("Teaminstellingen voor de prognose")
        shares_form = QFormLayout(shares)
        shares_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        shares_form.addRow(QLabel("Uren voor &ander werk:", buddy=self.other), self.other)
        shares_form.addRow(
            QLabel("&Delegeerbaar VA-werk gedelegeerd:", buddy=self.delegation), self.delegation
        )
        shares_form.addRow(
            QLabel(
                f"Standaard ({norms.name}): {round(norms.other_work_share * 100)}% "
                f"ander werk, {round(norms.delegation_share * 100)}% gedelegeerd.",
                wordWrap=True,
            )
        )
        shares_form.addRow(self.save)

        self.norm_keys: list[tuple[str, str]] = []
        self.norms_table = self._norms_table()
        self.norm_hours = QDoubleSpinBox(objectName="norm_hours", minimum=0.25, maximum=100)
        self.norm_hours.setSingleStep(0.25)
        self.norm_hours.setSuffix(" uur")
        self.norm_hours.setValue(1.0)
        self.norm_set = QPushButton("Norm van het team vast&leggen", objectName="norm_set")
        self.norm_set.clicked.connect(lambda: self.set_norm())
        self.norm_clear = QPushButton("&Standaardnorm", objectName="norm_clear")
        self.norm_clear.clicked.connect(lambda: self.set_norm(clear=True))
        # A short title (a group box's title does not wrap); the norms' name in a line below it.
        norms_box = QGroupBox("Normen en gemeten bestede tijd")
        norms_layout = QVBoxLayout(norms_box)
        norms_layout.addWidget(QLabel(f"Standaardwaarden uit {norms.name}.", wordWrap=True))
        # A few rows in view also with large text (the dialog scrolls down then).
        self.norms_table.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        norms_layout.addWidget(self.norms_table)
        # The norm's field and buttons go onto a next line when they do not fit beside it.
        norm_bar = QWidget()
        norm_row = FlowLayout(norm_bar)
        norm_row.addWidget(
            QLabel("Norm van het team voor de gekozen re&gel:", buddy=self.norm_hours)
        )
        norm_row.addWidget(self.norm_hours)
        norm_row.addWidget(self.norm_set)
        norm_row.addWidget(self.norm_clear)
        norms_layout.addWidget(norm_bar)
        norms_layout.addWidget(
            QLabel(
                f"Gemeten tijd vervangt een norm vanaf {MIN_MEASUREMENTS} ingeleverde taken met "
                "bestede tijd (per dienst en taak).",
                wordWrap=True,
            )
        )

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Sl&uiten")
        buttons.rejected.connect(self.reject)

        side = QVBoxLayout()
        side.addWidget(new)
        side.addWidget(shares)
        side.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(QLabel("Afwezigheden van het team:"))
        left.addWidget(self.table, 1)
        left.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignLeft)
        # The absences beside the forms, or above them when the width does not allow both.
        body = SideBySide()
        body.addLayout(left, 1)
        body.addLayout(side)
        # The whole form scrolls down when large text makes it taller than the screen,
        # instead of laying its parts over each other.
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(body, 1)
        content_layout.addWidget(norms_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        # A message beside Sluiten, and only when there is one: no empty band above it.
        self.problem.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.problem, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self._fill_norms()
        self.refresh()
        fit_to_screen(self, *self._wanted_size(content, norms_box, norms_layout, layout, bottom))

    def _wanted_size(
        self,
        content: QWidget,
        norms_box: QGroupBox,
        norms_layout: QVBoxLayout,
        layout: QVBoxLayout,
        bottom: QHBoxLayout,
    ) -> tuple[int, int]:
        """Room for every part without scrolling, from the texts in the current text size (the
        norms' columns as wide as their texts); fit_to_screen keeps it within the screen, where
        the form then scrolls down."""
        table = self.norms_table
        header = table.horizontalHeader()
        columns = sum(
            max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
            for c in range(table.columnCount())
        )
        box, inner = norms_box.contentsMargins(), norms_layout.contentsMargins()
        chrome = box.left() + box.right() + inner.left() + inner.right()
        norms = columns + 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
        bar = table.verticalScrollBar().sizeHint().width()  # the form's, should it scroll
        margins = layout.contentsMargins()
        width = max(content.sizeHint().width(), norms + chrome) + bar
        height = content.sizeHint().height() + layout.spacing() + bottom.sizeHint().height()
        return (
            width + margins.left() + margins.right(),
            height + margins.top() + margins.bottom(),
        )

    def _say(self, text: str) -> None:
        """A message beside Sluiten; none (nor its room) when ``text`` is empty."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _norms_table(self) -> QTableWidget:
        """Every default norm of a service, with the team's own and the recorded average."""
        table: QTableWidget = QTableWidget(0, 6, objectName="norms_table")
        table.setAccessibleName("Normen, normen van het team en gemeten tijd")
        table.setHorizontalHeaderLabels(
            [
                "Dienst",
                "Taak",
                "Rol",
                "Standaard\n(uur)",
                "Van het team\n(uur)",
                "Gemeten\n(uur, aantal)",
            ]
        )
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)
        table.verticalHeader().setVisible(False)
        fit_columns(table)  # with large text long names wrap, the table does not scroll sideways
        return table

    def _fill_norms(self) -> None:
        from mdbtriage.core.model import SERVICES
        from mdbtriage.core.taakdelegatie import load_ruleset

        tasks = load_ruleset()
        measured = {(m.service, m.task): m for m in measured_times(self.store, self.team)}
        own = {(m.service, m.task): m.hours for m in team_norms(self.store, self.team)}
        rows = [(service, act) for service, acts in self.norms.services.items() for act in acts]
        self.norm_keys = [(service, act.task) for service, act in rows]
        table = self.norms_table
        current = table.currentRow()
        table.setRowCount(len(rows))
        for row, (service, act) in enumerate(rows):
            found = measured.get((service, act.task))
            mine = own.get((service, act.task))
            cells = [
                SERVICES.get(service, service),
                tasks.task_name(act.task),
                act.role,
                f"{act.hours:g}".replace(".", ","),
                f"{mine:g}".replace(".", ",") if mine is not None else "",
                f"{found.hours:.2f} ({found.count})".replace(".", ",") if found else "",
            ]
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        fit_columns(table).fit()
        if current >= 0:
            table.selectRow(current)

    def set_norm(self, clear: bool = False) -> None:
        """The team's own hours for the selected activity (or back to the default)."""
        row = self.norms_table.currentRow()
        if row < 0:
            self._say("Kies eerst een norm in de lijst.")
            return
        service, task = self.norm_keys[row]
        hours = None if clear else self.norm_hours.value()
        set_team_norm(self.store, self.session.actor, self.team, service, task, hours)
        self.changed = True
        self._say("Norm van het team opgeslagen." if hours else "Standaardnorm hersteld.")
        self._fill_norms()

    def refresh(self) -> None:
        rows = absences(self.store, self.team)
        self.table.setRowCount(len(rows))
        for row, absence in enumerate(rows):
            cells = [
                self.names.get(absence.staff_id, absence.staff_id),
                format_date(absence.starts_on),
                format_date(absence.ends_on),
                absence.reason,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, absence.absence_id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        # A date whole in Van and Tot en met, also before there is one in the list.
        for column in (1, 2):
            if self.table.columnWidth(column) < self.date_width:
                self.table.setColumnWidth(column, self.date_width)
        self.remove.setEnabled(bool(rows))

    def add_absence(self) -> None:
        staff_id = self.who.currentData()
        if staff_id is None:
            self._say("Kies een medewerker.")
            return
        try:
            add_absence(
                self.store,
                self.session.actor,
                str(staff_id),
                _date(self.starts.date()),
                _date(self.ends.date()),
                self.reason.text().strip(),
            )
        except CapacityError as error:
            self._say(f"Niet vastgelegd: {error}.")
            self.ends.setFocus()
            return
        self._say("")
        self.reason.clear()
        self.changed = True
        self.refresh()

    def remove_selected(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            self._say("Kies eerst een afwezigheid in de lijst.")
            return
        remove_absence(self.store, self.session.actor, int(item.data(Qt.ItemDataRole.UserRole)))
        self.changed = True
        self.refresh()

    def save_settings(self) -> None:
        set_team_settings(
            self.store,
            self.session.actor,
            self.team,
            TeamSettings(
                other_work_share=self.other.value() / 100,
                delegation_share=self.delegation.value() / 100,
            ),
        )
        self.changed = True
        self._say("Teaminstellingen opgeslagen.")

    @classmethod
    def edit(cls, *args: Any, **kwargs: Any) -> bool:
        """Show the dialog; whether anything changed."""
        dialog = cls(*args, **kwargs)
        dialog.exec()
        return dialog.changed
