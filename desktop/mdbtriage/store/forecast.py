"""The forecast's inputs from the store (team, werkvoorraad, staff, absences, rule set, the
team's planning settings) and the forecast itself, logged like any other team overview."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from mdbtriage.core.forecast import (
    DEFAULT_WEEKS,
    CaseForecast,
    Forecast,
    Measured,
    Norms,
    Person,
    PlannedCase,
    Scenario,
    calibrate,
    forecast,
    load_norms,
)
from mdbtriage.core.model import Actor
from mdbtriage.core.policy import Policy
from mdbtriage.core.taakdelegatie import RuleSet, load_ruleset
from mdbtriage.core.triage import build_queue
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.delegations import ruleset_for
from mdbtriage.store.queue_view import queue_cases
from mdbtriage.store.records import list_staff


class CapacityError(ValueError):
    """Input for the capacity settings or absences that cannot be stored (Dutch message)."""


@dataclass(frozen=True, slots=True)
class Absence:
    absence_id: int
    staff_id: str
    starts_on: date
    ends_on: date
    reason: str


@dataclass(frozen=True, slots=True)
class TeamSettings:
    other_work_share: float | None = None
    delegation_share: float | None = None


def absences(store: Store, team: str | None = None) -> list[Absence]:
    sql = (
        "SELECT a.absence_id, a.staff_id, a.starts_on, a.ends_on, a.reason FROM absences a "
        "JOIN staff s ON s.staff_id = a.staff_id"
    )
    params: tuple[str, ...] = ()
    if team:
        sql += " WHERE s.team_id = ?"
        params = (team,)
    return [
        Absence(r[0], r[1], date.fromisoformat(r[2]), date.fromisoformat(r[3]), r[4])
        for r in store.conn.execute(sql + " ORDER BY a.staff_id, a.starts_on", params)
    ]


_UPSERT_ABSENCE = (
    "INSERT INTO absences (staff_id, starts_on, ends_on, reason, created_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (staff_id, starts_on) DO UPDATE SET "
    "ends_on = excluded.ends_on, reason = excluded.reason"
)


def _absence_row(
    actor: Actor, staff_id: str, starts_on: date, ends_on: date, reason: str
) -> tuple[str, ...]:
    return (staff_id, starts_on.isoformat(), ends_on.isoformat(), reason, actor.user_id, utc_now())


def _log_change(conn: Connection, actor: Actor, purpose: str, details: str) -> None:
    """One log record for a change of the capacity inputs, inside its transaction."""
    log(conn, actor, AuditEntry(event="change", purpose=f"capaciteit: {purpose}", details=details))


def add_absence(
    store: Store, actor: Actor, staff_id: str, starts_on: date, ends_on: date, reason: str = ""
) -> int:
    """Record an absence period (inclusive); an existing period starting that day is replaced."""
    if ends_on < starts_on:
        raise CapacityError(
            f"afwezigheid van {staff_id}: einddatum {ends_on.isoformat()} ligt vóór "
            f"begindatum {starts_on.isoformat()}"
        )
    if not store.conn.execute("SELECT 1 FROM staff WHERE staff_id = ?", (staff_id,)).fetchone():
        raise CapacityError(f"afwezigheid: medewerker '{staff_id}' bestaat niet")
    with store.atomic() as conn:
        cursor = conn.execute(
            _UPSERT_ABSENCE + " RETURNING absence_id",
            _absence_row(actor, staff_id, starts_on, ends_on, reason),
        )
        absence_id = int(cursor.fetchone()[0])
        _log_change(
            conn,
            actor,
            "afwezigheid",
            f"{staff_id} afwezig {starts_on.isoformat()} t/m {ends_on.isoformat()}",
        )
    return absence_id


def unknown_staff(store: Store, staff_ids: set[str]) -> set[str]:
    """Which of these personeelsnummers the store does not know."""
    known = {
        str(r[0])
        for r in store.conn.execute(
            "SELECT staff_id FROM staff WHERE staff_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(staff_ids)),),
        )
    }
    return staff_ids - known


def add_absences(
    store: Store, actor: Actor, periods: list[tuple[str, date, date, str]], source: str
) -> int:
    """Record many absence periods in one transaction (an import: all or nothing)."""
    with store.atomic() as conn:
        conn.executemany(_UPSERT_ABSENCE, [_absence_row(actor, *period) for period in periods])
        _log_change(
            conn, actor, "afwezigheid", f"{len(periods)} afwezigheden ingelezen uit {source}"
        )
    return len(periods)


def remove_absence(store: Store, actor: Actor, absence_id: int) -> None:
    with store.atomic() as conn:
        row = conn.execute(
            "DELETE FROM absences WHERE absence_id = ? RETURNING staff_id, starts_on, ends_on",
            (absence_id,),
        ).fetchone()
        if row is None:
            raise CapacityError(f"afwezigheid {absence_id} bestaat niet")
        _log_change(
            conn, actor, "afwezigheid", f"afwezigheid van {row[0]} {row[1]} t/m {row[2]} verwijderd"
        )


def team_settings(store: Store, team: str) -> TeamSettings:
    row = store.conn.execute(
        "SELECT other_work_share, delegation_share FROM team_capacity WHERE team_id = ?", (team,)
    ).fetchone()
    return TeamSettings(*row) if row else TeamSettings()


def set_team_settings(store: Store, actor: Actor, team: str, settings: TeamSettings) -> None:
    for name, value in (
        ("aandeel overig werk", settings.other_work_share),
        ("delegatieaandeel", settings.delegation_share),
    ):
        if value is not None and not 0 <= value <= 1:
            raise CapacityError(f"{name} '{value}' moet tussen 0 en 100% liggen")
    with store.atomic() as conn:
        old = team_settings(store, team)
        conn.execute(
            "INSERT INTO team_capacity (team_id, other_work_share, delegation_share, changed_by, "
            "changed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (team_id) DO UPDATE SET "
            "other_work_share = excluded.other_work_share, "
            "delegation_share = excluded.delegation_share, changed_by = excluded.changed_by, "
            "changed_at = excluded.changed_at",
            (team, settings.other_work_share, settings.delegation_share, actor.user_id, utc_now()),
        )
        _log_change(conn, actor, "teaminstellingen", f"team {team}: {old} -> {settings}")


def measured_times(store: Store, team: str) -> list[Measured]:
    """The team's recorded time per service and task ("bestede tijd" at hand-in), averaged."""
    return [
        Measured(str(r[0]), str(r[1]), float(r[2]) / 60, int(r[3]))
        for r in store.conn.execute(
            "SELECT c.service, t.task_code, avg(t.minutes_spent), count(*) FROM tasks t "
            "JOIN cases c ON c.case_ref = t.case_ref "
            "JOIN staff s ON s.staff_id = t.assignee_id "
            "WHERE s.team_id = ? AND t.minutes_spent IS NOT NULL "
            "GROUP BY c.service, t.task_code ORDER BY c.service, t.task_code",
            (team,),
        )
    ]


