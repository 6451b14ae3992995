"""Figures for the team lead's overview: the werkvoorraad by class and service, cases past the
term and over six months, and the open work per professional."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from mdbtriage.store.database import Store
from mdbtriage.store.queue_view import QueueEntry


@dataclass(slots=True)
class QueueFigures:
    total: int = 0
    by_class: Counter[str] = field(default_factory=Counter)
    by_service: Counter[str] = field(default_factory=Counter)
    overdue_by_class: Counter[str] = field(default_factory=Counter)
    six_months_by_class: Counter[str] = field(default_factory=Counter)


def queue_figures(entries: Iterable[QueueEntry], team: str | None = None) -> QueueFigures:
    figures = QueueFigures()
    for entry in entries:
        if team and entry.team != team:
            continue
        _count(figures, entry)
    return figures


def _count(figures: QueueFigures, entry: QueueEntry) -> None:
    """Count one row in ``figures``."""
    figures.total += 1
    figures.by_class[entry.klasse] += 1
    figures.by_service[entry.service] += 1
    if entry.overdue_days > 0:
        figures.overdue_by_class[entry.klasse] += 1
    if entry.over_six_months:
        figures.six_months_by_class[entry.klasse] += 1


def figures_by_team(entries: Iterable[QueueEntry]) -> dict[str, QueueFigures]:
    """The figures of every team in one pass (done once, where the werkvoorraad is computed)."""
    teams: dict[str, QueueFigures] = {}
    for entry in entries:
        figures = teams.get(entry.team)
        if figures is None:
            figures = teams[entry.team] = QueueFigures()
        _count(figures, entry)
    return teams


def update_figures(
    teams: dict[str, QueueFigures],
    removed: Iterable[QueueEntry],
    added: Iterable[QueueEntry],
) -> None:
    """Take the rows ``removed`` out of the figures per team and count ``added`` in, in place:
    afterwards the figures are those :func:`figures_by_team` gives the rows as they are now
    (a count down to 0 is left out, as is a team without rows)."""
    for sign, entries in ((-1, removed), (1, added)):
        for entry in entries:
            figures = teams.get(entry.team)
            if figures is None:
                figures = teams[entry.team] = QueueFigures()
            figures.total += sign
            counts = [figures.by_class, figures.by_service]
            keys = [entry.klasse, entry.service]
            if entry.overdue_days > 0:
                counts.append(figures.overdue_by_class)
                keys.append(entry.klasse)
            if entry.over_six_months:
                counts.append(figures.six_months_by_class)
                keys.append(entry.klasse)
            for counter, key in zip(counts, keys, strict=True):
                counter[key] += sign
                if not counter[key]:
                    del counter[key]
            if not figures.total:
                del teams[entry.team]


def combined(parts: Iterable[QueueFigures]) -> QueueFigures:
    """The figures of several teams together."""
    total = QueueFigures()
    for part in parts:
        total.total += part.total
        total.by_class.update(part.by_class)
        total.by_service.update(part.by_service)
        total.overdue_by_class.update(part.overdue_by_class)
        total.six_months_by_class.update(part.six_months_by_class)
    return total


def load_per_professional(
    store: Store, team: str | None = None, limit: int = 20
) -> list[tuple[str, int, int]]:
    """(name with role, open tasks, results waiting for accordering) per person, busiest first."""
    if not store.has_table("tasks"):
        return []
    sql = (
        "SELECT s.name || ' (' || s.role || ')', "
        "count(*) FILTER (WHERE t.status = 'open'), "
        "count(*) FILTER (WHERE t.status = 'te_accorderen') "
        "FROM tasks t JOIN staff s ON s.staff_id = t.assignee_id "
        "WHERE t.status IN ('open', 'te_accorderen')"
    )
    params: tuple[str, ...] = ()
    if team:
        sql += " AND s.team_id = ?"
        params = (team,)
    sql += " GROUP BY s.staff_id ORDER BY count(*) DESC, s.name LIMIT ?"
    rows = store.conn.execute(sql, (*params, limit))
    return [(str(r[0]), int(r[1] or 0), int(r[2] or 0)) for r in rows]
