"""The team lead's overview: charts of the werkvoorraad by class and service, cases past the term
and over six months, and the open work per professional (QtCharts)."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.labels import service_short
from mdbtriage.core.policy import CLASS_ORDER, Policy, load_policy
from mdbtriage.core.validation import format_count
from mdbtriage.store.database import Store
from mdbtriage.store.overview import (
    QueueFigures,
    combined,
    figures_by_team,
    load_per_professional,
)
from mdbtriage.store.queue_view import QueueEntry
from mdbtriage.store.records import list_teams
from mdbtriage.ui.appearance import SideBySide
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.session import Session

# At least 3:1 against the white chart (graphics); a label inside a bar has 4.5:1 with it.
COLOURS = ("#1f5fa8", "#a35200", "#b00020", "#5b8c3a")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return chart


def _view(chart: QChart, name: str) -> QChartView:
    view = QChartView(chart)
    view.setObjectName(name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(360, 240)
    return view


def _bar_set(
    label: str, values: list[int], colour: str, inside: bool, hatched: bool = False
) -> QBarSet:
    bar_set = QBarSet(label)
    bar_set.append([float(v) for v in values])
    bar_set.setColor(QColor(colour))
    if hatched:  # a second series told apart by its pattern too, not by colour alone
        bar_set.setBrush(QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern))
        bar_set.setBorderColor(QColor(colour))
    else:
        bar_set.setBorderColor(QColor("#ffffff"))  # stacked segments apart, whatever the colours
    # Inside a bar the label needs contrast with the bar; beyond its end, with the background.
    bar_set.setLabelColor(QColor(_INSIDE_LABEL.get(colour, "#000000") if inside else "#000000"))
    return bar_set


_INSIDE_LABEL = {
    "#1f5fa8": "#ffffff",
    "#a35200": "#ffffff",
    "#b00020": "#ffffff",
    "#5b8c3a": "#000000",
}
SMALL_SHARE = 0.03  # segments under 3% of the axis are too short to carry a label
#: A horizontal chart's room per category, in lines of its labels' font: every category's name
#: shown (Qt Charts leaves out a name that would touch the one before it) ...
CATEGORY_LINES = 1.3
#: ... and bars this share of it thick, so a number inside a bar fits its height.
HORIZONTAL_BAR_WIDTH = 0.8


def stacked_labels_fit(
    sets: list[tuple[str, list[int]]],
    axis_max: float,
    thickness: float | None = None,
    label_height: float = 0,
) -> bool:
    """Whether every non-empty segment of a stacked bar is long enough for its label and, when
    the bars' ``thickness`` is known (pixels), every bar is as thick as a label is high."""
    if thickness is not None and thickness < label_height:
        return False
    return all(v == 0 or v >= SMALL_SHARE * axis_max for _, values in sets for v in values)


def _horizontal_height(categories: int, line: int, legend: bool) -> int:
    """The least height of a horizontal bar chart's view that gives every category its
    CATEGORY_LINES of room: the plot plus the title, the value axis, the legend and margins."""
    chrome = 40 + 3 * line + (16 + line if legend else 0)
    return math.ceil(categories * CATEGORY_LINES * line) + chrome


