"""Fixtures for the desktop tests: a demo store, a signed-in session, settings in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from mdbtriage.core.model import Actor
from mdbtriage.core.policy import Policy, load_policy
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.ui.session import Session
from tests.conftest import TODAY

DEMO_CASES = 300


@pytest.fixture
def policy() -> Policy:
    return load_policy()


@pytest.fixture
def demo_store(store: Store) -> Store:
    load_demo(store, n_cases=DEMO_CASES, seed=7, today=TODAY, actor=Actor.system_account("test"))
    return store


@pytest.fixture
def team_id(demo_store: Store) -> str:
    return str(demo_store.conn.execute("SELECT team_id FROM teams ORDER BY team_id").fetchone()[0])


def _session(store: Store, role: str) -> Session:
    row = store.conn.execute(
        "SELECT staff_id, name, role, team_id FROM staff WHERE role = ? ORDER BY staff_id", (role,)
    ).fetchone()
    return Session(staff_id=row[0], name=row[1], role=row[2], team=row[3])


@pytest.fixture
def tl_session(demo_store: Store) -> Session:
    return _session(demo_store, "TL")


@pytest.fixture
def va_session(demo_store: Store) -> Session:
    return _session(demo_store, "VA")


@pytest.fixture
def ad_session(demo_store: Store) -> Session:
    return _session(demo_store, "AD")


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "mdb-triage.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(
    qtbot, demo_store: Store, policy: Policy, settings: QSettings
) -> Iterator[Callable[..., object]]:
    """A main window for a session, with the werkvoorraad loaded."""
    from mdbtriage.ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(session: Session, store: Store | None = None) -> MainWindow:
        window = MainWindow(store or demo_store, session, policy, TODAY, settings)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        with qtbot.waitSignal(window.werkvoorraad.loaded, timeout=20000):
            pass
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close_dossiers()
