"""Short crash run: SIGKILL a writing process at random moments; nothing committed is lost and
nothing half-written remains. The full run is ``python scripts/crash_test.py --rounds 200``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "crash_test.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crash_test", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("crash_test", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_during_imports_edits_and_backups_loses_nothing(tmp_path: Path) -> None:
    crash = _load()
    results = list(crash.rounds(6, seed=7, max_delay=1.0, workdir=tmp_path))
    problems = [p for r in results for p in r.problems]
    assert problems == []
    assert sum(r.committed for r in results) > 20  # the kills really hit a busy writer


def test_the_verifier_notices_a_half_written_batch(tmp_path: Path) -> None:
    """The check itself can fail: a batch split over two commits is reported."""
    crash = _load()
    from mdbtriage.core.model import Actor
    from mdbtriage.store.database import Store
    from mdbtriage.store.records import upsert_cases

    db = tmp_path / "crash.sqlite3"
    with Store.open(db) as store:
        batch = crash._batch(1)
        upsert_cases(store, batch[:10], Actor.system_account("t"), purpose="crashtest import 1")
    problems = crash.verify(db, ["import 1"])
    assert any("half geschreven" in p for p in problems)
    assert any("gemeld als vastgelegd maar verloren" in p for p in problems)
