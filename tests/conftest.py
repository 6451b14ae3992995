"""Shared fixtures. GUI tests run offscreen unless a display is chosen explicitly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from tests.pg_fixtures import (  # noqa: F401 (fixtures)
    blank_db,
    demo_office,
    migrated_db,
    office_db,
    pg_admin_url,
    pg_server,
)

# The stores a test marked ``both_stores`` runs on: the workstation store (SQLite) and the office
# store (PostgreSQL, a database of its own per test after server-init, opened as its owner).
BACKENDS = ("werkplek", "kantoor")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_stores") is not None
        if metafunc.definition.get_closest_marker("workstation_only") is not None:
            both = False
        metafunc.parametrize("backend", BACKENDS if both else BACKENDS[:1])


TODAY = date(2026, 11, 23)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite3"


@pytest.fixture
def store(request: pytest.FixtureRequest, store_path: Path, backend: str) -> Iterator[Store]:
    if backend == "kantoor":
        from mdbtriage.store.office_store import OfficeStore

        opened: Store = OfficeStore.open_url(request.getfixturevalue("office_db").url)
    else:
        opened = Store.open(store_path)
    yield opened
    opened.close()


@pytest.fixture
def actor() -> Actor:
    return Actor(user_id="T-TL1", name="Test Teamleider", role="TL")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the real user data directory or the caller's store choice."""
    monkeypatch.delenv("MDB_TRIAGE_DB", raising=False)
    monkeypatch.delenv("MDB_TRIAGE_USER", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


def work_log_count(store: Store) -> int:
    """The access log's records of the work (on the office store its first record is the set-up
    by server-init, under the owner's login)."""
    row = store.conn.execute("SELECT count(*) FROM audit_log WHERE role != 'eigenaar'").fetchone()
    return int(row[0])
