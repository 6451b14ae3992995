"""The capacity forecast: the werkvoorraad in policy order planned week by week onto the team.

Each case becomes a chain of activities (effort norms from ``resources/capacity/*.toml``, per
service or route); the rule set decides which part of a verzekeringsarts activity may go to an
SMV (or AIOS, MSP) and what the accordering costs the VA. Every role works through its own
activities in the werkvoorraad's order with the hours it has each week (hours per week, less
the share for other work, less absences). An activity is done in the week its role's hours
reach it, and never before the activity that comes before it in the case.

The model has no idle waiting: a role's hours go to its next activity in order even when that
activity's predecessor is still open. That keeps it simple to check and monotone (more hours
for any role never make any case later), which the what-if comparisons rely on. It is an
estimate, and says so with the inputs it used: no new cases arrive, norms are averages.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from mdbtriage.core.model import ROLES, SERVICES
from mdbtriage.core.policy import PolicyError
from mdbtriage.core.resources import list_toml, load_toml
from mdbtriage.core.taakdelegatie import RuleSet
from mdbtriage.core.validation import add_months, format_date

DEFAULT_NORMS = "normen-2026"
DEFAULT_WEEKS = 26
MAX_WEEKS = 520
"""Cases not done within ten years of planning count as 'not in sight' (no capacity)."""
MAX_EXTRA_HOURS = 2000
"""The largest extra weekly hours a shortfall search tries for one role."""
VA = "VA"


@dataclass(frozen=True, slots=True)
class Activity:
    task: str
    role: str
    hours: float


@dataclass(frozen=True, slots=True)
class Target:
    code: str
    label: str
    services: frozenset[str]
    months: int
    deadline: date


@dataclass(frozen=True, slots=True)
class Norms:
    """Effort norms and planning parameters, as policy data."""

    norms_id: str
    name: str
    defaults: bool
    delegation_share: float
    sign_off_share: float
    other_work_share: float
    delegate_to: tuple[str, ...]
    services: Mapping[str, tuple[Activity, ...]]
    routes: Mapping[str, tuple[Activity, ...]]
    targets: tuple[Target, ...]

    def activities(self, service: str, route: str) -> tuple[Activity, ...]:
        return self.routes.get(route) or self.services.get(service, ())


@dataclass(frozen=True, slots=True)
class Person:
    """A member of the team as the forecast sees them."""

    staff_id: str
    role: str
    hours_per_week: float
    qualifications: tuple[str, ...] = ()
    absences: tuple[tuple[date, date], ...] = ()


@dataclass(frozen=True, slots=True)
class PlannedCase:
    """A case of the werkvoorraad, in policy order (only the planned classes)."""

    case_ref: str
    service: str
    route: str
    received_on: date


@dataclass(frozen=True, slots=True)
class Scenario:
    """What-if settings; ``None`` keeps the norms' own value."""

    extra_hours: Mapping[str, float] = field(default_factory=dict)
    delegation_share: float | None = None
    other_work_share: float | None = None

    def label(self) -> str:
        parts = [f"{h:+g} uur {role}" for role, h in sorted(self.extra_hours.items()) if h]
        if self.delegation_share is not None:
            parts.append(f"delegatie {round(self.delegation_share * 100)}%")
        if self.other_work_share is not None:
            parts.append(f"overig werk {round(self.other_work_share * 100)}%")
        return ", ".join(parts) or "huidige bezetting"


@dataclass(frozen=True, slots=True)
class Step:
    """One part of a case's work for one role (an activity, its delegated part or sign-off)."""

    task: str
    role: str
    hours: float
    kind: str = "zelf"  # zelf | gedelegeerd | zelfstandig | accorderen


@dataclass(frozen=True, slots=True)
class CaseForecast:
    case_ref: str
    next_week: date | None
    done_week: date | None


