"""A Markdown table of several ``run.py --json`` results side by side (for docs/benchmarks.md);
results of both stores side by side when given both.

.venv/bin/python benchmarks/run.py --cases 2000 --json | tail -1 > /tmp/2k.json
...
.venv/bin/python benchmarks/table_md.py /tmp/2k.json /tmp/20k.json /tmp/250k.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from run import FORECAST_GOALS, METRICS, dutch, goal_met, goal_text, metric_label

STORE_SHORT = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The stores as the goal column names them when their goals differ.
STORE_GOAL = {"sqlite": "werkplek", "postgresql": "kantoor"}


def cell(report: dict[str, Any], name: str) -> str:
    value = report.get(name)
    if value is None:
        return "n.v.t."
    text = dutch(value, 0 if value >= 1000 else 1)
    floor_name = METRICS[name][3]
    ratio = report["ratios"].get(name) if floor_name else None
    if ratio is not None:
        text += f" ({dutch(ratio, 2)}×)"
    return text


def store_goal(name: str, backend: str) -> str:
    """The goal of ``name`` on one store at 250,000 cases; forecast_ms's goals by size."""
    if name == "forecast_ms":
        return ", ".join(
            f"≤ {dutch(goal, 0)} bij {dutch(cases, 0)}"
            for cases, goal in sorted(FORECAST_GOALS.get(backend, {}).items())
        )
    return goal_text(name, backend)


def goal_cell(name: str, backends: list[str]) -> str:
    """The goal shown once when the stores share it, else each store's goal named after its
    store ('≤ 2× vloer (werkplek), ≤ 3× (kantoor)'); a store without a goal is left out."""
    goals = {backend: store_goal(name, backend) for backend in backends}
    if len(set(goals.values())) == 1:
        return goals[backends[0]]
    parts: list[str] = []
    for backend, goal in goals.items():
        if goal:
            shown = goal.replace(" vloer", "") if parts else goal  # the floor named once
            parts.append(f"{shown} ({STORE_GOAL[backend]})")
    return ", ".join(parts)


def markdown(reports: list[dict[str, Any]]) -> str:
    """One column per report (by store, then size), the goals (each store's where they
    differ) and, per store, whether its goals are met at its largest size."""
    backends = list(dict.fromkeys(r.get("backend", "sqlite") for r in reports))
    reports = sorted(
        reports, key=lambda r: (backends.index(r.get("backend", "sqlite")), r["cases"])
    )
    mixed = len(backends) > 1

    def column(r: dict[str, Any]) -> str:
        name = f"{dutch(r['cases'], 0)} zaken"
        return f"{name} ({STORE_SHORT[r.get('backend', 'sqlite')]})" if mixed else name

    largest = {
        backend: max(
            (r for r in reports if r.get("backend", "sqlite") == backend), key=lambda r: r["cases"]
        )
        for backend in backends
    }
    met_heads = [f"gehaald ({STORE_SHORT[b]})" if mixed else "gehaald" for b in backends]
    head = ["meting", "eenheid", *(column(r) for r in reports), "doel bij 250.000", *met_heads]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in METRICS:
        unit = METRICS[name][1]
        met = [goal_met(big, name) for big in largest.values()]
        label = metric_label(name, backends[0]) if not mixed else METRICS[name][0]
        if mixed and name == "queue_floor_ms":
            label = "  vloer: kale SELECT … ORDER BY (sqlite3, psycopg)"
        row = [f"`{name}` {label.strip()}", unit, *(cell(r, name) for r in reports)]
        lines.append("| " + " | ".join([*row, goal_cell(name, backends), *met]) + " |")
    return "\n".join(lines)


def main() -> int:
    reports = [
        json.loads(Path(p).read_text("utf-8").strip().splitlines()[-1]) for p in sys.argv[1:]
    ]
    print(markdown(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
