"""The measurements. Each function returns one sample in milliseconds (or its own unit);
``run.py`` repeats them and takes the median."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from mdbtriage.core.policy import CLASS_ORDER, Policy
from mdbtriage.core.triage import build_queue, placement_dicts
from mdbtriage.store.database import Store
from synthetic import copy_store, import_csv, open_store


def available(module: str) -> bool:
    """Whether a (colleague's) module exists in the installed package."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


# -- werkvoorraad -------------------------------------------------------------------------------


def queue_sample(store: Store, policy: Policy, on: date) -> tuple[float, int]:
    """What ``queue --format json`` computes (the same calls as ``cli.queue``): the open cases
    on ``on`` read (``cases_to_place``: in the werkvoorraad's order on the workstation store,
    unordered on the office store), placed in order, with flags, reasons and team for every
    case. Writing the JSON text to stdout is not included."""
    from mdbtriage.core.fast import long_lived
    from mdbtriage.store.queue_view import cases_to_place

    started = time.perf_counter()
    with long_lived():
        rows = cases_to_place(store, policy, None, on=on)
        placements = build_queue([r.facts for r in rows], on, policy)
        objects = placement_dicts(placements, policy, {r.facts.case_ref: r.team for r in rows})
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(objects)


def largest_team(store: Store) -> tuple[str, int]:
    """The team with the most open cases (the first by id among equals) and that number."""
    row = store.conn.execute(
        "SELECT team_id, count(*) FROM cases WHERE status != 'afgerond' "
        "GROUP BY team_id ORDER BY count(*) DESC, team_id LIMIT 1"
    ).fetchone()
    if row is None:
        raise RuntimeError("the store has no open cases")
    return str(row[0]), int(row[1])


def team_queue_sample(store: Store, policy: Policy, on: date, team: str) -> tuple[float, int]:
    """The werkvoorraad of one team as the desktop's view loads it (``load_queue`` with the
    team: ``queue_cases`` with ``team=…``, the next open tasks, the placed rows)."""
    from mdbtriage.store.queue_view import load_queue

    started = time.perf_counter()
    entries = load_queue(store, on, policy, team=team)
    return (time.perf_counter() - started) * 1000, len(entries)


def team_read_sample(store: Store, policy: Policy, on: date, team: str) -> tuple[float, int]:
    """Only the read of :func:`team_queue_sample`: ``queue_cases`` with ``team=…``."""
    from mdbtriage.store.queue_view import queue_cases

    started = time.perf_counter()
    rows = queue_cases(store, policy, team, on=on)
    return (time.perf_counter() - started) * 1000, len(rows)


def forecast_sample(store: Store, policy: Policy, on: date) -> tuple[Callable[[], float], int]:
    """Each team's forecast inputs read once (as the Prognose tab does, without writing the
    log record to the cached store); the sample times the forecasts of all teams, each with
    the search for the hours its target needs."""
    from mdbtriage.core.forecast import load_norms
    from mdbtriage.store.delegations import ruleset_for
    from mdbtriage.store.forecast import (
        ForecastInputs,
        measured_times,
        planned_cases,
        team_norms,
        team_people,
        team_settings,
    )

    teams = [str(r[0]) for r in store.conn.execute("SELECT team_id FROM teams ORDER BY team_id")]
    inputs = [
        ForecastInputs(
            team,
            on,
            planned_cases(store, team, on, policy),
            team_people(store, team),
            ruleset_for(store, team, on),
            team_settings(store, team),
            measured_times(store, team),
            team_norms(store, team),
        )
        for team in teams
    ]
    norms = load_norms()

    def sample() -> float:
        started = time.perf_counter()
        for team_inputs in inputs:
            team_inputs.run(norms=norms)
        return (time.perf_counter() - started) * 1000

    return sample, len(teams)


def class_rank_sql(policy: Policy) -> str:
    """The policy class of a case as an SQL expression (for the floor's ORDER BY)."""
    rank = {klasse: i for i, klasse in enumerate(CLASS_ORDER)}
    plain = " ".join(
        f"WHEN '{service}' THEN {rank[klasse]}" for service, klasse in policy.service_class.items()
    )
    special = " ".join(
        f"WHEN '{service}' THEN {rank[klasse]}"
        for service, klasse in policy.service_schrijnend_class.items()
    )
    if not special:
        return f"CASE c.service {plain} END"
    return (
        "CASE WHEN c.schrijnend = 1 AND trim(coalesce(c.schrijnend_ref, '')) != '' "
        f"THEN coalesce(CASE c.service {special} END, CASE c.service {plain} END) "
        f"ELSE CASE c.service {plain} END END"
    )


def floor_sql(policy: Policy, office: bool = False) -> str:
    """The floor's query: the queue's rows in policy order, bare (text ordered by code point
    on both stores)."""
    ref = 'c.case_ref COLLATE "C"' if office else "c.case_ref"
    return (
        "SELECT c.case_ref, c.service, c.received_on, k.birth_date, c.requester, c.motivated, "
        "c.working, c.consents_60_plus, c.schrijnend, c.schrijnend_ref, c.ingebrekestelling, "
        "c.dwangsom, k.bsn, k.name, c.team_id, c.status, c.client_id "
        "FROM cases c JOIN clients k ON k.client_id = c.client_id "
        "WHERE c.status != 'afgerond' "
        f"ORDER BY {class_rank_sql(policy)}, c.received_on, {ref}"
    )


def queue_floor_sample(path: Path, policy: Policy) -> tuple[float, int]:
    """The same rows fetched in policy order with a bare ``sqlite3`` SELECT … ORDER BY."""
    sql = floor_sql(policy)
    conn = sqlite3.connect(str(path))
    try:
        started = time.perf_counter()
        rows = conn.execute(sql).fetchall()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        conn.close()
    return elapsed, len(rows)


# -- import -------------------------------------------------------------------------------------


def import_sample(store_path: Path, n_rows: int, seed: int) -> float:
    """Rows per second of what ``import-cases FILE`` does once the store is open: read the file,
    parse and validate every row, hold the rows against the store (known teams, BSN of a stored
    client with another date of birth), upsert cases and clients, write the access-log records,
    commit. Into a copy of the store; opening it (the start checks) is measured by
    ``startup_ms``. Rows the store refuses (a generated BSN that a stored client already has,
    with another date of birth: a few dozen of 20,000 at 250,000 cases) are left out of the
    write as with ``--skip-invalid`` (kept in ``zaken.rejected.csv``); every row counts as read.
    The file is read, checked and staged in chunks (``store.imports``), as the command does."""
    with tempfile.TemporaryDirectory(prefix="mdb-bench-") as tmp:
        target = copy_store(store_path, Path(tmp) / "import.sqlite3")
        with open_store(target) as store:
            return timed_import(store, Path(tmp), n_rows, seed)


def timed_import(store: Store, tmp: Path, n_rows: int, seed: int) -> float:
    """Rows per second of ``import-cases`` of a generated file of ``n_rows`` new cases into
    ``store`` (open already), the file written to ``tmp`` first; on either store."""
    from mdbtriage.store.imports import import_file
    from synthetic import BENCH_ACTOR

    csv_path = tmp / "zaken.csv"
    csv_path.write_bytes(import_csv(n_rows, seed, date.today()))
    # The import syncs its commit to disk; data other programs (and a copy just made) left
    # unwritten would otherwise be flushed within that sync and counted here.
    if hasattr(os, "sync"):
        os.sync()
    started = time.perf_counter()
    report = import_file(
        store,
        csv_path,
        "cases",
        skip_invalid=True,
        actor=BENCH_ACTOR,
        today=date.today(),
        skip_hint="",
    )
    elapsed = time.perf_counter() - started
    counts = report.counts
    if counts is None or counts.created < n_rows * 0.99:
        raise RuntimeError(f"import-cases wrote too few of {n_rows} rows: {report.lines[:3]}")
    return n_rows / elapsed


# -- GUI ----------------------------------------------------------------------------------------

SMOKE_LINE = "smoke: hoofdvenster geopend"


def gui_user(store_path: Path) -> tuple[str, str]:
    """A team lead of the demo store and the documented demo password (demo accounts)."""
    from mdbtriage.core.accounts import DEMO_PASSWORD

    with open_store(store_path) as store:
        row = store.conn.execute(
            "SELECT s.staff_id FROM staff s JOIN accounts a ON a.staff_id = s.staff_id "
            "WHERE s.role = 'TL' AND s.active = 1 ORDER BY s.staff_id LIMIT 1"
        ).fetchone()
    if row is None:
        raise RuntimeError("the demo store has no team lead with an account")
    return str(row[0]), DEMO_PASSWORD


def _gui_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_DATA_HOME=str(tmp / "data"),
        TMPDIR=str(tmp),
    )
    env.pop("MDB_TRIAGE_DB", None)
    return env


