"""The office store's fixtures live in tests/pg_fixtures.py (the store and command-line tests
that run on both stores use them too); the names are re-exported here for the tests' imports."""

from tests.pg_fixtures import DAY, PG_ENV, TL, OfficeDb, PgServer, database_url, run

__all__ = ["DAY", "PG_ENV", "TL", "OfficeDb", "PgServer", "database_url", "run"]
