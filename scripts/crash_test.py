"""Crash test: kill a writing MDB Triage process with SIGKILL at random moments and prove that
every committed change survived and no half-written change did.

A child process imports batches of cases (one transaction each, through the same repository
code the CLI uses), edits earlier batches (status and name changed together with a setting, in
one transaction) and now and then writes an automatic backup. After each commit it reports the
operation on stdout. The parent kills it at a random moment, reopens the store with the normal
startup checks, and verifies:

* the store opens and passes ``integrity_check``;
* every operation reported as committed is there in full (no lost commits);
* every batch and every edit is all-or-nothing (no partial writes), including the one that was
  running when the process died;
* every backup in ``backups/`` passes verification (a half-written backup never shows up).

Run the full version with ``.venv/bin/python scripts/crash_test.py --rounds 200``; the test suite
runs a short version. Exit code 0 when every round passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mdbtriage.core.model import Case

BATCH = 25
TODAY = date(2026, 11, 23)


def _bsn(n: int) -> str:
    """The n-th number (from 100000000 on) that passes the BSN 11-check."""
    value = 100_000_000 + n * 7
    while True:
        digits = f"{value:09d}"
        total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
        if total % 11 == int(digits[8]):
            return digits
        value += 1


def _batch(op: int, status: str = "open", suffix: str = "") -> list[Case]:
    from mdbtriage.core.model import Case, Client

    return [
        Case.entered(
            case_ref=f"CR{op:05d}-{i:02d}",
            client=Client(
                bsn=_bsn(op * BATCH + i),
                name=f"Cliënt {op}-{i}{suffix}",
                birth_date=date(1970, 1, 1),
            ),
            service="ZW",
            received_on=date(2026, 1, 1 + i % 28),
            team="CRASH",
            status=status,
        )
        for i in range(BATCH)
    ]


def child(db: Path, seed: int) -> None:
    """Write forever: imports, edits and backups, reporting each commit on stdout."""
    from mdbtriage.core.model import Actor
    from mdbtriage.store.backup import Retention, create_backup
    from mdbtriage.store.database import Store
    from mdbtriage.store.records import upsert_cases

    rng = random.Random(seed)
    store = Store.open(db)
    actor = Actor.system_account("crashtest")
    done = {
        int(r[0]) for r in store.conn.execute("SELECT DISTINCT substr(case_ref, 3, 5) FROM cases")
    }
    edits = {
        int(r[0][len("crash-edit-") :])
        for r in store.conn.execute("SELECT key FROM settings WHERE key LIKE 'crash-edit-%'")
    }
    op = max(done | edits, default=0) + 1
    out = sys.stdout
    while True:
        kind = rng.choices(["import", "edit", "backup"], weights=[6, 3, 1])[0]
        if kind == "edit" and done:
            target = rng.choice(sorted(done))
            cases = _batch(target, status="in_behandeling", suffix=f" (bewerking {op})")
            with store.atomic() as conn:
                upsert_cases(store, cases, actor, purpose=f"crashtest bewerking {op}")
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)",
                    (f"crash-edit-{op}", str(target)),
                )
            out.write(f"edit {op} {target}\n")
        elif kind == "backup":
            create_backup(store, retention=Retention(daily=3, weekly=0, monthly=0))
            out.write(f"backup {op}\n")
        else:
            upsert_cases(store, _batch(op), actor, purpose=f"crashtest import {op}")
            done.add(op)
            out.write(f"import {op}\n")
        out.flush()
        op += 1


@dataclass
class Round:
    number: int
    committed: int = 0
    problems: list[str] = field(default_factory=list)


def verify(db: Path, reported: list[str]) -> list[str]:
    """Everything wrong with the store after a kill; empty when the round passed."""
    from mdbtriage.store.backup import list_backups, verify_backup
    from mdbtriage.store.database import Store, StoreError

    problems: list[str] = []
    try:
        store = Store.open(db)
    except StoreError as error:
        return [f"opslag opent niet: {error}"]
    try:
        problems += [f"integriteit: {p}" for p in store.integrity_problems()]
        per_batch = {
            int(r[0]): (int(r[1]), int(r[2]))
            for r in store.conn.execute(
                "SELECT substr(case_ref, 3, 5), count(*), sum(status = 'in_behandeling') "
                "FROM cases WHERE team_id = 'CRASH' GROUP BY 1"
            )
        }
        for batch, (count, _) in per_batch.items():
            if count != BATCH:
                problems.append(f"batch {batch}: {count} van {BATCH} zaken (half geschreven)")
        edits = {
            int(r[0][len("crash-edit-") :]): int(r[1])
            for r in store.conn.execute(
                "SELECT key, value FROM settings WHERE key LIKE 'crash-edit-%'"
            )
        }
        for op, target in edits.items():
            names = {
                r[0]
                for r in store.conn.execute(
                    "SELECT cl.name FROM cases c JOIN clients cl USING (client_id) "
                    "WHERE c.case_ref LIKE ?",
                    (f"CR{target:05d}-%",),
                )
            }
            if not any(f"(bewerking {op})" in n for n in names) and not any(
                later > op and edits[later] == target for later in edits
            ):
                problems.append(f"bewerking {op}: vastgelegd zonder de gewijzigde zaken")
        for batch, (_, changed) in per_batch.items():
            if changed not in (0, BATCH):
                problems.append(f"batch {batch}: {changed} van {BATCH} zaken bewerkt (half)")
        audit_imports = {
            int(r[0].rsplit(" ", 1)[1])
            for r in store.conn.execute(
                "SELECT DISTINCT purpose FROM audit_log WHERE purpose LIKE 'crashtest import %'"
            )
        }
        for line in reported:
            kind, op = line.split()[:2]
            if kind == "import" and per_batch.get(int(op), (0, 0))[0] != BATCH:
                problems.append(f"import {op} gemeld als vastgelegd maar verloren")
            if kind == "import" and int(op) not in audit_imports:
                problems.append(f"import {op}: logregels ontbreken")
            if kind == "edit" and int(op) not in edits:
                problems.append(f"bewerking {op} gemeld als vastgelegd maar verloren")
        if set(per_batch) != audit_imports:
            problems.append("zaken en toegangslog lopen uiteen (half geschreven transactie)")
        for backup in list_backups(db):
            problems += [f"reservekopie: {p}" for p in verify_backup(backup.path)]
    finally:
        store.close()
    return problems


def run_round(db: Path, number: int, rng: random.Random, max_delay: float) -> Round:
    result = Round(number)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(db), "--seed", str(rng.randrange(1 << 30))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    time.sleep(rng.uniform(0.05, max_delay))
    proc.send_signal(signal.SIGKILL)
    stdout, stderr = proc.communicate()
    reported = [line for line in stdout.splitlines() if line.strip()]
    if proc.returncode != -signal.SIGKILL:
        result.problems.append(f"kindproces stopte zelf ({proc.returncode}): {stderr[-500:]}")
    result.committed = len(reported)
    result.problems += verify(db, reported)
    return result


def rounds(count: int, seed: int, max_delay: float, workdir: Path) -> Iterator[Round]:
    rng = random.Random(seed)
    db = workdir / "crash.sqlite3"
    for number in range(1, count + 1):
        yield run_round(db, number, rng, max_delay)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--max-delay", type=float, default=1.5, help="seconds before the kill")
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary folder)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.seed)
        return 0
    with tempfile.TemporaryDirectory(prefix="mdb-crash-") as temporary:
        workdir = args.dir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        total = lost = stopped = 0
        for result in rounds(args.rounds, args.seed, args.max_delay, workdir):
            total += result.committed
            status = "ok" if not result.problems else "FOUT"
            print(f"ronde {result.number:4d}: {result.committed:4d} vastleggingen gemeld, {status}")
            for problem in result.problems:
                print(f"    {problem}")
            data = [p for p in result.problems if not p.startswith("kindproces stopte zelf")]
            lost += bool(data)
            stopped += len(data) < len(result.problems)
        print(
            f"{args.rounds} rondes, {total} gemelde vastleggingen: {lost} rondes met verloren "
            f"of half geschreven wijzigingen, {stopped} rondes waarin het schrijvende proces "
            "zelf stopte (fout in het proces, geen crash)"
        )
    return 1 if lost or stopped else 0


if __name__ == "__main__":
    sys.exit(main())