def team_norms(store: Store, team: str) -> list[Measured]:
    """The hours per service and task the team lead set for the team (``source`` ``team``)."""
    return [
        Measured(str(r[0]), str(r[1]), float(r[2]), 0, "team")
        for r in store.conn.execute(
            "SELECT service, task, hours FROM team_norms WHERE team_id = ? ORDER BY service, task",
            (team,),
        )
    ]


def set_team_norm(
    store: Store, actor: Actor, team: str, service: str, task: str, hours: float | None
) -> None:
    """The team's own hours for an activity of a service; ``None`` returns to the default."""
    if hours is not None and not 0 < hours <= 100:
        raise CapacityError(f"norm {service} {task}: '{hours:g}' uur moet tussen 0 en 100 liggen")
    with store.atomic() as conn:
        old = conn.execute(
            "SELECT hours FROM team_norms WHERE team_id = ? AND service = ? AND task = ?",
            (team, service, task),
        ).fetchone()
        if hours is None:
            conn.execute(
                "DELETE FROM team_norms WHERE team_id = ? AND service = ? AND task = ?",
                (team, service, task),
            )
        else:
            conn.execute(
                "INSERT INTO team_norms (team_id, service, task, hours, changed_by, changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, service, task) DO UPDATE SET "
                "hours = excluded.hours, changed_by = excluded.changed_by, "
                "changed_at = excluded.changed_at",
                (team, service, task, hours, actor.user_id, utc_now()),
            )
        before = f"{old[0]:g} uur" if old else "standaard"
        after = f"{hours:g} uur" if hours is not None else "standaard"
        _log_change(conn, actor, "normen", f"team {team}, {service} {task}: {before} -> {after}")


def planned_cases(store: Store, team: str, on: date, policy: Policy) -> list[PlannedCase]:
    """The team's werkvoorraad on ``on`` in policy order (the queue service's, as the
    werkvoorraad and the command line read it), only the classes that are planned."""
    rows = queue_cases(store, policy, team, on=on)
    return [
        PlannedCase(p.case_ref, p.facts.service, p.route.code, p.facts.received_on)
        for p in build_queue([r.facts for r in rows], on, policy)
        if p.klasse not in policy.unplanned_classes
    ]


