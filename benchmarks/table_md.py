"""A Markdown table of several ``run.py --json`` results side by side (for docs/benchmarks.md).

.venv/bin/python benchmarks/run.py --cases 2000 --json | tail -1 > /tmp/2k.json
...
.venv/bin/python benchmarks/table_md.py /tmp/2k.json /tmp/20k.json /tmp/250k.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from run import METRICS, QUEUE_RATIO_GOAL, dutch, goal_met


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
    reports = sorted(reports, key=lambda r: r["cases"])
    head = ["meting", "eenheid", *(f"{dutch(r['cases'], 0)} zaken" for r in reports)]
    head += ["doel bij 250.000", "gehaald"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    largest = reports[-1]
    for name, (label, unit, goal, direction, _floor) in METRICS.items():
        if name == "queue_ms":
            goal_text = f"≤ {QUEUE_RATIO_GOAL:g}× vloer"
        elif goal is None:
            goal_text = ""
        else:
            goal_text = f"{'≤' if direction == 'max' else '≥'} {dutch(goal, 0)}"
        met = goal_met(name, largest.get(name), largest["ratios"]) if largest["cases"] else ""
        row = [f"`{name}` {label.strip()}", unit, *(cell(r, name) for r in reports)]
        lines.append("| " + " | ".join([*row, goal_text, met]) + " |")
    return "\n".join(lines)


def main() -> int:
    reports = [
        json.loads(Path(p).read_text("utf-8").strip().splitlines()[-1]) for p in sys.argv[1:]
    ]
    print(markdown(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
