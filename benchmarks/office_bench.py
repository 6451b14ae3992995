"""The office store (PostgreSQL) for the benchmarks: a throwaway server, a demo store on it, and
the measurements that differ from the workstation store's (the floor, copies for the import).

The server is the one ``MDB_TRIAGE_TEST_PG`` names (an admin login that may create databases);
without it ``run.py --backend postgresql`` runs itself again under ``scripts/pg-cluster.sh``
with ``PG_DURABLE=1``: a new cluster on loopback with the server's own durability settings
(fsync, synchronous commit), stopped and removed afterwards. The store is built anew on every
run (``server-init``, then the demo generator as the database owner, as
``mdb-triage --db URL demo`` does it), then vacuumed and analysed as a store in use would be.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg
from psycopg import sql

from mdbtriage.core.policy import Policy
from mdbtriage.store.database import Store
from synthetic import BENCH_ACTOR, ROOT

ADMIN_ENV = "MDB_TRIAGE_TEST_PG"
CLUSTER_SCRIPT = ROOT / "scripts" / "pg-cluster.sh"


def admin_url() -> str | None:
    return os.environ.get(ADMIN_ENV, "").strip() or None


def run_under_cluster(argv: list[str]) -> None:
    """Replace this process by the runner under a throwaway cluster (does not return)."""
    env = {**os.environ, "PG_DURABLE": "1"}
    command = ["bash", str(CLUSTER_SCRIPT), sys.executable, str(Path(sys.argv[0])), *argv]
    sys.stdout.flush()
    os.execvpe("bash", command, env)


def database_url(admin: str, name: str, user: str | None = None) -> str:
    """The admin URL with another database (and optionally another login)."""
    parts = urlsplit(admin)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if user is not None:
        netloc = f"{quote(user, safe='')}@{netloc}"
    elif "@" in parts.netloc:
        netloc = parts.netloc
    return parts._replace(netloc=netloc, path=f"/{name}").geturl()


def _admin(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True, connect_timeout=10)


@dataclass(frozen=True)
class OfficeBench:
    admin: str
    name: str
    cases: int
    seed: int
    today: date
    built_s: float

    @property
    def url(self) -> str:
        """The owner's address (the admin login: superuser of the throwaway server)."""
        return database_url(self.admin, self.name)

    def url_as(self, login: str) -> str:
        return database_url(self.admin, self.name, login)


def server_facts(admin: str) -> str:
    """The server's version and the settings that matter for these numbers, for the notes."""
    with _admin(admin) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        facts = [f"PostgreSQL {version[0] if version else '?'}"]
        for name in ("fsync", "synchronous_commit", "shared_buffers", "work_mem"):
            row = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
            facts.append(f"{name}={row[0] if row else '?'}")
    return ", ".join(facts)


def _drop(admin: psycopg.Connection[Any], name: str) -> None:
    """The database and its group roles (``<name>_…``); staff logins are server-wide and stay."""
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    roles = admin.execute(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY rolname DESC",
        (name.replace("_", r"\_") + r"\_%",),
    ).fetchall()
    for (role,) in roles:
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@contextmanager
def demo_store(admin: str, n_cases: int, seed: int) -> Iterator[OfficeBench]:
    """A new office store of ``n_cases`` demo cases on the server; dropped afterwards."""
    from mdbtriage.store.demo import load_demo
    from mdbtriage.store.office import server_init

    name = f"mdb_bench_{n_cases}_{os.getpid()}"
    today = date.today()
    with _admin(admin) as conn:
        _drop(conn, name)
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name)
            )
        )
    try:
        started = time.perf_counter()
        url = database_url(admin, name)
        server_init(url)
        with Store.open(url) as store:
            load_demo(store, n_cases=n_cases, seed=seed, today=today, actor=BENCH_ACTOR)
        with _admin(url) as conn:
            conn.execute("VACUUM (ANALYZE)")
        built = time.perf_counter() - started
        yield OfficeBench(admin, name, n_cases, seed, today, built)
    finally:
        with _admin(admin) as conn:
            _drop(conn, name)


def team_lead(bench: OfficeBench) -> str:
    """A team lead of the demo store: their database login is their staff id."""
    with _admin(bench.url) as conn:
        row = conn.execute(
            "SELECT s.staff_id FROM staff s JOIN pg_roles r ON r.rolname = s.staff_id "
            "WHERE s.role = 'TL' AND s.active = 1 ORDER BY s.staff_id LIMIT 1"
        ).fetchone()
    if row is None:
        raise RuntimeError("the demo store has no team lead with a database login")
    return str(row[0])


@contextmanager
def copy_of(bench: OfficeBench, suffix: str) -> Iterator[str]:
    """A copy of the store (``CREATE DATABASE … TEMPLATE``, no one connected to it); its
    address as the owner. Dropped afterwards."""
    name = f"{bench.name}_{suffix}"
    with _admin(bench.admin) as conn:
        _drop(conn, name)
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(bench.name)
            )
        )
    try:
        yield database_url(bench.admin, name)
    finally:
        with _admin(bench.admin) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def floor_sampler(url: str, policy: Policy) -> tuple[Any, Any]:
    """The same rows as the queue in policy order with a bare psycopg SELECT … ORDER BY on one
    connection (opened once, not timed); returns (sample, close)."""
    from metrics import floor_sql

    conn = psycopg.connect(url, autocommit=True)
    query = floor_sql(policy, office=True)

    def sample() -> tuple[float, int]:
        started = time.perf_counter()
        rows = conn.execute(query).fetchall()
        return (time.perf_counter() - started) * 1000, len(rows)

    return sample, conn.close


def import_sample(bench: OfficeBench, n_rows: int, seed: int) -> float:
    """Rows per second of what ``import-cases FILE`` does once the store is open (see
    ``metrics.import_sample``), into a copy of the office store, as its owner."""
    from metrics import timed_import

    with (
        tempfile.TemporaryDirectory(prefix="mdb-bench-") as tmp,
        copy_of(bench, "imp") as url,
        Store.open(url) as store,
    ):
        return timed_import(store, Path(tmp), n_rows, seed)
