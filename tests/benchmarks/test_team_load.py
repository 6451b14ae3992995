"""Smoke test of the load benchmark (``run.py --workstations``; not a timed test): a few
workstations for a few seconds on each store, every metric reported, nothing failed or lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"
KEYS = {
    "team_actions",
    "team_errors",
    "team_refused",
    "team_lost_updates",
    "team_p50_ms",
    "team_p95_ms",
    "refresh_p50_ms",
    "refresh_p95_ms",
    "per_action",
}


def run_load(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(RUNNER), "--json", "--min-actions", "0", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(report) >= KEYS
    assert report["team_actions"] > 0
    assert report["team_errors"] == 0, report["errors_sample"]
    assert report["team_lost_updates"] == 0, report["lost_sample"]
    assert report["team_p95_ms"] >= report["team_p50_ms"] > 0
    return report


def test_load_on_the_workstation_store(tmp_path: Path) -> None:
    report = run_load(
        "--workstations", "3", "--cases", "200", "--duration", "6",
        "--store-dir", str(tmp_path / "stores"),
    )  # fmt: skip
    assert report["backend"] == "sqlite" and report["workstations"] == 3
    # Three people on one file hear each other's commits through the change counter.
    assert report["refresh_samples"] > 0 and report["refresh_p95_ms"] is not None


def test_load_on_the_office_store(pg_admin_url: str) -> None:
    """On the server MDB_TRIAGE_TEST_PG names (skipped without one, except under CI=true):
    each workstation signs in with its own demo login and hears the others' notifications."""
    report = run_load(
        "--backend", "postgresql", "--workstations", "4", "--cases", "2000", "--duration", "6",
        env={**os.environ, "MDB_TRIAGE_TEST_PG": pg_admin_url},
    )  # fmt: skip
    assert report["backend"] == "postgresql" and report["workstations"] == 4
    assert report["refresh_samples"] > 0 and report["refresh_p95_ms"] is not None
