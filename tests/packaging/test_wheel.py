"""A non-editable install from the wheel finds its migrations, policy and fonts through
importlib.resources, away from the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys, tempfile, pathlib
import mdbtriage
assert mdbtriage.__file__.startswith(sys.argv[1]), mdbtriage.__file__
from mdbtriage.core.policy import load_policy
from mdbtriage.store.database import Store, migrations
from mdbtriage.reports.base import register_fonts
policy = load_policy()
register_fonts()
with tempfile.TemporaryDirectory() as tmp:
    with Store.open(pathlib.Path(tmp) / "s.sqlite3") as store:
        print(policy.policy_id, migrations()[-1].version, store.schema_version())
"""


@pytest.mark.slow
def test_wheel_install_finds_its_data(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("mdb_triage-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "mdbtriage/db/0001_foundation.sql" in names
    assert "mdbtriage/db/pg/0001_foundation.sql" in names
    assert "mdbtriage/resources/policy/landelijk-2026.toml" in names
    assert "mdbtriage/resources/fonts/DejaVuSans.ttf" in names
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(target)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    policy_id, newest, version = run.stdout.split()
    assert policy_id == "landelijk-2026"
    assert version == newest
