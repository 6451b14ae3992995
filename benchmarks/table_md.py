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

from run import METRICS, QUEUE_RATIO_GOAL, dutch, goal_met, metric_label

STORE_SHORT = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def cell(report: dict[str, Any], name: str) -> str:
    value = report.get(name)
    if value is None:
        return "n.v.t."
    text = dutch(value, 0 if value >= 1000 else 1)
    floor_name = METRICS[name][4]
    ratio = report["ratios"].get(name) if floor_name else None
    if ratio is not None:
        text += f" ({dutch(ratio, 2)}×)"
    return text


def markdown(reports: list[dict[str, Any]]) -> str:
    """One column per report (by store, then size) and, per store, whether the goals are met
    at its largest size."""
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
    for name, (_label, unit, goal, direction, _floor) in METRICS.items():
        if name == "queue_ms":
            goal_text = f"≤ {QUEUE_RATIO_GOAL:g}× vloer"
        elif goal is None:
            goal_text = ""
        else:
            goal_text = f"{'≤' if direction == 'max' else '≥'} {dutch(goal, 0)}"
        met = [goal_met(name, big.get(name), big["ratios"]) for big in largest.values()]
        label = metric_label(name, backends[0]) if not mixed else METRICS[name][0]
        if mixed and name == "queue_floor_ms":
            label = "  vloer: kale SELECT … ORDER BY (sqlite3, psycopg)"
        row = [f"`{name}` {label.strip()}", unit, *(cell(r, name) for r in reports)]
        lines.append("| " + " | ".join([*row, goal_text, *met]) + " |")
    return "\n".join(lines)


def main() -> int:
    reports = [
        json.loads(Path(p).read_text("utf-8").strip().splitlines()[-1]) for p in sys.argv[1:]
    ]
    print(markdown(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