def gui_probe_sample(
    store_path: Path | str, on: date, tmp: Path, staff_id: str = ""
) -> dict[str, Any]:
    """One fresh process: first paint, the whole werkvoorraad, filter samples, peak memory
    (see gui_probe.py). On a store file as a team lead of the store; on the office store (its
    address) for the staff member ``staff_id`` over the address's database login."""
    password = ""
    if not isinstance(store_path, str):
        staff_id, password = gui_user(store_path)
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("gui_probe.py")),
            "--db",
            str(store_path),
            "--user",
            staff_id,
            "--password",
            password,
            "--on",
            on.isoformat(),
        ],
        capture_output=True,
        text=True,
        env=_gui_env(tmp),
        timeout=900,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"gui_probe failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def settle(store_path: Path) -> None:
    """Wait until the store was last written (or its attributes changed) ``SETTLED_NS`` ago,
    as at any real start (the previous sample's program closed it moments ago): the desktop
    reads a settled store for its seal check while Qt loads (``safety.prefetch_digest``), a
    store written just now when it opens it."""
    from mdbtriage.store.safety import seconds_until_settled

    wait = seconds_until_settled(store_path)
    if wait > 0:
        time.sleep(wait + 0.05)


def startup_sample(location: Path | str, tmp: Path, staff_id: str = "") -> float:
    """Milliseconds from process start to the main window shown: the real
    ``mdb-triage --db LOCATION gui`` in smoke mode (signs in, shows the window, quits). On a
    store file (an existing one) as a team lead of the store; on the office store (its
    address) as the staff member ``staff_id`` over their own database login, with the demo
    password, as the sign-in window would (the connection, the sign-in check, the sign-in
    record).

    With compiled bytecode, as an installed program has it: a development shell may forbid
    writing ``.pyc`` files (``PYTHONDONTWRITEBYTECODE``), which would compile every module of
    the program from source on every start; the cache goes to ``tmp``. ``run.py`` makes one
    start first that is not counted (it fills that cache, and on a store file it closes the
    store that the GUI copy starts unsealed). Signing in writes to the store: give it a copy."""
    from mdbtriage.core.accounts import DEMO_PASSWORD
    from mdbtriage.ui.recovery import ENV_SMOKE, ENV_SMOKE_PASSWORD, ENV_SMOKE_USER

    if isinstance(location, str):
        user, password = staff_id, DEMO_PASSWORD
    else:
        user, password = gui_user(location)
    if not isinstance(location, str):
        settle(location)
    env = _gui_env(tmp)
    env.update({ENV_SMOKE: "1", ENV_SMOKE_USER: user, ENV_SMOKE_PASSWORD: password})
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    command = [
        sys.executable,
        "-c",
        "import sys; from mdbtriage.cli import main; sys.exit(main())",
        "--db",
        str(location),
        "gui",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    shown: float | None = None
    assert process.stderr is not None
    seen: list[str] = []
    for line in process.stderr:
        seen.append(line)
        if SMOKE_LINE in line and shown is None:
            shown = (time.perf_counter() - started) * 1000
    process.wait(timeout=900)
    if shown is None:
        raise RuntimeError(f"the main window was not shown: {''.join(seen)[-2000:]}")
    return shown
