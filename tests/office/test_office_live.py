"""The office store at work with several workstations: who the log names is the login the
server authenticated, and colleagues' commits reach the other programs' watchers."""

from __future__ import annotations

import time
from datetime import date

import pytest

from mdbtriage.core.model import Actor
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.changes import OfficeWatcher, change_watcher
from mdbtriage.store.office_store import OfficeStore
from mdbtriage.store.tasks import assign_task
from tests.office.conftest import DAY, TL, OfficeDb, database_url

VA = "SMC-UTRECHT-1-VA2"
TODAY = date.fromisoformat(DAY)


def open_as(db: OfficeDb, login: str | None = None) -> OfficeStore:
    url = database_url(db.admin_url, db.name, login) if login else db.url
    return OfficeStore.open_url(url)


def test_the_log_names_the_login_whatever_the_program_sends(demo_office: OfficeDb) -> None:
    store = open_as(demo_office, VA)
    with store:
        forged = Actor(user_id=TL, name="Iemand Anders", role="TL")
        with store.atomic() as conn:
            log(conn, forged, AuditEntry(event="read", purpose="test vervalsing"))
        row = store.conn.execute(
            "SELECT user_id, role FROM audit_log WHERE purpose = 'test vervalsing'"
        ).fetchone()
    assert tuple(row) == (VA, "VA")


def test_the_application_cannot_change_or_remove_log_records(demo_office: OfficeDb) -> None:
    import psycopg

    with demo_office.connect(VA) as conn:
        for statement in ("UPDATE audit_log SET details = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_a_colleagues_assignment_reaches_the_other_watcher(demo_office: OfficeDb) -> None:
    va, tl = open_as(demo_office, VA), open_as(demo_office, TL)
    try:
        watcher = change_watcher(tl)
        assert isinstance(watcher, OfficeWatcher)
        mine = change_watcher(va)
        assert not watcher.poll()
        ref = va.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = 'SMC-UTRECHT-1' AND service = 'ZW' "
            "AND status != 'afgerond' ORDER BY case_ref LIMIT 1"
        ).fetchone()[0]
        actor = Actor(user_id=VA, name="VA", role="VA")
        started = time.monotonic()
        task_id = assign_task(
            va, actor, case_ref=ref, task_code="DOSSIERSTUDIE", assignee_id=VA, on=TODAY
        )
        while not watcher.poll():
            assert time.monotonic() - started < 2, "no notification within 2 s"
            time.sleep(0.05)
        tasks = [n for n in watcher.notices if n.table == "tasks"]
        assert tasks and str(task_id) in tasks[0].keys and ref in tasks[0].cases
        assert tasks[0].by == VA
        # The VA's own program is not told of its own commit.
        assert not mine.poll()
    finally:
        va.close()
        tl.close()
