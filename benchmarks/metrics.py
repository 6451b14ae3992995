"""The measurements. Each function returns one sample in milliseconds (or its own unit);
``run.py`` repeats them and takes the median."""

from __future__ import annotations

import importlib.util
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from mdbtriage.cli import cli
from mdbtriage.core.policy import CLASS_ORDER, Policy
from mdbtriage.core.triage import build_queue, placement_dicts
from mdbtriage.store.database import Store
from mdbtriage.store.records import open_cases
from synthetic import copy_store, import_csv, open_store


def available(module: str) -> bool:
    """Whether a (colleague's) module exists in the installed package."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


# -- werkvoorraad -------------------------------------------------------------------------------


def queue_sample(store: Store, policy: Policy, on: date) -> tuple[float, int]:
    """What ``queue --format json`` computes (the same calls): open cases, placed, with flags
    and reasons for every case. Writing the JSON text to stdout is not included."""
    started = time.perf_counter()
    rows = open_cases(store)
    placements = build_queue((r.facts for r in rows), on, policy)
    objects = placement_dicts(placements, policy)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(objects)


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


def queue_floor_sample(path: Path, policy: Policy) -> tuple[float, int]:
    """The same rows fetched in policy order with a bare ``sqlite3`` SELECT … ORDER BY."""
    sql = (
        "SELECT c.case_ref, c.service, c.received_on, k.birth_date, c.requester, c.motivated, "
        "c.working, c.consents_60_plus, c.schrijnend, c.schrijnend_ref, c.ingebrekestelling, "
        "c.dwangsom, k.bsn, k.name, c.team_id, c.status, c.client_id "
        "FROM cases c JOIN clients k ON k.client_id = c.client_id "
        "WHERE c.status != 'afgerond' "
        f"ORDER BY {class_rank_sql(policy)}, c.received_on, c.case_ref"
    )
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
    """Rows per second of ``import-cases`` (parse, validate, upsert, access log, commit) of a
    generated CSV into a copy of the store, run in-process through the command itself."""
    with tempfile.TemporaryDirectory(prefix="mdb-bench-") as tmp:
        target = copy_store(store_path, Path(tmp) / "import.sqlite3")
        csv_path = Path(tmp) / "zaken.csv"
        csv_path.write_bytes(import_csv(n_rows, seed, date.today()))
        runner = CliRunner()
        started = time.perf_counter()
        result = runner.invoke(cli, ["--db", str(target), "import-cases", str(csv_path)])
        elapsed = time.perf_counter() - started
        if result.exit_code != 0:
            raise RuntimeError(f"import-cases failed ({result.exit_code}): {result.output[-2000:]}")
        with open_store(target) as check:
            imported = check.conn.execute(
                "SELECT count(*) FROM cases WHERE case_ref LIKE 'IMP-%'"
            ).fetchone()[0]
        if imported != n_rows:
            raise RuntimeError(f"import-cases wrote {imported} of {n_rows} rows")
    return n_rows / elapsed
