"""The command line on the office store: set-up by the owner, daily work by staff logins, and
the same werkvoorraad as on the workstation store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mdbtriage.cli import cli
from mdbtriage.core.accounts import DEMO_PASSWORD
from tests.office.conftest import OfficeDb, database_url

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


def staff_url(db: OfficeDb, login: str) -> str:
    return database_url(db.admin_url, db.name, login)


def test_owner_loads_demo_and_staff_work_with_their_own_login(demo_office: OfficeDb) -> None:
    code, out, err = run(staff_url(demo_office, TL), "queue", "--on", DAY, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) > 100
    with demo_office.connect() as conn:
        who = conn.execute(
            "SELECT user_id, role FROM audit_log WHERE purpose LIKE 'aanmelden%' "
            "ORDER BY log_id DESC LIMIT 1"
        ).fetchone()
    assert who == (TL, "TL")


def test_owner_cannot_do_daily_work(demo_office: OfficeDb) -> None:
    code, _, err = run(demo_office.url, "queue", "--on", DAY)
    assert code == 3
    assert "eigenaar van de database" in err


def test_unknown_login_is_refused(demo_office: OfficeDb) -> None:
    login = demo_office.login("stranger", demo_office.roles.app)
    code, _, err = run(staff_url(demo_office, login), "queue", "--on", DAY)
    assert code == 3
    assert "hoort bij geen medewerker" in err


def test_login_without_connect_right_is_told_so(demo_office: OfficeDb) -> None:
    login = demo_office.login("outsider")
    code, _, err = run(staff_url(demo_office, login), "queue", "--on", DAY)
    assert code == 3
    assert "geen toegang tot die database" in err
    assert "Traceback" not in err


def test_same_werkvoorraad_as_workstation_store(demo_office: OfficeDb, tmp_path: Path) -> None:
    file = str(tmp_path / "store.sqlite3")
    code, _, err = run(file, "demo", "--cases", "300", "--seed", "7", "--on", DAY)
    assert code == 0, err
    args = ("queue", "--on", DAY, "--format", "json")
    code, on_file, err = run(file, "--user", TL, *args)
    assert code == 0, err
    code, on_server, err = run(staff_url(demo_office, TL), *args)
    assert code == 0, err
    assert json.loads(on_server) == json.loads(on_file)