@dataclass(frozen=True, slots=True)
class TargetResult:
    code: str
    label: str
    deadline: date
    met_week: date | None
    met: bool
    short_hours: Mapping[str, float | None]
    """Per role: extra hours per week that role alone needs to meet the target in time."""
    short_hours_together: Mapping[str, float] = field(default_factory=dict)
    """Extra hours per week per role that, all added together, meet the target in time."""


@dataclass(frozen=True, slots=True)
class Forecast:
    on: date
    week_starts: tuple[date, ...]
    backlog: tuple[int, ...]
    over_six_months: tuple[int, ...]
    cases: tuple[CaseForecast, ...]
    targets: tuple[TargetResult, ...]
    capacity: Mapping[str, tuple[float, ...]]
    planned: Mapping[str, tuple[float, ...]]
    inputs: Mapping[str, Any]

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON: ``weeks``, ``cases``, ``targets`` and ``inputs``."""

        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "estimate": True,
            "on": self.on.isoformat(),
            "weeks": [
                {
                    "week_start": start.isoformat(),
                    "backlog": self.backlog[i],
                    "wia_over_six_months": self.over_six_months[i],
                    "capacity_hours": {r: round(c[i], 1) for r, c in self.capacity.items()},
                    "planned_hours": {r: round(p[i], 1) for r, p in self.planned.items()},
                }
                for i, start in enumerate(self.week_starts)
            ],
            "cases": [
                {
                    "case_ref": c.case_ref,
                    "next_week": iso(c.next_week),
                    "done_week": iso(c.done_week),
                }
                for c in self.cases
            ],
            "targets": [
                {
                    "code": t.code,
                    "label": t.label,
                    "deadline": t.deadline.isoformat(),
                    "met": t.met,
                    "met_week": iso(t.met_week),
                    "short_hours_per_week": dict(t.short_hours),
                    "short_hours_per_week_together": dict(t.short_hours_together),
                }
                for t in self.targets
            ],
            "inputs": dict(self.inputs),
        }


def available_norms() -> list[str]:
    return list_toml("capacity")


def _activities(raw: Any, where: str) -> tuple[Activity, ...]:
    if not isinstance(raw, list) or not raw:
        raise PolicyError(f"{where}: 'activities' moet een niet-lege lijst zijn")
    found: list[Activity] = []
    for entry in raw:
        role = entry.get("role")
        hours = entry.get("hours")
        if role not in ROLES:
            raise PolicyError(f"{where}: onbekende rol '{role}'")
        if not isinstance(hours, int | float) or not 0 <= hours <= 100:
            raise PolicyError(f"{where}: uren '{hours}' moeten tussen 0 en 100 liggen")
        found.append(Activity(task=str(entry.get("task", "")), role=role, hours=float(hours)))
    return tuple(found)


def _share(data: Mapping[str, Any], key: str, where: str) -> float:
    value = data.get(key)
    if not isinstance(value, int | float) or not 0 <= value <= 1:
        raise PolicyError(f"{where}: '{key}' moet een getal tussen 0 en 1 zijn, niet '{value}'")
    return float(value)


def load_norms(norms_id: str = DEFAULT_NORMS) -> Norms:
    """Load and check a norms file from the shipped resources."""
    if norms_id not in available_norms():
        raise PolicyError(f"normen '{norms_id}' bestaan niet (wel: {', '.join(available_norms())})")
    data = load_toml("capacity", f"{norms_id}.toml")
    where = f"normen {norms_id}"
    services = {
        code: _activities(entry.get("activities"), f"{where}, dienst {code}")
        for code, entry in data.get("services", {}).items()
    }
    if set(services) != set(SERVICES):
        missing = sorted(set(SERVICES) - set(services))
        raise PolicyError(f"{where}: diensten ontbreken of zijn onbekend: {missing}")
    routes = {
        code: _activities(entry.get("activities"), f"{where}, route {code}")
        for code, entry in data.get("routes", {}).items()
    }
    targets = tuple(
        Target(
            code=str(t["code"]),
            label=str(t["label"]),
            services=frozenset(t.get("services", [])),
            months=int(t.get("months", 6)),
            deadline=date.fromisoformat(str(t["deadline"])),
        )
        for t in data.get("targets", [])
    )
    delegate_to = tuple(data.get("delegate_to", ()))
    if set(delegate_to) - set(ROLES):
        raise PolicyError(f"{where}: onbekende rol in delegate_to: {delegate_to}")
    return Norms(
        norms_id=str(data.get("id", norms_id)),
        name=str(data.get("name", norms_id)),
        defaults=bool(data.get("defaults", False)),
        delegation_share=_share(data, "delegation_share", where),
        sign_off_share=_share(data, "sign_off_share", where),
        other_work_share=_share(data, "other_work_share", where),
        delegate_to=delegate_to,
        services=services,
        routes=routes,
        targets=targets,
    )


MIN_MEASUREMENTS = 5
"""Recorded times of an activity needed before they replace the default norm."""


@dataclass(frozen=True, slots=True)
class Measured:
    """The team's hours for one activity of one service: measured (the average "bestede tijd"
    of ``count`` tasks) or set by the team lead (``source`` ``team``)."""

    service: str
    task: str
    hours: float
    count: int
    source: str = "gemeten"  # gemeten | team


def calibrate(
    norms: Norms,
    measured: Iterable[Measured],
    minimum: int = MIN_MEASUREMENTS,
    overrides: Iterable[Measured] = (),
) -> tuple[Norms, list[tuple[Measured, float]]]:
    """The norms with each activity's hours replaced by the team's own: a norm the team lead
    set (``overrides``) first, else the average recorded time where at least ``minimum`` were
    recorded; and which were replaced (with the default)."""
    by_key = {(m.service, m.task): m for m in measured if m.count >= minimum and m.hours > 0}
    by_key.update({(m.service, m.task): m for m in overrides if m.hours > 0})
    if not by_key:
        return norms, []
    used: dict[tuple[str, str], tuple[Measured, float]] = {}

    def adjusted(service: str | None, activities: tuple[Activity, ...]) -> tuple[Activity, ...]:
        out = []
        for act in activities:
            found = by_key.get((service, act.task)) if service else None
            if found is not None:
                used.setdefault((found.service, found.task), (found, act.hours))
                act = Activity(act.task, act.role, round(found.hours, 2))
            out.append(act)
        return tuple(out)

    services = {code: adjusted(code, acts) for code, acts in norms.services.items()}
    calibrated = Norms(
        norms_id=norms.norms_id,
        name=norms.name,
        defaults=norms.defaults,
        delegation_share=norms.delegation_share,
        sign_off_share=norms.sign_off_share,
        other_work_share=norms.other_work_share,
        delegate_to=norms.delegate_to,
        services=services,
        routes=norms.routes,
        targets=norms.targets,
    )
    return calibrated, sorted(used.values(), key=lambda u: (u[0].service, u[0].task))


def week_start(day: date) -> date:
    """The Monday of the week of ``day``."""
    return day - timedelta(days=day.weekday())


def _absent_weekdays(absences: Iterable[tuple[date, date]], monday: date) -> int:
    days = 0
    for offset in range(5):
        day = monday + timedelta(days=offset)
        if any(start <= day <= end for start, end in absences):
            days += 1
    return days


def first_week_fraction(on: date) -> float:
    """The share of the first week still to work: its weekdays from ``on`` onwards."""
    return max(0, 5 - min(on.weekday(), 5)) / 5


def weekly_capacity(
    people: Sequence[Person], on: date, weeks: int, other_work_share: float
) -> dict[str, list[float]]:
    """Hours per role per week for case work: hours less other work, less absent weekdays.

    The first week counts only its weekdays from ``on`` onwards.
    """
    first = week_start(on)
    first_fraction = first_week_fraction(on)
    factor = 1.0 - other_work_share
    per_role: dict[str, float] = {}
    absent: dict[str, dict[int, float]] = {}
    for person in people:
        hours = max(0.0, person.hours_per_week) * factor
        per_role[person.role] = per_role.get(person.role, 0.0) + hours
        if not person.absences or not hours:
            continue
        weeks_off = absent.setdefault(person.role, {})
        last = min(weeks - 1, (max(end for _, end in person.absences) - first).days // 7)
        earliest = max(0, (min(start for start, _ in person.absences) - first).days // 7)
        for w in range(earliest, last + 1):
            days = _absent_weekdays(person.absences, first + timedelta(weeks=w))
            if days:
                weeks_off[w] = weeks_off.get(w, 0.0) + hours * days / 5
    capacity: dict[str, list[float]] = {}
    for role, hours in per_role.items():
        row = [hours] * weeks
        for w, lost in absent.get(role, {}).items():
            row[w] = max(0.0, row[w] - lost)
        capacity[role] = row
    for row in capacity.values():
        row[0] *= first_fraction
    return capacity


class _Team:
    """Which roles of the team may do which task, per service, under a rule set.

    Only the team's own staff count (extra what-if hours never change who does what, so more
    hours can never make anything later); the verzekeringsarts is always there to fall back on.
    """

    def __init__(self, people: Sequence[Person], ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.quals: dict[str, list[tuple[str, ...]]] = {VA: []}
        for person in people:
            self.quals.setdefault(person.role, []).append(person.qualifications)
        if not self.quals[VA]:
            self.quals[VA].append(())
        self._memo: dict[tuple[str, str, str], str] = {}

    def permission(self, task: str, role: str, service: str) -> str:
        """``zelfstandig`` if any member of the role may do it alone, else ``gedelegeerd``/``nee``."""
        key = (task, role, service)
        found = self._memo.get(key)
        if found is None:
            kinds = {
                self.ruleset.permission(task, role, service, q) for q in self.quals.get(role, [])
            }
            found = next((k for k in ("zelfstandig", "gedelegeerd") if k in kinds), "nee")
            self._memo[key] = found
        return found


def case_steps(
    service: str, route: str, norms: Norms, team: _Team, delegation_share: float
) -> tuple[Step, ...]:
    """The chain of work of one case, after the rule set and the delegation share."""
    steps: list[Step] = []
    for act in norms.activities(service, route):
        if act.role == VA:
            delegate = next(
                (
                    (role, kind)
                    for role in norms.delegate_to
                    if (kind := team.permission(act.task, role, service)) != "nee"
                ),
                None,
            )
            if delegate is None or delegation_share <= 0:
                steps.append(Step(act.task, VA, act.hours))
                continue
            role, kind = delegate
            moved = act.hours * delegation_share
            steps.append(Step(act.task, role, moved, kind))
            own = act.hours - moved + (moved * norms.sign_off_share if kind == "gedelegeerd" else 0)
            if own > 0:
                steps.append(
                    Step(act.task, VA, own, "accorderen" if kind == "gedelegeerd" else "zelf")
                )
            continue
        kind = team.permission(act.task, act.role, service)
        if kind == "nee" and team.permission(act.task, VA, service) != "nee":
            steps.append(Step(act.task, VA, act.hours))
            continue
        steps.append(Step(act.task, act.role, act.hours, "zelf" if kind != "gedelegeerd" else kind))
        if kind == "gedelegeerd" and norms.sign_off_share > 0:
            steps.append(Step(act.task, VA, act.hours * norms.sign_off_share, "accorderen"))
    return tuple(steps)


Placed = tuple[tuple[str, float, float], ...]
"""A case's steps laid out in their roles' queues: (role, cumulative begin, cumulative end)."""


def _layout(chains: Sequence[tuple[Step, ...]]) -> tuple[list[Placed], dict[str, float]]:
    """Each role's queue in case order: where each step begins and ends in the role's hours.

    This does not depend on capacity, so what-ifs on hours only map hours to weeks again."""
    used: dict[str, float] = {}
    placed: list[Placed] = []
    for chain in chains:
        steps = []
        for step in chain:
            begin = used.get(step.role, 0.0)
            end = begin + step.hours
            used[step.role] = end
            steps.append((step.role, begin, end))
        placed.append(tuple(steps))
    return placed, used


EPS = 1e-9


def _done_week(steps: Placed, cumulative: Mapping[str, Sequence[float]], weeks: int) -> int:
    """The week a case is done: its last step's week, no step before the one before it."""
    done = 0
    for role, _begin, end in steps:
        cum = cumulative.get(role)
        if not cum or cum[-1] + EPS < end:
            return weeks
        done = max(done, bisect_left(cum, end - EPS))
    return done


