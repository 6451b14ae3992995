"""The office store's fixtures live in tests/pg_fixtures.py (the store and command-line tests
that run on both stores use them too); the names are re-exported here for the tests' imports."""

import pytest
from click.testing import CliRunner

from mdbtriage.cli import cli
from mdbtriage.core.accounts import DEMO_PASSWORD
from tests.pg_fixtures import PG_ENV, OfficeDb, PgServer, database_url

__all__ = ["DAY", "PG_ENV", "TL", "OfficeDb", "PgServer", "database_url", "run"]

TL = "SMC-UTRECHT-1-TL1"
DAY = "2026-11-23"


def run(url: str, *args: str, user: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    env = {"MDB_TRIAGE_PASSWORD": DEMO_PASSWORD}
    result = runner.invoke(cli, ["--db", url, *args], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo_office(office_db: OfficeDb) -> OfficeDb:
    code, _, err = run(office_db.url, "demo", "--cases", "300", "--seed", "7", "--on", DAY)
    assert code == 0, err
    return office_db
