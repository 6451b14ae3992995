"""The office store's fixtures live in tests/pg_fixtures.py (the store and command-line tests
that run on both stores use them too); the names are re-exported here for the tests' imports."""

from tests.pg_fixtures import PG_ENV, OfficeDb, PgServer, database_url

__all__ = ["PG_ENV", "OfficeDb", "PgServer", "database_url"]
