from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mdbtriage.cli import cli
from mdbtriage.core.accounts import DEMO_PASSWORD
from tests.pg_fixtures import database_url

Run = Callable[..., Result]
SignIn = Callable[[str], None]
DEMO_TEAM_LEAD = "SMC-UTRECHT-1-TL1"


@pytest.fixture
def password_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Scripts on a store with accounts give the password in MDB_TRIAGE_PASSWORD; the demo
    accounts all have the documented demo password."""
    monkeypatch.setenv("MDB_TRIAGE_PASSWORD", DEMO_PASSWORD)
    return DEMO_PASSWORD


def _acting(args: tuple[str, ...], env: dict[str, str | None] | None) -> str | None:
    """Who a command signs in as: ``--user`` in its arguments, else MDB_TRIAGE_USER."""
    if "--user" in args:
        return args[args.index("--user") + 1]
    if env is not None and "MDB_TRIAGE_USER" in env:
        return env["MDB_TRIAGE_USER"]
    return os.environ.get("MDB_TRIAGE_USER") or None


@pytest.fixture
def run(request: pytest.FixtureRequest, store_path: Path, password_env: str, backend: str) -> Run:
    """Invoke ``mdb-triage --db STORE ARGS`` in-process; stdout and stderr stay apart. The
    password of a signed-in person comes from MDB_TRIAGE_PASSWORD (see ``password_env``); an
    ``env`` value of None removes a variable.

    On the office store (modules marked ``both_stores``) STORE is the test's own database,
    signed in with the login of the person the command names (``--user`` or MDB_TRIAGE_USER:
    the demo gives every staff member a login with the demo password, as it gives accounts on
    the workstation store), else with the owner's login (the set-up: ``demo``, imports)."""
    office = request.getfixturevalue("office_db") if backend == "kantoor" else None

    def invoke(
        *args: str, db: Path | None = store_path, env: dict[str, str | None] | None = None
    ) -> Result:
        runner = CliRunner()
        prefix = ["--db", str(db)] if db is not None else []
        if office is not None and db == store_path:
            url = database_url(office.admin_url, office.name, _acting(args, env))
            prefix = ["--db", url]
        return runner.invoke(cli, [*prefix, *args], env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def sign_in(monkeypatch: pytest.MonkeyPatch, password_env: str) -> SignIn:
    """From now on commands act as this staff member (MDB_TRIAGE_USER), with the password of
    ``password_env``: for stores whose accounts exist (the demo gives everyone one)."""

    def as_staff(staff_id: str) -> None:
        monkeypatch.setenv("MDB_TRIAGE_USER", staff_id)

    return as_staff
