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

TODAY = date(2026, 11, 23)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite3"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
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
