"""Synthetic stores and import files for the benchmarks, built with the demo generator.

Stores are cached under ``benchmarks/stores/`` (git-ignored). A cached store is reused only when
it was built by the same demo generator and the same migrations; otherwise it is rebuilt.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mdbtriage.core.caserules import case_fields
from mdbtriage.core.csvimport import CASE_COLUMNS, CASE_EXTRA
from mdbtriage.core.demo import generate
from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo

ROOT = Path(__file__).resolve().parent.parent
STORES = Path(__file__).resolve().parent / "stores"
BENCH_ACTOR = Actor.system_account("benchmark")


@dataclass(frozen=True)
class BenchStore:
    path: Path
    cases: int
    seed: int
    today: date
    built_s: float | None  # seconds it took to build now; None when reused


def open_store(path: Path) -> Store:
    """Open a benchmark store; a backup made by a migration goes to the temporary directory."""
    return Store.open(path, backup_dir=Path(tempfile.gettempdir()) / "mdb-bench-backups")


def fingerprint() -> str:
    """What a demo store's content depends on: generator, demo loader, migrations."""
    digest = hashlib.sha1()
    sources = [
        ROOT / "desktop/mdbtriage/core/demo.py",
        ROOT / "desktop/mdbtriage/store/demo.py",
        *sorted((ROOT / "db").glob("*.sql")),
    ]
    for source in sources:
        if source.exists():
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


def demo_store(n_cases: int, seed: int = 2026, directory: Path = STORES) -> BenchStore:
    """The cached store of ``n_cases`` synthetic cases, built when missing or stale."""
    import time

    directory.mkdir(parents=True, exist_ok=True)
    stem = f"demo-{n_cases}-seed{seed}"
    path = directory / f"{stem}-{fingerprint()}.sqlite3"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text("utf-8"))
        return BenchStore(path, n_cases, seed, date.fromisoformat(meta["today"]), None)
    for stale in [*directory.glob(f"{stem}-*"), *directory.glob(f"{stem}.*")]:
        stale.unlink()
    today = date.today()
    building = directory / f"{stem}.building.sqlite3"
    for leftover in directory.glob(f"{stem}.building.sqlite3*"):
        leftover.unlink()
    started = time.perf_counter()
    with open_store(building) as store:
        load_demo(store, n_cases=n_cases, seed=seed, today=today, actor=BENCH_ACTOR)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("ANALYZE")
    built = time.perf_counter() - started
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    os.replace(building, path)
    for sidecar in directory.glob(f"{building.name}.*"):  # e.g. the store's seal
        os.replace(sidecar, str(path) + sidecar.name[len(building.name) :])
    meta_path.write_text(json.dumps({"today": today.isoformat(), "cases": n_cases}), "utf-8")
    return BenchStore(path, n_cases, seed, today, built)


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy with SQLite's backup API (the original stays untouched)."""
    with open_store(source) as store:
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        store.backup_to(target)
    return target


def import_csv(n_rows: int, seed: int, today: date) -> bytes:
    """A valid case CSV of ``n_rows`` new cases (Dutch dates, ``;``, BOM: a spreadsheet export)."""
    data = generate(n_rows, seed, today)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    columns = (*CASE_COLUMNS, *CASE_EXTRA)
    writer.writerow(columns)

    for i, case in enumerate(data.cases, start=1):
        # every column as the case form and a re-import read it (Dutch dates)
        values = {**case_fields(case), "case_ref": f"IMP-{seed}-{i:07d}"}
        writer.writerow([values[c] for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