def _first_week(steps: Placed, cumulative: Mapping[str, Sequence[float]], weeks: int) -> int:
    """The week the first hour of work on a case is planned."""
    first = weeks
    for role, begin, _end in steps:
        cum = cumulative.get(role)
        if cum:
            first = min(first, bisect_right(cum, begin + EPS))
    return first if steps else 0


def _planned(
    capacity: Mapping[str, Sequence[float]], used: Mapping[str, float]
) -> dict[str, list[float]]:
    """Hours planned per role per week: the capacity filled in order until the work runs out."""
    planned: dict[str, list[float]] = {}
    for role, row in capacity.items():
        remaining = used.get(role, 0.0)
        out: list[float] = []
        for hours in row:
            take = min(hours, remaining)
            out.append(take)
            remaining -= take
        planned[role] = out
    return planned


def _cumulative(capacity: Mapping[str, Sequence[float]]) -> dict[str, list[float]]:
    return {role: list(accumulate(row)) for role, row in capacity.items()}


def _over_from(
    cases: Sequence[PlannedCase], starts: Sequence[date], services: frozenset[str], months: int
) -> list[int | None]:
    """Per case of ``services`` the week by whose end it has waited longer than ``months``
    (``None`` for the other services)."""
    ends = [s + timedelta(days=6) for s in starts]
    return [
        bisect_left(ends, add_months(case.received_on, months))
        if case.service in services
        else None
        for case in cases
    ]