class OverzichtView(QWidget):
    """Charts for one team or all teams, from the werkvoorraad as last computed."""

    def __init__(
        self,
        store: Store,
        session: Session,
        parent: Any = None,
        policy: Policy | None = None,
        events: StoreEvents | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.events = events or StoreEvents(self)
        self.policy = policy or load_policy()
        six_label = self.policy.six_months_label
        self.by_team: dict[str, QueueFigures] = {}
        self.figures = QueueFigures()
        self.load: list[tuple[str, int, int]] = []
        self.team = QComboBox(objectName="overzicht_team")
        self.team.addItem("Alle teams", None)
        for team in list_teams(store):
            self.team.addItem(team.name, team.team_id)
        self.team.setCurrentIndex(max(0, self.team.findData(session.team)))
        self.team.currentIndexChanged.connect(lambda _i: self.refresh())
        self.summary = QLabel(objectName="overzicht_summary")
        self.summary.setWordWrap(True)
        self.empty = QLabel(
            "Nog geen zaken in de werkvoorraad: er is niets om te tonen. Importeer zaken of laad "
            "demogegevens.",
            objectName="overzicht_empty",
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.class_chart = _chart("Werkvoorraad per klasse")
        self.service_chart = _chart("Werkvoorraad per dienst")
        self.term_chart = _chart(f"Na de wettelijke termijn en {six_label}, per klasse")
        self.load_chart = _chart("Openstaand werk per professional")
        # Two charts side by side while each has room for its title and labels, one under the
        # other with large text or in a narrow window; the page then scrolls down.
        lines = self.fontMetrics().lineSpacing()
        wide = self.fontMetrics().horizontalAdvance(self.term_chart.title()) + 4 * lines
        self.least_height = max(240, lines * 13)
        self.views: dict[QChart, QChartView] = {}
        # The stacked chart's labels, shown or not once its plot's size is known.
        self._stacked: dict[QChart, tuple[QAbstractBarSeries, list[tuple[str, list[int]]]]] = {}
        grid = QVBoxLayout()
        for pair in (
            (_view(self.class_chart, "class_chart"), _view(self.term_chart, "term_chart")),
            (_view(self.service_chart, "service_chart"), _view(self.load_chart, "load_chart")),
        ):
            row = SideBySide()
            for view in pair:
                view.setMinimumSize(max(360, wide), self.least_height)
                self.views[view.chart()] = view
                row.addWidget(view, 1)
            grid.addWidget(row, 1)
        self.load_chart.plotAreaChanged.connect(
            lambda area: self._fit_stacked_labels(self.load_chart, area)
        )
        content = QWidget()
        content.setLayout(grid)
        self.charts = QScrollArea(objectName="overzicht_charts")
        self.charts.setWidgetResizable(True)
        self.charts.setFrameShape(QFrame.Shape.NoFrame)
        self.charts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.charts.setWidget(content)
        # The charts' numbers as a table: for the keyboard, a screen reader and large text.
        self.rows: list[tuple[str, str, str, int]] = []
        self.table = QTableWidget(0, 4, objectName="overzicht_table")
        self.table.setHorizontalHeaderLabels(["Grafiek", "Categorie", "Reeks", "Aantal"])
        self.table.setAccessibleName("Cijfers van de grafieken")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.as_table = QCheckBox("&Cijfers als tabel", objectName="overzicht_as_table")
        self.as_table.toggled.connect(lambda _on: self._show_view())

        top = QHBoxLayout()
        top.addWidget(QLabel("Tea&m:", buddy=self.team))
        top.addWidget(self.team)
        top.addWidget(self.summary, 1)
        top.addWidget(self.as_table)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.charts, 1)
        layout.addWidget(self.table, 1)
        self.refresh()
        # The werkvoorraad's figures come with set_figures; the work per professional is read
        # here, from the tasks.
        self.events.changed.connect(self._store_changed)

    def _store_changed(self, changes: Changes) -> None:
        if changes.touches("tasks", "staff"):
            self.refresh()

    def set_entries(self, entries: list[QueueEntry]) -> None:
        """Count the figures from werkvoorraad rows (a pass over all of them)."""
        self.set_figures(figures_by_team(entries))

    def set_figures(self, by_team: dict[str, QueueFigures]) -> None:
        """The figures per team as counted where the werkvoorraad was computed."""
        self.by_team = by_team
        self.refresh()

    def current_team(self) -> str | None:
        data = self.team.currentData()
        return str(data) if data is not None else None

    def refresh(self) -> None:
        team = self.current_team()
        self.figures = f = (
            self.by_team.get(team, QueueFigures()) if team else combined(self.by_team.values())
        )
        self.load = load_per_professional(self.store, team)
        has_data = f.total > 0
        self.empty.setVisible(not has_data)
        self.rows = []
        overdue = sum(f.overdue_by_class.values())
        six = sum(f.six_months_by_class.values())
        self.summary.setText(
            f"{format_count(f.total)} open zaken, waarvan {format_count(overdue)} na de wettelijke termijn "
            f"en {format_count(six)} {self.policy.six_months_label}."
        )
        self._bars(
            self.class_chart,
            list(CLASS_ORDER),
            [("zaken", [f.by_class[k] for k in CLASS_ORDER])],
            horizontal=False,
        )
        services = [s for s, _ in f.by_service.most_common()]
        self._bars(
            self.service_chart,
            [service_short(s) for s in services],
            [("zaken", [f.by_service[s] for s in services])],
            horizontal=True,
        )
        self._bars(
            self.term_chart,
            list(CLASS_ORDER),
            [
                ("na de termijn", [f.overdue_by_class[k] for k in CLASS_ORDER]),
                (self.policy.six_months_label, [f.six_months_by_class[k] for k in CLASS_ORDER]),
            ],
            horizontal=False,
        )
        names = [name for name, _, _ in reversed(self.load)]
        self._bars(
            self.load_chart,
            names,
            [
                ("open taken", [o for _, o, _ in reversed(self.load)]),
                ("te accorderen", [a for _, _, a in reversed(self.load)]),
            ],
            horizontal=True,
            stacked=True,
        )
        self.load_chart.setTitle(
            "Openstaand werk per professional"
            if self.load
            else "Openstaand werk per professional: nog geen taken toegewezen"
        )
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(format_count(value) if isinstance(value, int) else value)
                if isinstance(value, int):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self._show_view()

    def _show_view(self) -> None:
        """The charts, or their numbers as a table (Cijfers als tabel)."""
        has_data = self.figures.total > 0
        self.charts.setVisible(has_data and not self.as_table.isChecked())
        self.table.setVisible(has_data and self.as_table.isChecked())

    def _bars(
        self,
        chart: QChart,
        categories: list[str],
        sets: list[tuple[str, list[int]]],
        *,
        horizontal: bool,
        stacked: bool = False,
    ) -> None:
        self._stacked.pop(chart, None)
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        for label, values in sets:
            self.rows += [
                (chart.title(), c, label, v) for c, v in zip(categories, values, strict=True)
            ]
        if horizontal:
            series: Any = QHorizontalStackedBarSeries() if stacked else QHorizontalBarSeries()
            series.setBarWidth(HORIZONTAL_BAR_WIDTH)
        else:
            series = QBarSeries()
        for i, (label, values) in enumerate(sets):
            colour = COLOURS[i % len(COLOURS)]
            # Side by side (not stacked, labels beyond the bars), every other series is hatched.
            hatched = not stacked and i % 2 == 1
            series.append(_bar_set(label, values, colour, inside=stacked, hatched=hatched))
        chart.addSeries(series)
        category_axis = QBarCategoryAxis()
        category_axis.append(categories)
        category_axis.setTruncateLabels(False)  # names whole, not "…"
        value_axis = QValueAxis()
        value_axis.setLabelFormat("%d")
        top = (
            max((sum(col) for col in zip(*(v for _, v in sets), strict=False)), default=0)
            if stacked
            else max((max(v, default=0) for _, v in sets), default=0)
        )
        value_axis.setRange(0, max(1, int(top * 1.15) + 1))
        value_axis.applyNiceNumbers()
        if horizontal:
            # Tall enough for every category's name (the page scrolls down when needed).
            line = QFontMetrics(category_axis.labelsFont()).lineSpacing()
            view = self.views.get(chart)
            if view is not None:
                need = _horizontal_height(len(categories), line, len(sets) > 1)
                view.setMinimumHeight(max(self.least_height, need))
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(category_axis)
        series.attachAxis(value_axis)
        if stacked:
            # Segments are labelled in their middle, and only when all of them are long enough;
            # the exact numbers are always in the tooltip.
            series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsCenter)
            self._stacked[chart] = (series, sets)
            self._fit_stacked_labels(chart, chart.plotArea())
        else:
            # Beyond the end of the bar: a short bar's number never lands on the axis.
            series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
            series.setLabelsVisible(True)
        series.hovered.connect(
            lambda status, index, bar_set, names=categories: self._tip(
                status, index, bar_set, names
            )
        )
        chart.legend().setVisible(len(sets) > 1)

    def _fit_stacked_labels(self, chart: QChart, area: QRectF) -> None:
        """Numbers inside the stacked bars only where they fit: each segment long enough and
        each bar as thick as a number is high (else they are in the tooltip and in Cijfers als
        tabel)."""
        series, sets = self._stacked.get(chart, (None, []))
        if series is None or not sets:
            return
        categories = max(1, len(sets[0][1]))
        # Not laid out yet: by the segments' lengths until the plot has its size.
        thickness = area.height() / categories * series.barWidth() if area.height() > 0 else None
        label_height = max(QFontMetrics(s.labelFont()).height() for s in series.barSets())
        axis_max = max((a.max() for a in chart.axes() if isinstance(a, QValueAxis)), default=1.0)
        fits = stacked_labels_fit(sets, axis_max, thickness, label_height)
        if series.isLabelsVisible() != fits:
            series.setLabelsVisible(fits)

    def _tip(self, status: bool, index: int, bar_set: QBarSet, names: list[str]) -> None:
        if not status or not 0 <= index < len(names):
            QToolTip.hideText()
            return
        QToolTip.showText(
            QCursor.pos(),
            f"{names[index]}: {format_count(int(bar_set.at(index)))} {bar_set.label()}",
        )
