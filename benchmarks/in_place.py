"""The werkvoorraad brought up to date in place, against reading it whole, at national scale.

    .venv/bin/python benchmarks/in_place.py --cases 250000 --runs 5

On a copy of the benchmark store: the werkvoorraad screen (all teams in view, a row selected)
gets a change of 1 and of 50 cases as a colleague's commit on the office store reports it, and
puts their rows in place (``WerkvoorraadView.update_in_place``: reading the cases, placing them,
renumbering, the model's row signals, the selection and the scroll position). Against it: the
full reload, the werkvoorraad computed on a connection of its own and handed to the model.
Medians of ``--runs``; the cases changed differ per run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

import synthetic  # noqa: E402
from mdbtriage.core.policy import DEFAULT_POLICY, load_policy  # noqa: E402
from mdbtriage.store.records import get_case, upsert_cases  # noqa: E402
from mdbtriage.ui.events import Changes  # noqa: E402
from mdbtriage.ui.session import Session  # noqa: E402
from mdbtriage.ui.werkvoorraad import WerkvoorraadView, compute_queue  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    bench = synthetic.demo_store(args.cases, args.seed)
    policy = load_policy(DEFAULT_POLICY)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as directory:
        path = synthetic.copy_store(bench.path, Path(directory) / "store.sqlite3")
        store = synthetic.open_store(path)
        session = Session(staff_id="BENCH", name="Benchmark", role="TL", team=None)
        view = WerkvoorraadView(store, session, policy, bench.today)
        view.resize(1400, 800)
        view.show()
        app.processEvents()

        reloads: list[float] = []
        for _ in range(args.runs):
            started = time.perf_counter()
            load = compute_queue(path, bench.today, policy)
            view.model.set_entries(load.entries, load.by_ref)
            view.figures_by_team = load.by_team
            app.processEvents()
            reloads.append((time.perf_counter() - started) * 1000)
        view.table.selectRow(40)
        open_refs = [e.case_ref for e in view.model.all_entries()]

        def in_place(count: int, change: str) -> tuple[float, float]:
            refs = rng.sample(open_refs, count)
            cases = [get_case(store, ref) for ref in refs]  # type: ignore[arg-type]
            if change == "afgerond":
                changed = [replace(c, status="afgerond") for c in cases]
            elif change == "ontvangen":
                changed = [
                    c.with_facts(received_on=c.facts.received_on - timedelta(days=90))
                    for c in cases
                ]
            else:
                changed = [
                    c.with_facts(ingebrekestelling=not c.facts.ingebrekestelling) for c in cases
                ]
            upsert_cases(store, changed, synthetic.BENCH_ACTOR, "benchmark")
            for ref in refs:
                if change == "afgerond":
                    open_refs.remove(ref)
            started = time.perf_counter()
            done = view.update_in_place(Changes.of(cases=refs, external=True))
            updated = (time.perf_counter() - started) * 1000
            app.processEvents()
            painted = (time.perf_counter() - started) * 1000
            if not done:
                raise RuntimeError("not put in place")
            return updated, painted

        print(f"{args.cases:,} zaken, {len(open_refs):,} open; mediaan van {args.runs} runs (ms)")
        print(
            f"  volledig opnieuw lezen (tot getekend)      {statistics.median(reloads):8.1f}"
            f"   (spreiding {min(reloads):.1f}–{max(reloads):.1f})"
        )
        print("  ter plekke                          bijgewerkt  getekend   (spreiding getekend)")
        for count in (1, 50):
            for change in ("ingebrekestelling", "ontvangen", "afgerond"):
                samples = [in_place(count, change) for _ in range(args.runs)]
                updated = [u for u, _ in samples]
                painted = [p for _, p in samples]
                print(
                    f"  {count:>2} zaken, {change:<17}        {statistics.median(updated):8.1f}  "
                    f"{statistics.median(painted):8.1f}   ({min(painted):.1f}–{max(painted):.1f})"
                )
        view.deactivate()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