def _counts(
    done: Sequence[int], over_from: Sequence[int | None], horizon: int
) -> tuple[list[int], list[int]]:
    """Backlog (not done at the end of the week) and the cases over their limit (see
    ``_over_from``) at the end of each week, via difference arrays."""
    backlog = [0] * (horizon + 1)
    over = [0] * (horizon + 1)
    for d, first in zip(done, over_from, strict=True):
        until = min(d, horizon)
        backlog[0] += 1
        backlog[until] -= 1
        if first is not None and first < until:
            over[first] += 1
            over[until] -= 1
    return list(accumulate(backlog[:horizon])), list(accumulate(over[:horizon]))


def _met_week(over: Sequence[int]) -> int | None:
    """The first week from which no case is over the limit until the horizon's end."""
    if not over or over[-1] > 0:
        return None
    week = len(over)
    while week > 0 and over[week - 1] == 0:
        week -= 1
    return week


def forecast(
    cases: Sequence[PlannedCase],
    people: Sequence[Person],
    norms: Norms,
    ruleset: RuleSet,
    on: date,
    weeks: int = DEFAULT_WEEKS,
    scenario: Scenario | None = None,
    shortfall: bool = True,
    calibrated: Sequence[tuple[Measured, float]] = (),
) -> Forecast:
    """Plan ``cases`` (in policy order) onto ``people`` and measure the targets.

    ``calibrated`` names the norms replaced by the team's recorded times (see ``calibrate``),
    so the inputs say so."""
    scenario = scenario or Scenario()
    weeks = max(1, min(weeks, MAX_WEEKS))
    share = (
        norms.delegation_share
        if scenario.delegation_share is None
        else min(1.0, max(0.0, scenario.delegation_share))
    )
    other = (
        norms.other_work_share
        if scenario.other_work_share is None
        else min(1.0, max(0.0, scenario.other_work_share))
    )
    team = _Team(people, ruleset)
    memo: dict[tuple[str, str], tuple[Step, ...]] = {}
    chains: list[tuple[Step, ...]] = []
    for case in cases:
        key = (case.service, case.route)
        chain = memo.get(key)
        if chain is None:
            chain = memo[key] = case_steps(case.service, case.route, norms, team, share)
        chains.append(chain)
    base_capacity = weekly_capacity(people, on, MAX_WEEKS, other)
    fraction = first_week_fraction(on)
    capacity = _with_extra(base_capacity, scenario.extra_hours, fraction)
    placed, used = _layout(chains)
    cumulative = _cumulative(capacity)
    first = [_first_week(steps, cumulative, MAX_WEEKS) for steps in placed]
    done = [_done_week(steps, cumulative, MAX_WEEKS) for steps in placed]
    planned = _planned(capacity, used)
    starts = [week_start(on) + timedelta(weeks=w) for w in range(MAX_WEEKS)]
    over_from: dict[tuple[frozenset[str], int], list[int | None]] = {}

    def limits_of(services: frozenset[str], months: int) -> list[int | None]:
        """Per case the week it goes over the limit; once per target kind."""
        key = (services, months)
        if key not in over_from:
            over_from[key] = _over_from(cases, starts, services, months)
        return over_from[key]

    target = norms.targets[0] if norms.targets else None
    target_services = target.services if target else frozenset({"WIA_CLAIM"})
    months = target.months if target else 6
    backlog, over = _counts(done, limits_of(target_services, months), weeks)

    def when(index: int) -> date | None:
        return starts[index] if index < MAX_WEEKS else None

    results: list[TargetResult] = []
    for t in norms.targets:
        deadline_week = bisect_right(starts, t.deadline) - 1
        horizon = max(weeks, deadline_week + 1)
        t_limits = limits_of(t.services, t.months)
        _, t_over = _counts(done, t_limits, horizon)
        met_index = _met_week(t_over)
        met = met_index is not None and met_index <= max(deadline_week, 0)
        short: dict[str, float | None] = {}
        together: dict[str, float] = {}
        if not met and shortfall:
            search = _Shortfall(placed, t_limits, capacity, fraction, deadline_week, horizon)
            short = {role: search.alone(role) for role in search.roles}
            together = search.together()
        results.append(
            TargetResult(
                code=t.code,
                label=t.label,
                deadline=t.deadline,
                met_week=starts[met_index] if met_index is not None else None,
                met=met,
                short_hours=short,
                short_hours_together=together,
            )
        )
    inputs = {
        "norms": norms.norms_id,
        "norms_name": norms.name,
        "norms_are_defaults": norms.defaults,
        "ruleset": ruleset.ruleset_id,
        "ruleset_name": ruleset.name,
        "delegation_share": share,
        "sign_off_share": norms.sign_off_share,
        "other_work_share": other,
        "scenario": scenario.label(),
        "staff_per_role": _count_roles(people),
        "hours_per_week_per_role": {
            role: round(sum(p.hours_per_week for p in people if p.role == role), 1)
            for role in sorted({p.role for p in people})
        },
        "extra_hours_per_role": {r: h for r, h in sorted(scenario.extra_hours.items()) if h},
        "absences": sum(len(p.absences) for p in people),
        "cases_planned": len(cases),
        "new_cases": "niet meegerekend: alleen de huidige werkvoorraad",
        "calibrated": [
            {
                "service": m.service,
                "task": m.task,
                "default_hours": default,
                "measured_hours": round(m.hours, 2),
                "count": m.count,
                "source": m.source,
            }
            for m, default in calibrated
        ],
        "without_capacity": sorted(
            {
                s.role
                for ch in memo.values()
                for s in ch
                if not any(capacity.get(s.role, [0])[:weeks])
            }
        ),
    }
    return Forecast(
        on=on,
        week_starts=tuple(starts[:weeks]),
        backlog=tuple(backlog),
        over_six_months=tuple(over),
        cases=tuple(
            CaseForecast(c.case_ref, when(first[i]), when(done[i])) for i, c in enumerate(cases)
        ),
        targets=tuple(results),
        capacity={r: tuple(row[:weeks]) for r, row in sorted(capacity.items())},
        planned={r: tuple(row[:weeks]) for r, row in sorted(planned.items())},
        inputs=inputs,
    )


