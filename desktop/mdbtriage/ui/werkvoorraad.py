"""The werkvoorraad screen: the queue in policy order, filters, search, reasons and CSV export.

It follows the window's store events, keeping the selected case and the scroll position: a
change that names its cases (an edit, an assignment, a colleague's commit on the office store)
reads those cases only and puts their rows in place; a change of unknown or many cases, or of
staff, reads the whole queue again in the background."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QShortcut,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.model import CASE_STATUSES, ROLES, SERVICES
from mdbtriage.core.policy import Policy
from mdbtriage.core.validation import format_count, format_date
from mdbtriage.store import queue_view
from mdbtriage.store.database import Store, db_errors
from mdbtriage.store.overview import QueueFigures, figures_by_team, update_figures
from mdbtriage.store.queue_view import (
    IN_PLACE_LIMIT,
    PREVIEW_ROWS,
    QueueEntry,
    cases_to_update,
    export_queue,
    load_preview,
    load_queue,
    load_team_preview,
    open_counts,
    queue_entries,
    record_search,
    whole_positions,
)
from mdbtriage.store.records import list_teams
from mdbtriage.ui.appearance import FlowLayout
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.queue_model import (
    COLUMN_KEYS,
    COLUMNS,
    SIGNALS,
    QueueFilter,
    QueueModel,
    add_frozen_rows,
    frozen_model,
    set_expected_weeks,
    set_team_names,
    signal_icon,
)
from mdbtriage.ui.session import Session
from mdbtriage.ui.worker import Progress, release_in_background, run_in_background

# What a typical (not the widest) value of a column looks like; longer values are elided and
# shown whole in the reasons pane, the tooltip or the dossier.
COLUMN_SAMPLES = {
    "position": "250000",
    "service": "wijziging gezondheid",
    "case_ref": "Z26-000000",
    "client": "Anna van der Veen",
    "signals": "te laat, > 6 mnd",
    "bsn": "******000",
    "received": "00-00-0000",
    "status": "in behandeling",
    "next_task": "spreekuur → Anna de",
    "team": "SMC Utrecht 1",
    "expected": "wk van 00-00-0000",
}
# What the long values of a column look like: on a wide screen these columns grow to show them
# whole, in this order: the client's name first (who it is), then the next task with who has it,
# then the signals (their icon says the most urgent one already); the client's name takes what
# is left.
WIDE_SAMPLES = {
    "client": "Marieke van der Leeuwen-Jansen",
    "next_task": "arbeidskundig onderzoek → Anna van der Veen",
    "signals": "te laat, > 6 mnd, ingebrekestelling, …",
}
# Route and regie are in the reasons pane, the masked BSN there and in the dossier (a full BSN
# can still be searched); they stay available in the header's menu.
# Langer dan zes maanden is one of the signals; the date received is in the reasons pane and
# the waiting time says it in weeks.
# The forecast's expected week is one click away in the header's menu (and in the dossier).
HIDDEN_BY_DEFAULT = frozenset({"route", "lead", "bsn", "six_months", "received", "expected"})


def class_choices(policy: Policy) -> dict[str, str]:
    """The filter's classes with the policy's own labels."""
    return {code: f"{code}: {label}" for code, label in policy.class_labels.items()}


def route_choices(policy: Policy) -> dict[str, str]:
    """The filter's routes with the policy's own names, in precedence order."""
    return {code: f"{code}: {name}" for code, name in policy.route_names().items()}


@dataclass(slots=True)
class QueueLoad:
    """What the worker hands to the GUI thread: the rows, the overview's figures per team and
    the rows by case reference (so that no pass over all rows is left for the GUI thread)."""

    entries: list[QueueEntry]
    by_team: dict[str, QueueFigures]
    by_ref: dict[str, QueueEntry]


@dataclass(slots=True)
class TeamQueue:
    """The whole werkvoorraad of the team in view, handed over before the other teams': in
    the order of the whole werkvoorraad, searchable, filterable and sortable at once; its
    positions among all teams follow (:class:`TeamPositions`)."""

    team: str
    entries: list[QueueEntry]
    by_ref: dict[str, QueueEntry]


@dataclass(slots=True)
class TeamPositions:
    """The positions among all teams of the open cases of ``team`` (by case reference)."""

    team: str
    positions: dict[str, int]


Partial = list[QueueEntry] | TeamQueue | TeamPositions


def compute_queue(
    store_path: Path,
    on: date,
    policy: Policy,
    progress: Progress | None = None,
    preview: Callable[[Partial], None] | None = None,
    team: str | None = None,
) -> QueueLoad:
    """The werkvoorraad computed on a connection of its own (for a worker thread). With
    ``preview``, a first part is handed to it first: the first rows overall (read on their own
    in some 0.1 s), or, when the team in view (``team``) holds less than half of the open cases
    (a store of many teams, whose first rows overall would hold few of it), that team's whole
    werkvoorraad (a :class:`TeamQueue`: some 0.05 s for a team in a store of 250,000 cases)
    and then its positions among all teams (:class:`TeamPositions`: one numbering of every open
    case by the database, some 0.7 s there); then the whole of it is returned."""
    report = progress or (lambda _percent, _text: None)
    with Store.open(store_path) as store:
        if preview is not None:
            own_open, all_open = open_counts(store, team) if team is not None else (0, 0)
            if team is not None and all_open > PREVIEW_ROWS and 2 * own_open < all_open:
                report(2, "werkvoorraad van het eigen team lezen")
                own = load_preview(store, on, policy, team, None)
                preview(TeamQueue(team, own, {e.case_ref: e for e in own}))
                report(3, "plaats onder alle teams bepalen")
                preview(TeamPositions(team, whole_positions(store, policy, team, on)))
            else:
                report(2, "eerste zaken lezen")
                preview(load_preview(store, on, policy))
        entries = load_queue(store, on, policy, progress=report)
    report(97, "cijfers per team tellen")
    return QueueLoad(entries, figures_by_team(entries), {e.case_ref: e for e in entries})


class _Combo(QComboBox):
    """A filter choice whose first item means 'all'."""

    def __init__(self, all_text: str, items: dict[str, str], name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.addItem(all_text, None)
        for code, label in items.items():
            self.addItem(label, code)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 24)

    def value(self) -> str | None:
        data = self.currentData()
        return str(data) if data is not None else None

    def choose(self, code: str | None) -> None:
        index = self.findData(code)
        self.setCurrentIndex(max(index, 0))


class _SearchEdit(QLineEdit):
    """The search box; Esc clears the search and every filter."""

    escaped = Signal()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class WerkvoorraadView(QWidget):
    """The queue table with its filter bar and the reasons of the selected case."""

    open_case = Signal(str)
    loaded = Signal(int)
    # Rows of changed cases were put in place (how many cases were read), without a full read.
    updated = Signal(int)
    preview_shown = Signal(int)
    team_ready = Signal(int)  # the team in view complete (searchable …) before the others
    team_numbered = Signal(int)  # … and then numbered among all teams
    expected_ready = Signal()
    SEARCH_DELAY_MS = 150
    # The first rows are copied into the table a screenful at a time (each step some 10 ms of
    # the GUI thread, while the worker competes for the interpreter).
    PREVIEW_STEP = 25
    LOG_SEARCH_DELAY_MS = 1500
    FORECAST_DELAY_MS = 2000

    def __init__(
        self,
        store: Store,
        session: Session,
        policy: Policy,
        on: date,
        parent: Any = None,
        events: StoreEvents | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.policy = policy
        self.on = on
        self.events = events or StoreEvents(self)
        self.model = QueueModel(self)
        self._loading = False
        self._reload_again = False
        self._keep_after_reload: str | None = None
        self._keep_view_again = True
        self._active = True
        self.figures_by_team: dict[str, QueueFigures] = {}
        self._logged_search = ""
        # The first rows, shown (from a frozen copy) while the whole werkvoorraad is computed.
        self._preview: list[QueueEntry] = []
        self._partial_team: str | None = None  # only this team's rows are in, the rest follows
        self.preview_model: QStandardItemModel | None = None

        self.klasse = _Combo("Alle klassen", class_choices(policy), "filter_klasse")
        self.service = _Combo("Alle diensten", dict(SERVICES), "filter_service")
        self.route = _Combo("Alle routes", route_choices(policy), "filter_route")
        self.lead = _Combo(
            "Alle regierollen",
            {code: f"{code}: {name}" for code, name in ROLES.items()},
            "filter_lead",
        )
        self.team = _Combo("Alle teams", {}, "filter_team")
        self.status = _Combo("Alle statussen", dict(CASE_STATUSES), "filter_status")
        self.status.removeItem(self.status.findData("afgerond"))
        self.signal = _Combo("Alle signalen", {s.key: s.label for s in SIGNALS}, "filter_signal")
        for combo, title in (
            (self.klasse, "Filter op klasse"),
            (self.service, "Filter op dienst"),
            (self.route, "Filter op route"),
            (self.lead, "Filter op regierol"),
            (self.team, "Filter op team"),
            (self.status, "Filter op status"),
            (self.signal, "Filter op signaal"),
        ):
            combo.setAccessibleName(title)
        for i, queue_signal in enumerate(SIGNALS, start=1):
            self.signal.setItemIcon(i, signal_icon(queue_signal))
        self.search = _SearchEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName("Zoeken op naam, zaaknummer of BSN")
        self.search.setPlaceholderText("Zoek op naam, zaaknummer of BSN (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.count = QLabel()
        self.count.setObjectName("count")
        # Wide enough for its longest text, so "… 40%" is never cut to "… 40°".
        self.count.setMinimumWidth(
            self.fontMetrics().horizontalAdvance("250.000 van 250.000 zaken op 00-00-0000")
        )
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # The werkvoorraad opens on the person's own team; all teams are one click away.
        self.all_teams = QPushButton()
        self.all_teams.setObjectName("all_teams")
        self.all_teams.clicked.connect(self._toggle_all_teams)
        self.all_teams.setAccessibleDescription("Wisselt tussen uw eigen team en alle teams")

        # The filters wrap onto a second line in a narrow window or with large text.
        self.filter_bar = QWidget(objectName="filter_bar")
        filters = FlowLayout(self.filter_bar)
        for widget in (
            self.klasse,
            self.service,
            self.route,
            self.lead,
            self.team,
            self.status,
            self.signal,
        ):
            filters.addWidget(widget)
            widget.currentIndexChanged.connect(self._apply_filter)
            if widget is self.team:
                filters.addWidget(self.all_teams)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        self.banner = QLabel()
        self.banner.setObjectName("preview_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #fff4d6; border: 1px solid #e0c060; padding: 4px 8px; }"
        )
        self.banner.hide()

        self.table = QTableView()
        self.table.setObjectName("queue_table")
        # Its columns are the person's choice (Beeld › Kolommen): with many of them shown and
        # large text it may scroll sideways.
        self.table.setProperty("chosen_columns", True)
        self.table.setAccessibleName("Werkvoorraad")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        # The client's name takes the room a wide screen leaves (not the last column, Team),
        # and never less than a typical name.
        header.setStretchLastSection(False)
        self._base_widths: dict[int, int] = {}
        self._user_sized: set[int] = set()
        self._filling_width = False
        header.sectionResized.connect(self._section_resized)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self._default_columns()
        self.table.activated.connect(self._open_index)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._show_reasons)
        self._filter_widgets: tuple[QWidget, ...] = (
            self.search,
            self.klasse,
            self.service,
            self.route,
            self.lead,
            self.team,
            self.status,
            self.signal,
        )

        self.empty = QLabel()
        self.empty.setObjectName("empty_state")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.loading_page = self._loading_page()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.loading_page)

        self.reasons = QTextBrowser()
        self.reasons.setObjectName("reasons")
        self.reasons.setAccessibleName("Waarom deze prioriteit")
        self.reasons.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 26)
        # A list's indent of one character, not Qt's 40 pixels: the pane is narrow.
        self.reasons.document().setIndentWidth(self.fontMetrics().horizontalAdvance("M"))
        self.reasons.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.stack)
        splitter.addWidget(self.reasons)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1150, 190])  # the table takes what the reasons pane leaves
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self._log_timer = QTimer(self, singleShot=True, interval=self.LOG_SEARCH_DELAY_MS)
        self._log_timer.timeout.connect(self._log_search)
        # The forecast's weeks again once changes put in place have settled.
        self._forecast_timer = QTimer(self, singleShot=True, interval=self.FORECAST_DELAY_MS)
        self._forecast_timer.timeout.connect(self._forecast_expected)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        self.search.escaped.connect(self.clear_filters)
        self.search.returnPressed.connect(self._search_enter)
        self._fill_teams()
        self.team.choose(self.own_team())
        self.model.set_filter(self.current_filter())
        self._update_team_button()
        self._show_reasons(QModelIndex())
        self._update_state()
        self.events.changed.connect(self._store_changed)

    # Loading ----------------------------------------------------------------------------------

    def _store_changed(self, changes: Changes) -> None:
        """Bring the queue up to date after a change: the rows of the cases it names in place
        when it names them, otherwise by reading it again. A case this window's own menus
        changed (a new case, an assignment) is selected and shown; otherwise the selection and
        the scroll position stay."""
        if not self._active or not changes.touches("cases", "tasks", "meetings", "staff"):
            return
        own = None
        if changes.origin is self.window() and len(changes.cases) == 1:
            own = next(iter(changes.cases))
        if self.update_in_place(changes, select=own):
            return
        if own is not None:
            self.reload(keep_case=own)
        else:
            self.reload(keep_view=True)

    def update_in_place(self, changes: Changes, select: str | None = None) -> bool:
        """Put the rows of the cases ``changes`` names in place (read on the store's own
        connection: a few milliseconds for a few cases), keeping the selected case and the
        first row in view, or selecting and showing ``select``. Whether that was done; not
        when the keys are unknown, staff changed (their names are in the next tasks), more
        than ``IN_PLACE_LIMIT`` cases changed, or the whole queue is not in yet."""
        if (
            changes.unknown
            or changes.staff
            or self._loading
            or self._preview
            or not self.model.all_entries()
        ):
            return False
        if not changes.cases and not changes.tasks:
            return True  # an MDB's own data: nothing the werkvoorraad shows
        try:
            refs = cases_to_update(
                self.store, changes.cases, changes.tasks, self.model.shown_clients
            )
            if len(refs) > IN_PLACE_LIMIT:
                return False
            fresh = queue_entries(self.store, self.on, self.policy, refs)
        except db_errors():
            return False  # read again whole, where a failure is shown
        keep = select or self.current_case()
        top_case, top_row = self._top_case(), self.table.rowAt(0)
        merge = self.model.update_entries(refs, fresh)
        update_figures(self.figures_by_team, merge.removed, merge.added)
        self._update_state()
        if keep:
            self.select_case(keep, scroll=select is not None)
        if select is None and top_row >= 0 and self.model.rowCount():
            row = self.model.row_of(top_case) if top_case is not None else None
            row = min(top_row, self.model.rowCount() - 1) if row is None else row
            if row != self.table.rowAt(0):
                self.table.scrollTo(self.model.index(row, 0), QTableView.ScrollHint.PositionAtTop)
        self._show_reasons(self.table.currentIndex())
        self.updated.emit(len(refs))
        self._forecast_timer.start()
        return True

    def reload(self, keep_case: str | None = None, *, keep_view: bool = False) -> None:
        """Recompute the werkvoorraad in the background; the table stays usable meanwhile.
        ``keep_view``: the selected case stays selected and the first row in view stays at the
        top, instead of the selected case being scrolled to.

        A reload asked for while one runs is done once that one is in (its data may be older
        than the change that asked)."""
        if self._loading:
            self._keep_view_again = self._keep_view_again and keep_view and not keep_case
            self._reload_again = True
            if keep_case:
                self._keep_after_reload = keep_case
            return
        self._loading = True
        self._reload_again = False
        self.progress.setValue(0)
        self.progress_text.setText("")
        if not self.model.all_entries():
            self.stack.setCurrentWidget(self.loading_page)
        self.count.setText("bezig met berekenen…")
        path, on, policy = self.store.path, self.on, self.policy
        if keep_case is None:
            keep_case = self.current_case()
        top_case = self._top_case() if keep_view else None
        # Nothing to show yet: the first rows first, while the rest is computed.
        with_preview = not self.model.all_entries() and not self._preview

        def done(result: QueueLoad) -> None:
            nonlocal top_case
            self._loading = False
            if not self._active:
                dropped, result.entries, result.by_ref = [result.entries], [], {}
                release_in_background(dropped)
                return
            previous = [self.model.all_entries()]
            self.figures_by_team = result.by_team
            keep, top_row = self._keep_after_reload or keep_case, None
            if self._preview:  # what the user picked and where they looked in the first rows
                keep = self.current_case() or keep
                top_row = self.table.rowAt(0)
            if self._partial_team is not None:  # the same, in the team's whole werkvoorraad
                keep = self.current_case() or keep
                top_case = self._top_case()
            self.model.set_entries(result.entries, result.by_ref)
            self._end_preview()
            self._end_team_queue()
            self._fill_teams()
            self._update_state()
            again = self._reload_again
            self._keep_after_reload = None
            if keep:
                self.select_case(keep, scroll=top_row is None and top_case is None)
            if top_case is not None and top_row is None:
                top_row = self.model.row_of(top_case)
            if top_row is not None and top_row >= 0:
                self.table.scrollTo(
                    self.model.index(top_row, 0), QTableView.ScrollHint.PositionAtTop
                )
            self.loaded.emit(self.model.total())
            release_in_background(previous)
            self._forecast_expected()
            if again:
                keep_view_again, self._keep_view_again = self._keep_view_again, True
                self.reload(keep_case=None if keep_view_again else keep, keep_view=keep_view_again)

        def failed(error: BaseException) -> None:
            self._loading = False
            if not self._active:
                return
            self._end_preview()
            if self._partial_team is not None:  # one team's rows are not the werkvoorraad
                previous = [self.model.all_entries()]
                self.model.set_entries([], {})
                release_in_background(previous)
            self._end_team_queue()
            self.empty.setText(f"De werkvoorraad kon niet worden berekend: {error}")
            self.stack.setCurrentWidget(self.empty)
            self.count.setText("")

        def progress(percent: int, text: str) -> None:
            if not self._active:
                return
            self.progress.setValue(percent)
            self.progress_text.setText(text[:1].upper() + text[1:] + "…")
            if self.model.all_entries() or self._preview:
                self.count.setText(f"bezig met berekenen… {percent}%")

        def preview(entries: Partial) -> None:
            if isinstance(entries, TeamPositions):
                if self._active and self._loading:
                    self._number_team_queue(entries)
                return
            if not (self._active and self._loading) or self.model.all_entries():
                return
            if isinstance(entries, TeamQueue):
                self._show_team_queue(entries)
            else:
                self._show_preview(entries)

        team = self.team.value()

        def work(report: Progress, partial: Callable[[Partial], None]) -> QueueLoad:
            return compute_queue(path, on, policy, report, partial if with_preview else None, team)

        run_in_background(work, done, failed, progress, self, on_partial=preview, reads_only=True)

    def _forecast_expected(self) -> None:
        """The 'Verwacht klaar' column for the cases of the own team: the team's forecast,
        computed on a connection of its own once the werkvoorraad is in."""
        path, on, policy, team = self.store.path, self.on, self.policy, self.session.team

        def work(_progress: Progress) -> dict[str, date | None]:
            from mdbtriage.store.forecast import expected_weeks

            with Store.open(path) as store:
                return expected_weeks(store, team, on, policy)

        def done(weeks: dict[str, date | None]) -> None:
            if self._active:
                set_expected_weeks(weeks)
                self.model.column_changed("expected")
                self.expected_ready.emit()

        run_in_background(work, done, lambda _error: None, parent=self)

    def _show_preview(self, entries: list[QueueEntry]) -> None:
        """Show the first rows of the werkvoorraad until the whole of it is in: a frozen copy
        (drawn without Python while the worker computes), with search, filters and sorting
        waiting for the whole queue."""
        # The first rows of the teams in view (the own team, unless all teams were chosen).
        entries = QueueFilter(team=self.team.value()).apply(entries)
        if not entries:
            return
        self._preview = entries
        self.preview_model = frozen_model(entries[: self.PREVIEW_STEP], self)
        self.table.setSortingEnabled(False)  # before the swap: the copy is never sorted
        self._set_table_model(self.preview_model)
        self.table.horizontalHeader().setSectionsClickable(False)
        waiting = "Beschikbaar zodra de hele werkvoorraad berekend is"
        for widget in self._filter_widgets:
            widget.setEnabled(False)
            widget.setToolTip(waiting)
        self.banner.setText(
            f"Werkvoorraad wordt berekend… (eerste {format_count(len(entries))} zaken getoond). "
            "Zoeken, filteren en sorteren kan zodra alle zaken er zijn."
        )
        self.banner.show()
        self._show_reasons(QModelIndex())
        self._update_state()
        self.preview_shown.emit(len(entries))
        QTimer.singleShot(0, self._grow_preview)

    def _show_team_queue(self, load: TeamQueue) -> None:
        """The team in view is complete before the other teams (it comes instead of the first
        rows overall): it goes into the real table, where search, filters and sorting work on
        it at once; only choosing another team waits for the rest."""
        if self.team.value() != load.team:
            return
        self.model.set_entries(load.entries, load.by_ref)
        self.model.positions_pending = True
        self._partial_team = load.team
        waiting = "Andere teams zodra de hele werkvoorraad berekend is"
        for widget in (self.team, self.all_teams):
            widget.setEnabled(False)
            widget.setToolTip(waiting)
        self._team_banner(len(load.entries), "De plaats onder alle teams en de andere teams")
        self.banner.show()
        self._update_state()
        self.team_ready.emit(len(load.entries))

    def _team_banner(self, rows: int, waiting: str) -> None:
        name = self.team.itemText(self.team.findData(self._partial_team))
        self.banner.setText(
            f"De werkvoorraad van {name} is compleet ({format_count(rows)} zaken): zoeken, filteren "
            f"en sorteren kan. {waiting} worden nog berekend…"
        )

    def _number_team_queue(self, numbers: TeamPositions) -> None:
        """The positions among all teams of the team's rows in view: put in their column (the
        order stays, it was that of the whole werkvoorraad already). A case closed between the
        two reads has no position: its row goes, the selection and the first row in view stay."""
        if self._partial_team != numbers.team or not self.model.positions_pending:
            return
        positions = numbers.positions
        entries = self.model.all_entries()
        for entry in entries:
            position = positions.get(entry.case_ref)
            if position is not None:
                entry.position = position
        kept = [e for e in entries if e.case_ref in positions]
        if len(kept) < len(entries):
            keep, top_case = self.current_case(), self._top_case()
            self.model.set_entries(kept, {e.case_ref: e for e in kept})
            if keep:
                self.select_case(keep, scroll=False)
            top_row = self.model.row_of(top_case) if top_case is not None else None
            if top_row is not None and top_row >= 0:
                self.table.scrollTo(
                    self.model.index(top_row, 0), QTableView.ScrollHint.PositionAtTop
                )
        self.model.positions_pending = False
        self.model.column_changed("position")
        self._team_banner(len(kept), "De andere teams")
        self._show_reasons(self.table.currentIndex())
        self._update_state()
        self.team_numbered.emit(len(kept))

    def _end_team_queue(self) -> None:
        """Every team is in (or the work failed): the team choice is free again."""
        if self._partial_team is None:
            return
        self._partial_team = None
        self.team.setEnabled(True)
        self.team.setToolTip("")
        self.all_teams.setToolTip("")
        self._update_team_button()
        self.banner.hide()

    def _grow_preview(self) -> None:
        """Copy the next screenful of the first rows into the table."""
        model = self.preview_model
        if model is None or model.rowCount() >= len(self._preview):
            return
        start = model.rowCount()
        add_frozen_rows(model, self._preview[start : start + self.PREVIEW_STEP])
        QTimer.singleShot(0, self._grow_preview)

    def _end_preview(self) -> None:
        """Back to the full model (after the whole queue is in, or the work failed)."""
        if self.preview_model is None:
            return
        self._set_table_model(self.model)
        self.table.horizontalHeader().setSectionsClickable(True)
        self.table.setSortingEnabled(True)
        for widget in self._filter_widgets:
            widget.setEnabled(True)
            widget.setToolTip("")
        self.banner.hide()
        self.preview_model.deleteLater()
        self.preview_model = None
        self._preview = []

    def _set_table_model(self, model: QueueModel | QStandardItemModel) -> None:
        """Put a model into the table, keeping the columns as they are (order, widths, hidden
        ones, sort indicator)."""
        header = self.table.horizontalHeader()
        state = header.saveState()
        old_selection = self.table.selectionModel()
        self.table.setModel(model)
        self._filling_width = True
        try:
            header.restoreState(state)
        finally:
            self._filling_width = False
        self.table.selectionModel().currentRowChanged.connect(self._show_reasons)
        if old_selection is not None:
            old_selection.deleteLater()

    def _loading_page(self) -> QWidget:
        """Shown until the first werkvoorraad is in: what is happening and how far it is."""
        page = QWidget()
        page.setObjectName("loading_page")
        box = QWidget(page)
        box.setMinimumWidth(420)
        title = QLabel("<h3>Werkvoorraad wordt berekend…</h3>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar(objectName="loading_progress")
        self.progress.setRange(0, 100)
        self.progress_text = QLabel(objectName="loading_text")
        self.progress_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel(
            "Alle open zaken worden volgens het beleid gerangschikt.\n"
            "Bij een grote werkvoorraad duurt dat enkele seconden;\n"
            "het venster blijft intussen bruikbaar (Mijn taken, Team, menu's)."
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(self.progress)
        inner.addWidget(self.progress_text)
        inner.addSpacing(8)
        inner.addWidget(hint)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def deactivate(self) -> None:
        """The window closes: results of work still running are dropped."""
        self._active = False
        self._log_timer.stop()
        self._search_timer.stop()
        self._forecast_timer.stop()

    def own_team(self) -> str | None:
        """The signed-in person's team, when it is one of the store's teams."""
        return self.session.team if self.team.findData(self.session.team) > 0 else None

    def _toggle_all_teams(self) -> None:
        """One click between the own team and all teams."""
        own = self.own_team()
        self.team.choose(None if self.team.value() is not None or own is None else own)

    def _update_team_button(self) -> None:
        own = self.own_team()
        if self.team.value() is None and own is not None:
            self.all_teams.setText(f"Alleen {self.team.itemText(self.team.findData(own))}")
            self.all_teams.setToolTip("Alleen de zaken van uw eigen team tonen")
        else:
            self.all_teams.setText("Alle teams")
            self.all_teams.setToolTip("De zaken van alle teams tonen")
        # Only the team in view is in yet: the other teams wait for the whole queue.
        self.all_teams.setEnabled(
            self._partial_team is None and (self.team.value() is not None or own is not None)
        )

    def _fill_teams(self) -> None:
        current = self.team.value()
        self.team.blockSignals(True)
        while self.team.count() > 1:
            self.team.removeItem(1)
        teams = list_teams(self.store)
        set_team_names({t.team_id: t.name for t in teams})
        for team in teams:
            label = team.team_id if team.name == team.team_id else f"{team.name}"
            self.team.addItem(label, team.team_id)
        self.team.choose(current)
        self.team.blockSignals(False)
        # The Team column as wide as the widest team shown in it (there are only a few).
        column = COLUMN_KEYS.index("team")
        widest = max(
            (self.table.fontMetrics().horizontalAdvance(t.name) + 12 for t in teams), default=0
        )
        if widest > self.table.columnWidth(column):
            self._filling_width = True
            try:
                self.table.setColumnWidth(column, widest)
            finally:
                self._filling_width = False

    # Filtering and search ---------------------------------------------------------------------

    def current_filter(self) -> QueueFilter:
        return QueueFilter(
            klasse=self.klasse.value(),
            service=self.service.value(),
            route=self.route.value(),
            lead_role=self.lead.value(),
            team=self.team.value(),
            status=self.status.value(),
            signal=self.signal.value(),
            text=self.search.text(),
        )

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        self._update_team_button()
        keep = self.current_case()
        self.model.set_filter(self.current_filter())
        self._update_state()
        if keep:
            self.select_case(keep, scroll=False)
        if self.search.text().strip():
            self._log_timer.start()

    def apply_filter_now(self) -> None:
        """Apply pending typing at once (Enter in the search box, and tests)."""
        self._apply_filter()

    def _search_enter(self) -> None:
        self._apply_filter()
        if self.model.rowCount() and not self.current_case():
            self.table.selectRow(0)
        self.table.setFocus()

    def _log_search(self) -> None:
        text = self.search.text().strip()
        if not text or text == self._logged_search:
            return
        self._logged_search = text
        record_search(self.store, self.session.actor, text, self.model.rowCount())

    def clear_filters(self) -> None:
        """Every filter back to its start: all classes, services, … and the own team."""
        for combo in (
            self.klasse,
            self.service,
            self.route,
            self.lead,
            self.team,
            self.status,
            self.signal,
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.team.blockSignals(True)
        # While only one team's rows are in, the team choice stays that team.
        self.team.choose(self._partial_team or self.own_team())
        self.team.blockSignals(False)
        self.search.clear()
        self._apply_filter()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # Selection, reasons, opening --------------------------------------------------------------

    def _shown_entries(self) -> int:
        return self.table.model().rowCount() if self._preview else self.model.rowCount()

    def _top_case(self) -> str | None:
        """The case in the first row in view of the whole werkvoorraad (not of a preview)."""
        row = self.table.rowAt(0)
        if self._preview or row < 0 or row >= self.model.rowCount():
            return None
        return self.model.entry(row).case_ref

    def _entry_at(self, row: int) -> QueueEntry:
        return self._preview[row] if self._preview else self.model.entry(row)

    def current_case(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self._shown_entries():
            return None
        return self._entry_at(index.row()).case_ref

    def select_case(self, case_ref: str, scroll: bool = True) -> bool:
        if self._preview:
            shown = self._preview[: self._shown_entries()]
            rows = [i for i, e in enumerate(shown) if e.case_ref == case_ref]
            row: int | None = rows[0] if rows else None
        else:
            row = self.model.row_of(case_ref)
        if row is None:
            return False
        model = self.table.model()
        index = model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        if scroll:
            self.table.scrollTo(index, QTableView.ScrollHint.PositionAtCenter)
        return True

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_case.emit(self._entry_at(index.row()).case_ref)

    def open_current(self) -> None:
        case_ref = self.current_case()
        if case_ref:
            self.open_case.emit(case_ref)

    def _show_reasons(self, index: QModelIndex) -> None:
        if not index.isValid():
            self.reasons.setHtml(
                "<h3>Waarom deze plek?</h3><p>Kies een zaak in de lijst om te zien waarom zij "
                "op deze plek staat. Enter opent het dossier.</p>"
            )
            return
        entry = self._entry_at(index.row())
        p = entry.placement
        place = (
            "positie onder alle teams wordt berekend"
            if self.model.positions_pending
            else f"positie {format_count(p.position)}"
        )
        items = "".join(f"<li>{_escape(r)}</li>" for r in p.reasons(self.policy))
        flags = (
            "".join(f"<li><b>{_escape(f)}</b></li>" for f in p.flags) or "<li>geen signalen</li>"
        )
        self.reasons.setHtml(
            f"<h3>{_escape(entry.case_ref)}: {place}</h3>"
            f"<p>{_escape(entry.client_name)} · {entry.bsn_masked} · "
            f"{_escape(SERVICES.get(entry.service, entry.service))}</p>"
            f"<p><b>Redenen</b></p><ul>{items}</ul><p><b>Signalen</b></p><ul>{flags}</ul>"
        )

    def _update_state(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        if self._preview:
            self.stack.setCurrentWidget(self.table)
            return
        if total == 0 and self._loading:
            self.stack.setCurrentWidget(self.loading_page)
        elif total == 0:
            self.empty.setText(
                "De werkvoorraad is leeg.\n\nImporteer zaken via Bestand › Zaken importeren "
                "(Ctrl+I) of maak een zaak aan met Bestand › Nieuwe zaak (Ctrl+N)."
            )
            self.stack.setCurrentWidget(self.empty)
        elif shown == 0 and total:
            self._show_reasons(QModelIndex())  # nothing chosen: not the last case's reasons
            self.empty.setText(
                "Geen zaken gevonden met deze filters of zoekterm.\n\n"
                "Druk op Esc in het zoekveld of kies ‘Alle …’ om de filters te wissen."
            )
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentWidget(self.table)
        if not self._loading:
            text = f"{format_count(shown)} zaken"
            if shown != total:
                text = f"{format_count(shown)} van {format_count(total)} zaken"
            self.count.setText(f"{text} op {format_date(self.on)}")

    # Columns ----------------------------------------------------------------------------------

    def _column_menu(self, pos: Any) -> None:
        menu = self.column_menu()
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """A check item per column (the first one always stays)."""
        menu = QMenu(self)
        menu.setObjectName("column_menu")
        self.fill_column_menu(menu)
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def fill_column_menu(self, menu: QMenu) -> None:
        menu.clear()
        header = self.table.horizontalHeader()
        for i, column in enumerate(COLUMNS):
            # The column's meaning in words, not only in the header's tooltip.
            text = column.title if column.tip == column.title else f"{column.title} – {column.tip}"
            action = QAction(text, menu, checkable=True)
            action.setChecked(not header.isSectionHidden(i))
            action.setEnabled(i != 0)
            action.toggled.connect(lambda on, i=i: self.set_column_visible(i, on))
            menu.addAction(action)

    def fill_sort_menu(self, menu: QMenu) -> None:
        """A choice per shown column and the direction: sorting without the header's mouse."""
        menu.clear()
        header = self.table.horizontalHeader()
        current = header.sortIndicatorSection()
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        group = QActionGroup(menu)
        for i, column in enumerate(COLUMNS):
            if header.isSectionHidden(i):
                continue
            action = QAction(column.title, menu, checkable=True)
            action.setChecked(i == current)
            action.setData(i)
            group.addAction(action)
            action.triggered.connect(lambda _on=False, i=i: self.sort_by(i))
            menu.addAction(action)
        menu.addSeparator()
        reverse = QAction("&Aflopend", menu, checkable=True, objectName="sort_descending")
        reverse.setChecked(descending)
        reverse.toggled.connect(lambda on: self.sort_by(None, descending=on))
        menu.addAction(reverse)

    def sort_by(self, column: int | None, *, descending: bool | None = None) -> None:
        """Sort on ``column`` (None: the current one), keeping the direction unless given."""
        header = self.table.horizontalHeader()
        if column is None:
            column = header.sortIndicatorSection()
        if descending is None:
            descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.sortByColumn(column, order)

    def table_menu(self) -> QMenu:
        """The table's own menu (menu key, Shift+F10 or a right click): open, sort, columns."""
        menu = QMenu(self)
        menu.setObjectName("table_menu")
        menu.addAction("Dossier &openen", self.open_current)
        self.fill_sort_menu(menu.addMenu("&Sorteren op"))
        self.fill_column_menu(menu.addMenu("&Kolommen"))
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def _table_menu(self, pos: Any) -> None:
        self.table_menu().popup(self.table.viewport().mapToGlobal(pos))

    def _default_columns(self) -> None:
        """Widths from the font (a typical value, or the title when it is wider) and the less
        used columns hidden, so that the default view fits a 1366 pixel wide screen."""
        self._filling_width = True  # not the person's choice
        try:
            self._set_default_widths()
        finally:
            self._filling_width = False

    def _set_default_widths(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header_metrics = header.fontMetrics()
        style, metric = header.style(), QStyle.PixelMetric
        margins = 4 * style.pixelMetric(metric.PM_HeaderMargin, None, header) + 4
        arrow = style.pixelMetric(metric.PM_HeaderMarkSize, None, header)
        for i, column in enumerate(COLUMNS):
            sample = COLUMN_SAMPLES.get(column.key, "")
            width = max(
                metrics.horizontalAdvance(sample) + 8,
                # The title with the section's margins; the first column (sorted on at the
                # start) also with room for the sort arrow (which grows with the text).
                header_metrics.horizontalAdvance(column.title) + margins + (arrow if i == 0 else 0),
            )
            if column.key == "signals":
                width += self._icon_room(metrics)
            self.table.setColumnWidth(i, width)
            self.table.horizontalHeader().setSectionHidden(i, column.key in HIDDEN_BY_DEFAULT)
            self._base_widths[i] = width

    def _icon_room(self, metrics: QFontMetrics) -> int:
        """What a signal's icon takes in its cell besides the text: the icon and the margins
        the view draws around it and between it and the text."""
        return max(self.table.iconSize().width(), metrics.height()) + 4 * 3

    def set_column_visible(self, column: int, visible: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(column, not visible)
        self._fill_width()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fill_width)
        return super().eventFilter(watched, event)

    def _section_resized(self, logical: int, _old: int, _new: int) -> None:
        """A column the person widened or narrowed keeps that width; the others follow."""
        if not self._filling_width:
            self._user_sized.add(logical)
        self._fill_width()

    def _fill_width(self) -> None:
        """Share the width the other columns leave among the columns whose text is long (the
        client's name, the next task, the signals): each up to what its long values need, the
        client's name the rest; never less than a typical value. A wide window thus shows
        whole names instead of a stretched last column."""
        if self._filling_width or not self._base_widths:
            return
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        growing = [
            COLUMN_KEYS.index(key)
            for key in WIDE_SAMPLES
            if not header.isSectionHidden(COLUMN_KEYS.index(key))
            and COLUMN_KEYS.index(key) not in self._user_sized
        ]
        if not growing:
            return
        fixed = sum(
            header.sectionSize(i)
            for i in range(header.count())
            if i not in growing and not header.isSectionHidden(i)
        )
        widths = {i: self._base_widths[i] for i in growing}
        room = self.table.viewport().width() - fixed - sum(widths.values())
        for i in growing:
            if room <= 0:
                break
            wide = metrics.horizontalAdvance(WIDE_SAMPLES[COLUMN_KEYS[i]]) + 8
            if COLUMN_KEYS[i] == "signals":
                wide += self._icon_room(metrics)
            extra = min(room, max(0, wide - widths[i]))
            widths[i] += extra
            room -= extra
        if room > 0:  # the rest to the client's name
            client = COLUMN_KEYS.index("client")
            widths[client if client in widths else growing[0]] += room
        self._filling_width = True
        try:
            for i, width in widths.items():
                if width != header.sectionSize(i):
                    header.resizeSection(i, width)
        finally:
            self._filling_width = False

    @staticmethod
    def column_signature() -> str:
        """Which columns a remembered header state belongs to."""
        return ",".join(COLUMN_KEYS)

    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: Any) -> None:
        if isinstance(state, QByteArray) and not state.isEmpty():
            self._filling_width = True
            try:
                self.table.horizontalHeader().restoreState(state)
            finally:
                self._filling_width = False
            self._fill_width()

    # Export -----------------------------------------------------------------------------------

    def export_csv(self, path: Path) -> int:
        """Write the rows in view (filtered and sorted) to CSV; the export is logged. While the
        first rows are shown and the rest is still being computed, the whole werkvoorraad (of
        the teams in view) is computed for the export, never only the rows shown."""
        team = self._partial_team if self.model.positions_pending else None
        if self._preview or (self._loading and not self.model.all_entries()) or team:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                if team:  # the team's rows at their positions among all teams
                    whole = load_team_preview(self.store, self.on, self.policy, team, None)
                else:
                    whole = queue_view.load_queue(self.store, self.on, self.policy)
            finally:
                QGuiApplication.restoreOverrideCursor()
            entries = self.current_filter().apply(whole)
        else:
            entries = self.model.entries()
        # The signals once, at the end and in full (the column shows them in short).
        columns = [c for c in COLUMNS if c.key != "signals"]
        return export_queue(
            self.store,
            self.session.actor,
            path,
            [c.title for c in columns] + ["Signalen"],
            ([c.text(e) for c in columns] + [" | ".join(e.flags)] for e in entries),
            _describe(self.model.current_filter),
        )


def _describe(f: QueueFilter) -> str:
    parts = [
        f"{name}={value}"
        for name, value in (
            ("klasse", f.klasse),
            ("dienst", f.service),
            ("route", f.route),
            ("regie", f.lead_role),
            ("team", f.team),
            ("status", f.status),
            ("signaal", f.signal),
            ("zoekterm", f.text.strip() or None),
        )
        if value
    ]
    return ", ".join(parts) or "geen"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
