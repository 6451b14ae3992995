"""The team lead's capacity forecast ("Prognose"): the backlog and the WIA claims waiting over
six months week by week, the targets, and what-if settings side by side with the current
situation. The inputs are read (and logged) once per team; what-ifs are computed off the GUI
thread from them, without the store."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QEvent, QMargins, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.forecast import (
    DEFAULT_WEEKS,
    Forecast,
    Norms,
    Scenario,
    inputs_sentence,
    load_norms,
    target_sentences,
)
from mdbtriage.core.policy import Policy
from mdbtriage.core.taakdelegatie import available_rulesets, load_ruleset
from mdbtriage.core.validation import format_count, format_date
from mdbtriage.store.database import Store
from mdbtriage.store.forecast import ForecastInputs, forecast_inputs
from mdbtriage.store.records import list_teams
from mdbtriage.ui.appearance import SideBySide
from mdbtriage.ui.session import Session
from mdbtriage.ui.worker import Progress, run_in_background

EXTRA_ROLES = ("VA", "SMV", "AD")
_MNEMONICS = {"VA": "V&A", "SMV": "&SMV", "AD": "A&D"}
# Colours with at least 4.5:1 contrast on white; the what-if lines are also dashed, so the two
# situations never differ by colour alone.
BACKLOG_COLOUR = "#1f5fa8"
SIX_MONTHS_COLOUR = "#b00020"
DEBOUNCE_MS = 150
#: Steps between labelled weeks when no step divides the period evenly: the axis then runs on
#: to the week after the last one that has a label.
NICE_STEPS = (1, 2, 3, 4, 5, 10, 13, 20, 26, 52)


def week_ticks(weeks: int, most: int) -> tuple[int, int]:
    """(step, last week of the axis) for an axis of weeks 1..``weeks`` with at most ``most``
    labels: labels at 1, 1 + step, 1 + 2·step, … evenly, the last one at the period's last
    week where a step allows that with at least four labels (26 weeks: 1, 6, 11, 16, 21, 26;
    13 weeks with room: every week)."""
    span = max(1, weeks - 1)
    most = max(2, most)
    enough = min(4, most)
    for step in range(1, span + 1):
        labels = span // step + 1
        if span % step == 0 and labels <= most:
            if labels >= enough:
                return step, max(2, weeks)
            break
    for step in NICE_STEPS:
        reach = math.ceil(span / step)
        if reach + 1 <= most:
            return step, 1 + reach * step
    return span, max(2, weeks)


def share_width(wanted: list[int], room: int) -> list[int]:
    """Column widths: each at least what it needs, and the room left over shared so the
    columns are as even as it allows (the narrow ones grow first)."""
    if sum(wanted) >= room or not wanted:
        return list(wanted)
    low, high = 0, room
    while low < high:  # the largest even width that fits
        even = (low + high + 1) // 2
        if sum(max(w, even) for w in wanted) <= room:
            low = even
        else:
            high = even - 1
    widths = [max(w, low) for w in wanted]
    widths[-1] += room - sum(widths)
    return widths


@dataclass(frozen=True, slots=True)
class Comparison:
    base: Forecast
    what_if: Forecast | None


def verdict(result: Forecast) -> str:
    """The targets in one Dutch sentence each."""
    return "\n".join(target_sentences(result))


class PrognoseView(QWidget):
    """The forecast of one team, with what-if controls; team leads see every team."""

    computed = Signal()

    def __init__(
        self, store: Store, session: Session, policy: Policy, on: date, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.policy = policy
        self.on = on
        self.norms: Norms = load_norms()
        self.inputs: ForecastInputs | None = None
        self.comparison: Comparison | None = None
        self._generation = 0

        self.team = QComboBox(objectName="prognose_team")
        for team in list_teams(store):
            if session.is_team_lead or team.team_id == session.team:
                self.team.addItem(team.name, team.team_id)
        self.team.setCurrentIndex(max(0, self.team.findData(session.team)))
        self.team.currentIndexChanged.connect(lambda _i: self.reload())
        self.weeks = QSpinBox(objectName="prognose_weeks", minimum=4, maximum=104)
        self.weeks.setValue(DEFAULT_WEEKS)
        self.weeks.setSuffix(" weken")
        self.weeks.valueChanged.connect(lambda _v: self.schedule())

        self.extra: dict[str, QSpinBox] = {}
        what_if = QGroupBox("Wat als …")
        form = QFormLayout(what_if)
        # With large text a field goes below its caption instead of past the panel's edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for role in EXTRA_ROLES:
            box = QSpinBox(objectName=f"extra_{role}", minimum=-400, maximum=400, singleStep=4)
            box.setToolTip("Uren per week erbij; negatief voor minder uren (afwezigheid)")
            box.setSuffix(" uur per week")
            box.valueChanged.connect(lambda _v: self.schedule())
            self.extra[role] = box
            # Alt letters unique in the main window with this tab shown (VA→A, SMV→S, AD→D).
            label = QLabel(f"Uren erbij {role}:".replace(role, _MNEMONICS[role]))
            label.setBuddy(box)
            form.addRow(label, box)
        self.delegation = QSpinBox(objectName="delegation_share", minimum=0, maximum=100)
        self.delegation.setSuffix("% gedelegeerd")
        self.delegation.valueChanged.connect(lambda _v: self.schedule())
        form.addRow(QLabel("Delegat&ie:", buddy=self.delegation), self.delegation)
        self.other_work = QSpinBox(objectName="other_work_share", minimum=0, maximum=90)
        self.other_work.setSuffix("% ander werk")
        self.other_work.valueChanged.connect(lambda _v: self.schedule())
        form.addRow(QLabel("Ander wer&k:", buddy=self.other_work), self.other_work)
        self.ruleset = QComboBox(objectName="prognose_ruleset")
        self.ruleset.addItem("regelset van het team", None)
        for ruleset_id in available_rulesets():
            self.ruleset.addItem(load_ruleset(ruleset_id).name, ruleset_id)
        self.ruleset.currentIndexChanged.connect(lambda _i: self.schedule())
        # As wide as the panel allows, not as the longest name (its list shows them whole).
        self.ruleset.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.ruleset.setMinimumContentsLength(16)
        form.addRow(QLabel("Re&gelset:", buddy=self.ruleset), self.ruleset)
        self.reset = QPushButton("Ter&ug naar de huidige situatie", objectName="prognose_reset")
        self.reset.clicked.connect(self.reset_what_if)
        form.addRow(self.reset)

        self.verdict = QLabel(objectName="prognose_verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.note = QLabel(objectName="prognose_inputs")
        self.note.setWordWrap(True)

        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart, objectName="prognose_chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setAccessibleName("Grafiek van de achterstand per week")
        # Room for the title, the axes' labels and titles and the legend beside a usable plot,
        # growing with the text size (too little and the chart cuts its texts to '...').
        self.chart_view.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        self.chart.plotAreaChanged.connect(self._fit_week_axis)

        self.table = QTableWidget(objectName="prognose_table")
        self.table.setAccessibleName("Prognose per week")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        # Rows of one line, as in the werkvoorraad.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        # The columns share the table's width (each at least as wide as its texts).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.viewport().installEventFilter(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Tea&m:", buddy=self.team))
        top.addWidget(self.team)
        top.addWidget(QLabel("Peri&ode:", buddy=self.weeks))
        top.addWidget(self.weeks)
        top.addStretch(1)
        self.capacity_button = QPushButton(
            "A&fwezigheden en instellingen…", objectName="prognose_capacity"
        )
        self.capacity_button.clicked.connect(self.edit_capacity)
        top.addWidget(self.capacity_button)
        # Only ever hidden here: shown before the layout gives it a parent, the button would
        # open as a window of its own (it is shown with the screen).
        if not session.is_team_lead:
            self.capacity_button.hide()
        left = QVBoxLayout()
        left.addWidget(what_if)
        left.addStretch(1)
        side = QWidget()
        side.setLayout(left)
        side.setMaximumWidth(self.fontMetrics().horizontalAdvance("x") * 48)
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        split = self.split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart_view)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        # The what-if settings beside the chart while the width allows, above it when it does
        # not; with large text the page scrolls down instead of squeezing the chart.
        body = SideBySide()
        body.addWidget(side)
        body.addWidget(split, 1)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.verdict)
        inner.addWidget(body, 1)
        inner.addWidget(self.note)
        page = QScrollArea(objectName="prognose_scroll")
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(page, 1)

        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.compute)
        self._loaded = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.reload()
            # Once laid out: the chart three fifths of the height, the table the rest (the
            # table's rows otherwise took the room and squeezed the chart to its least).
            QTimer.singleShot(0, self._share_split)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Resize
            and shiboken6.isValid(self.table)
            and watched is self.table.viewport()
        ):
            self._fit_columns()
        return False

    def _fit_columns(self) -> None:
        """The week table's columns over its whole width."""
        table, header = self.table, self.table.horizontalHeader()
        wanted = [
            max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
            for c in range(table.columnCount())
        ]
        for column, width in enumerate(share_width(wanted, table.viewport().width())):
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)

    def _fit_week_axis(self, area: QRectF | None = None) -> None:
        """Weeks labelled at even steps that end on the period's last week, as many as the
        plot's width has room for."""
        axis = next(
            (a for a in self.chart.axes(Qt.Orientation.Horizontal) if isinstance(a, QValueAxis)),
            None,
        )
        if axis is None or self.comparison is None:
            return
        weeks = len(self.comparison.base.week_starts)
        width = (area or self.chart.plotArea()).width()
        if width <= 0:
            width = self.chart_view.width() * 0.8
        # A label and twice its width of space before the next.
        label = QFontMetrics(axis.labelsFont()).horizontalAdvance(str(weeks))
        step, last = week_ticks(weeks, int(width // (3 * max(1, label))))
        if axis.tickInterval() != step or axis.max() != last:
            axis.setTickAnchor(1)
            axis.setTickInterval(step)
            axis.setRange(1, last)

    def _share_split(self) -> None:
        total = sum(self.split.sizes())
        if total > 0:
            self.split.setSizes([total * 3 // 5, total - total * 3 // 5])

    def current_team(self) -> str | None:
        data = self.team.currentData()
        return str(data) if data is not None else None

    def reload(self) -> None:
        """Read the team's inputs (logged) and compute."""
        team = self.current_team()
        if team is None:
            self.verdict.setText("Er is nog geen team: importeer medewerkers om te plannen.")
            return
        self._loaded = True
        self.inputs = forecast_inputs(self.store, self.session.actor, team, self.on, self.policy)
        delegation, other_work = self.team_shares()
        for box, value in ((self.delegation, delegation), (self.other_work, other_work)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self.compute()

    def edit_capacity(self) -> None:
        """The team lead edits absences and the team's shares; the forecast then reads again."""
        from mdbtriage.ui.capacity_dialog import CapacityDialog

        team = self.current_team()
        if team and CapacityDialog.edit(self.store, self.session, team, self.norms, self.on, self):
            self.reload()

    def reset_what_if(self) -> None:
        for box in self.extra.values():
            box.setValue(0)
        self.ruleset.setCurrentIndex(0)
        self.reload()

    def what_if(self) -> tuple[Scenario, str | None]:
        scenario = Scenario(
            extra_hours={role: float(box.value()) for role, box in self.extra.items()},
            delegation_share=self.delegation.value() / 100,
            other_work_share=self.other_work.value() / 100,
        )
        return scenario, self.ruleset.currentData()

    def team_shares(self) -> tuple[int, int]:
        """The team's delegation and other-work percentages (its settings, else the norms)."""
        base = self.inputs.scenario() if self.inputs else Scenario()
        delegation = (
            self.norms.delegation_share if base.delegation_share is None else base.delegation_share
        )
        other = (
            self.norms.other_work_share if base.other_work_share is None else base.other_work_share
        )
        return round(delegation * 100), round(other * 100)

    def is_baseline(self) -> bool:
        """Whether the what-if settings are the team's own (then only one forecast is shown)."""
        scenario, ruleset_id = self.what_if()
        return (
            not any(scenario.extra_hours.values())
            and ruleset_id is None
            and self.team_shares() == (self.delegation.value(), self.other_work.value())
        )

    def schedule(self) -> None:
        self._timer.start()

    def compute(self) -> None:
        """Compute the current situation and the what-if in a worker; the newest result wins."""
        if self.inputs is None:
            return
        inputs, norms, weeks = self.inputs, self.norms, self.weeks.value()
        scenario, ruleset_id = self.what_if()
        baseline = self.is_baseline()
        self._generation += 1
        generation = self._generation

        def work(_progress: Progress) -> tuple[int, Comparison]:
            base = inputs.run(weeks=weeks, norms=norms)
            what_if = None
            if not baseline:
                ruleset = load_ruleset(ruleset_id) if ruleset_id else None
                what_if = inputs.run(scenario, weeks=weeks, norms=norms, ruleset=ruleset)
            return generation, Comparison(base, what_if)

        def done(result: tuple[int, Comparison]) -> None:
            if result[0] == self._generation:
                self.show_comparison(result[1])

        def failed(error: BaseException) -> None:
            self.verdict.setText(f"De prognose kon niet worden berekend: {error}")

        run_in_background(work, done, failed, parent=self)

    def show_comparison(self, comparison: Comparison) -> None:
        self.comparison = comparison
        base, what_if = comparison.base, comparison.what_if
        text = "Huidige situatie: " + verdict(base)
        if what_if is not None:
            text += f"\nWat als ({what_if.inputs['scenario']}): " + verdict(what_if)
        self.verdict.setText(text)
        self.note.setText(inputs_sentence(what_if or base))
        self._fill_chart(base, what_if)
        self._fill_table(base, what_if)
        self.computed.emit()

    def _series(self, name: str, values: tuple[int, ...], colour: str, dashed: bool) -> QLineSeries:
        series = QLineSeries()
        series.setName(name)
        for i, value in enumerate(values):
            series.append(QPointF(i + 1, value))
        pen = QPen(QColor(colour))
        pen.setWidth(2)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        series.setPen(pen)
        series.setPointsVisible(True)
        return series

    def _fill_chart(self, base: Forecast, what_if: Forecast | None) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series = [
            self._series("achterstand", base.backlog, BACKLOG_COLOUR, False),
            self._series("WIA > 6 mnd", base.over_six_months, SIX_MONTHS_COLOUR, False),
        ]
        if what_if is not None:
            series += [
                self._series("achterstand (wat als)", what_if.backlog, BACKLOG_COLOUR, True),
                self._series(
                    "WIA > 6 mnd (wat als)", what_if.over_six_months, SIX_MONTHS_COLOUR, True
                ),
            ]
        top = max((max(s, default=0) for s in (base.backlog, base.over_six_months)), default=0)
        x_axis = QValueAxis()
        x_axis.setTitleText(f"week (week 1 begint {format_date(base.week_starts[0])})")
        x_axis.setRange(1, max(2, len(base.week_starts)))
        x_axis.setLabelFormat("%d")
        x_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        x_axis.setTickAnchor(1)
        x_axis.setTickInterval(1)
        y_axis = QValueAxis()
        y_axis.setTitleText("zaken")
        y_axis.setRange(0, max(1, top * 1.1))
        y_axis.setLabelFormat("%d")
        y_axis.applyNiceNumbers()
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for target in base.targets:
            index = next((i for i, s in enumerate(base.week_starts) if s > target.deadline), None)
            if index is None or index == 0:
                continue
            line = QLineSeries()
            line.setName(f"doel: {format_date(target.deadline)}")
            line.append(QPointF(index + 0.5, 0))
            line.append(QPointF(index + 0.5, y_axis.max()))
            pen = QPen(QColor("#000000"))
            pen.setStyle(Qt.PenStyle.DotLine)
            line.setPen(pen)
            series.append(line)
        for s in series:
            chart.addSeries(s)
            s.attachAxis(x_axis)
            s.attachAxis(y_axis)
        chart.setTitle("Achterstand per week (schatting)")
        self._fit_week_axis()

    def _fill_table(self, base: Forecast, what_if: Forecast | None) -> None:
        headers = ["Week van", "Achterstand", "WIA > 6 maanden"]
        if what_if is not None:
            headers += ["Achterstand (wat als)", "WIA > 6 maanden (wat als)"]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(base.week_starts))
        for row, start in enumerate(base.week_starts):
            cells = [
                format_date(start),
                format_count(base.backlog[row]),
                format_count(base.over_six_months[row]),
            ]
            if what_if is not None:
                cells += [
                    format_count(what_if.backlog[row]),
                    format_count(what_if.over_six_months[row]),
                ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        # Each heading above its texts: the dates on the left, the numbers on the right.
        for column in range(len(headers)):
            heading = self.table.horizontalHeaderItem(column)
            side = Qt.AlignmentFlag.AlignRight if column else Qt.AlignmentFlag.AlignLeft
            if heading is not None:
                heading.setTextAlignment(side | Qt.AlignmentFlag.AlignVCenter)
        self._fit_columns()