def _with_extra(
    capacity: Mapping[str, Sequence[float]], extra: Mapping[str, float], first_fraction: float
) -> dict[str, list[float]]:
    """Capacity plus extra hours per week for some roles (the first week in proportion); fewer
    hours (a negative number: absence, vacancies) never take a week below none."""
    out = {role: list(row) for role, row in capacity.items()}
    for role, hours in extra.items():
        if hours > 0 or (hours < 0 and role in out):
            row = out.setdefault(role, [0.0] * MAX_WEEKS)
            first = hours * first_fraction
            row[0] = max(0.0, row[0] + first)
            for w in range(1, len(row)):
                row[w] = max(0.0, row[w] + hours)
    return out


def _count_roles(people: Iterable[Person]) -> dict[str, int]:
    return dict(sorted(Counter(person.role for person in people).items()))


class _Shortfall:
    """Searches for the extra weekly hours that meet a target by its deadline.

    Where the work lies in each role's queue does not change with the hours, so a target's
    condition reduces to limits per role: by the end of week ``a`` the role's cumulative hours
    must reach ``end``, for the latest step end of the target's cases allowed until week ``a``
    (the deadline, or the week a case would go over the limit, whichever is later)."""

    def __init__(
        self,
        placed: Sequence[Placed],
        over_from: Sequence[int | None],
        capacity: Mapping[str, Sequence[float]],
        fraction: float,
        deadline_week: int,
        horizon: int,
    ) -> None:
        limits: dict[str, dict[int, float]] = {}
        for i, over_from_week in enumerate(over_from):
            if over_from_week is None:
                continue  # not a case of the target's services
            if over_from_week >= horizon:
                continue  # over the limit only after the forecast's horizon
            allowed = max(over_from_week, deadline_week, 0)
            for role, _begin, end in placed[i]:
                by_week = limits.setdefault(role, {})
                by_week[allowed] = max(by_week.get(allowed, 0.0), end)
        self.limits = {role: sorted(by_week.items()) for role, by_week in limits.items()}
        self.roles = sorted(self.limits)
        self.cumulative = _cumulative(capacity)
        self.fraction = fraction

    def meets(self, extra: Mapping[str, float]) -> bool:
        for role, limits in self.limits.items():
            cum = self.cumulative.get(role)
            hours = extra.get(role, 0.0)
            for week, end in limits:
                have = (cum[week] if cum else 0.0) + hours * (week + self.fraction)
                if have + EPS < end:
                    return False
        return True

    def _least(self, trial: Callable[[float], bool], high: int = MAX_EXTRA_HOURS) -> float | None:
        """The least whole number for which the monotone ``trial`` holds, or None."""
        if not trial(high):
            return None
        if trial(0):
            return 0.0
        low = 0
        while high - low > 1:
            mid = (low + high) // 2
            if trial(mid):
                high = mid
            else:
                low = mid
        return float(high)

    def alone(self, role: str) -> float | None:
        """Extra hours for ``role`` alone, the others as they are."""
        return self._least(lambda h: self.meets({role: h}))

    def _with_others_unlimited(self, role: str) -> Callable[[float], bool]:
        others = {r: MAX_EXTRA_HOURS for r in self.roles if r != role}
        return lambda hours: self.meets({**others, role: hours})

    def together(self) -> dict[str, float]:
        """Per role the hours it needs were the other roles no bottleneck, scaled up together
        until the target is met; empty when even the largest search does not meet it."""
        needs: dict[str, float] = {}
        for role in self.roles:
            need = self._least(self._with_others_unlimited(role))
            if need is None:
                return {}
            needs[role] = need
        if self.meets(needs):
            return {r: h for r, h in needs.items() if h > 0}
        factor = self._least(
            lambda k: self.meets({r: h * (1 + k / 10) for r, h in needs.items()}), 640
        )
        if factor is None:
            return {}
        scale = 1 + factor / 10
        return {r: float(math.ceil(h * scale)) for r, h in needs.items() if h > 0}


