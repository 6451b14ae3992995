"""The team screen: staff with role, BIG number, qualifications and hours; the delegations and
individual agreements of the VAs; and the rule set the team works under."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.labels import qualification_name, role_name, service_short, task_short
from mdbtriage.core.taakdelegatie import RuleSetError, load_ruleset
from mdbtriage.core.validation import format_date
from mdbtriage.store.accounts import staff_ids_with_account
from mdbtriage.store.database import Store
from mdbtriage.store.records import list_staff, list_teams
from mdbtriage.ui.appearance import WholeWordColumns
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.session import Session
from mdbtriage.ui.table_model import TablePane


def _ruleset_name(ruleset_id: str) -> str:
    try:
        return load_ruleset(ruleset_id).name
    except RuleSetError:
        return ruleset_id


def _hours(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}".replace(".", ",")


#: The rows of each list kept in view when the page shares too little height for all of them.
ROWS_IN_VIEW = 3


def _table_height(pane: TablePane, rows: int | None = None) -> int:
    """The height ``pane`` needs for its heading and its first ``rows`` rows (all by default)
    without a scroll bar of its own; the hint's height when the list is empty."""
    view = pane.view
    if pane.widget.currentWidget() is not view:
        width = pane.widget.width() or pane.empty.sizeHint().width()
        return max(pane.empty.heightForWidth(width), pane.empty.sizeHint().height())
    count = view.model().rowCount() if rows is None else min(rows, view.model().rowCount())
    header = view.horizontalHeader()
    height = sum(view.rowHeight(r) for r in range(count))
    height += max(header.height(), header.sizeHint().height()) + 2 * view.frameWidth()
    if view.horizontalScrollBar().maximum() > 0:
        height += view.horizontalScrollBar().sizeHint().height()
    return height


