from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mdbtriage.cli import cli
from mdbtriage.core.accounts import DEMO_PASSWORD

Run = Callable[..., Result]
SignIn = Callable[[str], None]
DEMO_TEAM_LEAD = "SMC-UTRECHT-1-TL1"


@pytest.fixture
def password_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Scripts on a store with accounts give the password in MDB_TRIAGE_PASSWORD; the demo
    accounts all have the documented demo password."""
    monkeypatch.setenv("MDB_TRIAGE_PASSWORD", DEMO_PASSWORD)
    return DEMO_PASSWORD


@pytest.fixture
def run(store_path: Path, password_env: str) -> Run:
    """Invoke ``mdb-triage --db STORE ARGS`` in-process; stdout and stderr stay apart. The
    password of a signed-in person comes from MDB_TRIAGE_PASSWORD (see ``password_env``); an
    ``env`` value of None removes a variable."""

    def invoke(
        *args: str, db: Path | None = store_path, env: dict[str, str | None] | None = None
    ) -> Result:
        runner = CliRunner()
        prefix = ["--db", str(db)] if db is not None else []
        return runner.invoke(cli, [*prefix, *args], env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def sign_in(monkeypatch: pytest.MonkeyPatch, password_env: str) -> SignIn:
    """From now on commands act as this staff member (MDB_TRIAGE_USER), with the password of
    ``password_env``: for stores whose accounts exist (the demo gives everyone one)."""

    def as_staff(staff_id: str) -> None:
        monkeypatch.setenv("MDB_TRIAGE_USER", staff_id)

    return as_staff