def _hours(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def target_sentences(result: Forecast) -> list[str]:
    """Each target in one Dutch sentence: met (from which week), or what it would take."""
    lines = []
    for target in result.targets:
        deadline = format_date(target.deadline)
        if target.met and target.met_week:
            lines.append(
                f"{target.label}: gehaald in de week van {format_date(target.met_week)} "
                f"(doel vóór {deadline})."
            )
            continue
        alone = [
            f"{_hours(hours)} uur per week extra {role}"
            for role, hours in target.short_hours.items()
            if hours is not None
        ]
        together = " en ".join(
            f"{_hours(hours)} uur {role}" for role, hours in target.short_hours_together.items()
        )
        if alone:
            how = f"; haalbaar met bijvoorbeeld {' of '.join(alone)}."
        elif together:
            how = f"; haalbaar met samen {together} per week extra."
        elif target.short_hours:
            how = "; ook met veel meer uren niet haalbaar."
        else:
            how = "."
        lines.append(f"{target.label}: niet gehaald vóór {deadline}{how}")
    return lines


def inputs_sentence(result: Forecast) -> str:
    """What the forecast assumed, in Dutch: it is an estimate and says so."""
    i = result.inputs
    text = (
        f"Schatting, geen toezegging. Uitgangspunten: {i.get('norms_name') or i['norms']}"
        f"{' (standaardwaarden)' if i['norms_are_defaults'] else ''}, regelset "
        f"{i.get('ruleset_name') or i['ruleset']}, "
        f"{round(i['delegation_share'] * 100)}% van het delegeerbare VA-werk gedelegeerd, "
        f"{round(i['other_work_share'] * 100)}% van de uren voor ander werk, "
        f"{i['absences']} afwezigheden, {i['cases_planned']} zaken in behandeling genomen; "
        "nieuwe zaken zijn niet meegerekend."
    )
    own = [c for c in i.get("calibrated", []) if c.get("source") == "team"]
    measured = [c for c in i.get("calibrated", []) if c.get("source") != "team"]
    if own:
        text += f" Normen van het team voor {len(own)} activiteit(en)."
    if measured:
        text += (
            " Normen bijgesteld met de bestede tijd van het team voor "
            f"{len(measured)} activiteit(en)."
        )
    if i["without_capacity"]:
        text += f" Geen uren voor {', '.join(i['without_capacity'])}: die zaken raken niet af."
    return text


@dataclass(frozen=True, slots=True)
class ForecastPage:
    """The forecast as a printed page shows it: the first weeks, the targets, the inputs."""

    on: date
    team: str
    weeks: tuple[tuple[date, int, int], ...]
    sentences: tuple[str, ...]
    inputs: str


def page(result: Forecast, team: str, weeks: int = 8) -> ForecastPage:
    return ForecastPage(
        on=result.on,
        team=team,
        weeks=tuple(
            (result.week_starts[i], result.backlog[i], result.over_six_months[i])
            for i in range(min(weeks, len(result.week_starts)))
        ),
        sentences=tuple(target_sentences(result)),
        inputs=inputs_sentence(result),
    )