def team_people(store: Store, team: str) -> list[Person]:
    """The team's active staff with their hours and absences (unknown hours count as none)."""
    periods: dict[str, list[tuple[date, date]]] = {}
    for a in absences(store, team):
        periods.setdefault(a.staff_id, []).append((a.starts_on, a.ends_on))
    return [
        Person(
            s.staff_id,
            s.role,
            float(s.hours_per_week or 0.0),
            tuple(s.qualifications),
            tuple(periods.get(s.staff_id, ())),
        )
        for s in list_staff(store, team)
        if s.active
    ]


@dataclass(frozen=True, slots=True)
class ForecastInputs:
    """What the forecast of one team reads from the store, read once for many what-ifs."""

    team: str
    on: date
    cases: list[PlannedCase]
    people: list[Person]
    ruleset: RuleSet
    settings: TeamSettings
    measured: list[Measured] = field(default_factory=list)
    overrides: list[Measured] = field(default_factory=list)

    def scenario(self, what_if: Scenario | None = None) -> Scenario:
        """The team's own settings, unless the what-if sets them."""
        what_if = what_if or Scenario()
        return Scenario(
            extra_hours=what_if.extra_hours,
            delegation_share=what_if.delegation_share
            if what_if.delegation_share is not None
            else self.settings.delegation_share,
            other_work_share=what_if.other_work_share
            if what_if.other_work_share is not None
            else self.settings.other_work_share,
        )

    def run(
        self,
        what_if: Scenario | None = None,
        *,
        weeks: int = DEFAULT_WEEKS,
        norms: Norms | None = None,
        ruleset: RuleSet | None = None,
        shortfall: bool = True,
    ) -> Forecast:
        calibrated, replaced = calibrate(
            norms or load_norms(), self.measured, overrides=self.overrides
        )
        return forecast(
            self.cases,
            self.people,
            calibrated,
            ruleset or self.ruleset,
            self.on,
            weeks,
            self.scenario(what_if),
            shortfall,
            calibrated=replaced,
        )


def read_forecast_inputs(store: Store, team: str, on: date, policy: Policy) -> ForecastInputs:
    """The team's forecast inputs, read without a log record (the caller logs its own use)."""
    return ForecastInputs(
        team=team,
        on=on,
        cases=planned_cases(store, team, on, policy),
        people=team_people(store, team),
        ruleset=ruleset_for(store, team, on),
        settings=team_settings(store, team),
        measured=measured_times(store, team),
        overrides=team_norms(store, team),
    )


def case_weeks(store: Store, team: str, on: date, policy: Policy) -> dict[str, CaseForecast]:
    """Per planned case of the team the weeks the forecast expects work on it to start and to
    be done, for the dossier and the werkvoorraad; read without a log record of its own (the
    reading of the case or the werkvoorraad is logged)."""
    result = read_forecast_inputs(store, team, on, policy).run(shortfall=False)
    return {case.case_ref: case for case in result.cases}


def expected_weeks(store: Store, team: str, on: date, policy: Policy) -> dict[str, date | None]:
    """Per planned case of the team the week it is expected done (None: not in sight)."""
    return {ref: case.done_week for ref, case in case_weeks(store, team, on, policy).items()}


def forecast_inputs(
    store: Store, actor: Actor, team: str, on: date, policy: Policy
) -> ForecastInputs:
    """Read the team's forecast inputs; logged as a team overview (case references only)."""
    inputs = read_forecast_inputs(store, team, on, policy)
    with store.atomic() as conn:
        log(
            conn,
            actor,
            AuditEntry(
                event="search",
                purpose="capaciteitsprognose",
                details=f"prognose team {team} op {on.isoformat()}: {len(inputs.cases)} zaken, "
                f"{len(inputs.people)} medewerkers",
            ),
        )
    return inputs


def team_forecast(
    store: Store,
    actor: Actor,
    team: str,
    on: date,
    policy: Policy,
    *,
    weeks: int = DEFAULT_WEEKS,
    scenario: Scenario | None = None,
    ruleset_id: str | None = None,
) -> Forecast:
    """The team's forecast on ``on`` (read and logged once)."""
    inputs = forecast_inputs(store, actor, team, on, policy)
    ruleset = load_ruleset(ruleset_id) if ruleset_id else None
    return inputs.run(scenario, weeks=weeks, ruleset=ruleset)