class TeamView(QWidget):
    """Who is in the team, who delegates what to whom, and under which rule set."""

    def __init__(
        self,
        store: Store,
        session: Session,
        on: date,
        parent: Any = None,
        events: StoreEvents | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.on = on
        self.events = events or StoreEvents(self)
        self.team = QComboBox(objectName="team_choice")
        for team in list_teams(store):
            self.team.addItem(
                team.name if team.name != team.team_id else team.team_id, team.team_id
            )
        index = self.team.findData(session.team)
        self.team.setCurrentIndex(max(index, 0))
        self.team.currentIndexChanged.connect(lambda _i: self.refresh())
        self.summary = QLabel(objectName="team_summary")

        # No column is cut short with '…': a long text (a qualification, the delegated tasks,
        # a rule's note) wraps onto more lines and its row grows, so it is read whole.
        self.staff = TablePane(
            (
                "Naam",
                "Personeelsnr.",
                "Rol",
                "BIG-nummer",
                "Kwalificaties",
                "Uren/week",
                "Actief",
                "Account",
            ),
            "Dit team heeft nog geen medewerkers. Importeer ze via Bestand › Medewerkers importeren.",
            "staff_table",
            "Medewerkers",
            fitting=WholeWordColumns,
        )
        self.delegations = TablePane(
            ("VA", "Aan", "Rol", "Taken", "Diensten", "Van", "Tot", "Steekproef", "Status"),
            "Geen delegaties of individuele afspraken vastgelegd voor dit team.",
            "delegations_table",
            "Delegaties",
            fitting=WholeWordColumns,
        )
        self.rules = TablePane(
            ("Taak", "Rollen", "Diensten", "Kwalificaties", "Bevoegdheid", "Toelichting"),
            "De regelset van dit team kan niet worden gelezen.",
            "rules_table",
            "Regelset",
            fitting=WholeWordColumns,
        )
        self.ruleset_title = QLabel(objectName="ruleset_title")
        self.ruleset_title.setWordWrap(True)

        def group(title: str, *widgets: QWidget) -> QGroupBox:
            box = QGroupBox(title)
            layout = QVBoxLayout(box)
            # Little room above and below a list: the height goes to the rows.
            margins = layout.contentsMargins()
            margins.setTop(margins.top() // 2)
            margins.setBottom(margins.bottom() // 2)
            layout.setContentsMargins(margins)
            for widget in widgets:
                layout.addWidget(widget)
            return box

        self.panes = (self.staff, self.delegations, self.rules)
        self.boxes = (
            group("Medewerkers", self.staff.widget),
            group("Delegaties en individuele afspraken", self.delegations.widget),
            group("Regelset taakdelegatie", self.ruleset_title, self.rules.widget),
        )
        content = self.content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)  # each box's title stands apart from the box above
        for box in self.boxes:
            content_layout.addWidget(box)
        content_layout.addStretch(1)  # what is left over stays below the lists
        for pane in self.panes:
            pane.widget.setFixedHeight(self.fontMetrics().lineSpacing() * 8)
        # One scroll bar, the page's, when the lists together are taller than the window.
        self.page = QScrollArea(objectName="team_scroll")
        self.page.setWidgetResizable(True)
        self.page.setFrameShape(QFrame.Shape.NoFrame)
        self.page.setWidget(content)
        self.page.viewport().installEventFilter(self)
        # Rows grow and shrink as their texts wrap (columns fitted to the width, large text):
        # the lists' heights follow once the rows are measured.
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self.share_height)
        for pane in self.panes:
            pane.view.verticalHeader().sectionResized.connect(lambda *_a: self._later.start())
            pane.model.modelReset.connect(self._later.start)
        top = QHBoxLayout()
        top.addWidget(QLabel("Tea&m:", buddy=self.team))
        top.addWidget(self.team)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        # The page's lists reach down to the status bar: the height goes to their rows.
        margins = layout.contentsMargins()
        margins.setBottom(0)
        layout.setContentsMargins(margins)
        layout.addLayout(top)
        layout.addWidget(self.page, 1)
        self.refresh()
        self.events.changed.connect(self._store_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.page.viewport():
            self._later.start()
        return False

    def share_height(self) -> None:
        """Share the page's height among the three lists. Each is as tall as its rows when
        they all fit; otherwise each keeps its first rows in view and the room left goes to
        the staff first, then the delegations, then the rule set (which then scrolls). When not
        even that fits (large text), each list is shown whole and only the page scrolls: one
        scroll bar, not a list's inside the page's."""
        page = self.page.viewport().height()
        fixed = sum(pane.widget.minimumHeight() for pane in self.panes)
        # The titles, margins and the rule set's line (wrapped in the page's width).
        content = self.content
        if content.hasHeightForWidth():
            chrome = content.heightForWidth(self.page.viewport().width()) - fixed
        else:
            chrome = content.minimumSizeHint().height() - fixed
        room = page - chrome
        wants = [_table_height(pane) for pane in self.panes]
        least = [
            min(w, _table_height(p, ROWS_IN_VIEW)) for w, p in zip(wants, self.panes, strict=True)
        ]
        if sum(wants) <= room:
            heights = wants
        elif sum(least) <= room:
            heights, left = list(least), room - sum(least)
            for index, want in enumerate(wants):
                more = min(left, want - heights[index])
                heights[index] += more
                left -= more
        else:  # large text: the lists whole, one below the other, and the page scrolls
            heights = wants
        for pane, height in zip(self.panes, heights, strict=True):
            if pane.widget.minimumHeight() != height or pane.widget.maximumHeight() != height:
                pane.widget.setFixedHeight(height)

    def _store_changed(self, changes: Changes) -> None:
        if changes.touches("staff", "delegations"):
            self.refresh()

    def current_team(self) -> str:
        return str(self.team.currentData() or self.session.team)

    def refresh(self) -> None:
        team = self.current_team()
        accounts = staff_ids_with_account(self.store)
        staff = list_staff(self.store, team)
        self.staff.set_rows(
            [
                (
                    s.name,
                    s.staff_id,
                    role_name(s.role),
                    s.big_number or "",
                    ", ".join(qualification_name(q) for q in s.qualifications),
                    _hours(s.hours_per_week),
                    "ja" if s.active else "nee",
                    "ja" if s.staff_id in accounts else "nee",
                )
                for s in staff
            ],
            [s.staff_id for s in staff],
        )
        fte = sum(s.hours_per_week or 0 for s in staff if s.active) / 36
        self.summary.setText(
            f"{len(staff)} medewerkers, samen {fte:.1f} fte (36 uur)".replace(".", ",")
        )
        self._fill_delegations(team)
        self._fill_rules(team)

    def _fill_delegations(self, team: str) -> None:
        try:
            from mdbtriage.store.delegations import list_delegations
        except ImportError:  # pragma: no cover - the taakdelegatie schema ships with the app
            self.delegations.set_rows([])
            return
        rows = []
        for row in list_delegations(self.store, team=team):
            d = row.delegation
            if d.revoked_on:
                status = f"ingetrokken op {format_date(d.revoked_on)}"
            elif d.valid_to and d.valid_to < self.on:
                status = "verlopen"
            elif d.valid_from > self.on:
                status = "nog niet ingegaan"
            else:
                status = "actief"
            rows.append(
                (
                    row.va_name,
                    row.delegate_name,
                    role_name(row.delegate_role),
                    ", ".join(task_short(t) for t in sorted(d.tasks)),
                    ", ".join(service_short(x) for x in sorted(d.services)) or "alle",
                    format_date(d.valid_from),
                    format_date(d.valid_to) if d.valid_to else "",
                    f"{d.review_percentage}%",
                    status,
                )
            )
        self.delegations.set_rows(rows)

    def _fill_rules(self, team: str) -> None:
        try:
            from mdbtriage.store.delegations import ruleset_for
        except ImportError:  # pragma: no cover
            self.rules.set_rows([])
            return
        try:
            ruleset = ruleset_for(self.store, team, self.on)
        except Exception as error:  # a broken rule-set file must not break the screen
            self.ruleset_title.setText(f"De regelset kan niet worden gelezen: {error}")
            self.rules.set_rows([])
            return
        # The rule set by its name; its code, to find its file, in the tooltip.
        title = f"{ruleset.name}, versie {ruleset.version}, geldt op {format_date(self.on)}."
        bases = sorted({rule.source for rule in ruleset.rules} - {ruleset.ruleset_id})
        if bases:
            title += (
                " Deze regelset bouwt voort op "
                + " en ".join(_ruleset_name(b) for b in bases)
                + "."
            )
        self.ruleset_title.setText(title)
        self.ruleset_title.setToolTip(f"Regelset {ruleset.ruleset_id}, versie {ruleset.version}")
        self.rules.set_rows(
            [
                (
                    ruleset.task_name(rule.task),
                    ", ".join(role_name(r) for r in sorted(rule.roles)),
                    ", ".join(service_short(x) for x in sorted(rule.services)) or "alle",
                    ", ".join(qualification_name(q) for q in sorted(rule.qualifications)),
                    rule.permission,
                    rule.note,
                )
                for rule in ruleset.rules
            ]
        )
