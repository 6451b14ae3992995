"""Smoke test of the PyInstaller build: copied to a clean folder, it fills a demo store, checks
it and opens the main window offscreen. Slow: runs when dist/mdb-triage exists or when
MDB_TRIAGE_BUILD=1 asks for a build (``bash packaging/build.sh``)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist" / "mdb-triage"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("MDB_TRIAGE_BUILD") == "1":
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], check=True, timeout=1800)
    if not (DIST / "mdb-triage").exists():
        pytest.skip(
            "geen build in dist/mdb-triage (bash packaging/build.sh, of MDB_TRIAGE_BUILD=1)"
        )
    clean = tmp_path_factory.mktemp("clean") / "mdb-triage"
    shutil.copytree(DIST, clean, symlinks=True)
    return clean


def _run(bundle: Path, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"HOME": str(home), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [str(bundle / "mdb-triage"), *args],
        cwd=home,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_built_program_runs_from_a_clean_folder(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = _run(bundle, tmp_path, "--db", str(db), "demo", "--cases", "50")
    assert result.returncode == 0, result.stderr
    result = _run(bundle, tmp_path, "--db", str(db), "check")
    assert result.returncode == 0, result.stderr
    assert "50 zaken" in result.stderr
    result = _run(bundle, tmp_path, "--db", str(db), "backup")
    assert result.returncode == 0 and "gecontroleerd" in result.stderr
    conn = sqlite3.connect(db)
    lead = conn.execute("SELECT staff_id FROM staff WHERE role = 'TL' ORDER BY staff_id").fetchone()
    conn.close()
    from mdbtriage.core.accounts import DEMO_PASSWORD

    result = _run(
        bundle,
        tmp_path,
        "--db",
        str(db),
        "--user",
        lead[0],
        "queue",
        "--format",
        "json",
        MDB_TRIAGE_PASSWORD=DEMO_PASSWORD,
    )
    assert result.returncode == 0 and result.stdout.startswith("[")

    result = _run(
        bundle,
        tmp_path,
        "--db",
        str(db),
        "gui",
        MDB_TRIAGE_SMOKE="1",
        MDB_TRIAGE_SMOKE_USER=lead[0],
        MDB_TRIAGE_SMOKE_PASSWORD=DEMO_PASSWORD,
    )
    assert result.returncode == 0, result.stderr
    assert "smoke: hoofdvenster geopend" in result.stderr
