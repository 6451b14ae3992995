"""The team screen: staff with role, BIG number, qualifications and hours; the delegations and
individual agreements of the VAs; and the rule set the team works under."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.labels import qualification_name, role_name, service_short, task_short
from mdbtriage.core.validation import format_date
from mdbtriage.store.accounts import staff_ids_with_account
from mdbtriage.store.database import Store
from mdbtriage.store.records import list_staff, list_teams
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.session import Session
from mdbtriage.ui.table_model import TablePane


def _hours(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}".replace(".", ",")


#: The rows a list of the team keeps in view however tall its rows grow.
ROWS_IN_VIEW = 3


def _keep_rows_in_view(view: QTableView) -> None:
    """Let ``view`` be at least as tall as its first ROWS_IN_VIEW rows: a long text wraps and
    its row grows (large text, a narrow window), and the list grows with it instead of
    showing one row at a time; the page around it scrolls down then."""
    least = view.minimumHeight()

    def fit() -> None:
        rows = [view.rowHeight(r) for r in range(min(ROWS_IN_VIEW, view.model().rowCount()))]
        frame = 2 * view.frameWidth() + view.horizontalHeader().height()
        height = max(least, sum(rows) + frame)
        if view.minimumHeight() != height:
            view.setMinimumHeight(height)
            # The page around it makes room now, not a few events later: until then the list
            # would stand out of its box.
            for _ in range(8):
                QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    view.verticalHeader().sectionResized.connect(lambda *_args: fit())
    view.model().modelReset.connect(fit)


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
        )
        self.delegations = TablePane(
            ("VA", "Aan", "Rol", "Taken", "Diensten", "Van", "Tot", "Steekproef", "Status"),
            "Geen delegaties of individuele afspraken vastgelegd voor dit team.",
            "delegations_table",
            "Delegaties",
        )
        self.rules = TablePane(
            ("Taak", "Rollen", "Diensten", "Kwalificaties", "Bevoegdheid", "Toelichting"),
            "De regelset van dit team kan niet worden gelezen.",
            "rules_table",
            "Regelset",
        )
        self.ruleset_title = QLabel(objectName="ruleset_title")
        self.ruleset_title.setWordWrap(True)
        # Room for two lines: a splitter does not ask how tall a wrapped line becomes.
        self.ruleset_title.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)

        def group(title: str, *widgets: QWidget) -> QGroupBox:
            box = QGroupBox(title)
            layout = QVBoxLayout(box)
            for widget in widgets:
                layout.addWidget(widget)
            return box

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(group("Medewerkers", self.staff.widget))
        split.addWidget(group("Delegaties en individuele afspraken", self.delegations.widget))
        split.addWidget(group("Regelset taakdelegatie", self.ruleset_title, self.rules.widget))
        # Staff first: the team's list is what is looked up most; delegations are few.
        for index, stretch in enumerate((5, 3, 4)):
            split.setStretchFactor(index, stretch)
        split.setSizes([500, 300, 400])
        for pane in (self.staff, self.delegations, self.rules):
            # A few rows of each list in view, also with large text (the page scrolls then).
            pane.view.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
            _keep_rows_in_view(pane.view)
        page = QScrollArea(objectName="team_scroll")
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setWidget(split)
        top = QHBoxLayout()
        top.addWidget(QLabel("Tea&m:", buddy=self.team))
        top.addWidget(self.team)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(page, 1)
        self.refresh()
        self.events.changed.connect(self._store_changed)

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
        self.ruleset_title.setText(
            f"{ruleset.name} ({ruleset.ruleset_id}, versie {ruleset.version}) geldt op "
            f"{format_date(self.on)}."
        )
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
