from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mdbtriage.cli import cli

Run = Callable[..., Result]


@pytest.fixture
def run(store_path: Path) -> Run:
    """Invoke ``mdb-triage --db STORE ARGS`` in-process; stdout and stderr stay apart."""

    def invoke(
        *args: str, db: Path | None = store_path, env: dict[str, str] | None = None
    ) -> Result:
        runner = CliRunner()
        prefix = ["--db", str(db)] if db is not None else []
        return runner.invoke(cli, [*prefix, *args], env=env, catch_exceptions=False)

    return invoke
