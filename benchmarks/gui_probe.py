"""GUI measurements in a fresh process (run by ``run.py``; prints one JSON object).

first paint: the main window (werkvoorraad tab) constructed and shown until the werkvoorraad's
first rows are in the table and painted (the first rows in policy order, shown while the whole
queue is computed, or the whole queue if that comes first); full (``queue_ready_ms`` in
``run.py``): the same until the whole werkvoorraad is in and painted; stall: the longest the
GUI thread did not get to its event loop after the first paint until half a second after the
whole queue arrived; filter (on the whole queue): a search term typed into the werkvoorraad
until the view is updated and painted (the search box's typing delay excluded); rss: the
process's peak resident memory with the werkvoorraad open.

    python benchmarks/gui_probe.py --db STORE --user STAFF_ID --password PW --on YYYY-MM-DD

On the office store ``--db`` is its address with the database login in it (the server
authenticates it); the window is opened for the staff member ``--user`` (default: the one
whose login it is) and ``--password`` is not used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import date
from itertools import pairwise
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEARCH_TERMS = ("jansen", "Z26-0012", "de vries", "anna", "******123", "bakker", "xyz-geen")
TIMEOUT_S = 300
STALL_TICK_MS = 5
# A screenful of rows: the first paint counts once this many rows of the view (or all) are in.
SCREENFUL = 50


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started this program. On Linux the
    kernel's high-water mark of the process's own memory (``VmHWM``): ``ru_maxrss`` is kept
    across the ``exec`` that starts a probe, so it would report the peak of the benchmark
    process that started it (some 400 MB after its own werkvoorraad measurements)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--on", required=True)
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from mdbtriage.core.policy import load_policy
    from mdbtriage.store.accounts import sign_in
    from mdbtriage.store.database import Store, is_office_location
    from mdbtriage.store.records import get_staff
    from mdbtriage.ui.app import application
    from mdbtriage.ui.main_window import MainWindow
    from mdbtriage.ui.session import Session

    app = application()
    settings = QSettings(
        str(Path(os.environ.get("TMPDIR", "/tmp")) / "mdb-bench.ini"), QSettings.Format.IniFormat
    )
    if is_office_location(args.db):
        store = Store.open(args.db)
        staff = get_staff(store, args.user or store.login)  # type: ignore[attr-defined]
        if staff is None:
            print(json.dumps({"error": "de databaselogin hoort bij geen medewerker"}))
            return 1
    else:
        store = Store.open(Path(args.db))
        staff = sign_in(store, args.user, args.password)
    session = Session(staff_id=staff.staff_id, name=staff.name, role=staff.role, team=staff.team)
    policy = load_policy()
    on = date.fromisoformat(args.on)

    started = time.perf_counter()
    window = MainWindow(store, session, policy, on, settings)
    view = window.werkvoorraad
    loaded: list[int] = []
    shown: list[int] = []
    loop = QEventLoop()
    view.loaded.connect(lambda n: (loaded.append(n), loop.quit()))
    view.preview_shown.connect(lambda n: (shown.append(n), loop.quit()))
    ready: list[int] = []
    view.team_ready.connect(lambda n: (ready.append(n), loop.quit()))
    # When the own team's rows got their positions among all teams (they come in the order of
    # the whole werkvoorraad first, the position column saying it is being computed).
    numbered: list[float] = []
    view.team_numbered.connect(lambda _n: numbered.append(time.perf_counter()))
    ticks: list[float] = []
    monitor = QTimer(interval=STALL_TICK_MS)
    monitor.timeout.connect(lambda: ticks.append(time.perf_counter()))
    window.show()
    monitor.start()
    QTimer.singleShot(TIMEOUT_S * 1000, loop.quit)

    # The first paint counts once a screenful of the view is in: the first rows overall, or,
    # in a werkvoorraad of many teams where those hold few of the own team, the own team's
    # whole werkvoorraad that comes instead of them (or the whole queue, if that comes first).
    def screenful() -> bool:
        return bool(loaded or ready or (shown and shown[-1] >= SCREENFUL))

    first_any_ms: float | None = None
    while not screenful():
        loop.exec()
        if not (loaded or ready or shown):
            print(json.dumps({"error": "de werkvoorraad werd niet geladen"}))
            return 1
        if first_any_ms is None:
            view.table.viewport().repaint()
            app.processEvents()
            first_any_ms = (time.perf_counter() - started) * 1000
    view.table.viewport().repaint()
    app.processEvents()
    first_paint_ms = (time.perf_counter() - started) * 1000
    first_rows = view.table.model().rowCount()
    # Ready: the werkvoorraad as the window opens (the own team, or all teams) is in the table:
    # searchable, filterable and sortable.
    while not (loaded or ready):
        loop.exec()
    view.table.viewport().repaint()
    app.processEvents()
    ready_ms = (time.perf_counter() - started) * 1000
    if not loaded:
        loop.exec()
    if not loaded:
        print(json.dumps({"error": "de hele werkvoorraad werd niet geladen"}))
        return 1
    view.table.viewport().repaint()
    app.processEvents()
    full_ms = (time.perf_counter() - started) * 1000
    settle = QEventLoop()
    QTimer.singleShot(500, settle.quit)  # what follows the arrival (freeing, overview figures)
    settle.exec()
    monitor.stop()
    painted = started + first_paint_ms / 1000
    gaps = [b - a for a, b in pairwise(ticks) if b > painted]
    max_stall_ms = max(0.0, max(gaps, default=0.0) * 1000 - STALL_TICK_MS)
    rows = view.model.rowCount()
    rss_mb = peak_rss_mb()

    filter_samples: list[float] = []
    found: dict[str, int] = {}
    for term in SEARCH_TERMS:
        t0 = time.perf_counter()
        view.search.setText(term)
        view.apply_filter_now()
        view.table.viewport().repaint()
        app.processEvents()
        filter_samples.append((time.perf_counter() - t0) * 1000)
        found[term] = view.model.rowCount()
        view.search.setText("")
        view.apply_filter_now()
        app.processEvents()
    rss_mb = max(rss_mb, peak_rss_mb())
    view.deactivate()
    window.close()
    store.close()
    QApplication.processEvents()
    print(
        json.dumps(
            {
                "first_paint_ms": first_paint_ms,
                "first_any_ms": first_any_ms if first_any_ms is not None else first_paint_ms,
                "ready_ms": ready_ms,
                "ready_rows": ready[0] if ready else rows,
                "numbered_ms": (numbered[0] - started) * 1000 if numbered else ready_ms,
                "first_rows": first_rows,
                "preview_rows": shown[0] if shown else 0,
                "full_ms": full_ms,
                "max_stall_ms": max_stall_ms,
                "filter_ms": filter_samples,
                "rss_mb": rss_mb,
                "rows": rows,
                "loaded": loaded[0],
                "found": found,
            }
        )
    )
    sys.stdout.flush()
    os._exit(0)  # skip Qt's teardown of a quarter of a million rows


if __name__ == "__main__":
    sys.exit(main())
