"""A second program holding a store's write lock, for the tests of locked stores."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# It takes the write lock and gives it back without writing: a program that changed the sealed
# store outside MDB Triage would (rightly) make the next start refuse it as changed, so the
# tests of waiting would depend on whether the next start came before or after its commit.
_HOLDER = (
    "import sqlite3, sys, time\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN IMMEDIATE')\n"
    "print('vast', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "c.execute('ROLLBACK')\n"
)


@contextmanager
def write_lock_in_other_process(path: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another program holding the store's write lock for ``seconds`` (it has it on entry)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "vast"
    try:
        yield holder
    finally:
        holder.wait(timeout=30)
