"""Fixtures for the office store (PostgreSQL).

The server comes from MDB_TRIAGE_TEST_PG: the URL of a login that may create databases and
roles (scripts/test.sh starts a throwaway cluster and sets it when PostgreSQL is installed).
Without it these tests are skipped, except under CI=true, where a missing server fails them.
Every test gets a database of its own, cloned from a template made once per run (about 30 ms),
and everything it made on the server (the database and the roles named after it) is dropped
afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import sql

from mdbtriage.cli import cli
from mdbtriage.core.accounts import DEMO_PASSWORD
from mdbtriage.store.office import OfficeRoles, apply_ladder, parse_url, server_init

PG_ENV = "MDB_TRIAGE_TEST_PG"


def database_url(admin_url: str, name: str, user: str | None = None) -> str:
    """The admin URL with another database (and optionally another user)."""
    parts = urlsplit(admin_url)
    netloc = parts.netloc
    if user is not None:
        netloc = f"{user}@{netloc.rsplit('@', 1)[-1]}"
    return parts._replace(netloc=netloc, path=f"/{name}").geturl()


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        reason = (
            f"{PG_ENV} is niet gezet: geen PostgreSQL-server voor de kantooropslag "
            "(scripts/test.sh start er een wanneer PostgreSQL is geïnstalleerd: "
            "apt-get install postgresql)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; onder CI=true is dat een fout", pytrace=False)
        pytest.skip(reason)
    return url


def _admin(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def _drop(admin: psycopg.Connection[Any], name: str) -> None:
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    roles = admin.execute(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY rolname DESC",
        (name.replace("_", r"\_") + r"\_%",),
    ).fetchall()
    for (role,) in roles:
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@dataclass
class PgServer:
    admin_url: str
    session: str
    blank_template: str
    ladder_template: str
    counter: int = 0

    def new_name(self) -> str:
        self.counter += 1
        return f"mdbt_{self.session}_{self.counter}"


@pytest.fixture(scope="session")
def pg_server(pg_admin_url: str) -> Iterator[PgServer]:
    session = secrets.token_hex(3)
    server = PgServer(pg_admin_url, session, f"mdbt_{session}_blank", f"mdbt_{session}_ladder")
    with _admin(pg_admin_url) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(server.blank_template)
            )
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(server.ladder_template), sql.Identifier(server.blank_template)
            )
        )
    address = parse_url(database_url(pg_admin_url, server.ladder_template))
    with psycopg.connect(**address.params, autocommit=True) as conn:
        apply_ladder(conn, address)
    yield server
    with _admin(pg_admin_url) as admin:
        _drop(admin, server.ladder_template)
        _drop(admin, server.blank_template)


@dataclass
class OfficeDb:
    admin_url: str
    name: str
    url: str

    @property
    def roles(self) -> OfficeRoles:
        return OfficeRoles(self.name)

    def connect(self, user: str | None = None) -> psycopg.Connection[Any]:
        """A connection to this database, as the owner or as ``user``."""
        return psycopg.connect(
            database_url(self.admin_url, self.name, user), autocommit=True, connect_timeout=5
        )

    def login(self, suffix: str, *groups: str) -> str:
        """A database login named after this database, member of ``groups``."""
        name = f"{self.name}_{suffix}"
        with _admin(self.admin_url) as admin:
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            for group in groups:
                admin.execute(
                    sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name))
                )
        return name


def _clone(pg_server: PgServer, template: str) -> Iterator[OfficeDb]:
    name = pg_server.new_name()
    with _admin(pg_server.admin_url) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    try:
        yield OfficeDb(pg_server.admin_url, name, database_url(pg_server.admin_url, name))
    finally:
        with _admin(pg_server.admin_url) as admin:
            _drop(admin, name)


@pytest.fixture
def blank_db(pg_server: PgServer) -> Iterator[OfficeDb]:
    """An empty database, as IT creates it for the office store."""
    yield from _clone(pg_server, pg_server.blank_template)


@pytest.fixture
def migrated_db(pg_server: PgServer) -> Iterator[OfficeDb]:
    """A database with the office store's schema (the whole ladder), no roles or grants."""
    yield from _clone(pg_server, pg_server.ladder_template)


@pytest.fixture
def office_db(migrated_db: OfficeDb) -> OfficeDb:
    """A database after server-init: schema, group roles and grants."""
    server_init(migrated_db.url)
    return migrated_db


TL = "SMC-UTRECHT-1-TL1"
DAY = "2026-11-23"


def run(url: str, *args: str) -> tuple[int, str, str]:
    """``mdb-triage --db URL ARGS`` in-process: exit code, stdout, stderr."""
    runner = CliRunner()
    env = {"MDB_TRIAGE_PASSWORD": DEMO_PASSWORD}
    result = runner.invoke(cli, ["--db", url, *args], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo_office(office_db: OfficeDb) -> OfficeDb:
    """An office store after server-init with the demo (300 cases) and the demo staff's logins."""
    code, _, err = run(office_db.url, "demo", "--cases", "300", "--seed", "7", "--on", DAY)
    assert code == 0, err
    return office_db
